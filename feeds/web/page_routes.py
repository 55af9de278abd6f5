"""The pages people read: the subscribe page (``/``), an event's page, and the sources' state."""

from __future__ import annotations

from datetime import UTC, datetime

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from feeds.web.event_page import event_page
from feeds.web.home_page import Choice, index_page
from feeds.web.responses import Context
from feeds.web.source_pages import source_page, sources_page


def page_routes(ctx: Context) -> list[Route]:
    """The HTML pages."""
    config, store = ctx.config, ctx.store
    service, source_ids = config.service, ctx.source_ids

    async def index(request: Request) -> Response:
        items = await run_in_threadpool(store.all_events)
        states = await run_in_threadpool(store.source_states)
        choice = Choice.from_params(request.query_params, source_ids)
        return HTMLResponse(index_page(config, items, now=datetime.now(UTC), choice=choice, states=states))

    async def event_detail(request: Request) -> Response:
        event_id = request.path_params["event_id"]
        item = await run_in_threadpool(store.event, event_id)
        if item is None:
            return ctx.refused(request, f"no event {event_id!r}", 404)
        history = await run_in_threadpool(store.history, event_id)
        also = await run_in_threadpool(store.same_events, item)
        page = event_page(config, item, history, also, now=datetime.now(UTC), admin=ctx.is_admin(request))
        return HTMLResponse(page)

    async def sources_view(request: Request) -> Response:
        states = await run_in_threadpool(store.source_states)
        now, overdue = datetime.now(UTC), service.unhealthy_after
        return HTMLResponse(sources_page(config, states, now=now, overdue_after=overdue, admin=ctx.is_admin(request)))

    async def source_view(request: Request) -> Response:
        source_id = request.path_params["source_id"]
        if source_id not in source_ids:
            return ctx.refused(request, f"no source {source_id!r}; see /sources", 404)
        states = await run_in_threadpool(store.source_states)
        state = next((s for s in states if s["id"] == source_id), {"id": source_id})
        found = await run_in_threadpool(store.events_by_source, [source_id])
        now = datetime.now(UTC)
        return HTMLResponse(source_page(config, state, found[source_id], now=now, admin=ctx.is_admin(request)))

    return [
        Route("/", index, methods=["GET", "HEAD"]),
        Route("/sources", sources_view, methods=["GET", "HEAD"]),
        Route("/sources/{source_id}", source_view, methods=["GET", "HEAD"]),
        Route("/events/{event_id}", event_detail, methods=["GET", "HEAD"]),
    ]
