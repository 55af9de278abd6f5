"""``events demo``: the whole service on a bundled sample, with nothing to configure and no network.

Three fictional organisations publish four pages, each in a shape real sites use: a union's homepage
of promo banners, a college's event cards, a society's table of meetings and its JSON-LD events page.
A small web server inside the process serves them on 127.0.0.1; the store, the feeds and the config
live in a temporary folder that goes when the demo stops. Dates are counted from today, so the
calendar is always full of coming events, and the pages change as real ones do, one step a minute:
booking opens, a meeting moves, a dinner is cancelled. The change history, the booking calendar and
(with a Slack webhook) Slack messages have something to show within minutes.
"""

from __future__ import annotations

import json
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

STEP_SECONDS = 60  # the sample pages take one step of change this often


def _day(d: date) -> str:
    return f"{d.day} {d:%B %Y}"


def union_banners(today: date, step: int) -> str:
    """Promo strips, as on a hospital doctors' union's homepage: title, date, place and booking in one line."""
    conference = today + timedelta(days=75)
    awards = today + timedelta(days=30)
    seminar = today + timedelta(days=12)
    booking = "BOOKING NOW OPEN" if step >= 1 else "ON SALE SOON BOOK EARLY"
    return f"""<!doctype html><html lang="en-GB"><head><title>Northern Doctors' Union</title></head><body>
<header><h1>Northern Doctors' Union</h1><nav><a href="/">Home</a> <a href="/news">News</a></nav></header>
<main>
<section class="promo"><a href="/conference"><h2>NDU Annual Conference</h2>
<p>{conference.day} &amp; {(conference + timedelta(days=1)).day} {conference:%B %Y} Harrogate Convention Centre</p>
<p>{booking}</p></a></section>
<section class="promo"><a href="/awards"><h2>NDU Regional Awards</h2>
<p>NOMINATIONS OPEN NOW in Leeds {_day(awards)} Queens Hotel, City Square</p></a></section>
<section class="promo"><a href="/seminar"><h2>Junior Doctors' Contract Seminar</h2>
<p>{_day(seminar)}, 18:30–20:30, Online</p></a></section>
<section class="news"><h2>News</h2>
<p>Pay consultation to begin next month; ballot results due in the spring.</p></section>
</main></body></html>"""


def college_cards(today: date, step: int) -> str:
    """Event cards, as a royal college lists them: title, date and time, venue, booking, one card each."""
    masterclass = today + timedelta(days=20 + (7 if step >= 2 else 0))  # a date that moves
    cards = [
        (
            "/events/surgical-skills",
            "Surgical Skills Masterclass",
            f"{_day(masterclass)}, 09:30 – 16:00",
            "Royal College of Example Surgeons, 12 Lincoln Row, London",
            "Book now",
        ),
        (
            "/events/trainee-day",
            "Trainees' Open Day",
            f"{_day(today + timedelta(days=9))}, 10:00 – 15:00",
            "Manchester Central, Windmill Street, Manchester",
            "Free – registration required",
        ),
        (
            "/events/lecture",
            "Annual Lister Lecture",
            f"{_day(today + timedelta(days=41))}, 18:00",
            "Great Hall, Edinburgh",
            "Booking opens soon",
        ),
        (
            "/events/exam-prep",
            "Membership Exam Preparation Course",
            f"{_day(today + timedelta(days=55))}",
            "Online",
            "Sold out",
        ),
    ]
    items = "".join(
        f'<li class="event-card"><h3><a href="{href}">{title}</a></h3><p class="date">{when}</p>'
        f'<p class="venue">{where}</p><p class="booking">{booking}</p></li>'
        for href, title, when, where, booking in cards
    )
    return f"""<!doctype html><html lang="en-GB"><head><title>Events | Royal College of Example Surgeons</title>
</head><body><h1>Events and courses</h1><ul class="events">{items}</ul></body></html>"""


def society_table(today: date, step: int) -> str:
    """A table of branch meetings, as a learned society keeps one."""
    dinner = "Branch Annual Dinner" if step < 3 else "CANCELLED: Branch Annual Dinner"
    rows = [
        (today + timedelta(days=6), "North West Branch Meeting", "The Midland Hotel, Manchester"),
        (today + timedelta(days=27), "Yorkshire Branch Meeting", "Leeds Civic Hall"),
        (today + timedelta(days=48), dinner, "The Assembly Rooms, Bath"),
    ]
    body = "".join(f"<tr><td>{_day(d)}</td><td>{title}</td><td>{place}</td></tr>" for d, title, place in rows)
    return f"""<!doctype html><html lang="en-GB"><head><title>Branch meetings | Society of Example Engineers</title>
</head><body><h1>Branch meetings</h1><table><thead><tr><th>Date</th><th>Meeting</th><th>Venue</th></tr></thead>
<tbody>{body}</tbody></table></body></html>"""


