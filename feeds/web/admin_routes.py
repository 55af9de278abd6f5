"""Health and operations: ``/healthz`` for a load balancer and for people, ``/metrics`` for Prometheus.
Error text and a source's last error only with the admin token."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

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
        """Whether the service works, for a load balancer and for people: the count of sources, the
        troubled ones (failing, changed shape; at most ``PROBLEMS_SHOWN``, longest troubled first),
        in time independent of how many are well; ``?sources=all`` lists every source. Error text and
        a source's last error can name hosts, users and paths: only with the admin token
        (``Authorization: Bearer …``, ``[service] admin_token``)."""
        admin = ctx.is_admin(request)
        every = request.query_params.get("sources") == "all"
        alive = getattr(request.app.state, "scheduler_alive", None)
        scheduler = "not in this process" if alive is None else ("running" if alive() else "stopped")
        try:
            total, troubled, rows = await run_in_threadpool(store.troubled_sources, PROBLEMS_SHOWN)
            states = await run_in_threadpool(store.source_states) if every else []
        except Exception as exc:
            said = str(exc).splitlines()[0] if admin else "the store cannot be read (details with the admin token)"
            return JSONResponse({"status": "error", "scheduler": scheduler, "error": said}, status_code=503)
        now = datetime.now(UTC)
        problems = [_shown(s, service.unhealthy_after, now, admin) for s in rows]
        body: dict[str, object] = {
            "status": "ok" if not troubled and scheduler != "stopped" else "degraded",
            "scheduler": scheduler,
            "sources_total": total,
            "sources_troubled": troubled,
            "problems": problems,
        }
        if every:
            body["sources"] = [_shown(s, service.unhealthy_after, now, admin) for s in states]
        return JSONResponse(body)

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


PROBLEMS_SHOWN = 50  # troubled sources listed by /healthz; the count says how many there are


def _shown(s: dict[str, Any], unhealthy_after: int, now: datetime, admin: bool) -> dict[str, Any]:
    """A source as /healthz shows it; the raw error and the notice only to the admin."""
    state = source_state(s, unhealthy_after, now, public=not admin)
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
    }
    if "events_stored" in s:  # counted over the events: only when every source is asked for
        shown["events_stored"] = s["events_stored"]
    if admin:
        shown |= {
            "last_error": s["last_error"],
            "notice": s.get("notice"),
            "consecutive_failures": s["consecutive_failures"],
            "unhealthy_since": _iso(s["unhealthy_since"]),
            "shape_changed_since": _iso(s.get("shape_changed_since")),
        }
    return shown


def _iso(value: datetime | None) -> str | None:
    return value.isoformat(timespec="seconds") if value else None
