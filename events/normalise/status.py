"""Read an event's status and its booking status from the words a site uses.

Booking keeps the site's own label (``Awards open now``) and, where it says so, when booking opens
(``2024-04`` for "Opening late April 2024", a day where one is given). Phrases are matched as phrases,
never single words: "book" alone is a verb in every newsletter, "book now" is a call to action.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from events.normalise.dates import MONTH, YEAR, find_dates, find_months

_WHEN = (
    rf"(?:(?:early|mid|late|end\s+of)[\s-]+)?{MONTH}(?:\s+{YEAR})?"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+{MONTH}(?:\s+{YEAR})?"
)

# Order matters: the first state whose phrase appears wins (sold out beats "book now" beside it, and
# "fully booked: join the waiting list" is a waiting list, which is what a member can still do).
_BOOKING: list[tuple[str, str]] = [
    (  # "Free, no need to book", "No registration required", "drop in": nothing to book
        "none",
        r"no\s+(?:need\s+to\s+(?:book|register|reserve)|(?:booking|bookings|registration|tickets?|reservations?)\s+"
        r"(?:is\s+|are\s+)?(?:required|needed|necessary))|(?:booking|registration|tickets?)\s+(?:is\s+|are\s+)?not\s+"
        r"(?:required|needed|necessary)|just\s+(?:turn\s+up|come\s+along|drop\s+in)|drop[\s-]in\s+(?:event|session)",
    ),
    (
        "waitlist",
        r"(?:join|add\s+yourself\s+to)\s+(?:(?:the|our|a)\s+)?wait(?:ing)?[\s-]*list|wait(?:ing)?[\s-]*list\s+"
        r"(?:only|open)|waitlist",
    ),
    (
        "sold_out",
        r"sold[\s-]*out|fully[\s-]+booked|no\s+(?:more\s+)?(?:tickets|places|spaces|seats)\s+"
        r"(?:left|remaining|available)|at\s+(?:full\s+)?capacity|(?:event|course)\s+(?:is\s+)?full",
    ),
    (
        "closed",
        r"(?:registration|registrations|booking|bookings|applications?|entries|nominations|sales?|"
        r"tickets?)\s+(?:(?:is|are|have|has)\s+)?(?:now\s+)?(?:closed|ended)|closed\s+for\s+"
        r"(?:booking|registration|entries)|no\s+longer\s+(?:taking|accepting)\s+(?:bookings|registrations)",
    ),
    (
        "soon",
        rf"on\s+sale\s+soon|coming\s+soon|(?:booking|bookings|registration|tickets?|applications?|"
        rf"nominations|entries|sales?)\s+(?:will\s+)?(?:opens?|open\s+soon|go\s+on\s+sale|available|"
        rf"launch(?:es)?)(?:\s+(?:on|in|from))?\s+(?:{_WHEN}|soon)|(?:booking|registration|bookings)\s+opens\b"
        rf"|opening\s+(?:{_WHEN})|opens?\s+(?:for\s+(?:booking|bookings|registration)\s+)?(?:in\s+|on\s+)?(?:{_WHEN})"
        rf"|save\s+the\s+date",
    ),
    (
        "open",
        r"book\s+(?:now|today|online|here|your\s+(?:place|ticket|tickets|seat|space)|a\s+place|tickets?)"
        r"|on\s+sale\s+now|tickets?\s+(?:are\s+)?(?:now\s+)?(?:available|on\s+sale)|buy\s+(?:your\s+)?tickets?"
        r"|register\s+(?:now|here|today|online|your\s+interest|by)|sign\s+up\s+(?:now|here|today)|book\s+by"
        r"|(?:booking|bookings|registrations?)\s+(?:are\s+|is\s+)?(?:now\s+)?being\s+(?:taken|accepted)"
        r"|(?:booking|bookings|registration|registrations|awards|applications?|nominations|entries|tickets)"
        r"\s+(?:(?:is|are)\s+)?(?:now\s+)?open(?:\s+now)?|open\s+for\s+(?:booking|registration|entries)"
        r"|reserve\s+(?:your|a)\s+(?:free\s+)?(?:place|seat|spot|ticket)|book\s+(?:via|on|through)\s+[A-Z]\w+"
        r"|(?:last|final)\s+few\s+(?:places|spaces|tickets|seats)|few\s+(?:places|spaces|tickets|seats)\s+left"
        r"|almost\s+full|selling\s+fast|(?:booking|registration|pre-booking)\s+(?:is\s+)?(?:essential|required)"
        r"|(?:places|spaces|tickets|seats)\s+(?:still\s+)?available|limited\s+(?:places|spaces|availability)"
        r"|tickets?\s*(?:from|cost|are|:)?\s*£\s?\d+(?:\.\d\d)?",
    ),
]
_BOOKING_RE = [(state, re.compile(rf"(?<![\w]){pattern}(?![\w])", re.IGNORECASE)) for state, pattern in _BOOKING]
# Most blocks hold no booking phrase: a plain substring test (C speed) rules them out before any
# regex runs. Every phrase above contains one of these stems.
_BOOKING_STEMS = (
    "sold", "book", "ticket", "place", "space", "seat", "capacity", "full", "wait", "regist", "applica",
    "entries", "nominat", "sale", "close", "ended", "soon", "open", "save", "buy", "sign", "reserv",
    "availab", "limited", "taking", "accepting", "no need", "not ", "no ", "turn up", "come along", "drop",
)  # fmt: skip
_STATUS_STEMS = ("postpon", "cancel", "called", "schedul", "date")

_EVENT_STATUS: list[tuple[str, re.Pattern[str]]] = [
    (
        "postponed",
        re.compile(
            r"(?<!\w)(?:postponed|new\s+date\s+(?:tbc|tba|to\s+be\s+(?:confirmed|announced)))"
            r"(?!\w)",
            re.IGNORECASE,
        ),
    ),
    (
        "cancelled",
        re.compile(r"(?<![\w])(?<!be )(?<!if )cancell?ed(?![\w])|(?<!\w)called\s+off(?!\w)", re.IGNORECASE),
    ),
    ("rescheduled", re.compile(r"(?<!\w)(?:rescheduled|re-scheduled|date\s+changed|new\s+date)(?!\w)", re.IGNORECASE)),
]
_SCHEMA_STATUS = {
    "eventscheduled": "scheduled",
    "eventcancelled": "cancelled",
    "eventcanceled": "cancelled",
    "eventpostponed": "postponed",
    "eventrescheduled": "rescheduled",
    "eventmovedonline": "scheduled",
}
_SCHEMA_AVAILABILITY = {
    "instock": "open",
    "limitedavailability": "open",
    "onlineonly": "open",
    "instoreonly": "open",
    "presale": "soon",
    "preorder": "soon",
    "presold": "soon",
    "soldout": "sold_out",
    "outofstock": "sold_out",
    "discontinued": "closed",
    "backorder": "waitlist",
}


@dataclass(frozen=True)
class Booking:
    state: str
    label: str | None = None
    opens: str | None = None
    span: tuple[int, int] | None = None


def sentence_case(text: str) -> str:
    """``AWARDS OPEN NOW`` → ``Awards open now``; ``Opening Late April 2024`` → ``Opening late April 2024``."""
    words = text.split()
    out = []
    for i, word in enumerate(words):
        bare = re.sub(r"\W", "", word)
        if i == 0 or (re.fullmatch(MONTH, bare, re.IGNORECASE) and len(bare) > 2):
            out.append(word[:1].upper() + word[1:].lower())
        else:
            out.append(word.lower())
    return " ".join(out)


def find_booking(text: str, today: date | None = None) -> Booking:
    lowered = text.lower()
    if not any(stem in lowered for stem in _BOOKING_STEMS):
        return Booking("none")
    for state, regex in _BOOKING_RE:
        m = regex.search(text)
        if m:
            phrase = " ".join(m.group().split())
            return Booking(state, sentence_case(phrase), _opens(phrase, today) if state == "soon" else None, m.span())
    return Booking("none")


def _opens(phrase: str, today: date | None) -> str | None:
    if today is not None:
        days = find_dates(phrase, today)
        if days:
            return days[0].start.isoformat()
    months = find_months(phrase)
    return months[0].value if months else None


def find_event_status(text: str) -> tuple[str, tuple[int, int] | None]:
    lowered = text.lower()
    if not any(stem in lowered for stem in _STATUS_STEMS):
        return "scheduled", None
    for state, regex in _EVENT_STATUS:
        m = regex.search(text)
        if m:
            return state, m.span()
    return "scheduled", None


def schema_event_status(value: str | None) -> str | None:
    if not value:
        return None
    key = re.sub(r"[^a-z]", "", value.rsplit("/", 1)[-1].lower())
    return _SCHEMA_STATUS.get(key)


def schema_availability(value: str | None) -> str | None:
    if not value:
        return None
    key = re.sub(r"[^a-z]", "", value.rsplit("/", 1)[-1].lower())
    return _SCHEMA_AVAILABILITY.get(key)
