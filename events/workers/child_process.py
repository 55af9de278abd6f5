"""An object that lives in a child process of its own, called from threads of this one.

Threads of one process share one GIL. While a thread renders a 6,400-event feed, a request that reads
the store (which gives the GIL up at every row) waits for it again at every row: 200 sources' states
took 0.55 s instead of 8 ms. A child process has its own GIL, so the work that keeps a core busy
(rendering feeds) can run there while this process answers requests.

``ChildProcess`` keeps one object in one child (the publisher, with its render cache); ``WorkerPool``
runs plain functions in a few children (reading pages).

The child is started with ``spawn`` (a fresh interpreter: nothing of this process's threads, locks or
database connections is copied into it), builds its object once with ``factory(*args)``, and then runs
one call at a time. A call blocks the calling thread, never an event loop, until the child answers. If
the child dies (killed, out of memory) the call raises ``ChildGone`` and the next call starts a new one.
The child is daemonic and ignores Ctrl-C: stopping this process stops it, and abandons what it was
doing, as a stopping service abandons a rebuild (files are replaced atomically, so the last ones stay).
"""

from __future__ import annotations

import asyncio
import multiprocessing
import signal
import threading
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing.connection import Connection
from typing import Any

from events.errors import EventfeedError


class ChildGone(EventfeedError):
    """The child stopped before it answered."""


class ChildProcess:
    def __init__(self, name: str, factory: Callable[..., Any], *args: Any) -> None:
        self.name = name
        self._factory = factory
        self._args = args
        self._lock = threading.Lock()  # one call at a time: the pipe carries one question, one answer
        self._process: Any = None
        self._conn: Connection | None = None

    def call(self, method: str, *args: Any) -> Any:
        """``getattr(obj, method)(*args)`` on the child's object; its exception, if it raised one."""
        with self._lock:
            conn = self._running()
            try:
                conn.send((method, args))
                ok, value = conn.recv()
            except (EOFError, OSError) as exc:
                self._stop()
                raise ChildGone(f"the {self.name} process stopped unexpectedly ({exc or type(exc).__name__})") from None
        if not ok:
            raise value
        return value

    def close(self) -> None:
        """Stop the child now, even in the middle of a call (which then raises ``ChildGone``): a
        stopping service abandons a rebuild rather than wait for it."""
        process = self._process
        if process is not None and process.is_alive():
            process.terminate()
        if self._lock.acquire(timeout=5):  # the interrupted call, if any, lets go once it sees the child gone
            try:
                self._stop()
            finally:
                self._lock.release()

    def _running(self) -> Connection:
        if self._process is not None and self._process.is_alive() and self._conn is not None:
            return self._conn
        self._stop()
        context = multiprocessing.get_context("spawn")
        ours, theirs = context.Pipe()
        process = context.Process(
            target=_serve, args=(theirs, self._factory, self._args), name=f"eventfeed-{self.name}", daemon=True
        )
        process.start()
        theirs.close()
        self._process, self._conn = process, ours
        return ours

    def _stop(self) -> None:
        if self._conn is not None:
            self._conn.close()
        if self._process is not None and self._process.is_alive():
            self._process.terminate()
            self._process.join(timeout=2)
        self._process = self._conn = None


def _serve(conn: Connection, factory: Callable[..., Any], args: tuple[Any, ...]) -> None:
    """The child: build the object, then answer calls until the parent closes the pipe."""
    _ignore_ctrl_c()  # Ctrl-C reaches the whole process group; the parent decides what stops
    obj = factory(*args)
    while True:
        try:
            method, call_args = conn.recv()
        except (EOFError, OSError):
            return
        try:
            answer: tuple[bool, Any] = (True, getattr(obj, method)(*call_args))
        except Exception as exc:
            answer = (False, exc)
        try:
            conn.send(answer)
        except Exception as exc:  # an answer or exception that does not pickle: say what it was
            conn.send((False, EventfeedError(f"{type(exc).__name__}: {exc}")))


class WorkerPool:
    """Plain functions of picklable arguments run in ``workers`` spawned children, awaited from an
    event loop. A child that dies fails the calls it had (``ChildGone``) and the pool starts anew."""

    def __init__(self, name: str, workers: int) -> None:
        self.name = name
        self.workers = workers
        self._executor: ProcessPoolExecutor | None = None

    async def run(self, fn: Callable[..., Any], *args: Any, budget: float | None = None) -> Any:
        """``fn(*args)`` in a child. ``budget``: seconds it may take; past them the pool's children are
        stopped (a page that parses for minutes must not hold a reader, nor a stop) and ``ChildGone``
        says why."""
        if self._executor is None:
            self._executor = ProcessPoolExecutor(
                self.workers, mp_context=multiprocessing.get_context("spawn"), initializer=_ignore_ctrl_c
            )
        try:
            call = asyncio.get_running_loop().run_in_executor(self._executor, fn, *args)
            return await (asyncio.wait_for(call, budget) if budget is not None else call)
        except TimeoutError:
            self.close()
            raise ChildGone(f"a {self.name} process took longer than {budget:.0f} s and was stopped") from None
        except BrokenProcessPool:
            self.close()
            raise ChildGone(f"a {self.name} process stopped unexpectedly") from None

    def close(self) -> None:
        """Stop the children now, even in the middle of a call: a stop never waits for a reading."""
        executor, self._executor = self._executor, None
        if executor is None:
            return
        processes = list(getattr(executor, "_processes", {}).values())  # the standard library keeps them here
        executor.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            if process.is_alive():
                process.terminate()


def _ignore_ctrl_c() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
