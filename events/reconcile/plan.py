"""Decide what one trusted reading of a page means for the events a source already has. Pure, no I/O.

``reconcile(stored, found, today)`` returns a ``Plan``: the rows to write and the changes to record;
``repeat(stored, today)`` does the same for a page that did not change (a 304, or the same bytes).
The store applies a plan in one transaction. Whether a reading is trusted at all is decided before,
in ``events.sources.shape``: a page that changed shape never reaches here.

* Identity is a one-to-one assignment: each stored event is matched by at most one found event,
  by its id first, then by its own link, then by its title and year, nearest day first. A moved
  date is a change to the same event, never a new one; an event that finds its id taken by another
  match gets an id of its own, so a plan never writes two rows under one id.
* Removal: an upcoming event is removed only after ``removal_after`` consecutive trusted readings,
  unchanged ones included, that did not find it. Past events are kept.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from events.record import VISIBLE_FIELDS, Event, title_key


@dataclass(frozen=True)
class Stored:
    event: Event
    sequence: int = 0
    missing_count: int = 0
    removed: bool = False


# a fix's word for what it set (events.sources.fixes) → the record's fields it touches
FIXED_FIELDS = {
    "title": {"title"},
    "venue": {"venue", "address", "locality"},
    "status": {"event_status"},
    "time": {"start", "end", "all_day"},
    "end": {"end"},
}
Fixing = Callable[[Event], tuple[Event | None, tuple[str, ...]]]


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
    writes: list[Write] = field(default_factory=list)
    seen: list[str] = field(default_factory=list)  # found again, unchanged
    missing: dict[str, int] = field(default_factory=dict)  # id -> consecutive misses so far
    removed: list[str] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    matched: set[str] = field(default_factory=set)  # stored ids this reading found again
    # found but not kept, by why: "retention" (ended before the store keeps), "hidden" (by a fix)
    not_kept: dict[str, int] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not (self.writes or self.seen or self.missing or self.removed or self.changes)


def reconcile(
    stored: Mapping[str, Stored],
    found: list[Event],
    today: date,
    *,
    removal_after: int = 3,
    forget_before: date | None = None,
    fix: Fixing | None = None,
    partial: bool = False,
) -> Plan:
    """``forget_before``: events that ended before it are past retention; one the store does not hold
    (it was pruned) is not added again, or an archive page would announce old events as new.
    ``fix`` corrects each event after it is paired (``events.sources.fixes``): the corrected event is stored,
    and the change that first carries a correction says so (``detail["fixed"]``). ``partial``: the
    reading reached fewer of the listing's pages than usual, so what it found counts and what it lacks
    says nothing (no event is missed)."""
    plan = Plan()
    pairs = assign(stored, found)
    used = set(stored) | {e.id for e in found}
    for i, event in enumerate(found):
        old_id = pairs.get(i)
        fixed: tuple[str, ...] = ()
        if fix is not None:
            corrected, fixed = fix(replace(event, id=old_id) if old_id else event)
            if corrected is None:  # hidden by configuration: gone now, not after removal_after readings
                plan.not_kept["hidden"] = plan.not_kept.get("hidden", 0) + 1
                if old_id is not None:
                    plan.matched.add(old_id)
                    if not stored[old_id].removed:
                        plan.removed.append(old_id)
                        detail = {"event": stored[old_id].event.as_dict(), "fixed": ["hidden"]}
                        plan.changes.append(Change(old_id, "removed", detail))
                continue
            event = corrected
        if old_id is None and forget_before is not None and event.last_day < forget_before:
            plan.not_kept["retention"] = plan.not_kept.get("retention", 0) + 1
            continue
        if old_id is None:
            if event.id in stored:  # its id is another found event's match
                event = replace(event, id=_fresh_id(event, used))
                used.add(event.id)
            plan.writes.append(Write(event, new=True, visible=True))
            plan.changes.append(Change(event.id, "new", _with_fixed({"event": event.as_dict()}, fixed)))
            continue
        old = stored[old_id]
        plan.matched.add(old_id)
        event = _kept_opening_day(old.event, replace(event, id=old_id), today)
        diff = differences(old.event, event)
        if old.removed:
            plan.writes.append(Write(event, new=False, visible=True))
            plan.changes.append(Change(event.id, "new", {"event": event.as_dict(), "restored": True}))
        elif diff:
            fixed = tuple(f for f in fixed if FIXED_FIELDS.get(f, set()) & diff.keys())  # only news is said
            plan.writes.append(Write(event, new=False, visible=True))
            plan.changes.append(Change(event.id, change_kind(diff), _with_fixed({"fields": diff}, fixed)))
        elif old.event != event:  # only invisible fields moved (e.g. categories): store, no SEQUENCE bump
            plan.writes.append(Write(event, new=False, visible=False))
        else:
            plan.seen.append(event.id)
    for event_id, old in stored.items():
        if not partial and event_id not in plan.matched and _counts(old, today):
            _miss(plan, event_id, old, removal_after)
    return plan


def repeat(stored: Mapping[str, Stored], today: date, *, removal_after: int = 3) -> Plan:
    """A trusted page read again unchanged: the events it lacked last time are missed once more, so
    an event deleted from a page that then never changes is still removed in time."""
    plan = Plan()
    for event_id, old in stored.items():
        if old.missing_count > 0 and _counts(old, today):
            _miss(plan, event_id, old, removal_after)
    return plan


def _kept_opening_day(old: Event, new: Event, today: date) -> Event:
    """A page that said "booking opens 20 April" says "Book now" from that day, and names the day no
    more: the day booking opened stays on the event (the booking calendar keeps its entry as history).
    Only a day that has come: a page that opens booking early did not open it on the day it gave."""
    opens = old.booking_opens or ""
    if new.booking_opens or new.booking in ("soon", "none") or len(opens) != 10 or opens > today.isoformat():
        return new
    return replace(new, booking_opens=opens)


def _with_fixed(detail: dict[str, Any], fixed: tuple[str, ...]) -> dict[str, Any]:
    return {**detail, "fixed": list(fixed)} if fixed else detail


def _counts(old: Stored, today: date) -> bool:
    return not old.removed and old.event.last_day >= today


def _miss(plan: Plan, event_id: str, old: Stored, removal_after: int) -> None:
    misses = old.missing_count + 1
    if misses >= removal_after:
        plan.removed.append(event_id)
        plan.changes.append(Change(event_id, "removed", {"event": old.event.as_dict(), "misses": misses}))
    else:
        plan.missing[event_id] = misses


Key = Callable[[Event], Any]


def assign(stored: Mapping[str, Stored], found: list[Event]) -> dict[int, str]:
    """Which stored event each found event is (index in ``found`` → stored id), one-to-one.

    Ids first; then the same own link with the same title; then the same title; then, for an event
    renamed in place, the same start and place. Within a pass the nearest starts pair first (to the
    minute: the 14:00 Workshop is the 14:00 one, not the 10:00 one beside it), so two "Board meeting"s
    swapping dates stay apart. A title pairs within its year, or across New Year within ``NEAR`` days
    ("Board meeting" 30 December → 5 January is a move; last year's AGM is another AGM)."""
    pairs: dict[int, str] = {}
    taken: set[str] = set()
    for i, event in enumerate(found):
        if event.id in stored and event.id not in taken:
            pairs[i] = event.id
            taken.add(event.id)
    keys: dict[str, str] = {}  # title keys, computed once per title

    def tkey(event: Event) -> str:
        key = keys.get(event.title)
        if key is None:
            key = keys[event.title] = title_key(event.title)
        return key

    def by_link(e: Event) -> Any:
        return (e.url.rstrip("/"), tkey(e)) if e.url else None

    def by_title(e: Event) -> Any:
        return tkey(e)

    for key in (by_link, by_title):
        index: dict[Any, list[str]] = defaultdict(list)
        for sid, s in stored.items():
            if sid not in taken and (k := key(s.event)) is not None:
                index[k].append(sid)
        options = []
        for i, event in enumerate(found):
            if i in pairs or (k := key(event)) is None:
                continue
            for sid in index.get(k, ()):
                old = stored[sid].event
                if old.first_day.year == event.first_day.year or abs((old.first_day - event.first_day).days) <= NEAR:
                    options.append((_apart(old, event), i, sid))
        for _distance, i, sid in sorted(options):
            if i not in pairs and sid not in taken:
                pairs[i] = sid
                taken.add(sid)
    _renamed_in_place(stored, found, pairs, taken)
    return pairs


NEAR = 45  # days: how far a titled event may move across New Year and stay itself


def _apart(old: Event, new: Event) -> float:
    """How far apart two readings of an event are in time, in seconds (a day for a date)."""
    a, b = old.start, new.start
    if isinstance(a, datetime) and isinstance(b, datetime):
        return abs((a - b).total_seconds())
    return abs((old.first_day - new.first_day).days) * 86400.0


def _renamed_in_place(stored: Mapping[str, Stored], found: list[Event], pairs: dict[int, str], taken: set[str]) -> None:
    """An event with no link of its own, renamed where it stands: the same start and the same place,
    and the only one of each side so placed. Its history continues; a new title is an update."""

    def spot(e: Event) -> tuple[Any, ...]:
        return (e.start, (e.venue or "").casefold(), (e.locality or "").casefold(), e.online)

    left: dict[tuple[Any, ...], list[str]] = defaultdict(list)
    for sid, s in stored.items():
        if sid not in taken and not s.removed and not s.event.url:
            left[spot(s.event)].append(sid)
    right: dict[tuple[Any, ...], list[int]] = defaultdict(list)
    for i, event in enumerate(found):
        if i not in pairs and not event.url:
            right[spot(event)].append(i)
    for place, indices in right.items():
        sids = left.get(place, [])
        if len(indices) == 1 and len(sids) == 1:
            pairs[indices[0]] = sids[0]
            taken.add(sids[0])


def _fresh_id(event: Event, used: set[str]) -> str:
    """An id for a new event whose own id another event holds: derived from its id and day, so the
    same page read again gives the same id."""
    n = 0
    while True:
        basis = f"{event.id}\x1f{event.first_day.isoformat()}\x1f{n}"
        ident = hashlib.sha256(basis.encode()).hexdigest()[:20]
        if ident not in used:
            return ident
        n += 1


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
