"""Block Kit messages for changes, safe and within Slack's limits.

Page text can never become a mention or a disguised link: ``&``, ``<`` and ``>`` are escaped, so
``<!channel>`` arrives as the literal text. Links are built by us from URLs we percent-encode.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

from events.config import Feed
from events.record import Event
from feeds.jsonfeed import when_words
from feeds.page import subscribe_links
from feeds.text import booking_words, one_line, where

SECTION_LIMIT = 3000
HEADER_LIMIT = 150
BUTTON_LIMIT = 75
TEXT_LIMIT = 4000
MAX_BLOCKS = 50
KIND_WORDS = {
    "new": "New event",
    "updated": "Event updated",
    "booking": "Booking changed",
    "cancelled": "Event cancelled",
    "rescheduled": "Event moved",
    "removed": "Event removed",
}


def escape(text: str | None) -> str:
    """Slack mrkdwn: the three characters that make links, mentions and entities."""
    return (text or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def safe_url(url: str) -> str:
    """A URL that cannot close the <url|label> link early or smuggle another one."""
    return quote(url, safe=":/?#[]@!$&'()*+,;=%~-._")


def link(url: str | None, label: str) -> str:
    label = escape(one_line(label, 300)).replace("|", "¦")
    return f"<{safe_url(url)}|{label}>" if url else label


def event_lines(e: Event) -> list[str]:
    lines = [f"*When:* {escape(when_words(e.start, e.end))}"]
    place = where(e)
    if place:
        lines.append(f"*Where:* {escape(place)}")
    booking = booking_words(e)
    if booking:
        lines.append(f"*Booking:* {escape(booking)}")
    if e.event_status != "scheduled":
        lines.append(f"*Status:* {escape(e.event_status)}")
    return lines


def change_lines(fields: dict[str, Sequence[Any]]) -> list[str]:
    out = []
    for name, (old, new) in list(fields.items())[:10]:
        out.append(
            f"*{escape(name.replace('_', ' '))}:* {escape(one_line(str(old), 200))} → {escape(one_line(str(new), 200))}"
        )
    return out


def change_message(
    kind: str,
    e: Event,
    fields: dict[str, Sequence[Any]] | None,
    *,
    source_name: str,
    base_url: str,
    feed_id: str = "all",
) -> dict[str, Any]:
    heading = KIND_WORDS.get(kind, "Event changed")
    body = [f"*{heading}:* {link(e.url, e.title)}", *event_lines(e)]
    if fields:
        body += ["*What changed:*", *change_lines(fields)]
    links = subscribe_links(base_url, Feed(feed_id, feed_id))
    blocks: list[dict[str, Any]] = [
        {"type": "section", "text": {"type": "mrkdwn", "text": clip("\n".join(body), SECTION_LIMIT)}},
        {"type": "context", "elements": [{"type": "mrkdwn", "text": clip(f"From {escape(source_name)}", 2000)}]},
        {
            "type": "actions",
            "elements": [
                _button("Add to Google Calendar", links["google"], "google"),
                _button("Subscribe in Outlook", links["outlook"], "outlook"),
                _button("All calendars", f"{base_url}/", "index"),
            ],
        },
    ]
    text = f"{heading}: {one_line(e.title, 300)} — {when_words(e.start, e.end)}"
    place = where(e)
    if place:
        text += f" — {place}"
    return {"text": clip(escape(text), TEXT_LIMIT), "blocks": blocks}


def summary_message(source_name: str, events: Sequence[Event], base_url: str) -> dict[str, Any]:
    """A source's first fetch: one message, not one per event."""
    lines = [f"• {link(e.url, e.title)} — {escape(when_words(e.start, e.end))}" for e in events[:15]]
    if len(events) > 15:
        lines.append(f"… and {len(events) - 15} more")
    head = f"{len(events)} events found on {source_name}"
    blocks = [
        {"type": "section", "text": {"type": "mrkdwn", "text": clip(f"*{escape(head)}*", SECTION_LIMIT)}},
        {"type": "section", "text": {"type": "mrkdwn", "text": clip("\n".join(lines) or "—", SECTION_LIMIT)}},
        {"type": "actions", "elements": [_button("All calendars", f"{base_url}/", "index")]},
    ]
    return {"text": clip(escape(head), TEXT_LIMIT), "blocks": blocks}


def digest_message(items: Sequence[tuple[str, Event]], base_url: str) -> dict[str, Any]:
    """Many changes in one cycle: one digest."""
    lines = [
        f"• {escape(KIND_WORDS.get(kind, kind))}: {link(e.url, e.title)} — {escape(when_words(e.start, e.end))}"
        for kind, e in items
    ]
    head = f"{len(items)} event changes"
    blocks: list[dict[str, Any]] = [{"type": "section", "text": {"type": "mrkdwn", "text": f"*{head}*"}}]
    chunk: list[str] = []
    for line in lines:
        if len("\n".join([*chunk, line])) > SECTION_LIMIT:
            blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": "\n".join(chunk)}})
            chunk = []
        chunk.append(clip(line, SECTION_LIMIT))
    if chunk:
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": "\n".join(chunk)}})
    actions = {"type": "actions", "elements": [_button("All calendars", f"{base_url}/", "index")]}
    blocks = [*blocks[: MAX_BLOCKS - 1], actions]
    return {"text": head, "blocks": blocks}


def health_message(source_name: str, healthy: bool, reason: str | None) -> dict[str, Any]:
    text = (
        f"{source_name} is fetching normally again."
        if healthy
        else f"{source_name} has been failing: {one_line(reason, 500) or 'no reason recorded'}"
    )
    icon = ":white_check_mark:" if healthy else ":warning:"
    return {
        "text": escape(text),
        "blocks": [
            {"type": "section", "text": {"type": "mrkdwn", "text": clip(f"{icon} {escape(text)}", SECTION_LIMIT)}}
        ],
    }


def shape_message(source_name: str, source_id: str, reason: str | None) -> dict[str, Any]:
    """Once per change of shape: what looked wrong, that nothing was removed, and what to do."""
    text = (
        f"{source_name}'s page changed shape: {one_line(reason, 300) or 'it no longer reads as before'}. "
        f"Its events are kept as they were. If the new page is right, run: events sources accept {source_id}"
    )
    return {
        "text": escape(text),
        "blocks": [
            {"type": "section", "text": {"type": "mrkdwn", "text": clip(f":warning: {escape(text)}", SECTION_LIMIT)}}
        ],
    }


def _button(label: str, url: str, action: str) -> dict[str, Any]:
    return {
        "type": "button",
        "text": {"type": "plain_text", "text": clip(label, BUTTON_LIMIT)},
        "url": clip(url, 3000),
        "action_id": action,
    }
