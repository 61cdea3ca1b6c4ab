"""Pruning per-message records every few hours, without holding the loop or a start.

What may go is decided by the retention rule (``bot.store.retention``); here it runs one
chunk at a time, yielding to the event loop between chunks, one pass at a time. A pass is
due ``PRUNE_EVERY`` after the last one, which the store remembers: a restart prunes only
when one is due, and only once the start's own work is done (``prune_when_due`` after it),
so neither a start nor a run of restarts pays a pass over the whole log (0.2-0.4 s of CPU
at 300,000 records, bench_startup) before it serves. An hourly check runs what falls due.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from bot.store import Store
from bot.store.retention import KEEP

__all__ = ["CHECK_EVERY", "PRUNE_EVERY", "RetentionService"]

logger = logging.getLogger(__name__)

PRUNE_EVERY = timedelta(hours=6)
CHECK_EVERY = timedelta(hours=1)  # how often ``prune_when_due`` is asked (bot.app)


class RetentionService:
    def __init__(
        self,
        *,
        store: Store,
        clock: Callable[[], datetime],
        keep: timedelta = KEEP,
        every: timedelta = PRUNE_EVERY,
    ) -> None:
        self._store = store
        self._clock = clock
        self.keep = keep  # the rule's margin (a soak shortens it to reach steady state)
        self.every = every
        self._lock = asyncio.Lock()

    @property
    def last_pass(self) -> datetime | None:
        """When the last whole pass ran (kept in the store across restarts)."""
        return self._store.pruner.last_pass()

    def due(self) -> bool:
        """No pass yet, the last one ``every`` ago or more, or one stamped in the future
        (the clock was set back: waiting for it could mean never pruning)."""
        last, now = self.last_pass, self._clock()
        return last is None or not (now - self.every < last <= now)

    async def prune_when_due(self) -> int:
        """A pass if one is due (see ``due``); returns how many records were removed."""
        return await self.prune() if self.due() else 0

    async def prune(self) -> int:
        """One pass over the records; returns how many were removed."""
        if self._lock.locked():
            return 0  # a pass is under way: it covers this call's moment well enough
        async with self._lock:
            removed = 0
            now = self._clock()
            for count in self._store.pruner.chunks(now, self.keep):
                removed += count
                await asyncio.sleep(0)  # let sends and requests run between chunks
            self._store.pruner.passed(now)
            logger.info("retention.pruned records=%d", removed)
            return removed
