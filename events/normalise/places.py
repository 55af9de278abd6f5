"""Where an event is: venue, locality, online.

A venue is a run of words naming a kind of place (hotels, inns, centres, halls, colleges, theatres…);
a locality is the town in "in <Town>"; an event is online when its text says webinar, Zoom, Teams or
online. These are clues in short texts (a banner, a card), never read out of prose.
"""

from __future__ import annotations

import re

from events.normalise.word_classes import EVENT_NOUNS, is_contact, looks_like_file_name, only_link_words

VENUE_WORDS = (
    "hotel",
    "inn",
    "centre",
    "center",
    "hall",
    "house",
    "college",
    "university",
    "theatre",
    "theater",
    "arena",
    "stadium",
    "church",
    "cathedral",
    "library",
    "museum",
    "club",
    "suite",
    "building",
    "forum",
    "pavilion",
    "chambers",
    "institute",
    "school",
    "academy",
    "gallery",
    "auditorium",
    "venue",
    "lodge",
    "campus",
    "hospital",
    "chapel",
    "guildhall",
    "studio",
    "studios",
    "room",
    "rooms",
    "boardroom",
    "exchange",
    "castle",
    "manor",
    "abbey",
    "barn",
    "hub",
    "park",
    "square",
    "court",
    "office",
    "offices",
    "headquarters",
    "hq",
    "palace",
    "tower",
    "works",
    "warehouse",
    "playhouse",
    "opera",
    "field",
    "ground",
    "marquee",
    "resort",
    "spa",
    "cinema",
    "lounge",
    "depot",
    "plaza",
    "garden",
    "gardens",
    "estate",
    "station",
    "pier",
    "quay",
    "wharf",
    "conference",
    "convention",
    "assembly",
    "county",
    "council",
)
_VENUE_RE = re.compile(r"\b(?:" + "|".join(VENUE_WORDS) + r")s?\b", re.IGNORECASE)
_STRONG_VENUE_RE = re.compile(
    r"\b(?:hotel|inn|centre|center|hall|college|university|theatre|theater|arena|stadium|church|cathedral|"
    r"library|museum|suite|building|pavilion|chambers|institute|auditorium|guildhall|boardroom|playhouse|"
    r"room|venue|metropole|hilton|marriott|novotel|radisson|mercure|crowne\s+plaza|doubletree|hyatt|sheraton|"
    r"ramada|travelodge|premier\s+inn|ibis|jurys|copthorne|thistle|park\s+plaza|conference\s+centre)s?\b",
    re.IGNORECASE,
)
_ONLINE_RE = re.compile(
    r"\b(?:online|webinar|zoom|ms\s+teams|microsoft\s+teams|virtual|livestream|"
    r"live\s+stream|web\s*ex|google\s+meet|en\s+ligne|en\s+l[íi]nea|in\s+linea|онлайн)\b",
    re.IGNORECASE,
)
_NOT_TOWN = frozenset(
    {
        "the",
        "a",
        "an",
        "our",
        "your",
        "person",
        "partnership",
        "association",
        "support",
        "addition",
        "advance",
        "full",
        "order",
        "total",
        "time",
        "touch",
        "case",
        "response",
        "print",
        "place",
        "line",
        "aid",
        "stock",
        "general",
        "particular",
        "brief",
        "future",
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "conjunction",
        "collaboration",
    }
)
LOCALITY_RE = re.compile(
    r"(?<![\w])in\s+(?P<town>[A-Z][a-z’']+(?:[ -](?:(?:upon|on|under|le|in)[ -])?[A-Z][a-z’']+){0,3})"
    r"(?![\w])"
)


_STREET_RE = re.compile(
    r"\b(?:street|st|road|rd|lane|ln|avenue|ave|place|pl|way|drive|dr|close|crescent|terrace|row|walk|hill|"
    r"gate|mews|grove|parade|yard|green|embankment|circus|broadway|boulevard|blvd|highway)\b\.?",
    re.IGNORECASE,
)
_TOWN_RE = re.compile(r"[A-Z][a-z’']+(?:[ -](?:(?:upon|on|under|le|in|by|the)[ -])*[A-Z][a-z’']+){0,2}")


_HOUSE_NUMBER = re.compile(r"\d+[A-Za-z]?(?:\s*[-–]\s*\d+[A-Za-z]?)?\s+\w")  # "35-43 Lincoln's Inn Fields"


def split_place(place: str) -> tuple[str, str | None, str | None]:
    """``Royal College, 11 St Andrews Place, London`` → venue, street address and town. A last part
    that is a bare place name (no street, no kind of place, no number) is the town; from the first
    part that is a street on, the rest is the address. ``Holiday Inn, Regents Park`` stays whole."""
    parts = [p.strip() for p in place.split(",")]
    if len(parts) < 2 or not all(parts):
        return place, None, None
    town = town_of(parts[-1])
    if town == parts[-1]:
        parts = parts[:-1]
    street = next(
        (
            i
            for i, p in enumerate(parts)
            if i > 0 and (_HOUSE_NUMBER.match(p) or (_STREET_RE.search(p) and not _VENUE_RE.search(p)))
        ),
        None,
    )
    if street is None:
        return ", ".join(parts), None, town
    return ", ".join(parts[:street]), ", ".join(parts[street:]), town


