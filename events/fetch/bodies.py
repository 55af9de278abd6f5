"""Response bodies read safely: content encodings undone in bounded steps, charsets decoded, and
answers that are not pages recognised before anyone tries to read events in them.

A few kilobytes of stacked gzip can expand to gigabytes, so nothing here ever decompresses more than
the caller's limit plus one step, whatever the encodings say.
"""

from __future__ import annotations

import codecs
import re
import zlib

STEP = 64 * 1024  # at most this much output per decompression call
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)


class TooLarge(Exception):
    """The decoded body passed the limit."""


class UnsupportedEncoding(Exception):
    """A Content-Encoding this reader does not undo (it asks only for gzip and deflate)."""


class _Inflater:
    """One gzip or deflate layer, fed piece by piece, never producing more than ``limit`` bytes."""

    def __init__(self, name: str, limit: int) -> None:
        self.name = name
        self.limit = limit
        self.produced = 0
        self.raw_deflate = False
        self.started = False
        self.trailing = False  # past the first gzip member
        self.d = self._new()

    def _new(self) -> zlib._Decompress:
        if self.name == "deflate":
            return zlib.decompressobj(-zlib.MAX_WBITS if self.raw_deflate else zlib.MAX_WBITS)
        return zlib.decompressobj(16 + zlib.MAX_WBITS)

    def feed(self, data: bytes) -> bytes:
        out = bytearray()
        while True:
            try:
                piece = self.d.decompress(data, STEP)
            except zlib.error:
                if self.name == "deflate" and not self.started and not self.raw_deflate:
                    self.raw_deflate = True  # servers that send raw deflate under the zlib name
                    self.d = self._new()
                    continue
                if self.trailing:
                    break  # bytes after the last gzip member: ignored, as browsers do
                raise
            self.started = True
            out += piece
            if self.produced + len(out) > self.limit:
                raise TooLarge
            data = self.d.unconsumed_tail
            if not data and self.d.eof and self.d.unused_data:  # another gzip member follows
                data, self.d, self.trailing = self.d.unused_data, self._new(), True
                continue
            if not data and len(piece) < STEP:
                break
        self.produced += len(out)
        return bytes(out)


class Unpacker:
    """Undo a response's Content-Encoding (``"gzip, gzip"`` included) as its bytes arrive, keeping
    every layer's output under ``limit``."""

    def __init__(self, content_encoding: str | None, limit: int) -> None:
        names = [n.strip().lower() for n in (content_encoding or "").split(",") if n.strip()]
        layers = []
        for name in reversed(names):  # the last encoding applied is undone first
            if name in ("identity", "none"):
                continue
            if name in ("gzip", "x-gzip"):
                layers.append(_Inflater("gzip", limit))
            elif name == "deflate":
                layers.append(_Inflater("deflate", limit))
            else:
                raise UnsupportedEncoding(name)
        self.layers = layers
        self.limit = limit
        self.size = 0

    def feed(self, data: bytes) -> bytes:
        for layer in self.layers:
            if not data:
                break
            data = layer.feed(data)
        self.size += len(data)
        if self.size > self.limit:
            raise TooLarge
        return data


# Signatures of files that are never pages, and the type to name them by.
_MAGIC = (
    (b"%PDF", "application/pdf"),
    (b"\x89PNG", "image/png"),
    (b"GIF8", "image/gif"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"PK\x03\x04", "application/zip"),
    (b"\x1f\x8b", "application/gzip"),
    (b"RIFF", "a RIFF file"),
    (b"\x00\x00\x01\x00", "image/x-icon"),
    (b"OggS", "audio/ogg"),
    (b"ID3", "audio/mpeg"),
    (b"\x7fELF", "a program"),
)
_BOMS = (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_TEXT_TYPES = {
    "html": ("text/html", "application/xhtml+xml", "text/plain", "application/xml", "text/xml"),
    "calendar": ("text/calendar", "text/plain", "text/html", "application/octet-stream", "application/ics"),
    "json": ("application/json", "application/ld+json", "text/json", "text/plain", "text/javascript"),
    "xml": ("text/xml", "application/xml", "text/plain"),
}


def not_readable(head: bytes, content_type: str | None, expect: str) -> str | None:
    """Why a body is not a page (``expect="html"``), a calendar (``"calendar"``) or a platform's data
    (``"json"``), in words, or None.

    The declared type is believed when it names something else (a PDF, an image); the first bytes
    are checked whatever it says, because servers label files wrongly in both directions."""
    what = {"html": "an HTML page", "json": "JSON data", "xml": "XML data"}.get(expect, "a calendar")
    mime = (content_type or "").split(";")[0].strip().lower()
    readable = mime in _TEXT_TYPES.get(expect, ()) or mime.startswith("text/") or mime == "application/octet-stream"
    if mime and not readable:
        return f"not {what} ({mime})"
    if head.startswith(_BOMS):
        return None
    for magic, name in _MAGIC:
        if head.startswith(magic):
            return f"not {what} ({name})"
    if b"\x00" in head[:1024]:
        return f"not {what} (binary content{', served as ' + mime if mime else ''})"
    return None


def decode(raw: bytes, content_type: str | None) -> tuple[str, str]:
    """Bytes to text by the byte-order mark, else the charset the headers or the page declare; never
    raises.

    ISO-8859-1 and US-ASCII are read as windows-1252, as browsers do, because pages that say
    Latin-1 routinely contain curly quotes from Windows.
    """
    if raw.startswith(codecs.BOM_UTF8):
        return raw[3:].decode("utf-8", errors="replace"), "utf-8"
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return raw.decode("utf-16", errors="replace"), "utf-16"
    candidates = []
    if content_type:
        m = re.search(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", content_type, re.IGNORECASE)
        if m:
            candidates.append(m.group(1))
    meta = _META_CHARSET.search(raw[:4096])
    if meta:
        candidates.append(meta.group(1).decode("ascii", "ignore"))
    for name in candidates:
        encoding = _known(name)
        if encoding:
            return raw.decode(encoding, errors="replace"), encoding
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return raw.decode("windows-1252", errors="replace"), "windows-1252"


def _known(name: str) -> str | None:
    try:
        encoding = codecs.lookup(name.strip().lower()).name
    except LookupError:
        return None
    if encoding.startswith("utf-16") or encoding.startswith("utf-32"):
        return None  # a page that says UTF-16 without a byte-order mark is ASCII-compatible in practice
    return "cp1252" if encoding in ("latin-1", "iso8859-1", "ascii") else encoding
