"""The named features the reader's learned decisions weigh (``model.py``), in the words a careful
reader would use: where a line sits, what kind of element holds it, what its words are like.

The old hand-set rules live on here as features ("reads as prose", "under a news heading"): the
weights fitted on labelled pages decide how much each one counts, and ``--explain`` shows them. A
feature names a kind of evidence, never a site's words, classes or dates.
"""

from __future__ import annotations

import math
from collections import Counter
from functools import lru_cache

from events.extract.text.blocks import LABEL, LETTERS
from events.extract.text.titles import reads_as_sentence
from events.extract.textmap import TextMap
from events.normalise.places import calls_to_action, looks_like_address, looks_like_venue
from events.normalise.word_classes import (
    EMAIL,
    LABEL_WORDS,
    is_contact,
    looks_like_file_name,
    names_a_section,
    only_link_words,
    plain_words,
)

_CUT_ENDS = frozenset(
    "on at by for from to of in the a an and or until till between before after since during is are will be".split()
)


def log_count(n: float) -> float:
    return math.log1p(max(n, 0.0))


def word_features(words: str) -> dict[str, float]:
    """What a candidate line's own words say about it being a title."""
    return dict(_word_features(words))


@lru_cache(maxsize=8192)
def _word_features(words: str) -> tuple[tuple[str, float], ...]:  # "Read more" on every card: read once
    out: dict[str, float] = {}
    tokens = words.split()
    n = len(tokens)
    if n <= 1:
        out["one word"] = 1.0
    elif n <= 3:
        out["two or three words"] = 1.0
    elif n > 12:
        out["many words"] = 1.0
    letters = LETTERS.findall(words)
    if letters and sum(c.isupper() for c in letters) >= 0.8 * len(letters) and len(letters) >= 4:
        out["capitals"] = 1.0
    digits = sum(c.isdigit() for c in words)
    if digits and digits >= 0.3 * (digits + len(letters)):
        out["mostly figures"] = 1.0
    if EMAIL.search(words):
        out["e-mail address"] = 1.0
    elif is_contact(words):
        out["phone number"] = 1.0
    if looks_like_file_name(words):
        out["file name"] = 1.0
    plain = plain_words(words)
    if only_link_words(words):
        out["link words"] = 1.0
    if names_a_section(words):
        out["names a section"] = 1.0
    if LABEL.match(words) or (plain and all(t in LABEL_WORDS or t == "&" for t in plain)):
        out["field label"] = 1.0
    if looks_like_venue(words, strong=True):
        out["names a place"] = 1.0
    if looks_like_address(words):
        out["address"] = 1.0
    if calls_to_action(words):
        out["call to action"] = 1.0
    if reads_as_sentence(words):
        out["reads as a sentence"] = 1.0
    if words.rstrip().endswith(":"):
        out["ends with a colon"] = 1.0
    if plain and len(plain) >= 3 and plain[-1] in _CUT_ENDS:
        out["ends mid-sentence"] = 1.0  # "Our March issue goes out on": a sentence the date was cut out of
    return tuple(out.items())


def times_repeated(tm: TextMap, words: str) -> int:
    """How often a line's words stand as a text of their own on the page: a title is seldom repeated,
    template words ("Read more", "Agenda", "Accessible Agenda", "Купить билет") are on every card."""
    counts = tm.cache.get("repeated texts")
    if counts is None:
        text = tm.text
        counts = tm.cache["repeated texts"] = Counter(
            text[s:e].strip() for s, e in zip(tm.chunk_starts, tm.chunk_ends, strict=True) if e - s <= 80
        )
    return int(counts.get(words, 0))
