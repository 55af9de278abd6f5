"""Parse a page into a tree, at a cost that a hostile page cannot make explode.

The HTML parser spends time in proportion to how deep the open elements are stacked, so a page of
100,000 nested ``<div>`` takes minutes. Pages nested deeper than ``MAX_DEPTH`` (real pages stay
under about 200) are flattened before parsing: elements below that depth lose their tags and are
read as plain text, and the caller is told. Small pages cannot be deep enough to matter and are
never scanned; for larger ones a count of tags per stretch of text rules out almost every page
before the exact scan runs.
"""

from __future__ import annotations

import re
from itertools import accumulate

from selectolax.lexbor import LexborHTMLParser

MAX_DEPTH = 1000
SCAN_ABOVE = 128 * 1024  # characters: below this even a page of nothing but nesting parses in well under a second
_WINDOW = 8192
# Tags that nest: not void elements, and not those whose end tag may be left out (a list of <li>
# without </li> is not deep), nor the document's own html/head/body.
_FLAT = (
    "area|base|br|col|embed|hr|img|input|link|meta|param|source|track|wbr|p|li|dt|dd|tr|td|th|option|"
    "optgroup|thead|tbody|tfoot|colgroup|caption|rb|rt|rp|html|head|body"
)
_NESTING = re.compile(rf"<(/?)(?!(?:{_FLAT})[\s/>])[a-zA-Z]", re.IGNORECASE)
_NESTING_TAG = re.compile(rf"<(/?)(?!(?:{_FLAT})[\s/>])[a-zA-Z][^<>]*>", re.IGNORECASE)
_STEP = {"": 1, "/": -1}


def parse_html(html: str | bytes, notes: list[str] | None = None) -> LexborHTMLParser:
    """The page's tree; ``notes`` collects what could not be read as written (for the source's status)."""
    if isinstance(html, bytes):
        html = html.decode("utf-8", errors="replace")
    html = html.replace("\x00", "")
    if len(html) > SCAN_ABOVE and nesting_depth(html) > MAX_DEPTH:
        html = flatten(html, MAX_DEPTH)
        if notes is not None:
            notes.append(f"the page nests elements more than {MAX_DEPTH} deep; deeper ones were read as plain text")
    return LexborHTMLParser(html)


def nesting_depth(html: str) -> int:
    """How deep the page's elements nest, counted from its tags (an upper bound on real pages, exact
    on well-formed ones). A cheap bound comes first: per stretch of text, tags opened minus tags
    closed, which only a very deep page (or one with thousands of void tags) pushes past the limit."""
    depth = bound = 0
    for i in range(0, len(html), _WINDOW):
        window = html[i : i + _WINDOW]
        closes = window.count("</")
        depth += window.count("<") - 2 * closes
        bound = max(bound, depth)
    if bound <= MAX_DEPTH:
        return bound
    return max(accumulate(map(_STEP.__getitem__, _NESTING.findall(html))), default=0)


def flatten(html: str, limit: int) -> str:
    """Drop the tags of elements nested deeper than ``limit`` (and their end tags), keeping the text."""
    out: list[str] = []
    last = depth = dropped = 0
    for match in _NESTING_TAG.finditer(html):
        closing = bool(match.group(1))
        if closing:
            if dropped:
                dropped -= 1
            else:
                depth = max(0, depth - 1)
                continue
        elif match.group(0).endswith("/>"):
            continue
        elif depth < limit:
            depth += 1
            continue
        else:
            dropped += 1
        out.append(html[last : match.start()])
        out.append(" ")
        last = match.end()
    out.append(html[last:])
    return "".join(out)
