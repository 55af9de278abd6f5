"""Where each field of a record came from, in words a person can follow back to the page.

A record's ``provenance`` maps a field to the strategy and element that gave it, ``strategy:element``
with the element as a short CSS path (``"title": "text:li.event > h3"``, ``"start": "jsonld"``), as
DESIGN.md defines it; fixes from config will show as ``config``. Staff read it when a title or a
place looks wrong, to see which part of the page the reader took it from; ``events extract
--explain`` prints it with the block read and the title candidates that lost.
"""

from __future__ import annotations

from typing import Any

from events.extract.textmap import TextMap

_PATH_DEPTH = 3  # enough to find the element in a browser's inspector, short enough to read


def css_path(node: Any, depth: int = _PATH_DEPTH) -> str:
    """ "ul#events > li.card > h3": the element and up to two ancestors, each by tag, id or first class."""
    parts: list[str] = []
    while node is not None and node.tag not in ("html", "body", "-undef", None) and len(parts) < depth:
        attrs = node.attrs
        ident = (attrs.get("id") or "").strip()
        classes = (attrs.get("class") or "").split()
        if ident and " " not in ident:
            parts.append(f"{node.tag}#{ident}")
        elif classes:
            parts.append(f"{node.tag}.{classes[0]}")
        else:
            parts.append(node.tag)
        node = node.parent
    return " > ".join(reversed(parts)) or "body"


def text_field_origins(
    tm: TextMap, block_index: int, block_start: int, fields: dict[str, tuple[int, int] | str | None]
) -> dict[str, str]:
    """For the text reader: each field's element, found by the span the reader took it from or, for a
    value it tidied, by where its words stand in the block."""
    block_el = tm.elements[block_index]
    block_text = tm.text[block_el.start : block_el.end]
    paths: dict[int, str] = tm.cache.setdefault("css paths", {})

    def path(index: int) -> str:
        if index not in paths:
            paths[index] = css_path(tm.elements[index].node)
        return paths[index]

    out: dict[str, str] = {}
    for name, where in fields.items():
        if where is None:
            continue
        if isinstance(where, str):
            at = block_text.find(where)
            if at < 0:
                continue
            where = (at, at + len(where))
        start, end = block_start + where[0], block_start + max(where[1], where[0] + 1)
        out[name] = f"text:{path(tm.container(start, end))}"
    return out
