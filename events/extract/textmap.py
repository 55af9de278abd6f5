"""A page flattened to one string, with every element's span in it.

Regular expressions then run once over the whole text (fast), and a match is mapped back to the
smallest element that holds it, and from there to the card, row or banner it belongs to. One
iterative walk builds it, so 10,000-deep nesting cannot overflow the stack.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from typing import Any

SKIP_TAGS = frozenset(
    {
        "script",
        "style",
        "noscript",
        "template",
        "svg",
        "head",
        "iframe",
        "select",
        "button",
        "textarea",
        "object",
        "canvas",
        "math",
    }
)
# Elements that break a line when rendered: the text of two of them never runs together.
BLOCK_TAGS = frozenset(
    {
        "p",
        "div",
        "li",
        "ul",
        "ol",
        "tr",
        "td",
        "th",
        "table",
        "tbody",
        "thead",
        "section",
        "article",
        "aside",
        "header",
        "footer",
        "main",
        "nav",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "dl",
        "dt",
        "dd",
        "br",
        "hr",
        "figure",
        "figcaption",
        "blockquote",
        "address",
        "caption",
        "time",
    }
)
# non-breaking and figure hyphens read as the hyphen and dash they show ("11 am‑2 pm")
_DASHES = {"\u2010": "-", "\u2011": "-", "\u2012": "–", "\u2212": "-"}
_ODD_DASH = re.compile("[\u2010\u2011\u2012\u2212]")
# spaces, and invisible marks read as a space: zero-width, and the bidirectional controls (U+202A–U+202E,
# U+2066–U+2069) a hostile page can use to make a title read backwards
_SPACE = re.compile(r"[\s\u200b\u00a0\ufeff\u202a-\u202e\u2066-\u2069\u061c]+")


@dataclass(slots=True)
class Element:
    node: Any  # selectolax LexborNode
    tag: str
    parent: int  # index into TextMap.elements, -1 for the root
    depth: int
    start: int = 0
    end: int = 0
    last: int = -1  # index of its last descendant (itself when it has none)


@dataclass
class TextMap:
    text: str
    elements: list[Element]
    # each text node's start offset, and the element that holds it, in document order
    chunk_starts: list[int] = field(default_factory=list)
    chunk_ends: list[int] = field(default_factory=list)
    chunk_owner: list[int] = field(default_factory=list)
    by_node: dict[int, int] = field(default_factory=dict)  # selectolax mem_id → element index
    cache: dict[Any, Any] = field(default_factory=dict)  # per-page memo for strategies (table headers)
    cut: bool = False  # the walk stopped at max_nodes: the page is larger than is read

    def index_of(self, node: Any) -> int | None:
        return self.by_node.get(node.mem_id)

    def chunk_start(self, offset: int) -> int:
        """Where the text node holding ``offset`` begins: words before it belong to another element."""
        i = bisect.bisect_right(self.chunk_starts, offset) - 1
        return self.chunk_starts[i] if i >= 0 else 0

    def owner_at(self, offset: int) -> int:
        """The element holding the text at ``offset`` (or the nearest chunk before it)."""
        i = bisect.bisect_right(self.chunk_starts, offset) - 1
        return self.chunk_owner[max(i, 0)] if self.chunk_owner else 0

    def container(self, start: int, end: int) -> int:
        """The smallest element whose text contains ``[start, end)``."""
        index = self.owner_at(start)
        while index > 0:
            el = self.elements[index]
            if el.start <= start and el.end >= end:
                return index
            index = el.parent
        return 0

    def ancestors(self, index: int) -> list[int]:
        out = []
        while index >= 0:
            out.append(index)
            index = self.elements[index].parent
        return out

    def chunks_in(self, start: int, end: int) -> list[tuple[int, int]]:
        """Spans of the text nodes inside ``[start, end)``."""
        i = bisect.bisect_left(self.chunk_starts, start)
        out = []
        while i < len(self.chunk_starts) and self.chunk_starts[i] < end:
            out.append((self.chunk_starts[i], min(self.chunk_ends[i], end)))
            i += 1
        return out

    def descendants(self, index: int) -> range:
        """Elements are stored in document order, so an element's descendants follow it directly."""
        return range(index + 1, self.elements[index].last + 1)

    def children(self, index: int) -> list[int]:
        """An element's children, in order (worked out once per element: a list of 10,000 cards asks
        for its children once per card)."""
        known: dict[int, list[int]] = self.cache.setdefault("children", {})
        found = known.get(index)
        if found is None:
            found = known[index] = []
            child = index + 1
            stop = self.elements[index].last + 1
            while child < stop:  # from one child to the next, over each child's own descendants
                found.append(child)
                child = self.elements[child].last + 1
        return list(found)

    def before(self, index: int) -> list[int]:
        """The siblings before an element, nearest last."""
        parent = self.elements[index].parent
        if parent < 0:
            return []
        siblings = self.children(parent)
        return siblings[: bisect.bisect_left(siblings, index)]

    def next_sibling(self, index: int) -> int | None:
        after = self.descendants(index).stop
        if after < len(self.elements) and self.elements[after].parent == self.elements[index].parent:
            return after
        return None

    def text_of(self, index: int) -> str:
        el = self.elements[index]
        return self.text[el.start : el.end].strip()


