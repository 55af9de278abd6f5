"""Conformance: feeds built from every saved real page (``../shared/examples``, ``corpus`` and
``corpus-more``), one source per page read on its own day, and a filtered feed, pass
``../shared/tools/feedcheck`` with no error and no warning in all seven parsers and the JSON Feed
validator (which checks every published link as a URI)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time
from pathlib import Path

from events.config import Feed
from events.extract import extract_events
from feeds.build import render_feed
from feeds.selection import Query
from tests.conformance.validators import validate
from tests.conftest import shared_or_skip
from tests.test_feeds import config, stored


def _pages() -> list[tuple[Path, dict]]:
    truths = sorted(shared_or_skip("examples").glob("*.expected.json"))
    for part in ("corpus", "corpus-more"):
        truths += sorted(shared_or_skip(part, "truth").glob("*.json"))
    out = []
    for truth in truths:
        data = json.loads(truth.read_text())
        page = next(
            p for p in (truth.parent / data["page"], truth.parent.parent / "pages" / data["page"]) if p.exists()
        )
        out.append((page, data))
    return out


def test_every_page_gives_feeds_every_parser_accepts(tmp_path: Path) -> None:
    cfg = config(tmp_path)
    everything = Feed("all", "All events", past_days=None, future_days=None)
    written: dict[str, list[Path]] = {"ics": [], "json": []}
    mixed = []
    for n, (page, truth) in enumerate(_pages()):
        day = date.fromisoformat(truth["reference_date"])
        found = extract_events(
            page.read_bytes().decode("utf-8", "replace"),
            url=truth.get("url"),
            today=day,
            timezone=truth.get("timezone", "Europe/London"),
            source="src",
        )
        items = [stored(e) for e in found]
        if not items:
            continue  # a news page: its empty calendar is warned about, rightly (see test_feed_validators)
        mixed += items[:5]
        rendered = render_feed(cfg, everything, items, now=datetime.combine(day, time(12), UTC))
        for kind, body in (("ics", rendered.ics), ("json", rendered.json)):
            path = tmp_path / f"page{n:03d}.{kind}"
            path.write_bytes(body)
            written[kind].append(path)
    # and a filtered feed across pages and zones, as a subscriber's ?category= or ?source= gives
    ids = {}
    unique = [i for i in mixed if not (i.event.id in ids or ids.setdefault(i.event.id, True) is None)]
    filtered = render_feed(
        cfg, everything, unique, now=datetime(2024, 3, 1, 12, tzinfo=UTC), query=Query(sources=("src",))
    )
    for kind, body in (("ics", filtered.ics), ("json", filtered.json)):
        path = tmp_path / f"filtered.{kind}"
        path.write_bytes(body)
        written[kind].append(path)
    assert len(written["ics"]) >= 75
    validate("ics", *written["ics"])
    validate("jsonfeed", *written["json"])
