"""The reader's learned decisions: weights over named features, fitted on labelled pages.

Two choices of the text reader are scores rather than rules: whether a dated block is an event, and
which line of a block is its title. Each is a linear score over the named features of
``text/features.py`` (a logistic regression; the title is the candidate with the highest score). The
weights are fitted by ``python -m bench.train_reader`` on every labelled page and shipped with the
package as ``reader_weights.json``; inference is a sum in plain Python, so the service needs no
numerical library and the file loads in a few milliseconds.

A feature this file has no weight for counts for nothing, so an older weights file still reads.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

WEIGHTS_FILE = Path(__file__).with_name("reader_weights.json")

Features = Mapping[str, float]


@dataclass(frozen=True)
class Decision:
    """A linear score: ``bias + Σ weight × value``. For a yes/no decision the score is the log-odds
    of yes; for a choice among candidates only differences between scores matter."""

    bias: float = 0.0
    weights: Mapping[str, float] = field(default_factory=dict)

    def score(self, features: Features) -> float:
        weights = self.weights
        return self.bias + sum(weights.get(name, 0.0) * value for name, value in features.items())

    def yes(self, features: Features) -> bool:
        return self.score(features) >= 0.0

    def most(self, names: frozenset[str]) -> float:
        """The most that binary features among ``names`` can add to a score (for early stopping)."""
        return sum(w for n, w in self.weights.items() if n in names and w > 0)

    def as_json(self) -> dict[str, Any]:
        return {"bias": round(self.bias, 6), "weights": {k: round(v, 6) for k, v in sorted(self.weights.items())}}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Decision:
        return cls(float(data.get("bias", 0.0)), {str(k): float(v) for k, v in data.get("weights", {}).items()})


@dataclass(frozen=True)
class ReaderModel:
    event: Decision  # is this dated block an event
    title: Decision  # which candidate line is the block's title
    trained_on: Mapping[str, Any] = field(default_factory=dict)
    cache: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)  # figures worked out once

    def as_json(self) -> dict[str, Any]:
        return {"trained_on": dict(self.trained_on), "event": self.event.as_json(), "title": self.title.as_json()}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ReaderModel:
        return cls(
            event=Decision.from_json(data.get("event", {})),
            title=Decision.from_json(data.get("title", {})),
            trained_on=data.get("trained_on", {}),
        )


@cache
def shipped() -> ReaderModel:
    """The weights the package ships (read once per process)."""
    return ReaderModel.from_json(json.loads(WEIGHTS_FILE.read_text(encoding="utf-8")))
