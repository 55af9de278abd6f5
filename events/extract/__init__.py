"""Turn one page into event records, knowing nothing of storage or feeds.

Strategies run in order of trust; the same event found by two of them comes out once, each field taken
from the most trustworthy strategy that has it. Tiers decide what a page's list of events is:

1. structured data the site publishes for machines (schema.org JSON-LD, microdata, h-event);
2. what a person sees: configured selectors, else text heuristics over cards, rows and banners;
3. data the page embeds for its own scripts, when the page shows nothing else or what it shows is
   drawn from that data (a script's listing that drops the years the data keeps).

A page whose publisher describes its events in structured data is taken at its word: the text
heuristics then only fill in fields, they add no events of their own (detail pages list "similar
events", artist pages list tours the markup leaves out on purpose), so only blocks dated on those
events' days are read. Later tiers run only when the earlier ones leave them something to do.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from selectolax.lexbor import LexborHTMLParser

from events.config.models import Selectors
from events.extract.context import PageContext
from events.extract.merge import merge_events
from events.extract.parsing import parse_html as parse_html  # for callers that parse a page once
from events.extract.platforms import Answer, read_answers, read_in_page
from events.extract.reader_model import ReaderModel
from events.extract.structured.calendars import calendar_links, events_from_calendar
from events.extract.structured.embedded import find_embedded_events
from events.extract.structured.jsonld import find_jsonld_events
from events.extract.structured.microdata import find_microdata_events
from events.extract.structured.microformats import find_hevent_events
from events.extract.structured.selectors import find_selector_events
from events.extract.text import find_text_events
from events.extract.textmap import MAX_NODES, TextMap, build_textmap
from events.normalise.titles import page_acronyms
from events.record import Event


@dataclass(frozen=True)
class Learning:
    model: ReaderModel | None = None
    observations: list[Any] | None = None


Strategy = Callable[[PageContext, TextMap], list[Event]]
MAX_EVENTS = 5000  # a page listing more keeps its first (earliest) ones, and the source's status says so
STRUCTURED: list[Strategy] = [find_jsonld_events, find_microdata_events, find_hevent_events]


def linked_calendars(html: str | bytes, url: str | None, tree: LexborHTMLParser | None = None) -> list[str]:
    """The .ics files a page links to, for a caller allowed to follow links. A caller that will
    extract the page too parses it once and passes the ``tree`` to both."""
    tree = tree if tree is not None else parse_html(html)
    return calendar_links(PageContext(url=url, today=date.today(), tree=tree))


def extract_events(
    html: str | bytes,
    *,
    url: str | None,
    today: date,
    timezone: str = "Europe/London",
    source: str = "page",
    date_order: str | None = None,
    selectors: Selectors | None = None,
    calendars: Sequence[str] = (),
    tree: LexborHTMLParser | None = None,
    notes: list[str] | None = None,
    explain: bool = False,
    model: ReaderModel | None = None,
    observations: list[Any] | None = None,
    platform_answers: Sequence[Answer] = (),
) -> list[Event]:
    """Events on one page. ``selectors`` (from the source's config) replace the text heuristics;
    ``calendars`` are the texts of .ics files the page links to, fetched by the caller, and
    ``platform_answers`` the data of the platforms the page draws its events from (``platforms``), both
    structured data that decides which events exist; ``tree`` is
    the page already parsed (by ``parse_html``), if the caller has it. ``notes`` collects, in words,
    what of the page could not be read whole (flattened nesting, a cut at ``MAX_NODES`` or
    ``MAX_EVENTS``), for the source's status. ``explain`` keeps, in each record's provenance, the
    title candidates that lost. ``model`` replaces the reader's shipped weights and ``observations``
    collects every block the text reader weighed: both for training (``bench/train_reader.py``)."""
    notes = notes if notes is not None else []
    learning = Learning(model, observations)
    found = _extract(
        html,
        url,
        today,
        timezone,
        source,
        date_order,
        selectors,
        calendars,
        tree,
        notes,
        explain,
        learning,
        platform_answers,
    )
    if len(found) > MAX_EVENTS:
        notes.append(f"the page lists {len(found):,} events; only the first {MAX_EVENTS:,} were kept")
        found = found[:MAX_EVENTS]
    return found


def _extract(
    html: str | bytes,
    url: str | None,
    today: date,
    timezone: str,
    source: str,
    date_order: str | None,
    selectors: Selectors | None,
    calendars: Sequence[str],
    tree: LexborHTMLParser | None,
    notes: list[str],
    explain: bool,
    learning: Learning,
    platform_answers: Sequence[Answer] = (),
) -> list[Event]:
    tree = tree if tree is not None else parse_html(html, notes)
    root = tree.root
    lang = page_language(tree)
    ctx = PageContext(
        url=url,
        today=today,
        timezone=timezone,
        source=source,
        date_order=date_order,
        lang=lang or "",
        tree=tree,
        explain=explain,
        model=learning.model,
        observations=learning.observations,
    )
    body = tree.body or root
    if body is None:
        return []
    tm = build_textmap(body, skip=frozenset(node.mem_id for node in body.css(DISCUSSION)))
    if tm.cut:
        notes.append(f"the page is very large: only its first {MAX_NODES:,} elements and texts were read")
    ctx.acronyms = page_acronyms(tm.text)
    structured = [e for strategy in STRUCTURED for e in strategy(ctx, tm)]
    for text in calendars:
        structured.extend(events_from_calendar(ctx, text))
    structured.extend(read_answers(ctx, platform_answers))
    structured.extend(read_in_page(ctx))
    if selectors is not None:
        return merge_events(find_selector_events(ctx, selectors), page_url=url, fill_from=structured)
    if structured:
        visible = find_text_events(ctx, tm, days={e.first_day for e in structured})
        return merge_events(structured, page_url=url, fill_from=visible)
    visible = find_text_events(ctx, tm)
    embedded = find_embedded_events(ctx, tm)
    if embedded and _drawn_from(visible, embedded):
        return merge_events(embedded, page_url=url, fill_from=visible)
    return merge_events(visible or embedded, page_url=url)


def page_language(tree: LexborHTMLParser) -> str:
    """The language the page declares: ``<html lang>``, else ``og:locale`` or Content-Language."""
    root = tree.root
    lang = (root.attrs.get("lang") or "") if root is not None else ""
    if lang.strip():
        return lang.strip()
    for selector in ('meta[property="og:locale"]', 'meta[http-equiv="content-language" i]'):
        node = tree.css_first(selector)
        if node is not None and (node.attrs.get("content") or "").strip():
            return str(node.attrs.get("content")).strip()
    return ""


# Readers' comments under a post (WordPress's comment list, Disqus): what readers wrote and when,
# never the organisation's events
DISCUSSION = "#comments, #disqus_thread, .comment-list, .commentlist, .comments-area"


def _drawn_from(shown: list[Event], data: list[Event]) -> bool:
    """The listing a script draws from the page's own data: most shown events have a record there on
    the same day of the year at the same time. The data then wins, for it keeps what the listing
    drops (the year of "January 9", the address)."""
    if len(shown) < 2:
        return False
    keys = {_day_and_clock(e) for e in data}
    return sum(_day_and_clock(e) in keys for e in shown) * 2 >= len(shown)


def _day_and_clock(event: Event) -> tuple[int, int, str]:
    start = event.start
    return start.month, start.day, start.strftime("%H:%M") if isinstance(start, datetime) else ""
