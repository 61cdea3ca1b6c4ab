"""Briefings end to end: real store and scheduler, the console notifier, time-machine's clock."""

from __future__ import annotations

import dataclasses
import io
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from bot.app import SummitWatch
from calendars.events import Coverage
from config.settings import Settings
from tests.conftest import running, timed_event, until

pytestmark = pytest.mark.asyncio

BERLIN = ZoneInfo("Europe/Berlin")
CHAT = "console"  # the console follows everything, in the settings' zone


def berlin(text: str, *, fold: int = 0) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=BERLIN, fold=fold)


@pytest.fixture
def in_berlin(settings: Settings) -> Settings:
    return dataclasses.replace(settings, timezone="Europe/Berlin")


def briefings(console: io.StringIO) -> int:
    return console.getvalue().count("📋")


async def add_event(app: SummitWatch, event_id: str, start: datetime, **fields: object) -> None:
    await app.events.add(timed_event(event_id, start, **fields), actor="admin")


async def test_a_daily_briefing_comes_once_at_eight_in_berlin(in_berlin: Settings) -> None:
    console = io.StringIO()
    with time_machine.travel(berlin("2026-12-01 07:00"), tick=False) as clock:
        async with running(in_berlin, console) as app:
            await add_event(app, "talks", berlin("2026-12-03 10:00"), title="Modi–Putin talks")
            app.subscriptions.set_briefing(CHAT, "08:00")
            clock.move_to(berlin("2026-12-01 07:59:59"))
            assert await app.briefings.check() == 0
            clock.move_to(berlin("2026-12-01 08:01"))
            app.briefings.wake()  # the minute job, run by APScheduler
            await until(lambda: briefings(console) == 1, what="the 08:00 briefing")
            assert await app.briefings.check() == 0
            clock.move_to(berlin("2026-12-01 23:59"))
            assert await app.briefings.check() == 0
            clock.move_to(berlin("2026-12-02 08:00"))
            assert await app.briefings.check() == 1
    output = console.getvalue()
    assert briefings(console) == 2
    assert "Next 7 days" in output
    assert "Modi–Putin talks" in output
    assert "Thu 3 Dec" in output


async def test_a_restart_the_same_day_does_not_send_it_again(in_berlin: Settings) -> None:
    with time_machine.travel(berlin("2026-12-01 07:00"), tick=False) as clock:
        first = io.StringIO()
        async with running(in_berlin, first) as app:
            await add_event(app, "talks", berlin("2026-12-03 10:00"))
            app.subscriptions.set_briefing(CHAT, "08:00")
            clock.move_to(berlin("2026-12-01 08:00"))
            assert await app.briefings.check() == 1
        clock.move_to(berlin("2026-12-01 12:00"))
        again = io.StringIO()
        async with running(in_berlin, again) as app:
            await app.wait_background()
            assert await app.briefings.check() == 0
        assert briefings(first) == 1
        assert again.getvalue() == ""


async def test_a_briefing_missed_while_down_comes_at_start_while_its_day_lasts(
    in_berlin: Settings,
) -> None:
    with time_machine.travel(berlin("2026-12-01 07:00"), tick=False) as clock:
        async with running(in_berlin) as app:
            await add_event(app, "talks", berlin("2026-12-05 10:00"))
            app.subscriptions.set_briefing(CHAT, "08:00")
        clock.move_to(berlin("2026-12-01 21:30"))  # down over 08:00
        late = io.StringIO()
        async with running(in_berlin, late) as app:
            await app.wait_background()
        assert briefings(late) == 1
        clock.move_to(berlin("2026-12-03 06:00"))  # down all of 2 December
        next_day = io.StringIO()
        async with running(in_berlin, next_day) as app:
            await app.wait_background()
            assert next_day.getvalue() == ""  # 2 December's is not sent on the 3rd
            clock.move_to(berlin("2026-12-03 08:00"))
            assert await app.briefings.check() == 1


