"""The running service: cycles over sources, on demand (``events fetch``) or on a schedule
(``events run``), each followed by a rebuild of the feeds it touched.

Publishing is handed in as a callback, so collecting never imports publishing. APScheduler 3.11
runs one job per source in the web server's event loop; a job that is still running is never
started twice, one source's crash is logged and the others go on, and the next run time is taken
from the fetch history so that a restart does not hammer every site at once.

The event loop keeps what waits on the network and the store; what keeps a core busy goes to child
processes (``events.workers.child_process``): pages are read in reader processes, and ``events run`` hands in a
publisher that rebuilds feeds in a process of its own, so neither holds the GIL a request needs.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import random
import sys
import threading
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from events import metrics
from events.config.models import Config, Source
from events.errors import StoreError
from events.fetch.fetcher import Fetcher, FetchPolicy
from events.service.cycle import CycleReport, run_source
from events.store import Store
from events.workers.child_process import WorkerPool
from events.workers.threads import in_daemon_thread

log = logging.getLogger("eventfeed")
Publish = Callable[[set[str] | None], Any]


def fetch_policy(config: Config) -> FetchPolicy:
    f = config.fetch
    return FetchPolicy(
        user_agent=config.service.user_agent,
        max_bytes=int(f.max_page_mb * 1024 * 1024),
        connect_timeout=f.connect_timeout,
        read_timeout=f.read_timeout,
        total_timeout=f.timeout,
        retries=f.retries,
        backoff=f.backoff,
        max_retry_after=f.max_retry_after,
        per_host=max(1, f.per_host),
        overall=max(1, f.concurrency),
        host_delay=f.host_delay,
    )


async def run_cycle(
    config: Config,
    store: Store,
    sources: Iterable[Source],
    publish: Publish | None,
    fetcher: Fetcher | None = None,
    *,
    force: bool = True,
    instance: str | None = None,
    readers: WorkerPool | None = None,
) -> list[CycleReport]:
    """Fetch the given sources concurrently (the fetcher keeps it polite per host), then publish
    (``publish=None``: the caller publishes, as the scheduler does, off the fetch's path)."""
    own = fetcher is None
    fetcher = fetcher or Fetcher(fetch_policy(config))
    try:
        reports = await asyncio.gather(
            *(_guarded(config, store, fetcher, s, force, instance, readers) for s in sources)
        )
    finally:
        if own:
            await fetcher.aclose()
    if publish is not None:
        touched = {r.source for r in reports if r.changes}
        await in_daemon_thread(publish, touched if touched else set())
    return list(reports)


async def _guarded(
    config: Config,
    store: Store,
    fetcher: Fetcher,
    source: Source,
    force: bool,
    instance: str | None,
    readers: WorkerPool | None,
) -> CycleReport:
    started = time.perf_counter()
    try:
        if instance is None:
            report = await run_source(config, store, fetcher, source, force=force, readers=readers)
        else:
            report = await run_source(config, store, fetcher, source, force=force, instance=instance, readers=readers)
    except Exception as exc:  # e.g. the database went away: report it, let other sources carry on
        log.exception("cycle for %s failed", source.id)
        report = CycleReport(source.id, "failed", f"{type(exc).__name__}: {exc}")
    metrics.FETCHES.labels(source.id, report.outcome).inc()
    if report.outcome != "skipped":
        metrics.FETCH_SECONDS.observe(time.perf_counter() - started)
    for change in report.changes:
        metrics.CHANGES.labels(change.kind).inc()
    return report


RETRY_FIRST = 60  # seconds before a failed source is tried again; doubled after each failure


def retry_delay(failures: int, interval: int) -> timedelta:
    """1 min, 2, 4, 8 … after the 1st, 2nd, 3rd, 4th failure in a row, and never more than ``interval``."""
    return timedelta(seconds=min(RETRY_FIRST * 2 ** min(max(failures, 1) - 1, 20), interval))


def first_run_time(source: Source, state: dict[str, Any] | None, now: datetime) -> datetime:
    """When a source is next due, from its last fetch; overdue sources are spread over a minute."""
    last = (state or {}).get("last_fetch_at")
    if last is not None:
        due: datetime = last + timedelta(seconds=source.interval)
        if due > now:
            return due
    return now + timedelta(seconds=random.uniform(1, min(60, source.interval / 10)))


def start_line(config: Config, store: Store, *, fetching: bool = True) -> str:
    """What a person starting the service wants to know, in one line: which config, how much of it,
    where it serves, and when the first fetch is."""
    sources, feeds = len(config.sources), len(config.feeds)
    said = [
        f"eventfeed {config.path or 'config'}",
        f"{sources} source{'' if sources == 1 else 's'}",
        f"{feeds} feed{'' if feeds == 1 else 's'}",
        f"serving http://{config.service.listen}/",
    ]
    if config.service.base_url.rstrip("/") != f"http://{config.service.listen}":
        said[-1] += f" (public address {config.service.base_url})"
    if fetching:
        due = [r["next_run_at"] for r in store.source_states() if r.get("next_run_at")]
        if due:
            said.append(f"first fetch at {min(due):%H:%M:%S} UTC")  # the store's times are UTC-aware
    else:
        said.append("not fetching (events run fetches)")
    return " · ".join(said)


def web_server(config: Config, app: Any) -> Any:
    """A uvicorn server that stops on SIGINT/SIGTERM and then lets the process finish its own
    shutdown and exit 0, instead of re-raising the signal as uvicorn does by default."""
    import uvicorn

    sys.setswitchinterval(SWITCH_INTERVAL)  # requests wait less for the GIL behind a thread that renders

    class Server(uvicorn.Server):
        def handle_exit(self, sig: int, frame: Any) -> None:
            super().handle_exit(sig, frame)
            self._captured_signals.clear()

    return Server(
        uvicorn.Config(
            app,
            host=config.service.listen_host,
            port=config.service.listen_port,
            log_config=None,  # uvicorn logs through the handler events.logs set up, in the same format
            lifespan="off",
            timeout_graceful_shutdown=3,  # open requests get 3 s; the stop as a whole stays under 10
        )
    )


# How long a busy thread keeps the GIL from one that waits for it (CPython's default: 5 ms). Reading
# the store gives the GIL up at every row, so while a feed renders in another thread (a query, or a
# rebuild in ``events serve``), each row cost a request up to 5 ms: 200 sources' states took 0.55 s
# instead of 8 ms. At 0.5 ms they take ~0.06 s, and the rendering thread loses a few percent.
SWITCH_INTERVAL = 0.0005


async def serve_and_schedule(config: Config, store: Store, publish: Publish, app: Any) -> None:
    """``events run``: the scheduler and the web server in one process (with its reader processes),
    until SIGINT/SIGTERM."""
    from apscheduler.schedulers.asyncio import AsyncIOScheduler
    from apscheduler.triggers.cron import CronTrigger
    from apscheduler.triggers.interval import IntervalTrigger

    from events.service.steady_interval import SteadyInterval

    fetcher = Fetcher(fetch_policy(config))
    readers = WorkerPool("page reader", reader_processes())
    scheduler = AsyncIOScheduler(timezone=UTC)
    now = datetime.now(UTC)
    in_flight: set[str] = set()  # sources being fetched
    rebuilding = _Running()

    def publish_counted(sources: set[str] | None) -> Any:
        with rebuilding:
            return publish(sources)

    # A fetch job ends when its store write does: the feeds and Slack follow in one publisher, which
    # takes every change made meanwhile at once, so a slow rebuild never makes APScheduler skip fetches.
    touched: set[str] = set()
    wanted = asyncio.Event()

    async def publisher() -> None:
        with contextlib.suppress(asyncio.CancelledError):
            while True:
                await wanted.wait()
                wanted.clear()
                batch = set(touched)
                touched.clear()
                started = time.perf_counter()
                try:
                    await in_daemon_thread(publish_counted, batch)
                except Exception:  # logged, and the next change tries again
                    log.exception("publishing after a fetch failed")
                # changes arriving meanwhile wait for the next batch
                await asyncio.sleep(publish_rest(time.perf_counter() - started))

    async def job(source: Source) -> None:
        in_flight.add(source.id)
        try:
            report = (await run_cycle(config, store, [source], None, fetcher, force=False, readers=readers))[0]
            if report.changes:
                touched.add(source.id)
                wanted.set()
            log.info("%s", report.line())
            if report.outcome == "failed":
                await retry_soon(source)
            scheduled = scheduler.get_job(source.id)
            if scheduled is not None:
                await asyncio.to_thread(store.set_next_run, source.id, scheduled.next_run_time)
        except asyncio.CancelledError:
            return  # stopping: nothing half-written; counted in the one line said at the stop
        finally:
            in_flight.discard(source.id)

    async def retry_soon(source: Source) -> None:
        """A failed fetch is tried again within minutes, not a whole interval later (a network that
        was down at the start comes back): a minute, doubling, never later than the interval would."""
        state = await asyncio.to_thread(store.source_state, source.id) or {}
        at = datetime.now(UTC) + retry_delay(state.get("consecutive_failures") or 1, source.interval)
        scheduled = scheduler.get_job(source.id)
        if scheduled is not None and scheduled.next_run_time is not None and at < scheduled.next_run_time:
            scheduled.modify(next_run_time=at)

    for source in config.sources:
        if source.cron:  # the crontab says when; a restart changes nothing
            trigger = CronTrigger.from_crontab(source.cron, timezone=source.timezone)
            when = trigger.get_next_fire_time(None, now)
        else:
            trigger = SteadyInterval(seconds=source.interval, jitter=min(source.interval // 10, 300))
            when = first_run_time(source, store.source_state(source.id), now)
        scheduler.add_job(
            job,
            trigger,
            args=[source],
            id=source.id,
            name=f"fetch {source.id}",
            next_run_time=when,
            max_instances=1,
            coalesce=True,
            misfire_grace_time=source.interval,
        )
        store.set_next_run(source.id, when)

    async def rebuild() -> None:
        with contextlib.suppress(asyncio.CancelledError):
            await in_daemon_thread(publish_counted, None)

    async def deliver() -> None:
        with contextlib.suppress(asyncio.CancelledError):
            await in_daemon_thread(publish_counted, set())

    async def prune() -> None:
        from events.service.retention import prune, summary

        with contextlib.suppress(asyncio.CancelledError):
            try:
                log.info("%s", summary(await asyncio.to_thread(prune, config, store)))
            except StoreError as exc:
                log.error("retention: %s; tried again tomorrow", exc)

    # What retention no longer keeps goes daily, first ten minutes after the start.
    scheduler.add_job(
        prune, IntervalTrigger(days=1), id="prune", next_run_time=now + timedelta(minutes=10), coalesce=True
    )
    # Feeds change with the calendar too: cancelled events age out, past events become past.
    scheduler.add_job(rebuild, IntervalTrigger(hours=1), id="rebuild", max_instances=1, coalesce=True)
    # Messages that could not go out (Slack down, or a route told to wait) are retried, in order; a run
    # with nothing due reads one index.
    scheduler.add_job(deliver, IntervalTrigger(seconds=15), id="deliver", max_instances=1, coalesce=True)
    log.info("%s", start_line(config, store))
    server = web_server(config, app)
    app.state.scheduler_alive = lambda: scheduler.running  # /healthz says whether fetching goes on
    scheduler.start()
    publishing = asyncio.ensure_future(publisher())
    try:
        await server.serve()
    finally:
        scheduler.shutdown(wait=False)
        publishing.cancel()
        log.info("stopping: %s", _abandoned(len(in_flight), rebuilding.count))
        await fetcher.aclose()
        readers.close()


def reader_processes() -> int:
    """Processes that read pages for ``events run``: one core is left to the web server, the fetches
    and the store, and the publisher has a process of its own."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 2)
    return max(1, min(4, cores - 1))  # the cores this process may use (a container's cpuset), not the host's


PUBLISH_SHARE = 0.2  # of the process's time, at most, spent rebuilding feeds while changes pour in


def publish_rest(took: float) -> float:
    """How long the publisher rests after a rebuild that took ``took`` seconds. While sources change
    one after another, rebuilding after each would keep the process busy rendering and slow every
    request it serves (a 6,400-event feed takes ~0.15 s); resting in proportion batches the changes,
    and a small feed (a few milliseconds) is hardly delayed. Calendars poll every few minutes at best."""
    return min(took * (1 / PUBLISH_SHARE - 1), 60.0)


class _Running:
    """How many threads are inside ``with`` it now (feed rebuilds and Slack deliveries)."""

    def __init__(self) -> None:
        self.count = 0
        self._lock = threading.Lock()

    def __enter__(self) -> None:
        with self._lock:
            self.count += 1

    def __exit__(self, *exc: object) -> None:
        with self._lock:
            self.count -= 1


def _abandoned(fetches: int, rebuilds: int) -> str:
    """What a stop leaves undone, in words: fetches run again at the next start, and an abandoned
    feed rebuild leaves the previous files."""
    parts = []
    if fetches:
        fetch = "fetches" if fetches > 1 else "fetch"
        parts.append(f"{fetches} {fetch} in progress abandoned (run again at the next start)")
    if rebuilds:
        parts.append("a feed rebuild abandoned (the previous files stay)")
    return "; ".join(parts) or "nothing was in progress"
