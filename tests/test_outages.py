"""Outages and redesigns never empty a calendar: sequences of bad answers replayed through the real
fetcher against a local site, on SQLite and PostgreSQL. After each, every upcoming event is still
there under the same id, and when the page recovers nothing comes back as "new"."""

from __future__ import annotations

import gzip
import zlib
from pathlib import Path

import pytest

from events.config.loading import load_config
from tests.conftest import run_events
from tests.site import Answer, TestSite
from tests.test_cycle import CARD, World, page

EIGHT = {
    f"e{i}": (title, f"{day} {month} 2030", venue, "Book now")
    for i, (title, day, month, venue) in enumerate(
        [
            ("Reps training day", 12, "March", "Unity House"),
            ("Regional conference", 20, "April", "Leeds Town Hall"),
            ("Health and safety forum", 8, "May", "Conway Hall"),
            ("Stewards summit", 1, "June", "Congress House"),
            ("Pensions briefing", 9, "June", "Friends House"),
            ("Young members network", 18, "July", "The Mechanics Institute"),
            ("Equality conference", 3, "September", "Manchester Central"),
            ("Branch secretaries day", 14, "October", "Unity House"),
        ]
    )
}


@pytest.fixture
def outage(tmp_path: Path, site: TestSite, database_url: str) -> World:
    world = World(tmp_path, site, database_url)
    world.path.write_text(
        world.path.read_text()
        .replace("retries = 1", "retries = 0")
        .replace("timeout = 3", "timeout = 1")
        .replace("read_timeout = 1", "read_timeout = 0.5")
        + "max_page_mb = 1\n"
    )
    world.config = load_config(world.path)
    world.serve(page(EIGHT))
    assert world.cycle() == "page"
    world.changes()
    yield world
    world.store.close()


def ids(world: World) -> dict[str, str]:
    return {title: e["id"] for title, e in world.events().items()}


def redesign(n: int) -> str:
    """A new template each time, a little different: a few events kept, venues gone, dates reworded."""
    keep = list(EIGHT.items())[n % 3 : n % 3 + 3]
    cards = "".join(
        f'<div class="promo-{n}"><h2>{title}</h2><span>{when}</span></div>' for _, (title, when, _v, _s) in keep
    )
    return f"<html><body><header>Welcome {n}</header><main>{cards}</main></body></html>"


def no_venues(n: int) -> str:
    cards = "".join(
        CARD.format(slug=k, title=t, when=w, venue=f"<!-- {n} -->", status=s) for k, (t, w, _v, s) in EIGHT.items()
    )
    return f"<html><body><h1>Events {n}</h1><ul>{cards}</ul></body></html>"


def assert_intact(world: World, before: dict[str, str]) -> None:
    assert ids(world) == before, "an upcoming event was removed or changed id"
    assert [kind for kind, _ in world.changes()] == []
    assert len(world.feed_titles()) == 8


def test_outage_then_empty_then_ever_changing_redesign_removes_nothing(outage: World) -> None:
    before = ids(outage)
    outcomes = []
    for n in range(4):  # four rounds of three fetches: well past removal_after = 3
        for answer in (
            Answer(500, "Internal Server Error"),
            "<html><body><p>Our new site is coming soon.</p></body></html>",
            redesign(n) if n % 2 == 0 else no_venues(n),
        ):
            outage.serve(answer)
            outcomes.append(outage.cycle())
            assert_intact(outage, before)
    assert set(outcomes) == {"failed", "changed_shape"}
    state = outage.store.source_state("union")
    assert state["shape_changed_since"] is not None and state["healthy"] is False
    outage.serve(page(EIGHT) + "\n<!-- back -->")
    assert outage.cycle() == "page"
    assert_intact(outage, before)
    assert outage.store.source_state("union")["shape_changed_since"] is None


