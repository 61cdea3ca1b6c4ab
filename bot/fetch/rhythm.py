"""The rhythm every poller keeps: poll what is due, then sleep until the next source is due.

News sources and upstream calendars are both lists of addresses, each with its own
``next_poll``; one loop serves both so that waking, stopping and surviving a failed cycle
work the same way for each.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable
from datetime import datetime

__all__ = ["DuePoller"]

logger = logging.getLogger(__name__)


class DuePoller(ABC):
    """Runs :meth:`poll_due` until stopped, sleeping until the soonest ``next_poll``
    (between 1 s and ``longest_wait``) or until :meth:`wake`."""

    def __init__(self, *, name: str, clock: Callable[[], datetime], longest_wait: float) -> None:
        self._name = name
        self._clock = clock
        self._longest_wait = longest_wait
        self._wakeup = asyncio.Event()
        self._stopping = False

    @abstractmethod
    async def poll_due(self) -> object:
        """Poll every source that is due now."""

    @abstractmethod
    def next_polls(self) -> Iterable[datetime]:
        """When each source is next due."""

    async def run_forever(self) -> None:
        while not self._stopping:
            try:
                await self.poll_due()
            except Exception:  # one bad cycle must not end polling for good
                logger.exception("%s.cycle_failed", self._name)
            # asyncio.timeout, not wait_for: on 3.11 wait_for can swallow a cancellation
            # that arrives as the event fires, and shutdown then waits for ever.
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self._seconds_until_next_poll()):
                    await self._wakeup.wait()
            self._wakeup.clear()

    def stop(self) -> None:
        """End ``run_forever`` after the poll under way, if any."""
        self._stopping = True
        self._wakeup.set()

    def wake(self) -> None:
        """Look at the sources now (one was just added)."""
        self._wakeup.set()

    def _seconds_until_next_poll(self) -> float:
        now = self._clock()
        waits = [(due - now).total_seconds() for due in self.next_polls()]
        longest = self._longest_wait
        return min(max(min(waits, default=longest), 1.0), longest)
