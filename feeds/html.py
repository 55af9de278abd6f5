"""HTML from Jinja2 templates (``feeds/templates``) with autoescaping, so no string from a config or a web
page is ever markup: the web app's pages and the e-mail digests render through here."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

import jinja2

from events.record import Event


@cache
def _templates() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("feeds", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )


def render(template: str, **context: Any) -> str:
    return _templates().get_template(template).render(**context)


def clock(e: Event) -> str:
    if not isinstance(e.start, datetime):
        return ""
    return f"{e.start:%H:%M}" + (f"–{e.end:%H:%M}" if isinstance(e.end, datetime) else "")


def local_time(moment: datetime | None, zone: ZoneInfo) -> str:
    if moment is None:
        return "never"
    at = moment.astimezone(zone)
    return f"{at:%a} {at.day} {at:%b %Y}, {at:%H:%M}"
