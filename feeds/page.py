"""The ``/`` page: each feed with one-click subscribe links, and the next events. Every string from
config or from a web page is HTML-escaped; the page works on a phone and without JavaScript."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from html import escape
from urllib.parse import quote, urlsplit

from events.config import Config, Feed
from events.source_state import source_state
from events.store import StoredEvent
from feeds.selection import Query, select_events
from feeds.text import headline, where
from feeds.wording import booking_words, when_words


def subscribe_links(base_url: str, feed: Feed) -> dict[str, str]:
    """Where each calendar app takes a subscription URL (all of them want http(s) or webcal)."""
    https_url = f"{base_url}/feeds/{feed.id}.ics"
    webcal = "webcal://" + https_url.split("://", 1)[1]
    name = quote(feed.title)
    return {
        "google": f"https://calendar.google.com/calendar/render?cid={quote(webcal, safe='')}",
        "outlook": f"https://outlook.live.com/calendar/0/addfromweb?url={quote(https_url, safe='')}&name={name}",
        "office365": f"https://outlook.office.com/calendar/0/addfromweb?url={quote(https_url, safe='')}&name={name}",
        "apple": webcal,
        "ics": https_url,
        "json": f"{base_url}/feeds/{feed.id}.json",
    }


_STYLE = """
*{box-sizing:border-box}body{overflow-wrap:anywhere;
font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;padding:1rem;color:#1b1b1b;
background:#fafafa;line-height:1.45}main{max-width:46rem;margin:auto}h1{font-size:1.6rem}
section.feed,li.event{background:#fff;border:1px solid #ddd;border-radius:.5rem;padding:1rem;margin:0 0 1rem}
.links{display:flex;flex-wrap:wrap;gap:.5rem;margin:.5rem 0}.links a{display:inline-block;padding:.45rem .8rem;
border-radius:.4rem;background:#0b57d0;color:#fff;text-decoration:none}.links a.alt{background:#444}
label{display:block;max-width:100%}
input.url{display:block;width:100%;max-width:100%;font:inherit;padding:.4rem;border:1px solid #bbb;border-radius:.3rem}
ul.events{list-style:none;padding:0}.when{font-weight:600}.meta{color:#555;font-size:.95rem}
.cancelled .title{text-decoration:line-through}
.warning{background:#fff4e5;border-left:4px solid #8a4b00;padding:.5rem .75rem;color:#4a2800}
"""


GOOGLE_MAX_BYTES = 1_000_000  # Google Calendar stops refreshing a subscription larger than about this
GOOGLE_MAX_EVENTS = 1000


def _size_warning(config: Config, feed: Feed) -> str:
    """Said on the page when a feed has grown past what Google Calendar keeps refreshing."""
    path = config.service.feeds_dir / f"{feed.id}.ics"
    try:
        size = path.stat().st_size
        count = path.read_bytes().count(b"BEGIN:VEVENT") if size > 0 else 0
    except OSError:
        return ""
    if size <= GOOGLE_MAX_BYTES and count <= GOOGLE_MAX_EVENTS:
        return ""
    return (
        f'<p class="warning" role="note">This calendar holds {count:,} events ({size / 1_000_000:.1f} MB): '
        "Google Calendar may stop refreshing a subscription this large. Subscribe to a narrower feed, "
        "or ask for a shorter window (past_days, future_days).</p>"
    )


def index_page(config: Config, items: Sequence[StoredEvent], *, now: datetime, limit: int = 10) -> str:
    base = config.service.base_url
    host = urlsplit(base).hostname or ""
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en-GB"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<link rel="icon" href="data:,">',
        f"<title>Event calendars · {escape(host)}</title>",
        f"<style>{_STYLE}</style>",
        "</head><body><main>",
        "<h1>Event calendars</h1>",
        "<p>Subscribe once and your calendar keeps itself up to date: new events appear, changes and "
        "cancellations follow.</p>",
    ]
    for feed in config.feeds:
        links = subscribe_links(base, feed)
        parts += [
            f'<section class="feed" id="feed-{escape(feed.id)}">',
            f"<h2>{escape(feed.title)}</h2>",
            f"<p>{escape(feed.description)}</p>" if feed.description else "",
            '<div class="links">',
            f'<a class="google" href="{escape(links["google"])}" rel="noopener">Subscribe in Google Calendar</a>',
            f'<a class="outlook" href="{escape(links["outlook"])}" rel="noopener">Subscribe in Outlook.com</a>',
            f'<a class="office365" href="{escape(links["office365"])}" rel="noopener">Subscribe in Office 365</a>',
            f'<a class="apple" href="{escape(links["apple"])}">Subscribe in Apple Calendar</a>',
            f'<a class="alt json" href="{escape(links["json"])}">JSON feed</a>',
            "</div>",
            f'<label>Calendar address to copy: <input class="url" type="text" readonly '
            f'value="{escape(links["ics"])}" onfocus="this.select()"></label>',
            _size_warning(config, feed),
            "</section>",
        ]
    all_feed = config.feed("all") or config.feeds[0]
    upcoming = select_events(
        items, all_feed, now=now, cancelled_days=config.service.cancelled_days, query=Query(upcoming=True)
    )[:limit]
    parts.append("<h2>Coming up</h2>")
    if not upcoming:
        parts.append("<p>No upcoming events yet.</p>")
    else:
        parts.append('<ul class="events">')
        for item in upcoming:
            e = item.event
            title = escape(headline(e))
            if e.url:
                title = f'<a href="{escape(e.url)}" rel="noopener">{title}</a>'
            meta = " · ".join(escape(x) for x in (where(e), booking_words(e)) if x)
            parts.append(
                f'<li class="event {escape(e.event_status)}"><div class="when">'
                f'{escape(when_words(e.start, e.end))}</div><div class="title">{title}</div>'
                f'<div class="meta">{meta}</div></li>'
            )
        parts.append("</ul>")
    parts.append("</main></body></html>")
    return "\n".join(p for p in parts if p)


def event_page(config: Config, item: StoredEvent, history: Sequence[dict]) -> str:
    """One event: what we know now, and every change we recorded, newest last."""
    e = item.event
    rows = []
    for change in history:
        detail = change.get("detail") or {}
        if "fields" in detail:
            what = "; ".join(f"{name}: {old} → {new}" for name, (old, new) in detail["fields"].items())
        else:
            what = "first seen" if change["kind"] == "new" else change["kind"]
        rows.append(
            f"<tr><td>{escape(change['at'].strftime('%Y-%m-%d %H:%M'))}</td>"
            f"<td>{escape(change['kind'])}</td><td>{escape(what)}</td></tr>"
        )
    link = f'<p><a href="{escape(e.url)}" rel="noopener">The event on the organiser\'s site</a></p>' if e.url else ""
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="en-GB"><head><meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{escape(headline(e))}</title><style>{_STYLE}</style></head><body><main>",
            f"<h1>{escape(headline(e))}</h1>",
            f'<p class="when">{escape(when_words(e.start, e.end))}</p>',
            f'<p class="meta">{" · ".join(escape(x) for x in (where(e), booking_words(e)) if x)}</p>',
            link,
            "<h2>Changes</h2><table><tr><th>When</th><th>What</th><th>Detail</th></tr>",
            *rows,
            "</table>",
            '<p><a href="/">All calendars</a></p>',
            "</main></body></html>",
        ]
    )


_TABLE_STYLE = (
    "table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:.3rem;text-align:left;"
    "vertical-align:top}tr.bad td{background:#fff3f3}"
    # table cells wrap between words only; a wide table scrolls inside its box, never the page
    "td,th{overflow-wrap:normal}td.detail{min-width:10rem;overflow-wrap:break-word}.scroll{overflow-x:auto}"
)


def sources_page(config: Config, states: Sequence[dict], *, now: datetime, overdue_after: int) -> str:
    """For staff: each source's last fetch and success, what was found, and the last error in words."""
    names = {s.id: s for s in config.sources}

    def when(value: datetime | None) -> str:
        return value.strftime("%Y-%m-%d %H:%M UTC") if value else "never"

    rows = []
    for state in states:
        source = names.get(state["id"])
        if source is None:
            continue
        current = source_state(state, overdue_after, now)
        rows.append(
            f'<tr class="{"ok" if current.ok else "bad"}"><td><a href="{escape(source.url)}" rel="noopener">'
            f"{escape(source.name)}</a></td><td>{escape(current.name)}</td>"
            f"<td>{escape(when(state['last_fetch_at']))}</td>"
            f"<td>{escape(when(state['last_success_at']))}</td><td>{state.get('events_found') or 0}</td>"
            f"<td>{state['events_stored']}</td><td>{state.get('consecutive_failures') or 0}</td>"
            f"<td>{escape(when(state.get('next_run_at')))}</td><td class='detail'>{escape(current.detail)}</td></tr>"
        )
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="en-GB"><head><meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1"><link rel="icon" href="data:,">',
            f"<title>Sources</title><style>{_STYLE}{_TABLE_STYLE}</style>",
            "</head><body><main><h1>Sources</h1>",
            '<div class="scroll"><table><tr><th>Source</th><th>Status</th><th>Last fetch</th><th>Last success</th>'
            "<th>Found</th>"
            "<th>Stored</th><th>Failures</th><th>Next run</th><th>Detail</th></tr>",
            *rows,
            "</table></div>",
            '<p><a href="/">Calendars</a> · <a href="/healthz">/healthz (JSON)</a></p>',
            "</main></body></html>",
        ]
    )
