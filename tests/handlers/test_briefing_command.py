"""/briefing end to end: the fake Bot API, the real bot, the clock under control."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from bot.delivery.notifier import html_to_text
from config.settings import Settings
from tests.conftest import timed_event
from tests.fakes.telegram_api import FakeTelegram
from tests.handlers.conftest import USER, bot_running, bot_settings, say, texts

pytestmark = pytest.mark.asyncio

BERLIN = ZoneInfo("Europe/Berlin")


async def ask(fake: FakeTelegram, text: str) -> str:
    """The bot's answer to ``text`` as the user reads it (without markup)."""
    return html_to_text(await say(fake, USER, text))


MORNING = datetime(2026, 12, 1, 7, 0, tzinfo=BERLIN)  # a Tuesday


async def test_briefing_shows_sets_and_stops_in_the_chats_zone(
    settings: Settings, fake: FakeTelegram
) -> None:
    with time_machine.travel(MORNING, tick=False):
        async with bot_running(bot_settings(settings, fake)) as app:
            assert "/start first" in await ask(fake, "/briefing")
            await say(fake, USER, "/start")
            await say(fake, USER, "/tz Europe/Berlin")
            shown = await ask(fake, "/briefing")
            assert "No briefing" in shown
            assert "/briefing 08:00" in shown
            assert "/briefing weekly mon 08:00" in shown
            daily = await ask(fake, "/briefing 8:00")
            assert "✅ Briefing set: /briefing 08:00" in daily
            assert "every day at 08:00 (Europe/Berlin)" in daily
            assert "The next one: Tue 1 Dec 2026, 08:00 CET" in daily
            weekly = await ask(fake, "/briefing weekly fri 18:30")
            assert "every Friday at 18:30" in weekly
            assert "The next one: Fri 4 Dec 2026, 18:30 CET" in weekly
            assert "Briefing: /briefing weekly fri 18:30" in await ask(fake, "/briefing")
            stored = app.store.subscribers.get(str(USER))
            assert stored is not None
            assert stored.briefing is not None
            assert stored.briefing.render() == "weekly fri 18:30"
            assert "Briefings stopped" in await ask(fake, "/briefing off")
            stopped = app.store.subscribers.get(str(USER))
            assert stopped is not None
            assert stopped.briefing is None


@pytest.mark.parametrize(
    ("text", "reason", "example"),
    [
        ("/briefing 25:00", "25:00 is not a time of day", "/briefing 08:00"),
        (
            "/briefing weekly funday 08:00",
            "'funday' is not a day of the week",
            "/briefing weekly mon 08:00",
        ),
        ("/briefing every morning", "is not a briefing time", "/briefing 08:00"),
    ],
)
async def test_bad_briefing_times_are_answered_with_the_reason_and_an_example(
    settings: Settings, fake: FakeTelegram, text: str, reason: str, example: str
) -> None:
    async with bot_running(bot_settings(settings, fake)) as app:
        await say(fake, USER, "/start")
        answer = await ask(fake, text)
        assert reason in answer
        assert f"Example: {example}" in answer
        stored = app.store.subscribers.get(str(USER))
        assert stored is not None
        assert stored.briefing is None


async def test_the_briefing_arrives_in_the_chat_once(
    settings: Settings, fake: FakeTelegram
) -> None:
    with time_machine.travel(MORNING, tick=False) as clock:
        async with bot_running(bot_settings(settings, fake)) as app:
            start = datetime(2026, 12, 3, 10, 0, tzinfo=BERLIN)
            await app.events.add(timed_event("talks", start, title="Talks"), actor="admin")
            await say(fake, USER, "/start")
            await say(fake, USER, "/tz Europe/Berlin")
            await ask(fake, "/briefing 08:00")
            clock.move_to(MORNING + timedelta(hours=1))
            assert await app.briefings.check() == 1
            assert await app.briefings.check() == 0
    sent = [t for t in texts(fake, USER) if t.startswith("📋")]
    assert len(sent) == 1
    assert "Talks" in sent[0]
    assert sent[0].startswith("📋 <b>Briefing</b> · Tue 1 Dec 2026, 08:00 CET")
    assert "Thu 3 Dec 2026, 10:00 CET" in sent[0]
