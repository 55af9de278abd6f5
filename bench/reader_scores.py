"""How well the reader does on the labelled pages: fitted, and out-of-fold (what a new site can expect).

    python bench/reader_scores.py [--shared ../shared] [--sets corpus-wide,...] [--misses]

For each set of labelled pages (``bench/labelled.py``) it prints two rows:

- **fitted**: the shipped weights, which were trained on every page, these included;
- **rules** (with ``--rules``): the weights the hand-written rules amount to (the training's prior);
- **out-of-fold**: grouped cross-validation, leaving one group out at a time: the pages of one source
  repository (or one site) are read with weights fitted on all the *other* groups, so no page is
  scored by weights that saw its site. This is the figure a site nobody here has seen can expect,
  and the one a change to the reader is judged by.

Columns: recall of the true events, and of those whose title the page states; precision where the
truth is complete; start, end, all-day right; venue (the place a page states: ``venue`` or a suite's
``location``); title and booking. Scoring is ``../shared/tools/eval_extract.py``'s own pairing and
field rules. ``corpus-wide`` is also shown without page 308 (416 of its 561 events).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

if not __package__:  # run as a script (python bench/reader_scores.py): the project's root is importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.labelled import SETS, SHARED, LabelledPage, PageScore, Summary, load_all, score_page
from bench.train_reader import EVENT_PRIOR, TITLE_PRIOR, PageData, collect, fit
from events.extract.reader_model import ReaderModel, shipped

TARGETS = {  # (set, column): the reader issue's out-of-fold targets
    ("all", "recall"): 0.85,
    ("all", "precision"): 0.97,
    ("corpus-wide less 308", "titled"): 0.85,
    ("corpus-wide less 308", "start"): 0.95,
    ("corpus-wide less 308", "venue"): 0.80,
    ("corpus-wide less 308", "all-day"): 0.95,
    ("examples", "recall"): 1.0,
    ("examples", "precision"): 1.0,
}
COLUMNS = ("recall", "titled", "precision", "start", "end", "all-day", "venue", "title", "booking")


def read(page: LabelledPage, model: ReaderModel | None) -> list[dict[str, Any]]:
    from events.extract import extract_events

    found = extract_events(page.html(), url=page.url, today=page.today, timezone=page.timezone, model=model)
    return [e.as_dict(page.today) for e in found]


def _read_job(job: tuple[LabelledPage, ReaderModel | None]) -> list[dict[str, Any]]:
    return read(*job)


def fitted_scores(pages: Sequence[LabelledPage], workers: int, model: ReaderModel | None = None) -> list[PageScore]:
    with ProcessPoolExecutor(workers) as pool:
        found = list(pool.map(_read_job, [(p, model) for p in pages]))
    return [score_page(p, f) for p, f in zip(pages, found, strict=True)]


def out_of_fold_scores(pages: Sequence[LabelledPage], data: Sequence[PageData], workers: int) -> list[PageScore]:
    """Each page read with weights fitted on every group but its own."""
    groups = sorted({p.group for p in pages})
    models = {g: fit(d for d in data if d.group != g) for g in groups}
    with ProcessPoolExecutor(workers) as pool:
        found = list(pool.map(_read_job, [(p, models[p.group]) for p in pages]))
    return [score_page(p, f) for p, f in zip(pages, found, strict=True)]


def summarise(scores: Sequence[PageScore]) -> dict[str, Summary]:
    sets: dict[str, Summary] = {}
    for s in scores:
        names = [s.page.set, "all"]
        if s.page.set == "corpus-wide" and not s.page.name.startswith("308-"):
            names.append("corpus-wide less 308")
        for name in names:
            sets.setdefault(name, Summary()).add(s)
    return sets


def figures(s: Summary) -> dict[str, float | None]:
    return {
        "recall": s.recall,
        "titled": s.titled_recall,
        "precision": s.precision if s.full_pred or s.complete_pages else None,
        "start": s.field("start"),
        "end": s.field("end"),
        "all-day": s.field("all_day"),
        "venue": s.venue(),
        "title": s.field("title"),
        "booking": s.field("booking"),
    }


def table(rows: dict[str, dict[str, Summary]], order: Sequence[str]) -> tuple[str, list[str]]:
    lines = [f"| set | pages | events | reading | {' | '.join(COLUMNS)} |", "|" + " --- |" * (4 + len(COLUMNS))]
    misses = []
    for name in order:
        for reading, sets in rows.items():
            s = sets.get(name)
            if s is None:
                continue
            cells = []
            for column, value in figures(s).items():
                target = TARGETS.get((name, column))
                text = "" if value is None else f"{value:.3f}"
                if target is not None and value is not None and reading == "out-of-fold":
                    text += f" (≥ {target:.2f})"
                    if value < target:
                        misses.append(f"{name} {column} {value:.3f} < {target:.2f}")
                cells.append(text)
            lines.append(f"| {name} | {s.pages} | {s.true} | {reading} | {' | '.join(cells)} |")
    return "\n".join(lines), misses


def print_misses(scores: Sequence[PageScore], keep: Callable[[PageScore], bool]) -> None:
    for s in scores:
        if not keep(s):
            continue
        paired = {id(t) for t, _ in s.pairs}
        for i, t in enumerate(s.page.truth):
            if id(t) not in paired and i not in s.page.derived_titles:
                print(f"  missed {s.page.name}: {t.get('start')} {t.get('title')!r}")
        if s.page.complete:
            used = {id(p) for _, p in s.pairs}
            for p in s.preds:
                if id(p) not in used:
                    print(f"  extra  {s.page.name}: {p.get('start')} {p.get('title')!r}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", type=Path, default=SHARED)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--misses", action="store_true", help="list the out-of-fold misses and extras")
    parser.add_argument("--fitted-only", action="store_true", help="skip the cross-validation")
    parser.add_argument("--rules", action="store_true", help="also read with the rules' weights, untrained")
    parser.add_argument("--pages", type=Path, help="write each page's out-of-fold counts to this JSON file")
    opts = parser.parse_args(argv)
    shared = opts.shared.resolve()
    if not (shared / "tools" / "eval_extract.py").exists():
        raise SystemExit(f"no scorer at {shared / 'tools' / 'eval_extract.py'}")
    pages = load_all(shared, SETS)
    shipped()  # fail early on a broken weights file
    rows = {}
    if opts.rules:
        rules = ReaderModel(event=EVENT_PRIOR, title=TITLE_PRIOR)
        rows["rules"] = summarise(fitted_scores(pages, opts.workers, rules))
    rows["fitted"] = summarise(fitted_scores(pages, opts.workers))
    if not opts.fitted_only:
        oof = out_of_fold_scores(pages, collect(pages, opts.workers), opts.workers)
        rows["out-of-fold"] = summarise(oof)
    groups = len({p.group for p in pages})
    order = ["all", "examples", "corpus", "corpus-more", "corpus-wide", "corpus-wide less 308", "fixtures"]
    text, misses = table(rows, order)
    print(f"{len(pages)} labelled pages in {groups} groups (source repositories or sites)\n")
    print(text)
    print(
        "\nout-of-fold: each group's pages read with weights fitted on the other groups; titled: events whose "
        "title the page states; precision: pages whose every event is known; venue: the place a page states"
    )
    for miss in misses:
        print(f"below target: {miss}")
    if opts.misses and not opts.fitted_only:
        print_misses(oof, lambda s: True)
    if opts.pages and not opts.fitted_only:
        counts = {s.page.name: [len(s.pairs), len(s.preds), len(s.page.truth)] for s in oof}
        opts.pages.write_text(json.dumps(counts, indent=0))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
