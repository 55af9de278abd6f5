"""Reading past the first page: a listing's next pages (``pages``) and its events' own pages
(``follow_details``), against a real local site. A listing read in part changes nothing; an event page
only completes the listing, is asked "changed since?", and its "you may also like" events are never
taken for events of the source."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from events.config.loading import load_config
from events.config.models import Config
from events.extract import parse_html
from events.extract.paging import next_page_url
from events.service.scheduler import run_cycle
from events.store import Store
from tests.conftest import write_config
from tests.site import Answer, Seen, TestSite

CARD = '<li class="event"><h3><a href="{href}">{title}</a></h3><p>{when}</p></li>'


def listing(cards: list[tuple[str, str, str]], pager: str = "") -> str:
    items = "".join(CARD.format(href=h, title=t, when=w) for h, t, w in cards)
    return f"<html><body><h1>What's on</h1><ul>{items}</ul>{pager}</body></html>"


class World:
    def __init__(self, tmp_path: Path, site: TestSite, database_url: str | None, source: str) -> None:
        database = f'\ndatabase_url = "{database_url}"' if database_url else ""
        self.path = write_config(
            tmp_path,
            f"""
            [[sources]]
            id = "hall"
            url = "{site.url}/events"
            {source}
            """,
            service="removal_after = 2" + database,
        )
        self.path.write_text(self.path.read_text() + "\n[fetch]\nretries = 0\nbackoff = 0.01\nhost_delay = 0\n")
        self.config: Config = load_config(self.path)
        self.store = Store(self.config.service.database_url)
        self.store.ensure_sources([("hall", f"{site.url}/events", "hall")])

    def cycle(self) -> str:
        [report] = asyncio.run(run_cycle(self.config, self.store, self.config.sources, lambda _: None))
        self.reason = report.reason
        return report.outcome

    def events(self) -> dict[str, dict]:
        return {i.event.title: i.event.as_dict() for i in self.store.all_events()}

    def changes(self) -> list[str]:
        return [r["kind"] for r in self.store.changes_since(0)]


@pytest.fixture
def make_world(tmp_path: Path, site: TestSite, database_url: str):
    worlds: list[World] = []

    def make(source: str) -> World:
        worlds.append(World(tmp_path, site, database_url, source))
        return worlds[-1]

    yield make
    for world in worlds:
        world.store.close()


PAGES = {
    "1": listing(
        [("/e/a", "Reps training day", "12 March 2031"), ("/e/b", "Regional conference", "20 April 2031")],
        '<nav class="pagination"><a href="/events?page=2">2</a> <a href="/events?page=2">Next ›</a></nav>',
    ),
    # page 2 repeats a featured event from page 1, and says "next" only in its head
    "2": listing(
        [("/e/b", "Regional conference", "20 April 2031"), ("/e/c", "Health and safety forum", "8 May 2031")]
    ).replace("<html>", '<html><head><link rel="next" href="/events?page=3"></head>'),
    "3": listing(
        [("/e/d", "Stewards' summit", "1 June 2031")],
        '<ul class="pager"><li class="pager__item--next"><a href="/events?page=4"><span>»</span></a></li></ul>',
    ),
    "4": listing([("/e/e", "Never read", "2 July 2031")]),
}


def paged(pages: dict[str, str | Answer]):
    def answer(seen: Seen) -> Answer:
        number = seen.path.partition("page=")[2] or "1"
        got = pages.get(number)
        return got if isinstance(got, Answer) else Answer(body=got or "")

    return answer


def test_a_listing_is_read_to_the_configured_depth_and_each_event_comes_out_once(make_world, site: TestSite) -> None:
    site.set("/events", paged(PAGES))
    world = make_world("pages = 3")
    assert world.cycle() == "page"
    assert sorted(world.events()) == [
        "Health and safety forum",
        "Regional conference",
        "Reps training day",
        "Stewards' summit",
    ]
    assert not any("page=4" in r.path for r in site.requests)

    # nothing changed on any page: the reading is the last one again, nothing is extracted
    assert world.cycle() == "unchanged"
    # a change on the third page alone is seen
    pages = {**PAGES, "3": PAGES["3"].replace("1 June 2031", "8 June 2031")}
    site.set("/events", paged(pages))
    assert world.cycle() == "page"
    assert world.events()["Stewards' summit"]["start"] == "2031-06-08"


def test_a_following_page_that_fails_changes_no_event(make_world, site: TestSite) -> None:
    site.set("/events", paged(PAGES))
    world = make_world("pages = 3")
    world.cycle()
    before = world.events()
    site.set("/events", paged({**PAGES, "2": Answer(503, "busy")}))
    for _ in range(3):  # more than removal_after: a partial listing must never count as the site
        assert world.cycle() == "failed"
        assert "page 2 of the listing" in world.reason
    assert world.events() == before
    assert "removed" not in world.changes()


def detail(title: str, start: str, end: str, venue: str, availability: str, related: str = "") -> str:
    data = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": title,
        "startDate": start,
        "endDate": end,
        "location": {"@type": "Place", "name": venue, "address": "Conway Hall, 25 Red Lion Square, London"},
        "offers": {"@type": "Offer", "availability": f"https://schema.org/{availability}"},
    }
    return (
        f'<html><head><script type="application/ld+json">{json.dumps(data)}</script>'
        f'<meta property="og:image" content="/pictures/{title.split()[0].lower()}.jpg">'
        '<meta property="og:image:alt" content="The hall, set out for the day">'
        f"</head><body><h1>{title}</h1>{related}</body></html>"
    )


RELATED = '<aside><h2>You may also like</h2><div class="event"><h3>Pension clinic</h3><p>3 March 2031</p></div></aside>'


def with_etag(body: str, etag: str):
    def answer(seen: Seen) -> Answer:
        if seen.headers.get("if-none-match") == etag:
            return Answer(304, headers={"ETag": etag})
        return Answer(body=body, headers={"ETag": etag})

    return answer


def test_event_pages_complete_the_listing_and_are_asked_if_they_changed(make_world, site: TestSite) -> None:
    site.set(
        "/events",
        listing(
            [
                ("/e/a", "Reps training day", "12 March 2031"),
                ("/e/b", "Regional conference", "20 April 2031"),
                ("https://tickets.invalid/e/c", "Health and safety forum", "8 May 2031"),
            ]
        ),
    )
    page_a = detail(
        "Reps training day", "2031-03-12T10:00:00+00:00", "2031-03-12T16:00:00+00:00", "Conway Hall", "InStock", RELATED
    )
    site.set("/e/a", with_etag(page_a, '"a1"'))
    site.set("/e/b", Answer(404, "gone"))
    world = make_world("follow_details = true")
    assert world.cycle() == "page"
    events = world.events()
    assert sorted(events) == ["Health and safety forum", "Regional conference", "Reps training day"]
    a = events["Reps training day"]
    assert (a["start"], a["end"]) == ("2031-03-12T10:00:00+00:00", "2031-03-12T16:00:00+00:00")
    assert a["venue"] == "Conway Hall"
    assert a["booking"] == "open"
    assert a["provenance"]["venue"].startswith("event page")
    # the picture its page shares (og:image), with its words
    assert a["image"] == f"{site.url}/pictures/reps.jpg" and a["image_alt"] == "The hall, set out for the day"
    assert a["provenance"]["image"] == "event page: og:image"
    assert events["Regional conference"]["venue"] is None  # its page failed: the listing stands
    assert events["Regional conference"]["all_day"] is True
    assert site.hits("/e/c") == 0  # another site's page is not fetched

    # the next reading asks "changed since?"; the page's answer still completes the event
    world.cycle()
    asked = [r for r in site.requests if r.path == "/e/a"]
    assert asked[-1].headers.get("if-none-match") == '"a1"'
    assert world.events()["Reps training day"] == a
    assert world.changes().count("updated") == 0

    # the event's page says it sold out: the listing's event changes
    site.set("/e/a", with_etag(page_a.replace("InStock", "SoldOut"), '"a2"'))
    world.cycle()
    assert world.events()["Reps training day"]["booking"] == "sold_out"

    # the event's page cannot be reached: its last answer stands, nothing changes
    site.set("/e/a", Answer(500, "down"))
    changes = world.changes()
    world.cycle()
    assert world.events()["Reps training day"]["booking"] == "sold_out"
    assert world.changes() == changes


def test_an_event_page_on_another_day_is_not_used(make_world, site: TestSite) -> None:
    site.set("/events", listing([("/e/a", "Reps training day", "12 March 2031")]))
    site.set("/e/a", detail("Reps training day", "2031-03-19T10:00", "2031-03-19T16:00", "Elsewhere", "InStock"))
    world = make_world("follow_details = true")
    world.cycle()
    event = world.events()["Reps training day"]
    assert (event["start"], event["venue"]) == ("2031-03-12", None)


@pytest.mark.parametrize(
    ("markup", "here", "expected"),
    [
        ('<head><link rel="next" href="/list/2"></head>', "https://a.org/list", "https://a.org/list/2"),
        ('<a href="?page=2" rel="prev next">x</a>', "https://a.org/list", "https://a.org/list?page=2"),
        ('<a href="/agenda?p=2">Suivant »</a>', "https://a.org/agenda", "https://a.org/agenda?p=2"),
        ('<a href="/x?start=10" aria-label="Next page"><svg></svg></a>', "https://a.org/x", "https://a.org/x?start=10"),
        (
            '<li class="pagination__next"><a href="/w/page-2"><i></i></a></li>',
            "https://a.org/w",
            "https://a.org/w/page-2",
        ),
        # numbers only: the page after this one, among other numbers
        (
            '<div class="pages"><a href="/e?page=1">1</a><a href="/e?page=3">3</a><a href="/e?page=4">4</a></div>',
            "https://a.org/e?page=2",
            "https://a.org/e?page=3",
        ),
        # a "next" arrow wins over "last" on a pager
        (
            '<a href="/e/page/9">»</a><a href="/e/page/2">›</a>',
            "https://a.org/e",
            "https://a.org/e/page/2",
        ),
        # not a next page: another site, the page itself, a script, a day in a calendar grid
        ('<a href="https://other.org/e?page=2">Next</a>', "https://a.org/e", None),
        ('<a href="#top">Next</a><a href="javascript:more()">Next</a>', "https://a.org/e", None),
        ('<table><tr><td><a href="/d/2">2</a></td><td><a href="/d/3">3</a></td></tr></table>', "https://a.org/d", None),
        (
            '<a class="next-event-card" href="/e/42">Annual conference of the union, 13 November</a>',
            "https://a.org/",
            None,
        ),
    ],
)
def test_the_next_page_is_found_as_a_person_finds_it(markup: str, here: str, expected: str | None) -> None:
    assert next_page_url(parse_html(f"<html><body>{markup}</body></html>"), here) == expected
