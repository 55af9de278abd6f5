"""Links as calendar clients and JSON validators accept them: absolute http(s) URIs, percent-encoded.

Pages link to ``pdf/Agendas - Minutes/2014/010714.pdf`` with raw spaces, to hosts in Unicode and to
paths with stray ``%``; RFC 3986 allows none of them, and every calendar parser refuses the event's
URL (some the whole event). Characters already legal, and existing ``%XX`` escapes, stay as they are.
"""

from __future__ import annotations

import re
from urllib.parse import quote, urlsplit, urlunsplit

_PATH_SAFE = "/:@!$&'()*+,;=-._~%"
_QUERY_SAFE = "/?:@!$&'()*+,;=-._~%"
_STRAY_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")


_ALREADY_FINE = re.compile(r"https?://[A-Za-z0-9.-]+(?::\d{1,5})?(?:[/?#][A-Za-z0-9\-._~:/?#@!$&'()*+,;=]*)?")


def as_uri(url: str | None) -> str | None:
    """``url`` as a valid absolute http(s) URI, or None when it cannot be one (no host, another scheme)."""
    if not url:
        return None
    if _ALREADY_FINE.fullmatch(url):
        return url  # most links: nothing to escape, nothing to parse
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname
        port = parts.port
    except ValueError:  # a port that is no number, an unclosed IPv6 bracket
        return None
    if parts.scheme.lower() not in ("http", "https") or not host:
        return None
    try:
        host = host.encode("idna").decode("ascii") if not host.isascii() else host
    except UnicodeError:
        return None
    if ":" in host:
        host = f"[{host}]"  # an IPv6 address
    netloc = host + (f":{port}" if port else "")

    def clean(part: str, safe: str) -> str:
        return quote(_STRAY_PERCENT.sub("%25", part), safe=safe)

    path = clean(parts.path, _PATH_SAFE) or "/"
    return urlunsplit(
        (parts.scheme.lower(), netloc, path, clean(parts.query, _QUERY_SAFE), clean(parts.fragment, _QUERY_SAFE))
    )
