"""The web app: feeds with proper types and caching, a page to subscribe from, and health.

``/feeds/<id>.ics`` and ``/feeds/<id>.json`` serve the files ``feeds.build`` wrote (or, with a
query such as ``?source=hcsa&upcoming=1``, a narrowed copy rendered from the store). Responses carry
ETag and Last-Modified and answer 304 to a matching conditional request; gzip and CORS (for the JSON)
are on; Cache-Control follows the configured refresh interval.
"""

from __future__ import annotations

import gzip
import hashlib
from datetime import UTC, date, datetime
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from events.config import Config
from events.source_state import source_state
from events.store import Store
from feeds.build import feed_items, render_feed
from feeds.page import event_page, index_page, sources_page
from feeds.selection import Query

MEDIA_TYPES = {"ics": "text/calendar; charset=utf-8", "json": "application/feed+json"}
_QUERY_KEYS = {"source", "category", "from", "to", "upcoming"}
SLACK_BODY_LIMIT = 64 * 1024  # Slack's command payloads are a few hundred bytes


class BadQuery(ValueError):
    pass


def parse_query(params: Any) -> Query | None:
    """The narrowing a subscriber asked for, or None for the plain feed. Unknown keys are an error."""
    unknown = sorted(set(params.keys()) - _QUERY_KEYS)
    if unknown:
        raise BadQuery(f"unknown parameter {unknown[0]!r}; use source, category, from, to or upcoming")
    if not params:
        return None

    def day(name: str) -> date | None:
        value = params.get(name)
        if value is None:
            return None
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise BadQuery(f"{name}={value!r} is not a date (use YYYY-MM-DD)") from None

    upcoming = params.get("upcoming")
    if upcoming not in (None, "0", "1", "true", "false"):
        raise BadQuery(f"upcoming={upcoming!r} must be 1 or 0")
    start, end = day("from"), day("to")
    if start and end and end < start:
        raise BadQuery("to is before from")
    return Query(
        sources=tuple(params.getlist("source")),
        categories=tuple(params.getlist("category")),
        start=start,
        end=end,
        upcoming=upcoming in ("1", "true"),
    )


