"""Reminders end to end: real store, real APScheduler, the clock moved by time-machine."""

from __future__ import annotations

import dataclasses
import io
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from calendars.events import Event
from config.settings import Settings
from tests.conftest import running, timed_event, until

pytestmark = pytest.mark.asyncio

T0 = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
START = T0 + timedelta(hours=1, minutes=10)


def in_zone(settings: Settings, zone: str) -> Settings:
    return dataclasses.replace(settings, timezone=zone)


async def test_the_one_hour_reminder_is_sent_once_at_its_time_in_the_subscribers_zone(
    settings: Settings, zone_name: str
) -> None:
    console = io.StringIO()
    with time_machine.travel(T0, tick=False) as clock:
        async with running(in_zone(settings, zone_name), console) as app:
            talks = timed_event(
                "talks", START.astimezone(ZoneInfo("Asia/Kolkata")), title="Modi–Putin talks"
            )
            await app.events.add(talks, actor="admin")
            assert app.reminders.next_fire_time() == START - timedelta(hours=1)
            clock.move_to(START - timedelta(hours=1, seconds=1))
            assert await app.reminders.dispatch("talks") == 0
            clock.move_to(START - timedelta(hours=1))
            app.reminders.wake()
            await until(
                lambda: "starts in 1 hour" in console.getvalue(), what="the 1-hour reminder"
            )
            assert await app.reminders.dispatch("talks") == 0  # asking again sends nothing
            app.reminders.wake()
            clock.move_to(START + timedelta(minutes=1))
            assert await app.reminders.dispatch("talks") == 0
    output = console.getvalue()
    assert output.count("⏰") == 1
    assert "Modi–Putin talks" in output
    # the subscriber's clock first, then the venue's, then UTC (unless it was the first)
    local = START.astimezone(ZoneInfo(zone_name))
    assert f"🗓 Tue 1 Dec 2026, {local:%H:%M}–" in output
    assert "14:40 IST (Kolkata)" in output
    assert ("09:10–11:10 UTC ·" if zone_name == "UTC" else " · 09:10 UTC\n") in output
    assert "/events/talks.ics" in output


async def test_a_restart_neither_repeats_nor_drops_a_reminder(settings: Settings) -> None:
    with time_machine.travel(T0, tick=False) as clock:
        async with running(settings) as app:
            await app.events.add(timed_event("talks", START), actor="admin")
        # the app is down when the 1-hour reminder falls due
        clock.move_to(START - timedelta(minutes=40))
        after_downtime = io.StringIO()
        async with running(settings, after_downtime) as app:
            await app.wait_background()
        assert after_downtime.getvalue().count("⏰") == 1
        assert "starts in 40 minutes" in after_downtime.getvalue()
        clock.move_to(START - timedelta(minutes=30))
        again = io.StringIO()
        async with running(settings, again) as app:
            await app.wait_background()
            assert await app.reminders.catch_up() == 0
        assert again.getvalue() == ""


async def test_a_reminder_missed_until_the_event_began_is_skipped(settings: Settings) -> None:
    with time_machine.travel(T0, tick=False) as clock:
        async with running(settings) as app:
            await app.events.add(timed_event("talks", START), actor="admin")
        clock.move_to(START + timedelta(minutes=5))
        late = io.StringIO()
        async with running(settings, late) as app:
            await app.wait_background()
            assert app.reminders.next_fire_time() is None
        assert late.getvalue() == ""


async def test_moving_an_event_moves_its_reminders(settings: Settings) -> None:
    console = io.StringIO()
    with time_machine.travel(T0, tick=False) as clock:
        async with running(settings, console) as app:
            await app.events.add(timed_event("talks", T0 + timedelta(days=2)), actor="admin")
            new_start = T0 + timedelta(days=3)
            await app.events.edit(
                "talks", actor="admin", start=new_start, end=new_start + timedelta(hours=2)
            )
            clock.move_to(T0 + timedelta(days=1))
            assert await app.reminders.dispatch("talks") == 0  # the old 1-day moment
            clock.move_to(T0 + timedelta(days=2))
            app.reminders.wake()
            await until(
                lambda: "starts in 1 day" in console.getvalue(), what="the moved 1-day reminder"
            )
    assert console.getvalue().count("⏰") == 1


async def test_a_cancelled_event_loses_its_reminders_and_followers_are_told(
    settings: Settings,
) -> None:
    console = io.StringIO()
    with time_machine.travel(T0, tick=False) as clock:
        async with running(settings, console) as app:
            await app.events.add(timed_event("talks", START), actor="admin")
            await app.events.cancel("talks", actor="admin")
            assert app.reminders.next_fire_time() is None
            clock.move_to(START - timedelta(hours=1))
            app.reminders.wake()
            await until(lambda: "❌ Cancelled" in console.getvalue(), what="the cancel alert")
            assert await app.reminders.dispatch("talks") == 0
    assert console.getvalue().count("❌ Cancelled: Event talks") == 1
    assert "⏰" not in console.getvalue()


