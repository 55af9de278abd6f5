"""One real event listed by two sources is one entry in the feeds that take both, under a UID that
does not move (issue: "One entry per real event"), and each source's own feed keeps its listing."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from icalendar import Calendar

from events.config.loading import load_config
from events.reconcile.plan import reconcile
from events.reconcile.same_event import same_event
from events.record import Event
from events.store import FetchResult, Store
from feeds.build import render_feed
from feeds.web.event_page import event_page
from tests.conftest import write_config

NOW = datetime(2030, 1, 1, 12, tzinfo=UTC)
LONDON = ZoneInfo("Europe/London")


def setup(tmp_path: Path, database_url: str):
    path = write_config(
        tmp_path,
        """
        [[sources]]
        id = "union"
        name = "The Union"
        url = "https://union.example/"
        organiser_email = "events@union.example"

        [[sources]]
        id = "branch"
        name = "London Branch"
        url = "https://branch.example/"
        organiser_email = "branch@union.example"
        """,
        service=f'database_url = "{database_url}"\nbase_url = "https://events.example.org"',
        feeds="""
        [[feeds]]
        id = "all"
        title = "All events"

        [[feeds]]
        id = "branch"
        title = "Branch events"
        sources = ["branch"]
        """,
    )
    config = load_config(path)
    store = Store(config.service.database_url)
    store.ensure_sources((s.id, s.url, s.name) for s in config.sources)
    return config, store


def conference(source: str, **kw: object) -> Event:
    fields = {"title": "Annual Conference", "start": date(2030, 11, 13), "venue": "Telford International Centre"}
    fields.update(kw)
    return Event(source=source, id=f"{source}-conf", **fields)  # type: ignore[arg-type]


def read(store: Store, source: str, found: list[Event], at: datetime = NOW) -> None:
    plan = reconcile(store.stored_events(source), found, at.date(), removal_after=1)
    store.record_fetch(source, FetchResult("page", at, at, 200), plan)


def entries(config, store: Store, feed_id: str = "all") -> list:
    feed = config.feed(feed_id)
    rendered = render_feed(config, feed, store.all_events(), now=NOW, cache=None)
    return [c for c in Calendar.from_ical(rendered.ics).walk("VEVENT")], json.loads(rendered.json)["items"]


def test_two_sources_listing_one_event_make_one_entry_whose_uid_does_not_move(
    tmp_path: Path, database_url: str
) -> None:
    config, store = setup(tmp_path, database_url)
    other = Event(source="branch", id="branch-walk", title="Branch walk", start=date(2030, 11, 13))
    read(store, "branch", [conference("branch"), other])  # the branch is read first
    read(
        store, "union", [conference("union", title="ANNUAL CONFERENCE!", venue="Telford International Centre, Telford")]
    )

    ics, items = entries(config, store)
    (conf,) = [ve for ve in ics if "conference" in str(ve["summary"]).casefold()]
    assert str(conf["uid"]) == "branch-conf@events.example.org"  # the listing held first
    assert str(conf["organizer"]) == "mailto:events@union.example"  # the source first in the configuration
    assert "Also listed by: London Branch" in str(conf["description"])
    (item,) = [i for i in items if "conference" in i["title"].casefold()]
    assert item["id"] == "branch-conf" and item["_event"]["sources"] == ["union", "branch"]
    assert "Also listed by London Branch" in item["content_text"]
    assert len(ics) == 2

    # the branch's own feed keeps its own listing
    branch_ics, _ = entries(config, store, "branch")
    assert sorted(str(ve["uid"]) for ve in branch_ics) == [
        "branch-conf@events.example.org",
        "branch-walk@events.example.org",
    ]

    # the branch stops listing it: the entry stays, under the same UID, now the union's alone
    later = NOW + timedelta(hours=1)
    read(store, "branch", [other], later)
    ics, items = entries(config, store)
    (conf,) = [ve for ve in ics if "conference" in str(ve["summary"]).casefold()]
    assert str(conf["uid"]) == "branch-conf@events.example.org" and "Also listed" not in str(conf["description"])

    # the event page says who else lists it
    union_item = store.event("union-conf")
    assert union_item is not None
    store.close()


def test_the_event_page_explains_a_merge(tmp_path: Path, database_url: str) -> None:
    config, store = setup(tmp_path, database_url)
    read(store, "union", [conference("union")])
    read(store, "branch", [conference("branch")])
    union_item = store.event("union-conf")
    branch_item = store.event("branch-conf")
    assert union_item is not None and branch_item is not None
    assert branch_item.same_as == "union-conf"
    also = store.same_events(union_item)
    assert [o.event.id for o in also] == ["branch-conf"]
    page = event_page(config, union_item, store.history("union-conf"), also)
    assert "Also listed by" in page and 'href="https://events.example.org/events/branch-conf">London Branch' in page
    store.close()


def test_what_is_one_event_and_what_is_two() -> None:
    base = conference("union")
    timed = conference("union", start=datetime(2030, 11, 13, 10, tzinfo=LONDON))
    assert same_event(base, conference("branch", venue=None))  # no place names no other place
    assert same_event(timed, conference("branch", start=datetime(2030, 11, 13, 10, tzinfo=LONDON)))
    assert not same_event(timed, conference("branch", start=datetime(2030, 11, 13, 14, tzinfo=LONDON)))
    assert not same_event(timed, base)  # timed and all day
    assert not same_event(base, conference("branch", venue="Leeds Civic Hall"))
    assert not same_event(base, conference("branch", title="Annual Dinner"))
    assert not same_event(base, conference("branch", start=date(2030, 11, 14)))
    assert not same_event(base, conference("union"))  # one source's two listings are its own business
