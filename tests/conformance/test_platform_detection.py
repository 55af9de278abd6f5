"""Conformance: every platform detector over every saved real page of ``../shared`` (the examples and
the three corpora): a detector (or a platform read from the page itself) fires only on a page drawn by
its platform's own view of events. Pages of sites that merely have a platform (an events plugin
announces its API on every page of the site, an event's own page) are not the site's list of events,
and a detection there would read every event of the site into a source about something else."""

from __future__ import annotations

import json
from pathlib import Path

from events.extract import parse_html
from events.extract.platforms import detect, platforms
from events.fetch.fetcher import decode
from tests.conftest import shared_or_skip

# the pages of the corpora drawn by a platform's view, as the corpora's INDEX.md describes them
# ("WordPress + The Events Calendar (TEC v6) MONTH view", "Squarespace events collection (eventlist) page",
# "Meetup.com group page"); every other page must detect nothing
DRAWN_BY_A_PLATFORM = {
    "013-det-glwa-tec-month-view.html": "events-calendar",
    "020-friant-squarespace-events.html": "squarespace",
    "110-cz-meetup-pydata-prague-next-data.html": "meetup",
}


def test_detectors_fire_only_on_pages_drawn_by_their_platform() -> None:
    pages = sorted(shared_or_skip("examples").glob("*.html"))
    addresses = {}  # each page's own address, from its truth: some detectors go by the address
    for part in ("corpus", "corpus-more", "corpus-wide"):
        pages += sorted(shared_or_skip(part, "pages").glob("*.html"))
        for truth in shared_or_skip(part, "truth").glob("*.json"):
            data = json.loads(truth.read_text())
            addresses[Path(data.get("page", "")).name] = data.get("url")
    assert len(pages) >= 180
    detected = {}
    for page in pages:
        url = addresses.get(page.name) or "https://www.example.org/events/"
        tree = parse_html(decode(page.read_bytes(), None)[0])
        names = [f.platform.name for f in detect(tree, url)]
        names += [p.name for p in platforms() if p.shows is not None and p.shows(tree)]  # read from the page
        if names:
            detected[page.name] = ",".join(names)
    false = {name: what for name, what in detected.items() if DRAWN_BY_A_PLATFORM.get(name) != what}
    missed = set(DRAWN_BY_A_PLATFORM) - set(detected)
    assert (false, missed) == ({}, set()), f"false detections {false}; missed {missed}"
