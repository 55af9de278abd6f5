"""Sources run on time: jitter spreads the fetches of many sources but never stretches a source's interval."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from apscheduler.triggers.interval import IntervalTrigger

from events.service.steady_interval import SteadyInterval

START = datetime(2026, 1, 1, tzinfo=UTC)


def runs(trigger: IntervalTrigger, hours: int) -> list[datetime]:
    """Each run's due time fed back as the previous one, as a scheduler that is never late sees them."""
    end = START + timedelta(hours=hours)
    at = trigger.get_next_fire_time(None, START)
    out = []
    while at is not None and at < end:
        out.append(at)
        at = trigger.get_next_fire_time(at, at)
    return out


def test_a_one_minute_source_runs_sixty_times_an_hour_whatever_the_jitter() -> None:
    steady = runs(SteadyInterval(seconds=60, jitter=6, start_date=START), hours=5)
    assert len(steady) == 5 * 60  # 60 an hour, every hour
    for n, at in enumerate(steady):  # each in its own minute's first six seconds
        assert 0 <= (at - START).total_seconds() - n * 60 <= 6
    # APScheduler's own trigger adds the interval to the jittered time: the delays add up
    drifting = runs(IntervalTrigger(seconds=60, jitter=6, start_date=START), hours=5)
    assert len(drifting) < 5 * 58


def test_a_run_moved_earlier_returns_to_the_grid() -> None:
    """A failed source is tried again within minutes (``retry_soon``); after that run the grid goes on."""
    trigger = SteadyInterval(seconds=3600, jitter=300, start_date=START)
    retried = START.replace(hour=3, minute=2)
    after = trigger.get_next_fire_time(retried, retried)
    assert after is not None and START.replace(hour=4) <= after <= START.replace(hour=4, minute=5)
