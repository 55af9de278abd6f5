"""One event found twice (in JSON-LD and in the visible card, say) comes out once.

Two records are the same event when they start on the same day and either share their own link or
have titles where one contains the other once normalised. The record found first (by the more
trusted strategy) keeps its fields; the other only fills in what it lacks.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import fields, replace
from datetime import UTC, date, datetime, timedelta

from events.record import Event, event_id, title_key

_NOT_FILLED = ("source", "title", "start", "id", "found_by", "provenance")
_FILLABLE = [f.name for f in fields(Event) if f.name not in _NOT_FILLED]


def same_event(a: Event, b: Event) -> bool:
    """Same day, and the same link or title; across strategies one title may carry extra words
    ("Reps training" in JSON-LD, "Reps training – Leeds" on the card)."""
    if a.first_day != b.first_day:
        return False
    timed = isinstance(a.start, datetime) and isinstance(b.start, datetime)
    if a.found_by == b.found_by and timed and a.start != b.start:
        return False  # "City Council" at 10:00 and again at 14:00: two sittings of one day
    if a.url and b.url and a.url.rstrip("/") == b.url.rstrip("/") and a.found_by != b.found_by:
        return True
    ka, kb = title_key(a.title), title_key(b.title)
    if not ka or not kb:
        return False
    if ka == kb:
        return True
    if _truncated(a.title, kb, ka) or _truncated(b.title, ka, kb):
        return True  # "Annual conference of the…" in a sidebar widget is the listing's event
    if a.found_by == b.found_by:
        return False
    ta, tb = set(ka.split()), set(kb.split())
    return ta <= tb or tb <= ta


def _truncated(title: str, full_key: str, short_key: str) -> bool:
    return title.rstrip().endswith(("…", "...")) and len(short_key) >= 8 and full_key.startswith(short_key)


def fill_event(base: Event, other: Event) -> Event:
    """``base`` completed from ``other``, the same event read elsewhere (another strategy, its own
    page): what ``base`` has stays; a time replaces a bare day only on that day."""
    changes = {}
    defaults = {"event_status": "scheduled", "booking": "none", "online": False, "categories": ()}
    for name in _FILLABLE:
        if name == "image_alt" and base.image and base.image != other.image:
            continue  # words for another picture
        mine, theirs = getattr(base, name), getattr(other, name)
        empty = mine is None or mine == "" or (name in defaults and mine == defaults[name])
        if empty and theirs not in (None, "", defaults.get(name)):
            changes[name] = theirs
    if base.all_day and not other.all_day and other.first_day == base.first_day:
        changes["start"], changes["end"] = other.start, other.end
    elif _utc_written_as_local(base, other):
        end = other.end
        if end is None and isinstance(base.end, datetime):
            end = base.end.replace(tzinfo=UTC).astimezone(other.start.tzinfo)  # type: ignore[union-attr]
        changes["start"], changes["end"] = other.start, end
    elif (shift := _daylight_saving_slip(base, other)) is not None:
        end = other.end if other.end is not None else (base.end - shift if isinstance(base.end, datetime) else base.end)
        changes["start"], changes["end"] = other.start, end
    if base.title.rstrip().endswith(("…", "...")) and not other.title.rstrip().endswith(("…", "...")):
        changes["title"] = other.title  # the whole title, not a widget's cut-off one
    if not changes:
        return base
    changes["provenance"] = {
        **base.provenance,
        **{name: other.provenance.get(name, other.found_by) for name in changes},
    }
    return replace(base, **changes)


def _utc_written_as_local(base: Event, other: Event) -> bool:
    """Markup saying ``2024-01-29T16:00`` (no offset) beside a page showing "11:00 AM" in New York:
    the markup wrote UTC without saying so, and the time a person reads is the right one."""
    if not isinstance(base.start, datetime) or not isinstance(other.start, datetime) or base.start == other.start:
        return False
    return base.start.replace(tzinfo=UTC) == other.start


def _daylight_saving_slip(base: Event, other: Event) -> timedelta | None:
    """Markup whose offset is the zone's other season's (a WordPress events plugin that writes +00:00
    all year for a London site) beside a page showing the local clock: the two differ by exactly the
    zone's daylight-saving difference, and the clock a person reads is the event's. The slip, or None."""
    if not isinstance(base.start, datetime) or not isinstance(other.start, datetime) or base.start == other.start:
        return None
    zone = other.start.tzinfo
    if zone is None or base.start.date() != other.start.date():
        return None
    year = other.start.year
    winter = datetime(year, 1, 15, 12, tzinfo=zone).utcoffset()
    summer = datetime(year, 7, 15, 12, tzinfo=zone).utcoffset()
    if winter is None or summer is None or winter == summer:
        return None  # a zone without daylight saving has no season to slip into
    slip = base.start - other.start
    return slip if abs(slip) == abs(summer - winter) else None


def merge_events(found: list[Event], page_url: str | None = None, fill_from: Sequence[Event] = ()) -> list[Event]:
    """One record per event; ``fill_from`` (less trusted) only completes fields, adds no events."""
    index = _TwinIndex()
    for event in found:
        i = index.twin(event)
        if i is None:
            index.add(event)
        else:
            index.replace(i, fill_event(index.merged[i], event))
    for event in fill_from:
        i = index.twin(event)
        if i is not None:
            index.replace(i, fill_event(index.merged[i], event))
    return assign_ids(index.merged, page_url)


class _TwinIndex:
    """The records merged so far, indexed so that finding an event's twin is not a scan of its day.

    ``same_event`` stays the judge; the index only chooses whom it is asked about: records with the
    same title on the day, records of other strategies that day (links and shared words count only
    across strategies), and records with cut-off titles. A page of thousands of events on a few days
    stays linear."""

    def __init__(self) -> None:
        self.merged: list[Event] = []
        self.keys: dict[str, str] = {}
        self.exact: dict[tuple[date, str], list[int]] = defaultdict(list)
        self.by_strategy: dict[tuple[date, str], list[int]] = defaultdict(list)
        self.strategies: dict[date, set[str]] = defaultdict(set)
        self.cut: dict[date, list[int]] = defaultdict(list)

    def key(self, title: str) -> str:
        k = self.keys.get(title)
        if k is None:
            k = self.keys[title] = title_key(title)
        return k

    def twin(self, event: Event) -> int | None:
        day = event.first_day
        candidates: set[int] = set()
        k = self.key(event.title)
        if k:
            candidates.update(self.exact.get((day, k), ()))
        for strategy in self.strategies.get(day, ()):
            if strategy != event.found_by or _cut(event.title):
                candidates.update(self.by_strategy[(day, strategy)])
        candidates.update(self.cut.get(day, ()))
        return next((i for i in sorted(candidates) if same_event(self.merged[i], event)), None)

    def add(self, event: Event) -> None:
        self.merged.append(event)
        self._index(len(self.merged) - 1, event)
        self.by_strategy[(event.first_day, event.found_by)].append(len(self.merged) - 1)
        self.strategies[event.first_day].add(event.found_by)

    def replace(self, i: int, event: Event) -> None:
        if event.title != self.merged[i].title:
            self._index(i, event)
        self.merged[i] = event

    def _index(self, i: int, event: Event) -> None:
        k = self.key(event.title)
        if k and i not in self.exact[(event.first_day, k)]:
            self.exact[(event.first_day, k)].append(i)
        if _cut(event.title):
            self.cut[event.first_day].append(i)


def _cut(title: str) -> bool:
    return title.rstrip().endswith(("…", "..."))


def assign_ids(events: list[Event], page_url: str | None) -> list[Event]:
    """Ids from each event's own link, unless several events share a link; then from the title and
    year, unless several share those too (a monthly "Board meeting"), when the day itself is the key."""
    events = sorted(events, key=lambda e: (e.first_day, e.title))
    urls = Counter(e.url.rstrip("/") for e in events if e.url)
    titles = Counter((e.source, title_key(e.title), e.first_day.year) for e in events)
    out = []
    seen: set[str] = set()
    for event in events:
        use_url = bool(event.url) and urls[(event.url or "").rstrip("/")] == 1
        with_day = titles[(event.source, title_key(event.title), event.first_day.year)] > 1
        ident = event_id(event, page_url, use_url=use_url, with_day=with_day)
        base, n = ident, 2
        while ident in seen:  # the same title on the same day twice: keep both, in page order
            ident = f"{base}-{n}"
            n += 1
        seen.add(ident)
        out.append(replace(event, id=ident))
    return out
