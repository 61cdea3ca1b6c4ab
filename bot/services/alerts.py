"""Change alerts: one message per burst of edits, sent to every chat following the event.

The first change of time, place, status or title stores the event as it was and a due
time ``window`` later; changes before then merge into that alert. When it is due, the
state before the first change is compared with the event now: what differs is told (old
→ new, in each chat's zone), and if an edit was undone nothing is sent. Pending alerts
are stored, so a restart sends what is due at start; delivery keys (event, first change,
chat) make sure nobody gets one twice.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from bot.delivery.broadcaster import Broadcaster, Delivery
from bot.delivery.notifier import Outcome, Outgoing
from bot.services.reminders import ReminderService, utc_now
from bot.store import Store
from bot.store.alerts import PendingAlert
from bot.wording.lifecycle import change_notice
from bot.wording.local_time import is_shared
from calendars.events import Event
from calendars.history import tracked_changes
from calendars.i18n import speaking

__all__ = ["ALERT_WINDOW", "ChangeAlerts"]

logger = logging.getLogger(__name__)

ALERT_WINDOW = timedelta(seconds=30)


class ChangeAlerts:
    def __init__(
        self,
        *,
        store: Store,
        broadcaster: Broadcaster,
        scheduler: ReminderService,
        clock: Callable[[], datetime] = utc_now,
        window: timedelta = ALERT_WINDOW,
    ) -> None:
        self._store = store
        self._broadcaster = broadcaster
        self._scheduler = scheduler
        self._clock = clock
        self._window = window
        self._locks: dict[str, asyncio.Lock] = {}

    def noted(self, before: Event, after: Event) -> None:
        """An event changed: start an alert, or let a pending one cover this change too."""
        now = self._clock()
        if self._store.pending_alerts.get(after.id) is not None:
            return  # merges: the alert compares the first "before" with the latest state
        if before.is_over(now) or not tracked_changes(before, after, at=now, by=""):
            return  # a past event's changes are no news; nor is a new description
        alert = PendingAlert(before=before, first_at=now, due=now + self._window)
        self._store.pending_alerts.put(after.id, alert)
        self._schedule(after.id, alert.due)

    def _schedule(self, event_id: str, due: datetime) -> None:
        self._scheduler.call_at(f"alert:{event_id}", due, self.send, event_id)

    async def resume(self) -> int:
        """At start: send what fell due while the app was down, schedule the rest."""
        sent = 0
        now = self._clock()
        for event_id in self._store.pending_alerts.ids():
            alert = self._store.pending_alerts.get(event_id)
            if alert is None:
                continue
            if alert.due <= now:
                sent += await self.send(event_id)
            else:
                self._schedule(event_id, alert.due)
        return sent

    async def send(self, event_id: str) -> int:
        """Send the event's pending alert (if due and still a change); how many were sent."""
        lock = self._locks.setdefault(event_id, asyncio.Lock())
        async with lock:
            alert = self._store.pending_alerts.get(event_id)
            event = self._store.events.get(event_id)
            if alert is None:
                return 0
            if alert.due > self._clock() and alert.sending is None:
                self._schedule(event_id, alert.due)  # not yet: edits may still merge
                return 0
            if event is None or not tracked_changes(alert.before, event, at=alert.due, by=""):
                self._store.pending_alerts.remove(event_id)  # undone: nothing to tell
                return 0
            sending = PendingAlert(alert.before, alert.first_at, alert.due, event.sequence)
            self._store.pending_alerts.put(event_id, sending)
            why = [change for change in event.history if change.at >= alert.first_at]
            stamp = alert.first_at.strftime("%Y%m%dT%H%M%S.%fZ")
            deliveries: list[Delivery] = []
            for subscriber in self._store.subscribers.following(event):
                with speaking(subscriber.language):
                    notice = change_notice(
                        alert.before,
                        event,
                        zone=subscriber.zone,
                        why=why,
                        shared=is_shared(subscriber.kind),
                    )
                key = f"change:{event_id}@{stamp}/{subscriber.id}"
                deliveries.append((key, subscriber, Outgoing(notice)))
            outcomes = await self._broadcaster.deliver_all(deliveries)
            if self._broadcaster.stopping:
                return outcomes[Outcome.SENT]  # cut short: still pending, resumed at start
            self._settle(event_id, sent_version=event)
            logger.info("alerts.sent event=%s %s", event_id, dict(outcomes))
            return outcomes[Outcome.SENT]

    def _settle(self, event_id: str, *, sent_version: Event) -> None:
        """Done, unless the event changed while it was sent: then that is a new alert."""
        current = self._store.events.get(event_id)
        self._store.pending_alerts.remove(event_id)
        if current is not None and current.sequence != sent_version.sequence:
            self.noted(sent_version, current)
