"""Identity is a one-to-one assignment: however dates, titles and order change between two readings
of a real page, every stored event is matched at most once, no plan writes two rows under one id,
and every reconcile commits to a real store."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from events.extract import extract_events
from events.extract.merge import assign_ids
from events.reconcile.plan import Plan, Stored, reconcile
from events.record import Event
from events.store import FetchResult, Store
from tests.conftest import FIXTURES

TODAY = date(2025, 1, 1)
PAGES = ("branch-meetings-list.html", "meetings-table.html", "event-cards.html")


def reading(name: str) -> list[Event]:
    html = (FIXTURES / name).read_text(encoding="utf-8")
    return extract_events(html, url="https://branch.example.org/meetings", today=TODAY, source="branch")


def reassigned(events: list[Event]) -> list[Event]:
    """What the extractor would call these events: ids from links, titles, years and days."""
    return assign_ids([replace(e, id="") for e in events], "https://branch.example.org/meetings")


def check(plan: Plan, stored: dict[str, Stored]) -> None:
    written = [w.event.id for w in plan.writes]
    assert len(written) == len(set(written)), "two writes under one id"
    assert all(w.event.id not in stored for w in plan.writes if w.new), "a new event under a stored id"
    assert all(not w.new for w in plan.writes if w.event.id in plan.matched)


def as_stored(events: list[Event]) -> dict[str, Stored]:
    return {e.id: Stored(e) for e in events}


@st.composite
def edits(draw: st.DrawFn, count: int) -> list[tuple[str, int, int]]:
    kinds = st.sampled_from(["swap_dates", "swap_titles", "move", "drop", "copy_title"])
    index = st.integers(0, max(0, count - 1))
    return draw(st.lists(st.tuples(kinds, index, index), max_size=6))


def edited(events: list[Event], steps: list[tuple[str, int, int]], order: list[int]) -> list[Event]:
    events = list(events)
    for kind, i, j in steps:
        if not events:
            break
        i, j = i % len(events), j % len(events)
        a, b = events[i], events[j]
        if kind == "swap_dates":
            events[i], events[j] = replace(a, start=b.start, end=b.end), replace(b, start=a.start, end=a.end)
        elif kind == "swap_titles":
            events[i], events[j] = replace(a, title=b.title), replace(b, title=a.title)
        elif kind == "move":
            events[i] = replace(a, start=a.start + timedelta(days=7 * (j + 1)), end=None)
        elif kind == "copy_title":
            events[i] = replace(a, title=b.title)
        elif kind == "drop" and len(events) > 1:
            del events[i]
    return [events[k % len(events)] for k in dict.fromkeys(order)] if order else events


@pytest.mark.parametrize("name", PAGES)
def test_every_single_date_swap_plans_distinct_rows(name: str) -> None:
    before = reading(name)
    assert len(before) >= 3
    stored = as_stored(before)
    for i in range(len(before)):
        for j in range(i + 1, len(before)):
            after = edited(before, [("swap_dates", i, j)], [])
            check(reconcile(stored, reassigned(after), TODAY), stored)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_edited_readings_of_real_pages_always_commit(tmp_path: Path, data: st.DataObject) -> None:
    name = data.draw(st.sampled_from(PAGES))
    before = reading(name)
    steps = data.draw(edits(len(before)))
    order = data.draw(st.permutations(range(len(before))))
    after = reassigned(edited(before, steps, list(order)))
    store = Store(f"sqlite:///{tmp_path / 'identity.db'}")
    try:
        with store.begin(write=True) as conn:
            conn.exec_driver_sql("DELETE FROM events")
            conn.exec_driver_sql("DELETE FROM sources")
        store.ensure_sources([("branch", "https://branch.example.org/meetings", "Branch")])
        now = datetime(2025, 1, 1, tzinfo=UTC)
        first = reconcile({}, before, TODAY)
        store.record_fetch("branch", FetchResult("page", now, now, 200, events_found=len(before)), first)
        stored = store.stored_events("branch")
        plan = reconcile(stored, after, TODAY)
        check(plan, stored)
        later = now + timedelta(hours=6)
        store.record_fetch("branch", FetchResult("page", later, later, 200, events_found=len(after)), plan)
        assert store.source_state("branch")["last_outcome"] == "page"
        live = {i.event.id for i in store.all_events()}
        assert {w.event.id for w in plan.writes} <= live
    finally:
        store.close()
