"""When reminders are due: pure arithmetic over events, subscribers and the clock.

A reminder is identified by (event, the event's start instant, offset, subscriber): moving
an event moves its reminders, and nothing else ever sends the same one twice. A reminder
already sent for an offset is not sent again after a move, unless the new start was at
least that offset away when the event moved (its history says when, and from where).

The rules, for one event and one subscriber at time ``now``:
- nothing once the event has begun, or when it is cancelled or postponed, or while it is
  known only to its month or year (its 1st is no real start);
- an offset is *due* when ``start - offset <= now``;
- it is *owed* only if it fell due after both the event was created and the subscriber
  set its reminders (``reminders_since``): nobody is reminded of a moment that passed
  before they asked, or before the event existed, or before it got its day;
- of the owed, undelivered offsets only the nearest to the start is sent (a bot that was
  down for a week sends one "starts in 20 hours", not three stale reminders); the others
  are recorded as skipped.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from calendars.events import Event
from calendars.history import day_set_at, last_moved, previous_starts
from calendars.subscribers import Subscriber

__all__ = ["Reminder", "ReminderPlan", "fire_times", "plan_reminders", "reminder_key"]


def reminder_key(event: Event, offset: timedelta, subscriber_id: str) -> str:
    return _key(event.id, event.starts_at, offset, subscriber_id)


def _key(event_id: str, start: datetime, offset: timedelta, subscriber_id: str) -> str:
    stamp = start.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    return f"{event_id}@{stamp}/{int(offset.total_seconds())}/{subscriber_id}"


def _sent_for_an_earlier_start(
    event: Event, subscriber: Subscriber, is_done: Callable[[str], bool]
) -> Callable[[timedelta, datetime], bool]:
    """Whether the reminder for an offset counts as sent already, for a moved event.

    It does when one was sent for that offset before the event last moved, unless the new
    start was at least that offset away when it moved (then its moment is still ahead).
    """
    moved_at, earlier = last_moved(event), previous_starts(event)

    def sent(offset: timedelta, due_at: datetime) -> bool:
        if moved_at is None or due_at >= moved_at:
            return False
        return any(is_done(_key(event.id, start, offset, subscriber.id)) for start in earlier)

    return sent


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
    if event.on_hold or not event.dated or event.has_begun(now) or not subscriber.follows(event):
        return ReminderPlan(None, ())
    owed_after = max(event.created, subscriber.reminders_since, day_set_at(event) or event.created)
    sent_before = _sent_for_an_earlier_start(event, subscriber, is_done)
    owed = [
        Reminder(event, subscriber, offset)
        for offset, due_at in fire_times(event, subscriber.offsets_or(default_offsets)).items()
        if owed_after < due_at <= now and not sent_before(offset, due_at)
    ]
    pending = sorted((r for r in owed if not is_done(r.key)), key=lambda r: r.offset)
    if not pending:
        return ReminderPlan(None, ())
    return ReminderPlan(pending[0], tuple(pending[1:]))
