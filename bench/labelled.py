"""The labelled pages the reader is trained and judged on, and the team's scorer run in this process.

A labelled page is a saved page with the events a careful reader finds on it: the seed examples, the
three corpora of ``../shared`` (read in place, never copied) and the project's own fixtures that carry
an ``*.expected.json`` beside them. Each page belongs to a *group*, the source repository its page and
truth came from (or its site), so that grouped cross-validation never trains on a page of the group it
scores: a new site is a new group.

Scoring is ``../shared/tools/eval_extract.py``'s own pairing and field rules, imported from the file,
applied to records made in this process (the tool itself runs one subprocess per page).
"""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
FIXTURES = ROOT / "tests" / "fixtures"
SETS = ("examples", "corpus", "corpus-more", "corpus-wide", "fixtures")


@dataclass
class LabelledPage:
    name: str
    set: str
    group: str
    path: Path
    url: str | None
    today: date
    timezone: str
    truth: list[dict[str, Any]]
    partial: bool  # truth from a public suite: only some events and fields asserted
    count: int | None
    complete: bool  # every event of the page is in the truth (a full answer, all the suite counts, or one event page)
    derived_titles: set[int] = field(default_factory=set)  # indices of truth events whose title the page lacks

    def html(self) -> str:
        from events.fetch.fetcher import decode

        return decode(self.path.read_bytes(), None)[0]


@cache
def scorer(shared: Path = SHARED) -> ModuleType:
    """``eval_extract`` from ``../shared/tools``, imported from its file."""
    path = shared / "tools" / "eval_extract.py"
    spec = importlib.util.spec_from_file_location("eval_extract", path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"no scorer at {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _group(truth: dict[str, Any], url: str | None, set_name: str) -> str:
    source = str(truth.get("source") or "")
    if ":" in source and "/" in source.split(":", 1)[0]:
        return source.split(":", 1)[0]  # owner/repo of the suite the page came from
    host = urlsplit(url or "").hostname or ""
    return host.removeprefix("www.") or f"{set_name}:{truth.get('page')}"


def load_truth(path: Path, set_name: str) -> LabelledPage:
    truth = json.loads(path.read_text())
    page = next(
        (p for p in (path.parent / truth["page"], path.parent.parent / "pages" / truth["page"]) if p.exists()),
        None,
    )
    if page is None:
        raise FileNotFoundError(f"page {truth['page']} for {path}")
    partial = "count" in truth
    events = [t for t in truth["events"] if t.get("title") or t.get("start")] if partial else truth["events"]
    derived = {i for i, t in enumerate(events) if "title" in (t.get("derived") or {})}
    return LabelledPage(
        name=page.name,
        set=set_name,
        group=_group(truth, truth.get("url"), set_name),
        path=page,
        url=truth.get("url"),
        today=date.fromisoformat(truth["reference_date"]),
        timezone=truth.get("timezone", "Europe/London"),
        truth=events,
        partial=partial,
        count=truth.get("count") if partial else len(events),
        complete=not partial or truth.get("count") == len(events) or bool(truth.get("single_event_page")),
        derived_titles=derived,
    )


def load_set(name: str, shared: Path = SHARED) -> list[LabelledPage]:
    if name == "examples":
        files = sorted((shared / "examples").glob("*.expected.json"))
    elif name == "fixtures":
        files = sorted(FIXTURES.glob("*.expected.json"))
    else:
        files = sorted((shared / name / "truth").glob("*.json"))
    return [load_truth(f, name) for f in files]


def load_all(shared: Path = SHARED, sets: Iterable[str] = SETS) -> list[LabelledPage]:
    return [page for name in sets for page in load_set(name, shared)]


Extractor = Callable[[LabelledPage], list[dict[str, Any]]]


def default_extractor(page: LabelledPage, **options: Any) -> list[dict[str, Any]]:
    from events.extract import extract_events

    found = extract_events(page.html(), url=page.url, today=page.today, timezone=page.timezone, **options)
    return [e.as_dict(page.today) for e in found]


@dataclass
class PageScore:
    page: LabelledPage
    preds: list[dict[str, Any]]
    pairs: list[tuple[dict[str, Any], dict[str, Any]]]
    right: dict[str, int]
    asked: dict[str, int]

    @property
    def titled(self) -> list[dict[str, Any]]:
        return [t for i, t in enumerate(self.page.truth) if i not in self.page.derived_titles]


def score_page(page: LabelledPage, preds: list[dict[str, Any]], shared: Path = SHARED) -> PageScore:
    ev = scorer(shared)
    pairs = ev.pair(page.truth, preds)
    right: dict[str, int] = {}
    asked: dict[str, int] = {}
    for f in ev.FIELDS:
        scored = [
            (t, p)
            for t, p in pairs
            if (f in t if page.partial else f in ev.FIELDS[:9]) and f not in (t.get("derived") or {})
        ]
        asked[f] = len(scored)
        right[f] = sum(ev.field_ok(f, t, p) for t, p in scored)
    return PageScore(page, preds, pairs, right, asked)


@dataclass
class Summary:
    pages: int = 0
    true: int = 0
    paired: int = 0
    titled_true: int = 0
    titled_paired: int = 0
    complete_pages: int = 0  # pages whose every event is known: precision is measured on these
    full_pred: int = 0
    full_paired: int = 0
    counts_ok: int = 0
    counts_asked: int = 0
    right: dict[str, int] = field(default_factory=dict)
    asked: dict[str, int] = field(default_factory=dict)

    def add(self, s: PageScore) -> None:
        self.pages += 1
        self.true += len(s.page.truth)
        self.paired += len(s.pairs)
        titled = {id(t) for t in s.titled}
        self.titled_true += len(titled)
        self.titled_paired += sum(id(t) in titled for t, _ in s.pairs)
        if s.page.complete:
            self.complete_pages += 1
            self.full_pred += len(s.preds)
            self.full_paired += len(s.pairs)
        if s.page.partial and s.page.count:
            self.counts_asked += 1
            self.counts_ok += abs(len(s.preds) - s.page.count) <= max(1, 0.1 * s.page.count)
        for f, n in s.asked.items():
            self.asked[f] = self.asked.get(f, 0) + n
            self.right[f] = self.right.get(f, 0) + s.right[f]

    @property
    def recall(self) -> float:
        return self.paired / self.true if self.true else 1.0

    @property
    def titled_recall(self) -> float:
        return self.titled_paired / self.titled_true if self.titled_true else 1.0

    @property
    def precision(self) -> float:
        return self.full_paired / self.full_pred if self.full_pred else 1.0

    def field(self, name: str) -> float | None:
        return self.right[name] / self.asked[name] if self.asked.get(name) else None

    def venue(self) -> float | None:
        """A place the page states: the complete truths' ``venue`` and the suites' ``location`` together."""
        right = self.right.get("venue", 0) + self.right.get("location", 0)
        asked = self.asked.get("venue", 0) + self.asked.get("location", 0)
        return right / asked if asked else None
