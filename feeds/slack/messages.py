"""Block Kit messages for changes, safe and within Slack's limits.

Page text can never become a mention, a disguised link or formatting: ``&``, ``<`` and ``>`` are
escaped, so ``<!channel>`` arrives as the literal text, and ``*_~``` become look-alikes. Links are built by
us from URLs we percent-encode. Changes are told in words (``feeds.wording``), never field names.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import quote

from events.record import Event
from feeds.links import event_links
from feeds.text import headline, one_line, where
from feeds.wording import KIND_WORDS, booking_words, change_sentences, heading, milestone_words, when_words

SECTION_LIMIT = 3000
HEADER_LIMIT = 150
BUTTON_LIMIT = 75
TEXT_LIMIT = 4000
MAX_BLOCKS = 50
# Slack's formatting characters, swapped for look-alikes that format nothing: page text never turns bold,
# italic, struck-through or into code
_NEUTRAL = str.maketrans({"*": "∗", "_": "\uff3f", "~": "∼", "`": "ˋ"})


def escape(text: str | None) -> str:
    """Slack mrkdwn: the three characters that make links, mentions and entities, and the four that format."""
    return (text or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").translate(_NEUTRAL)


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def safe_url(url: str) -> str:
    """A URL that cannot close the <url|label> link early or smuggle another one."""
    return quote(url, safe=":/?#[]@!$&'()*+,;=%~-._")


def link(url: str | None, label: str) -> str:
    label = escape(one_line(label, 300)).replace("|", "¦")
    return f"<{safe_url(url)}|{label}>" if url else label


def event_line(e: Event) -> str:
    """``• <link|Title> — Wednesday 13 November 2024 — Telford International Centre (Booking open)``."""
    line = f"• {link(e.url, headline(e))} — {escape(when_words(e.start, e.end))}"
    place = where(e)
    if place:
        line += f" — {escape(place)}"
    booking = booking_words(e)
    return line + (f" ({escape(booking)})" if booking else "")


def event_lines(e: Event) -> list[str]:
    lines = [f"*When:* {escape(when_words(e.start, e.end))}"]
    place = where(e)
    if place:
        lines.append(f"*Where:* {escape(place)}")
    booking = booking_words(e)
    if booking:
        lines.append(f"*Booking:* {escape(booking)}")
    return lines


def change_message(
    kind: str,
    e: Event,
    fields: Mapping[str, Sequence[Any]] | None,
    *,
    source_name: str,
    base_url: str,
) -> dict[str, Any]:
    head = heading(kind, fields)
    body = [f"*{head}:* {link(e.url, headline(e))}"]
    if kind not in ("new", "booking_opened"):
        body += [f"• {escape(s)}" for s in change_sentences(kind, fields, e)[:10]]
    body += event_lines(e)
    links = event_links(base_url, e)
    blocks: list[dict[str, Any]] = [
        {"type": "section", "text": {"type": "mrkdwn", "text": clip("\n".join(body), SECTION_LIMIT)}},
        {"type": "context", "elements": [{"type": "mrkdwn", "text": clip(f"From {escape(source_name)}", 2000)}]},
    ]
    if kind != "removed":
        blocks.append(
            {
                "type": "actions",
                "elements": [
                    _button("Add to Google Calendar", links["google"], "google"),
                    _button("Add to Outlook or Apple (.ics)", links["ics"], "ics"),
                    _button("Details and history", links["page"], "page"),
                ],
            }
        )
    if kind == "booking_opened" or head == KIND_WORDS["booking_opened"]:
        text = milestone_words(e)
    else:
        text = f"{head}: {one_line(headline(e), 300)} — {when_words(e.start, e.end)}"
        place = where(e)
        if place:
            text += f" — {place}"
    return {"text": clip(escape(text), TEXT_LIMIT), "blocks": blocks}


def summary_message(source_name: str, events: Sequence[Event], base_url: str) -> dict[str, Any]:
    """A source's first fetch: one message, not one per event, each event with its date and venue."""
    lines = [event_line(e) for e in events[:15]]
    if len(events) > 15:
        lines.append(f"… and {len(events) - 15} more")
    head = f"{len(events)} event{'s' if len(events) != 1 else ''} found on {source_name}"
    blocks = [
        {"type": "section", "text": {"type": "mrkdwn", "text": clip(f"*{escape(head)}*", SECTION_LIMIT)}},
        {"type": "section", "text": {"type": "mrkdwn", "text": clip("\n".join(lines) or "—", SECTION_LIMIT)}},
        {"type": "actions", "elements": [_button("All calendars", f"{base_url}/", "index")]},
    ]
    return {"text": clip(escape(head), TEXT_LIMIT), "blocks": blocks}


def digest_message(
    items: Sequence[tuple[str, Event, Mapping[str, Sequence[Any]] | None]], base_url: str
) -> dict[str, Any]:
    """Many changes in one cycle: one digest, each line the change's own first words."""
    lines = [f"{escape(heading(kind, fields))}: {event_line(e)[2:]}" for kind, e, fields in items]
    lines = [f"• {line}" for line in lines]
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
