"""Fit the reader's learned decisions on every labelled page and rewrite the weights the package ships.

    python -m bench.train_reader [--shared ../shared] [--check]

Every labelled page (``bench/labelled.py``: the seed examples, the three corpora of ``../shared`` and
the project's fixtures with an ``*.expected.json``) is read once, with the rules' weights (so that the
result never depends on the weights last shipped), the reader collecting each block it weighed
(``Reading``: the block's evidence, the record it would make, its title candidates). The labels come
from the truth files:

- a block is an event when a true event falls on its day and its title is among the block's words;
  it is not one when the page's truth is complete (every event listed, every event the suite counts,
  or the one event of an event's own page) and none matches. On a page whose truth lists only some
  events (a public suite's assertions), an unmatched block is unlabelled.
- of an event's title candidates, those that read as the true title (the scorer's own test) are
  right and the rest wrong, when the page states the title (not ``derived``).

Both decisions are logistic regressions whose weights are drawn towards what the hand-written rules
said (``EVENT_PRIOR``, ``TITLE_PRIOR``: an L2 penalty around them rather than around zero), fitted with
SciPy (a training-only dependency): the title as a choice among a block's candidates (each right
candidate against each wrong one of its block), the event as yes or no. Training is deterministic: the same pages
give the same file. ``--check`` trains and compares with the shipped file instead of writing it.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.labelled import SETS, SHARED, LabelledPage, load_all, scorer
from events.extract.reader_model import WEIGHTS_FILE, Decision, ReaderModel
from events.extract.text.block_reading import Reading
from events.extract.text.reader import title_evidence
from events.extract.text.title_choice import NEVER_TITLES
from events.normalise.titles import tidy_title

EVENT_THRESHOLD_NOTE = "an event when the score (log-odds) is at least 0"


@dataclass
class TitleGroup:
    candidates: list[dict[str, float]]
    right: list[bool]


@dataclass
class BlockExample:
    features: dict[str, float]  # the block's evidence, less its title's
    titles: list[dict[str, float]]  # its title candidates' features, to re-rank under a new title model
    named_by: str
    label: bool


@dataclass
class PageData:
    """What one labelled page contributes to training."""

    page: str
    group: str
    set: str
    titles: list[TitleGroup] = field(default_factory=list)
    blocks: list[BlockExample] = field(default_factory=list)


def observe(page: LabelledPage, model: ReaderModel | None = None) -> tuple[list[Reading], list[str]]:
    """Every block the text reader weighed on the page, and which strategy found each event it gave."""
    from events.extract import extract_events

    seen: list[Reading] = []
    found = extract_events(
        page.html(), url=page.url, today=page.today, timezone=page.timezone, model=model, observations=seen
    )
    return seen, [e.found_by or "" for e in found]


def label(page: LabelledPage, seen: Sequence[Reading], found_by: Sequence[str] = ()) -> PageData:
    ev = scorer()
    data = PageData(page.name, page.group, page.set)
    # a page whose events came from its structured or embedded data: its text blocks only filled them in,
    # so one that matches no true event says nothing about what an event looks like
    judged = page.complete and (not found_by or "text" in found_by)
    for obs in seen:
        day = obs.event.first_day
        texts = [tidy_title(c.text) for c in obs.titles] + [obs.event.title]
        match = None
        for i, truth in enumerate(page.truth):
            start = truth.get("start")
            if start and start[:10] != day.isoformat():
                continue
            title = truth.get("title")
            if not title or i in page.derived_titles:
                if start:  # a title the page does not state: the day is the match
                    match = (truth, False)
                    break
                continue
            if _title_in(title, obs.text, texts, ev):
                match = (truth, True)
                break
        if match is None and not judged:
            continue  # a public suite asserts only some events: this block is unlabelled
        titles = [c.features for c in obs.titles]
        data.blocks.append(BlockExample(obs.evidence, titles, obs.named_by, match is not None))
        if match is not None and match[1] and len(obs.titles) >= 2:
            want = match[0]["title"]
            right = [_same_title(want, tidy_title(c.text), ev) for c in obs.titles]
            if any(right) and not all(right):
                data.titles.append(TitleGroup([c.features for c in obs.titles], right))
    return data


def _title_in(title: str | None, block: str, texts: list[str], ev: Any) -> bool:
    if not title:
        return True
    if any(_same_title(title, t, ev) for t in texts):
        return True
    return bool(ev.norm(title)) and ev.norm(title) in ev.norm(block)


def _same_title(want: str, got: str, ev: Any) -> bool:
    """The scorer's test, without letting a whole paragraph that contains the title pass for it."""
    if ev.similar(want, got) >= 0.8:
        return True
    w, g = ev.norm(want), ev.norm(got)
    return bool(w) and w in g and len(g) <= 1.5 * len(w) + 12


