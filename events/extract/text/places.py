"""Where a block's event is: an element the site labels as the place, words that name a kind of
place, or a proper name set off in a meta line ("12 March · Manchester Central")."""

from __future__ import annotations

import re
from collections.abc import Sequence

from events.extract.text.blocks import HEADINGS, META_SEPARATOR, Block, cut
from events.extract.text.titles import GENERIC_LINK, line_of
from events.extract.textmap import TextMap
from events.normalise.places import (
    is_online,
    looks_like_address,
    looks_like_venue,
    only_online,
    plausible_venue,
    split_place,
    tidy_place,
    town_in_address,
    town_of,
)
from events.normalise.titles import is_shouting, tidy_title

# a class that names the place, in English or the page's language ("locatie", "lieu", "ort", "lugar")
_PLACE_CLASS = re.compile(
    r"(?:^|[\s_-])(?:venue|location|loc|address|where|place|locati\w*|lieu|plaats|lugar|ort|adres\w*|ubicaci\w*)"
    r"(?:$|[\s_-])",
    re.IGNORECASE,
)
# the small words between a name's capitals, in the languages pages use: "Bourse du Travail"
_NAME_WORD = (
    r"(?:[A-Z0-9À-ÖØ-Þ][\w'’.&-]*,?|&|of|the|and|at|on|upon|de|la|le|les|du|des|van|der|den|het|von|del|di|da|el)"
)
PROPER_NAME = re.compile(rf"^{_NAME_WORD}(?:\s+{_NAME_WORD}){{0,5}}$")
_ALL_DAY = re.compile(r"\ball[\s-]day\b", re.IGNORECASE)
SENTENCE = re.compile(r"[a-z]{2,}['’\"”)]?[.!?]+(?:\s|$)")


_TOWN_IN_BRACKETS = re.compile(r"\s+\(([A-Z][a-z]+(?:[ -][A-Z][a-z]+){0,2})\)$")
_ACCESS = re.compile(r"\b(?:only|members?|staff|directors?|free|required|included|invitation|guests?)\b", re.I)


def _bracketed_town(words: str) -> bool:
    """ "(Tacoma)" after a venue is its town; "(Members Only)" or "(Main Hall)" is not."""
    return town_of(words) is not None and not _ACCESS.search(words)


# "Where", and the same label in the languages pages use ("Locatie", "Lieu", "Ort", "Lugar", "Место")
_PLACE_WORDS = (
    r"venue|location|where|address|place|locatie|plaats|waar|lieu|adresse|ort|veranstaltungsort|lugar|luogo|место"
)
_PLACE_LABEL = re.compile(rf"^\s*(?:{_PLACE_WORDS})\s*:?\s*$", re.IGNORECASE)
_LABEL_WORD = rf"(?:{_PLACE_WORDS})\s*:\s*"
PLACE_LABEL_START = re.compile(rf"{_LABEL_WORD}\S", re.IGNORECASE)  # "Location: The Albany"
_LABEL_BEFORE = re.compile(rf"{_LABEL_WORD}$", re.IGNORECASE)  # "Venue: " just before the words


def find_place_element(tm: TextMap, block: Block) -> int | None:
    """An element the site itself labels as the place: by its class ("venue", "location", "address"),
    or by a label just before it (``<dt>Venue</dt><dd>The Principal</dd>``)."""
    for i in block.inner(tm):
        found = _place_mark(tm, i)
        if found is not None:
            return found
    return None


def _place_mark(tm: TextMap, index: int) -> int | None:
    """The element an element marks as the place (itself, by its class, or the one after its label);
    worked out once per element, since blocks overlap."""
    marks: dict[int, int | None] = tm.cache.setdefault("place marks", {})
    if index in marks:
        return marks[index]
    el = tm.elements[index]
    found = None
    if el.end > el.start:
        if _PLACE_CLASS.search(el.node.attrs.get("class") or ""):
            found = index
        elif el.tag in ("dt", "th", "label", "strong", "b", "span", "div") and _PLACE_LABEL.match(tm.text_of(index)):
            after = tm.next_sibling(index)
            if after is not None and tm.elements[after].end > tm.elements[after].start:
                found = after
    marks[index] = found
    return found


_ROOM = re.compile(r"\b(?:room|floor|suite|chambers?|boardroom|auditorium|wing|annex|annexe|level)\b", re.IGNORECASE)


def _building_of(text: str, before: tuple[int, int] | None, room: str) -> str | None:
    """ "Homewood-Brushton Branch YMCA" on the line above "2nd Floor Conference Room": a room is in
    the building the line before it names."""
    if before is None or not _ROOM.search(room):
        return None
    name = text[before[0] : before[1]].strip(" ,.")
    if PROPER_NAME.match(name) and plausible_venue(name) and not _ROOM.search(name) and not looks_like_address(name):
        return name
    return None


