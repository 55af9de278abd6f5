"""How much our extraction costs over a bare selectolax parse of the same pages, measured in one run.

    python bench/extract_vs_parse.py [PAGES_DIR ...] [--repeat N]

The baseline parses each page with selectolax (Lexbor) and reads its body's text, which every reading
of a page starts with; ours runs ``extract_events`` on the same page. Repeats are interleaved (page by
page, baseline then ours, then the next repeat), so a busy moment of the machine falls on both. Each
page's time is its fastest repeat; the figure is the ratio of the totals (target: at most 30×), with
the median of the per-page ratios beside it. The bench checks its own results: every page parses to
some text, and extraction gives the same events on every repeat.

Default pages: ../shared/corpus/pages.
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
TARGET = 30.0


def bare_parse(html: str) -> int:
    tree = LexborHTMLParser(html)
    body = tree.body
    return len(body.text() if body is not None else "")


def ours(html: str) -> tuple[tuple[str, str], ...]:
    found = extract_events(html, url="https://example.org/", today=date(2024, 1, 1))
    return tuple((e.title, e.start.isoformat()) for e in found)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("pages", nargs="*", type=Path, default=[ROOT.parent / "shared" / "corpus" / "pages"])
    parser.add_argument("--repeat", type=int, default=5)
    opts = parser.parse_args()
    pages = sorted(p for d in opts.pages for p in d.glob("*.html"))
    if not pages:
        raise SystemExit(f"no pages in {', '.join(map(str, opts.pages))}")
    html = {p: p.read_text(encoding="utf-8", errors="replace") for p in pages}
    best_parse = dict.fromkeys(pages, float("inf"))
    best_ours = dict.fromkeys(pages, float("inf"))
    results: dict[Path, tuple[tuple[str, str], ...]] = {}
    for _ in range(opts.repeat):
        for page in pages:
            start = time.perf_counter()
            chars = bare_parse(html[page])
            best_parse[page] = min(best_parse[page], time.perf_counter() - start)
            start = time.perf_counter()
            found = ours(html[page])
            best_ours[page] = min(best_ours[page], time.perf_counter() - start)
            if chars <= 0:
                raise SystemExit(f"{page.name}: the baseline read no text")
            if results.setdefault(page, found) != found:
                raise SystemExit(f"{page.name}: extraction gave different events on another repeat")
    print(f"{'page':45} {'KB':>6} {'parse ms':>9} {'extract ms':>11} {'ratio':>6} {'events':>7}")
    for page in pages:
        print(
            f"{page.name[:45]:45} {len(html[page]) / 1024:6.0f} {best_parse[page] * 1000:9.2f} "
            f"{best_ours[page] * 1000:11.2f} {best_ours[page] / best_parse[page]:6.1f} {len(results[page]):7d}"
        )
    total_parse, total_ours = sum(best_parse.values()), sum(best_ours.values())
    ratio = total_ours / total_parse
    median = statistics.median(best_ours[p] / best_parse[p] for p in pages)
    print(
        f"\n{len(pages)} pages, {opts.repeat} interleaved repeats (fastest of each): "
        f"parse {total_parse * 1000:.1f} ms, "
        f"extract {total_ours * 1000:.1f} ms, ratio of totals {ratio:.1f}× (median per page {median:.1f}×; "
        f"target ≤ {TARGET:.0f}×){'' if ratio <= TARGET else '  ABOVE TARGET'}"
    )


if __name__ == "__main__":
    main()
