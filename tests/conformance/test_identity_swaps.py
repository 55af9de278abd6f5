"""Conformance: dates swapped in a real page (../shared/corpus/pages/002, a board's meetings), one
pair of written dates at a time, the way a site's editor moves meetings about. Every reading plans
distinct rows and commits to a real store; the source is never stuck by its own identities."""

from __future__ import annotations

import itertools
import re
from datetime import UTC, date, datetime
from pathlib import Path

from events.extract import extract_events
from events.reconcile.plan import reconcile
from events.store import FetchResult, Store
from tests.conftest import shared_or_skip

URL = "https://chicagoelections.gov/about-board/board-meetings"
TODAY = date(2024, 1, 6)
DATE = re.compile(
    r"(January|February|March|April|May|June|July|August|September|October|November|December) \d{1,2}, \d{4}"
)


def read(html: str) -> list:
    return extract_events(html, url=URL, today=TODAY, timezone="America/Chicago", source="board")


def test_swapped_dates_on_a_real_page_always_commit(tmp_path: Path) -> None:
    page = shared_or_skip("corpus", "pages", "002-chi-board-elections-drupal.html").read_text(encoding="utf-8")
    before = read(page)
    written = list(dict.fromkeys(m.group(0) for m in DATE.finditer(page)))
    spans = [m.span() for m in DATE.finditer(page)]
    variants = [page.replace(a, "\0").replace(b, a).replace("\0", b) for a, b in itertools.combinations(written, 2)]
    for (s1, e1), (s2, e2) in itertools.pairwise(spans):  # single occurrences, neighbour with neighbour
        if page[s1:e1] != page[s2:e2]:
            variants.append(page[:s1] + page[s2:e2] + page[e1:s2] + page[s1:e1] + page[e2:])
    assert len(variants) >= 20
    store = Store(f"sqlite:///{tmp_path / 'swaps.db'}")
    store.ensure_sources([("board", URL, "Board")])
    now = datetime(2024, 1, 6, tzinfo=UTC)
    for html in variants:
        with store.begin(write=True) as conn:
            conn.exec_driver_sql("DELETE FROM events")
        store.record_fetch("board", FetchResult("page", now, now, 200), reconcile({}, before, TODAY))
        stored = store.stored_events("board")
        plan = reconcile(stored, read(html), TODAY)
        ids = [w.event.id for w in plan.writes]
        assert len(ids) == len(set(ids)) and not any(w.event.id in stored for w in plan.writes if w.new)
        store.record_fetch("board", FetchResult("page", now, now, 200), plan)
        assert store.source_state("board")["last_outcome"] == "page"
    store.close()
