"""When reminders are due: pure arithmetic over events, subscribers and the clock.

A reminder is identified by (event, the event's start instant, offset, subscriber): moving
an event re-arms its reminders, and nothing else ever sends the same one twice.

The rules, for one event and one subscriber at time ``now``:
- nothing once the event has begun, or when it is cancelled;
- an offset is *due* when ``start - offset <= now``;
- it is *owed* only if it fell due after both the event was created and the subscriber
  set its reminders (``reminders_since``): nobody is reminded of a moment that passed
  before they asked, or before the event existed;
- of the owed, undelivered offsets only the nearest to the start is sent (a bot that was
  down for a week sends one "starts in 20 hours", not three stale reminders); the others
  are recorded as skipped.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from calendars.events import Event
from calendars.subscribers import Subscriber

__all__ = ["Reminder", "ReminderPlan", "fire_times", "plan_reminders", "reminder_key"]


def reminder_key(event: Event, offset: timedelta, subscriber_id: str) -> str:
    start = event.starts_at.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    return f"{event.id}@{start}/{int(offset.total_seconds())}/{subscriber_id}"


@dataclass(frozen=True, slots=True)
class Reminder:
    event: Event
    subscriber: Subscriber
    offset: timedelta

    @property
    def key(self) -> str:
        return reminder_key(self.event, self.offset, self.subscriber.id)


@dataclass(frozen=True, slots=True)
class ReminderPlan:
    send: Reminder | None
    skip: tuple[Reminder, ...]


def fire_times(event: Event, offsets: Iterable[timedelta]) -> dict[timedelta, datetime]:
    """When each offset's reminder falls due."""
    start = event.starts_at
    return {offset: start - offset for offset in offsets}


def plan_reminders(
    event: Event,
    subscriber: Subscriber,
    *,
    default_offsets: tuple[timedelta, ...],
    now: datetime,
    is_done: Callable[[str], bool],
) -> ReminderPlan:
    """What to send (at most one) and what to mark skipped for this pair, right now."""
    if event.cancelled or event.has_begun(now) or not event.follows_topics(subscriber.topics):
        return ReminderPlan(None, ())
    owed_after = max(event.created, subscriber.reminders_since)
    owed = [
        Reminder(event, subscriber, offset)
        for offset, due_at in fire_times(event, subscriber.offsets_or(default_offsets)).items()
        if owed_after < due_at <= now
    ]
    pending = sorted((r for r in owed if not is_done(r.key)), key=lambda r: r.offset)
    if not pending:
        return ReminderPlan(None, ())
    return ReminderPlan(pending[0], tuple(pending[1:]))
