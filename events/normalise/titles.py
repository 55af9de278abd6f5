"""Titles as a person would write them: banner capitals tidied, acronyms kept, stray punctuation off.

``HCSA LONDON & SOUTH REGIONAL EIS EVENT`` → ``HCSA London & South Regional EIS Event``. A shouted
word stays in capitals when the page writes it in capitals elsewhere in ordinary text, when it has
no vowel (NHS, BMJ), or when it is a short word that is not an everyday English one (EIS, HCSA).
"""

from __future__ import annotations

import re
import unicodedata

# Short everyday words that are words, not acronyms, when a banner shouts them.
_COMMON_SHORT = frozenset(
    """
a an and are as at be but by can day do for from get go has have he her his how if in into is it its
join me my new no not now of off on one open our out own per see she so the to two up us via was way
we who why will with you your all any art arts big bid cup end eve far few fun hot law let lot man
may men mid old pay put red run sea set six ten top war win yes yet age aid air arm ask bar bed bus
car cut dog eat eye fee fit fly guy hat key kid lab lie low mix net nor odd oil pen pet pie pop raw
row sad sit sky son sun tax tea tie toy van wet able also area away back band bank base bath bell
best bill bird blue boat body book born both call calm camp card care case cash city club cold come
cook cool core cost crew dark data date dawn dead deal dean dear deep desk diet door down draw drop
dual duty each east easy edge else even ever face fact fair fall farm fast fear feel file film find
fine fire firm fish five flat food foot form four free full fund gain game gate gift girl give glad
goal gold golf good gown grow hair half hall hand hard head hear heat help here high hill hold holy
home hope host hour huge idea inn into item jobs just keen keep kind king land last late lead left
less life lift like line link list live load loan lock long look lord loss love made main make many
mark mass meal mean meet menu mile mind miss mode more most move much must name near need news next
nice nine note once only over pack page paid pain pair park part pass past path pick plan play plus
poll pool poor post pull pure race rail rain rare rate read real rest rich ride ring rise risk road
rock role room rose rule safe sale salt same save seat seek sell send ship shop show shut side sign
site size skin slow snow soft sold some song soon sort spot star stay step stop such sure take talk
tall team tell term test text than that them then they thin this time tour town tree trip true turn
type unit upon used user vast very view vote wage wait walk wall want ward warm wash wave weak wear
week well west what when wide wife wild wind wine wise wish wood word work yard year zero zone
rep reps pay fair gala ball tour talk walk quiz ride fete expo show trip tea
""".split()
)
_SMALL = frozenset(
    {
        "a",
        "an",
        "and",
        "as",
        "at",
        "but",
        "by",
        "for",
        "from",
        "in",
        "into",
        "of",
        "on",
        "or",
        "the",
        "to",
        "via",
        "with",
    }
)
# control characters, zero-width marks and the bidirectional overrides and isolates (U+202A–U+202E,
# U+2066–U+2069, U+061C) that can make a title read backwards in a calendar
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028\u2029\ufeff\u202a-\u202e\u2066-\u2069\u061c]")
_WORD = re.compile(r"[A-Za-z][A-Za-z'’]*")
_SYMBOLS = frozenset({"So", "Sm"})
_STRAY = " \t\n,;:|/\\-–—•·*>»«<()[]{}\"'"


def is_shouting(text: str) -> bool:
    letters = sum(map(str.isalpha, text))
    if letters < 4:
        return False
    return sum(map(str.isupper, text)) / letters > 0.8


def page_acronyms(text: str) -> set[str]:
    """Words a page writes in capitals between ordinary mixed-case words: its own acronyms.

    A capitalised word beside other capitalised words is shouting, not an acronym.
    """
    words = re.findall(r"[A-Za-z][A-Za-z0-9&']*", text)
    found: set[str] = set()
    for i, word in enumerate(words):
        if len(word) < 2 or not word.isupper():
            continue
        before = words[i - 1] if i else ""
        after = words[i + 1] if i + 1 < len(words) else ""
        if not (len(before) > 1 and before.isupper()) and not (len(after) > 1 and after.isupper()):
            found.add(word)
    return found


def _is_acronym(word: str, acronyms: set[str]) -> bool:
    bare = word.strip("'’").upper()
    if bare.endswith(("'S", "’S")):
        bare = bare[:-2]
    if bare in acronyms:
        return True
    if not re.search(r"[AEIOUY]", bare):
        return True
    return len(bare) <= 4 and bare.lower() not in _COMMON_SHORT


_TRAILING_LABEL = re.compile(r"(?<=\w)\s+[^\W\d_][\w-]{2,20}:$")


def tidy_title(text: str, acronyms: set[str] | frozenset[str] = frozenset()) -> str:
    text = _CONTROL.sub(" ", text)
    text = " ".join(text.split())
    text = _TRAILING_LABEL.sub("", text)  # "Yung Nation #54 Price:": a field's label whose value was cut out
    text = _strip_symbols(text.strip(_STRAY))
    # a lone opening bracket or quote left when the date was cut out of "(MAY 28)"
    text = re.sub(r"\s*[(\[]\s*[)\]]\s*", " ", text).strip(_STRAY)
    if text.count("(") == text.count(")") + 1 and text.rfind("(") > text.rfind(")"):
        text += ")"  # the stripping above took the bracket that closes "(online via Teams)"
    if is_shouting(text):
        text = _title_case(text, set(acronyms))
    return " ".join(text.split())


def _strip_symbols(text: str) -> str:
    """Arrows, bullets and icons at a title's edges ("▼ Planning Commission") are decoration."""
    while text and _is_decoration(text[0]):
        text = text[1:].strip(_STRAY)
    while text and _is_decoration(text[-1]):
        text = text[:-1].strip(_STRAY)
    return text


def _is_decoration(char: str) -> bool:
    return ord(char) > 127 and unicodedata.category(char) in _SYMBOLS  # never "+" of "Intro to C++"


def _title_case(text: str, acronyms: set[str]) -> str:
    words = list(_WORD.finditer(text))
    out = []
    last = 0
    for i, m in enumerate(words):
        word = m.group()
        out.append(text[last : m.start()])
        if _is_acronym(word, acronyms):
            out.append(word)
        elif i > 0 and word.lower() in _SMALL:
            out.append(word.lower())
        else:
            out.append(word[0].upper() + word[1:].lower())
        last = m.end()
    out.append(text[last:])
    return "".join(out)
