"""Find the dates people write on event pages, and read them into ``date`` ranges.

No library reads event text well (``dateparser`` gives up on ``13 & 14 November 2024``, ``dateutil``
reads it as 2013), so this is a small compiled grammar of the forms pages use:
``18th April``, ``Tue 5 March 2024``, ``13 & 14 November 2024``, ``30 June – 2 July 2025``,
``March 5th, 2024``, ``Oct 12-13, 2022``, ``05/03/2024``, ``2024-03-05``.

A date without a year takes the first such date on or after 60 days before the fetch date, so a
page fetched in January that says ``18th April`` means this April, and one that says ``20 December``
means last December. A weekday that contradicts a yearless date picks the neighbouring year it fits;
it never raises. ``31 February`` is no date.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

from events.normalise.calendar_words import ALWAYS, alternation, names

_MONTHS = {"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "oct": 10}
_MONTHS |= {"nov": 11, "dec": 12}
_WEEKDAYS = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}

# English as English pages write it; other languages' names come from CLDR (calendar_words.py)
ENGLISH_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)(?![a-z])\.?"
)
ENGLISH_WEEKDAY = (
    r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday"
    r"|mon|tues?|wed|weds|thu|thur|thurs|fri|sat|sun)(?![a-z])\.?"
)
# "13(W)": some sites put the weekday's initial in brackets after the day; "1er", "2e" in French,
# "24." in German
DAY = r"(?:3[01]|[12]\d|0?[1-9])(?!\d)(?:st|nd|rd|th|er|e)?(?![^\W\d_])\.?(?:\s*\([A-Za-z]{1,4}\.?\))?"
YEAR = r"(?:19|20)\d\d(?!\d)"
SEP = r"\s*(?:-|–|—|‒|―|to|until|till|through|thru)\s*"


def _sep(words: set[str]) -> str:
    """A dash, "to" or "until", or the page's own language's word for it ("au", "tot")."""
    extra = "".join(f"|{re.escape(w)}" for w in sorted(words))
    return rf"\s*(?:-|–|—|‒|―|to|until|till|through|thru{extra})\s*"


def _list(conjunctions: str) -> str:
    """ "3, 4 and 5 May" ("3 en 4 oktober"); never the "12+" of an age rating."""
    return rf"(?:\s*(?:,|&)\s*|\s+(?:{conjunctions}|\+)\s+)"


_OF = r"(?:(?:of|de|del)\s+)?"  # "1st of May", "24 de octubre de 2025"
# what may stand between the two ends of a range: a dash or "to", possibly after the first day's time
# ("Fri 8 Nov 2024 18:00 - Sun 10 Nov 2024 14:00"), or "and" ("3 and 4 October", "3 en 4 oktober")
_CLOCK = r"(?:,?\s*(?:at\s+|from\s+)?\d{1,2}(?:[:.]\d{2})?\s*(?:[ap]\.?m\.?)?)"


def _patterns(month: str, weekday: str, conjunctions: str, sep: str) -> dict[str, str]:
    wd = rf"(?:(?P<wd>{weekday})\s*,?\s*)?"
    listed = _list(conjunctions)
    year = rf"(?:\s*,?\s*{_OF}(?P<y1>{YEAR}))?"
    return {
        # 30 June – 2 July 2025 / 27th November - 11th January
        "dmy_range": rf"{wd}(?P<d1>{DAY})\s*{_OF}(?P<m1>{month}){year}{sep}"
        rf"(?:{weekday}\s*,?\s*)?(?P<d2>{DAY})\s*{_OF}(?P<m2>{month})(?:\s*,?\s*{_OF}(?P<y2>{YEAR}))?",
        # 13 & 14 November 2024 / 12-13 Oct 2022 / 3, 4 and 5 May
        "dmy_days": rf"{wd}(?P<d1>{DAY})(?:{listed}{DAY})*(?:{listed}|{sep})(?:{weekday}\s*,?\s*)?(?P<d2>{DAY})\s*"
        rf"{_OF}(?P<m1>{month}){year}",
        # Tue 5 March 2024 / 18th April / 1st of May
        "dmy": rf"{wd}(?P<d1>{DAY})\s*{_OF}(?P<m1>{month}){year}",
        # March 5th – April 2nd, 2024
        "mdy_range": rf"{wd}(?P<m1>{month})\s*(?P<d1>{DAY}){year}{sep}"
        rf"(?P<m2>{month})\s*(?P<d2>{DAY})(?:\s*,?\s*(?P<y2>{YEAR}))?",
        # Oct 12-13, 2022
        "mdy_days": rf"{wd}(?P<m1>{month})\s*(?P<d1>{DAY})(?:{listed}|{sep})(?P<d2>{DAY}){year}",
        # Tuesday, March 5th, 2024 / Jan 29, 2024
        "mdy": rf"{wd}(?P<m1>{month})\s*(?P<d1>{DAY}){year}",
        "iso": r"(?<![\d-])(?P<y1>(?:19|20)\d\d)-(?P<m1>[01]\d)-(?P<d1>[0-3]\d)(?![\d])",
        "numeric": r"(?<![\d/.-])(?P<a>\d{1,2})(?P<s>[/.-])(?P<b>\d{1,2})(?P=s)(?P<y1>(?:19|20)?\d\d)(?![\d/-])",
    }


@dataclass(frozen=True)
class Grammar:
    """The date patterns for one set of languages: English and the page's own."""

    languages: tuple[str, ...]
    month: str  # a regex for any month's name
    weekday: str
    months: dict[str, int]
    weekdays: dict[str, int]
    compiled: list[tuple[str, re.Pattern[str]]]  # case-insensitive, for text that lowercasing would change
    # The fast path reads the text lowercased (case-sensitive matching is about twice as quick) and runs
    # the patterns that need a month's name only within reach of one: most of a page's text holds none.
    wordy: list[tuple[str, re.Pattern[str]]]
    figures: list[tuple[str, re.Pattern[str]]]
    month_word: re.Pattern[str]
    join: re.Pattern[str]  # what may stand between the two ends of a range

    def month_number(self, text: str) -> int:
        word = text.casefold().rstrip(".")
        return self.months.get(word) or _MONTHS[word[:3]]

    def weekday_number(self, text: str | None) -> int | None:
        if not text:
            return None
        word = text.casefold().rstrip(".")
        found = self.weekdays.get(word)
        return found if found is not None else _WEEKDAYS.get(word[:3])


