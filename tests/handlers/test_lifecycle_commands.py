"""An event's lifecycle through the bot: status and history, one alert per burst of
edits (kept across a restart), and following single events."""

from __future__ import annotations

import html
from datetime import UTC, datetime, timedelta

import httpx
import pytest
import time_machine

from calendars.events import Status
from config.settings import Settings
from tests.conftest import timed_event, until
from tests.fakes.telegram_api import FakeTelegram
from tests.handlers.conftest import (
    ADMIN,
    OTHER_USER,
    USER,
    bot_running,
    bot_settings,
    say,
    texts,
)

pytestmark = pytest.mark.asyncio

T0 = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
START = T0 + timedelta(days=5)


def alerts(fake: FakeTelegram, chat_id: int) -> list[str]:
    return [t for t in texts(fake, chat_id) if t.startswith(("✏️ Changed", "❌ Cancelled"))]


async def test_status_source_and_note_are_kept_and_shown_by_event_and_history(
    settings: Settings, fake: FakeTelegram
) -> None:
    with time_machine.travel(T0, tick=False):
        async with bot_running(bot_settings(settings, fake)) as app:
            await app.events.add(timed_event("talks", START, status="tentative"), actor="t")
            assert app.store.events.get("talks").status is Status.ANNOUNCED  # type: ignore[union-attr]
            edited = await say(
                fake,
                ADMIN,
                "/editevent talks status=confirmed source=https://www.mea.gov.in/r.htm "
                'note="MEA readout"',
            )
            assert "Status: ✅ confirmed" in edited
            details = await say(fake, USER, "/event talks")
            await fake.wait_for_messages(USER, 2)  # and its .ics file
            history = await say(fake, USER, "/history talks")
            event_reply = fake.sent_messages(USER)[0]
    assert "Status: ✅ confirmed" in details
    assert "Recent changes (/history for all):" in details
    assert (
        f"Tue 1 Dec 2026, 08:00 UTC, telegram:{ADMIN}: Status: announced → confirmed "
        '— MEA readout (<a href="https://www.mea.gov.in/r.htm">source</a>)'
    ) in details
    assert "1 change, newest first" in history
    assert "Status: announced → confirmed" in history
    button = event_reply["reply_markup"]["inline_keyboard"][0][0]
    assert button == {"text": "🔔 Follow", "callback_data": "fw:talks"}


async def test_event_shows_the_last_three_changes_and_history_all_split_across_messages(
    settings: Settings, fake: FakeTelegram
) -> None:
    with time_machine.travel(T0, tick=False) as clock:
        async with bot_running(bot_settings(settings, fake)) as app:
            await app.events.add(timed_event("talks", START), actor="t")
            for number in range(40):
                clock.shift(timedelta(minutes=1))
                note = f"step {number} " + "x" * 150
                await app.events.edit("talks", actor="t", title=f"Talks {number}", note=note)
            details = await say(fake, USER, "/event talks")
            await fake.wait_for_messages(USER, 2)  # and its .ics file
            before = len(texts(fake, USER))
            fake.push_message(chat_id=USER, text="/history talks")
            await until(lambda: "Talks 0" in "".join(texts(fake, USER)[before:]))
            parts = texts(fake, USER)[before:]
    assert details.count("Title: ") == 3
    assert "Title: Talks 38 → Talks 39" in details
    assert "Title: Talks 35 → Talks 36" not in details
    assert len(parts) >= 2  # over 4096 characters: split, never inside a tag
    whole = "\n".join(parts)
    assert "40 changes, newest first" in whole
    assert whole.index("Talks 38 → Talks 39") < whole.index("Event talks → Talks 0")


