"""A JSON Feed 1.1 document for a member website: upcoming events from one CORS-enabled URL.

Each item carries the full event record under ``_event`` (JSON Feed's extension convention), so a
website can show dates, venue and booking without parsing prose. Items are ordered by start.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator, Sequence
from datetime import date
from functools import partial

import orjson

from events import __version__
from events.config.models import Config, Feed, Source
from events.normalise.urls import as_uri
from events.store import StoredEvent
from feeds.ical import assumed_end
from feeds.merging import also_listed_by, published_id
from feeds.render_cache import Wanted, shared
from feeds.text import headline, one_line, where
from feeds.wording import booking_words, when_in_zone

JSONFEED_VERSION = "https://jsonfeed.org/version/1.1"


def jsonfeed_parts(
    feed: Feed,
    items: Sequence[StoredEvent],
    *,
    base_url: str,
    today: date,
    sources: dict[str, Source] | None = None,
    title: str | None = None,
    feed_url: str | None = None,
    ical_url: str | None = None,
    next_url: str | None = None,
    timezone: str = "",
) -> Iterator[bytes | Wanted]:
    """The document as its own bytes and one piece per item, in order, made as they are asked for:
    orjson's indented output of the whole, each item's piece in its place. ``title``, ``feed_url``
    and ``ical_url`` name a filtered feed; ``next_url`` links the next page of a paged one;
    ``timezone`` is the service's, which text leaves unsaid."""
    sources = sources or {}
    schema = f"{base_url}/feeds/schema.json"
    doc: dict[str, object] = {
        "version": JSONFEED_VERSION,
        "title": one_line(title or feed.title, 200),
        "home_page_url": f"{base_url}/",
        "feed_url": feed_url or f"{base_url}/feeds/{feed.id}.json",
        "description": one_line(feed.description or feed.title, 1000),
        "language": "en-GB",
        "_eventfeed": {
            "about": schema,
            "generator": f"eventfeed {__version__}",
            "ical_url": ical_url or f"{base_url}/feeds/{feed.id}.ics",
        },
        "items": [],
    }
    if next_url:
        doc["next_url"] = next_url
    head = orjson.dumps(doc, option=orjson.OPT_INDENT_2)
    if not items:
        yield head
        return
    empty = b'"items": []'
    at = head.rindex(empty)
    yield head[:at] + b'"items": [\n    '
    render = partial(_render, today=today, base_url=base_url, schema=schema, timezone=timezone, sources=sources)
    renders = (partial(render, after=False), partial(render, after=True))
    contexts: dict[tuple[bool, str], Hashable] = {}  # a source's events share one context
    for n, item in enumerate(items):  # made one at a time, as the file is written
        # every item but the first begins with the comma between items: a piece copied from an old file
        # is then whole, and runs of them are copied as one
        place = (n > 0, item.event.source)
        context = contexts.get(place)
        if context is None:
            source = sources.get(item.event.source)
            context = contexts[place] = shared((n > 0, today, base_url, source, timezone))
        if item.also:
            context = (context, also_listed_by(item, sources))
        yield Wanted(item, context, renders[n > 0])
    yield b"\n  ]" + head[at + len(empty) :]


_BETWEEN = b",\n    "


def json_item(item: StoredEvent, config: Config, today: date) -> dict[str, object]:
    """One event as the JSON feed's item shows it, for those who are sent one (webhooks)."""
    base = config.service.base_url
    sources = {s.id: s for s in config.sources}
    source = sources.get(item.event.source)
    schema = f"{base}/feeds/schema.json"
    return _item(item, today, base, source, schema, config.service.timezone, also_listed_by(item, sources))


def _render(
    item: StoredEvent,
    *,
    today: date,
    base_url: str,
    schema: str,
    timezone: str,
    sources: dict[str, Source],
    after: bool = False,
) -> bytes:
    """One item's piece (``after`` another item: with the comma between them first)."""
    source = sources.get(item.event.source)
    also = also_listed_by(item, sources) if item.also else ()
    return _piece(partial(_item, item, today, base_url, source, schema, timezone, also), after)


def _piece(item: Callable[[], dict[str, object]], after: bool = False) -> bytes:
    """One item as it sits in the document: indented as orjson indents the list's members (JSON
    strings hold no raw line breaks, so every line break is indentation); ``after`` another item,
    with the comma between them first."""
    data = orjson.dumps(item(), option=orjson.OPT_INDENT_2).replace(b"\n", b"\n    ")
    return _BETWEEN + data if after else data


def _item(
    item: StoredEvent,
    today: date,
    base_url: str,
    source: Source | None,
    schema: str,
    timezone: str,
    also: tuple[str, ...] = (),
) -> dict[str, object]:
    e = item.event
    record = e.as_dict(today)
    assumed = assumed_end(e, source)
    if assumed is not None:  # the end a calendar shows, and that it was assumed, not read
        record["end"] = assumed.isoformat(timespec="seconds")
    record["end_assumed"] = assumed is not None
    record["url"] = as_uri(e.url)
    record["image"] = as_uri(e.image)
    record["source_name"] = one_line(source.name if source else e.source, 200)
    record["sources"] = [e.source, *item.also]  # every source listing this event (feeds.merging)
    record["about"] = schema
    lines = [when_in_zone(e, timezone)]  # an assumed end is for calendars to draw, not a fact to state
    place = where(e)
    if place:
        lines.append(place)
    booking = booking_words(e)
    if booking:
        lines.append(booking)
    if also:
        lines.append(f"Also listed by {', '.join(also)}")
    out: dict[str, object] = {
        "id": published_id(item),
        "title": headline(e),
        "content_text": "\n".join(lines),
        "date_published": item.created_at.isoformat(timespec="seconds"),
        "date_modified": item.updated_at.isoformat(timespec="seconds"),
        "tags": sorted({e.source, *e.categories}),
        "_event": record,
    }
    # the event's own page, or ours (its details and history) when the site gives it none
    out["url"] = record["url"] or f"{base_url}/events/{e.id}"
    if record["image"]:
        out["image"] = record["image"]
    return out
