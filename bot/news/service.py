"""News, as the rest of the app sees it: the source list, the poller, and notices, wired.

Handlers call the admin-level operations here (watch a source and poll it at once,
import OPML); the app starts the poller and resumes pending notices.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import httpx

from bot.delivery.broadcaster import Broadcaster
from bot.news.intake import ArticleIntake
from bot.news.notices import NewsNotices
from bot.news.poller import NewsPoller, PollResult
from bot.news.reading import SourceReader
from bot.news.sources import NewsSources
from bot.services.events import EventService
from bot.store import Store
from calendars.errors import InvalidInput
from calendars.i18n import _
from calendars.news.articles import Article
from calendars.news.sources import NewsSource

__all__ = ["NewsService", "NewsStatus"]


@dataclass(frozen=True, slots=True)
class NewsStatus:
    """The numbers /stats, /metrics and the start-up banner show about news."""

    sources: int
    failing: int
    articles: int
    last_cycle: datetime | None


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
        reader: SourceReader | None = None,
        on_articles: Callable[[list[Article]], object] | None = None,
    ) -> None:
        """``reader``: the app's parser worker pool, shared with upstream calendars."""
        self._store = store
        self.notices = NewsNotices(
            store=store, broadcaster=broadcaster, clock=clock, digest_over=digest_over
        )
        self._reader = reader or SourceReader()
        intake = ArticleIntake(
            store=store, events=events, notices=self.notices, clock=clock, on_taken=on_articles
        )
        self.poller = NewsPoller(
            store=store,
            http=http,
            intake=intake,
            reader=self._reader,
            clock=clock,
            interval=interval,
            retention=retention,
            on_cycle=self.notices.release_held,
        )
        self.sources = NewsSources(store=store, clock=clock, on_added=self.poller.wake)

    async def watch(
        self, url: str, tags: list[str], *, actor: str, backfill: bool = False
    ) -> tuple[NewsSource, PollResult]:
        """Add a source and poll it at once, so the admin learns straight away if it works.

        A source on an address fetches may not reach is not kept: no retry would reach it.
        """
        source = self.sources.add(url, tags, actor=actor, backfill=backfill)
        result = await self.poller.poll(source.id)
        if result.refused:
            self.sources.remove(source.id, actor=actor)
            raise InvalidInput(
                _("not watching {url}: {error}", url=source.url[:100], error=result.error),
                example="/addfeed https://www.thehindu.com/news/international/feeder/default.rss",
            )
        return source, result

    async def close(self) -> None:
        """Stop the feed reader's worker process."""
        await self._reader.close()

    def status(self) -> NewsStatus:
        listed = self._store.news_sources.all()
        return NewsStatus(
            sources=len(listed),
            failing=sum(1 for s in listed if s.failing),
            articles=len(self._store.articles),
            last_cycle=self.poller.last_cycle,
        )