def create_app(config: Config, store: Store) -> Starlette:
    service = config.service
    cache_control = f"public, max-age={min(service.refresh_interval, 3600)}"

    def conditional(
        request: Request,
        body: bytes,
        modified: datetime,
        media_type: str,
        extra: dict[str, str],
        etag: str | None = None,
    ) -> Response:
        etag = etag or '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
        headers = {
            "ETag": etag,
            "Last-Modified": format_datetime(modified.astimezone(UTC), usegmt=True),
            "Cache-Control": cache_control,
            "Vary": "Accept-Encoding",
            **extra,
        }
        inm = request.headers.get("if-none-match")
        ims = request.headers.get("if-modified-since")
        if inm is not None:
            if etag in [t.strip().removeprefix("W/") for t in inm.split(",")] or inm.strip() == "*":
                return Response(status_code=304, headers=headers)
        elif ims:
            try:
                if modified.replace(microsecond=0) <= parsedate_to_datetime(ims):
                    return Response(status_code=304, headers=headers)
            except (TypeError, ValueError):
                pass
        return Response(body, media_type=media_type, headers=headers)

    async def feed(request: Request) -> Response:
        name = request.path_params["name"]
        feed_id, _, ext = name.rpartition(".")
        feed_conf = config.feed(feed_id)
        if ext not in MEDIA_TYPES or feed_conf is None:
            return PlainTextResponse(f"no feed {name!r}; see / for the list\n", status_code=404)
        try:
            query = parse_query(request.query_params)
        except BadQuery as exc:
            return PlainTextResponse(f"{exc}\n", status_code=400)
        extra = {"Access-Control-Allow-Origin": "*"} if ext == "json" else {}
        path = service.feeds_dir / name
        etag = None
        if query is None and path.exists():
            body, etag, modified, zipped = read_cached(path)
            if "gzip" in request.headers.get("accept-encoding", ""):
                body, extra = zipped, {**extra, "Content-Encoding": "gzip"}
        else:
            now = datetime.now(UTC)
            items = feed_items(store, feed_conf, now, query)
            rendered = render_feed(config, feed_conf, items, query=query, now=now)
            body = rendered.ics if ext == "ics" else rendered.json
            modified = max((i.updated_at for i in items), default=datetime(2000, 1, 1, tzinfo=UTC))
        return conditional(request, body, modified, MEDIA_TYPES[ext], extra, etag)

    async def index(request: Request) -> Response:
        items = store.all_events()
        return HTMLResponse(index_page(config, items, now=datetime.now(UTC)))

    async def event_detail(request: Request) -> Response:
        event_id = request.path_params["event_id"]
        item = store.event(event_id)
        if item is None:
            return PlainTextResponse(f"no event {event_id!r}\n", status_code=404)
        return HTMLResponse(event_page(config, item, store.history(event_id)))

    async def sources_view(request: Request) -> Response:
        return HTMLResponse(
            sources_page(config, store.source_states(), now=datetime.now(UTC), overdue_after=service.unhealthy_after)
        )

    async def healthz(request: Request) -> Response:
        try:
            states = store.source_states()
        except Exception as exc:
            return JSONResponse({"status": "error", "error": str(exc).splitlines()[0]}, status_code=503)
        now = datetime.now(UTC)
        sources = []
        for s in states:
            state = source_state(s, service.unhealthy_after, now)
            sources.append(
                {
                    "id": s["id"],
                    "state": state.name,
                    "detail": state.words,
                    "healthy": state.ok,
                    "last_fetch": _iso(s["last_fetch_at"]),
                    "last_success": _iso(s["last_success_at"]),
                    "last_outcome": s["last_outcome"],
                    "last_error": s["last_error"],
                    "notice": s.get("notice"),
                    "events_found": s["events_found"],
                    "events_stored": s["events_stored"],
                    "consecutive_failures": s["consecutive_failures"],
                    "next_run": _iso(s["next_run_at"]),
                    "unhealthy_since": _iso(s["unhealthy_since"]),
                    "shape_changed_since": _iso(s.get("shape_changed_since")),
                    "overdue": state.overdue,
                }
            )
        status = "ok" if all(s["healthy"] for s in sources) else "degraded"
        return JSONResponse({"status": status, "sources": sources})

    async def slack_command(request: Request) -> Response:
        slack = config.slack
        if slack is None or not slack.signing_secret:
            return PlainTextResponse("Slack commands are not configured\n", status_code=404)
        from slack_sdk.signature import SignatureVerifier

        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > SLACK_BODY_LIMIT:
            return PlainTextResponse("request too large for a Slack command\n", status_code=413)
        body = bytearray()
        async for chunk in request.stream():
            body += chunk
            if len(body) > SLACK_BODY_LIMIT:
                return PlainTextResponse("request too large for a Slack command\n", status_code=413)
        timestamp = request.headers.get("x-slack-request-timestamp") or ""
        try:
            text = bytes(body).decode("utf-8")
            valid = timestamp.isdigit() and SignatureVerifier(slack.signing_secret).is_valid(
                text, timestamp, request.headers.get("x-slack-signature")
            )
        except (UnicodeDecodeError, ValueError, TypeError, OverflowError):
            valid = False
        if not valid:
            return PlainTextResponse("invalid or stale Slack signature\n", status_code=401)
        from urllib.parse import parse_qs

        from feeds.slack.commands import answer

        form = {k: v[0] for k, v in parse_qs(text).items()}
        return JSONResponse(answer(config, store.all_events(), form.get("text", "")))

    routes = [
        Route("/", index, methods=["GET", "HEAD"]),
        Route("/healthz", healthz, methods=["GET", "HEAD"]),
        Route("/sources", sources_view, methods=["GET", "HEAD"]),
        Route("/feeds/{name}", feed, methods=["GET", "HEAD"]),
        Route("/events/{event_id}", event_detail, methods=["GET", "HEAD"]),
        Route("/slack/commands", slack_command, methods=["POST"]),
    ]
    return Starlette(routes=routes, middleware=[Middleware(GZipMiddleware, minimum_size=500)])


_FILES: dict[Path, tuple[tuple[int, int], bytes, str, datetime, bytes]] = {}


def read_cached(path: Path) -> tuple[bytes, str, datetime, bytes]:
    """A feed file's bytes, ETag and gzipped bytes, made once per version of the file (feeds are
    replaced by rename, so a new version has a new modification time), not once per request."""
    stat = path.stat()
    key = (stat.st_mtime_ns, stat.st_size)
    cached = _FILES.get(path)
    if cached is None or cached[0] != key:
        body = path.read_bytes()
        etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
        cached = (key, body, etag, datetime.fromtimestamp(stat.st_mtime, UTC), gzip.compress(body, 6, mtime=0))
        _FILES[path] = cached
    return cached[1], cached[2], cached[3], cached[4]


def _iso(value: datetime | None) -> str | None:
    return value.isoformat(timespec="seconds") if value else None