def collect(pages: Sequence[LabelledPage], workers: int = 2) -> list[PageData]:
    with ProcessPoolExecutor(workers) as pool:
        return list(pool.map(_collect_one, pages))


def _collect_one(page: LabelledPage) -> PageData:
    # read with the rules' weights, never the shipped ones: what training sees must not depend on
    # what it last wrote (the page-level evidence follows the titles chosen), so one run gives one file
    return label(page, *observe(page, ReaderModel(event=EVENT_PRIOR, title=TITLE_PRIOR)))


# What the hand-written rules said, as weights: the point each learned weight is drawn towards (an L2
# penalty around these, not around zero). A feature the pages say little about keeps the rule's
# weight; one they contradict moves as far as they show. The rules: a date in prose, a publication
# stamp, a deadline or a timetable step is no event; news links and sections are not events; a
# heading beats a title class, a link, bold type and plain words, in that order.
EVENT_PRIOR = Decision(
    2.0,
    {
        "the old rules say no": -6.0,
        "words of no event": -6.0,
        "date in prose": -6.0,
        "every date in a sentence": -3.0,
        "several days": -6.0,
        "timetable step": -6.0,
        "lone date in prose": -6.0,
        "news link": -3.0,
        "dated post link": -3.0,
        "under a news heading": -3.0,
        "in a news section": -3.0,
        "in an events section": 1.0,
        "cancellation notice": 8.0,
        "title: names a section": -5.0,  # "News in brief", "Newsletter": a section of the page, not an event
        "title: ends mid-sentence": -3.0,  # a sentence the date was cut out of: prose, not an event's name
        # an event's own page: the others it shows are related events' teasers
        "on another event's page": -3.0,
        "in a sidebar": -2.0,
        "under a heading of other events": -2.0,
    },
)
TITLE_PRIOR = Decision(
    0.0,
    {
        "kind: table column": 10.0,
        "kind: heading": 4.0,
        "kind: title class": 3.0,
        "kind: own link": 2.0,
        "kind: bold": 1.0,
        "kind: plain": -5.0,
        "kind: heading above": -7.0,
        "over a listing": -5.0,
        "heading level": 0.5,
        "near the date": 1.0,
        "meta line": -3.0,
        "names a place": -1.5,
        "reads as a sentence": -3.0,
        "labelled as the place": -10.0,
        "value of a field": -10.0,
        "address": -10.0,
        "labels the date": -2.0,
        "e-mail address": -5.0,
        "phone number": -5.0,
        "file name": -3.0,
        "link words": -3.0,
        "names a section": -4.0,
        "ends mid-sentence": -3.0,
        "call to action": -3.0,
    },
)
PENALTY_TITLE = 0.1  # the strength of the pull towards the rules' weights
PENALTY_EVENT = 3.0
# The event decision keeps the rules' bias: only complete pages give labelled non-events, so the share of
# events among labelled blocks says nothing of real pages' base rate; the evidence's weights are learned.
EVENT_BIAS_FREE = False
PAGE_EXAMPLES = 8  # a page counts as much as this many examples at most


