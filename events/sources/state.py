"""A source's state in one word and one line, the same in ``events sources``, ``/sources``, ``/healthz``
and Slack: *healthy* (its last reading was trusted; *nothing found* or *nothing kept* when it gave the calendar
nothing), *failing* (fetches fail; never a reason to remove
events), *changed shape* (a reading did not look like the page; its events are kept untouched until
the usual shape returns or a person accepts the new one), *accepted* (the next reading is trusted
whatever its shape), or *new* (never fetched)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from events.redact import problem_in_words


@dataclass(frozen=True)
class SourceState:
    name: str  # healthy, failing, changed shape, accepted, new
    words: str  # one line for a person
    overdue: bool = False  # failing for longer than unhealthy_after
    notice: str | None = None  # what the last reading could not read whole

    @property
    def detail(self) -> str:
        """What staff need to read beside the state: its words unless all is well, and any notice."""
        said = [] if self.name == "healthy" else [self.words]
        return "; ".join([*said, *([self.notice] if self.notice else [])])

    @property
    def ok(self) -> bool:
        return self.name in ("healthy", "accepted", "new", "nothing found", "nothing kept")


def source_state(
    row: dict[str, Any], unhealthy_after: int, now: datetime | None = None, *, public: bool = False
) -> SourceState:
    """``public``: for a page anyone may read, the kind of problem in words (``events.redact``) and no
    notice; the raw error, which can name hosts, addresses and query strings, is for staff."""
    state = _state(row, unhealthy_after, now or datetime.now(UTC), public)
    return replace(state, notice=row.get("notice")) if row.get("notice") and not public else state


def _state(row: dict[str, Any], unhealthy_after: int, now: datetime, public: bool = False) -> SourceState:
    if row.get("consecutive_failures"):
        since = row.get("unhealthy_since") or now
        overdue = (now - since).total_seconds() > unhealthy_after
        reason = row.get("unhealthy_reason") or row.get("last_error")
        said = problem_in_words(reason) if public else (reason or "?")
        words = f"failing {since_words(since, now)}: {said}"
        return SourceState("failing", words + (" (overdue)" if overdue else ""), overdue)
    if row.get("accepted_at"):
        return SourceState("accepted", "new shape accepted; the next reading becomes the usual shape")
    if row.get("shape_changed_since"):
        words = (
            f"page changed shape {duration(now - row['shape_changed_since'])} ago: {row.get('shape_reason')}; "
            f"its events are kept; if the new page is right, run `events sources accept {row.get('id')}`"
        )
        return SourceState("changed shape", words)
    if row.get("last_outcome") is None:
        return SourceState("new", "not fetched yet")
    # read without trouble, but the calendar gains nothing from it: said, not shown as all well
    if row.get("events_found") == 0:
        return SourceState("nothing found", "its last reading found no events: is it the page that lists them?")
    if row.get("events_stored") == 0 and row.get("events_found"):
        return SourceState(
            "nothing kept",
            f"its last reading found {row['events_found']} events and none is kept (see /sources/{row.get('id')})",
        )
    return SourceState("healthy", "ok")


def since_words(since: datetime, now: datetime) -> str:
    """ "since 23:53 UTC" today, "since 4 Dec 23:53 UTC (3 days)" before: a time to look up in the logs."""
    since = since.astimezone(UTC)
    if now - since < timedelta(hours=20):
        return f"since {since:%H:%M} UTC"
    return f"since {since.day} {since:%b %H:%M} UTC ({duration(now - since)})"


def duration(delta: Any) -> str:
    seconds = max(0, int(delta.total_seconds()))
    if seconds < 3600:
        return f"{seconds // 60} min"
    if seconds < 2 * 86400:
        return f"{seconds // 3600} h"
    return f"{seconds // 86400} days"
