"""Work done in child processes for ``events run`` (the publisher, the page readers): answers and
errors come back as if the work were done here, a child that dies costs the call it was answering and
nothing after it, and pages read in a reader process give exactly the events a thread gives."""

from __future__ import annotations

import asyncio
import importlib
import os
import threading
import time
from pathlib import Path

import pytest

from events.config.loading import load_config
from events.service.scheduler import publish_rest, run_cycle
from events.store import Store
from events.workers.child_process import ChildGone, ChildProcess, WorkerPool
from tests.conftest import fixture_text, write_config
from tests.site import TestSite


def test_a_child_answers_raises_and_comes_back_after_dying() -> None:
    child = ChildProcess("test", importlib.import_module, "os")  # the child's object: its os module
    try:
        first = child.call("getpid")
        assert first != os.getpid()
        assert child.call("getpid") == first  # one child, kept between calls
        with pytest.raises(FileNotFoundError):
            child.call("stat", "/no/such/file")  # the child's exception, raised here
        with pytest.raises(ChildGone, match="the test process stopped unexpectedly"):
            child.call("_exit", 1)
        assert child.call("getpid") not in (first, os.getpid())  # a new child took over
    finally:
        child.close()


def test_closing_stops_the_child_in_the_middle_of_a_call() -> None:
    """A stopping service does not wait for a rebuild: the call in progress is abandoned."""
    child = ChildProcess("test", importlib.import_module, "time")
    child.call("monotonic")  # the child is up
    outcome: list[BaseException] = []

    def slow_call() -> None:
        try:
            child.call("sleep", 30)
        except ChildGone as exc:
            outcome.append(exc)

    caller = threading.Thread(target=slow_call)
    caller.start()
    time.sleep(0.5)  # the call is under way in the child
    started = time.monotonic()
    child.close()
    caller.join(timeout=10)
    assert time.monotonic() - started < 5 and not caller.is_alive()
    assert len(outcome) == 1


def test_a_worker_that_dies_fails_its_call_only() -> None:
    async def go() -> tuple[int, int]:
        pool = WorkerPool("page reader", 1)
        try:
            first = await pool.run(os.getpid)
            with pytest.raises(ChildGone, match="a page reader process stopped unexpectedly"):
                await pool.run(os._exit, 1)
            return first, await pool.run(os.getpid)
        finally:
            pool.close()

    first, after = asyncio.run(go())
    assert os.getpid() not in (first, after) and first != after


def test_a_reading_past_its_budget_is_stopped_and_the_pool_goes_on() -> None:
    """A page that would parse for minutes: its reader is stopped at the budget (the process ended, not
    left running behind a stop), and the next reading gets a fresh one."""

    async def go() -> tuple[float, bool, int]:
        pool = WorkerPool("page reader", 1)
        try:
            slow_pid = await pool.run(os.getpid)
            started = time.monotonic()
            with pytest.raises(ChildGone, match="took longer than 1 s and was stopped"):
                await pool.run(time.sleep, 60, budget=1)
            took = time.monotonic() - started
            alive = True
            for _ in range(50):  # ended (and reaped) within a few seconds
                try:
                    os.kill(slow_pid, 0)
                    os.waitpid(slow_pid, os.WNOHANG)  # a zombie of ours counts as ended once reaped
                except ChildProcessError:
                    pass  # not ours to reap: reaped already, or it is the pool's
                except ProcessLookupError:
                    alive = False
                    break
                await asyncio.sleep(0.1)
            return took, alive, await pool.run(os.getpid)
        finally:
            pool.close()

    took, alive, fresh = asyncio.run(go())
    assert took < 10 and not alive and fresh != os.getpid()


def test_pages_read_in_a_reader_process_give_what_a_thread_gives(tmp_path: Path, site: TestSite) -> None:
    site.set("/", fixture_text("union-banners.html"))
    found = {}
    for how in ("thread", "process"):
        folder = tmp_path / how
        folder.mkdir()
        config = load_config(write_config(folder, f'[[sources]]\nid = "u"\nurl = "{site.url}/"\n'))
        store = Store(config.service.database_url)
        store.ensure_sources([("u", f"{site.url}/", "u")])
        readers = WorkerPool("page reader", 1) if how == "process" else None
        try:
            [report] = asyncio.run(run_cycle(config, store, config.sources, None, readers=readers))
        finally:
            if readers is not None:
                readers.close()
        assert report.outcome == "page", report.line()
        found[how] = {e.event.id: e.event for e in store.all_events()}  # every field that makes an event
    assert found["process"] == found["thread"] and len(found["thread"]) == 5


def test_the_publisher_rests_in_proportion_to_its_last_rebuild() -> None:
    assert publish_rest(0.005) == pytest.approx(0.02)  # a small feed is hardly delayed
    assert publish_rest(0.15) == pytest.approx(0.6)  # 6,400 events: changes batched
    assert publish_rest(100) == 60  # never more than a minute behind
