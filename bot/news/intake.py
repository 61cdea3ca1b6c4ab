"""Taking new articles in: remember them, link them to their events, and tell followers."""

from __future__ import annotations

import asyncio
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

# Articles matched between two yields to the event loop: ~25 x 0.2 ms, so a command or a
# send waiting meanwhile is not held up by a poll of a long feed.
SLICE = 25

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

    def unseen(self, articles: Sequence[Article]) -> list[Article]:
        return [a for a in articles if not self._store.articles.seen(a.key)]

    async def take_in(self, articles: list[Article], source: NewsSource, *, notify: bool) -> int:
        """Store new articles, add them to their events' coverage, and tell followers.

        Returns how many articles matched an event.
        """
        now, matcher, matched = self._clock(), self._current_matcher(), 0
        coverage: dict[str, list[Coverage]] = {}
        found = await self._match(matcher, articles, source)
        # One journal line for the whole poll, fsynced off the loop: one per article and
        # per event was ~90 fsyncs a poll on the event loop, stalling it ~0.5 s at a time.
        async with self._store.batch():
            for n, (article, event_ids) in enumerate(zip(articles, found, strict=True)):
                if n and not n % SLICE:
                    await asyncio.sleep(0)  # the batch stays open; others run meanwhile
                record = {
                    **article.to_record(),
                    "events": event_ids,
                    "pending": notify and bool(event_ids),
                    "detect": self._on_taken is not None,  # until suggestions have read it
                }
                self._store.articles.add(article.key, record, at=now)
                if event_ids:
                    matched += 1
                    item = Coverage(article.title, article.link, article.source, article.published)
                    for event_id in event_ids:
                        coverage.setdefault(event_id, []).insert(0, item)  # newest first
            for n, (event_id, items) in enumerate(coverage.items()):  # one revision per poll
                if n and not n % SLICE:
                    await asyncio.sleep(0)
                self._events.record_coverage(event_id, items)
        if self._on_taken is not None:
            self._on_taken(articles)
        if notify and matched:
            await self._notices.send_pending([a.key for a in articles])
        return matched

    @staticmethod
    async def _match(
        matcher: Matcher, articles: Sequence[Article], source: NewsSource
    ) -> list[list[str]]:
        """Each article's event ids, ``SLICE`` articles between yields to the loop."""
        found: list[list[str]] = []
        for start in range(0, len(articles), SLICE):
            if start:
                await asyncio.sleep(0)
            for article in articles[start : start + SLICE]:
                matches = matcher.matches(article, source_tags=source.tags)
                found.append(sorted({m.event_id for m in matches}))
        return found

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