@pytest.mark.parametrize(
    ("command", "answer"),
    [
        ("/editevent x status=maybe", "no event with id 'x'"),
        ("/editevent talks status=maybe", "status 'maybe' is not one of rumoured, announced"),
        ("/editevent talks source=https://x.example/", "nothing to change"),
        ("/editevent talks status=postponed source=ftp://x", "source 'ftp://x' is not an http"),
        ("/follow", "which event? Give its id"),
        ("/follow nope", "no event with id 'nope'"),
        ("/unfollow", "which event? Give its id"),
        ("/history", "which event? Give its id"),
        ("/history nope", "no event with id 'nope'"),
    ],
)
async def test_bad_input_is_answered_with_what_was_wrong_and_an_example(
    settings: Settings, fake: FakeTelegram, command: str, answer: str
) -> None:
    async with bot_running(bot_settings(settings, fake)) as app:
        await app.events.add(timed_event("talks", app.now() + timedelta(days=5)), actor="t")
        reply = await say(fake, ADMIN, command)
    assert reply.startswith("❗")
    assert answer in html.unescape(reply)
    if "Give its id" in answer or "status" in answer or "source" in answer:
        assert "Example: /" in reply


async def test_two_edits_ten_seconds_apart_make_one_alert_listing_both(
    settings: Settings, fake: FakeTelegram
) -> None:
    with time_machine.travel(T0, tick=False) as clock:
        async with bot_running(bot_settings(settings, fake)) as app:
            await say(fake, USER, "/start")
            await say(fake, USER, "/tz Asia/Kolkata")
            await app.events.add(timed_event("talks", START, location="Delhi"), actor="t")
            await say(fake, ADMIN, "/editevent talks location=Mumbai")
            clock.shift(timedelta(seconds=10))
            await say(fake, ADMIN, '/editevent talks when="2026-12-06 10:00" status=postponed')
            clock.shift(timedelta(seconds=19))
            app.reminders.wake()
            assert await app.alerts.send("talks") == 0  # not due yet: edits may still merge
            assert alerts(fake, USER) == []
            clock.shift(timedelta(seconds=1))  # 30 s after the first edit
            app.reminders.wake()
            await until(lambda: len(alerts(fake, USER)) == 1, what="the one alert")
            clock.shift(timedelta(minutes=5))
            app.reminders.wake()
            await app.wait_background()
    (alert,) = alerts(fake, USER)
    assert "📍 Place: Delhi → Mumbai" in alert
    assert (
        "🗓 Time: Sun 6 Dec 2026, 13:30–15:30 IST · 08:00 UTC → "
        "Sun 6 Dec 2026, 15:30–17:30 IST · 10:00 UTC"
    ) in alert
    assert "Status: confirmed → postponed" in alert


async def test_an_edit_undone_within_the_window_sends_nothing(
    settings: Settings, fake: FakeTelegram
) -> None:
    with time_machine.travel(T0, tick=False) as clock:
        async with bot_running(bot_settings(settings, fake)) as app:
            await say(fake, USER, "/start")
            await app.events.add(timed_event("talks", START, location="Delhi"), actor="t")
            await say(fake, ADMIN, "/editevent talks location=Mumbai")
            clock.shift(timedelta(seconds=12))
            await say(fake, ADMIN, "/editevent talks location=Delhi")
            clock.shift(timedelta(seconds=30))
            app.reminders.wake()
            await until(lambda: len(app.store.pending_alerts) == 0, what="the alert settled")
            history = app.store.events.get("talks").history  # type: ignore[union-attr]
    assert alerts(fake, USER) == []
    assert [(c.old, c.new) for c in history] == [("Delhi", "Mumbai"), ("Mumbai", "Delhi")]


async def test_a_restart_between_the_change_and_the_send_sends_it_once(
    settings: Settings, fake: FakeTelegram
) -> None:
    configured = bot_settings(settings, fake)
    with time_machine.travel(T0, tick=False) as clock:
        async with bot_running(configured) as app:
            await say(fake, USER, "/start")
            await app.events.add(timed_event("talks", START, location="Delhi"), actor="t")
            await say(fake, ADMIN, "/editevent talks location=Mumbai")
        assert alerts(fake, USER) == []
        clock.shift(timedelta(minutes=2))  # down while the alert fell due
        async with bot_running(configured) as app:
            await app.wait_background()
            assert len(app.store.pending_alerts) == 0
        async with bot_running(configured) as app:
            await app.wait_background()
            assert await app.alerts.resume() == 0
    (alert,) = alerts(fake, USER)
    assert "📍 Place: Delhi → Mumbai" in alert