def society_jsonld(today: date, step: int) -> str:
    """An events page that describes its events in schema.org JSON-LD, as many CMS plugins write it."""

    def event(name: str, days: int, hour: int, place: str, locality: str, address: str) -> dict[str, Any]:
        start = today + timedelta(days=days)
        return {
            "@type": "Event",
            "name": name,
            "startDate": f"{start.isoformat()}T{hour:02d}:00:00",
            "endDate": f"{start.isoformat()}T{hour + 2:02d}:00:00",
            "location": {
                "@type": "Place",
                "name": place,
                "address": {"@type": "PostalAddress", "streetAddress": address, "addressLocality": locality},
            },
            "url": f"/lectures/{start.isoformat()}",
        }

    data = [
        event("Bridges of the North: a Public Lecture", 15, 18, "Institution Hall", "Newcastle", "1 Grey Street"),
        event("Women in Engineering Networking Evening", 33, 17, "The Engine Shed", "Bristol", "Station Approach"),
        event("Early Careers Workshop", 62, 10, "Innovation Centre", "Cambridge", "23 Science Park"),
    ]
    blocks = "".join(f'<script type="application/ld+json">{json.dumps(d)}</script>' for d in data)
    titles = "".join(f"<h2>{d['name']}</h2>" for d in data)
    return f"""<!doctype html><html lang="en-GB"><head><title>Lectures | Society of Example Engineers</title>
{blocks}</head><body><h1>Public lectures</h1>{titles}</body></html>"""


PAGES: dict[str, tuple[str, str, Callable[[date, int], str]]] = {
    # path: (source id, organisation, page)
    "/ndu/": ("ndu", "Northern Doctors' Union", union_banners),
    "/rces/events": ("rces", "Royal College of Example Surgeons", college_cards),
    "/see/branches": ("see-branches", "Society of Example Engineers: branches", society_table),
    "/see/lectures": ("see-lectures", "Society of Example Engineers: lectures", society_jsonld),
}


class SampleSite:
    """The sample pages on 127.0.0.1, one step of change every ``step_seconds`` from the start."""

    def __init__(self, step_seconds: float = STEP_SECONDS) -> None:
        self.step_seconds = step_seconds
        self.started = time.monotonic()
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                page = PAGES.get(self.path)
                if page is None:
                    self.send_error(404)
                    return
                body = page[2](date.today(), site.step()).encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass  # the service's own log says what was fetched

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, name="demo pages", daemon=True).start()

    def step(self) -> int:
        return int((time.monotonic() - self.started) // self.step_seconds)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def demo_config(folder: Path, site_url: str, listen: str, slack_url: str | None = None) -> str:
    """The config the demo runs on: every sample page, fetched each minute, and one feed of everything."""
    sources = "".join(
        f'\n[[sources]]\nid = "{source_id}"\nname = "{name}"\nurl = "{site_url}{path}"\ninterval = "1m"\n'
        for path, (source_id, name, _page) in PAGES.items()
    )
    slack = f'\n[slack]\nwebhook_url = "{slack_url}"\n' if slack_url else ""
    return f"""# written by `events demo`; removed when it stops
[service]
database_url = "sqlite:///{folder / "demo.db"}"
feeds_dir = "{folder / "feeds"}"
listen = "{listen}"
timezone = "Europe/London"

[site]
name = "eventfeed demo"
intro = "A sample of three fictional organisations' pages, read as eventfeed reads real ones. They change every minute."
{sources}
[[feeds]]
id = "all"
title = "All events"
{slack}"""


@contextmanager
def sample(listen: str, slack_url: str | None = None, step_seconds: float = STEP_SECONDS) -> Iterator[Path]:
    """The sample pages being served and a config for them in a temporary folder; both go on exit."""
    site = SampleSite(step_seconds)
    try:
        with tempfile.TemporaryDirectory(prefix="eventfeed-demo-") as folder:
            path = Path(folder) / "config.toml"
            path.write_text(demo_config(Path(folder), site.url, listen, slack_url), encoding="utf-8")
            yield path
    finally:
        site.close()
