"""The named features the reader's learned decisions weigh (``model.py``), in the words a careful
reader would use: where a line sits, what kind of element holds it, what its words are like.

The old hand-set rules live on here as features ("reads as prose", "under a news heading"): the
weights fitted on labelled pages decide how much each one counts, and ``--explain`` shows them. A
feature names a kind of evidence, never a site's words, classes or dates.
"""

from __future__ import annotations

import math
from collections import Counter

from events.extract.text.blocks import LABEL, LETTERS
from events.extract.text.titles import reads_as_sentence
from events.extract.textmap import TextMap
from events.normalise.places import calls_to_action, looks_like_address, looks_like_venue
from events.normalise.word_classes import (
    EMAIL,
    LABEL_WORDS,
    is_contact,
    looks_like_file_name,
    only_link_words,
    plain_words,
)


def log_count(n: float) -> float:
    return math.log1p(max(n, 0.0))


def word_features(words: str) -> dict[str, float]:
    """What a candidate line's own words say about it being a title."""
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
    return out


def repeated_texts(tm: TextMap) -> Counter[str]:
    """How often each short text stands as a whole element on the page: a title is seldom repeated,
    template words ("Read more", "Agenda", "Accessible Agenda") are on every card."""
    counts = tm.cache.get("repeated texts")
    if counts is None:
        text = tm.text
        # an element and its only child hold the same words at the same place: counted once
        places = {(_key(text[el.start : el.end]), el.start) for el in tm.elements if 0 < el.end - el.start <= 80}
        counts = Counter(words for words, _ in places)
        tm.cache["repeated texts"] = counts
    return counts


def times_repeated(tm: TextMap, words: str) -> int:
    return repeated_texts(tm).get(_key(words), 0)


def _key(text: str) -> str:
    return " ".join(text.split()).casefold()
