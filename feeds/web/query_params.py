"""A feed's query string read: the narrowing a subscriber asked for (``?source=…&upcoming=1``) and the
paging a website asked for (``?limit=50&after=…``), each refused in one line that says what is known."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from feeds.selection import Query, StartKey, parse_cursor

PAGING_KEYS = ("limit", "page", "after")
QUERY_KEYS = {"source", "category", "from", "to", "upcoming", *PAGING_KEYS}
# links shared by newsletters and social media carry these; they say nothing about the feed
TRACKING = ("utm_", "fbclid", "gclid", "dclid", "msclkid", "mc_cid", "mc_eid", "_ga", "igshid")
MAX_PAGE = 500  # items a JSON page may hold


class BadQuery(ValueError):
    pass


@dataclass(frozen=True)
class Paging:
    limit: int
    page: int
    after: StartKey | None = None


def parse_query(params: Any, sources: set[str] | None = None) -> Query | None:
    """The narrowing a subscriber asked for, or None for the plain feed. Unknown keys, empty values
    and sources that do not exist are errors that say what is known; tracking parameters are ignored."""
    keys = {k for k in params if not k.lower().startswith(TRACKING)}
    unknown = sorted(keys - QUERY_KEYS)
    if unknown:
        raise BadQuery(
            f"unknown parameter {unknown[0]!r}; use source, category, from, to, upcoming, limit, page or after"
        )
    narrowing = keys - set(PAGING_KEYS)
    for name in ("source", "category"):
        if any(not v.strip() for v in params.getlist(name)):
            known = f"; known: {', '.join(sorted(sources))}" if name == "source" and sources else ""
            raise BadQuery(f"{name}= is empty{known}")
    if sources is not None:
        for value in params.getlist("source"):
            if value not in sources:
                raise BadQuery(f"no source {value!r}; known: {', '.join(sorted(sources))}")
    if not narrowing:
        return None

    def day(name: str) -> date | None:
        value = params.get(name)
        if value is None:
            return None
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise BadQuery(f"{name}={value!r} is not a date (use YYYY-MM-DD)") from None

    upcoming = params.get("upcoming")
    if upcoming not in (None, "0", "1", "true", "false"):
        raise BadQuery(f"upcoming={upcoming!r} must be 1 or 0")
    start, end = day("from"), day("to")
    if start and end and end < start:
        raise BadQuery("to is before from")
    return Query(
        sources=tuple(params.getlist("source")),
        categories=tuple(params.getlist("category")),
        start=start,
        end=end,
        upcoming=upcoming in ("1", "true"),
    )


def parse_paging(params: Any) -> Paging | None:
    """``?limit=50&after=…`` (the ``next_url`` of the page before) or ``?limit=50&page=2`` for a website
    taking a JSON feed a page at a time."""
    if not any(k in params for k in PAGING_KEYS):
        return None
    after = None
    if "after" in params:
        try:
            after = parse_cursor(params["after"])
        except ValueError:
            raise BadQuery(f"after={params['after'][:100]!r} is not a place in the feed; follow next_url") from None
    values = {}
    for name, default in (("limit", "50"), ("page", "1")):
        raw = params.get(name, default)
        if not raw.isdigit() or int(raw) < 1:
            raise BadQuery(f"{name}={raw!r} must be a whole number from 1")
        values[name] = int(raw)
    if values["limit"] > MAX_PAGE:
        raise BadQuery(f"limit={values['limit']} is too large (at most {MAX_PAGE})")
    return Paging(values["limit"], values["page"], after)
