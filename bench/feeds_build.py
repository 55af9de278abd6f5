"""Build all.ics and all.json for 10,000 events; print time and bytes per event, and the ratio of
our build time to a bare ``json.dumps`` of the same records (measured in the same run).

    python bench/feeds_build.py [--events N]
"""

from __future__ import annotations

import argparse
import json
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from tempfile import TemporaryDirectory
from zoneinfo import ZoneInfo

from events.config import Feed, load_config
from events.record import Event
from events.store import StoredEvent
from feeds.ical import build_ical
from feeds.jsonfeed import build_jsonfeed


def records(n: int) -> list[StoredEvent]:
    now = datetime(2024, 1, 1, tzinfo=UTC)
    london = ZoneInfo("Europe/London")
    out = []
    for i in range(n):
        day = date(2024, 1, 1) + timedelta(days=i % 700)
        start: date | datetime = day if i % 2 else datetime(day.year, day.month, day.day, 10, tzinfo=london)
        event = Event(
            source=f"s{i % 50}",
            title=f"Regional meeting number {i}",
            start=start,
            venue="Holiday Inn, Regents Park",
            locality="London",
            booking="open",
            booking_label="Book now",
            url=f"https://org.example/events/{i}/",
            id=f"e{i:08d}",
            categories=("union",),
        )
        out.append(StoredEvent(event, now, now, i % 3, None, None))
    return out


def timed(func, *args, **kwargs) -> tuple[float, object]:
    start = time.perf_counter()
    result = func(*args, **kwargs)
    return time.perf_counter() - start, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=10_000)
    n = parser.parse_args().events
    items = records(n)
    feed = Feed("all", "All events")
    with TemporaryDirectory() as tmp:
        path = Path(tmp) / "config.toml"
        path.write_text('[[sources]]\nid = "s0"\nurl = "https://org.example/"\n')
        config = load_config(path)
    ics_time, ics = timed(
        build_ical,
        feed,
        items,
        base_url="https://events.example.org",
        timezone="Europe/London",
        refresh_seconds=6 * 3600,
    )
    json_time, doc = timed(build_jsonfeed, feed, items, base_url="https://events.example.org", today=date(2024, 6, 1))
    plain = [i.event.as_dict(date(2024, 6, 1)) for i in items]
    base_time, _ = timed(json.dumps, plain)
    total = ics_time + json_time
    print(f"{n} events (config {config.path.name})")
    print(f"all.ics : {ics_time:.3f} s, {len(ics) / n:.0f} bytes/event")  # type: ignore[arg-type]
    print(f"all.json: {json_time:.3f} s, {len(doc) / n:.0f} bytes/event")  # type: ignore[arg-type]
    print(f"json.dumps of the same records: {base_time:.3f} s")
    print(f"ratio (ics + json build) / json.dumps: {total / base_time:.1f}x")


if __name__ == "__main__":
    main()
