"""The text reader: events as a person sees them on the page, with no markup made for machines.

Every date on the page is mapped to the card, row, slide or banner that holds it (``anchors``,
``blocks``); each block is then read (``reader``) for its title (``titles``: one ranking of named
signals), its place (``places``), its times (``times``) and whether it is an event at all (``kinds``:
news, prose, deadlines and notices are not); ``tables`` names a table's columns by their headers.
"""

from events.extract.text.reader import find_text_events

__all__ = ["find_text_events"]
