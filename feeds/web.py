"""The web app: feeds with proper types and caching, a page to subscribe from, and health.

``/feeds/<id>.ics`` and ``/feeds/<id>.json`` serve the files ``feeds.build`` wrote (or, with a
query such as ``?source=hcsa&upcoming=1``, a narrowed copy rendered from the store). Responses carry
ETag and Last-Modified and answer 304 to a matching conditional request; gzip and CORS (for the JSON)
are on; Cache-Control follows the configured refresh interval.
"""

from __future__ import annotations

import gzip
import hashlib
import hmac
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from email.utils import format_datetime, parsedate_to_datetime
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from events import metrics
from events.config.models import Config, Feed
from events.errors import StoreError
from events.sources.state import source_state
from events.store import Store, StoredEvent
from events.store.served import ServedSince
from events.workers.child_process import ChildGone, WorkerPool
from feeds.booking_calendar import build_booking_ical
from feeds.build import PageOf, feed_events, feed_items, feed_title, render_feed
from feeds.freshness import Freshness
from feeds.ical import build_event_ical
from feeds.page import Choice, event_page, index_page, source_page, sources_page
from feeds.rss import build_rss
from feeds.selection import Query, StartKey, cursor, parse_cursor
from feeds.slack.outbox import pending_count
from feeds.text import organisation

MEDIA_TYPES = {
    "ics": "text/calendar; charset=utf-8",
    "json": "application/feed+json",
    "rss": "application/rss+xml; charset=utf-8",
}
BOOKING_SUFFIX = "-booking"  # /feeds/all-booking.ics: the days booking opens for the events of feed "all"
_PAGING_KEYS = ("limit", "page", "after")
_QUERY_KEYS = {"source", "category", "from", "to", "upcoming", *_PAGING_KEYS}
# links shared by newsletters and social media carry these; they say nothing about the feed
_TRACKING = ("utm_", "fbclid", "gclid", "dclid", "msclkid", "mc_cid", "mc_eid", "_ga", "igshid")
SLACK_BODY_LIMIT = 64 * 1024  # Slack's command payloads are a few hundred bytes
MAX_PAGE = 500  # items a JSON page may hold
# a member site's script reads our feeds from its own origin, and its conditional requests need the
# validators: a browser hides every response header that is not exposed (ETag and Last-Modified are not
# on the CORS safelist)
CORS = {"Access-Control-Allow-Origin": "*", "Access-Control-Expose-Headers": "ETag, Last-Modified"}
SCHEMA_PATH = Path(__file__).with_name("jsonfeed.schema.json")


class BadQuery(ValueError):
    pass


@dataclass(frozen=True)
class Paging:
    limit: int
    page: int
    after: StartKey | None = None


def parse_query(params: Any, sources: set[str] | None = None) -> Query | None:
    """The narrowing a subscriber asked for, or None for the plain feed. Unknown keys, empty values
    and sources that do not exist are errors that say what is known; tracking parameters are ignored."""
    keys = {k for k in params if not k.lower().startswith(_TRACKING)}
    unknown = sorted(keys - _QUERY_KEYS)
    if unknown:
        raise BadQuery(
            f"unknown parameter {unknown[0]!r}; use source, category, from, to, upcoming, limit, page or after"
        )
    narrowing = keys - set(_PAGING_KEYS)
    for name in ("source", "category"):
        if any(not v.strip() for v in params.getlist(name)):
            known = f"; known: {', '.join(sorted(sources))}" if name == "source" and sources else ""
            raise BadQuery(f"{name}= is empty{known}")
    if sources is not None:
        for value in params.getlist("source"):
            if value not in sources:
                raise BadQuery(f"no source {value!r}; known: {', '.join(sorted(sources))}")
    if not narrowing:
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


