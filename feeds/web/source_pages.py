"""The sources pages for staff: ``/sources`` (each source's state) and ``/sources/<id>`` (its events, and
what became of those the feeds do not show)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from events.config.models import Config
from events.redact import public_url
from events.sources.state import source_state
from events.store import StoredEvent
from feeds.html import local_time, render
from feeds.selection import select_events
from feeds.text import one_line, where
from feeds.wording import booking_words, when_words


def sources_page(
    config: Config, states: Sequence[dict[str, Any]], *, now: datetime, overdue_after: int, admin: bool = False
) -> str:
    """Each source's last fetch and success, what was found, and the last problem in words: its kind
    for anyone, the raw error (which can name hosts and queries) with the admin token."""
    names = {s.id: s for s in config.sources}
    zone = ZoneInfo(config.service.timezone)
    rows = []
    for state in states:
        source = names.get(state["id"])
        if source is None:
            continue
        current = source_state(state, overdue_after, now, public=not admin)
        rows.append(
            {
                "id": source.id,
                "name": source.name,
                "url": source.url if admin else public_url(source.url),
                "ok": current.ok,
                "state": current.name,
                "last_fetch": local_time(state["last_fetch_at"], zone),
                "last_success": local_time(state["last_success_at"], zone),
                "found": state.get("events_found") or 0,
                "hidden": state.get("events_hidden") or 0,
                "stored": state["events_stored"],
                "next_run": local_time(state.get("next_run_at"), zone),
                "detail": current.detail,
            }
        )
    return render("sources.html", site=config.site, rows=rows, zone=config.service.timezone)


def source_page(
    config: Config, state: dict[str, Any], items: Sequence[StoredEvent], *, now: datetime, admin: bool = False
) -> str:
    """What one source's last reading yields: the table ``events extract`` prints, from the store (the
    web app reads what the fetcher stored; it never fetches)."""
    source = config.source(state["id"])
    base = config.service.base_url
    rows = []
    for item in sorted(items, key=lambda i: (i.event.first_day, str(i.event.start))):
        e = item.event
        shown_in = [
            f.title
            for f in config.feeds
            if select_events([item], f, now=now, cancelled_days=config.service.cancelled_days)
        ]
        origin = e.provenance.get("title") or e.provenance.get("start") or ""
        rows.append(
            {
                "date": when_words(e.first_day, e.last_day if e.last_day != e.first_day else None),
                "time": ""
                if e.all_day
                else f"{e.start:%H:%M}" + (f"–{e.end:%H:%M}" if isinstance(e.end, datetime) else ""),
                "title": one_line(e.title, 300),
                "page": f"{base}/events/{e.id}",
                "venue": where(e),
                "booking": booking_words(e),
                "read_from": one_line(origin, 500),
                "past": e.last_day < now.date(),
                "fate": _fate(item, shown_in, now),
            }
        )
    current = source_state(state, config.service.unhealthy_after, now, public=not admin)
    return render(
        "source.html",
        site=config.site,
        name=source.name,
        url=source.url if admin else public_url(source.url),
        state=current.name,
        last_fetch=local_time(state.get("last_fetch_at"), ZoneInfo(config.service.timezone)),
        rows=rows,
        past=sum(1 for r in rows if r["past"]),
        hidden=state.get("events_hidden") or 0,
        notice=current.notice or "",
    )


def _fate(item: StoredEvent, shown_in: Sequence[str], now: datetime) -> str:
    """Where an event read from the page ends up, so a missing one has a reason to read."""
    if item.removed_at is not None:
        return "no longer listed: in no feed"
    past = "past; " if item.event.last_day < now.date() else ""
    if not shown_in:
        return f"{past}outside every feed's window"
    return f"{past}in {', '.join(shown_in)}"
