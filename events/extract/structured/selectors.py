"""Events read with the CSS selectors a source sets in ``config.toml``, for sites the automatic
strategies misread. No Python is needed to add a site (see README, "Selectors")."""

from __future__ import annotations

import re
from typing import Any

from events.config.models import Selectors
from events.extract.context import PageContext
from events.extract.structured.candidate import Candidate, clean_text, to_event
from events.record import Event


def find_selector_events(ctx: PageContext, selectors: Selectors) -> list[Event]:
    out = []
    pattern = re.compile(selectors.date_regex) if selectors.date_regex else None
    for item in ctx.tree.css(selectors.item):
        when = " ".join(x for x in (_text(item, selectors.date), _text(item, selectors.time)) if x)
        if pattern is not None:
            m = pattern.search(when)
            when = (m.group("date") if "date" in pattern.groupindex else m.group(0)) if m else ""
        machine = _machine_date(item, selectors.date)
        link = item.css_first(selectors.link) if selectors.link else item.css_first("a[href]")
        c = Candidate(
            found_by="selectors",
            element=item,
            title=_text(item, selectors.title) if selectors.title else clean_text(item.text(separator=" ")),
            start=machine,
            when_text=when or None,
            venue=_text(item, selectors.venue),
            status_text=_text(item, selectors.status) or clean_text(item.text(separator=" ")),
            url=link.attrs.get("href") if link is not None else None,
        )
        event = to_event(ctx, c)
        if event is not None:
            out.append(event)
    return out


def _text(item: Any, selector: str | None) -> str | None:
    if not selector:
        return None
    node = item.css_first(selector)
    return clean_text(node.text(separator=" ")) if node is not None else None


def _machine_date(item: Any, selector: str | None) -> str | None:
    node = item.css_first(selector) if selector else None
    if node is None:
        return None
    for key in ("datetime", "content", "data-date", "data-start"):
        if node.attrs.get(key):
            return str(node.attributes[key])
    return None
