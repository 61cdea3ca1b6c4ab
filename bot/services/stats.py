"""The instance's numbers, counted once: ``/stats``, ``/metrics`` and the start-up banner
all show this one snapshot, so they can never disagree."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from bot.news.service import NewsService, NewsStatus
from bot.services.reminders import ReminderService
from bot.store import Store

__all__ = ["InstanceStats", "StatsService"]


@dataclass(frozen=True, slots=True, kw_only=True)
class InstanceStats:
    subscribers_by_kind: Counter[str]
    events: int
    events_by_status: Counter[str]
    upcoming: int
    cancelled: int
    deliveries: dict[str, int]
    news: NewsStatus
    news_polls: Counter[str]
    next_reminder: datetime | None

    @property
    def subscribers(self) -> int:
        return sum(self.subscribers_by_kind.values())


class StatsService:
    def __init__(
        self,
        *,
        store: Store,
        news: NewsService,
        reminders: ReminderService,
        clock: Callable[[], datetime],
    ) -> None:
        self._store = store
        self._news = news
        self._reminders = reminders
        self._clock = clock
        self._by_kind: tuple[int, Counter[str]] = (-1, Counter())

    def _kinds(self) -> Counter[str]:
        """Subscribers by kind, counted again only when the subscribers changed."""
        subscribers = self._store.subscribers
        if self._by_kind[0] != subscribers.version:
            self._by_kind = (subscribers.version, Counter(s.kind for s in subscribers.all()))
        return Counter(self._by_kind[1])

    def collect(self) -> InstanceStats:
        store, now = self._store, self._clock()
        events = store.events.all()
        return InstanceStats(
            subscribers_by_kind=self._kinds(),
            events=len(events),
            events_by_status=Counter(e.status.value for e in events),
            upcoming=sum(1 for e in events if not e.is_over(now) and not e.cancelled),
            cancelled=sum(1 for e in events if e.cancelled),
            deliveries=store.delivery_tally.totals(),  # counted as written: no scan
            news=self._news.status(),
            news_polls=Counter(self._news.poller.polls),
            next_reminder=self._reminders.next_fire_time(),
        )
