"""Polling news sources politely: conditional GETs, a size cap, backoff after errors.

One poll per source at a time (never take the same items in twice), at most
``concurrency`` polls at once, and a poll that fails for any reason is recorded on the
source (``/feeds`` shows it) and retried later with backoff, never at full rate.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import gc
import logging
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

import httpx

from bot.fetch.addresses import AddressRefused
from bot.fetch.client import fetch_limited
from bot.fetch.rhythm import DuePoller
from bot.news.intake import ArticleIntake
from bot.news.reading import SourceReader
from bot.store import Store
from calendars.errors import FetchFailed, InvalidInput, NotFound
from calendars.limits import NEWS_FEED_BYTES
from calendars.news.sources import NewsSource

__all__ = ["NewsPoller", "PollResult"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class PollResult:
    source_id: str
    status: str  # "new", "unchanged", "not-modified", "error"
    new_articles: int = 0
    matched: int = 0
    error: str | None = None
    refused: bool = False  # an address rule refused the source: no retry will reach it


_held = 0  # cycles under way that hold full collections off (cycles may overlap)
_saved = 10  # the oldest generation's threshold before the first of them
HELD_THRESHOLD = 1_000_000


@contextlib.contextmanager
def full_collections_held() -> Iterator[None]:
    """No full pass of the cyclic collector while a news cycle runs.

    A full pass visits every tracked object not frozen: mid-cycle, that is every record
    the cycle has kept so far, ~35-45 ms of CPU at once for 10,000 articles, the
    longest single stall of a cycle. Young passes go on as usual (they free most cyclic
    garbage) and ``poll_due`` freezes what the cycle kept at its end, so a full pass
    after the cycle visits little. Side effect: cyclic garbage that has reached the
    oldest generation by then is frozen with it, never freed: 35-150 objects a cycle
    measured with bench_news (44-295 with the bare freeze at the cycle's end before;
    freezing after every poll instead froze in-flight httpx objects: ~7,500 a cycle).
    """
    global _held, _saved
    if _held == 0:
        first, second, _saved = gc.get_threshold()
        gc.set_threshold(first, second, HELD_THRESHOLD)
    _held += 1
    try:
        yield
    finally:
        _held -= 1
        if _held == 0:
            first, second, _ = gc.get_threshold()
            gc.set_threshold(first, second, _saved)


class NewsPoller(DuePoller):
    def __init__(
        self,
        *,
        store: Store,
        http: httpx.AsyncClient,
        intake: ArticleIntake,
        reader: SourceReader,
        clock: Callable[[], datetime],
        interval: timedelta,
        retention: timedelta,
        concurrency: int = 8,
        on_cycle: Callable[[], Awaitable[object]] | None = None,
    ) -> None:
        """``on_cycle``: work to do every cycle besides polling (sending held notices)."""
        self._store = store
        self._http = http
        self._intake = intake
        self._reader = reader
        super().__init__(name="news", clock=clock, longest_wait=30.0)
        self.interval = interval
        self._retention = retention
        self._slots = asyncio.Semaphore(concurrency)
        self._locks: dict[str, asyncio.Lock] = {}
        self._last_prune: datetime | None = None
        self._on_cycle = on_cycle
        self.last_cycle: datetime | None = None
        self.polls: Counter[str] = Counter()  # by status, since start (for /metrics)

    def next_polls(self) -> list[datetime]:
        return [s.next_poll for s in self._store.news_sources.all()]

    async def poll_due(self) -> list[PollResult]:
        now = self._clock()
        due = [s.id for s in self._store.news_sources.all() if s.next_poll <= now]
        with full_collections_held():
            results = list(await asyncio.gather(*(self.poll(source_id) for source_id in due)))
        self.last_cycle = now
        if self._last_prune is None or now - self._last_prune > timedelta(days=1):
            pruned = 0
            for removed in self._store.articles.prune_chunks(older_than=now - self._retention):
                pruned += removed
                await asyncio.sleep(0)  # a year of articles is 100,000: chunks, not one go
            self._last_prune = now
            logger.info("news.pruned articles=%d", pruned)
        if self._on_cycle is not None:
            await self._on_cycle()
        # What a cycle kept (articles, coverage) is long-lived: out of the collector's full
        # passes, which otherwise rescan every stored record and stall the loop as it grows.
        # A young pass first frees the cycle's short-lived cyclic garbage (httpx's request
        # and response objects) rather than freeze it for good.
        gc.collect(1)
        gc.freeze()
        return results

    async def poll(self, source_id: str) -> PollResult:
        lock = self._locks.setdefault(source_id, asyncio.Lock())
        async with lock, self._slots:  # one poll per source at a time
            source = self._store.news_sources.get(source_id)
            if source is None:
                raise NotFound(f"no news source {source_id!r}")
            try:
                result = await self._poll(source)
            except AddressRefused as exc:
                result = dataclasses.replace(self._failed(source, str(exc)), refused=True)
            except (FetchFailed, InvalidInput) as exc:
                result = self._failed(source, str(exc))
            self.polls[result.status] += 1
            logger.info(
                "feed.polled id=%s status=%s new=%d matched=%d error=%r",
                source_id,
                result.status,
                result.new_articles,
                result.matched,
                result.error,
            )
            return result

    async def _poll(self, source: NewsSource) -> PollResult:
        fetched = await fetch_limited(
            self._http, source.url, max_bytes=NEWS_FEED_BYTES, headers=source.validators()
        )
        if fetched.status == 304:
            async with self._store.batch():  # fsynced off the loop: 200 of these a cycle
                self._succeeded(source, fetched.headers, seen=0)
            return PollResult(source.id, "not-modified")
        if fetched.status != 200:
            return self._failed(source, f"HTTP {fetched.status}")
        # ~15 ms for 50 items, in a worker process with a deadline: off the loop, and a
        # hostile feed becomes this poll's error (SourceTooCostly) instead of a stuck thread.
        parsed = await self._reader.read(
            fetched.content,
            source_url=fetched.url,
            content_type=fetched.headers.get("content-type"),
        )
        fresh = self._intake.unseen(parsed.articles)
        notify = not source.first_poll or source.backfill
        matched = await self._intake.take_in(fresh, source, notify=notify)
        async with self._store.batch():
            self._succeeded(
                source, fetched.headers, seen=len(fresh), title=parsed.title, warning=parsed.problem
            )
        return PollResult(source.id, "new" if fresh else "unchanged", len(fresh), matched)

    def _succeeded(
        self,
        source: NewsSource,
        headers: httpx.Headers,
        *,
        seen: int,
        title: str | None = None,
        warning: str | None = None,
    ) -> None:
        self._store.news_sources.update(
            source.succeeded(
                at=self._clock(),
                interval=self.interval,
                etag=headers.get("etag"),
                last_modified=headers.get("last-modified"),
                seen=seen,
                title=title,
                warning=warning,
            )
        )

    def _failed(self, source: NewsSource, error: str) -> PollResult:
        self._store.news_sources.update(
            source.failed(error, at=self._clock(), interval=self.interval)
        )
        return PollResult(source.id, "error", error=error)
