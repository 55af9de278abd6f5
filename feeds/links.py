"""Where each calendar app takes a subscription or a single event. Every app wants http(s) or
webcal. Google takes a subscription only on its "From URL" page, which cannot be given the address
(its old ``render?cid=`` shortcut is undocumented and reported to fail), so the address goes beside the
link to copy; Google and Outlook on the web add one event from a compose link, the rest from the
event's own .ics."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import quote, urlencode

from events.record import Event
from feeds.text import one_line, where
from feeds.wording import booking_words

GOOGLE_ADD_BY_URL = "https://calendar.google.com/calendar/u/0/r/settings/addbyurl"
# Google Calendar refuses a subscription address longer than this
GOOGLE_URL_LIMIT = 256


def subscribe_links(base_url: str, title: str, path: str) -> dict[str, str]:
    """``path`` is the feed's address under ``base_url``, e.g. ``/feeds/all.ics?source=hcsa``."""
    https_url = f"{base_url}{path}"
    webcal = "webcal://" + https_url.split("://", 1)[1]
    name = quote(title)
    return {
        "google": GOOGLE_ADD_BY_URL,
        "outlook": f"https://outlook.live.com/calendar/0/addfromweb?url={quote(https_url, safe='')}&name={name}",
        "office365": f"https://outlook.office.com/calendar/0/addfromweb?url={quote(https_url, safe='')}&name={name}",
        "apple": webcal,
        "ics": https_url,
    }


def feed_links(base_url: str, feed_id: str, title: str) -> dict[str, str]:
    links = subscribe_links(base_url, title, f"/feeds/{feed_id}.ics")
    links["json"] = f"{base_url}/feeds/{feed_id}.json"
    links["rss"] = f"{base_url}/feeds/{feed_id}.rss"
    return links


def event_links(base_url: str, event: Event) -> dict[str, str]:
    """This one event: our page, its .ics (Outlook desktop, Apple), and the "add event" forms of Google
    Calendar and Outlook on the web."""
    page = f"{base_url}/events/{event.id}"
    if event.all_day:
        dates = f"{event.first_day:%Y%m%d}/{event.last_day + timedelta(days=1):%Y%m%d}"
    else:
        start, finish = _utc_span(event)
        dates = f"{start:%Y%m%dT%H%M%SZ}/{finish:%Y%m%dT%H%M%SZ}"
    details = "\n".join(x for x in (booking_words(event), event.url or page) if x)
    template = {"action": "TEMPLATE", "text": one_line(event.title, 300), "dates": dates, "details": details}
    place = where(event)
    if place:
        template["location"] = place
    return {
        "page": page,
        "ics": f"{page}.ics",
        "google": "https://calendar.google.com/calendar/render?" + urlencode(template, quote_via=quote),
        "outlook": _outlook_compose("https://outlook.live.com", event, details, place),
        "office365": _outlook_compose("https://outlook.office.com", event, details, place),
    }


def _outlook_compose(host: str, event: Event, details: str, place: str) -> str:
    """Outlook on the web's "new event" form, filled in: UTC times, or dates with ``allday``."""
    if event.all_day:
        span = {"startdt": event.first_day.isoformat(), "enddt": (event.last_day + timedelta(days=1)).isoformat()}
        span["allday"] = "true"
    else:
        start, finish = _utc_span(event)
        span = {"startdt": f"{start:%Y-%m-%dT%H:%M:%SZ}", "enddt": f"{finish:%Y-%m-%dT%H:%M:%SZ}"}
    form = {"path": "/calendar/action/compose", "rru": "addevent", "subject": one_line(event.title, 300), **span}
    form["body"] = details
    if place:
        form["location"] = place
    return f"{host}/calendar/0/deeplink/compose?" + urlencode(form, quote_via=quote)


def _utc_span(event: Event) -> tuple[datetime, datetime]:
    """A timed event's start and end in UTC; an hour when the page gave no end."""
    start = event.start.astimezone(UTC)  # type: ignore[union-attr]
    end = event.end if isinstance(event.end, datetime) and event.end > event.start else None
    return start, end.astimezone(UTC) if end else start + timedelta(hours=1)


def map_link(event: Event) -> str | None:
    """OpenStreetMap at the event's coordinates, or searching for its address; none for a bare venue name."""
    if event.latitude is not None and event.longitude is not None:
        return f"https://www.openstreetmap.org/?mlat={event.latitude}&mlon={event.longitude}#map=17/{event.latitude}/{event.longitude}"
    if event.address or (event.venue and event.locality):
        return "https://www.openstreetmap.org/search?" + urlencode({"query": where(event)}, quote_via=quote)
    return None