_POSTCODE_TOWN = re.compile(rf"({_TOWN_RE.pattern})\s+[A-Z]{{1,2}}\d[A-Z\d]?\s*\d[A-Z]{{2}}")


def town_of(part: str) -> str | None:
    """The town an address's last part names: ``Manchester`` or ``Manchester M60 7HA``."""
    posted = _POSTCODE_TOWN.fullmatch(part)  # the address keeps the postcode; the town is read from it
    if posted and _is_town(posted.group(1)):
        return posted.group(1)
    return part if _is_town(part) else None


def town_in_address(address: str | None) -> str | None:
    """ "Kings Dock, Liverpool L3 4FP": the town an address names in its last part, if it has parts."""
    return town_of(address.rsplit(",", 1)[-1].strip()) if address and "," in address else None


def _is_town(text: str) -> bool:
    return (
        bool(_TOWN_RE.fullmatch(text))
        and not (_VENUE_RE.search(text) or _STREET_RE.search(text) or is_online(text))
        and text.split()[0].lower() not in _NOT_TOWN
    )


def looks_like_venue(text: str, strong: bool = False) -> bool:
    return bool((_STRONG_VENUE_RE if strong else _VENUE_RE).search(text))


def is_online(text: str) -> bool:
    return bool(_ONLINE_RE.search(text))


_CALL_TO_ACTION = re.compile(
    r"^(?:join|book|buy|visit|register|come|discover|find|see|get|click|call|e-?mail|contact|sign\s+up|follow|"
    r"subscribe|watch|listen|read|learn|explore|enjoy|celebrate|don[’']t\s+miss|grab|reserve)\b",
    re.IGNORECASE,
)


_NOT_A_PLACE = re.compile(
    r"^(?:(?:event\s+)?(?:location|venue|place|address)|calendar|tba|tbc|to\s+be\s+confirmed)$|"  # a label
    r"\((?:pdf|docx?|map)\)|"  # a linked document
    r"^(?:hosted|organi[sz]ed|presented|run|led|sponsored)\s+by\b|"  # who, not where
    r"\s(?:are|is|was|were|will|has|have)\s",  # a sentence's words ("in City Council Chambers and are open")
    re.IGNORECASE,
)


def looks_like_address(text: str) -> bool:
    """ "800 Occidental Ave S", "405 E El Monte Way, Dinuba CA": a number, then a street."""
    text = text.strip()
    return bool(re.match(r"\d{1,5}[a-z]?\s+\S", text)) and bool(_STREET_RE.search(text)) and len(text.split()) <= 12


def calls_to_action(text: str) -> bool:
    """ "Join us online", "Book now at the Guildhall": an invitation to act, never the name of a place."""
    return bool(_CALL_TO_ACTION.match(text.strip()))


def plausible_venue(text: str) -> bool:
    """What a block's words offered as the place may be one: not a call to action, a field's label,
    a linked document or a link's words, who hosts the event, a contact's e-mail or phone, or part of a
    sentence."""
    return (
        not calls_to_action(text)
        and not _NOT_A_PLACE.search(text.strip())
        and not is_contact(text)
        and not only_link_words(text)
        and not looks_like_file_name(text)
    )


def only_online(venue: str | None) -> bool:
    """ "Online event", "Online (Zoom)", "Virtual": a venue that names no place, only that it is online."""
    return bool(venue) and is_online(venue) and len(re.findall(r"\w+", venue)) <= 3  # type: ignore[arg-type]


def find_locality(text: str) -> tuple[str, tuple[int, int]] | None:
    """``in London`` → ``London``: a capitalised place after "in", not a month, a common noun or the
    rest of an event's name ("Women in Surgery Conference")."""
    for m in LOCALITY_RE.finditer(text):
        town = m.group("town")
        if town.split()[0].lower() in _NOT_TOWN:
            continue
        if any(word.lower() in EVENT_NOUNS for word in re.split(r"[ -]", town)):
            continue
        if looks_like_venue(town, strong=True):
            continue
        return town, m.span()
    return None


def tidy_place(text: str | None) -> str | None:
    if not text:
        return None
    text = " ".join(text.split()).strip(" ,;:-–—|•·")
    text = re.sub(r"^(?:venue|location|where|place|address)\s*:\s*", "", text, flags=re.IGNORECASE)
    text = re.sub(r"^(?:(?:starts|meet(?:s|ing)?)\s+)?(?:at|@)\s+", "", text, flags=re.IGNORECASE)
    text = re.sub(r"\s*\((?:map|directions)\)$", "", text, flags=re.IGNORECASE)  # "Visalia Convention Center (map)"
    return text or None
