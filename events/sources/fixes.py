"""Corrections from ``config.toml`` applied to what the reader found, after every reading.

A fix changes what an event says (title, venue, all day, duration, status) or hides it; ``exclude``
drops titles that are never events on that site. Fixes apply after the events are paired with the
stored ones (pairing sees the page as it is, so a corrected title never makes an event look new), and
the fixed event is what gets stored, so a fix survives every fetch and shows in the history once,
when it first applies. A fix that matched nothing is reported: the site has probably changed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from events.config.models import Fix, Source
from events.record import Event


@dataclass
class Fixer:
    source: Source
    used: set[int] = field(default_factory=set)

    def __post_init__(self) -> None:
        self._exclude = [re.compile(p, re.IGNORECASE) for p in self.source.exclude]
        self._titles = [
            re.compile(f.title_matches, re.IGNORECASE) if f.title_matches else None for f in self.source.fixes
        ]

    def excluded(self, event: Event) -> bool:
        return any(p.search(event.title) for p in self._exclude)

    def __call__(self, event: Event) -> tuple[Event | None, tuple[str, ...]]:
        """The event as corrected (None: hidden) and the fields the fixes set."""
        fixed: list[str] = []
        for i, fix in enumerate(self.source.fixes):
            if not self._matches(i, fix, event):
                continue
            self.used.add(i)
            if fix.hide:
                return None, ("hidden",)
            event, names = _apply(fix, event)
            fixed += [n for n in names if n not in fixed]
        return event, tuple(fixed)

    def _matches(self, i: int, fix: Fix, event: Event) -> bool:
        title = self._titles[i]
        return (
            (fix.event_id is None or fix.event_id == event.id)
            and (title is None or bool(title.search(event.title)))
            and (fix.on is None or fix.on == event.first_day.isoformat())
        )

    def unused(self) -> list[str]:
        """The fixes that matched nothing in this reading, in words for ``events sources``."""
        return [
            f"fix {i + 1} ({fix.describe()}) matched nothing: the page may have changed"
            for i, fix in enumerate(self.source.fixes)
            if i not in self.used
        ]


def _apply(fix: Fix, event: Event) -> tuple[Event, list[str]]:
    names: list[str] = []
    changes: dict[str, object] = {}
    if fix.title is not None and fix.title != event.title:
        changes["title"] = fix.title
        names.append("title")
    if fix.venue is not None and fix.venue != event.venue:
        changes.update(venue=fix.venue, address=None, locality=None)
        names.append("venue")
    if fix.event_status is not None and fix.event_status != event.event_status:
        changes["event_status"] = fix.event_status
        names.append("status")
    if fix.all_day and isinstance(event.start, datetime):
        end = event.end.date() if isinstance(event.end, datetime) else None
        changes.update(start=event.start.date(), end=end if end and end != event.start.date() else None)
        names.append("time")
    if fix.duration is not None and isinstance(event.start, datetime):
        end = event.start + timedelta(seconds=fix.duration)
        if end != event.end:
            changes["end"] = end
            names.append("end")
    return (replace(event, **changes) if changes else event), names  # type: ignore[arg-type]
