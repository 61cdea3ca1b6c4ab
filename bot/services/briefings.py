"""Briefings: once a minute, send every chat whose briefing is owed one message.

Why a one-minute APScheduler interval job (and not a date job per chat, nor the news
poller's cycle): briefing times are wall-clock times in each chat's zone, so a job per
chat would need re-deriving on every /tz, /briefing and clock change; the news poller
runs only when news polling is on. A check each minute needs no derived state at all:
the store says, per chat, which period was last sent, and :mod:`calendars.briefings`
says whether one is owed now. That check is a zone conversion per chat (see
benchmarks/bench_briefings.py); only chats that are owed get a message built. The
same check at start sends a briefing missed while the app was down (if its day is not
over). ``coalesce`` and ``max_instances=1``: a slow round of sends is never overlapped.

Exactly once: each briefing has a delivery key ``briefing:<period>/<chat>``, so the
broadcaster never repeats it; the chat's record then keeps the period as sent. A crash
between the two sends nothing twice: the key is already done, only the mark is written.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable
from datetime import UTC, datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.delivery.broadcaster import Broadcaster, Delivery
from bot.delivery.notifier import Outgoing
from bot.store import Store
from bot.wording.briefings import briefing_message
from calendars.briefing_content import ChangeEntry, changes_since, compose_briefing
from calendars.briefings import next_due, owed_period
from calendars.i18n import speaking
from calendars.ical.render import CalendarMeta
from calendars.subscribers import Subscriber

__all__ = ["BriefingService", "change_log"]

logger = logging.getLogger(__name__)

CHECK_SECONDS = 60
_FIELD_RE = re.compile(r"'(\w+)'")


def change_log(store: Store, since: datetime) -> list[ChangeEntry]:
    """What admins did to events after ``since``, from the audit log.

    The one place briefings learn what changed: point it at a real event history when
    there is one. (Audit details read ``<event id> ['field', …]``.)
    """
    entries = []
    for record in store.audit.since(since, prefix="event."):
        event_id, _, fields = str(record.get("detail", "")).partition(" ")
        entries.append(
            ChangeEntry(
                event_id=event_id,
                action=str(record["action"]).removeprefix("event."),
                fields=tuple(_FIELD_RE.findall(fields)),
                at=datetime.fromisoformat(record["at"]),
            )
        )
    return entries


class BriefingService:
    def __init__(
        self,
        *,
        store: Store,
        broadcaster: Broadcaster,
        meta: CalendarMeta,
        clock: Callable[[], datetime],
    ) -> None:
        self._store = store
        self._broadcaster = broadcaster
        self._meta = meta
        self._clock = clock
        self._scheduler = AsyncIOScheduler(timezone=UTC)
        self._lock = asyncio.Lock()
        # chat id -> (its record, when it is next owed): skipped until then. A changed
        # record (/briefing, /tz, a briefing sent) is a new object, so it is looked at anew.
        self._not_before: dict[str, tuple[Subscriber, datetime]] = {}

    def start(self) -> None:
        self._scheduler.add_job(
            self.check,
            "interval",
            seconds=CHECK_SECONDS,
            id="briefings",
            coalesce=True,
            max_instances=1,
            misfire_grace_time=None,
        )
        self._scheduler.start()

    async def stop(self) -> None:
        if self._scheduler.running:
            self._scheduler.shutdown(wait=False)
            await asyncio.sleep(0)  # let AsyncIOScheduler's shutdown callback run

    def wake(self) -> None:
        """Run the check now if it is due (after the clock jumped, in tests)."""
        self._scheduler.wakeup()

    def owed(self, now: datetime) -> list[tuple[Subscriber, str]]:
        """Chats owed a briefing at ``now`` and outside quiet hours, with the period."""
        owed, skip = [], self._not_before
        for subscriber in self._store.subscribers.all():
            setting = subscriber.briefing
            if setting is None:
                continue
            known = skip.get(subscriber.id)
            if known is not None and known[0] is subscriber and now < known[1]:
                continue  # the common case: one look-up, no zone arithmetic
            sent, zone = subscriber.briefing_sent, subscriber.zone
            period = owed_period(setting, sent, now, zone)
            if period is None:
                skip[subscriber.id] = (subscriber, next_due(setting, sent, now, zone))
            elif not subscriber.is_quiet(now):
                owed.append((subscriber, period))
        if len(skip) > len(self._store.subscribers):  # chats that left
            for chat_id in [k for k in skip if k not in self._store.subscribers]:
                del skip[chat_id]
        return owed

    async def check(self) -> int:
        """Send the briefings owed now; returns how many were sent."""
        async with self._lock:  # the start-up check and the job must not both send
            now = self._clock()
            owed = self.owed(now)
            if not owed:
                return 0
            return await self._send(owed, now)

    async def _send(self, owed: list[tuple[Subscriber, str]], now: datetime) -> int:
        events = [e for e in self._store.events.sorted_by_start() if not e.is_over(now)]
        log = change_log(self._store, min(self._since(s) for s, _ in owed))
        deliveries: list[Delivery] = []
        marks: list[tuple[str, str, str]] = []
        for subscriber, period in owed:
            setting, since = subscriber.briefing, self._since(subscriber)
            assert setting is not None
            briefing = compose_briefing(
                events,
                changes_since(events, log, since),
                topics=subscriber.topics,
                news_filter=subscriber.news_filter,
                now=now,
                since=since,
                window=setting.window,
                weekly=setting.weekly,
            )
            key = f"briefing:{period}/{subscriber.id}"
            if briefing.is_empty:
                self._store.deliveries.record(key, "skipped", at=now, detail="nothing new")
            else:
                with speaking(subscriber.language):
                    html = briefing_message(briefing, zone=subscriber.zone, meta=self._meta)
                deliveries.append((key, subscriber, Outgoing(html)))
            marks.append((subscriber.id, period, key))
        if deliveries:
            await self._broadcaster.deliver_all(deliveries)
        sent = 0
        for chat_id, period, key in marks:
            if not self._store.deliveries.is_done(key):
                continue  # failed: tried again at the next check, while its day lasts
            sent += 1
            current = self._store.subscribers.get(chat_id)  # may have changed meanwhile
            if current is not None and current.briefing is not None:
                self._store.subscribers.save(
                    current.replace(briefing_sent=period, briefing_since=now)
                )
        skipped = len(marks) - len(deliveries)
        logger.info("briefings.sent sent=%d nothing_new=%d", sent - skipped, skipped)
        return sent - skipped

    @staticmethod
    def _since(subscriber: Subscriber) -> datetime:
        return subscriber.briefing_since or subscriber.subscribed_at
