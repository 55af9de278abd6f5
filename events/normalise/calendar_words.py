"""Month and weekday names in the languages pages are written in, from CLDR (through Babel).

English keeps its own hand-written forms in ``dates.py`` (``Sept``, ``Tues``, ``Thurs``: the forms
English pages use, several of which CLDR does not list); every other language's names come from the
Unicode CLDR data Babel ships: wide and abbreviated, format (the genitive a date takes: "15 апреля")
and stand-alone (the nominative a heading takes: "Май"), with and without accents and the
abbreviation's dot, plus the first three letters of a month's name where that is no weekday's.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

ALWAYS = ("en", "ru")  # read on every page: English, and Cyrillic names no Latin text can be mistaken for
# "du 14 au 16 avril": the word that ends a range of days. CLDR writes ranges with a dash only, so
# these few are written here, for the languages whose pages have been seen to use them.
RANGE_WORDS = {
    "fr": "au",
    "es": "al",
    "it": "al",
    "pt": "a",
    "nl": "tot",
    "de": "bis",
    "ru": "по",
}  # read on every page: English, and Cyrillic names that no Latin text can be mistaken for


@dataclass(frozen=True)
class Names:
    months: dict[str, int]  # lower-case name or abbreviation (no dot) → 1..12
    weekdays: dict[str, int]  # → 0 (Monday) .. 6
    conjunction: str = ""  # "and" in the language's lists ("en", "et", "und"): "3 en 4 oktober"
    until: str = ""  # the word that ends a range of days ("au", "tot", "bis")


@cache
def names(language: str) -> Names:
    """One language's month and weekday names; empty for a language CLDR does not know."""
    from babel import Locale, UnknownLocaleError

    try:
        locale = Locale.parse(language)
    except (UnknownLocaleError, ValueError):
        return Names({}, {})
    pair = str(locale.list_patterns["standard"].get("2", "")).replace("{0}", "").replace("{1}", "").strip()
    weekdays: dict[str, int] = {}
    for context in ("format", "stand-alone"):
        for width in ("wide", "abbreviated", "short"):
            for number, name in locale.days[context][width].items():
                for form in _forms(name):
                    if len(form) >= 2:
                        weekdays.setdefault(form, number)
    months: dict[str, int] = {}
    for context in ("format", "stand-alone"):
        for width in ("wide", "abbreviated"):
            for number, name in locale.months[context][width].items():
                for form in _forms(name):
                    if len(form) >= 3 and form not in weekdays:
                        months.setdefault(form, number)
    for number, name in locale.months["format"]["wide"].items():
        for form in _forms(name):
            if len(form) > 3 and form[:3] not in weekdays:
                months.setdefault(form[:3], number)
    conjunction = pair if re.fullmatch(r"[^\W\d_]+", pair) else ""
    return Names(months, weekdays, conjunction, RANGE_WORDS.get(language, ""))


def _forms(name: str) -> set[str]:
    low = name.casefold().strip().rstrip(".")
    bare = "".join(c for c in unicodedata.normalize("NFD", low) if not unicodedata.combining(c))
    return {low, bare} - {""}


def alternation(words: set[str] | list[str]) -> str:
    """A regex matching any of ``words`` as a whole word, longest first, with an optional dot."""
    ordered = sorted(words, key=lambda w: (-len(w), w))
    return rf"(?:{'|'.join(re.escape(w) for w in ordered)})(?![^\W\d_])\.?"


def primary(lang: str) -> str:
    """``nl-NL`` → ``nl``; ``""`` for an unset or odd value."""
    head = re.split(r"[-_]", lang.strip().lower(), maxsplit=1)[0]
    return head if re.fullmatch(r"[a-z]{2,3}", head) else ""
