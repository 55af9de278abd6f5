"""Decide what one fetch means for the events a source already has. A pure function, no I/O.

``reconcile(stored, found, today)`` returns a ``Plan``: the rows to write and the changes to record.
The store applies a plan in one transaction. Two rules keep calendars right through bad days:

* an event keeps its identity across fetches (its id; failing that its link, failing that its
  title and year), so a moved date is a change to the same event, never a new one;
* a source problem is never a mass removal: when a page that had upcoming events shows none, or
  suddenly loses more than half of them, the plan changes nothing and calls the source unhealthy.
  Only events missing from several consecutive healthy fetches are removed; past events are kept.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from events.record import VISIBLE_FIELDS, Event, title_key


@dataclass(frozen=True)
class Stored:
    event: Event
    sequence: int = 0
    missing_count: int = 0
    removed: bool = False


@dataclass(frozen=True)
class Change:
    event_id: str
    kind: str  # new, updated, booking, cancelled, rescheduled, removed
    detail: dict[str, Any]


@dataclass(frozen=True)
class Write:
    event: Event
    new: bool
    visible: bool  # a subscriber would see the difference: SEQUENCE goes up


@dataclass
class Plan:
    healthy: bool = True
    reason: str | None = None
    writes: list[Write] = field(default_factory=list)
    seen: list[str] = field(default_factory=list)  # found again, unchanged
    missing: dict[str, int] = field(default_factory=dict)  # id -> consecutive misses so far
    removed: list[str] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)


def health(stored: Mapping[str, Stored], found: list[Event], today: date) -> str | None:
    """Why this fetch looks like a broken page rather than real news, or None when it looks fine."""
    upcoming = [s for s in stored.values() if not s.removed and s.event.last_day >= today]
    found_upcoming = [e for e in found if e.last_day >= today]
    if upcoming and not found:
        return f"the page showed no events where there were {len(upcoming)} upcoming"
    if len(upcoming) >= 3 and len(found_upcoming) * 2 < len(upcoming):
        return (
            f"only {len(found_upcoming)} of {len(upcoming)} upcoming events were found; "
            "keeping them until the page recovers"
        )
    return None


def reconcile(
    stored: Mapping[str, Stored], found: list[Event], today: date, *, removal_after: int = 3, trust_anyway: bool = False
) -> Plan:
    reason = health(stored, found, today)
    if reason and not trust_anyway:
        return Plan(healthy=False, reason=reason)
    plan = Plan()
    matched: set[str] = set()
    for event in found:
        old = _match(stored, event, matched)
        if old is None:
            plan.writes.append(Write(event, new=True, visible=True))
            plan.changes.append(Change(event.id, "new", {"event": event.as_dict()}))
            matched.add(event.id)
            continue
        matched.add(old.event.id)
        event = replace(event, id=old.event.id)
        diff = differences(old.event, event)
        if old.removed:
            plan.writes.append(Write(event, new=False, visible=True))
            plan.changes.append(Change(event.id, "new", {"event": event.as_dict(), "restored": True}))
        elif diff:
            plan.writes.append(Write(event, new=False, visible=True))
            plan.changes.append(Change(event.id, change_kind(diff), {"fields": diff}))
        elif old.event != event:  # only invisible fields moved (e.g. categories): store, no SEQUENCE bump
            plan.writes.append(Write(event, new=False, visible=False))
        else:
            plan.seen.append(event.id)
    for event_id, old in stored.items():
        if event_id in matched or old.removed or old.event.last_day < today:
            continue
        misses = old.missing_count + 1
        if misses >= removal_after:
            plan.removed.append(event_id)
            plan.changes.append(Change(event_id, "removed", {"event": old.event.as_dict(), "misses": misses}))
        else:
            plan.missing[event_id] = misses
    return plan


def _match(stored: Mapping[str, Stored], event: Event, taken: set[str]) -> Stored | None:
    if event.id in stored and event.id not in taken:
        return stored[event.id]
    candidates = [s for s in stored.values() if s.event.id not in taken]
    if event.url:
        for s in candidates:
            if (
                s.event.url
                and s.event.url.rstrip("/") == event.url.rstrip("/")
                and s.event.first_day.year == event.first_day.year
                and title_key(s.event.title) == title_key(event.title)
            ):
                return s
    key = title_key(event.title)
    for s in candidates:
        if title_key(s.event.title) == key and s.event.first_day.year == event.first_day.year:
            return s
    return None


def differences(old: Event, new: Event) -> dict[str, list[Any]]:
    a, b = old.as_dict(), new.as_dict()
    return {name: [a.get(name), b.get(name)] for name in VISIBLE_FIELDS if a.get(name) != b.get(name)}


def change_kind(diff: Mapping[str, Any]) -> str:
    """The one word a person would use for this difference."""
    status = diff.get("event_status")
    if status and status[1] == "cancelled":
        return "cancelled"
    if status and status[1] in ("postponed", "rescheduled"):
        return "rescheduled"
    if "start" in diff or "end" in diff:
        return "rescheduled"
    if "booking" in diff:
        return "booking"
    return "updated"
