"""The clocks line and Telegram's date-time entity in real messages, through the fake Bot API.

The fake checks every ``<tg-time>`` as Telegram does (a storable Unix time, a documented
format, at most 1098 days ahead), so a message it accepts has an entity Telegram takes.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from bot.services.subscriptions import ChatRef
from config.settings import Settings
from tests.conftest import timed_event
from tests.fakes.telegram_api import FakeTelegram
from tests.fakes.telegram_rules import html_to_plain
from tests.handlers.conftest import USER, bot_running, bot_settings, say, texts

pytestmark = pytest.mark.asyncio

T0 = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
DELHI_START = datetime(2026, 12, 4, 10, 0, tzinfo=ZoneInfo("Asia/Kolkata"))  # 04:30 UTC
CHANNEL, GROUP = -1001234567890, -4004
TG_TIME = re.compile(r'<tg-time unix="(\d+)" format="wdt">([^<]*)</tg-time>')


async def test_a_reminder_shows_three_clocks_and_a_channel_also_gets_each_readers_own(
    settings: Settings, fake: FakeTelegram
) -> None:
    with time_machine.travel(T0, tick=False) as clock:
        async with bot_running(bot_settings(settings, fake)) as app:
            for chat, kind in ((USER, "private"), (CHANNEL, "channel")):
                app.subscriptions.subscribe(ChatRef(id=str(chat), kind=kind))
                app.subscriptions.set_zone(str(chat), "Europe/Moscow")
                app.subscriptions.set_offsets(str(chat), "1h")
            talks = timed_event("talks", DELHI_START, title="Modi–Putin talks")
            await app.events.add(talks, actor="admin")
            clock.move_to(DELHI_START - timedelta(hours=1))
            app.reminders.wake()
            private = (await fake.wait_for_messages(USER))[0]["text"]
            channel = (await fake.wait_for_messages(CHANNEL))[0]["text"]
    line = "🗓 Fri 4 Dec 2026, 07:30–09:30 MSK · 10:00 IST (Kolkata) · 04:30 UTC"
    assert line in private.splitlines()
    assert "<tg-time" not in private  # the chat's zone is its one reader's
    assert line in channel.splitlines()  # the channel's zone first, as it chose
    entity = TG_TIME.search(channel)
    assert entity is not None, channel
    assert int(entity[1]) == int(DELHI_START.timestamp())
    assert entity[2] == "Fri 4 Dec 2026, 04:30 UTC"  # what apps without the entity show
    assert "🕓 Your time: Fri 4 Dec 2026, 04:30 UTC" in html_to_plain(channel).splitlines()


async def test_a_start_after_2038_is_plain_text_even_in_a_channel(
    settings: Settings, fake: FakeTelegram
) -> None:
    now = datetime(2039, 12, 31, 12, 0, tzinfo=UTC)  # within 1098 days, but past 32 bits
    start = datetime(2040, 1, 2, 10, 0, tzinfo=ZoneInfo("Asia/Kolkata"))
    with time_machine.travel(now, tick=False) as clock:
        async with bot_running(bot_settings(settings, fake)) as app:
            app.subscriptions.subscribe(ChatRef(id=str(CHANNEL), kind="channel"))
            app.subscriptions.set_offsets(str(CHANNEL), "1h")
            await app.events.add(timed_event("far", start, title="Summit of 2040"), actor="admin")
            clock.move_to(start - timedelta(hours=1))
            app.reminders.wake()
            sent = (await fake.wait_for_messages(CHANNEL))[0]["text"]
    assert "Summit of 2040" in sent
    assert "🗓 Mon 2 Jan 2040, 04:30–06:30 UTC · 10:00 IST (Kolkata)" in sent
    assert "<tg-time" not in sent
    assert "Your time" not in sent


@pytest.mark.usefixtures("brisk_group_pacing")
async def test_commands_in_a_group_carry_the_entity_when_telegram_takes_it(
    settings: Settings, fake: FakeTelegram
) -> None:
    with time_machine.travel(T0, tick=False):
        async with bot_running(bot_settings(settings, fake)) as app:
            soon = timed_event("soon", DELHI_START, title="Talks soon")
            # four years ahead: more than the 1098 days Telegram allows an entity
            later = timed_event("later", DELHI_START + timedelta(days=4 * 365), title="Talks later")
            for event in (soon, later):
                await app.events.add(event, actor="admin")
            fake.set_member_status(GROUP, USER, "administrator")  # groups' admins subscribe them
            await say(fake, GROUP, "/start", user_id=USER, chat_type="group")
            upcoming = await say(fake, GROUP, "/upcoming", user_id=USER, chat_type="group")
            details = await say(fake, GROUP, "/event later", user_id=USER, chat_type="group")
            private = await say(fake, USER, "/event soon")
    assert [int(unix) for unix, _text in TG_TIME.findall(upcoming)] == [
        int(DELHI_START.timestamp())
    ]
    assert "<tg-time" not in details
    assert "<tg-time" not in private
    welcome = texts(fake, GROUP)[0]
    assert TG_TIME.search(welcome) is not None  # /start's next event, in a group
