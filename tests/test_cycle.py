"""Cycles against a site whose page changes between fetches: what the store, the change log and the
feeds hold after each one. Nothing lost, nothing duplicated, the right changes recorded."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from events.config.loading import load_config
from events.config.models import Config
from events.service.scheduler import run_cycle
from events.store import Store
from feeds.build import build_feeds
from tests.conftest import write_config
from tests.helpers import vevents
from tests.site import Answer, Seen, TestSite

CARD = '<li class="event"><h3><a href="/e/{slug}">{title}</a></h3><p>{when}</p><p>{venue}</p><p>{status}</p></li>'
BASE = {
    "a": ("Reps training day", "12 March 2030", "Unity House", "Booking opens soon"),
    "b": ("Regional conference", "20 April 2030", "Leeds Town Hall", "Book now"),
    "c": ("Health and safety forum", "8 May 2030", "Conway Hall", "Book now"),
}


def page(events: dict[str, tuple[str, str, str, str]]) -> str:
    cards = "".join(CARD.format(slug=k, title=t, when=w, venue=v, status=s) for k, (t, w, v, s) in events.items())
    return f"<html><body><h1>Events</h1><ul>{cards}</ul></body></html>"


class World:
    def __init__(self, tmp_path: Path, site: TestSite, database_url: str | None = None) -> None:
        self.site = site
        database = f'\ndatabase_url = "{database_url}"' if database_url else ""
        self.path = write_config(
            tmp_path,
            f"""
            [[sources]]
            id = "union"
            url = "{site.url}/events"
        """,
            service="removal_after = 3" + database,
        )
        fast = "\n[fetch]\nretries = 1\nbackoff = 0.01\nhost_delay = 0\ntimeout = 3\nread_timeout = 1\n"
        raw = self.path.read_text() + fast
        self.path.write_text(raw)
        self.config: Config = load_config(self.path)
        self.store = Store(self.config.service.database_url)
        self.store.ensure_sources([("union", f"{site.url}/events", "union")])

    def serve(self, answer: Answer | str) -> None:
        self.site.set("/events", answer)

    def cycle(self) -> str:
        publish = lambda sources: build_feeds(self.config, self.store)  # noqa: E731
        [report] = asyncio.run(run_cycle(self.config, self.store, self.config.sources, publish))
        return report.outcome

    def events(self) -> dict[str, dict]:
        return {
            i.event.title: {
                "id": i.event.id,
                "start": i.event.start,
                "booking": i.event.booking,
                "status": i.event.event_status,
                "sequence": i.sequence,
            }
            for i in self.store.all_events()
        }

    def changes(self) -> list[tuple[str, str]]:
        rows = self.store.changes_since(self.seen)
        self.seen = rows[-1]["id"] if rows else self.seen
        titles = {i.event.id: i.event.title for i in self.store.all_events(include_removed=True)}
        return sorted((r["kind"], titles.get(r["event_id"], "?")) for r in rows)

    seen = 0

    def feed_titles(self) -> set[str]:
        feeds = self.config.service.feeds_dir
        doc = json.loads((feeds / "all.json").read_text())
        assert len(vevents((feeds / "all.ics").read_bytes())) == len(doc["items"])
        return {item["title"] for item in doc["items"]}


@pytest.fixture
def world(tmp_path: Path, site: TestSite, database_url: str) -> World:
    world = World(tmp_path, site, database_url)
    yield world
    world.store.close()


def test_changes_over_many_cycles(world: World) -> None:
    events = dict(BASE)
    world.serve(page(events))
    assert world.cycle() == "page"
    assert world.changes() == [
        ("new", "Health and safety forum"),
        ("new", "Regional conference"),
        ("new", "Reps training day"),
    ]
    ids = {t: e["id"] for t, e in world.events().items()}

    # booking opens, and a new event appears
    events["a"] = ("Reps training day", "12 March 2030", "Unity House", "Book now")
    events["d"] = ("Stewards' summit", "1 June 2030", "Congress House", "Book now")
    world.serve(page(events))
    assert world.cycle() == "page"
    assert world.changes() == [("booking", "Reps training day"), ("new", "Stewards' summit")]
    assert world.events()["Reps training day"]["booking"] == "open"
    assert world.events()["Reps training day"]["sequence"] == 1

    # a moved date is the same event, rescheduled
    events["b"] = ("Regional conference", "27 April 2030", "Leeds Town Hall", "Book now")
    world.serve(page(events))
    world.cycle()
    assert world.changes() == [("rescheduled", "Regional conference")]
    assert world.events()["Regional conference"]["id"] == ids["Regional conference"]
    assert str(world.events()["Regional conference"]["start"]) == "2030-04-27"

    # a cancellation stays in the feed, marked
    events["c"] = ("Health and safety forum", "8 May 2030", "Conway Hall", "CANCELLED")
    world.serve(page(events))
    world.cycle()
    assert world.changes() == [("cancelled", "Health and safety forum")]
    assert "Cancelled: Health and safety forum" in world.feed_titles()

    # gone for one fetch, then back: nothing happens
    gone = dict(events)
    del gone["d"]
    world.serve(page(gone))
    world.cycle()
    assert world.changes() == []
    assert "Stewards' summit" in world.feed_titles()
    world.serve(page(events))
    world.cycle()
    assert world.changes() == []

    # a broken site loses nothing
    world.serve(Answer(500, "down"))
    assert world.cycle() == "failed"
    world.serve(Answer(body="<html><body><p>Under maintenance</p></body></html>"))
    assert world.cycle() == "changed_shape"
    assert world.changes() == []
    assert len(world.events()) == 4 and len(world.feed_titles()) == 4
    state = world.store.source_state("union")
    assert state["healthy"] is False and "no upcoming events" in state["shape_reason"]

    # recovers: the same bytes as the last trusted reading, so that reading again; then an event
    # missing from three healthy fetches in a row is removed
    world.serve(page(events))
    assert world.cycle() == "unchanged"
    assert world.store.source_state("union")["healthy"] is True
    for n in range(3):
        world.serve(page(gone) + " " * (n + 1))  # a different body each time: not "unchanged"
        world.cycle()
    assert world.changes() == [("removed", "Stewards' summit")]
    assert "Stewards' summit" not in world.feed_titles()
    assert len(world.events()) == 3


def test_not_modified_and_unchanged_bodies_do_no_work(world: World) -> None:
    def answer(seen: Seen) -> Answer:
        if seen.headers.get("if-none-match") == '"v1"':
            return Answer(304)
        return Answer(body=page(BASE), headers={"ETag": '"v1"'})

    world.serve(answer)
    assert world.cycle() == "page"
    assert world.cycle() == "not_modified"
    world.serve(page(BASE))  # same bytes, no ETag
    assert world.cycle() == "unchanged"
    history = world.store.fetch_history("union")
    assert [h["outcome"] for h in history] == ["unchanged", "not_modified", "page"]


def test_a_sudden_collapse_is_a_source_problem(world: World) -> None:
    many = {f"e{i}": (f"Meeting {i}", f"{i + 1} March 2030", "Town Hall", "") for i in range(8)}
    world.serve(page(many))
    world.cycle()
    world.changes()
    world.serve(page({"e0": many["e0"]}))
    assert world.cycle() == "changed_shape"
    assert world.changes() == [] and len(world.events()) == 8


def test_a_source_that_follows_links_reads_the_calendar_its_page_links(tmp_path: Path, site: TestSite) -> None:
    """follow_links: the page is fetched, its linked .ics fetched too, and the events of both stored
    once (the page's card and the calendar's VEVENT are the same event)."""
    path = write_config(
        tmp_path,
        f"""
        [[sources]]
        id = "branch"
        url = "{site.url}/events"
        follow_links = true
    """,
    )
    path.write_text(path.read_text() + "\n[fetch]\nretries = 1\nbackoff = 0.01\nhost_delay = 0\n")
    config = load_config(path)
    store = Store(config.service.database_url)
    store.ensure_sources([("branch", f"{site.url}/events", "branch")])
    site.set(
        "/events",
        '<html><body><a href="/all.ics">Subscribe (iCal)</a><ul><li class="event"><h3>Branch AGM</h3>'
        "<p>12 March 2030</p><p>Unity House</p></li></ul></body></html>",
    )
    calendar = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n"
        "BEGIN:VEVENT\r\nUID:agm@branch\r\nDTSTAMP:20300101T000000Z\r\nSUMMARY:Branch AGM\r\n"
        "DTSTART:20300312T180000Z\r\nDTEND:20300312T200000Z\r\nLOCATION:Unity House\r\nEND:VEVENT\r\n"
        "BEGIN:VEVENT\r\nUID:social@branch\r\nDTSTAMP:20300101T000000Z\r\nSUMMARY:Summer social\r\n"
        "DTSTART;VALUE=DATE:20300704\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    site.set("/all.ics", Answer(body=calendar, content_type="text/calendar"))
    [report] = asyncio.run(run_cycle(config, store, config.sources, lambda sources: {}))
    assert report.outcome == "page" and site.hits("/all.ics") == 1
    stored = {i.event.title: i.event for i in store.all_events()}
    assert sorted(stored) == ["Branch AGM", "Summer social"]
    assert stored["Branch AGM"].start.isoformat() == "2030-03-12T18:00:00+00:00"
    store.close()
