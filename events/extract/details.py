"""What an event's own page adds to the listing that links to it.

The listing decides which events exist and when; the event's page only completes them (an end time,
the venue, how to book, a cancellation the listing does not show). The page's own event is the one on
the listing entry's day whose title is the entry's (give or take words): the "you may also like"
events such pages show are never taken for it. An event page that contradicts the listing's day is
not used at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from events.extract.merge import fill_event
from events.record import Event, title_key


def with_page_picture(found: Sequence[Event], html: str, url: str) -> list[Event]:
    """An event's own page shares its picture as ``og:image`` (with ``og:image:alt``): the events read on
    it that have no picture of their own take it. Only the page's own event is ever used to complete the
    listing's (``detail_event``), so the page's other events never carry it anywhere."""
    from urllib.parse import urljoin

    from events.extract.parsing import parse_html

    tree = parse_html(html)
    image = tree.css_first('meta[property="og:image"]')
    src = (image.attributes.get("content") or "").strip() if image is not None else ""
    if not src.startswith(("http://", "https://", "/")):
        return list(found)
    alt_node = tree.css_first('meta[property="og:image:alt"]')
    alt = " ".join((alt_node.attributes.get("content") or "").split())[:300] if alt_node is not None else ""
    picture = urljoin(url, src)
    return [
        replace(e, image=picture, image_alt=alt or None, provenance={**e.provenance, "image": "og:image"})
        if not e.image
        else e
        for e in found
    ]


def lacks_detail(event: Event) -> bool:
    """Whether the event's page could add something a person needs: an end, a place, how to book."""
    return event.end is None or (event.venue is None and not event.online) or event.booking == "none"


def detail_event(listed: Event, found: Sequence[Event]) -> Event | None:
    """The event on its own page that is ``listed``: the same day and title, or the only event that
    day when its title shares words with the listing's."""
    same_day = [e for e in found if e.first_day == listed.first_day]
    words = set(title_key(listed.title).split())
    best: Event | None = None
    for event in same_day:
        theirs = set(title_key(event.title).split())
        if theirs and words and (theirs <= words or words <= theirs):
            return event
        if len(same_day) == 1 and words & theirs:
            best = event
    return best


def complete(listed: Event, detail: Event) -> Event:
    """``listed`` with what it lacks from its page. The listing's identity and day stay; the
    fields taken say in their provenance that they came from the event's page."""
    said = replace(
        detail,
        found_by=f"event page ({detail.found_by})",
        provenance={k: f"event page: {v}" for k, v in detail.provenance.items()},
    )
    done = fill_event(listed, said)
    if done.end is not None and not _ends_after_start(done):
        done = replace(done, end=listed.end if _ends_after_start(replace(done, end=listed.end)) else None)
    return replace(done, id=listed.id, source=listed.source)  # a cut-off title may be made whole


def _ends_after_start(event: Event) -> bool:
    if event.end is None:
        return True
    if isinstance(event.start, datetime) != isinstance(event.end, datetime):
        return False
    return event.end >= event.start
