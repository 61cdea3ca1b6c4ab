"""Telling followers about new articles: one notice each, or one digest when many arrive.

An article is stored as *pending* before its notices go out and settled after, so a
restart neither drops nor repeats them; each (article, chat) has a delivery key.

A chat's news filter is applied whenever an article is considered for it, and nothing is
recorded when it says no: the delivery log stays a log of what was delivered, and an
article resumed after a restart is judged by the filter of that moment. A chat in its
quiet hours gets its notices *held* (a table, so they survive a restart); each news cycle
:meth:`NewsNotices.release_held` sends a chat whose quiet hours are over one digest of
them, judged again by its current topics and filter.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from datetime import datetime

from bot.delivery.broadcaster import Broadcaster, Delivery
from bot.delivery.notifier import Outgoing
from bot.store import Store
from bot.wording.notices import article_notice, digest_notice, quiet_digest_notice
from calendars.events import Event
from calendars.i18n import worded_in
from calendars.news.articles import Article
from calendars.subscribers import Subscriber

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
        items = [self._item(record) for _key, record in pending]
        if items:
            await self._broadcaster.deliver_all(self._deliveries(items))
        if self._broadcaster.stopping:
            return  # cut short by a shutdown: still pending, so the next start sends the rest
        for key, _record in pending:
            articles.settle(key)

    def _item(self, record: dict[str, object]) -> tuple[Article, list[Event]]:
        event_ids = record.get("events")
        events = [
            e
            for i in (event_ids if isinstance(event_ids, list) else [])
            if (e := self._store.events.get(str(i))) is not None
        ]
        return Article.from_record(record), events

    def _wanted(
        self, subscriber: Subscriber, items: Iterable[tuple[Article, list[Event]]]
    ) -> list[tuple[Article, list[Event]]]:
        """What ``subscriber`` follows, lets through its filter, and has not had yet."""
        news_filter = subscriber.news_filter
        return [
            (article, events)
            for article, events in items
            if any(e.follows_topics(subscriber.topics) for e in events)
            and (news_filter is None or news_filter.accepts(article))
            and not self._store.deliveries.is_done(f"news:{article.key}/{subscriber.id}")
        ]

    def _deliveries(self, items: list[tuple[Article, list[Event]]]) -> list[Delivery]:
        deliveries: list[Delivery] = []
        now = self._clock()
        for subscriber in self._store.subscribers.all():
            wanted, lang = self._wanted(subscriber, items), subscriber.language
            if wanted and subscriber.is_quiet(now):
                for article, _ in wanted:
                    self._store.held_notices.hold(subscriber.id, article.key, at=now)
                continue
            if len(wanted) > self._digest_over:
                digest_key = hashlib.blake2b(
                    "".join(a.key for a, _ in wanted).encode(), digest_size=8
                ).hexdigest()
                message = Outgoing(worded_in(lang, digest_notice, wanted, zone=subscriber.zone))
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
                        Outgoing(
                            worded_in(lang, article_notice, article, events, zone=subscriber.zone)
                        ),
                    )
                    for article, events in wanted
                ]
        return deliveries

    async def release_held(self) -> int:
        """Send every chat whose quiet hours are over one digest of what was held for it.

        Held notices are let go only once their digest is delivered (or the chat is gone),
        so a failed send is tried again next cycle; the digest's key is derived from what
        it holds, so a restart in between does not send it twice. Returns digests sent.
        """
        now, done = self._clock(), self._store.deliveries.is_done
        deliveries: list[Delivery] = []
        releases: list[tuple[str, list[str], list[str], str | None]] = []
        for chat_id, keys in self._store.held_notices.by_chat().items():
            subscriber = self._store.subscribers.get(chat_id)
            if subscriber is not None and subscriber.is_quiet(now):
                continue
            records = [r for key in keys if (r := self._store.articles.get(key)) is not None]
            wanted = self._wanted(subscriber, map(self._item, records)) if subscriber else []
            key = None
            if subscriber is not None and wanted:
                digest = hashlib.blake2b("".join(keys).encode(), digest_size=8).hexdigest()
                key = f"quiet:{digest}/{chat_id}"
                html = worded_in(
                    subscriber.language, quiet_digest_notice, wanted, zone=subscriber.zone
                )
                deliveries.append((key, subscriber, Outgoing(html)))
            releases.append((chat_id, keys, [a.key for a, _ in wanted], key))
        if deliveries:
            await self._broadcaster.deliver_all(deliveries)
        sent = 0
        for chat_id, keys, covered, key in releases:
            if key is not None:
                if not done(key) and chat_id in self._store.subscribers:
                    continue  # not delivered: try again next cycle
                sent += 1
            for article_key in covered:  # in the digest: never sent alone later
                self._store.deliveries.record(
                    f"news:{article_key}/{chat_id}", "skipped", at=now, detail="quiet digest"
                )
            self._store.held_notices.release(chat_id, keys)
        return sent
