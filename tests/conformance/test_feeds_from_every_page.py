"""Conformance: feeds built from every saved real page (``../shared/examples`` and the three
corpora), one source per page read on its own day, a filtered feed across them and an "add to
calendar" file per zone, pass ``../shared/tools/feedcheck`` with no error and no warning in all
seven parsers, every event at the same instant in each (``--clients``), and the JSON Feed validator
(which checks every published link as a URI)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time
from pathlib import Path

from events.config.models import Feed
from events.extract import extract_events
from feeds import ical_lines
from feeds.build import render_feed
from feeds.ical import build_event_ical, vevent_properties
from feeds.selection import Query
from tests.conformance.validators import validate
from tests.conftest import shared_or_skip
from tests.test_feeds import config, stored


def _pages() -> list[tuple[Path, dict]]:
    truths = sorted(shared_or_skip("examples").glob("*.expected.json"))
    for part in ("corpus", "corpus-more", "corpus-wide"):
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
        for item in items:  # our VEVENT writer against icalendar's, on every real event
            props = vevent_properties(item, "events.example.org", "https://events.example.org", {})
            assert props == ical_lines.in_order(props)
            assert ical_lines.vevent(props) == ical_lines.reference(props), (page.name, item.event.title)
        if not items:
            continue  # a news page: its empty calendar is warned about, rightly (see test_feed_validators)
        mixed += items[:5]
        now = datetime.combine(day, time(12), UTC)
        rendered = render_feed(cfg, everything, items, now=now)
        # JSON in pages of 200, as a member site asks for it (?limit=): a council's 766 meetings of
        # every year in one document would be 1 MB, which the JSON Feed spec rightly warns about
        paged = render_feed(cfg, everything, items[:200], now=now) if len(items) > 200 else rendered
        for kind, body in (("ics", rendered.ics), ("json", paged.json)):
            path = tmp_path / f"page{n:03d}.{kind}"
            path.write_bytes(body)
            written[kind].append(path)
    # and a filtered feed across pages and zones, as a subscriber's ?category= or ?source= gives
    ids = {}
    unique = [i for i in mixed if not (i.event.id in ids or ids.setdefault(i.event.id, True) is None)]
    asked = Query(sources=("src",))
    filtered = render_feed(cfg, everything, unique, now=datetime(2024, 3, 1, 12, tzinfo=UTC), query=asked)
    # its JSON as a member site takes it, a page at a time: 600 events in one document pass the 1 MB the
    # validator rightly warns about
    paged_json = render_feed(cfg, everything, unique[:300], now=datetime(2024, 3, 1, 12, tzinfo=UTC), query=asked)
    for kind, body in (("ics", filtered.ics), ("json", paged_json.json)):
        path = tmp_path / f"filtered.{kind}"
        path.write_bytes(body)
        written[kind].append(path)
    assert len(written["ics"]) >= 160
    validate("ics", *written["ics"])
    validate("jsonfeed", *written["json"])
    # "add to calendar" files: one event, its zone, nothing calendar-level; one per zone seen, since the
    # validator judges a single-event file per call and each call starts seven parsers
    singles: dict[str, Path] = {}
    for item in unique:
        zone = item.event.timezone or ""
        if item.event.all_day or zone in singles or len(singles) >= 8:
            continue
        path = tmp_path / f"event{len(singles):03d}.ics"
        path.write_bytes(
            build_event_ical(item, base_url="https://events.example.org", refresh_seconds=3600, sources={})
        )
        singles[zone] = path
    assert len(singles) >= 4
    for path in singles.values():
        validate("ics", path, single_event=True)
