"""Adding a site in one command, taking it out again, and correcting what the reader gets: against a
local test site, with config.toml's comments and layout kept byte for byte outside the stanza."""

from __future__ import annotations

import json
import re
from pathlib import Path

from tests.conftest import run_events
from tests.site import Answer, TestSite

CARD = '<li class="event"><h3><a href="/e/{slug}">{title}</a></h3><p>{when}</p><p>{venue}</p><p>{status}</p></li>'


def page(*cards: tuple[str, str, str, str, str], extra: str = "") -> str:
    items = "".join(CARD.format(slug=s, title=t, when=w, venue=v, status=b) for s, t, w, v, b in cards)
    return (
        "<html><head><title>Events | Hospital Doctors Union</title></head><body><h1>Events</h1>"
        f"<ul>{items}</ul>{extra}</body></html>"
    )


EVENTS = (
    ("agm", "Annual General Meeting", "20 March 2030, 10:00", "Unity House, Leeds", "Book now"),
    ("conf", "Annual Conference", "13 November 2030", "Telford International Centre", "On sale soon"),
    ("mem", "Members area", "1 January 2030", "Online", ""),
)


def written(tmp_path: Path, site: TestSite) -> Path:
    """A config as a person writes it: comments, blank lines, a feed after the sources."""
    text = f"""# Our organisations' events
[service]
database_url = "sqlite:///data/events.db"   # the default store
feeds_dir = "data/feeds"
base_url = "https://events.example.org"
past_days = 36500
future_days = 36500

# --- sources -------------------------------------------------------------
[[sources]]
id = "first"       # the one we started with
url = "{site.url}/first"

[[feeds]]
id = "unions"
title = "Unions"   # a feed after the sources
sources = ["first"]
"""
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_add_shows_the_table_and_keeps_the_file(tmp_path: Path, site: TestSite) -> None:
    site.set("/first", page(EVENTS[0]))
    site.set("/events", page(*EVENTS, extra='<p><a href="/cal.ics">Add to calendar</a></p>'))
    config = written(tmp_path, site)
    before = config.read_text()
    out = run_events("sources", "add", f"{site.url}/events", "--category", "union", "--yes", config=config).stdout
    assert re.search(r"2030-03-20\s+10:00\s+Annual General Meeting\s+Unity House, Leeds\s+Book now\s+text", out), out
    assert "links 1 calendar file(s)" in out and "--follow-links" in out
    after = config.read_text()
    stanza = after.replace(before.split("[[feeds]]")[0], "", 1).split("[[feeds]]")[0]
    assert after == before.split("[[feeds]]")[0] + stanza + "[[feeds]]" + before.split("[[feeds]]")[1]
    assert 'id = "hospital-doctors-union"' in stanza and 'name = "Hospital Doctors Union"' in stanza
    assert stanza.endswith("\n\n") and f"\n\n{stanza}" in after  # set apart by blank lines, as people write them
    assert 'categories = ["union"]' in stanza and f'url = "{site.url}/events"' in stanza
    new_id = re.search(r'id = "([^"]+)"', stanza).group(1)
    run_events("fetch", config=config)
    listed = run_events("sources", config=config).stdout
    assert new_id in listed

    again = run_events("sources", "add", f"{site.url}/events", "--yes", config=config, check=False)
    assert again.returncode == 1 and "already source" in again.stderr and len(again.stderr.splitlines()) == 1

    removed = run_events("sources", "remove", new_id, "--yes", config=config).stdout
    assert config.read_text() == before  # byte for byte
    assert re.search(rf"removed '{new_id}' from .* and its [1-9]\d* events? from the feeds", removed), removed
    feed = json.loads((tmp_path / "data" / "feeds" / "all.json").read_text())
    assert not [i for i in feed["items"] if i["_event"]["source"] == new_id]  # not left under a raw id


def test_add_warns_in_words(tmp_path: Path, site: TestSite) -> None:
    site.set("/first", page(EVENTS[0]))
    site.set("/news", "<html><body><h1>News</h1><p>Consultation to begin in February.</p></body></html>")
    config = written(tmp_path, site)
    before = config.read_text()
    declined = run_events("sources", "add", f"{site.url}/news", config=config, check=False, input="n\n")
    assert "warning: no events found on this page" in declined.stdout
    assert declined.returncode == 0 and "nothing changed" in declined.stdout  # a choice, not an error
    assert config.read_text() == before


def test_add_reads_more_pages_and_event_pages_when_asked(tmp_path: Path, site: TestSite) -> None:
    site.set("/first", page(EVENTS[0]))
    pager = '<nav class="pagination"><a href="/events?page=2">Next page</a></nav>'
    second = page(("forum", "Health and safety forum", "8 May 2030", "", ""))

    def listing(seen) -> Answer:
        return Answer(body=second if "page=2" in seen.path else page(EVENTS[0], extra=pager))

    site.set("/events", listing)
    site.set(
        "/e/forum",
        "<html><body><h1>Health and safety forum</h1><p>8 May 2030, 10:00 - 12:30</p>"
        "<p>Venue: Conway Hall, London</p></body></html>",
    )
    config = written(tmp_path, site)
    hinted = run_events("sources", "add", f"{site.url}/events", config=config, check=False, input="n\n").stdout
    assert "Health and safety forum" not in hinted and "--pages 3" in hinted

    out = run_events(
        "sources", "add", f"{site.url}/events", "--pages", "2", "--follow-details", "--yes", config=config
    ).stdout
    assert re.search(r"2030-05-08\s+10:00\s+Health and safety forum\s+Conway Hall", out), out
    assert "pages = 2" in config.read_text() and "follow_details = true" in config.read_text()


