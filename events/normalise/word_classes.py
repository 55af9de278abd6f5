"""Classes of words a careful reader knows without reading the page: the words of links and buttons,
of field labels, of event names, and the shapes of contact details. The reader's features and the
place rules share them, so that one list holds one meaning.
"""

from __future__ import annotations

import re

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
PHONE = re.compile(r"(?:\+\d{1,3}[\s.-]?)?(?:\(\d{2,5}\)[\s.-]?)?\d{2,5}[\s.-]\d{3,4}[\s.-]?\d{0,4}")
# words that name a document, a recording or an action on a page rather than an event or a place
LINK_WORDS = frozenset(
    """agenda agendas minutes packet packets accessible download downloads pdf video videos audio watch live
stream streaming recording recordings transcript summary document documents attachment attachments notice
notices slides presentation handout handouts captions caption view read more details info information
register book tickets ticket buy here click map directions share export subscribe calendar ical outlook
google add print email link links website web page to my your now this join rsvp sign up find out learn
apple online""".split()
)
# words that label a field of an event's details rather than name anything, in English and the languages
# pages have been seen in (Dutch, French, German, Spanish, Italian, Russian)
LABEL_WORDS = frozenset(
    """date dates time times when where venue location address status price prices cost costs from until start
starts end ends and category categories type details info information contact organiser organizer
datum tijd locatie plaats categorie prijs kosten wanneer waar heure lieu catégorie categorie prix adresse
zeit ort kategorie preis fecha hora lugar categoría precio data ora luogo categoria prezzo
дата время место адрес цена стоимость категория""".split()
)
# what an event is called: "Women in Surgery Conference", "Trainees in Medicine Forum" name no town
EVENT_NOUNS = frozenset(
    """conference conferences forum forums meeting meetings seminar seminars workshop workshops course courses
day days night nights evening evenings festival festivals fair fairs awards award summit symposium lecture
lectures webinar webinars network networks group groups session sessions week weekend school schools
training talk talks dinner lunch breakfast reception ball gala concert show exhibition tour walk
celebration party social quiz briefing masterclass class classes congress assembly convention""".split()
)


FILE_NAME = re.compile(r"\.(?:pdf|docx?|xlsx?|pptx?|jpe?g|png|gif|mp[34]|zip|rtf|txt)\b", re.IGNORECASE)
_CODE_WORD = re.compile(r"^(?:[A-Z]{1,4}|\d[\d-]*)$")  # "CC", "SP", "MIN", "07-19": a file's code


def looks_like_file_name(text: str) -> bool:
    """ "parks-packet-0319.pdf", "2022 07-19 CC SP MIN": a document's name, not words."""
    tokens = text.split()
    if FILE_NAME.search(text):
        return True
    return (
        len(tokens) >= 3
        and any(ch.isdigit() for ch in text)  # "CC SP MIN" beside a date's figures; "FMPA NORTH WEST" is words
        and sum(bool(_CODE_WORD.match(t)) for t in tokens) >= 0.7 * len(tokens)
    )


# words that name a kind of page or a section of one ("Upcoming events", "Dates for your diary", "Past
# events", "News in brief", "You may also like"), never an event
SECTION_WORDS = frozenset(
    """details detail department page home calendar calendars events event meetings meeting agendas agenda
minutes materials documents document notices notice schedule schedules upcoming past prior previous current
future recent latest year years archive archives list listing dates date information info more and of the
for our all a packets packet videos video audio recordings results search view month week your diary whats
what's on coming up next news in brief reminders you may also like related other see this these forthcoming
programme program timetable highlights featured newsletter newsletters bulletin bulletins updates blog stories
press categories category tags topics""".split()
)


def names_a_section(text: str) -> bool:
    words = plain_words(text)
    return bool(words) and all(w in SECTION_WORDS for w in words)


def plain_words(text: str) -> list[str]:
    words = [t.strip(".,:;!?()[]|-–—").lower() for t in re.split(r"[\s/]+", text)]
    return [w for w in words if w]


def only_link_words(text: str) -> bool:
    """ "Accessible Agenda", "Add to Google Calendar", "Book now": a link's or button's words."""
    words = plain_words(text)
    return bool(words) and all(w in LINK_WORDS for w in words)


def is_contact(text: str) -> bool:
    """An e-mail address or a phone number, alone or nearly so."""
    text = text.strip(" :()")
    return (
        bool(EMAIL.search(text)) or bool(PHONE.fullmatch(text)) or (bool(PHONE.search(text)) and len(text.split()) <= 4)
    )