def bomb(size: int = 256 * 1024 * 1024) -> bytes:
    """``Content-Encoding: gzip, gzip``: a few kilobytes that would inflate to ``size`` bytes."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = b"\0" * (1024 * 1024)
    inner = b"".join(packer.compress(block) for _ in range(size // len(block))) + packer.flush()
    return gzip.compress(inner, 9)


def junk(site: TestSite) -> list[Answer]:
    site.set("/loop", Answer(302, headers={"Location": "/loop"}))
    return [
        Answer(body=b"<html><body>" + b"<p>x</p>" * 200_000 + b"</body></html>"),  # 1.6 MB: over the 1 MB cap
        Answer(body=bomb(), headers={"Content-Encoding": "gzip, gzip"}),
        Answer(body=b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", content_type="application/pdf"),
        Answer(body=b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", content_type="text/html"),
        Answer(body="<html><body>slow</body></html>", delay=1.5),  # a drip past the total timeout
        Answer(302, headers={"Location": "/loop"}),
        Answer(404, "gone", content_type="text/plain"),
        Answer(429, "slow down", headers={"Retry-After": "1"}),
        Answer(503, "maintenance"),
        Answer(body=b"\0\1\2\3" * 1000, content_type="application/octet-stream"),
        Answer(body=""),
        Answer(body="<html><body>" + "<div>" * 5000 + "</body></html>"),
        Answer(200, "<html><body><h1>Access denied</h1></body></html>"),
        Answer(body=b"\x1f\x8bnot really gzip", headers={"Content-Encoding": "gzip"}),
    ]


def test_fourteen_junk_answers_in_a_row_remove_nothing(outage: World) -> None:
    before = ids(outage)
    answers = junk(outage.site)
    assert len(answers) == 14
    reasons = []
    for answer in answers:
        outage.serve(answer)
        outage.cycle()
        reasons.append(outage.store.source_state("union")["last_error"])
        assert_intact(outage, before)
    assert any("not an HTML page (application/pdf)" in (r or "") for r in reasons)
    assert any("not an HTML page (image/png)" in (r or "") for r in reasons)
    assert any("once decompressed" in (r or "") for r in reasons)
    outage.serve(page(EIGHT))
    assert outage.cycle() in ("page", "unchanged")
    assert_intact(outage, before)


def test_removal_needs_consecutive_trusted_readings_and_unchanged_ones_count(outage: World) -> None:
    seven = dict(EIGHT)
    del seven["e7"]
    outage.serve(page(seven))
    assert outage.cycle() == "page"
    outage.serve(Answer(500, "down"))  # failures neither count nor reset the count
    assert outage.cycle() == "failed"
    outage.serve(page(seven))  # byte-identical: the same trusted reading again
    assert outage.cycle() == "unchanged"
    assert outage.changes() == []
    assert outage.cycle() == "unchanged"
    assert outage.changes() == [("removed", "Branch secretaries day")]


def test_a_not_modified_page_counts_as_a_reading(outage: World) -> None:
    seven = dict(EIGHT)
    del seven["e7"]

    def answer(seen) -> Answer:
        if seen.headers.get("if-none-match") == '"v7"':
            return Answer(304)
        return Answer(body=page(seven), headers={"ETag": '"v7"'})

    outage.serve(answer)
    assert [outage.cycle() for _ in range(3)] == ["page", "not_modified", "not_modified"]
    assert outage.changes() == [("removed", "Branch secretaries day")]


def test_a_person_accepts_the_new_shape(outage: World) -> None:
    one = {"e0": EIGHT["e0"]}
    outage.serve(page(one))
    assert outage.cycle() == "changed_shape"
    table = run_events("sources", config=outage.path).stdout
    assert "CHANGED SHAPE" in table and "events sources accept union" in table
    assert "the next reading will be trusted" in run_events("sources", "accept", "union", config=outage.path).stdout
    assert "accepted" in run_events("sources", config=outage.path).stdout
    assert outage.cycle() == "page"
    assert outage.changes() == []  # a miss, not yet a removal
    for n in range(2):
        outage.serve(page(one) + " " * (n + 1))
        assert outage.cycle() == "page"
    assert sorted(kind for kind, _ in outage.changes()) == ["removed"] * 7
    assert "healthy" in run_events("sources", config=outage.path).stdout
