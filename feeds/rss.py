"""RSS 2.0 of a feed's coming events, for what reads RSS and nothing else: newsletter tools
(Mailchimp's RSS-to-email campaigns), Teams and Slack RSS connectors, feed readers.

Each item is one event, titled with its date ("Wed 13 Nov 2024 · Annual Conference") because a
reader shows only titles, linked to the event's page here (its details, calendar buttons and
history). Written with ElementTree, which escapes every value."""

from __future__ import annotations

import html
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from datetime import UTC
from email.utils import format_datetime

from events.config.models import Site, Source
from events.store import StoredEvent
from feeds.text import headline, one_line, where
from feeds.wording import booking_words, when_in_zone

ATOM = "http://www.w3.org/2005/Atom"


def build_rss(
    title: str,
    items: Sequence[StoredEvent],
    *,
    base_url: str,
    feed_url: str,
    site: Site,
    sources: dict[str, Source],
    timezone: str = "",
) -> bytes:
    """``timezone`` is the service's: a time in another zone names its zone."""
    ET.register_namespace("atom", ATOM)
    rss = ET.Element("rss", {"version": "2.0"})
    channel = ET.SubElement(rss, "channel")
    _text(channel, "title", f"{one_line(site.name, 200)}: {one_line(title, 200)}")
    _text(channel, "link", f"{base_url}/")
    _text(channel, "description", f"Coming events: {one_line(title, 200)}")
    _text(channel, "language", "en-gb")
    # when what it lists last changed, not when it was rendered: the same events, the same bytes
    changed = max((item.updated_at for item in items), default=None)
    if changed is not None:
        _text(channel, "lastBuildDate", format_datetime(changed.astimezone(UTC), usegmt=True))
    ET.SubElement(channel, f"{{{ATOM}}}link", {"href": feed_url, "rel": "self", "type": "application/rss+xml"})
    for item in items:
        e = item.event
        page = f"{base_url}/events/{e.id}"
        entry = ET.SubElement(channel, "item")
        _text(entry, "title", f"{e.first_day:%a} {e.first_day.day} {e.first_day:%b %Y} · {headline(e)}")
        _text(entry, "link", page)
        _text(entry, "guid", page).set("isPermaLink", "true")
        lines = [when_in_zone(e, timezone), where(e), booking_words(e)]
        source = sources.get(e.source)
        lines.append(f"From {one_line(source.name if source else e.source, 200)}")
        # HTML, as readers take a description: each line its own, escaped (ElementTree escapes again)
        _text(entry, "description", "<br>\n".join(html.escape(x, quote=False) for x in lines if x))
        _text(entry, "pubDate", format_datetime(item.created_at, usegmt=True))
        for category in e.categories:
            if one_line(category, 100):
                _text(entry, "category", one_line(category, 100))
    return bytes(ET.tostring(rss, encoding="utf-8", xml_declaration=True)) + b"\n"


def _text(parent: ET.Element, tag: str, value: str) -> ET.Element:
    element = ET.SubElement(parent, tag)
    element.text = value
    return element
