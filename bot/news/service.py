"""Polling news feeds: fetch politely, keep what is new, link it to events, tell followers.

Per feed: a conditional GET (ETag / Last-Modified; a 304 costs nothing), a size cap, and
after errors an exponential backoff up to a day, flagged as failing in /feeds rather
than retried at full rate. The first poll of a new feed marks what is there as seen (no
flood of old items) unless a backfill was asked for. An article is stored as *pending*
before its notices go out and settled after, so a restart neither drops nor repeats them.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx

from bot.delivery.broadcaster import Broadcaster, Delivery
from bot.delivery.notifier import Outgoing
from bot.fetch.client import check_url, fetch_limited
from bot.news.reading import read_feed
from bot.services.events import EventService
from bot.store import Store
from bot.wording.notices import article_notice, digest_notice
from calendars.errors import FetchFailed, InvalidInput, NotFound
from calendars.events import Coverage, Event, normalise_tag
from calendars.limits import NEWS_FEED_BYTES
from calendars.news.articles import Article, normalise_link
from calendars.news.matching import Matcher

__all__ = ["NewsService", "PollResult", "feed_id_for"]

logger = logging.getLogger(__name__)

MAX_FEED_BYTES = NEWS_FEED_BYTES
MAX_BACKOFF = timedelta(days=1)
FAILING_AFTER = 3  # consecutive errors before /feeds flags the feed


def feed_id_for(url: str) -> str:
    """A short stable id admins can type: the same URL always gets the same id."""
    return "f" + hashlib.blake2b(normalise_link(url).encode(), digest_size=4).hexdigest()


@dataclass(frozen=True, slots=True)
class PollResult:
    feed_id: str
    status: str  # "new", "unchanged", "not-modified", "error"
    new_articles: int = 0
    matched: int = 0
    error: str | None = None


class NewsService:
    def __init__(
        self,
        *,
        store: Store,
        http: httpx.AsyncClient,
        broadcaster: Broadcaster,
        events: EventService,
        clock: Callable[[], datetime],
        interval: timedelta,
        digest_over: int,
        retention: timedelta,
        concurrency: int = 8,
    ) -> None:
        self._store = store
        self._http = http
        self._broadcaster = broadcaster
        self._events = events
        self._clock = clock
        self.interval = interval
        self._digest_over = digest_over
        self._retention = retention
        self._slots = asyncio.Semaphore(concurrency)
        self._feed_locks: dict[str, asyncio.Lock] = {}
        self._wakeup = asyncio.Event()
        self._stopping = False
        self._matcher: tuple[int, Matcher] | None = None
        self._last_prune: datetime | None = None
        self.last_cycle: datetime | None = None
        self.polls: Counter[str] = Counter()  # by status, since start (for /metrics)

    # ---- the feed list -----------------------------------------------------------------

    def feeds(self) -> list[dict[str, Any]]:
        return sorted(self._store.feeds.all(), key=lambda f: (f.get("title") or f["url"]).lower())

    def add_feed(
        self,
        url: str,
        tags: Iterable[str] = (),
        *,
        actor: str,
        title: str = "",
        backfill: bool = False,
    ) -> dict[str, Any]:
        url = check_url(url)
        feed_id = feed_id_for(url)
        if self._store.feeds.get(feed_id) is not None:
            raise InvalidInput(
                f"that feed is already watched as {feed_id}", example=f"/rmfeed {feed_id}"
            )
        now = self._clock()
        record = {
            "url": url,
            "title": title,
            "tags": sorted({normalise_tag(t) for t in tags}),
            "backfill": backfill,
            "added_by": actor,
            "added_at": now.isoformat(),
            "next_poll": now.isoformat(),
            "errors": 0,
            "items_seen": 0,
            "polls": 0,
        }
        self._store.feeds.save(feed_id, record)
        self._store.audit.append(actor=actor, action="feed.add", detail=f"{feed_id} {url}", at=now)
        self.wake()
        return {**record, "id": feed_id}

    def remove_feed(self, id_or_url: str, *, actor: str) -> dict[str, Any]:
        text = id_or_url.strip()
        feed_id = text if self._store.feeds.get(text) else feed_id_for(text)
        record = self._store.feeds.get(feed_id)
        if record is None:
            raise NotFound(f"no feed {text[:80]!r}; /feeds lists them")
        self._store.feeds.remove(feed_id)
        self._store.audit.append(
            actor=actor, action="feed.remove", detail=feed_id, at=self._clock()
        )
        return {**record, "id": feed_id}

    # ---- polling -----------------------------------------------------------------------

    async def run_forever(self) -> None:
        """Poll whatever is due, then sleep until the next feed is (at most 30 s) or a wake."""
        while not self._stopping:
            try:
                await self.poll_due()
            except Exception:  # one bad cycle must not end polling for good
                logger.exception("news.cycle_failed")
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
        """Look at the feeds now (one was just added)."""
        self._wakeup.set()

    def _seconds_until_next_poll(self) -> float:
        now = self._clock()
        waits = [
            (datetime.fromisoformat(f["next_poll"]) - now).total_seconds()
            for f in self._store.feeds.all()
        ]
        return min(max(min(waits, default=30.0), 1.0), 30.0)

    async def poll_due(self) -> list[PollResult]:
        now = self._clock()
        due = [
            f["id"]
            for f in self._store.feeds.all()
            if datetime.fromisoformat(f["next_poll"]) <= now
        ]
        results = list(await asyncio.gather(*(self.poll(feed_id) for feed_id in due)))
        self.last_cycle = now
        if self._last_prune is None or now - self._last_prune > timedelta(days=1):
            pruned = self._store.articles.prune(older_than=now - self._retention)
            self._last_prune = now
            logger.info("news.pruned articles=%d", pruned)
        return results

    async def poll(self, feed_id: str) -> PollResult:
        lock = self._feed_locks.setdefault(feed_id, asyncio.Lock())
        async with lock, self._slots:  # one poll per feed at a time: never take items in twice
            feed = self._store.feeds.get(feed_id)
            if feed is None:
                raise NotFound(f"no feed {feed_id!r}")
            try:
                result = await self._poll(feed_id, feed)
            except (FetchFailed, InvalidInput) as exc:
                result = self._failed(feed_id, feed, str(exc))
            self.polls[result.status] += 1
            logger.info(
                "feed.polled id=%s status=%s new=%d matched=%d error=%r",
                feed_id,
                result.status,
                result.new_articles,
                result.matched,
                result.error,
            )
            return result

    async def _poll(self, feed_id: str, feed: dict[str, Any]) -> PollResult:
        headers = {}
        if feed.get("etag"):
            headers["If-None-Match"] = feed["etag"]
        if feed.get("last_modified"):
            headers["If-Modified-Since"] = feed["last_modified"]
        fetched = await fetch_limited(
            self._http, feed["url"], max_bytes=MAX_FEED_BYTES, headers=headers
        )
        if fetched.status == 304:
            self._succeeded(feed_id, feed, fetched.headers, seen=0)
            return PollResult(feed_id, "not-modified")
        if fetched.status != 200:
            return self._failed(feed_id, feed, f"HTTP {fetched.status}")
        # ~15 ms for 50 items, in a worker process with a deadline: off the loop, and a
        # hostile feed becomes this poll's error (FeedTooCostly) instead of a stuck thread.
        parsed = await read_feed(
            fetched.content, feed_url=fetched.url, content_type=fetched.headers.get("content-type")
        )
        first_poll = not feed.get("last_success") and not feed.get("backfill")
        fresh = [a for a in parsed.articles if not self._store.articles.seen(a.key)]
        matched = await self._take_in(fresh, feed, notify=not first_poll)
        self._succeeded(
            feed_id,
            feed,
            fetched.headers,
            seen=len(fresh),
            title=parsed.title,
            problem=parsed.problem,
        )
        return PollResult(feed_id, "new" if fresh else "unchanged", len(fresh), matched)

    async def _take_in(self, articles: list[Article], feed: dict[str, Any], *, notify: bool) -> int:
        """Store new articles, add them to their events' coverage, and tell followers."""
        now, matcher, matched = self._clock(), self._current_matcher(), 0
        coverage: dict[str, list[Coverage]] = {}
        for article in articles:
            event_ids = sorted(
                {m.event_id for m in matcher.matches(article, feed_tags=feed.get("tags", ()))}
            )
            record = {
                **article.to_record(),
                "events": event_ids,
                "pending": notify and bool(event_ids),
            }
            self._store.articles.add(article.key, record, at=now)
            if event_ids:
                matched += 1
                item = Coverage(article.title, article.link, article.source, article.published)
                for event_id in event_ids:
                    coverage.setdefault(event_id, []).insert(0, item)  # newest first
        for event_id, items in coverage.items():  # one revision per event per poll
            self._events.record_coverage(event_id, items)
        if notify and matched:
            await self.send_pending([a.key for a in articles])
        return matched

    async def send_pending(self, keys: Iterable[str] | None = None) -> None:
        """Notify followers of pending articles (all of them when ``keys`` is None: at start)."""
        pending = (
            self._store.articles.pending()
            if keys is None
            else [
                (key, record)
                for key in keys
                if (record := self._store.articles.get(key)) and record.get("pending")
            ]
        )
        items: list[tuple[Article, list[Event]]] = []
        for _key, record in pending:
            events = [
                e for i in record.get("events", []) if (e := self._store.events.get(i)) is not None
            ]
            items.append((Article.from_record(record), events))
        if items:
            await self._broadcaster.deliver_all(self._notices(items))
        for key, _record in pending:
            self._store.articles.settle(key)

    def _notices(self, items: list[tuple[Article, list[Event]]]) -> list[Delivery]:
        deliveries: list[Delivery] = []
        for subscriber in self._store.subscribers.all():
            wanted = [
                (article, events)
                for article, events in items
                if any(e.follows_topics(subscriber.topics) for e in events)
                and not self._store.deliveries.is_done(f"news:{article.key}/{subscriber.id}")
            ]
            if len(wanted) > self._digest_over:
                digest_key = hashlib.blake2b(
                    "".join(a.key for a, _ in wanted).encode(), digest_size=8
                ).hexdigest()
                message = Outgoing(digest_notice(wanted, zone=subscriber.zone))
                deliveries.append((f"digest:{digest_key}/{subscriber.id}", subscriber, message))
                for article, _ in wanted:  # covered by the digest: never sent alone later
                    self._store.deliveries.record(
                        f"news:{article.key}/{subscriber.id}",
                        "skipped",
                        at=self._clock(),
                        detail="digest",
                    )
            else:
                deliveries += [
                    (
                        f"news:{article.key}/{subscriber.id}",
                        subscriber,
                        Outgoing(article_notice(article, events, zone=subscriber.zone)),
                    )
                    for article, events in wanted
                ]
        return deliveries

    def _current_matcher(self) -> Matcher:
        version = self._store.events.version
        if self._matcher is None or self._matcher[0] != version:
            self._matcher = (version, Matcher(self._store.events.all()))
        return self._matcher[1]

    # ---- bookkeeping -------------------------------------------------------------------

    def _succeeded(
        self,
        feed_id: str,
        feed: dict[str, Any],
        headers: httpx.Headers,
        *,
        seen: int,
        title: str | None = None,
        problem: str | None = None,
    ) -> None:
        now = self._clock()
        self._store.feeds.update(
            feed_id,
            etag=headers.get("etag") or feed.get("etag"),
            last_modified=headers.get("last-modified") or feed.get("last_modified"),
            last_success=now.isoformat(),
            last_poll=now.isoformat(),
            next_poll=(now + self.interval).isoformat(),
            errors=0,
            warning=problem,
            items_seen=int(feed.get("items_seen", 0)) + seen,
            polls=int(feed.get("polls", 0)) + 1,
            title=feed.get("title") or title or "",
        )

    def _failed(self, feed_id: str, feed: dict[str, Any], error: str) -> PollResult:
        now, errors = self._clock(), int(feed.get("errors", 0)) + 1
        backoff = min(self.interval * 2 ** min(errors, 12), MAX_BACKOFF)
        self._store.feeds.update(
            feed_id,
            errors=errors,
            last_error=error,
            last_error_at=now.isoformat(),
            last_poll=now.isoformat(),
            next_poll=(now + backoff).isoformat(),
            polls=int(feed.get("polls", 0)) + 1,
        )
        return PollResult(feed_id, "error", error=error)

    def is_failing(self, feed: dict[str, Any]) -> bool:
        return int(feed.get("errors", 0)) >= FAILING_AFTER
