"""The organisation's own website: ``/embed/<feed>``, a compact list of the next events made to sit in an
``<iframe>``, and ``/embed.js``, a script that draws the same list from the JSON feed on any page.

Framing is allowed by ``Content-Security-Policy: frame-ancestors`` (``[site] frame_ancestors``; any website
when empty), never refused with ``X-Frame-Options``."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from feeds.build import feed_events, feed_items
from feeds.html import render
from feeds.selection import Query
from feeds.web.home_page import Choice, listed_event
from feeds.web.responses import Context

SCRIPT_PATH = Path(__file__).with_name("static") / "embed.js"
DEFAULT_LIMIT = 5
MAX_LIMIT = 50


def embed_routes(ctx: Context) -> list[Route]:
    """The framed list and the script."""
    config, store = ctx.config, ctx.store
    service = config.service
    ancestors = " ".join(config.site.frame_ancestors) or "*"
    frame_headers = {"Content-Security-Policy": f"frame-ancestors {ancestors}", "Cache-Control": ctx.cache_control}

    async def embed(request: Request) -> Response:
        feed = config.feed(request.path_params["feed"])
        if feed is None:
            return ctx.refused(request, f"no feed {request.path_params['feed'][:100]!r}; see / for the list", 404)
        params = request.query_params
        raw = params.get("limit", str(DEFAULT_LIMIT))
        limit = min(int(raw), MAX_LIMIT) if raw.isdigit() and int(raw) > 0 else DEFAULT_LIMIT
        choice = Choice.from_params(params, ctx.source_ids)
        query = Query(sources=choice.sources, categories=choice.categories, upcoming=True)
        now = datetime.now(UTC)
        items = await run_in_threadpool(feed_items, store, feed, now, query)
        chosen = feed_events(config, feed, items, now=now, query=query)[:limit]
        names = {s.id: s.name for s in config.sources}
        events = [listed_event(i.event, names, service.base_url, service.timezone) for i in chosen]
        page = render(
            "embed.html",
            site=config.site,
            events=events,
            unknown=choice.unknown,
            more=f"{service.base_url}/",
            several=len(config.sources) > 1,
        )
        return HTMLResponse(page, headers=frame_headers)

    async def script(request: Request) -> Response:
        body = SCRIPT_PATH.read_bytes()
        modified = datetime.fromtimestamp(SCRIPT_PATH.stat().st_mtime, UTC)
        etag = hashlib.sha256(body).hexdigest()[:32]
        return ctx.conditional(request, body, modified, "text/javascript; charset=utf-8", etag)

    return [
        Route("/embed.js", script, methods=["GET", "HEAD"]),
        Route("/embed/{feed}", embed, methods=["GET", "HEAD"]),
    ]
