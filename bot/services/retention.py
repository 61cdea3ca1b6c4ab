"""Pruning per-message records at start and every few hours, without holding the loop.

What may go is decided by the retention rule (``bot.store.retention``); here it runs one
chunk at a time, yielding to the event loop between chunks, one pass at a time.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from bot.store import Store
from bot.store.retention import KEEP

__all__ = ["PRUNE_EVERY", "RetentionService"]

logger = logging.getLogger(__name__)

PRUNE_EVERY = timedelta(hours=6)


class RetentionService:
    def __init__(
        self, *, store: Store, clock: Callable[[], datetime], keep: timedelta = KEEP
    ) -> None:
        self._store = store
        self._clock = clock
        self.keep = keep  # the rule's margin (a soak shortens it to reach steady state)
        self._lock = asyncio.Lock()
        self.last_pass: datetime | None = None

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
            self.last_pass = now
            logger.info("retention.pruned records=%d", removed)
            return removed
