"""What anyone may read of a problem: words for its kind, and addresses without their secrets.

A fetch's raw error can name an internal host, its address and a redirect that carries
``password=…`` in its query. Anonymous pages (``/healthz``, ``/sources``) show a source's state and the
kind of problem in words; the raw error is for the admin token's holder and the command line. Logs
keep the error but never a URL's credentials or query string.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

_ANSWERED = "the site answered with an error"
# (what the raw reason says, what anyone may read), first match wins
_KINDS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"robots\.txt could not be read", re.I), "the site's robots.txt could not be read, so it is not read"),
    (re.compile(r"robots\.txt", re.I), "the site's robots.txt does not let us read the page"),
    (re.compile(r"host name not found", re.I), "the site's host name was not found"),
    (re.compile(r"certificate", re.I), "the site's certificate is not valid"),
    (re.compile(r"redirect", re.I), "the page redirects to an address we do not fetch"),
    (re.compile(r"address|allow_hosts|cannot resolve", re.I), "the page is at an address we do not fetch"),
    (re.compile(r"no answer in|timed out|no complete answer|time", re.I), "the site did not answer in time"),
    (re.compile(r"could not connect|connect|cannot be reached", re.I), "the site could not be reached"),
    (re.compile(r"\blimit\b|too large|MB", re.I), "the page is larger than we read"),
    (re.compile(r"HTTP (\d{3})|answered (\d{3})|status (\d{3})|\b([45]\d\d)\b", re.I), _ANSWERED),
    (re.compile(r"listing", re.I), "a page of the listing could not be read"),
    (re.compile(r"save|store", re.I), "what was read could not be saved"),
]
_URL = re.compile(r"\b(?P<scheme>[a-z][a-z0-9+.-]*)://(?P<rest>[^\s\"'<>]+)", re.I)


def problem_in_words(reason: str | None) -> str:
    """The kind of a fetch's problem, in words that name no host, address, path or query."""
    if not reason:
        return "the page could not be read"
    for pattern, words in _KINDS:
        if m := pattern.search(reason):
            if words == _ANSWERED:
                code = next((g for g in m.groups() if g), None)
                return f"{words} ({code})" if code else words
            return words
    return "the page could not be read"


def public_url(url: str | None) -> str | None:
    """An address without its credentials and query string: what a page may show anyone."""
    if not url:
        return url
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        netloc = host + (f":{parts.port}" if parts.port else "")
    except ValueError:
        return None
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def without_secrets(text: str) -> str:
    """Text whose URLs keep no credentials and no query string (a redirect's ``?password=…``)."""
    return _URL.sub(_tidy, text) if "://" in text else text


def _tidy(m: re.Match[str]) -> str:
    rest = m.group("rest")
    if "@" in rest.split("/", 1)[0]:
        rest = rest.split("@", 1)[1]
    head, mark, _query = rest.partition("?")
    return f"{m.group('scheme')}://{head}" + ("?…" if mark else "")
