"""An event known only to its month, end to end through the fake Bot API: added as
``2026-12``, listed as "December 2026 (date to be announced)", out of the feeds and with no
reminders, until /editevent gives it a day: then the follower is told "Date set", the feed
has it and the reminders fall due."""

from __future__ import annotations

import html
from datetime import UTC, datetime, timedelta

import httpx
import icalendar
import pytest
import time_machine

from calendars.time.precision import Precision
from config.settings import Settings
from tests.conftest import until
from tests.fakes.telegram_api import FakeTelegram
from tests.handlers.conftest import ADMIN, USER, bot_running, bot_settings, say, texts

pytestmark = pytest.mark.asyncio

T0 = datetime(2026, 11, 1, 8, 0, tzinfo=UTC)
VISIT = "putin-visit-to-new-delhi-2026"
LABEL = "December 2026 (date to be announced)"


def uids(body: str) -> set[str]:
    return {str(c["UID"]) for c in icalendar.Calendar.from_ical(body).walk("VEVENT")}


async def test_a_month_event_waits_for_its_day_then_alerts_feeds_and_reminds(
    settings: Settings, fake: FakeTelegram
) -> None:
    with time_machine.travel(T0, tick=False) as clock:
        async with bot_running(bot_settings(settings, fake)) as app:
            await say(fake, USER, "/start")
            await say(fake, USER, "/tz Asia/Kolkata")
            added = await say(
                fake,
                ADMIN,
                "/addevent 2026-12 Asia/Kolkata | Putin visit to New Delhi | New Delhi | "
                "india-russia",
            )
            upcoming = await say(fake, USER, "/upcoming")
            details = await say(fake, USER, f"/event {VISIT}")
            token = (await say(fake, USER, "/calendar")).split("/calendar/private/")[1][:32]
            inline = fake.push_inline_query(user_id=USER, query="putin")
            answer = await fake.wait_for_inline_answer(inline["inline_query"]["id"])
            async with httpx.AsyncClient(base_url=app.public_url) as http:
                private_before = (await http.get(f"/calendar/private/{token}.ics")).text
                everything_before = (await http.get("/calendar.ics")).text
            assert app.reminders.next_fire_time() is None  # no reminder job for a month

            clock.move_to(datetime(2026, 11, 24, 9, 0, tzinfo=UTC))  # 7 days before the 1st
            app.reminders.wake()
            await app.wait_background()
            assert not any("⏰" in t for t in texts(fake, USER))

            edited = await say(fake, ADMIN, f'/editevent {VISIT} when="2026-12-04 10:00"')
            clock.shift(timedelta(seconds=30))
            app.reminders.wake()
            await until(lambda: any("Date set" in t for t in texts(fake, USER)), what="alert")
            async with httpx.AsyncClient(base_url=app.public_url) as http:
                private_after = (await http.get(f"/calendar/private/{token}.ics")).text
                everything_after = (await http.get("/calendar.ics")).text
            history = await say(fake, USER, f"/history {VISIT}")

            clock.move_to(datetime(2026, 11, 27, 4, 30, tzinfo=UTC))  # 7 days before 10:00 IST
            app.reminders.wake()
            await until(lambda: any("⏰" in t for t in texts(fake, USER)), what="the reminder")
            event = app.store.events.get(VISIT)
    assert f"Added <code>{VISIT}</code>" in added
    assert LABEL in added
    assert "no reminders and not in calendar feeds until it has a day" in added
    for text in (added, upcoming, details):
        assert "1 Dec" not in text
        assert "IST" not in text  # no clocks for a month
    assert f"🗓 {LABEL}" in upcoming
    assert "Putin visit to New Delhi</b> — in December 2026" in upcoming
    assert f"🗓 {LABEL}" in details
    assert "Not in the calendar feed until the day is announced" in details
    assert not any(method == "sendDocument" for method, _ in fake.requests)  # no empty .ics
    (result,) = [r for r in answer["results"] if r["id"] == VISIT]
    assert LABEL in result["description"]
    assert LABEL in result["input_message_content"]["message_text"]
    assert (
        "Not in the calendar feed until the day is announced."
        in (result["input_message_content"]["message_text"])
    )

    visit_uid = f"{VISIT}@{app.meta.host}"
    assert visit_uid not in uids(private_before) | uids(everything_before)
    assert visit_uid in uids(private_after)
    assert visit_uid in uids(everything_after)

    set_line = "🗓 Date set: Fri 4 Dec 2026, 10:00–11:00 IST · 04:30 UTC (was December 2026)"
    assert "🗓 Fri 4 Dec 2026, 04:30–05:30 UTC · 10:00 IST (Kolkata)" in edited
    assert (
        "Date set: Fri 4 Dec 2026, 04:30–05:30 UTC · 10:00 IST (Kolkata) (was December 2026)"
        in (edited)
    )
    (alert,) = [t for t in texts(fake, USER) if t.startswith("✏️ Changed")]
    assert alert.startswith("✏️ Changed: <b>Putin visit to New Delhi</b>")
    assert set_line in alert
    assert set_line in history
    (reminder,) = [t for t in texts(fake, USER) if "⏰" in t]
    assert reminder.startswith("⏰ <b>Putin visit to New Delhi</b> starts in 7 days")
    assert event is not None
    assert event.precision is Precision.DAY
    assert html.unescape(alert).count("December 2026") == 1


async def test_the_guided_dialogue_takes_a_year(settings: Settings, fake: FakeTelegram) -> None:
    with time_machine.travel(T0, tick=False):
        async with bot_running(bot_settings(settings, fake)) as app:
            await say(fake, ADMIN, "/addevent")
            refused = await say(fake, ADMIN, "2027-13")
            assert "Title?" in await say(fake, ADMIN, "2027 Asia/Kolkata")
            await say(fake, ADMIN, "SCO summit in India")
            await say(fake, ADMIN, "-")
            await say(fake, ADMIN, "sco")
            done = await say(fake, ADMIN, "/skip")
            event = app.store.events.get("sco-summit-in-india-2027")
    assert "2027-13 is not a month: months run 01-12" in refused
    assert "When is it?" in refused
    assert "Added <code>sco-summit-in-india-2027</code>" in done
    assert "🗓 2027 (date to be announced)" in done
    assert event is not None
    assert event.precision is Precision.YEAR
