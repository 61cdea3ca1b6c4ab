"""One pebble worker process for untrusted or CPU-heavy work, kept alive across failures.

Workers are forked from a fork server that has imported ``preload`` (the module whose
functions they run), not from the bot, whose threads may hold locks at the moment of a
fork. The pool starts on first use, is replaced when a killed worker broke it, and is
stopped by ``close``. Scheduling takes a lock and may start processes: call it off the
event loop (``asyncio.to_thread``).
"""

from __future__ import annotations

import asyncio
import multiprocessing
import threading
from collections.abc import Callable
from typing import Any, TypeVar

import pebble

__all__ = ["WorkerPool"]

R = TypeVar("R")


class WorkerPool:
    """A one-worker pebble pool: ``schedule`` from a thread, ``close`` from the loop."""

    def __init__(
        self,
        *,
        name: str,
        preload: str,
        max_tasks: int,
        initializer: Callable[..., None] | None = None,
        initargs: Callable[[], tuple[Any, ...]] = tuple,
    ) -> None:
        """``initargs`` is called at each (re)start: budgets are read when a pool starts."""
        self._name = name
        self._preload = preload
        self._max_tasks = max_tasks
        self._initializer = initializer
        self._initargs = initargs
        self._lock = threading.Lock()
        self._pool: pebble.ProcessPool | None = None
        self._closed = False

    def schedule(
        self, function: Callable[..., R], args: tuple[Any, ...], seconds: float
    ) -> pebble.ProcessFuture[R]:
        """``function(*args)`` in the worker, killed after ``seconds``."""
        with self._lock:
            if self._closed:
                raise RuntimeError(f"the {self._name} is closed")
            if self._pool is None or not self._pool.active:
                if self._pool is not None:  # broken: its threads and workers go first
                    self._pool.stop()  # type: ignore[no-untyped-call]
                    self._pool.join()
                context = multiprocessing.get_context("forkserver")
                context.set_forkserver_preload([self._preload])
                self._pool = pebble.ProcessPool(
                    max_workers=1,
                    max_tasks=self._max_tasks,
                    initializer=self._initializer,
                    initargs=self._initargs(),
                    context=context,
                )
            pool = self._pool
        return pool.schedule(function, args=args, timeout=seconds)

    async def close(self) -> None:
        """Stop the worker, if one was started (off the loop: joining waits for it)."""
        with self._lock:
            pool, self._pool, self._closed = self._pool, None, True
        if pool is not None:
            pool.stop()  # type: ignore[no-untyped-call]
            await asyncio.to_thread(pool.join)
