"""Taking new articles in: remember them, link them to their events, and tell followers."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from datetime import datetime

from bot.news.notices import NewsNotices
from bot.services.events import EventService
from bot.store import Store
from calendars.events import Coverage
from calendars.news.articles import Article
from calendars.news.matching import Matcher
from calendars.news.sources import NewsSource

__all__ = ["ArticleIntake"]

# The most work done between two yields to the event loop: SLICE articles (or events), or
# SLICE_SECONDS of it if that comes first (a slow or busy host, events with long coverage),
# so a command or a send waiting meanwhile is never held up by a poll of a long feed.
SLICE = 25
SLICE_SECONDS = 0.004


class _Turns:
    """Counts work done since the last yield; ``step`` yields once a slice is used up."""

    def __init__(self) -> None:
        self._done = 0
        self._since = time.perf_counter()

    async def step(self) -> None:
        self._done += 1
        if self._done >= SLICE or time.perf_counter() - self._since >= SLICE_SECONDS:
            await asyncio.sleep(0)
            self._done, self._since = 0, time.perf_counter()


Fingerprint = tuple[tuple[str, tuple[str, ...], frozenset[str]], ...]


class ArticleIntake:
    def __init__(
        self,
        *,
        store: Store,
        events: EventService,
        notices: NewsNotices,
        clock: Callable[[], datetime],
        on_taken: Callable[[list[Article]], object] | None = None,
    ) -> None:
        """``on_taken``: also hand each batch of new articles on (to suggestions)."""
        self._store = store
        self._on_taken = on_taken
        self._events = events
        self._notices = notices
        self._clock = clock
        self._matcher: tuple[int, Matcher] | None = None
        self._matched_on: Fingerprint = ()
        # One poll's intake at a time: eight polls each ready with a slice would make one
        # pass of the loop eight slices long; taking turns keeps a pass at one slice.
        self._turn = asyncio.Lock()

    def unseen(self, articles: Sequence[Article]) -> list[Article]:
        return [a for a in articles if not self._store.articles.seen(a.key)]

    async def take_in(self, articles: list[Article], source: NewsSource, *, notify: bool) -> int:
        """Store new articles, add them to their events' coverage, and tell followers.

        Returns how many articles matched an event.
        """
        matched = 0
        coverage: dict[str, list[Coverage]] = {}
        # One journal line for the whole poll, fsynced off the loop (after the turn: the
        # next poll's intake runs while this one's line is written).
        async with self._store.batch(), self._turn:
            now, matcher, turns = self._clock(), self._current_matcher(), _Turns()
            for article in articles:
                event_ids = self._match(matcher, article, source)
                record = {
                    **article.to_record(),
                    "events": event_ids,
                    "pending": notify and bool(event_ids),
                    "detect": self._on_taken is not None,  # until suggestions read it
                }
                self._store.articles.add(article.key, record, at=now)
                if event_ids:
                    matched += 1
                    item = Coverage(article.title, article.link, article.source, article.published)
                    for event_id in event_ids:
                        coverage.setdefault(event_id, []).insert(0, item)  # newest first
                await turns.step()  # the batch stays open; others run meanwhile
            for event_id, items in coverage.items():  # one revision per poll
                self._events.record_coverage(event_id, items)
                await turns.step()
        if self._on_taken is not None:
            self._on_taken(articles)
        if notify and matched:
            await self._notices.send_pending([a.key for a in articles])
        return matched

    @staticmethod
    def _match(matcher: Matcher, article: Article, source: NewsSource) -> list[str]:
        """The ids of the events ``article`` is about."""
        return sorted({m.event_id for m in matcher.matches(article, source_tags=source.tags)})

    def _current_matcher(self) -> Matcher:
        """Rebuilt when what matching reads changes (ids, keywords, tags), not on every
        write to an event: recording coverage is one, and it rebuilt the matcher per poll."""
        version = self._store.events.version
        if self._matcher is None or self._matcher[0] != version:
            events = self._store.events.all()
            fingerprint = tuple((e.id, tuple(e.keywords), frozenset(e.tags)) for e in events)
            if self._matcher is None or fingerprint != self._matched_on:
                self._matcher = (version, Matcher(events))
                self._matched_on = fingerprint
            else:
                self._matcher = (version, self._matcher[1])
        return self._matcher[1]
