"""What a block's elements give besides its words: its own link, its category badges, the element of its
title, and where each field came from (provenance, and with ``--explain`` the title ranking)."""

from __future__ import annotations

import re
from collections.abc import Mapping

from events.extract.context import PageContext
from events.extract.provenance import css_path, text_field_origins
from events.extract.text.blocks import LETTERS, Block
from events.extract.text.titles import DOCUMENT, GENERIC_LINK, TitleCandidate
from events.extract.textmap import TextMap
from events.normalise.word_classes import looks_like_file_name, only_link_words


def provenance(
    ctx: PageContext,
    tm: TextMap,
    block: Block,
    start: int,
    title: str,
    title_span: tuple[int, int] | None,
    venue: str | None,
    booking_span: tuple[int, int] | None,
    candidates: list[TitleCandidate],
) -> dict[str, str]:
    first = min(block.dates, key=lambda d: d.span)
    spans: dict[str, tuple[int, int] | str | None] = {
        "title": title_span if title_span and title_span != (0, 0) else title,
        "start": (first.span[0] - start, first.span[1] - start),
        "venue": venue,
        "booking": booking_span,
    }
    origins = text_field_origins(tm, block.index, start, spans)
    if ctx.explain:
        origins["block"] = f"text:{css_path(tm.elements[block.index].node)}"
        weights = ctx.reader.title.weights
        ranked = sorted(candidates, key=lambda c: -c.score)
        origins["title candidates"] = " | ".join(
            f"{c.text[:50]!r} {c.score:+.1f} ({contributions(c.features, weights)})" for c in ranked[:4]
        )
    return origins


def contributions(features: dict[str, float], weights: Mapping[str, float]) -> str:
    parts = sorted(((weights.get(k, 0.0) * v, k) for k, v in features.items()), key=lambda p: -abs(p[0]))
    return ", ".join(f"{k} {w:+.1f}" for w, k in parts if abs(w) >= 0.05)


_CATEGORY_CLASS = re.compile(r"(?:^|[\s_-])(?:categor(?:y|ies)|genres?|tags?|types?|badges?)(?:$|[\s_-])", re.I)


def category_elements(tm: TextMap, block: Block) -> list[int]:
    badges: dict[int, bool] = tm.cache.setdefault("badges", {})
    out = []
    for i in block.inner(tm):
        found = badges.get(i)
        if found is None:
            found = badges[i] = bool(_CATEGORY_CLASS.search(tm.elements[i].node.attrs.get("class") or ""))
        if found:
            out.append(i)
    return out


_ICON_SIZE = 48  # pixels: an image declared smaller than this is an icon, not the event's picture
# an address that is no photograph: inline data, vector or animated icons
_NOT_A_PICTURE = re.compile(r"^data:|\.(?:svg|gif|ico)(?:$|[?#])", re.I)
# a file named as part of the page's furniture (HomeIconMinutes.png, file-pdf-solid.png, logo-small.jpg)
_FURNITURE = re.compile(r"icon|logo|sprite|spacer|pixel|badge|button|arrow|bullet|solid|regular|blank", re.I)
_FURNITURE_FOLDER = re.compile(r"/(?:[^/]*icons?|logos?|sprites?|ui|buttons?|emoji)(?:/|$)", re.I)


def block_image(ctx: PageContext, tm: TextMap, block: Block) -> tuple[str, str] | None:
    """The card's own picture and its alt text: the first image inside the block that is not the page's
    furniture (an icon, a logo, a tracking pixel: by its address, its file's name or its declared size)
    nor a link's picture (a PDF's, a calendar export's, "Minutes"); lazy-loaded ones by their data-src."""
    for i in block.inner(tm):
        if tm.elements[i].tag != "img":
            continue
        attrs = tm.elements[i].node.attrs
        src = (attrs.get("data-src") or attrs.get("data-lazy-src") or attrs.get("src") or "").strip()
        folders, _, name = src.split("?", 1)[0].rstrip("/").rpartition("/")
        if not src or _NOT_A_PICTURE.search(src) or _FURNITURE.search(name) or _FURNITURE_FOLDER.search(folders):
            continue
        sizes = [attrs.get(k) or "" for k in ("width", "height")]
        if any(v.isdigit() and int(v) < _ICON_SIZE for v in sizes):
            continue
        alt = " ".join((attrs.get("alt") or "").split())[:300]
        if alt and (only_link_words(alt) or GENERIC_LINK.match(alt) or _FURNITURE.fullmatch(alt)):
            continue  # the picture of a button, or one its own words call an icon
        link = next((a for a in tm.ancestors(i) if tm.elements[a].tag == "a"), None)
        href = tm.elements[link].node.attrs.get("href") or "" if link is not None else ""
        if DOCUMENT.search(href):
            continue
        url = ctx.absolute(src)
        if url:
            return url, alt
    return None


def title_element(tm: TextMap, start: int, title_span: tuple[int, int] | None) -> int | None:
    if not title_span or title_span == (0, 0):
        return None
    return tm.container(start + title_span[0], start + max(title_span[1], title_span[0] + 1))


def block_link(ctx: PageContext, tm: TextMap, block: Block, title: int | None = None) -> str | None:
    """The block's own link: the link around it, else the title's own link, else the first link inside
    whose words name something (not an image, not "Read more", not a PDF), else the first link at all."""
    for i in tm.ancestors(block.index):
        if tm.elements[i].tag == "a":
            return ctx.absolute(tm.elements[i].node.attrs.get("href"))
    if title is not None:  # the title's own link names the event's page, wherever the other links go
        for i in tm.ancestors(title):
            if i == block.index:
                break
            href = tm.elements[i].node.attrs.get("href") if tm.elements[i].tag == "a" else None
            if href and not DOCUMENT.search(href) and (url := ctx.absolute(href)):
                return url
    first = None
    for i in block.inner(tm):
        if tm.elements[i].tag != "a":
            continue
        a = tm.elements[i].node
        href = a.attrs.get("href") or ""
        if not href or href.startswith(("#", "javascript:", "mailto:", "tel:")):
            continue
        first = first or href
        said = (a.text(separator=" ") or "").strip()  # an image link says nothing: not the one
        if (
            len(LETTERS.findall(said)) >= 3
            and not GENERIC_LINK.match(said)
            and not DOCUMENT.search(href)
            and not only_link_words(said)
            and not looks_like_file_name(said)
        ):
            url = ctx.absolute(href)
            if url:
                return url
    return ctx.absolute(first) if first else None
