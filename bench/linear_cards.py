"""Is extraction linear in page size? Pages of 10 → 10,000 event cards, each timed against a bare
selectolax parse of the same page (same run, repeats interleaved).

    python bench/linear_cards.py [--repeat 3]

Prints, per size, the extraction time per card and the ratio to the parse; a linear reader keeps
both flat as the page grows. The bench checks its own results: every card is found (up to the
page cap, ``MAX_EVENTS``) with its own title and day.
"""

from __future__ import annotations

import argparse
import time
from datetime import date, timedelta

from selectolax.lexbor import LexborHTMLParser

from events.extract import MAX_EVENTS, extract_events

START = date(2025, 1, 6)
VENUES = ("Unity House", "Conway Hall", "The Guildhall", "Quaker Meeting House")


def page(cards: int) -> str:
    items = []
    for n in range(cards):
        day = START + timedelta(days=n % 700)
        items.append(
            f'<li class="event"><h3><a href="/events/{n}">Branch meeting {n}</a></h3>'
            f"<p>{day.strftime('%A %d %B %Y')}, 6.30pm</p><p>{VENUES[n % len(VENUES)]}</p></li>"
        )
    return f"<html><body><h1>Events</h1><ul>{''.join(items)}</ul></body></html>"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3)
    opts = parser.parse_args()
    print(f"{'cards':>6} {'KB':>7} {'parse ms':>9} {'extract ms':>11} {'µs/card':>8} {'ratio':>6}")
    for cards in (10, 100, 1_000, 10_000):
        html = page(cards)
        parse_times, extract_times = [], []
        found = []
        for _ in range(opts.repeat):  # interleaved: parse, extract, parse, extract …
            t = time.perf_counter()
            LexborHTMLParser(html).body.text()
            parse_times.append(time.perf_counter() - t)
            t = time.perf_counter()
            found = extract_events(html, url="https://branch.example/events/", today=START)
            extract_times.append(time.perf_counter() - t)
        expected = min(cards, MAX_EVENTS)
        titles = {e.title for e in found}
        if len(found) != expected or f"Branch meeting {expected - 1}" not in titles:
            raise SystemExit(f"{cards} cards: found {len(found)} events, expected {expected}")
        if any(e.first_day != START + timedelta(days=int(e.title.rsplit(" ", 1)[1]) % 700) for e in found):
            raise SystemExit(f"{cards} cards: a card's day was misread")
        parse, extract = min(parse_times), min(extract_times)
        print(
            f"{cards:6d} {len(html) / 1024:7.0f} {parse * 1000:9.2f} {extract * 1000:11.1f} "
            f"{extract / cards * 1e6:8.0f} {extract / parse:6.1f}"
        )


if __name__ == "__main__":
    main()