@cache
def grammar(languages: tuple[str, ...] = ALWAYS) -> Grammar:
    """English plus the other ``languages``' month and weekday names (CLDR)."""
    months: dict[str, int] = {}
    weekdays: dict[str, int] = {}
    conjunctions = {"and"}
    until: set[str] = set()
    for language in languages:
        if language != "en":
            found = names(language)
            conjunctions |= {found.conjunction} - {""}
            until |= {found.until} - {""}
            months |= {k: v for k, v in found.months.items() if k not in months}
            weekdays |= {k: v for k, v in found.weekdays.items() if k not in weekdays}
    # a word that names a month in one language and a weekday in another is read as neither
    clash = set(months) & set(weekdays)
    months = {k: v for k, v in months.items() if k not in clash}
    weekdays = {k: v for k, v in weekdays.items() if k not in clash}
    month = f"(?:{ENGLISH_MONTH}|{alternation(set(months))})" if months else ENGLISH_MONTH
    weekday = f"(?:{ENGLISH_WEEKDAY}|{alternation(set(weekdays))})" if weekdays else ENGLISH_WEEKDAY
    conjunction = "|".join(sorted(re.escape(c) for c in conjunctions))
    sep = _sep(until)
    patterns = _patterns(month, weekday, conjunction, sep)
    stems = "|".join(sorted({re.escape(k) for k in months} | set(_MONTHS), key=lambda w: (-len(w), w)))
    return Grammar(
        languages=languages,
        month=month,
        weekday=weekday,
        months=months,
        weekdays=weekdays,
        compiled=[(name, re.compile(rf"(?<![\w]){p}", re.IGNORECASE)) for name, p in patterns.items()],
        wordy=[(name, re.compile(rf"(?<![\w]){p}")) for name, p in patterns.items() if name not in ("iso", "numeric")],
        figures=[(name, re.compile(rf"(?<![\w]){p}")) for name, p in patterns.items() if name in ("iso", "numeric")],
        # no lookbehind here: it stops the regex engine skipping ahead by the stems' first letters (4× slower);
        # a window opened inside a word costs a little, the patterns themselves check their edges
        month_word=re.compile(rf"(?:{stems})"),
        join=re.compile(rf"^(?:{_CLOCK}?{sep}|\s*(?:&|{conjunction})\s*)$", re.IGNORECASE),
    )


