"""SUMMITWATCH_PAID_BROADCAST, end to end against the fake Bot API enforcing Telegram's caps.

The fake answers 429 beyond 30 sends/s overall, or beyond 1,000/s for sends that carry
``allow_paid_broadcast``; how fast each goes is measured in benchmarks/bench_broadcast.py.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from calendars.subscribers import Subscriber
from config.settings import Settings
from tests.fakes.telegram_api import FakeTelegram
from tests.handlers.conftest import USER, bot_running, bot_settings, say

pytestmark = pytest.mark.asyncio

AT = datetime(2026, 12, 1, tzinfo=UTC)
READERS = 45  # more than Telegram's free 30 messages/s


def broadcast_sends(fake: FakeTelegram, text: str) -> list[dict[str, object]]:
    return [p for method, p in fake.requests if method == "sendMessage" and p.get("text") == text]


@pytest.mark.parametrize("paid", [True, False])
async def test_the_paid_broadcast_flag_reaches_every_send_only_when_switched_on(
    settings: Settings, fake: FakeTelegram, paid: bool
) -> None:
    async with bot_running(bot_settings(settings, fake, paid_broadcast=paid)) as app:
        reply = await say(fake, USER, "/start")
        outcomes = await app.broadcaster.broadcast("Summit moved", actor="test")
    assert sum(outcomes.values()) == 1
    (send,) = broadcast_sends(fake, "Summit moved")
    assert send.get("allow_paid_broadcast") is (True if paid else None)
    replies = [p for m, p in fake.requests if m == "sendMessage" and p.get("text") == reply]
    assert "allow_paid_broadcast" not in replies[0]  # answers to commands are not broadcasts


@pytest.mark.parametrize("paid", [True, False])
async def test_a_broadcast_to_more_chats_than_the_free_rate_meets_no_flood_control(
    settings: Settings, fake: FakeTelegram, paid: bool
) -> None:
    fake.enforce_limits()  # 30/s, or 1,000/s with allow_paid_broadcast; 1/s per chat
    async with bot_running(bot_settings(settings, fake, paid_broadcast=paid)) as app:
        for n in range(READERS):
            app.store.subscribers.save(
                Subscriber(id=str(50_000 + n), kind="private", subscribed_at=AT)
            )
        outcomes = await app.broadcaster.broadcast("Agenda out", actor="test")
    assert sum(outcomes.values()) == READERS
    sends = broadcast_sends(fake, "Agenda out")
    assert len(sends) == READERS  # each chat once: no 429 was answered, none retried
    assert fake.flood_429s == 0
    assert {s["chat_id"] for s in sends} == {50_000 + n for n in range(READERS)}


async def test_a_resume_running_late_does_not_send_a_new_broadcast_twice(
    settings: Settings, fake: FakeTelegram
) -> None:
    async with bot_running(bot_settings(settings, fake)) as app:
        await app.wait_background()
        await say(fake, USER, "/start")
        broadcast_id = app.broadcaster.begin("Only once", actor="test")
        assert await app.broadcaster.resume() == 0  # begun in this run: its sender sends it
        await app.broadcaster.send(broadcast_id, "Only once")
    assert len(broadcast_sends(fake, "Only once")) == 1