MAX_NODES = 100_000  # elements and texts read from one page: ~5 MB of ordinary markup, a few seconds


def build_textmap(root: Any, max_nodes: int = MAX_NODES, skip: frozenset[int] = frozenset()) -> TextMap:
    """``skip`` holds the ``mem_id`` of elements left out with all they contain (readers' comments)."""
    parts: list[str] = []
    length = 0
    elements: list[Element] = []
    tm = TextMap("", elements)
    # stack of (node, parent_index, depth) to enter, or (None, index_to_close, 0) to close; the root
    # (parent -1) is always entered and is not counted against max_nodes
    stack: list[tuple[Any, int, int]] = [(root, -1, 0)]
    seen = -1
    last_was_space = True
    pop, push, add_part = stack.pop, stack.append, parts.append
    chunk_starts, chunk_owner, chunk_ends = tm.chunk_starts, tm.chunk_owner, tm.chunk_ends
    while stack:
        node, index, depth = pop()
        if node is None:
            elements[index].end = length
            elements[index].last = len(elements) - 1
            tag = elements[index].tag
            if tag in BLOCK_TAGS and not last_was_space:
                parts.append(" ")
                length += 1
                last_was_space = True
            continue
        seen += 1
        if seen > max_nodes:
            tm.cut = True
            break
        tag = node.tag
        if tag == "-text":
            raw = node.text_content or ""
            # most text nodes are the indentation between tags: no regex for those
            text = " " if raw.isspace() else _SPACE.sub(" ", raw)
            if not text or text == " ":
                if text and not last_was_space:
                    parts.append(" ")
                    length += 1
                    last_was_space = True
                continue
            if last_was_space and text.startswith(" "):
                text = text[1:]
            if not text:
                continue
            if not last_was_space and chunk_owner and chunk_owner[-1] != index:
                # "<span>18</span><span>Apr</span>": separate elements are separate words
                add_part(" ")
                length += 1
            chunk_starts.append(length)
            chunk_owner.append(index)
            add_part(text)
            length += len(text)
            chunk_ends.append(length - (1 if text.endswith(" ") else 0))
            last_was_space = text.endswith(" ")
            continue
        if index >= 0 and (
            tag is None or tag.startswith("-") or (tag in SKIP_TAGS and not _is_toggle(node)) or node.mem_id in skip
        ):
            continue
        if tag in BLOCK_TAGS and not last_was_space:
            parts.append(" ")
            length += 1
            last_was_space = True
        elements.append(Element(node, tag or "", index, depth, start=length))
        me = len(elements) - 1
        tm.by_node[node.mem_id] = me
        push((None, me, 0))
        child = node.child
        if child is not None:  # children pushed so that the first is popped first
            kids = []
            while child is not None:
                kids.append(child)
                child = child.next
            depth += 1
            stack.extend([(kid, me, depth) for kid in reversed(kids)])
    text = "".join(parts)
    # one character for one, so every span stays put; a regex scan is quick where there are none
    tm.text = _ODD_DASH.sub(lambda m: _DASHES[m.group()], text) if _ODD_DASH.search(text) else text
    elements[0].end = length
    for el in elements:  # a walk cut short at max_nodes leaves some unclosed
        if el.last < 0:
            el.last = len(elements) - 1
            el.end = el.end or length
    return tm


def _is_toggle(node: Any) -> bool:
    """An accordion's button carries the title of the panel it opens; other buttons are chrome."""
    if node.tag != "button":
        return False
    attrs = node.attrs
    return "aria-expanded" in attrs or "aria-controls" in attrs or "accordion" in (attrs.get("class") or "")
