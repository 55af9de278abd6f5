"""An event's own page: what, when, where and booking, its history in words, the add-to-calendar links, and
the schema.org JSON-LD that search engines read."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from events.config.models import Config
from events.normalise.urls import as_uri
from events.record import Event
from events.store import StoredEvent
from feeds.html import local_time, render
from feeds.links import event_links, map_link
from feeds.text import STATUS_WORDS, multi_line, one_line, where
from feeds.wording import booking_words, change_sentences, when_words, zone_words

_AVAILABILITY = {
    "open": "https://schema.org/InStock",
    "soon": "https://schema.org/PreOrder",
    "sold_out": "https://schema.org/SoldOut",
    "waitlist": "https://schema.org/SoldOut",
    "closed": "https://schema.org/OutOfStock",
}


_EVENT_STATUS = {
    "scheduled": "https://schema.org/EventScheduled",
    "cancelled": "https://schema.org/EventCancelled",
    "postponed": "https://schema.org/EventPostponed",
    "rescheduled": "https://schema.org/EventRescheduled",
}


def event_jsonld(config: Config, item: StoredEvent, history: Sequence[dict[str, Any]] = ()) -> dict[str, Any]:
    """schema.org ``Event`` for search engines and other readers: the same facts the page shows, with
    what Google's event results ask for: a moved event is ``EventRescheduled`` with the starts it had
    (from ``history``), an event both online and at a venue is mixed attendance, and the place has an
    address when the page or the organisation's own (``[site] address``) gives one."""
    e = item.event
    base = config.service.base_url
    source = next((s for s in config.sources if s.id == e.source), None)
    url = as_uri(e.url) or f"{base}/events/{e.id}"
    record = e.as_dict()
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": one_line(e.title, 300),
        "startDate": record["start"],
        "eventStatus": _EVENT_STATUS.get(e.event_status, _EVENT_STATUS["scheduled"]),
        "url": url,
    }
    if e.end is not None:
        data["endDate"] = record["end"]
    earlier = previous_starts(history, record["start"])
    if earlier and e.event_status in ("scheduled", "rescheduled"):
        data["eventStatus"] = _EVENT_STATUS["rescheduled"]
        data["previousStartDate"] = earlier if len(earlier) > 1 else earlier[0]
    place = _place(e, config.site.address)
    online = {"@type": "VirtualLocation", "url": url}
    if e.online and place is None:
        data["eventAttendanceMode"] = "https://schema.org/OnlineEventAttendanceMode"
        data["location"] = online
    elif e.online:
        data["eventAttendanceMode"] = "https://schema.org/MixedEventAttendanceMode"
        data["location"] = [place, online]
    else:
        data["eventAttendanceMode"] = "https://schema.org/OfflineEventAttendanceMode"
        if place is not None:
            data["location"] = place
    if e.booking in _AVAILABILITY:
        data["offers"] = {"@type": "Offer", "availability": _AVAILABILITY[e.booking], "url": url}
    if source is not None:
        data["organizer"] = {"@type": "Organization", "name": one_line(source.name, 200), "url": as_uri(source.url)}
    if e.description:
        data["description"] = multi_line(e.description, 2000)
    image = as_uri(e.image)
    if image:
        data["image"] = image
    return data


def previous_starts(history: Sequence[dict[str, Any]], start: str) -> list[str]:
    """The starts an event had before it moved, oldest first, as its history recorded them."""
    out: list[str] = []
    for change in history:
        moved = ((change.get("detail") or {}).get("fields") or {}).get("start")
        if isinstance(moved, list | tuple) and len(moved) == 2 and moved[0] and str(moved[0]) not in (start, *out):
            out.append(str(moved[0]))
    return out


def _place(e: Event, site_address: str | None) -> dict[str, Any] | None:
    """schema.org ``Place``: named, with a postal address when one is known; the organisation's own
    address when the venue is its premises (the address's first part)."""
    street, locality = one_line(e.address, 300), one_line(e.locality, 100)
    if not street and site_address and e.venue:
        premises = site_address.split(",", 1)[0].strip().casefold()
        if premises and one_line(e.venue, 300).casefold() == premises:
            street = one_line(site_address, 300)
    name = one_line(e.venue or e.locality or street, 300)
    if not name:
        return None
    place: dict[str, Any] = {"@type": "Place", "name": name}
    address = {k: v for k, v in (("streetAddress", street), ("addressLocality", locality)) if v}
    if address:
        place["address"] = {"@type": "PostalAddress", **address}
    if e.latitude is not None and e.longitude is not None:
        place["geo"] = {"@type": "GeoCoordinates", "latitude": e.latitude, "longitude": e.longitude}
    return place


def event_page(
    config: Config,
    item: StoredEvent,
    history: Sequence[dict[str, Any]],
    also: Sequence[StoredEvent] = (),
    *,
    now: datetime | None = None,
    admin: bool = False,
) -> str:
    """One event as a member wants it (when, where, booking, add to calendar), then its history in
    members' words; ``admin`` (the admin token) adds the staff's workings: fixes and when it was first seen.
    An event that has ended says so and offers no way to add it to a calendar."""
    e = item.event
    base = config.service.base_url
    zone = ZoneInfo(config.service.timezone)
    source = next((s for s in config.sources if s.id == e.source), None)
    names = {s.id: s.name for s in config.sources}
    when = when_words(e.start, e.end)
    place = where(e)
    booking = booking_words(e)
    told = []
    for change in history:
        detail = change.get("detail") or {}
        said = change_sentences(
            change["kind"], detail.get("fields"), e, detail.get("fixed") or (), for_members=not admin
        )
        if not said:
            continue
        at = change["at"]
        told.append({"iso": at.isoformat(timespec="seconds"), "at": local_time(at, zone), "said": "; ".join(said)})
    today = (now or datetime.now(UTC)).astimezone(zone).date()
    if item.removed_at is not None:
        told.append({"iso": "", "at": local_time(item.removed_at, zone), "said": "No longer listed"})
    return render(
        "event.html",
        site=config.site,
        title=one_line(e.title, 300),
        status=e.event_status,
        status_words=STATUS_WORDS.get(e.event_status, ""),
        summary=" · ".join(x for x in (when, place, booking) if x),
        when=when,
        zone=zone_words(e, config.service.timezone),
        place=place,
        map=map_link(e),
        booking=booking,
        bookable=e.booking in ("open", "soon", "waitlist"),
        organiser=one_line(source.name if source else e.source, 200),
        url=as_uri(e.url),
        image=as_uri(e.image),
        image_alt=one_line(e.image_alt, 300),
        past=e.last_day < today,
        description=multi_line(e.description, 2000),
        links=event_links(base, e),
        jsonld=event_jsonld(config, item, history),
        also=[
            {"name": one_line(names.get(o.event.source, o.event.source), 200), "page": f"{base}/events/{o.event.id}"}
            for o in also
            if o.event.source != e.source
        ],
        history=told,
    )
