"""Reminder jobs: APScheduler wakes us at each fire time; the store decides what is owed.

Jobs are derived, never persisted: at start one date job per (event, offset in use), and
again for an event whenever it is added, edited or cancelled. A job only says "look at
this event now"; :func:`calendars.reminders.plan_reminders` and the delivery log decide
what to send, so a duplicate wake-up or a restart can never send a reminder twice, and
a reminder that fell due while the app was down is sent by :meth:`catch_up`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.delivery.broadcaster import Broadcaster, Delivery
from bot.delivery.notifier import Outcome
from bot.store import Store
from bot.wording.notices import reminder_message
from calendars.events import Event
from calendars.i18n import speaking
from calendars.ical.render import CalendarMeta
from calendars.reminders import fire_times, plan_reminders

__all__ = ["ReminderService", "utc_now"]

logger = logging.getLogger(__name__)


def utc_now() -> datetime:
    return datetime.now(UTC)


class ReminderService:
    def __init__(
        self,
        *,
        store: Store,
        broadcaster: Broadcaster,
        default_offsets: tuple[timedelta, ...],
        meta: CalendarMeta,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self._store = store
        self._broadcaster = broadcaster
        self.default_offsets = default_offsets
        self._meta = meta
        self._clock = clock
        self._scheduler = AsyncIOScheduler(timezone=UTC)
        self._jobs: dict[str, set[str]] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    # ---- lifecycle ---------------------------------------------------------------------

    def start(self) -> None:
        self._scheduler.start()
        self.reschedule_all()

    async def stop(self) -> None:
        if self._scheduler.running:
            self._scheduler.shutdown(wait=False)
            # AsyncIOScheduler shuts down in a callback it schedules on the loop: let it
            # run, so that once stop returns no job can fire and ``running`` is False.
            await asyncio.sleep(0)

    @property
    def running(self) -> bool:
        return bool(self._scheduler.running)

    def wake(self) -> None:
        """Run whatever jobs are due now (after the clock jumped, in tests and on resume)."""
        self._scheduler.wakeup()

    # ---- deriving jobs -----------------------------------------------------------------

    def offsets_in_use(self) -> set[timedelta]:
        offsets = set(self.default_offsets)
        for subscriber in self._store.subscribers.all():
            offsets.update(subscriber.offsets or ())
        return offsets

    def reschedule_all(self) -> None:
        offsets = self.offsets_in_use()
        for event in self._store.events.all():
            self._schedule(event, offsets)

    def reschedule(self, event_id: str) -> None:
        """Re-derive one event's jobs: a moved start moves them, a cancel removes them."""
        event = self._store.events.get(event_id)
        if event is None:
            self._clear(event_id)
        else:
            self._schedule(event, self.offsets_in_use())

    def call_at(
        self, job_id: str, when: datetime, work: Callable[..., Awaitable[object]], *args: object
    ) -> None:
        """Run ``work(*args)`` at ``when`` on this scheduler (``wake`` runs it when due);
        a job with the same id is replaced. Change alerts use it."""
        self._scheduler.add_job(
            work,
            "date",
            run_date=when,
            args=list(args),
            id=job_id,
            replace_existing=True,
            misfire_grace_time=None,
            coalesce=True,
        )

    def call_every(self, job_id: str, interval: timedelta, work: Callable[[], object]) -> None:
        """Run ``work()`` every ``interval`` (concluding events that have ended), on the
        event loop's thread like every store write (a plain function would run in a pool)."""

        async def on_the_loop() -> None:
            work()

        self._scheduler.add_job(
            on_the_loop,
            "interval",
            seconds=interval.total_seconds(),
            id=job_id,
            replace_existing=True,
            misfire_grace_time=None,  # late (a suspended laptop) is better than skipped
            coalesce=True,
        )

    def next_fire_time(self) -> datetime | None:
        times = [
            job.next_run_time
            for job in self._scheduler.get_jobs()
            if job.next_run_time and job.id.startswith("reminder:")
        ]
        return min(times, default=None)

    def _clear(self, event_id: str) -> None:
        for job_id in self._jobs.pop(event_id, set()):
            if self._scheduler.get_job(job_id):
                self._scheduler.remove_job(job_id)

    def _schedule(self, event: Event, offsets: set[timedelta]) -> None:
        self._clear(event.id)
        now = self._clock()
        if event.on_hold or not event.dated or event.has_begun(now):
            return  # no day yet: its reminders are scheduled once an edit gives it one
        job_ids = set()
        for offset, due_at in fire_times(event, offsets).items():
            if due_at <= now:
                continue
            job_id = f"reminder:{event.id}:{int(offset.total_seconds())}"
            self._scheduler.add_job(
                self.dispatch,
                "date",
                run_date=due_at,
                args=[event.id],
                id=job_id,
                name=f"remind {event.id} {offset} before",
                replace_existing=True,
                misfire_grace_time=None,  # late is better than never: the planner decides
                coalesce=True,
            )
            job_ids.add(job_id)
        self._jobs[event.id] = job_ids

    # ---- sending -----------------------------------------------------------------------

    async def catch_up(self) -> int:
        """Send what fell due while the app was down (if the event has not begun)."""
        sent, now = 0, self._clock()
        offsets = self.offsets_in_use()
        for event in self._store.events.upcoming(now):
            if all(due_at > now for due_at in fire_times(event, offsets).values()):
                continue  # nothing can be owed yet (its jobs will fire): no pass over chats
            sent += await self.dispatch(event.id)
            await asyncio.sleep(0)  # nothing owed means no await in dispatch: let requests in
        return sent

    async def dispatch(self, event_id: str) -> int:
        """Send every reminder owed for one event now; returns how many were sent."""
        lock = self._locks.setdefault(event_id, asyncio.Lock())
        async with lock:  # a job and an edit must not both send the same reminder
            event = self._store.events.get(event_id)
            if event is None:
                return 0
            now = self._clock()
            deliveries: list[Delivery] = []
            for number, subscriber in enumerate(self._store.subscribers.following(event), 1):
                if number % 500 == 0:  # ~20 µs each: 10,000 followers would hold the loop
                    await asyncio.sleep(0)
                plan = plan_reminders(
                    event,
                    subscriber,
                    default_offsets=self.default_offsets,
                    now=now,
                    is_done=self._store.deliveries.is_done,
                )
                for skipped in plan.skip:
                    self._store.deliveries.record(
                        skipped.key, "skipped", at=now, detail="superseded"
                    )
                if plan.send is not None:
                    with speaking(subscriber.language):
                        message = reminder_message(plan.send, now=now, meta=self._meta)
                    deliveries.append((plan.send.key, subscriber, message))
            if not deliveries:
                return 0
            outcomes = await self._broadcaster.deliver_all(deliveries)
            logger.info("reminders.sent event=%s %s", event.id, dict(outcomes))
            return outcomes[Outcome.SENT]
