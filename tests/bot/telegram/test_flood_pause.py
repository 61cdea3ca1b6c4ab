"""One 429 pauses every send once, and nothing sent during the pause is lost or repeated.

The bot runs as run.py starts it, against the fake Bot API; only the rate limiter's clock is
the test's (``ManualTime``): the pause ends when the test moves time on, never by waiting.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from starlette.requests import Request
from starlette.responses import Response
from telegram.ext import AIORateLimiter

from bot.telegram import application
from bot.telegram.rate_limits import rate_limiter
from calendars.subscribers import Subscriber
from config.settings import Settings
from tests.conftest import until
from tests.fakes import telegram_objects as tg
from tests.fakes.telegram_api import FakeTelegram
from tests.handlers.conftest import bot_running, bot_settings

pytestmark = pytest.mark.asyncio

AT = datetime(2026, 12, 1, tzinfo=UTC)
HELD, REFUSED = 4101, 4102  # users whose replies are answered late, and with a 429
READERS = [50_000 + n for n in range(20)]
RETRY_AFTER = 5


class ManualTime:
    """The limiter's clock and sleep: time stands still until ``advance``."""

    def __init__(self) -> None:
        self.now = 0.0
        self.deadlines: list[float] = []  # when each sleep asked to wake, in order
        self.sleeping = 0
        self._moved: asyncio.Event | None = None

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        until_time = self.now + seconds
        self.deadlines.append(until_time)
        self.sleeping += 1
        try:
            while self.now < until_time:
                self._moved = self._moved or asyncio.Event()
                await self._moved.wait()
        finally:
            self.sleeping -= 1

    def advance(self, seconds: float) -> None:
        self.now += seconds
        moved, self._moved = self._moved, None
        if moved is not None:
            moved.set()


class HoldingTelegram(FakeTelegram):
    """The fake Bot API, answering sends to one chat only when ``release`` is called."""

    def __init__(self) -> None:
        super().__init__()
        self.held_chat: int | None = None
        self._released = threading.Event()

    async def _endpoint(self, request: Request) -> Response:
        body = await request.body()  # Starlette keeps it: the fake reads it again
        params = tg.decode_params(request.url.query, body, request.headers.get("content-type", ""))
        response = await super()._endpoint(request)
        if self.held_chat is not None and params.get("chat_id") == self.held_chat:
            await asyncio.get_running_loop().run_in_executor(None, self._released.wait, 30)
        return response

    def release(self) -> None:
        self._released.set()


@pytest.fixture
def holding_fake() -> Iterator[HoldingTelegram]:
    server = HoldingTelegram()
    with server:
        yield server
        server.release()


@pytest.fixture
def manual_time(monkeypatch: pytest.MonkeyPatch) -> ManualTime:
    """The shipped limiter (same rates), timing its RetryAfter pauses on ``ManualTime``."""
    time = ManualTime()

    def timed(*, paid_broadcast: bool = False) -> AIORateLimiter:
        return rate_limiter(paid_broadcast=paid_broadcast, clock=time.clock, sleep=time.sleep)

    monkeypatch.setattr(application, "rate_limiter", timed)
    return time


def sends_to(fake: FakeTelegram, chat_ids: list[int]) -> list[dict[str, Any]]:
    return [p for m, p in fake.requests if m == "sendMessage" and p.get("chat_id") in chat_ids]


@pytest.mark.parametrize("paid", [True, False])
async def test_after_a_429_no_message_leaves_until_the_pause_is_over_and_each_arrives_once(
    settings: Settings, holding_fake: HoldingTelegram, manual_time: ManualTime, paid: bool
) -> None:
    fake, time = holding_fake, manual_time
    async with bot_running(bot_settings(settings, fake, paid_broadcast=paid)) as app:
        for chat in READERS:
            app.store.subscribers.save(Subscriber(id=str(chat), kind="private", subscribed_at=AT))
        try:
            # A reply still in flight when the 429 comes: its answer arrives during the pause.
            fake.held_chat = HELD
            held = fake.push_message(chat_id=HELD, text="/help")
            await until(lambda: bool(sends_to(fake, [HELD])), within=20, what="the held reply")
            fake.fail_next(
                "sendMessage",
                status=429,
                description=f"Too Many Requests: retry after {RETRY_AFTER}",
                chat_id=REFUSED,
            )
            fake.push_message(chat_id=REFUSED, text="/help")
            await until(lambda: time.sleeping == 1, within=20, what="the pause after the 429")
            fake.release()
            await until(  # the held reply's answer reached the bot, during the pause
                lambda: app.store.updates.is_done(held["update_id"]), within=20, what="held reply"
            )

            broadcast = asyncio.create_task(app.broadcaster.broadcast("Agenda out", actor="test"))
            await until(
                lambda: time.sleeping == 1 + len(READERS) or bool(sends_to(fake, READERS)),
                within=20,
                what="every broadcast send waiting for the pause",
            )
            assert sends_to(fake, READERS) == []  # none left during the pause
            assert len(sends_to(fake, [REFUSED])) == 1  # nor the refused reply's retry
            assert set(time.deadlines) == {RETRY_AFTER + 0.1}  # one pause, for every send

            time.advance(RETRY_AFTER + 0.1)
            outcomes = await asyncio.wait_for(broadcast, 20)
            await until(lambda: len(fake.sent_messages(REFUSED)) == 1, within=20, what="retry")
        finally:  # a failed check leaves no send waiting on this clock at shutdown
            time.advance(RETRY_AFTER + 0.1)

    assert sum(outcomes.values()) == len(READERS)
    for chat in READERS:
        assert [m["text"] for m in fake.sent_messages(chat)] == ["Agenda out"]
    assert len(fake.sent_messages(REFUSED)) == 1  # the refused reply, sent once after the pause
    assert len(fake.sent_messages(HELD)) == 1
    assert len(sends_to(fake, [REFUSED])) == 2  # refused once, then sent
