"""The slash command: ``/events`` (what's on), ``/events london`` (filtered), ``/events feed`` (links).

The web app verifies Slack's request signature before calling anything here."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from events.config.models import Config
from events.store import StoredEvent
from feeds.build import feed_events
from feeds.links import feed_links
from feeds.selection import Query
from feeds.slack.messages import SECTION_LIMIT, clip, escape, event_line, link
from feeds.text import calendar_name, organisation

LIMIT = 10
QUERY_LIMIT = 100  # characters of the user's own words said back to them


def answer(config: Config, items: Sequence[StoredEvent], text: str, now: datetime | None = None) -> dict[str, Any]:
    words = " ".join(text.split()).casefold()
    if words in ("feed", "feeds", "subscribe", "calendar"):
        lines = []
        for feed in config.feeds:
            links = feed_links(config.service.base_url, feed.id, calendar_name(organisation(config.site), feed.title))
            lines.append(
                f"*{escape(feed.title)}*: {link(links['outlook'], 'Outlook')} · "
                f"{link(links['google'], 'Google')} (paste the iCal address) · {link(links['ics'], 'iCal address')}"
            )
        return _reply("Subscribe to the calendars", lines)
    feed = config.feed("all") or config.feeds[0]
    upcoming = feed_events(config, feed, items, now=now or datetime.now(UTC), query=Query(upcoming=True))
    if words:
        upcoming = [
            i
            for i in upcoming
            if words
            in " ".join(
                x or "" for x in (i.event.title, i.event.venue, i.event.locality, i.event.address, *i.event.categories)
            ).casefold()
        ]
    lines = [event_line(i.event) for i in upcoming[:LIMIT]]
    asked = " ".join(text.split())
    head = f"Next events matching “{clip(asked, QUERY_LIMIT)}”" if words else "Next events"
    if not lines:
        lines = ["Nothing coming up" + (" that matches." if words else ".")]
    return _reply(head, lines)


def _reply(head: str, lines: list[str]) -> dict[str, Any]:
    """Every text within Slack's limits (a section's 3,000 characters), whatever the user typed."""
    body = clip("\n".join(lines), SECTION_LIMIT)
    title = clip(escape(head), SECTION_LIMIT - 2)
    return {
        "response_type": "ephemeral",
        "text": title,
        "blocks": [
            {"type": "section", "text": {"type": "mrkdwn", "text": f"*{title}*"}},
            {"type": "section", "text": {"type": "mrkdwn", "text": body}},
        ],
    }
