"""Work a stopping process need not wait for."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Callable
from typing import Any


async def in_daemon_thread(fn: Callable[..., Any], *args: Any) -> Any:
    """``fn(*args)`` in a daemon thread. Unlike ``asyncio.to_thread``, a stopping process does not wait
    for it: a feed rebuild caught by SIGTERM is abandoned, and because files are replaced atomically the
    previous ones stay. (Store writes, which must finish, stay in ``to_thread``.)"""
    loop = asyncio.get_running_loop()
    future: asyncio.Future[Any] = loop.create_future()

    def settle(setter: Callable[[Any], None], value: Any) -> None:
        def apply() -> None:
            if not future.done():
                setter(value)

        with contextlib.suppress(RuntimeError):  # the loop has closed: nobody is waiting any more
            loop.call_soon_threadsafe(apply)

    def work() -> None:
        try:
            result = fn(*args)
        except BaseException as exc:
            settle(future.set_exception, exc)
        else:
            settle(future.set_result, result)

    threading.Thread(target=work, name=f"eventfeed-{getattr(fn, '__name__', 'work')}", daemon=True).start()
    return await future
