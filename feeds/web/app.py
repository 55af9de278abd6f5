"""The web app assembled: every kind of route (feeds, pages, health, Slack) over one context, and the
middleware they share."""

from __future__ import annotations

from collections.abc import Callable

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import Response

from events.config.models import Config
from events.store import Store
from events.workers.child_process import WorkerPool
from feeds.web.admin_routes import admin_routes
from feeds.web.embed_routes import embed_routes
from feeds.web.feed_routes import feed_routes
from feeds.web.page_routes import page_routes
from feeds.web.responses import MEDIA_TYPES, Context
from feeds.web.slack_routes import slack_routes


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
    ctx = Context(config, store)
    # feeds negotiate their own encoding (a gzip body has its own ETag), so the middleware leaves them
    feed_types = (
        *sorted({t.partition(";")[0] for t in MEDIA_TYPES.values()}),
        "application/schema+json",
        "text/javascript",
    )

    async def not_found(request: Request, exc: Exception) -> Response:
        """Unknown addresses (404) and methods (405): a page with a way back for a browser, a line for the rest."""
        status = getattr(exc, "status_code", 404)
        path = request.url.path[:200]
        said = f"{path} does not take {request.method}" if status == 405 else f"nothing at {path}"
        return ctx.refused(request, said, status)

    app = Starlette(
        middleware=[Middleware(GZipMiddleware, minimum_size=500, exclude_content_types=feed_types)],
        exception_handlers={404: not_found, 405: not_found},
    )
    # in this order: /events/<id>.ics is a feed route, matched before the page route /events/<id>
    app.router.routes.extend(
        [
            *feed_routes(ctx, rebuild=rebuild, renderers=renderers),
            *page_routes(ctx),
            *embed_routes(ctx),
            *admin_routes(ctx, app),
            *slack_routes(ctx),
        ]
    )
    return app
