"""Paid broadcasts raise only the overall limit: the bot's own pacing still applies to them.

python-telegram-bot's limiter sends ``allow_paid_broadcast`` requests through a bucket of its
own (1,000 at once, then 1,000/s) and skips the per-group limit for them; ours does not.
The checks are lower bounds on real spacing, which a loaded machine only makes larger.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from telegram.ext import AIORateLimiter

from bot.telegram import application
from bot.telegram.rate_limits import MessageRateLimiter
from calendars.subscribers import Subscriber
from config.settings import Settings
from tests.fakes.telegram_api import FakeTelegram
from tests.handlers.conftest import bot_running, bot_settings

pytestmark = pytest.mark.asyncio

AT = datetime(2026, 12, 1, tzinfo=UTC)
GROUP = -100_4242
LONG = "\n".join(f"Agenda item {n}: a line of the programme" for n in range(200))  # 2 parts


class TimedTelegram(FakeTelegram):
    """The fake Bot API, noting when each sendMessage reached it (this machine's clock)."""

    def __init__(self) -> None:
        super().__init__()
        self.arrived: list[tuple[float, Any]] = []

    def _call(self, method: str, params: dict[str, Any]) -> Any:
        if method == "sendMessage":
            self.arrived.append((time.monotonic(), params.get("chat_id")))
        return super()._call(method, params)


@pytest.fixture
def timed_fake() -> Iterator[TimedTelegram]:
    server = TimedTelegram()
    with server:
        yield server


@pytest.mark.parametrize("paid", [True, False])
async def test_a_group_gets_one_message_per_3_1_s_with_or_without_paid_broadcast(
    settings: Settings, timed_fake: TimedTelegram, paid: bool
) -> None:
    async with bot_running(bot_settings(settings, timed_fake, paid_broadcast=paid)) as app:
        app.store.subscribers.save(Subscriber(id=str(GROUP), kind="supergroup", subscribed_at=AT))
        outcomes = await app.broadcaster.broadcast(LONG, actor="test")
    assert sum(outcomes.values()) == 1
    times = [at for at, chat in timed_fake.arrived if chat == GROUP]
    assert len(times) == 2  # the two parts, each once
    assert times[1] - times[0] > 2.5  # 3.1 s apart when sent; not ChatPacer's 1.05 s


async def test_paid_sends_keep_the_overall_pace_the_bot_is_given(
    settings: Settings, timed_fake: TimedTelegram, monkeypatch: pytest.MonkeyPatch
) -> None:
    def twenty_a_second(*, paid_broadcast: bool = False) -> AIORateLimiter:
        return MessageRateLimiter(
            overall_max_rate=1, overall_time_period=0.05, group_max_rate=1, group_time_period=3.1
        )

    monkeypatch.setattr(application, "rate_limiter", twenty_a_second)
    readers = [60_000 + n for n in range(30)]
    async with bot_running(bot_settings(settings, timed_fake, paid_broadcast=True)) as app:
        for chat in readers:
            app.store.subscribers.save(Subscriber(id=str(chat), kind="private", subscribed_at=AT))
        outcomes = await app.broadcaster.broadcast("Agenda out", actor="test")
    assert sum(outcomes.values()) == len(readers)
    times = [at for at, chat in timed_fake.arrived if chat in readers]
    assert sorted(chat for _, chat in timed_fake.arrived if chat in readers) == readers
    assert times[-1] - times[0] > 1.0  # 29 gaps of 50 ms: 1.45 s; not all at once
