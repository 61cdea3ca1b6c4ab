"""Pruning end to end: a real instance prunes at start, and no restart sends anything twice."""

from __future__ import annotations

import dataclasses
import io
from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from bot.services.retention import PRUNE_EVERY, RetentionService
from bot.store import Store
from bot.store.retention import KEEP
from config.settings import Settings
from tests.conftest import running, timed_event, until

pytestmark = pytest.mark.asyncio

T0 = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
TALKS = T0 + timedelta(hours=1, minutes=10)
SUMMIT = T0 + timedelta(days=20)


async def test_records_of_an_event_long_over_are_gone_and_restarts_repeat_nothing(
    settings: Settings,
) -> None:
    settings = dataclasses.replace(
        settings, reminder_offsets=(timedelta(days=10), timedelta(hours=1))
    )
    console = io.StringIO()
    with time_machine.travel(T0, tick=False) as clock:
        async with running(settings, console) as app:
            await app.events.add(timed_event("talks", TALKS), actor="admin")
            await app.events.add(timed_event("summit", SUMMIT), actor="admin")
            await app.broadcaster.broadcast("Welcome", actor="admin")
            clock.move_to(TALKS - timedelta(hours=1))
            app.reminders.wake()
            await until(lambda: "starts in 1 hour" in console.getvalue(), what="talks, 1 hour")
            clock.move_to(SUMMIT - timedelta(days=10))
            app.reminders.wake()
            await until(lambda: "starts in 10 days" in console.getvalue(), what="summit, 10 d")
            # Outcomes are recorded in groups just after the send: counted once on record.
            await until(lambda: app.stats.collect().deliveries == {"sent": 3}, what="3 sent")
        assert console.getvalue().count("⏰") == 2

        # Long after the talks ended, and the summit's 10-day record is older than the
        # margin too; but the summit has not begun, so its record must stay.
        clock.move_to(TALKS + KEEP + timedelta(days=10))
        after = io.StringIO()
        async with running(settings, after) as app:
            await app.wait_background()  # the start-up pass, and the reminders' catch-up
            remaining = [str(doc.doc_id) for doc in app.store._db.table("deliveries")]
            assert remaining == [f"summit@{SUMMIT:%Y%m%dT%H%M%SZ}/864000/console"]
            assert app.stats.collect().deliveries == {"sent": 3}  # totals, not what is left
            response = await app.http.get(f"{app.public_url}/metrics")
            assert 'summitwatch_messages_total{outcome="sent"} 3' in response.text
        assert after.getvalue() == ""  # nothing sent again: not the talks, not the summit

        clock.move_to(SUMMIT - timedelta(hours=1))
        last = io.StringIO()
        async with running(settings, last) as app:
            await app.wait_background()
        assert last.getvalue().count("⏰") == 1
        assert "starts in 1 hour" in last.getvalue()


def delivery_keys(store: Store) -> set[str]:
    return {str(doc.doc_id) for doc in store._db.table("deliveries")}


def leave_old_digest(settings: Settings, key: str, now: datetime) -> None:
    """A record an earlier run left, old enough to go (digests go by their own age)."""
    settings.db_path.parent.mkdir(parents=True, exist_ok=True)
    with Store(settings.db_path) as store:
        store.deliveries.record(key, "sent", at=now - KEEP - timedelta(days=1))


async def test_a_start_prunes_when_a_pass_is_due_and_a_restart_soon_after_does_not(
    settings: Settings,
) -> None:
    with time_machine.travel(T0, tick=False) as clock:
        leave_old_digest(settings, "digest:first/1", T0)
        async with running(settings) as app:
            await app.wait_background()  # the pass runs once the start's own work is done
            assert "digest:first/1" not in delivery_keys(app.store)
            assert app.retention.last_pass == T0

        # Restarted an hour later: the last pass is remembered, so this start skips it...
        leave_old_digest(settings, "digest:second/1", T0)
        clock.move_to(T0 + timedelta(hours=1))
        async with running(settings) as app:
            await app.wait_background()
            assert "digest:second/1" in delivery_keys(app.store)
            assert app.retention.last_pass == T0
            # ...and the hourly check runs it once one is due: the log stays bounded.
            clock.move_to(T0 + PRUNE_EVERY)
            app.reminders.wake()
            await until(lambda: app.retention.last_pass == T0 + PRUNE_EVERY, what="a pass")
            assert "digest:second/1" not in delivery_keys(app.store)


async def test_a_pass_stamped_in_the_future_does_not_stop_pruning(settings: Settings) -> None:
    """A clock set back (a wrong date fixed) must not hold pruning off until that date."""
    now = T0
    settings.db_path.parent.mkdir(parents=True, exist_ok=True)
    with Store(settings.db_path) as store:
        retention = RetentionService(store=store, clock=lambda: now)
        await retention.prune()
        assert not retention.due()
        now = T0 - timedelta(days=30)
        assert retention.due()
        now = T0 + PRUNE_EVERY
        assert retention.due()