async def test_a_subscriber_with_its_own_offsets_is_reminded_then(settings: Settings) -> None:
    console = io.StringIO()
    with time_machine.travel(T0, tick=False) as clock:
        async with running(settings, console) as app:
            me = app.store.subscribers.get("console")
            assert me is not None
            app.store.subscribers.save(me.replace(offsets=(timedelta(minutes=30),)))
            await app.events.add(timed_event("talks", START), actor="admin")
            assert app.reminders.next_fire_time() == START - timedelta(
                hours=1
            )  # defaults still in use
            clock.move_to(START - timedelta(hours=1))
            assert await app.reminders.dispatch("talks") == 0  # not this subscriber's offset
            clock.move_to(START - timedelta(minutes=30))
            app.reminders.wake()
            await until(
                lambda: "starts in 30 minutes" in console.getvalue(), what="the 30-minute reminder"
            )


async def test_an_all_day_reminder_says_when_the_venues_day_begins_on_the_readers_clock(
    settings: Settings,
) -> None:
    visit = Event(
        id="visit",
        title="State visit",
        start=date(2026, 12, 4),
        end=date(2026, 12, 6),
        timezone="Asia/Kolkata",
    )
    begins = datetime(2026, 12, 3, 18, 30, tzinfo=UTC)  # midnight in New Delhi
    console = io.StringIO()
    with time_machine.travel(T0, tick=False) as clock:
        async with running(in_zone(settings, "America/New_York"), console) as app:
            await app.events.add(visit, actor="admin")
            assert app.reminders.next_fire_time() == begins - timedelta(days=1)
            clock.move_to(begins - timedelta(days=1))
            app.reminders.wake()
            await until(lambda: "⏰" in console.getvalue(), what="the all-day reminder")
    output = console.getvalue()
    assert "starts in 1 day" in output
    line = "🗓 Fri 4 – Sat 5 Dec 2026, all day in Kolkata · from Thu 3 Dec, 13:30 EST · 18:30 UTC\n"
    assert line in output


async def test_an_all_day_reminder_in_the_venues_zone_needs_no_such_line(
    settings: Settings,
) -> None:
    visit = Event(
        id="visit", title="Visit", start=date(2026, 12, 4), end=date(2026, 12, 5), timezone="UTC"
    )
    console = io.StringIO()
    with time_machine.travel(T0, tick=False) as clock:
        async with running(settings, console) as app:
            await app.events.add(visit, actor="admin")
            clock.move_to(datetime(2026, 12, 3, 23, 0, tzinfo=UTC))
            app.reminders.wake()
            await until(lambda: "⏰" in console.getvalue(), what="the all-day reminder")
    # the venue's midnight is the reader's: no clocks to add to the date
    assert "🗓 Fri 4 Dec 2026, all day (UTC)\n" in console.getvalue()


@pytest.mark.parametrize(
    ("later_by", "again"), [(timedelta(minutes=3), 0), (timedelta(minutes=30), 1)]
)
async def test_a_sent_reminder_comes_again_after_a_move_only_if_its_moment_is_still_ahead(
    settings: Settings, later_by: timedelta, again: int
) -> None:
    console = io.StringIO()
    with time_machine.travel(T0, tick=False) as clock:
        async with running(settings, console) as app:
            await app.events.add(timed_event("talks", START), actor="admin")
            clock.move_to(START - timedelta(hours=1))
            app.reminders.wake()
            await until(lambda: "⏰" in console.getvalue(), what="the 1-hour reminder")
            clock.move_to(START - timedelta(minutes=55))
            new_start = START + later_by  # 58 or 85 minutes from now
            await app.events.edit(
                "talks", actor="admin", start=new_start, end=new_start + timedelta(hours=2)
            )
            clock.move_to(new_start - timedelta(hours=1))
            assert await app.reminders.catch_up() == again
            clock.move_to(new_start - timedelta(minutes=1))
            assert await app.reminders.catch_up() == 0
    assert console.getvalue().count("⏰") == 1 + again


async def test_a_reminder_at_a_subscribers_own_offset_missed_while_down_comes_at_start(
    settings: Settings,
) -> None:
    """The start's catch-up passes over events with nothing due yet: "due" must count every
    offset in use, not only the defaults, or this reminder would wait for nothing."""
    summit = T0 + timedelta(days=20)
    with time_machine.travel(T0, tick=False) as clock:
        async with running(settings) as app:
            me = app.store.subscribers.get("console")
            assert me is not None
            app.store.subscribers.save(me.replace(offsets=(timedelta(days=10),)))
            await app.events.add(timed_event("summit", summit), actor="admin")
        clock.move_to(summit - timedelta(days=9))  # down when the 10-day reminder fell due
        after_downtime = io.StringIO()
        async with running(settings, after_downtime) as app:
            await app.wait_background()
        assert after_downtime.getvalue().count("⏰") == 1
        assert "starts in 9 days" in after_downtime.getvalue()
