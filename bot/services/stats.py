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

    def collect(self) -> InstanceStats:
        store, now = self._store, self._clock()
        events = store.events.all()
        return InstanceStats(
            subscribers_by_kind=Counter(s.kind for s in store.subscribers.all()),
            events=len(events),
            events_by_status=Counter(e.status.value for e in events),
            upcoming=sum(1 for e in events if not e.is_over(now) and not e.cancelled),
            cancelled=sum(1 for e in events if e.cancelled),
            deliveries=store.deliveries.counts(),
            news=self._news.status(),
            news_polls=Counter(self._news.poller.polls),
            next_reminder=self._reminders.next_fire_time(),
        )
