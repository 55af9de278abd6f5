"""Feed files and queries: ``/feeds/<id>.ics``, ``.json`` and ``.rss`` served from the files ``feeds.build``
wrote, or (with a query such as ``?source=hcsa&upcoming=1``, paging, the RSS or the booking calendar) a
narrowed copy rendered from the store in a renderer process; one event's own ``.ics``; the JSON Feed's
schema. Responses carry ETag and Last-Modified and answer 304 to a matching conditional request."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from events.config.models import Config, Feed
from events.errors import StoreError
from events.store import Store, StoredEvent
from events.store.served import ServedSince
from events.workers.child_process import ChildGone, WorkerPool
from feeds.booking_calendar import build_booking_ical
from feeds.build import PageOf, feed_events, feed_items, feed_title, render_feed
from feeds.freshness import Freshness
from feeds.ical import build_event_ical
from feeds.rss import build_rss
from feeds.selection import Query, StartKey, cursor
from feeds.text import organisation
from feeds.web.query_params import PAGING_KEYS, TRACKING, BadQuery, Paging, parse_paging, parse_query
from feeds.web.responses import CORS, MEDIA_TYPES, Context, read_cached

BOOKING_SUFFIX = "-booking"  # /feeds/all-booking.ics: the days booking opens for the events of feed "all"
SCHEMA_PATH = Path(__file__).parents[1] / "jsonfeed.schema.json"


def feed_routes(ctx: Context, *, rebuild: Callable[[], object] | None, renderers: WorkerPool | None) -> list[Route]:
    """``rebuild`` and ``renderers``: as ``create_app`` says."""
    config, store = ctx.config, ctx.store
    service, source_ids = config.service, ctx.source_ids

    # what a filtered feed looked like last time: its ETag and since when, so Last-Modified moves
    # whenever the body does (an event dropping out too), not only when a shown event was updated,
    # and stays put across a restart (kept in the store)
    served = ServedSince(store)
    freshness = Freshness(config, store, rebuild=rebuild)
    answers: dict[tuple[object, ...], tuple[bytes, str]] = {}  # filtered feeds, per store version and day

    async def feed(request: Request) -> Response:
        name = request.path_params["name"]
        feed_id, _, ext = name.rpartition(".")
        variant = "rss" if ext == "rss" else None
        if ext == "ics" and feed_id.endswith(BOOKING_SUFFIX) and config.feed(feed_id) is None:
            feed_id, variant = feed_id.removesuffix(BOOKING_SUFFIX), "booking"
        feed_conf = config.feed(feed_id)
        if ext not in MEDIA_TYPES or feed_conf is None:
            return ctx.refused(request, f"no feed {name!r}; see / for the list", 404)
        try:
            query = parse_query(request.query_params, source_ids)
            paging = parse_paging(request.query_params) if ext == "json" else None
        except BadQuery as exc:
            return ctx.refused(request, str(exc), 400)
        path = service.feeds_dir / name
        if query is None and paging is None and variant is None:
            await freshness.ensure()  # another instance may have stored changes since these files
            if path.exists():
                body, etag, modified, zipped = read_cached(path)
                return ctx.conditional(request, body, modified, MEDIA_TYPES[ext], etag, zipped)
        now = datetime.now(UTC)
        # the same question about the same store on the same day has the same answer: rendered once
        versions = await run_in_threadpool(store.versions)
        key = (name, str(request.query_params), tuple(sorted(versions.items())), now.date())
        answered = answers.get(key)
        if answered is None:
            kept = [(k, v) for k, v in request.query_params.multi_items() if not k.lower().startswith(TRACKING)]
            asked = (config, feed_conf, query, paging, kept, request.url.path, now, variant, ext)
            # rendered in another process (``events serve`` and ``run``) or a worker thread, never on the loop
            try:
                if renderers is None:
                    rendered = await run_in_threadpool(_render_query, store, *asked)
                else:
                    rendered = await renderers.run(_render_query_apart, *asked)
            except ChildGone as exc:
                return ctx.refused(request, f"{exc}; ask again", 503)
            if isinstance(rendered, str):
                return ctx.refused(request, rendered, 400)
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
        return ctx.conditional(request, body, modified, MEDIA_TYPES[ext], etag)

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
        return ctx.conditional(
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
            return ctx.refused(request, f"no event {event_id!r}", 404)
        if len(config.sources) > 1 and item.same_as:  # the UID the combined feeds give it (feeds.merging)
            item = replace(item, uid=item.same_as)
        body = build_event_ical(
            item,
            base_url=service.base_url,
            refresh_seconds=service.refresh_interval,
            sources={s.id: s for s in config.sources},
            uid_domain=service.uid_domain,
        )
        response = ctx.conditional(
            request, body, item.updated_at, MEDIA_TYPES["ics"], hashlib.sha256(body).hexdigest()[:32]
        )
        response.headers["Content-Disposition"] = f'attachment; filename="{event_id}.ics"'
        return response

    return [
        Route("/feeds/schema.json", schema, methods=["GET", "HEAD"]),
        Route("/feeds/{name}", feed, methods=["GET", "HEAD"]),
        Route("/feeds/{name}", preflight, methods=["OPTIONS"]),
        Route("/events/{event_id}.ics", event_ics, methods=["GET", "HEAD"]),
        Route("/events/{event_id}.ics", preflight, methods=["OPTIONS"]),
    ]


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
    filters = urlencode([(k, v) for k, v in kept if k not in PAGING_KEYS])
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
