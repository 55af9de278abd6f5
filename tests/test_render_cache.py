"""Each event is rendered once per change: a build from the cache is byte for byte a cold build, and
every kind of change (title, time, status, categories, its source's name, the feed's settings, the
day) renders the event again. A feed whose note still holds is not rebuilt at all."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import orjson
import pytest

from events.config.loading import load_config
from events.config.models import Config, Feed, Source
from events.record import Event
from events.service.scheduler import run_cycle
from events.store import Store, StoredEvent
from feeds.build import RECORDS, build_feeds, feed_parts, render_feed
from feeds.feed_files import FeedFiles
from feeds.render_cache import RENDERED, RenderCache
from tests.conftest import write_config
from tests.site import TestSite
from tests.test_cycle import BASE, page

NOW = datetime(2030, 1, 10, 12, tzinfo=UTC)
LONDON = ZoneInfo("Europe/London")


def stored(i: int, **changes: object) -> StoredEvent:
    day = date(2030, 2, 1) + timedelta(days=i)
    fields: dict[str, object] = {
        "source": "union" if i % 2 else "guild",
        "title": f"Branch meeting {i}",
        "start": datetime(day.year, day.month, day.day, 18, 30, tzinfo=LONDON) if i % 3 else day,
        "venue": "Unity House",
        "locality": "London",
        "booking": "open" if i % 2 else "soon",
        "url": f"https://union.example/e/{i}" if i % 4 else None,
        "id": f"ev{i:04d}",
        "categories": ("branch",),
        **changes,
    }
    event = Event(**fields)  # type: ignore[arg-type]
    return StoredEvent(event, NOW, NOW, 0, None, None)


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return load_config(
        write_config(
            tmp_path,
            '[[sources]]\nid = "union"\nname = "Union"\nurl = "https://union.example/"\n'
            '[[sources]]\nid = "guild"\nname = "Guild"\nurl = "https://guild.example/"\n',
        )
    )


def both(config: Config, items: list[StoredEvent], cache: RenderCache) -> tuple[bytes, bytes, bytes, bytes]:
    feed = config.feeds[0]
    warm = render_feed(config, feed, items, now=NOW, cache=cache)
    cold = render_feed(config, feed, items, now=NOW, cache=None)
    return warm.ics, cold.ics, warm.json, cold.json


def test_a_build_from_the_cache_is_byte_for_byte_a_cold_build(config: Config) -> None:
    items = [stored(i) for i in range(12)]
    cache = RenderCache()
    first = both(config, items, cache)
    again = both(config, items, cache)
    assert cache.hits == 2 * len(items)  # the second build rendered nothing
    assert first[0] == first[1] == again[0] and first[2] == first[3] == again[2]
    # the JSON is exactly orjson's indented dump of the document (items spliced in, not re-serialised)
    assert first[2] == orjson.dumps(orjson.loads(first[2]), option=orjson.OPT_INDENT_2)
    empty = render_feed(config, config.feeds[0], [], now=NOW, cache=cache)
    assert empty.json == orjson.dumps(orjson.loads(empty.json), option=orjson.OPT_INDENT_2)


@pytest.mark.parametrize(
    "change",
    [
        {"title": "Branch meeting (moved online)"},
        {"start": datetime(2030, 2, 4, 19, 0, tzinfo=LONDON)},
        {"event_status": "cancelled"},
        {"categories": ("branch", "london")},  # stored without a SEQUENCE bump, still published
    ],
)
def test_every_change_to_an_event_renders_it_again(config: Config, change: dict[str, object]) -> None:
    items = [stored(i) for i in range(6)]
    cache = RenderCache()
    before = both(config, items, cache)
    items[3] = dataclasses.replace(items[3], event=dataclasses.replace(items[3].event, **change))
    warm_ics, cold_ics, warm_json, cold_json = both(config, items, cache)
    assert warm_ics == cold_ics != before[0] and warm_json == cold_json != before[2]


def test_a_source_rename_and_feed_settings_render_again(config: Config) -> None:
    items = [stored(i) for i in range(6)]
    cache = RenderCache()
    before = both(config, items, cache)
    renamed = dataclasses.replace(
        config,
        sources=tuple(dataclasses.replace(s, name="The Union") if s.id == "union" else s for s in config.sources),
    )
    after = both(renamed, items, cache)
    assert after[0] == after[1] != before[0] and b"The Union" in after[0].replace(b"\r\n ", b"")
    moved = dataclasses.replace(config, service=dataclasses.replace(config.service, base_url="https://new.example"))
    after = both(moved, items, cache)
    assert after[0] == after[1] and after[2] == after[3] and b"new.example" in after[2]
    retitled = dataclasses.replace(config, feeds=(Feed("all", "Every event"),))
    after = both(retitled, items, cache)
    assert after[0] == after[1] and b"Every event" in after[0].replace(b"\r\n ", b"")


def test_a_feed_whose_note_holds_is_not_rebuilt(tmp_path: Path, site: TestSite, database_url: str) -> None:
    site.set("/events", page(BASE))
    path = write_config(
        tmp_path, f'[[sources]]\nid = "union"\nurl = "{site.url}/events"\n', service=f'database_url = "{database_url}"'
    )
    config = load_config(path)
    store = Store(config.service.database_url)
    store.ensure_sources([(s.id, s.url, s.name) for s in config.sources])
    try:
        asyncio.run(run_cycle(config, store, config.sources, lambda touched: None))
        assert build_feeds(config, store) == {"all": 3}
        assert build_feeds(config, store) == {}  # nothing changed: nothing read, nothing rendered
        assert build_feeds(config, store, force=True) == {"all": 3}
        assert build_feeds(config, store, now=datetime.now(UTC) + timedelta(days=1)) == {"all": 3}  # a new day
        site.set("/events", page({**BASE, "a": ("Reps training day", "12 March 2030", "Unity House", "Sold out")}))
        asyncio.run(run_cycle(config, store, config.sources, lambda touched: None))
        assert build_feeds(config, store) == {"all": 3}  # the store changed
        feeds_dir = config.service.feeds_dir
        incremental = [(feeds_dir / name).read_bytes() for name in ("all.ics", "all.json")]
        RENDERED.clear()
        RECORDS.clear()
        assert build_feeds(config, store, force=True) == {"all": 3}
        assert [(feeds_dir / name).read_bytes() for name in ("all.ics", "all.json")] == incremental
        assert b"Sold out" in incremental[1]
        path.write_text(path.read_text().replace('id = "union"', 'id = "union"\nname = "The Union"'))
        config = load_config(path)
        assert build_feeds(config, store) == {"all": 3}  # the settings changed
        assert b"The Union" in (config.service.feeds_dir / "all.ics").read_bytes().replace(b"\r\n ", b"")
        (config.service.feeds_dir / "all.json").unlink()
        assert build_feeds(config, store) == {"all": 3}  # a file went missing
    finally:
        store.close()


def test_sources_are_frozen_so_a_changed_source_is_a_miss() -> None:
    assert dataclasses.fields(Source) and Source.__dataclass_params__.frozen  # type: ignore[attr-defined]


def test_a_full_cache_drops_what_no_feed_shows_any_more_never_what_they_do() -> None:
    """Past its bound the cache forgets events that left the feeds (removed, pruned), not the live ones:
    clearing it made every build after the bound a full render."""
    cache = RenderCache(limit=10)
    rendered: list[str] = []

    def build(items: list[StoredEvent]) -> None:
        for item in items:
            cache.piece("ics", item, (), lambda item=item: rendered.append(item.event.id) or b"piece")

    live = [stored(i) for i in range(6)]
    build(live)
    for round_ in range(30):  # each build shows the live events and two that will be gone next time
        build([*live, stored(1000 + 2 * round_), stored(1001 + 2 * round_)])
    assert all(rendered.count(item.event.id) == 1 for item in live)  # never rendered twice
    assert len(cache._pieces) <= 2 * cache.limit

    everything_live = [stored(i) for i in range(25)]  # more live pieces than the bound: kept up to twice it
    build(everything_live)
    build(everything_live)
    assert len(cache._pieces) <= 2 * cache.limit


def test_a_feed_file_is_rewritten_from_its_old_pieces_and_the_changed_events(config: Config, tmp_path: Path) -> None:
    """The file on disk is the cache: a rebuild renders the changed events and copies every other
    piece from the file written last, in the new order; the result is byte for byte a cold build, and
    a file whose bytes would not change is left as it was (its modification time and ETag kept)."""
    files = FeedFiles()
    feed = config.feeds[0]
    path = tmp_path / "all.ics"
    json_path = tmp_path / "all.json"

    def write(items: list[StoredEvent]) -> tuple[bool, bool]:
        parts = feed_parts(config, feed, items, now=NOW)
        changed = files.write(path, parts.ics), files.write(json_path, parts.json)
        cold = render_feed(config, feed, items, now=NOW, cache=None)
        assert path.read_bytes() == cold.ics and json_path.read_bytes() == cold.json
        return changed

    items = [stored(i) for i in range(40)]
    assert write(items) == (True, True) and (files.rendered, files.copied) == (80, 0)
    before = path.stat()
    assert write(items) == (False, False) and (files.rendered, files.copied) == (80, 80)
    assert (path.stat().st_ino, path.stat().st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    # one event moved to another day (so to another place in the file) and one retitled: two rendered
    items[3] = dataclasses.replace(items[3], event=dataclasses.replace(items[3].event, start=date(2030, 5, 1)))
    items[20] = dataclasses.replace(items[20], event=dataclasses.replace(items[20].event, title="Renamed"))
    assert write(items) == (True, True) and (files.rendered, files.copied) == (84, 156)
    # equal records read again from the store (new objects) are still the same pieces
    assert write([dataclasses.replace(i) for i in items]) == (False, False) and files.rendered == 84
    # a file someone else wrote is never a source of pieces: every event rendered, the file right
    path.write_bytes(path.read_bytes().replace(b"Branch meeting", b"Branch meetinX"))
    files.write(path, feed_parts(config, feed, items, now=NOW).ics)
    assert files.rendered == 124 and path.read_bytes() == render_feed(config, feed, items, now=NOW, cache=None).ics
    assert list(tmp_path.glob(".*.tmp")) == []


def test_each_source_s_choice_kept_with_its_records_is_what_select_events_gives(tmp_path: Path) -> None:
    """A rebuild filters and orders again only the sources read again; what it shows is what choosing
    from every record gives, as a source changes and the day moves (the window with it)."""
    from events.reconcile.plan import Plan, Write
    from events.store import FetchResult, utcnow
    from feeds.build import RecordCache
    from feeds.selection import select_events

    config = load_config(
        write_config(
            tmp_path,
            "".join(f'[[sources]]\nid = "s{n}"\nurl = "https://s{n}.example/"\n' for n in range(3)),
            service="past_days = 3\nfuture_days = 60\ncancelled_days = 2",
        )
    )
    store = Store(f"sqlite:///{tmp_path}/events.db")
    store.ensure_sources([(s.id, s.url, s.name) for s in config.sources])

    def load(source: str, shift: int, cancelled: int = -1, new: bool = True) -> None:
        writes = []
        for k in range(12):
            day = date(2030, 1, 1) + timedelta(days=(k * 5 + shift) % 70)
            start = datetime(day.year, day.month, day.day, 9 + k % 3, tzinfo=LONDON) if k % 2 else day
            status = "cancelled" if k == cancelled else "scheduled"
            event = Event(source=source, title=f"{source} {k}", start=start, id=f"{source}-{k}", event_status=status)
            writes.append(Write(event, new=new, visible=True))
        store.record_fetch(source, FetchResult("page", utcnow(), utcnow(), 200), Plan(writes=writes))

    for n in range(3):
        load(f"s{n}", n, cancelled=n)
    cache, feed = RecordCache(), config.feeds[0]
    for now in (
        datetime(2030, 1, 5, 12, tzinfo=UTC),
        datetime(2030, 1, 6, 12, tzinfo=UTC),
        datetime(2030, 1, 9, 12, tzinfo=UTC),
    ):
        for change in (None, "s1"):
            if change:
                load(change, 7, cancelled=4, new=False)
            versions = store.versions()
            every = select_events(store.all_events(), feed, now=now, cancelled_days=2)
            assert cache.chosen(store, feed, now, versions, 2) == every
    store.close()