def test_fixes_survive_fetches_show_in_history_and_say_when_stale(tmp_path: Path, site: TestSite) -> None:
    site.set("/first", page(*EVENTS))
    config = written(tmp_path, site)
    config.write_text(
        config.read_text().replace(
            'url = "' + site.url + '/first"\n',
            'url = "' + site.url + '/first"\nexclude = ["^members area$"]\n\n'
            '[[sources.fixes]]\ntitle_matches = "general meeting"\ntitle = "AGM 2030"\nduration = "2h"\n\n'
            '[[sources.fixes]]\ntitle_matches = "no such event"\nhide = true\n',
        )
    )
    for _ in range(3):
        run_events("fetch", config=config)
    feed = {i["_event"]["title"]: i for i in _feed(config)}
    assert set(feed) == {"AGM 2030", "Annual Conference"}  # fixed, and the excluded title is gone
    agm = feed["AGM 2030"]["_event"]
    assert agm["start"] == "2030-03-20T10:00:00+00:00" and agm["end"] == "2030-03-20T12:00:00+00:00"
    history = run_events("history", feed["AGM 2030"]["id"], config=config).stdout.splitlines()
    assert len(history) == 1  # three fetches, one change: the fix holds
    assert "fix 2 (title ~ 'no such event') matched nothing" in run_events("sources", config=config).stdout

    # a fix added from the command line applies at the next fetch, though the page has not changed
    conference = feed["Annual Conference"]["id"]
    run_events("fix", "first", conference, "--hide", config=config)
    assert "[[sources.fixes]]" in config.read_text() and f'event_id = "{conference}"' in config.read_text()
    run_events("fetch", config=config)
    assert {i["_event"]["title"] for i in _feed(config)} == {"AGM 2030"}
    # /sources says so to anyone (the reading's own notes, which can name addresses, are for staff)
    from datetime import UTC, datetime

    from events.config.loading import load_config
    from events.store import Store
    from feeds.web.source_pages import source_page, sources_page

    loaded = load_config(config)
    states = Store(loaded.service.database_url).source_states()
    now = datetime.now(UTC)
    assert "(1 hidden by fixes)" in sources_page(loaded, states, now=now, overdue_after=3600)
    first = next(s for s in states if s["id"] == "first")
    assert "1 more is hidden by fixes in config.toml." in source_page(loaded, first, [], now=now)
    said = run_events("fix", "first", "--title", "x", config=config, check=False)
    assert said.returncode == 1 and "say which events" in said.stderr


def test_event_page_says_a_title_was_corrected(tmp_path: Path, site: TestSite) -> None:
    from events.config.loading import load_config
    from events.store import Store
    from feeds.web.event_page import event_page

    site.set("/first", page(EVENTS[0]))
    config = written(tmp_path, site)
    run_events("fetch", config=config)
    run_events("fix", "first", "--title-matches", "general", "--title", "AGM 2030", config=config)
    run_events("fetch", config=config)
    loaded = load_config(config)
    store = Store(loaded.service.database_url)
    (item,) = store.all_events()
    staff = event_page(loaded, item, store.history(item.event.id), admin=True)
    assert "Renamed from “Annual General Meeting” to “AGM 2030”; Title corrected by configuration" in staff
    members = event_page(loaded, item, store.history(item.event.id))
    assert "Renamed from “Annual General Meeting” to “AGM 2030”" in members and "configuration" not in members


def _feed(config: Path) -> list[dict]:
    import json

    return json.loads((config.parent / "data" / "feeds" / "all.json").read_text())["items"]


def test_add_marks_past_rows_and_takes_the_zone_from_the_page_s_language(tmp_path: Path, site: TestSite) -> None:
    site.set("/first", page(EVENTS[0]))
    rows = (("old", "Spring Fair", "4 May 2019", "Town Hall", ""), *EVENTS[:2])
    site.set("/events", page(*rows).replace("<html>", '<html lang="de-AT">'))
    config = written(tmp_path, site)
    out = run_events("sources", "add", f"{site.url}/events", "--yes", config=config).stdout
    table = {line.split()[0]: line for line in out.splitlines() if re.match(r"\d{4}-\d\d-\d\d ", line)}
    assert re.search(r"\spast\s", table["2019-05-04"]) and not re.search(r"\spast\s", table["2030-03-20"]), out
    assert "zone Europe/Vienna (the page's language is de-AT)" in out
    assert 'timezone = "Europe/Vienna"' in config.read_text()


def test_a_zone_from_what_the_page_says_of_where_it_is() -> None:
    from events.config.edit import suggest_zone

    here = "America/Chicago"
    assert suggest_zone("https://x.org/", here, None, "Call us on +44 (0)20 7946 0000") == (
        "Europe/London",
        "its phone numbers are in GB (+44)",
    )
    assert suggest_zone("https://x.org/", here, None, "Unity House, Leeds LS1 2AB")[0] == "Europe/London"
    assert suggest_zone("https://x.org/", here, "en-AU", "")[0] == here  # Australia keeps several clocks
    assert suggest_zone("https://x.org/", here, None, "Call +1 212 555 0100")[0] == here  # so do +1's countries
    assert suggest_zone("https://x.org/", here, None, "Tel. +353 1 234 5678")[0] == "Europe/Dublin"


def test_a_preview_row_whose_title_is_not_one_is_flagged() -> None:
    from datetime import date

    from events.cli.preview import row_check
    from events.record import Event

    def row(title: str, day: date = date(2030, 6, 12)) -> str:
        return row_check(Event(source="s", id="x", title=title, start=day), date(2030, 1, 1))

    assert row("events@union.example") == "title is an e-mail address"
    assert row("Read more") == row("Book now") == row("Find out more »") == "title is a link's words"
    assert row("") == "no title"
    assert row("Booking clerks' annual dinner") == "" and row("Spring Fair", date(2029, 5, 4)) == "past"
