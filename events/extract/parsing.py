"""Parse a page into a tree, at a cost that a hostile page cannot make explode.

The HTML parser spends time in proportion to how deep the open elements are stacked, so a page of
100,000 nested ``<div>`` takes minutes. Pages nested deeper than ``MAX_DEPTH`` (real pages stay
under about 200) are flattened before parsing: elements below that depth lose their tags and are
read as plain text, and the caller is told. Depth is counted as the parser counts it, so end tags
that close nothing (``<div></x>`` a hundred thousand times) do not hide it; a page with too few tags
to be that deep is not scanned.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from selectolax.lexbor import LexborHTMLParser

MAX_DEPTH = 1000
# Tags that nest: not void elements, and not those whose end tag may be left out (a list of <li>
# without </li> is not deep), nor the document's own html/head/body.
_FLAT = (
    "area|base|br|col|embed|hr|img|input|link|meta|param|source|track|wbr|p|li|dt|dd|tr|td|th|option|"
    "optgroup|thead|tbody|tfoot|colgroup|caption|rb|rt|rp|html|head|body"
)
_NESTING_TAG = re.compile(rf"<(/?)(?!(?:{_FLAT})[\s/>])([a-zA-Z][\w:-]*)[^<>]*>", re.IGNORECASE)


def parse_html(html: str | bytes, notes: list[str] | None = None) -> LexborHTMLParser:
    """The page's tree; ``notes`` collects what could not be read as written (for the source's status)."""
    if isinstance(html, bytes):
        html = html.decode("utf-8", errors="replace")
    html = html.replace("\x00", "")
    if nesting_depth(html) > MAX_DEPTH:
        html = flatten(html, MAX_DEPTH)
        if notes is not None:
            notes.append(f"the page nests elements more than {MAX_DEPTH} deep; deeper ones were read as plain text")
    return LexborHTMLParser(html)


def nesting_depth(html: str) -> int:
    """How deep the page's elements nest, as a parser nests them: an end tag closes the nearest open
    element of its name, and one that matches none (``<div></x>``, repeated) closes nothing. A page
    with no more opening tags than the limit cannot be deeper, and is not scanned."""
    if html.count("<") - html.count("</") <= MAX_DEPTH:  # at most this many elements are ever opened
        return 0
    deepest = 0
    for depth in _depths(html):
        deepest = max(deepest, depth)
    return deepest


def _depths(html: str) -> Iterator[int]:
    open_names: list[str] = []
    counts: dict[str, int] = {}
    for match in _NESTING_TAG.finditer(html):
        name = match.group(2).lower()
        if match.group(1):  # an end tag: closes up to the nearest open element of its name, if any
            _close(open_names, counts, name)
        elif not match.group(0).endswith("/>"):
            open_names.append(name)
            counts[name] = counts.get(name, 0) + 1
        yield len(open_names)


def _close(open_names: list[str], counts: dict[str, int], name: str) -> bool:
    """An end tag ``name``, as a parser takes it: the open elements up to the nearest of that name are
    closed; one that matches none closes nothing (False)."""
    if not counts.get(name):
        return False
    while open_names:
        top = open_names.pop()
        counts[top] -= 1
        if top == name:
            break
    return True


def flatten(html: str, limit: int) -> str:
    """Drop the tags of elements nested deeper than ``limit`` (and their end tags, and end tags that
    close nothing), keeping the text."""
    out: list[str] = []
    last = 0
    kept: list[str] = []  # the open elements whose tags stay
    dropped: dict[str, int] = {}  # open elements below the limit, by name
    counts: dict[str, int] = {}
    for match in _NESTING_TAG.finditer(html):
        name = match.group(2).lower()
        if match.group(1):
            if dropped.get(name):
                dropped[name] -= 1
            elif _close(kept, counts, name):
                continue
        elif match.group(0).endswith("/>"):
            continue
        elif len(kept) < limit:
            kept.append(name)
            counts[name] = counts.get(name, 0) + 1
            continue
        else:
            dropped[name] = dropped.get(name, 0) + 1
        out.append(html[last : match.start()])
        out.append(" ")
        last = match.end()
    out.append(html[last:])
    return "".join(out)