async def test_nothing_new_means_no_message(in_berlin: Settings) -> None:
    console = io.StringIO()
    with time_machine.travel(berlin("2026-12-01 07:00"), tick=False) as clock:
        async with running(in_berlin, console) as app:
            await add_event(app, "far", berlin("2027-02-01 10:00"))  # beyond the week
            clock.move_to(berlin("2026-12-01 07:30"))
            app.subscriptions.set_briefing(CHAT, "08:00")  # "far" was added before: no change
            clock.move_to(berlin("2026-12-01 08:00"))
            assert await app.briefings.check() == 0
            assert await app.briefings.check() == 0
            assert console.getvalue() == ""
            await app.events.edit("far", actor="admin", location="Kazan")
            clock.move_to(berlin("2026-12-02 08:00"))
            assert await app.briefings.check() == 1
    output = console.getvalue()
    assert "No events in the next 7 days" in output
    assert "Changed since Tue 1 Dec 2026, 08:00 CET" in output
    assert "Event far (place)" in output  # as a reader says it, not the stored field


@pytest.mark.parametrize(
    ("days", "utc_hours"),
    [
        # Spring forward (28 March 2027): 08:00 is 07:00 UTC, then 06:00 UTC.
        (("2027-03-27", "2027-03-28", "2027-03-29"), (7, 6, 6)),
        # Fall back (31 October 2027): 08:00 is 06:00 UTC, then 07:00 UTC.
        (("2027-10-30", "2027-10-31", "2027-11-01"), (6, 7, 7)),
    ],
)
async def test_eight_stays_eight_local_across_dst_changes(
    in_berlin: Settings, days: tuple[str, ...], utc_hours: tuple[int, ...]
) -> None:
    console = io.StringIO()
    with time_machine.travel(berlin(f"{days[0]} 06:00"), tick=False) as clock:
        async with running(in_berlin, console) as app:
            await add_event(app, "summit", berlin(f"{days[-1]} 18:00"))
            app.subscriptions.set_briefing(CHAT, "08:00")
            for day, hour in zip(days, utc_hours, strict=True):
                moment = datetime.fromisoformat(f"{day} {hour:02d}:00").replace(tzinfo=UTC)
                assert moment.astimezone(BERLIN).hour == 8
                clock.move_to(moment - timedelta(seconds=1))
                assert await app.briefings.check() == 0, f"early on {day}"
                clock.move_to(moment)
                assert await app.briefings.check() == 1, f"not at 08:00 on {day}"
                clock.move_to(moment + timedelta(hours=3))
                assert await app.briefings.check() == 0
    assert briefings(console) == 3


async def test_half_past_two_on_the_spring_forward_night_comes_at_three(
    in_berlin: Settings,
) -> None:
    with time_machine.travel(berlin("2027-03-27 12:00"), tick=False) as clock:
        async with running(in_berlin) as app:
            await add_event(app, "summit", berlin("2027-03-29 18:00"))
            app.subscriptions.set_briefing(CHAT, "02:30")
            clock.move_to(datetime(2027, 3, 28, 0, 59, tzinfo=UTC))  # 01:59 CET
            assert await app.briefings.check() == 0
            clock.move_to(datetime(2027, 3, 28, 1, 0, tzinfo=UTC))  # 03:00 CEST
            assert await app.briefings.check() == 1


async def test_on_the_fall_back_night_only_the_first_half_past_two(in_berlin: Settings) -> None:
    with time_machine.travel(berlin("2027-10-30 12:00"), tick=False) as clock:
        async with running(in_berlin) as app:
            await add_event(app, "summit", berlin("2027-11-01 18:00"))
            app.subscriptions.set_briefing(CHAT, "02:30")
            clock.move_to(berlin("2027-10-31 02:30", fold=0))  # CEST
            assert await app.briefings.check() == 1
            clock.move_to(berlin("2027-10-31 02:30", fold=1))  # CET, an hour later
            assert await app.briefings.check() == 0


async def test_a_weekly_briefing_comes_on_its_day_and_looks_two_weeks_ahead(
    in_berlin: Settings,
) -> None:
    console = io.StringIO()
    with time_machine.travel(berlin("2026-11-29 12:00"), tick=False) as clock:  # a Sunday
        async with running(in_berlin, console) as app:
            await add_event(app, "far", berlin("2026-12-11 10:00"), title="In eleven days")
            app.subscriptions.set_briefing(CHAT, "weekly mon 08:00")
            for moment, sent in [
                ("2026-11-30 07:59", 0),
                ("2026-11-30 08:00", 1),
                ("2026-11-30 20:00", 0),
                ("2026-12-01 08:00", 0),
                ("2026-12-06 08:00", 0),
                ("2026-12-07 08:00", 1),
            ]:
                clock.move_to(berlin(moment))
                assert await app.briefings.check() == sent, moment
    assert briefings(console) == 2
    assert "Weekly briefing" in console.getvalue()
    assert "Next 14 days" in console.getvalue()
    assert "In eleven days" in console.getvalue()