def venue_in(
    text: str,
    segments: list[tuple[int, int]],
    title_span: tuple[int, int],
    documents: Sequence[tuple[int, int]] = (),
    badges: Sequence[tuple[int, int]] = (),
) -> str | None:
    """The first segment naming a kind of place; never the title, nor the name of a linked document
    ("Town Hall Agenda (pdf)"). A category badge ("Ballet, Dance, Main House") gives only its part
    that names a kind of place."""
    rest = [
        (s, e)
        for s, e in segments
        if not (s >= title_span[0] and e <= title_span[1]) and not any(ds <= s and e <= de for ds, de in documents)
    ]
    in_badge = {(s, e) for s, e in rest if any(bs <= s and e <= be for bs, be in badges)}
    for s, e in rest:  # "Venue: The Principal, Oxford Road", the label in its own element or in the same words
        if (_LABEL_BEFORE.search(text, max(0, s - 12), s) or PLACE_LABEL_START.match(text, s, e)) and len(
            text[s:e].split()
        ) <= 12:
            return tidy_place(text[s:e])
    for strong in (True, False):
        for k, (s, e) in enumerate(rest):
            piece = text[s:e].rstrip(" .")
            if (s, e) in in_badge:
                parts = re.split(r"\s*[,|/·•]\s*", piece)
                piece = next((p for p in parts if looks_like_venue(p, strong=strong) and PROPER_NAME.match(p)), "")
            if (
                looks_like_venue(piece, strong=strong)
                and len(piece.split()) <= 12
                and not SENTENCE.search(piece)
                and plausible_venue(piece)
            ):
                building = _building_of(text, rest[k - 1] if k else None, piece)
                return tidy_place(f"{building}, {piece}" if building else piece)
    for s, e in rest:  # "12 March · Manchester Central": a proper name set off by a separator is the place
        piece = text[s:e].strip()
        beside = text[max(0, s - 3) : s] + text[e : e + 3]
        if (
            META_SEPARATOR.search(beside)
            and PROPER_NAME.match(piece)
            and not _ALL_DAY.search(piece)
            and not GENERIC_LINK.match(piece)
            and (s, e) not in in_badge
            and plausible_venue(piece)
        ):
            return tidy_place(piece)
    return None


def meta_line_place(tm: TextMap, block: Block, text: str, start: int, removed: list[tuple[int, int]]) -> str | None:
    """ "<h3>Sunday May 24</h3><h3>11 am–2 pm</h3><h3>Overlook Walk</h3>": beside a date set as a
    heading, a heading of the same level holding only a proper name is the place."""
    if not block.dates:
        return None
    date_el = line_of(tm, min(block.dates, key=lambda d: d.span).span)
    el = tm.elements[date_el]
    if el.tag not in HEADINGS or el.parent < 0:
        return None
    for i in tm.children(el.parent):
        other = tm.elements[i]
        if i == date_el or other.tag != el.tag or not (start <= other.start and other.end <= start + len(text)):
            continue
        words = cut(text, (other.start - start, other.end - start), removed).strip()
        if words and PROPER_NAME.match(words) and plausible_venue(words):
            return tidy_place(words)
    return None


def element_place(
    tm: TextMap, place: int, text: str, start: int, removed: list[tuple[int, int]]
) -> tuple[str | None, str | None]:
    """Venue and address from the element the site labels as the place: its first part names the
    venue, the rest is the address (``<address><span>The Studio</span><span>7 Cannon St</span></address>``)."""
    parts = [
        p
        for p in (
            cut(text, (tm.elements[k].start - start, tm.elements[k].end - start), removed) for k in tm.children(place)
        )
        if p
    ]
    if len(parts) >= 2:
        return tidy_place(parts[0]), tidy_place(", ".join(parts[1:]))
    cell = tm.elements[place]
    return tidy_place(cut(text, (cell.start - start, cell.end - start), removed)) or None, None


def settle_place(
    text: str, venue: str | None, address: str | None, town: str | None, acronyms: set[str]
) -> tuple[str | None, str | None, str | None, bool]:
    """The venue, address, town and whether the event is online, once the block's words are read:
    "Online event" is no venue, a banner's capitals are made readable, "The Studio, 7 Cannon Street,
    Birmingham" splits into its parts, and an address's last part names the town."""
    if venue and is_shouting(venue):  # "HILTON BIRMINGHAM METROPOLE" on a banner
        venue = tidy_title(venue, acronyms)
    online = is_online(text) and not venue
    if only_online(venue):
        venue, online = None, True
    if venue and town is None and (m := _TOWN_IN_BRACKETS.search(venue)) and _bracketed_town(m.group(1)):
        venue, town = venue[: m.start()], m.group(1)  # "Temple Theatre (Tacoma)"
    if venue and address is None:
        venue, address, in_town = split_place(venue)
        town = town or in_town
    elif town is None:
        town = town_in_address(address)
    return venue, address, town, online
