"""Turn one page into event records, knowing nothing of storage or feeds.

Strategies run in order of trust (structured data, event-plugin markup, configured selectors, text
heuristics); the same event found by two of them comes out once, each field taken from the most
trustworthy strategy that has it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from events.extract.context import PageContext
from events.extract.jsonld import find_jsonld_events
from events.extract.merge import merge_events
from events.extract.microdata import find_microdata_events
from events.extract.microformats import find_hevent_events
from events.extract.textblocks import find_text_events
from events.extract.textmap import TextMap, build_textmap
from events.normalise.titles import page_acronyms
from events.record import Event

Strategy = Callable[[PageContext, TextMap], list[Event]]


def strategies() -> list[Strategy]:
    """In order of trust; the first that knows a field wins it."""
    return [find_jsonld_events, find_microdata_events, find_hevent_events, find_text_events]


def parse_html(html: str | bytes):
    from selectolax.lexbor import LexborHTMLParser

    if isinstance(html, bytes):
        html = html.decode("utf-8", errors="replace")
    return LexborHTMLParser(html.replace("\x00", ""))


def extract_events(
    html: str | bytes,
    *,
    url: str | None,
    today: date,
    timezone: str = "Europe/London",
    source: str = "page",
    date_order: str | None = None,
) -> list[Event]:
    tree = parse_html(html)
    root = tree.root
    lang = (root.attributes.get("lang") or "") if root is not None else ""
    ctx = PageContext(
        url=url, today=today, timezone=timezone, source=source, date_order=date_order, lang=lang or "", tree=tree
    )
    body = tree.body or root
    if body is None:
        return []
    tm = build_textmap(body)
    ctx.acronyms = page_acronyms(tm.text)
    found: list[Event] = []
    for strategy in strategies():
        found.extend(strategy(ctx, tm))
    return merge_events(found, page_url=url)