async def test_during_quiet_hours_the_briefing_waits_for_them_to_end(in_berlin: Settings) -> None:
    with time_machine.travel(berlin("2026-12-01 06:00"), tick=False) as clock:
        async with running(in_berlin) as app:
            await add_event(app, "talks", berlin("2026-12-03 10:00"))
            app.subscriptions.set_quiet_hours(CHAT, "07:00-09:30")
            app.subscriptions.set_briefing(CHAT, "08:00")
            clock.move_to(berlin("2026-12-01 08:00"))
            assert await app.briefings.check() == 0
            clock.move_to(berlin("2026-12-01 09:29"))
            assert await app.briefings.check() == 0
            clock.move_to(berlin("2026-12-01 09:30"))
            assert await app.briefings.check() == 1


async def test_coverage_is_shown_through_the_chats_news_filter(in_berlin: Settings) -> None:
    console = io.StringIO()
    with time_machine.travel(berlin("2026-12-01 07:00"), tick=False) as clock:
        async with running(in_berlin, console) as app:
            await add_event(app, "talks", berlin("2026-12-03 10:00"))
            published = berlin("2026-12-01 06:00")
            app.events.record_coverage(
                "talks",
                [
                    Coverage("Cricket tour starts", "https://news.example/c", "Wire", published),
                    Coverage("S-400 on the agenda", "https://news.example/s", "Wire", published),
                ],
            )
            app.subscriptions.set_filter(CHAT, "-cricket")
            app.subscriptions.set_briefing(CHAT, "08:00")
            clock.move_to(berlin("2026-12-01 08:00"))
            assert await app.briefings.check() == 1
    output = console.getvalue()
    assert "S-400 on the agenda: https://news.example/s" in output
    assert "Cricket" not in output


async def test_a_new_time_never_brings_a_second_briefing_the_same_day(in_berlin: Settings) -> None:
    console = io.StringIO()
    with time_machine.travel(berlin("2026-12-01 07:00"), tick=False) as clock:
        async with running(in_berlin, console) as app:
            await add_event(app, "talks", berlin("2026-12-03 10:00"))
            app.subscriptions.set_briefing(CHAT, "08:00")
            clock.move_to(berlin("2026-12-01 08:00"))
            assert await app.briefings.check() == 1
            clock.move_to(berlin("2026-12-01 10:00"))
            app.subscriptions.set_briefing(CHAT, "20:00")
            clock.move_to(berlin("2026-12-01 20:00"))
            assert await app.briefings.check() == 0
            clock.move_to(berlin("2026-12-02 20:00"))
            assert await app.briefings.check() == 1
    assert briefings(console) == 2


async def test_set_after_todays_time_it_starts_tomorrow(in_berlin: Settings) -> None:
    with time_machine.travel(berlin("2026-12-01 09:00"), tick=False) as clock:
        async with running(in_berlin) as app:
            await add_event(app, "talks", berlin("2026-12-03 10:00"))
            app.subscriptions.set_briefing(CHAT, "08:00")
            assert await app.briefings.check() == 0
            clock.move_to(berlin("2026-12-02 08:00"))
            assert await app.briefings.check() == 1


async def test_delivered_but_not_yet_marked_is_not_sent_again(in_berlin: Settings) -> None:
    console = io.StringIO()
    with time_machine.travel(berlin("2026-12-01 07:00"), tick=False) as clock:
        async with running(in_berlin, console) as app:
            await add_event(app, "talks", berlin("2026-12-03 10:00"))
            app.subscriptions.set_briefing(CHAT, "08:00")
            clock.move_to(berlin("2026-12-01 08:00"))
            # As if the process died after the send, before the chat's record was updated:
            app.store.deliveries.record("briefing:2026-12-01/console", "sent", at=clock_now())
            await app.briefings.check()
            marked = app.store.subscribers.get(CHAT)
            assert marked is not None
            assert marked.briefing_sent == "2026-12-01"
    assert console.getvalue() == ""


def clock_now() -> datetime:
    return datetime.now(UTC)
