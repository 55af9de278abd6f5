"""When a block's event happens: its date anchors and clock times made into a start and an end.

``<time datetime>`` tags are trusted over written dates; a range written beside a date-only tag gives
its last day; times said twice (a badge and a meta line) are read once, the fuller way.
"""

from __future__ import annotations

from datetime import date, datetime, time

from events.extract.context import PageContext
from events.extract.text.anchors import Anchor
from events.normalise.times import TimeMatch

When = tuple[date | datetime, date | datetime | None]


def when_of(ctx: PageContext, tags: list[Anchor], written: list[Anchor], times: list[TimeMatch]) -> When:
    # the same start said twice ("9:00 AM" on the badge, "9:00 AM – 10:00 AM" below): the range says more
    clock = next((t for t in times if t.end and t.start == times[0].start), times[0]) if times else None
    when = _from_tags(ctx, tags, clock, written) if tags else None
    if when is not None:
        return when
    first = written[0] if written else tags[0]
    second = times[1].start if len(times) > 1 and clock is not None and clock.end is None else None
    return ctx.at(first.first_day, clock.start if clock else None), _end(ctx, first, clock, second)


def _end(
    ctx: PageContext, first: Anchor, clock: TimeMatch | None, last_clock: time | None = None
) -> date | datetime | None:
    """The last day for all-day events; for timed ones the end time, or the last day's end."""
    if clock is None:
        return first.last_day
    if first.last_day is not None:  # "Fri 8 Nov 18:00 – Sun 10 Nov 14:00": the second time ends it
        return ctx.at(first.last_day, clock.end or last_clock or time(23, 59))
    if clock.end is None and first.joined and last_clock is not None:  # "Starts: … 09:30 Ends: … 16:30"
        return ctx.at(first.first_day, last_clock)
    return ctx.at(first.first_day, clock.end) if clock.end else None


def _from_tags(ctx: PageContext, tags: list[Anchor], clock: TimeMatch | None, written: list[Anchor]) -> When | None:
    """``<time datetime>`` tags: the first is the start, a later one the end; a date-only tag takes
    its time from the text beside it, and its last day from a range written beside it."""
    moments = [t.moment for t in tags if t.moment is not None]
    if not moments:
        return None
    start = moments[0]
    if not isinstance(start, datetime):
        start = ctx.at(start, clock.start if clock else None)
    end = next((m for m in moments[1:] if type(m) is type(start) and m > start), None)
    if end is None and isinstance(start, datetime) and clock is not None and clock.end is not None:
        end = ctx.at(start.date(), clock.end)
    if end is None and not isinstance(start, datetime):  # "March 20 - March 21" inside the tag
        end = next((w.last_day for w in written if w.first_day == start and w.last_day), None)
    return start, end
