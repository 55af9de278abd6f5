"""A block as the reader read it, kept until the page's evidence is in and the decision made."""

from __future__ import annotations

from dataclasses import dataclass

from events.extract.text.blocks import Block
from events.extract.text.titles import TitleCandidate
from events.record import Event


@dataclass
class Reading:
    """One block as the reader read it, before the decision whether it is an event: the record it
    would make, the evidence for and against (less what its title says: ``title_evidence``), its
    title candidates and the one chosen. Training keeps these (``observations``) to refit both
    decisions."""

    block: Block
    text: str
    event: Event
    evidence: dict[str, float]
    titles: list[TitleCandidate]
    chosen: TitleCandidate | None
    named_by: str  # "candidate", "notice" or "context" (a table's heading)
    accepted: bool = False
    origins: tuple[int, tuple[int, int] | None, tuple[int, int] | None] = (0, None, None)  # start, title, booking
