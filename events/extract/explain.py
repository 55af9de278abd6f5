"""``events extract --explain``: each event, each field, and where on the page it came from."""

from __future__ import annotations

from collections.abc import Sequence

from events.record import VISIBLE_FIELDS, Event

_SHOWN = ("title", "start", "end", "venue", "address", "locality", "booking", "event_status", "url")


def explain_events(events: Sequence[Event]) -> str:
    """Plain text for a person: per event its fields with their origin, then the title candidates
    the ranking weighed, best first (the first is the one taken), then the score that made the block
    an event (log-odds: at least 0 is an event) with the evidence that weighed most."""
    if not events:
        return "No events found on this page.\n"
    lines: list[str] = []
    for n, event in enumerate(events, 1):
        data = event.as_dict()
        origin = dict(event.provenance)
        lines.append(f"{n}. {event.title}")
        block = origin.pop("block", None)
        where = f", the block {block.split(':', 1)[-1]}" if block else ""
        lines.append(f"   found by     {event.found_by or '?'}{where}")
        for name in _SHOWN:
            value = data.get(name)
            if value in (None, "", "none") and name not in origin:
                continue
            where = origin.pop(name, "")
            lines.append(f"   {name:<12} {value!s:<40}" + (f"  ← {where}" if where else ""))
        candidates = origin.pop("title candidates", None)
        if candidates:
            lines.append("   title candidates (score: signals):")
            lines.extend(f"     - {c.strip()}" for c in candidates.split(" | "))
        judged = origin.pop("is an event", None)
        if judged:
            lines.append(f"   is an event  {judged}")
        for name, where in origin.items():
            if name in VISIBLE_FIELDS:
                lines.append(f"   {name:<12} ← {where}")
        lines.append("")
    return "\n".join(lines)