MONTH = grammar().month  # English and Russian, for callers that read no particular page
WEEKDAY = grammar().weekday
_REACH = 100  # characters either side of a month's name that a date around it can take
_MONTH_YEAR = re.compile(
    rf"(?<![\w])(?P<q>(?:early|mid|late|end\s+of|the\s+end\s+of)[\s-]+)?(?P<m1>{MONTH})"
    rf"\s*,?\s*(?P<y1>{YEAR})",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class DateMatch:
    """A date or a range of days found in text; ``span`` locates it in that text."""

    span: tuple[int, int]
    start: date
    end: date | None  # the last day, inclusive; None for a single day
    explicit_year: bool
    weekday_mismatch: bool = False


def month_number(text: str) -> int:
    return grammar().month_number(text)


def infer_year(month: int, day: int, today: date, weekday: int | None = None) -> date | None:
    """The first such date on or after 60 days before ``today``; a weekday may move it a year."""
    floor = today - timedelta(days=60)
    chosen = None
    for year in (today.year - 1, today.year, today.year + 1):
        candidate = safe_date(year, month, day)
        if candidate is not None and candidate >= floor:
            chosen = candidate
            break
    if chosen is None or weekday is None or chosen.weekday() == weekday:
        return chosen
    for year in (chosen.year - 1, chosen.year + 1):
        candidate = safe_date(year, month, day)
        if candidate is not None and candidate.weekday() == weekday:
            return candidate
    return chosen


def safe_date(year: int, month: int, day: int) -> date | None:
    """The day, or None for one that does not exist (31 February)."""
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _day(text: str) -> int:
    return int(re.match(r"\d+", text).group())  # type: ignore[union-attr]


def weekday_number(text: str | None) -> int | None:
    """Monday 0 … Sunday 6, from a weekday's name or its abbreviation."""
    return grammar().weekday_number(text)


def _build(name: str, m: re.Match[str], today: date, month_first: bool, words: Grammar) -> DateMatch | None:
    g = m.groupdict()
    wd = words.weekday_number(g.get("wd"))
    if name == "numeric":
        a, b = int(g["a"]), int(g["b"])
        if g["s"] in ".-" and len(g["y1"]) == 2:
            return None  # 10.30.45 or 1-2-24 is more likely a version, a time or a score than a date
        if a > 12 or (not month_first and b <= 12):
            day, month = a, b
        else:
            month, day = a, b
        year = int(g["y1"]) + (2000 if len(g["y1"]) == 2 else 0)
        start = safe_date(year, month, day)
        return DateMatch(m.span(), start, None, True) if start else None
    if name == "iso":
        start = safe_date(int(g["y1"]), int(g["m1"]), int(g["d1"]))
        return DateMatch(m.span(), start, None, True) if start else None
    m1 = words.month_number(g["m1"])
    d1 = _day(g["d1"])
    y1 = int(g["y1"]) if g.get("y1") else None
    if name in ("dmy", "mdy"):
        start = safe_date(y1, m1, d1) if y1 else infer_year(m1, d1, today, wd)
        if start is None:
            return None
        return DateMatch(m.span(), start, None, y1 is not None, wd is not None and start.weekday() != wd)
    if name in ("dmy_days", "mdy_days"):
        d2 = _day(g["d2"])
        if d2 <= d1:
            return None
        start = safe_date(y1, m1, d1) if y1 else infer_year(m1, d1, today, wd)
        end = safe_date(start.year, m1, d2) if start else None
        if start is None or end is None:
            return None
        return DateMatch(m.span(), start, end, y1 is not None)
    # ranges across months, each side with or without its own year
    m2, d2 = words.month_number(g["m2"]), _day(g["d2"])
    y2 = int(g["y2"]) if g.get("y2") else None
    return _range(m.span(), (y1, m1, d1), (y2, m2, d2), today, wd)


def _range(
    span: tuple[int, int],
    first: tuple[int | None, int, int],
    last: tuple[int | None, int, int],
    today: date,
    weekday: int | None = None,
) -> DateMatch | None:
    (y1, m1, d1), (y2, m2, d2) = first, last
    if y1 is None and y2 is not None:
        y1 = y2 if (m1, d1) <= (m2, d2) else y2 - 1
    start = infer_year(m1, d1, today, weekday) if y1 is None else safe_date(y1, m1, d1)
    if start is None:
        return None
    if y2 is None:
        y2 = start.year if (m2, d2) >= (m1, d1) else start.year + 1
    end = safe_date(y2, m2, d2)
    if end is None or end <= start or (end - start).days > 366:
        return None
    return DateMatch(span, start, end, first[0] is not None or last[0] is not None)


def find_dates(
    text: str, today: date, month_first: bool = False, languages: tuple[str, ...] = ALWAYS
) -> list[DateMatch]:
    """Every day or range of days in ``text``, left to right, never overlapping, with month and
    weekday names in English and ``languages``.

    Two dates joined only by a dash, "to" or "&" become one range.
    """
    words = grammar(languages)
    found: list[tuple[int, int, DateMatch]] = []
    for name, m in _matches(text, words):
        built = _build(name, m, today, month_first, words)
        if built is not None:
            found.append((m.start(), -(m.end() - m.start()), built))
    found.sort(key=lambda item: (item[0], item[1]))
    chosen: list[DateMatch] = []
    taken_until = -1
    for start, _neg_len, match in found:
        if start >= taken_until:
            chosen.append(match)
            taken_until = match.span[1]
    return _join_ranges(text, chosen, words.join)


def _matches(text: str, words: Grammar) -> Iterator[tuple[str, re.Match[str]]]:
    low = text.lower()
    if len(low) != len(text):  # a character that changes length when lowered ("İ"): read it as written
        for name, regex in words.compiled:
            for m in regex.finditer(text):
                yield name, m
        return
    # figures ("05/03/2024", "2024-03-05") only around a digit, a separator and a digit
    near_figures = _windows(_FIGURE_HINT.finditer(low), 12)
    for name, regex in words.figures:
        for lo, hi in near_figures:
            for m in regex.finditer(low, lo, min(hi, len(low))):
                yield name, m
    windows = _windows(words.month_word.finditer(low), _REACH)
    for name, regex in words.wordy:
        for lo, hi in windows:
            for m in regex.finditer(low, lo, min(hi, len(low))):
                yield name, m


_FIGURE_HINT = re.compile(r"\d[/.-]\d")


def _windows(hints: Iterator[re.Match[str]], reach: int) -> list[list[int]]:
    """Stretches of text within ``reach`` of a hint, overlapping ones merged."""
    windows: list[list[int]] = []
    for m in hints:
        lo, hi = max(0, m.start() - reach), m.end() + reach
        if windows and lo <= windows[-1][1]:
            windows[-1][1] = hi
        else:
            windows.append([lo, hi])
    return windows


def _join_ranges(text: str, matches: list[DateMatch], join: re.Pattern[str]) -> list[DateMatch]:
    out: list[DateMatch] = []
    for match in matches:
        prev = out[-1] if out else None
        if (
            prev is not None
            and prev.end is None
            and match.end is None
            and join.match(text[prev.span[1] : match.span[0]])
        ):
            joined = _join_pair(prev, match)
            if joined is not None:
                out[-1] = joined
                continue
        out.append(match)
    return out


def _join_pair(first: DateMatch, last: DateMatch) -> DateMatch | None:
    start: date | None = first.start
    end: date | None = last.start
    assert start is not None and end is not None
    if not first.explicit_year and last.explicit_year:
        start = safe_date(
            end.year if (start.month, start.day) <= (end.month, end.day) else end.year - 1, start.month, start.day
        )
    elif first.explicit_year and not last.explicit_year:
        end = safe_date(
            start.year if (end.month, end.day) >= (start.month, start.day) else start.year + 1, end.month, end.day
        )
    elif not first.explicit_year and end < start:
        end = safe_date(end.year + 1, end.month, end.day)
    if start is None or end is None or end <= start or (end - start).days > 366:
        return None
    return DateMatch(
        (first.span[0], last.span[1]), start, end, first.explicit_year or last.explicit_year, first.weekday_mismatch
    )


@dataclass(frozen=True)
class MonthMatch:
    span: tuple[int, int]
    value: str  # "2024-04"


def find_months(text: str) -> list[MonthMatch]:
    """``late April 2024`` → ``2024-04``: a month, not a day; used for when booking opens."""
    return [
        MonthMatch(m.span(), f"{int(m.group('y1')):04d}-{month_number(m.group('m1')):02d}")
        for m in _MONTH_YEAR.finditer(text)
    ]
