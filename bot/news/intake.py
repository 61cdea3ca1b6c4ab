"""Taking new articles in: remember them, link them to their events, and tell followers."""

from __future__ import annotations

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

    def unseen(self, articles: Sequence[Article]) -> list[Article]:
        return [a for a in articles if not self._store.articles.seen(a.key)]

    async def take_in(self, articles: list[Article], source: NewsSource, *, notify: bool) -> int:
        """Store new articles, add them to their events' coverage, and tell followers.

        Returns how many articles matched an event.
        """
        now, matcher, matched = self._clock(), self._current_matcher(), 0
        coverage: dict[str, list[Coverage]] = {}
        for article in articles:
            event_ids = sorted(
                {m.event_id for m in matcher.matches(article, source_tags=source.tags)}
            )
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
        for event_id, items in coverage.items():  # one revision per event per poll
            self._events.record_coverage(event_id, items)
        if self._on_taken is not None:
            self._on_taken(articles)
        if notify and matched:
            await self._notices.send_pending([a.key for a in articles])
        return matched

    def _current_matcher(self) -> Matcher:
        version = self._store.events.version
        if self._matcher is None or self._matcher[0] != version:
            self._matcher = (version, Matcher(self._store.events.all()))
        return self._matcher[1]
