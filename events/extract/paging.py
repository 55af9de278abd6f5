"""Where a listing continues: the address of its next page, read the way a person finds it.

Sites say "next" in many ways: ``rel="next"`` (in the head or on the link), a link whose words or
label say next (in the languages our organisations publish in), a link classed as the next one in a
pager, an arrow, or only the number of the following page. Each way is a clue of known strength;
the strongest link on the page wins, and only a link to another page of the same site counts.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit, urlunsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

# what "next page" is called, lower-cased, with arrows and punctuation already stripped
NEXT_WORDS = frozenset(
    {
        "next",
        "next page",
        "next events",
        "more events",
        "next month",
        "next week",
        "suivant",
        "page suivante",
        "weiter",
        "nächste",
        "nächste seite",
        "siguiente",
        "página siguiente",
        "volgende",
        "volgende pagina",
        "avanti",
        "successivo",
        "pagina successiva",
        "próximo",
        "próxima",
        "seguinte",
        "następna",
        "nästa",
        "neste",
        "næste",
        "seuraava",
        "další",
        "következő",
        "επόμενη",
        "下一页",
        "次へ",
    }
)
# a lone arrow is a weaker clue: "»" is sometimes "last", never on its own when a pager says more
_ARROWS = {"›": 3, "→": 3, ">": 3, "»": 2}
_STRIP = re.compile(r"[«»‹›<>→←|·:()\[\]…\s]+")
_PAGE_NUMBER = re.compile(r"(?:[?&/_-](?:page|paged|pg|p|start|offset)[=/_-]?)(\d+)", re.I)


def next_page_url(tree: LexborHTMLParser, page_url: str, seen: set[str] | frozenset[str] = frozenset()) -> str | None:
    """The next page's address, or None. ``seen`` are pages already read (never returned again)."""
    here = _without_fragment(page_url)
    best: tuple[int, str] | None = None
    for node in tree.css("link[rel][href], a[href]"):
        score = _clue(node, here)
        if not score:
            continue
        url = _usable(node.attributes.get("href") or "", here, seen)
        if url and (best is None or score > best[0]):
            best = (score, url)
    return best[1] if best else None


def _clue(node: LexborNode, here: str) -> int:
    rel = (node.attributes.get("rel") or "").lower().split()
    if "next" in rel:
        return 10
    if node.tag != "a":
        return 0
    words = [node.text(strip=True), node.attributes.get("aria-label") or "", node.attributes.get("title") or ""]
    if any(_STRIP.sub(" ", w).strip().lower() in NEXT_WORDS for w in words if w):
        return 8
    text = node.text(strip=True)
    if len(text) <= 20 and (_classed_next(node) or (node.parent is not None and _classed_next(node.parent))):
        return 6  # a pager's "next" button (an event card classed "next-event" says more than that)
    if text in _ARROWS:
        return _ARROWS[text]
    if text.isdigit() and int(text) == _current_number(here) + 1 and _in_pager(node):
        return 1
    return 0


def _classed_next(node: LexborNode) -> bool:
    classes = (node.attributes.get("class") or "").lower()
    return any("next" in re.split(r"[-_]+", token) for token in classes.split())


def _current_number(url: str) -> int:
    """The page number the address carries (``?page=2``, ``/page/2/``), 1 when it carries none."""
    found = _PAGE_NUMBER.findall(urlsplit(url).path + "?" + urlsplit(url).query)
    return int(found[-1]) if found else 1


def _in_pager(node: LexborNode) -> bool:
    """A number is the next page only among other page numbers, not a day in a calendar grid."""
    ancestor = node.parent
    while ancestor is not None:
        if ancestor.tag in ("td", "th", "time"):
            return False
        ancestor = ancestor.parent
    box = node.parent
    for _ in range(2):
        if box is None:
            return False
        if sum(a.text(strip=True).isdigit() for a in box.css("a[href]")) >= 2:
            return True
        box = box.parent
    return False


def _usable(href: str, here: str, seen: set[str] | frozenset[str]) -> str | None:
    href = href.strip()
    if not href or href.startswith("#") or href.lower().startswith(("javascript:", "mailto:")):
        return None
    url = _without_fragment(urljoin(here, href))
    parts, base = urlsplit(url), urlsplit(here)
    if parts.scheme not in ("http", "https") or parts.netloc.lower() != base.netloc.lower():
        return None
    if url == here or url in seen:
        return None
    return url


def _without_fragment(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, parts.query, ""))