async def test_a_chat_following_one_event_gets_its_alerts_and_reminders_and_feed(
    settings: Settings, fake: FakeTelegram
) -> None:
    with time_machine.travel(T0, tick=False) as clock:
        async with bot_running(bot_settings(settings, fake)) as app:
            await app.events.add(timed_event("talks", START, tags=("sco",)), actor="t")
            await app.events.add(timed_event("other", START, tags=("energy",)), actor="t")
            assert "Following <b>Event talks</b>" in await say(fake, OTHER_USER, "/follow talks")
            assert "Already following" in await say(fake, OTHER_USER, "/follow TALKS")
            listed = await say(fake, OTHER_USER, "/following")
            subscriber = app.store.subscribers.get(str(OTHER_USER))
            assert subscriber is not None
            assert (subscriber.topics, subscriber.followed) == (frozenset(), {"talks"})
            token = (await say(fake, OTHER_USER, "/calendar")).split("/calendar/private/")[1][:32]
            async with httpx.AsyncClient(base_url=app.public_url) as http:
                feed = (await http.get(f"/calendar/private/{token}.ics")).text
            await app.events.edit("other", actor="t", location="Paris")
            await app.events.edit("talks", actor="t", location="Delhi")
            clock.shift(timedelta(seconds=30))
            app.reminders.wake()
            await until(lambda: len(alerts(fake, OTHER_USER)) == 1, what="the alert")
            clock.move_to(START - timedelta(hours=1))
            app.reminders.wake()
            await until(lambda: any("⏰" in t for t in texts(fake, OTHER_USER)), what="reminder")
            assert "Stopped following" in await say(fake, OTHER_USER, "/unfollow talks")
            assert "no event by name" in await say(fake, OTHER_USER, "/following")
    assert "Event talks" in listed
    assert "/unfollow talks" in listed
    assert "UID:talks@" in feed
    assert "UID:other@" not in feed
    assert "Event other" not in "".join(texts(fake, OTHER_USER))
    assert next(t for t in texts(fake, OTHER_USER) if "⏰" in t).startswith("⏰ <b>Event talks")


async def test_the_follow_button_follows_in_the_chat_or_under_an_inline_card_privately(
    settings: Settings, fake: FakeTelegram
) -> None:
    long_id = "a" * 64
    async with bot_running(bot_settings(settings, fake)) as app:
        await app.events.add(timed_event(long_id, app.now() + timedelta(days=5)), actor="t")
        await app.events.add(timed_event("talks", app.now() + timedelta(days=5)), actor="t")
        await say(fake, USER, f"/event {long_id}")
        card = fake.sent_messages(USER)[0]
        data = card["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
        assert len(data.encode()) <= 64
        fake.push_callback_query(
            chat_id=USER, user_id=USER, data=data, message_id=card["message_id"]
        )
        await fake.wait_for(lambda rs: any(m == "answerCallbackQuery" for m, _ in rs))
        subscriber = app.store.subscribers.get(str(USER))
    assert subscriber is not None
    assert subscriber.followed == {long_id}
    (answer,) = [p for m, p in fake.requests if m == "answerCallbackQuery"]
    assert answer["text"].startswith("Following Event aaaa")


async def test_an_ended_event_concludes_once_by_the_system(
    settings: Settings, fake: FakeTelegram
) -> None:
    with time_machine.travel(T0, tick=False) as clock:
        async with bot_running(bot_settings(settings, fake)) as app:
            await say(fake, USER, "/start")
            await app.events.add(timed_event("talks", T0 + timedelta(hours=1)), actor="t")
            clock.move_to(T0 + timedelta(hours=3, minutes=1))  # it ended at 10:00
            app.reminders.wake()  # the periodic job (every 5 minutes) is due
            await until(
                lambda: app.store.events.get("talks").status is Status.CONCLUDED,  # type: ignore[union-attr]
                what="the event concluded by the periodic job",
            )
            assert app.events.conclude_due() == []
            history = await say(fake, USER, "/history talks")
            await app.wait_background()
        async with bot_running(bot_settings(settings, fake)) as app:  # at start, too: no repeat
            event = app.store.events.get("talks")
    assert event is not None
    assert event.status is Status.CONCLUDED
    assert [(c.by, c.old, c.new) for c in event.history] == [("system", "confirmed", "concluded")]
    assert "system: Status: confirmed → concluded" in history
    assert alerts(fake, USER) == []