def parse_paging(params: Any) -> Paging | None:
    """``?limit=50&after=…`` (the ``next_url`` of the page before) or ``?limit=50&page=2`` for a website
    taking a JSON feed a page at a time."""
    if not any(k in params for k in _PAGING_KEYS):
        return None
    after = None
    if "after" in params:
        try:
            after = parse_cursor(params["after"])
        except ValueError:
            raise BadQuery(f"after={params['after'][:100]!r} is not a place in the feed; follow next_url") from None
    values = {}
    for name, default in (("limit", "50"), ("page", "1")):
        raw = params.get(name, default)
        if not raw.isdigit() or int(raw) < 1:
            raise BadQuery(f"{name}={raw!r} must be a whole number from 1")
        values[name] = int(raw)
    if values["limit"] > MAX_PAGE:
        raise BadQuery(f"limit={values['limit']} is too large (at most {MAX_PAGE})")
    return Paging(values["limit"], values["page"], after)


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


def create_app(
    config: Config,
    store: Store,
    *,
    rebuild: Callable[[], object] | None = None,
    renderers: WorkerPool | None = None,
) -> Starlette:
    """``rebuild`` brings the feeds that are behind the store up to date (by default here, with
    ``feeds.build.build_feeds``; ``events run`` passes its publishing process's). ``renderers``
    render feeds with a query in other processes (``events serve`` and ``run``), so that a large
    one keeps no other request waiting for the GIL; without them a worker thread renders."""
    service = config.service
    cache_control = f"public, max-age={min(service.refresh_interval, 3600)}"
    source_ids = {s.id for s in config.sources}
    # what a filtered feed looked like last time: its ETag and since when, so Last-Modified moves
    # whenever the body does (an event dropping out too), not only when a shown event was updated,
    # and stays put across a restart (kept in the store)
    served = ServedSince(store)
    freshness = Freshness(config, store, rebuild=rebuild)
    answers: dict[tuple[object, ...], tuple[bytes, str]] = {}  # filtered feeds, per store version and day

    def conditional(
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
            "Cache-Control": cache_control,
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

    def refused(message: str, status: int) -> Response:
        return PlainTextResponse(f"{message}\n", status_code=status, headers=CORS)

    async def feed(request: Request) -> Response:
        name = request.path_params["name"]
        feed_id, _, ext = name.rpartition(".")
        variant = "rss" if ext == "rss" else None
        if ext == "ics" and feed_id.endswith(BOOKING_SUFFIX) and config.feed(feed_id) is None:
            feed_id, variant = feed_id.removesuffix(BOOKING_SUFFIX), "booking"
        feed_conf = config.feed(feed_id)
        if ext not in MEDIA_TYPES or feed_conf is None:
            return refused(f"no feed {name!r}; see / for the list", 404)
        try:
            query = parse_query(request.query_params, source_ids)
            paging = parse_paging(request.query_params) if ext == "json" else None
        except BadQuery as exc:
            return refused(str(exc), 400)
        path = service.feeds_dir / name
        if query is None and paging is None and variant is None:
            await freshness.ensure()  # another instance may have stored changes since these files
            if path.exists():
                body, etag, modified, zipped = read_cached(path)
                return conditional(request, body, modified, MEDIA_TYPES[ext], etag, zipped)
        now = datetime.now(UTC)
        # the same question about the same store on the same day has the same answer: rendered once
        versions = await run_in_threadpool(store.versions)
        key = (name, str(request.query_params), tuple(sorted(versions.items())), now.date())
        answered = answers.get(key)
        if answered is None:
            kept = [(k, v) for k, v in request.query_params.multi_items() if not k.lower().startswith(_TRACKING)]
            asked = (config, feed_conf, query, paging, kept, request.url.path, now, variant, ext)
            # rendered in another process (``events serve`` and ``run``) or a worker thread, never on the loop
            try:
                if renderers is None:
                    rendered = await run_in_threadpool(_render_query, store, *asked)
                else:
                    rendered = await renderers.run(_render_query_apart, *asked)
            except ChildGone as exc:
                return refused(f"{exc}; ask again", 503)
            if isinstance(rendered, str):
                return refused(rendered, 400)
            body = rendered
            answered = (body, hashlib.sha256(body).hexdigest()[:32])
            if len(answers) >= 256:
                answers.pop(next(iter(answers)))  # the oldest question goes
            answers[key] = answered
        body, etag = answered
        try:
            modified = await run_in_threadpool(served.since, f"{name}?{request.query_params}", etag, now)
        except StoreError:  # the store is away: the body is still right, and newer than any copy
            modified = now
        return conditional(request, body, modified, MEDIA_TYPES[ext], etag)

    async def preflight(request: Request) -> Response:
        return Response(
            status_code=204,
            headers={
                **CORS,
                "Access-Control-Allow-Methods": "GET, HEAD, OPTIONS",
                "Access-Control-Allow-Headers": "If-None-Match, If-Modified-Since",
                "Access-Control-Max-Age": "86400",
            },
        )

    async def schema(request: Request) -> Response:
        body = SCHEMA_PATH.read_bytes()
        return conditional(
            request,
            body,
            datetime.fromtimestamp(SCHEMA_PATH.stat().st_mtime, UTC),
            "application/schema+json",
            hashlib.sha256(body).hexdigest()[:32],
        )

    async def event_ics(request: Request) -> Response:
        event_id = request.path_params["event_id"]
        item = await run_in_threadpool(store.event, event_id)
        if item is None or item.removed_at is not None:
            return refused(f"no event {event_id!r}", 404)
        if len(config.sources) > 1 and item.same_as:  # the UID the combined feeds give it (feeds.merging)
            item = replace(item, uid=item.same_as)
        body = build_event_ical(
            item,
            base_url=service.base_url,
            refresh_seconds=service.refresh_interval,
            sources={s.id: s for s in config.sources},
            uid_domain=service.uid_domain,
        )
        response = conditional(
            request, body, item.updated_at, MEDIA_TYPES["ics"], hashlib.sha256(body).hexdigest()[:32]
        )
        response.headers["Content-Disposition"] = f'attachment; filename="{event_id}.ics"'
        return response

    async def index(request: Request) -> Response:
        items = await run_in_threadpool(store.all_events)
        states = await run_in_threadpool(store.source_states)
        choice = Choice.from_params(request.query_params, source_ids)
        return HTMLResponse(index_page(config, items, now=datetime.now(UTC), choice=choice, states=states))

    async def event_detail(request: Request) -> Response:
        event_id = request.path_params["event_id"]
        item = await run_in_threadpool(store.event, event_id)
        if item is None:
            return PlainTextResponse(f"no event {event_id!r}\n", status_code=404)
        history = await run_in_threadpool(store.history, event_id)
        also = await run_in_threadpool(store.same_events, item)
        return HTMLResponse(event_page(config, item, history, also))

    async def sources_view(request: Request) -> Response:
        states = await run_in_threadpool(store.source_states)
        now, overdue = datetime.now(UTC), service.unhealthy_after
        return HTMLResponse(sources_page(config, states, now=now, overdue_after=overdue, admin=is_admin(request)))

    async def source_view(request: Request) -> Response:
        source_id = request.path_params["source_id"]
        if source_id not in source_ids:
            return PlainTextResponse(f"no source {source_id!r}; see /sources\n", status_code=404)
        states = await run_in_threadpool(store.source_states)
        state = next((s for s in states if s["id"] == source_id), {"id": source_id})
        found = await run_in_threadpool(store.events_by_source, [source_id])
        now = datetime.now(UTC)
        return HTMLResponse(source_page(config, state, found[source_id], now=now, admin=is_admin(request)))

    def is_admin(request: Request) -> bool:
        token = service.admin_token
        said = request.headers.get("authorization", "")
        return bool(token) and hmac.compare_digest(said.encode(), f"Bearer {token}".encode())

    async def healthz(request: Request) -> Response:
        """Whether the service works, for a load balancer and for people. Error text and a source's
        last error can name hosts, users and paths: only with the admin token (``Authorization:
        Bearer …``, ``[service] admin_token``)."""
        admin = is_admin(request)
        alive = getattr(request.app.state, "scheduler_alive", None)
        scheduler = "not in this process" if alive is None else ("running" if alive() else "stopped")
        try:
            states = await run_in_threadpool(store.source_states)
        except Exception as exc:
            said = str(exc).splitlines()[0] if admin else "the store cannot be read (details with the admin token)"
            return JSONResponse({"status": "error", "scheduler": scheduler, "error": said}, status_code=503)
        now = datetime.now(UTC)
        sources = []
        for s in states:
            state = source_state(s, service.unhealthy_after, now, public=not admin)
            shown = {
                "id": s["id"],
                "state": state.name,
                "detail": state.words,
                "healthy": state.ok,
                "overdue": state.overdue,
                "last_fetch": _iso(s["last_fetch_at"]),
                "last_success": _iso(s["last_success_at"]),
                "last_outcome": s["last_outcome"],
                "next_run": _iso(s["next_run_at"]),
                "events_found": s["events_found"],
                "events_stored": s["events_stored"],
            }
            if admin:
                shown |= {
                    "last_error": s["last_error"],
                    "notice": s.get("notice"),
                    "consecutive_failures": s["consecutive_failures"],
                    "unhealthy_since": _iso(s["unhealthy_since"]),
                    "shape_changed_since": _iso(s.get("shape_changed_since")),
                }
            sources.append(shown)
        healthy = all(s["healthy"] for s in sources) and scheduler != "stopped"
        return JSONResponse({"status": "ok" if healthy else "degraded", "scheduler": scheduler, "sources": sources})

    async def metrics_view(request: Request) -> Response:
        """Prometheus text format; behind the admin token when one is configured (a scrape config's
        ``authorization: credentials``)."""
        if service.admin_token and not is_admin(request):
            return refused("/metrics needs the admin token (Authorization: Bearer …)", 401)
        body = await run_in_threadpool(scrape)
        return Response(body, media_type=CONTENT_TYPE_LATEST)

    def scrape() -> bytes:
        try:
            return generate_latest(metrics.REGISTRY) + generate_latest(store_metrics)
        except StoreError:  # the process's own counts still say something
            return generate_latest(metrics.REGISTRY)

    store_metrics = CollectorRegistry(auto_describe=False)
    store_metrics.register(
        metrics.StoreCollector(
            store.source_states,
            lambda: pending_count(store),
            lambda: alive() if (alive := getattr(app.state, "scheduler_alive", None)) else None,
        )
    )

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
        return JSONResponse(answer(config, await run_in_threadpool(store.all_events), form.get("text", "")))

    routes = [
        Route("/", index, methods=["GET", "HEAD"]),
        Route("/healthz", healthz, methods=["GET", "HEAD"]),
        Route("/sources", sources_view, methods=["GET", "HEAD"]),
        Route("/sources/{source_id}", source_view, methods=["GET", "HEAD"]),
        Route("/feeds/schema.json", schema, methods=["GET", "HEAD"]),
        Route("/feeds/{name}", feed, methods=["GET", "HEAD"]),
        Route("/feeds/{name}", preflight, methods=["OPTIONS"]),
        Route("/events/{event_id}.ics", event_ics, methods=["GET", "HEAD"]),
        Route("/events/{event_id}.ics", preflight, methods=["OPTIONS"]),
        Route("/events/{event_id}", event_detail, methods=["GET", "HEAD"]),
        Route("/slack/commands", slack_command, methods=["POST"]),
        Route("/metrics", metrics_view, methods=["GET"]),
    ]
    # feeds negotiate their own encoding (a gzip body has its own ETag), so the middleware leaves them
    feed_types = (*sorted({t.partition(";")[0] for t in MEDIA_TYPES.values()}), "application/schema+json")
    app = Starlette(
        routes=routes,
        middleware=[Middleware(GZipMiddleware, minimum_size=500, exclude_content_types=feed_types)],
    )
    return app


def _render_query_apart(config: Config, *asked: Any) -> bytes | str:
    """``_render_query`` in a renderer process, with that process's own connection to the store."""
    return _render_query(_store_at(config.service.database_url), config, *asked)


@cache
def _store_at(url: str) -> Store:
    return Store(url, prepare=False)  # the serving process has prepared it


def _render_query(
    store: Store,
    config: Config,
    feed: Feed,
    query: Query | None,
    paging: Paging | None,
    kept: list[tuple[str, str]],
    path: str,
    now: datetime,
    variant: str | None,
    ext: str,
) -> bytes | str:
    """A narrowed or paged copy of a feed, from the store, in the format ``ext`` names; a category
    nobody uses is refused here, where the categories in use are known (the one line to say is
    returned instead). ``kept`` are the request's parameters less tracking ones."""
    items = feed_items(store, feed, now, query)
    if query is not None and query.categories:
        known = {c.casefold(): c for s in config.sources for c in s.categories}
        known.update({c.casefold(): c for i in items for c in i.event.categories})
        for wanted in query.categories:
            if wanted.casefold() not in known:
                return f"no category {wanted!r}; known: {', '.join(sorted(known.values())) or 'none yet'}"
    here = f"{config.service.base_url}{path}"

    if variant is not None:
        return _render_variant(config, feed, items, query, variant, f"{here}?{urlencode(kept)}" if kept else here, now)

    # the feed's own addresses, the same on every page: its filters, not its paging
    filters = urlencode([(k, v) for k, v in kept if k not in _PAGING_KEYS])
    json_url = f"{config.service.base_url}/feeds/{feed.id}.json" + (f"?{filters}" if filters else "")
    ical_url = f"{config.service.base_url}/feeds/{feed.id}.ics" + (f"?{filters}" if filters else "")

    def next_page(last: StartKey) -> str:
        assert paging is not None
        return f"{json_url}{'&' if filters else '?'}" + urlencode({"limit": paging.limit, "after": cursor(last)})

    rendered = render_feed(
        config,
        feed,
        items,
        now=now,
        query=query,
        feed_url=(f"{here}?{urlencode(kept)}" if kept else here) if ext != "json" else json_url,
        ical_url=ical_url,
        paging=PageOf(paging.limit, next_page, paging.page, paging.after) if paging else None,
    )
    return rendered.ics if ext == "ics" else rendered.json


def _render_variant(
    config: Config, feed: Feed, items: list[StoredEvent], query: Query | None, variant: str, address: str, now: datetime
) -> bytes:
    """A feed's RSS (its coming events) or its calendar of booking openings."""
    service = config.service
    sources = {s.id: s for s in config.sources}
    title = feed_title(feed, query, sources)
    if variant == "rss":
        upcoming = replace(query or Query(), upcoming=True)
        chosen = feed_events(config, feed, items, now=now, query=upcoming)
        return build_rss(
            title,
            chosen,
            base_url=service.base_url,
            feed_url=address,
            site=config.site,
            sources=sources,
            timezone=service.timezone,
        )
    chosen = feed_events(config, feed, items, now=now, query=query)
    return build_booking_ical(
        title,
        chosen,
        base_url=service.base_url,
        timezone=service.timezone,
        refresh_seconds=service.refresh_interval,
        uid_domain=service.uid_domain,
        today=now.astimezone(ZoneInfo(service.timezone)).date(),
        organisation=organisation(config.site),
    )


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


def _iso(value: datetime | None) -> str | None:
    return value.isoformat(timespec="seconds") if value else None