def fit(data: Iterable[PageData]) -> ReaderModel:
    data = list(data)
    # the title: a right candidate against each wrong one of the same block
    title_names = sorted(
        {k for d in data for g in d.titles for c in g.candidates for k in c} | set(TITLE_PRIOR.weights)
    )
    diffs: list[list[float]] = []
    shares: list[float] = []
    for d in data:
        page_share = _page_share(len(d.titles))
        for g in d.titles:
            rows = [[c.get(k, 0.0) for k in title_names] for c in g.candidates]
            pairs = [(i, j) for i, ok in enumerate(g.right) if ok for j, bad in enumerate(g.right) if not bad]
            for i, j in pairs:
                diffs.append([a - b for a, b in zip(rows[i], rows[j], strict=True)])
                shares.append(page_share / len(pairs))
    title = _logistic(title_names, diffs, [1] * len(diffs), shares, TITLE_PRIOR, PENALTY_TITLE, with_bias=False)
    # the event: each labelled block, with its title as the new title decision chooses it
    rows_f: list[dict[str, float]] = []
    labels: list[int] = []
    block_shares: list[float] = []
    for d in data:
        page_share = _page_share(len(d.blocks))
        for b in d.blocks:
            block_shares.append(page_share)
            allowed = [t for t in b.titles if not NEVER_TITLES & t.keys()]
            chosen = max(allowed, key=title.score) if allowed else None
            features = b.features | title_evidence(b.named_by, _Chosen(chosen) if chosen is not None else None)
            rows_f.append(features)
            labels.append(int(b.label))
    event_names = sorted({k for f in rows_f for k in f} | set(EVENT_PRIOR.weights))
    rows = [[f.get(k, 0.0) for k in event_names] for f in rows_f]
    event = _logistic(event_names, rows, labels, block_shares, EVENT_PRIOR, PENALTY_EVENT, with_bias=EVENT_BIAS_FREE)
    trained_on = {
        "pages": len(data),
        "title pairs": len(diffs),
        "blocks": len(labels),
        "events": sum(labels),
        "not events": len(labels) - sum(labels),
        "decision": EVENT_THRESHOLD_NOTE,
    }
    return ReaderModel(event=event, title=title, trained_on=trained_on)


def _page_share(n: int) -> float:
    """How much each of a page's ``n`` examples counts: a page counts as much as its first
    ``PAGE_EXAMPLES`` examples, so that one long listing (416 cinema sessions) cannot outvote the rest."""
    return min(1.0, PAGE_EXAMPLES / n) if n else 0.0


def _logistic(
    names: list[str],
    rows: list[list[float]],
    labels: list[int],
    shares: list[float],
    prior: Decision,
    penalty: float,
    with_bias: bool,
) -> Decision:
    """Logistic regression (each row counted by its share) whose weights are drawn towards ``prior``'s
    (L2 around them), fitted by L-BFGS from the prior: deterministic, and the prior itself when there
    are no rows."""
    import numpy as np
    from scipy.optimize import minimize
    from scipy.special import expit

    w0 = np.array([prior.weights.get(n, 0.0) for n in names] + [prior.bias])
    if not rows:
        return prior
    x = np.array(rows, dtype=float)
    share = np.array(shares, dtype=float)
    sign = 2.0 * np.array(labels, dtype=float) - 1.0
    pull = np.ones_like(w0)
    pull[-1] = 0.0 if with_bias else 1e6  # the bias is free to move, or held where the prior has it

    def loss(theta: Any) -> tuple[float, Any]:
        margin = -sign * (x @ theta[:-1] + theta[-1])
        gap = theta - w0
        value = (share * np.logaddexp(0.0, margin)).sum() + 0.5 * penalty * (pull * gap * gap).sum()
        dz = -sign * share * expit(margin)
        grad = np.concatenate([x.T @ dz, [dz.sum()]]) + penalty * pull * gap
        return float(value), grad

    result = minimize(loss, w0.copy(), jac=True, method="L-BFGS-B", options={"maxiter": 5000})
    theta = result.x
    weights = {n: float(w) for n, w in zip(names, theta[:-1], strict=True) if abs(w) > 1e-4}
    return Decision(float(theta[-1]) if with_bias else prior.bias, weights)


class _Chosen:
    """The few attributes of a title candidate that ``title_evidence`` reads."""

    def __init__(self, features: dict[str, float]) -> None:
        self.features = features


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", type=Path, default=SHARED)
    parser.add_argument("--check", action="store_true", help="compare with the shipped weights; write nothing")
    opts = parser.parse_args(argv)
    pages = load_all(opts.shared.resolve(), SETS)
    data = collect(pages)
    model = fit(data)
    text = json.dumps(model.as_json(), indent=1, ensure_ascii=False) + "\n"
    print(json.dumps(model.trained_on))
    if opts.check:
        same = WEIGHTS_FILE.read_text(encoding="utf-8") == text
        print("the shipped weights are what training gives" if same else "the shipped weights differ from training")
        return 0 if same else 1
    WEIGHTS_FILE.write_text(text, encoding="utf-8")
    print(f"wrote {WEIGHTS_FILE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
