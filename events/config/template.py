"""The ``config.toml`` that ``events init`` (and ``events sources add`` with no file yet) writes: every
setting a newcomer may want, commented, with the organisation's name and first page filled in."""

from __future__ import annotations

import json


def starter_config(organisation: str, source_id: str, url: str, timezone: str = "Europe/London") -> str:
    name, page = json.dumps(organisation, ensure_ascii=False), json.dumps(url)
    return f"""#:schema ./config.schema.json
# eventfeed configuration, written by `events init`. Paths are relative to this file; strings may use
# ${{VAR}} for secrets. Every key is described in README.md, "Configuration"; `events config check` checks it.

[service]
database_url = "sqlite:///var/eventfeed.db"   # or a PostgreSQL URL (or DATABASE_URL) in production
feeds_dir = "var/feeds"                       # where all.ics / all.json are written
listen = "127.0.0.1:8080"                     # where `events run` serves the feeds and pages
# base_url = "https://events.example.org"     # the public address subscribers use (default: http:// + listen)
timezone = {json.dumps(timezone)}                    # the zone pages' times are in, unless a source says
# refresh_interval = "6h"                     # how often calendar apps should read a feed again

[site]
name = {name}
# address = "Unity House, 1 Cross Street, Leeds LS1 2AB"   # your premises: events held there get the address
# contact_url = "mailto:events@example.org"

# Each source is one page to watch; `events sources add URL` adds more, showing what it reads first.
[[sources]]
id = {json.dumps(source_id)}
name = {name}
url = {page}
interval = "6h"                               # how often to fetch it: 30m, 6h, 1d
# categories = ["union"]                      # for feeds and filters

# A feed is a filter over events; `all` exists even if you leave it out.
[[feeds]]
id = "all"
title = "All events"

# [slack]                                     # tell staff what changed
# webhook_url = "${{SLACK_WEBHOOK_URL}}"
"""
