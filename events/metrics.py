"""Prometheus metrics (``/metrics``, text format, through ``prometheus_client``).

Two kinds. What happens in this process (fetches and their time, changes recorded, feed builds) is
counted where it happens, in this module's registry. What the store holds (events per source, each
source's last success and health, Slack messages by state) is read from the store at scrape time, so
every replica reports the same numbers for the shared store and nothing is lost at a restart.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily, Metric

REGISTRY = CollectorRegistry(auto_describe=True)

FETCHES = Counter(
    "eventfeed_fetches",
    "Fetches by source and outcome (page, not_modified, unchanged, failed, changed_shape, skipped).",
    ["source", "outcome"],
    registry=REGISTRY,
)
FETCH_SECONDS = Histogram(
    "eventfeed_fetch_duration_seconds",
    "One source's cycle: fetch, read, reconcile and store.",
    buckets=(0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120),
    registry=REGISTRY,
)
CHANGES = Counter("eventfeed_changes", "Event changes recorded, by kind.", ["kind"], registry=REGISTRY)
FEED_BUILD_SECONDS = Histogram(
    "eventfeed_feed_build_duration_seconds",
    "Rendering and writing one feed's files.",
    ["feed"],
    buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
    registry=REGISTRY,
)

_relayed: list[tuple[str, float]] | None = None  # in a child process: feed builds for its parent to count


def feed_built(feed_id: str, seconds: float) -> None:
    if _relayed is not None:
        _relayed.append((feed_id, seconds))
    else:
        FEED_BUILD_SECONDS.labels(feed_id).observe(seconds)


def relay_feed_builds() -> None:
    """In a child process that builds feeds for its parent: keep the build times for the parent,
    whose /metrics is the one scraped (``relayed_feed_builds``)."""
    global _relayed
    _relayed = []


def relayed_feed_builds() -> list[tuple[str, float]]:
    """The build times kept since the last call."""
    taken = list(_relayed or ())
    if _relayed is not None:
        _relayed.clear()
    return taken


class StoreCollector:
    """The store's state at scrape time. ``states`` and ``messages`` read the store (sources with their
    stored-event counts; Slack messages by state); ``scheduler`` says whether this process fetches
    (None: it has no scheduler, e.g. ``events serve``)."""

    def __init__(
        self,
        states: Callable[[], list[dict[str, Any]]],
        messages: Callable[[], dict[str, int]],
        scheduler: Callable[[], bool | None],
        slack_states: tuple[str, ...] = ("pending", "sending", "sent", "unknown"),
    ) -> None:
        self.states = states
        self.messages = messages
        self.scheduler = scheduler
        self.slack_states = slack_states

    def collect(self) -> Iterator[Metric]:
        stored = GaugeMetricFamily("eventfeed_events_stored", "Events stored and not removed.", labels=["source"])
        success = GaugeMetricFamily(
            "eventfeed_source_last_success_timestamp_seconds",
            "When the source was last read successfully (Unix time).",
            labels=["source"],
        )
        healthy = GaugeMetricFamily(
            "eventfeed_source_healthy",
            "1 while the source reads as usual, 0 failing or changed shape.",
            labels=["source"],
        )
        for s in self.states():
            stored.add_metric([s["id"]], s.get("events_stored", 0))
            if s.get("last_success_at") is not None:
                success.add_metric([s["id"]], s["last_success_at"].timestamp())
            healthy.add_metric([s["id"]], 1 if s.get("healthy", True) else 0)
        yield from (stored, success, healthy)
        counts = self.messages()
        slack = GaugeMetricFamily("eventfeed_slack_messages", "Slack messages by state.", labels=["state"])
        for state in sorted({*self.slack_states, *counts}):
            slack.add_metric([state], counts.get(state, 0))
        yield slack
        alive = self.scheduler()
        if alive is not None:
            yield GaugeMetricFamily("eventfeed_scheduler_alive", "1 while this process's scheduler runs.", int(alive))
