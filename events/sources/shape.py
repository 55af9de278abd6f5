"""Whether a reading of a page can be trusted: a page that changed shape is never news about events.

An outage page, a half-loaded redesign or a template that lost its venues reads as "fewer events",
"no venues", "found by another strategy". None of that is evidence that events were cancelled or
removed, so such a reading changes nothing: the source is marked *changed shape* and its events stay
until a reading of the usual shape returns or a person runs ``events sources accept ID``.

A reading has changed shape when, compared with the stored events and the last trusted reading:

* it finds no upcoming event where some were expected;
* it finds none of the expected upcoming events again, only others (at any size: a branch page whose two
  events give way to one maintenance notice);
* it finds again fewer than half of the expected upcoming events (at least three expected);
* the strategy that read most of the last trusted reading reads nothing now;
* a field most events had (venue, time of day, own link) is gone from nearly all of them.

"Expected" are the stored upcoming events the last trusted reading found, so events that became
past, or that were already missing, never make an honest page look broken.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from events.reconcile.plan import Plan, Stored
from events.record import Event

# What each field is called when a reading loses it, and how to tell an event has it.
FIELDS: dict[str, tuple[str, Callable[[Event], bool]]] = {
    "venue": ("venues", lambda e: bool(e.venue or e.locality or e.address or e.online)),
    "time": ("times of day", lambda e: not e.all_day),
    "link": ("links to their own pages", lambda e: bool(e.url)),
}
HAD = 0.8  # a field the last trusted reading gave at least this share of its events ...
LOST = 0.2  # ... is lost when fewer than this share have it now
MIN_EVENTS = 3  # shares of fewer events than this say nothing

STRATEGY_WORDS = {
    "jsonld": "schema.org data",
    "microdata": "microdata",
    "h-event": "h-event markup",
    "ics": "a linked calendar",
    "selectors": "the configured selectors",
    "text": "the page's text",
    "embedded": "the page's script data",
}


@dataclass(frozen=True)
class Shape:
    """What a trusted reading looked like: how many events, read by which strategy, with which fields."""

    events: int
    strategy: str | None
    fields: dict[str, float]
    pages: int = 1  # the listing's pages the reading reached (``pages = N`` and its Next links)

    def as_dict(self) -> dict[str, Any]:
        return {"events": self.events, "strategy": self.strategy, "fields": self.fields, "pages": self.pages}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> Shape | None:
        if not data:
            return None
        try:
            fields = {k: float(v) for k, v in data["fields"].items()}
            return cls(int(data["events"]), data.get("strategy"), fields, int(data.get("pages", 1)))
        except (KeyError, TypeError, ValueError, AttributeError):
            return None


def shape_of(found: list[Event], pages: int = 1) -> Shape:
    strategies = Counter(e.found_by for e in found if e.found_by)
    main = strategies.most_common(1)[0][0] if strategies else None
    n = len(found)
    fields = {name: round(sum(has(e) for e in found) / n, 3) if n else 0.0 for name, (_, has) in FIELDS.items()}
    return Shape(n, main, fields, pages)


def _others(n: int) -> str:
    return "one other" if n == 1 else f"{n} others"


def shape_change(
    baseline: Shape | None,
    now: Shape,
    stored: Mapping[str, Stored],
    found: list[Event],
    plan: Plan,
    today: date,
    partial: bool = False,
) -> str | None:
    """Why this reading (``found``, whose shape is ``now``) is a page that changed shape, in words for
    staff; None when it can be trusted. A ``partial`` reading (fewer listing pages than usual) is
    judged only on the events it could have found: those its pages showed last time."""
    expected = [
        sid for sid, s in stored.items() if not s.removed and s.missing_count == 0 and s.event.last_day >= today
    ]
    if partial:
        expected = [sid for sid in expected if sid in plan.matched]
    upcoming = [e for e in found if e.last_day >= today]
    if expected and not upcoming:
        return f"the page shows no upcoming events where it had {len(expected)}"
    again = sum(sid in plan.matched for sid in expected)
    if expected and again == 0:  # at any size: two branch events replaced by one "Website upgrade" card
        return f"none of its {len(expected)} upcoming events was found again, only {_others(len(upcoming))}"
    if len(expected) >= MIN_EVENTS and again * 2 < len(expected):
        return f"only {again} of its {len(expected)} upcoming events were found again"
    if baseline is None:
        return None
    if baseline.strategy and baseline.events >= 1 and found and baseline.strategy not in {e.found_by for e in found}:
        before = STRATEGY_WORDS.get(baseline.strategy, baseline.strategy)
        after = STRATEGY_WORDS.get(now.strategy or "", now.strategy or "nothing")
        return f"its events were read from {before} and now only from {after}"
    if baseline.events >= MIN_EVENTS and len(found) >= MIN_EVENTS:
        for name, (words, _) in FIELDS.items():
            if baseline.fields.get(name, 0.0) >= HAD and now.fields.get(name, 0.0) < LOST:
                return f"its events no longer have {words}"
    return None
