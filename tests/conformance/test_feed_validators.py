"""Conformance: feeds with hostile text, all-day, timed, offset-only and cancelled events pass
../shared/tools/feedcheck's validators (seven independent parsers plus client rules)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from events.config.models import Feed
from feeds.build import render_feed
from tests.conformance.validators import validate
from tests.test_feeds import HOSTILE, NOW, config, event, stored
from tests.test_zones import ZONES


def test_hostile_and_mixed_feeds_pass_every_parser(tmp_path: Path) -> None:
    from datetime import date, datetime, timezone
    from zoneinfo import ZoneInfo

    london, berlin = ZoneInfo("Europe/London"), ZoneInfo("Europe/Berlin")
    items = [
        stored(
            event(
                text,
                date(2024, 4, i + 1),
                venue=text,
                description=text,
                booking="open",
                booking_label=text[:100],
                url="https://org.example/e?a=1&b=2",
                categories=("a,b", "c;d"),
            )
        )
        for i, text in enumerate(HOSTILE)
    ]
    items += [
        stored(event("Timed", datetime(2024, 7, 1, 9, tzinfo=london), end=datetime(2024, 7, 1, 17, tzinfo=london))),
        stored(event("Berlin", datetime(2024, 12, 1, 9, tzinfo=berlin))),
        stored(event("Offset", datetime(2024, 7, 2, 20, tzinfo=timezone(timedelta(hours=-7))))),
        stored(event("Gone", date(2024, 5, 5), event_status="cancelled"), cancelled=NOW, sequence=3),
        stored(event("TBC", date(2024, 5, 6), event_status="postponed")),
    ]
    rendered = render_feed(
        config(tmp_path), Feed("all", "All; events, here", "Desc \\ with, odd; chars"), items, now=NOW
    )
    ics, doc = tmp_path / "all.ics", tmp_path / "all.json"
    ics.write_bytes(rendered.ics)
    doc.write_bytes(rendered.json)
    validate("ics", ics)
    validate("jsonfeed", doc)


def test_a_feed_with_no_events_is_still_a_calendar_for_every_parser(tmp_path: Path) -> None:
    rendered = render_feed(config(tmp_path), Feed("quiet", "Nothing yet"), [], now=NOW)
    assert rendered.count == 0 and b"BEGIN:VTIMEZONE" in rendered.ics
    ics, doc = tmp_path / "quiet.ics", tmp_path / "quiet.json"
    ics.write_bytes(rendered.ics)
    doc.write_bytes(rendered.json)
    report = validate("ics", ics, strict=False)  # the one warning: "calendar has no VEVENT", which is so
    assert "0 errors, 1 warnings" in report and "[empty]" in report
    assert "0 errors, 1 warnings" in validate("jsonfeed", doc, strict=False)  # "feed has no items"


def test_a_site_in_eleven_zones_across_years_of_clock_changes_reads_alike_in_every_parser(tmp_path: Path) -> None:
    """Every event's instant agreed by all seven parsers (``--clients``): one a fortnight per zone
    over three years, and one on each side of every change of the clocks, timed and with assumed ends."""
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    from feeds.zones import transitions

    items = []
    for tzid in ZONES:
        zone = ZoneInfo(tzid)
        moment = datetime(2024, 1, 3, 9, 15, tzinfo=zone)
        while moment.year < 2027:
            items.append(stored(event(f"{tzid} fortnightly", moment, end=moment + timedelta(hours=2))))
            moment += timedelta(days=14)
        for year in (2024, 2025, 2026):
            for change in transitions(tzid, year):
                for side in (timedelta(minutes=-30), timedelta(minutes=30)):
                    at = (change.at + side).astimezone(zone)
                    items.append(stored(event(f"{tzid} {side} of the change", at)))
    every = Feed("all", "All", past_days=None, future_days=None)
    rendered = render_feed(config(tmp_path), every, items, now=datetime(2024, 1, 1, tzinfo=UTC))
    assert rendered.count == len(items) >= 350
    ics = tmp_path / "eleven-zones.ics"
    ics.write_bytes(rendered.ics)
    validate("ics", ics)
