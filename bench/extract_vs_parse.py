"""How much our extraction costs over a bare selectolax parse of the same pages (same run).

    python bench/extract_vs_parse.py [PAGES_DIR] [--repeat N]

Prints per-page and total times and the ratio (target: at most 3x). Default pages: ../shared/corpus/pages.
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import date
from pathlib import Path

from selectolax.lexbor import LexborHTMLParser

from events.extract import extract_events

ROOT = Path(__file__).resolve().parents[1]


def best_of(repeat: int, func, *args, **kwargs) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func(*args, **kwargs)
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("pages", nargs="?", type=Path, default=ROOT.parent / "shared" / "corpus" / "pages")
    parser.add_argument("--repeat", type=int, default=5)
    opts = parser.parse_args()
    pages = sorted(opts.pages.glob("*.html"))
    if not pages:
        raise SystemExit(f"no pages in {opts.pages}")
    total_parse = total_extract = 0.0
    ratios = []
    print(f"{'page':45} {'KB':>6} {'parse ms':>9} {'extract ms':>11} {'ratio':>6}")
    for page in pages:
        html = page.read_text(encoding="utf-8", errors="replace")
        parse = best_of(opts.repeat, lambda h: LexborHTMLParser(h).body.text(), html)
        extract = best_of(opts.repeat, extract_events, html, url="https://example.org/", today=date(2024, 1, 1))
        total_parse += parse
        total_extract += extract
        ratios.append(extract / parse)
        print(
            f"{page.name[:45]:45} {len(html) / 1024:6.0f} {parse * 1000:9.2f} {extract * 1000:11.2f} "
            f"{extract / parse:6.1f}"
        )
    print(
        f"\n{len(pages)} pages: parse {total_parse * 1000:.1f} ms, extract {total_extract * 1000:.1f} ms, "
        f"ratio of totals {total_extract / total_parse:.2f}x (median per page {statistics.median(ratios):.2f}x)"
    )


if __name__ == "__main__":
    main()
