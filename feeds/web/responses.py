"""What every route shares: the context it answers in, conditional responses (ETag, Last-Modified, 304,
gzip per representation), one-line refusals, and the admin token's check."""

from __future__ import annotations

import gzip
import hashlib
import hmac
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path

from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response

from events.config.models import Config
from events.store import Store
from feeds.html import render

MEDIA_TYPES = {
    "ics": "text/calendar; charset=utf-8",
    "json": "application/feed+json",
    "rss": "application/rss+xml; charset=utf-8",
}
# a member site's script reads our feeds from its own origin, and its conditional requests need the
# validators: a browser hides every response header that is not exposed (ETag and Last-Modified are not
# on the CORS safelist)
CORS = {"Access-Control-Allow-Origin": "*", "Access-Control-Expose-Headers": "ETag, Last-Modified"}


class Context:
    """The app's config and store, and what it works out from them once, handed to every route."""

    def __init__(self, config: Config, store: Store) -> None:
        self.config = config
        self.store = store
        self.cache_control = f"public, max-age={min(config.service.refresh_interval, 3600)}"
        self.source_ids = {s.id for s in config.sources}

    def conditional(
        self,
        request: Request,
        body: bytes,
        modified: datetime,
        media_type: str,
        etag: str,
        zipped: bytes | None = None,
    ) -> Response:
        """``zipped`` is the body already gzipped (a feed file's, made once per version)."""
        gzipped = accepts_gzip(request.headers.get("accept-encoding", ""))
        headers = {
            # a representation's validator: the gzip body is another representation, so another tag
            "ETag": f'"{etag}-gz"' if gzipped else f'"{etag}"',
            "Last-Modified": format_datetime(modified.astimezone(UTC), usegmt=True),
            "Cache-Control": self.cache_control,
            "Vary": "Accept-Encoding",
            **CORS,
        }
        inm = request.headers.get("if-none-match")
        ims = request.headers.get("if-modified-since")
        if inm is not None:
            tags = {t.strip().removeprefix("W/").strip('"').removesuffix("-gz") for t in inm.split(",")}
            if etag in tags or inm.strip() == "*":
                return Response(status_code=304, headers=headers)
        elif ims:
            try:
                if modified.replace(microsecond=0) <= parsedate_to_datetime(ims):
                    return Response(status_code=304, headers=headers)
            except (TypeError, ValueError):
                pass
        if gzipped:
            headers["Content-Encoding"] = "gzip"
            body = zipped if zipped is not None else gzip.compress(body, 6, mtime=0)
        return Response(body, media_type=media_type, headers=headers)

    def refused(self, request: Request, message: str, status: int) -> Response:
        """A refusal in one line; a browser (asking for HTML) gets it as a page in the site's look, with
        a way back. Calendar apps, scripts and feed readers keep the plain line."""
        if "text/html" not in request.headers.get("accept", ""):
            return refused(message, status)
        heading = ERROR_HEADINGS.get(status, "Something went wrong")
        page = render("error.html", site=self.config.site, heading=heading, message=message, links=_way_back(request))
        return HTMLResponse(page, status_code=status, headers=CORS)

    def is_admin(self, request: Request) -> bool:
        token = self.config.service.admin_token
        said = request.headers.get("authorization", "")
        return bool(token) and hmac.compare_digest(said.encode(), f"Bearer {token}".encode())


ERROR_HEADINGS = {
    400: "That address is not quite right",
    401: "Staff only",
    404: "Not found",
    405: "Not here",
    503: "Busy: try again in a moment",
}


def _way_back(request: Request) -> list[dict[str, str]]:
    """Beside "all calendars": the list a wrong address most likely meant."""
    path = request.url.path
    if path.startswith("/sources/"):
        return [{"href": "/sources", "label": "Sources we read"}]
    if path.startswith("/feeds/"):
        return [{"href": "/#calendars", "label": "The calendars and their addresses"}]
    return []


def refused(message: str, status: int) -> Response:
    return PlainTextResponse(f"{message}\n", status_code=status, headers=CORS)


def accepts_gzip(header: str) -> bool:
    """RFC 9110: "gzip" or "*" with a quality above zero ("gzip;q=0" refuses it)."""
    for part in header.split(","):
        coding, _, params = part.strip().partition(";")
        if coding.strip().lower() in ("gzip", "*"):
            q = params.strip().lower().removeprefix("q=")
            try:
                return float(q) > 0 if params.strip() else True
            except ValueError:
                return False
    return False


_FILES: dict[Path, tuple[tuple[int, int], bytes, str, datetime, bytes]] = {}


def read_cached(path: Path) -> tuple[bytes, str, datetime, bytes]:
    """A feed file's bytes, ETag and gzipped bytes, made once per version of the file (feeds are
    replaced by rename, so a new version has a new modification time), not once per request."""
    stat = path.stat()
    key = (stat.st_mtime_ns, stat.st_size)
    cached = _FILES.get(path)
    if cached is None or cached[0] != key:
        body = path.read_bytes()
        etag = hashlib.sha256(body).hexdigest()[:32]  # quoted, and per encoding, by the response
        cached = (key, body, etag, datetime.fromtimestamp(stat.st_mtime, UTC), gzip.compress(body, 6, mtime=0))
        _FILES[path] = cached
    return cached[1], cached[2], cached[3], cached[4]
