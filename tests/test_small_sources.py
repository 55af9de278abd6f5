"""Small sources and odd days lose nothing: replayed through the real fetcher against a local site, on
SQLite and PostgreSQL. A branch page with two events replaced by a maintenance notice, a listing that
loses its Next link, a meeting moved across New Year, a renamed event and two sessions of one title on
one day each keep every upcoming event under its id, and nothing comes back as "new"."""

from __future__ import annotations

from pathlib import Path

import pytest

from events.config.loading import load_config
from tests.site import Answer, Seen, TestSite
from tests.test_cycle import World, page

UNLINKED = '<li class="event"><h3>{title}</h3><p>{when}</p><p>{venue}</p></li>'


def unlinked(*cards: tuple[str, str, str]) -> str:
    items = "".join(UNLINKED.format(title=t, when=w, venue=v) for t, w, v in cards)
    return f"<html><body><h1>Branch diary</h1><ul>{items}</ul></body></html>"


TWO = {
    "agm": ("Branch AGM", "12 March 2030", "Unity House", "Book now"),
    "social": ("Summer social", "20 June 2030", "The Crown Inn", "Book now"),
}
NOTICE = """<html><body><h1>We are upgrading our website</h1><div class="card"><h3>Website upgrade weekend</h3>
<p>Saturday 9 March 2030</p><p>Some pages may be unavailable.</p></div></body></html>"""


@pytest.fixture
def world(tmp_path: Path, site: TestSite, database_url: str) -> World:
    world = World(tmp_path, site, database_url)
    yield world
    world.store.close()


def ids(world: World) -> dict[str, str]:
    return {title: e["id"] for title, e in world.events().items()}


def test_a_small_source_replaced_by_a_notice_keeps_its_two_events(world: World) -> None:
    world.serve(page(TWO))
    assert world.cycle() == "page"
    before, _ = ids(world), world.changes()
    world.serve(NOTICE)
    for _ in range(4):
        assert world.cycle() == "changed_shape"
    assert ids(world) == before and world.changes() == []  # nothing removed, the notice not announced
    world.serve(page(TWO))
    assert world.cycle() in ("page", "unchanged")  # the last trusted reading's bytes again
    assert ids(world) == before and world.changes() == []  # and nothing comes back as new


LISTING = """<html><body><h1>Events</h1><ul>{cards}</ul>{next}</body></html>"""
CARD = '<li class="event"><h3><a href="/e/{slug}">{title}</a></h3><p>{when}</p><p>Unity House</p></li>'


def listing_page(number: int, with_next: bool) -> str:
    cards = "".join(
        CARD.format(slug=f"p{number}-{i}", title=f"Course {number}.{i}", when=f"{10 + i} {month} 2030")
        for i, month in enumerate(("March", "April", "May"))
    )
    link = f'<a rel="next" href="/events?page={number + 1}">Next</a>' if with_next else ""
    return LISTING.format(cards=cards, next=link)


@pytest.fixture
def paged(tmp_path: Path, site: TestSite, database_url: str) -> World:
    world = World(tmp_path, site, database_url)
    url = f'url = "{site.url}/events"'
    world.path.write_text(world.path.read_text().replace(url, f"{url}\npages = 3", 1))
    world.config = load_config(world.path)
    yield world
    world.store.close()


def test_a_listing_that_loses_its_next_link_keeps_the_other_pages_events(paged: World) -> None:
    def serve(first_has_next: bool) -> None:
        def answer(seen: Seen) -> Answer:
            query = seen.path.partition("?")[2]
            number = int(query.removeprefix("page=")) if query.startswith("page=") else 1
            return Answer(body=listing_page(number, with_next=number == 1 and first_has_next))

        paged.site.set("/events", answer)

    serve(first_has_next=True)
    assert paged.cycle() == "page"
    before, _ = ids(paged), paged.changes()
    assert len(before) == 6  # two pages of three (the source may read up to three)
    serve(first_has_next=False)  # page 2 out of reach for three readings and more
    for _ in range(4):
        paged.cycle()
    assert ids(paged) == before and paged.changes() == []
    serve(first_has_next=True)
    assert paged.cycle() in ("page", "unchanged")
    assert ids(paged) == before and paged.changes() == []


def test_a_move_across_new_year_and_a_rename_in_place_keep_the_event(world: World) -> None:
    world.serve(
        unlinked(
            ("Board meeting", "30 December 2030", "Unity House"), ("Branch social", "14 January 2031", "The Crown Inn")
        )
    )
    assert world.cycle() == "page"
    before, _ = ids(world), world.changes()
    world.serve(
        unlinked(
            ("Board meeting", "5 January 2031", "Unity House"),
            ("Branch new year social", "14 January 2031", "The Crown Inn"),
        )
    )
    assert world.cycle() == "page"
    after = ids(world)
    assert after["Board meeting"] == before["Board meeting"]
    assert after["Branch new year social"] == before["Branch social"]
    assert world.changes() == [("rescheduled", "Board meeting"), ("updated", "Branch new year social")]


def test_two_sessions_of_one_title_on_one_day_stay_apart(world: World) -> None:
    sessions = [
        ("Workshop", "Saturday 8 June 2030, 10:00", "Unity House"),
        ("Workshop", "Saturday 8 June 2030, 14:00", "Unity House"),
    ]
    world.serve(unlinked(*sessions))
    assert world.cycle() == "page"
    world.changes()
    stored = {e.event.start.strftime("%H:%M"): e.event.id for e in world.store.all_events()}
    world.serve(unlinked(sessions[1]))  # the 10:00 card dropped
    assert world.cycle() == "page"
    assert world.changes() == []  # not "rescheduled 10:00 → 14:00"
    now = {e.event.start.strftime("%H:%M"): e.event.id for e in world.store.all_events()}
    assert now == stored  # both still there (the 10:00 one until removal_after readings lack it)
    assert now["14:00"] == stored["14:00"]
