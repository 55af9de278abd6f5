"""Health and operations: ``/healthz`` for a load balancer and for people, ``/metrics`` for Prometheus.
Error text and a source's last error only with the admin token."""

from __future__ import annotations

from datetime import UTC, datetime

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from events import metrics
from events.errors import StoreError
from events.sources.state import source_state
from feeds.outbox import pending_count
from feeds.web.responses import Context, refused


def admin_routes(ctx: Context, app: Starlette) -> list[Route]:
    """``app``: whose state says whether its scheduler runs."""
    config, store = ctx.config, ctx.store
    service = config.service

    async def healthz(request: Request) -> Response:
        """Whether the service works, for a load balancer and for people. Error text and a source's
        last error can name hosts, users and paths: only with the admin token (``Authorization:
        Bearer …``, ``[service] admin_token``)."""
        admin = ctx.is_admin(request)
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
        if service.admin_token and not ctx.is_admin(request):
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

    return [
        Route("/healthz", healthz, methods=["GET", "HEAD"]),
        Route("/metrics", metrics_view, methods=["GET"]),
    ]


def _iso(value: datetime | None) -> str | None:
    return value.isoformat(timespec="seconds") if value else None
