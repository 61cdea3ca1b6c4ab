"""Running the announcement detector over a news cycle without stalling the event loop.

The detector is pure Python (regular expressions and dateparser): a 10,000-article
cycle is seconds of CPU. Three ways to keep that off the loop, measured by
``benchmarks/bench_suggestions.py``:

- ``process`` (the default): batches (and the watch list) go to one worker process
  (:mod:`bot.news.worker_pool`, forked from a fork server), handed over from a
  thread. A batch over :data:`DETECT_BATCH_SECONDS` is killed and its articles skipped,
  so hostile text costs a bounded moment. The lowest loop lag of the three.
- ``thread``: batches run in a thread; the loop shares the GIL with it, so it is slowed
  (switch interval) but never stopped for long.
- ``slices``: on the loop itself, yielding after every :data:`SLICE_SECONDS` of work.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Sequence
from datetime import datetime
from typing import Literal

import pebble

from bot.news.worker_pool import WorkerPool
from calendars.news.announcements import Announcement, WatchList
from calendars.news.articles import Article
from calendars.news.detection import find_announcement

__all__ = ["DETECT_BATCH", "DETECT_BATCH_SECONDS", "DetectionRunner", "Mode", "detect_batch"]

logger = logging.getLogger(__name__)

Mode = Literal["process", "thread", "slices"]
DETECT_BATCH = 250  # articles per hand-over: big enough to amortise it, small to stay fair
# ~1-5 ms an article in the worker: a batch of 250 needs ~1 s; 30 s means something is wrong.
DETECT_BATCH_SECONDS = 30.0
SLICE_SECONDS = 0.005  # ``slices``: the longest stretch the loop is held


def detect_batch(
    articles: Sequence[Article], watch: WatchList, now: datetime
) -> list[Announcement]:
    """The announcements among ``articles``; an article the detector fails on is skipped."""
    found = []
    for article in articles:
        try:
            announcement = find_announcement(article, watch, now=now)
        except Exception:  # a detector bug on one article must not lose the others
            logger.exception("suggest.detect_failed key=%s", article.key)
            continue
        if announcement is not None:
            found.append(announcement)
    return found


class DetectionRunner:
    """The detector off the loop, in one of three ``Mode``s; ``close`` stops its worker."""

    def __init__(self, mode: Mode = "process", *, batch: int = DETECT_BATCH) -> None:
        self.mode = mode
        self._batch = batch
        self._workers = WorkerPool(name="detector", preload=__name__, max_tasks=500)

    async def detect(
        self, articles: Sequence[Article], watch: WatchList, now: datetime
    ) -> list[Announcement]:
        found: list[Announcement] = []
        for start in range(0, len(articles), self._batch):
            chunk = list(articles[start : start + self._batch])
            found.extend(await self._run(chunk, watch, now))
        return found

    async def _run(
        self, chunk: list[Article], watch: WatchList, now: datetime
    ) -> list[Announcement]:
        if self.mode == "thread":
            return await asyncio.to_thread(detect_batch, chunk, watch, now)
        if self.mode == "slices":
            return await _in_slices(chunk, watch, now)
        try:
            future = await asyncio.to_thread(self._schedule, chunk, watch, now)
            return await asyncio.wrap_future(future)
        except Exception as exc:  # over time, a dead or broken worker: skip this batch only
            logger.warning("suggest.batch_failed articles=%d error=%r", len(chunk), exc)
            return []

    def _schedule(
        self, chunk: list[Article], watch: WatchList, now: datetime
    ) -> pebble.ProcessFuture[list[Announcement]]:
        return self._workers.schedule(detect_batch, (chunk, watch, now), DETECT_BATCH_SECONDS)

    async def close(self) -> None:
        """Stop the worker process, if one was started."""
        await self._workers.close()


async def _in_slices(chunk: list[Article], watch: WatchList, now: datetime) -> list[Announcement]:
    found: list[Announcement] = []
    deadline = time.perf_counter() + SLICE_SECONDS
    for article in chunk:
        found.extend(detect_batch([article], watch, now))
        if time.perf_counter() >= deadline:
            await asyncio.sleep(0)
            deadline = time.perf_counter() + SLICE_SECONDS
    return found
