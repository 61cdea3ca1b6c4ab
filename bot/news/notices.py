"""Telling followers about new articles: one notice each, or one digest when many arrive.

An article is stored as *pending* before its notices go out and settled after, so a
restart neither drops nor repeats them; each (article, chat) has a delivery key.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from datetime import datetime

from bot.delivery.broadcaster import Broadcaster, Delivery
from bot.delivery.notifier import Outgoing
from bot.store import Store
from bot.wording.notices import article_notice, digest_notice
from calendars.events import Event
from calendars.news.articles import Article

__all__ = ["NewsNotices"]


class NewsNotices:
    def __init__(
        self,
        *,
        store: Store,
        broadcaster: Broadcaster,
        clock: Callable[[], datetime],
        digest_over: int,
    ) -> None:
        self._store = store
        self._broadcaster = broadcaster
        self._clock = clock
        self._digest_over = digest_over

    async def send_pending(self, keys: Iterable[str] | None = None) -> None:
        """Notify followers of pending articles (all of them when ``keys`` is None: at start)."""
        articles = self._store.articles
        pending = (
            articles.pending()
            if keys is None
            else [
                (key, record)
                for key in keys
                if (record := articles.get(key)) and record.get("pending")
            ]
        )
        items: list[tuple[Article, list[Event]]] = []
        for _key, record in pending:
            events = [
                e for i in record.get("events", []) if (e := self._store.events.get(i)) is not None
            ]
            items.append((Article.from_record(record), events))
        if items:
            await self._broadcaster.deliver_all(self._deliveries(items))
        for key, _record in pending:
            articles.settle(key)

    def _deliveries(self, items: list[tuple[Article, list[Event]]]) -> list[Delivery]:
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
