"""The webhook route answers anything that is not an update with 400 (or 413), never 500."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from bot.telegram.webhook import WEBHOOK_MAX_BODY
from bot.web.server import bind_socket
from config.settings import Settings
from tests.fakes.telegram_api import FakeTelegram
from tests.handlers.conftest import USER, bot_running, bot_settings, say

pytestmark = pytest.mark.asyncio

SECRET = {"X-Telegram-Bot-Api-Secret-Token": "s3cret-token"}
NOT_UPDATES = [
    b"[]",
    b'"x"',
    b"5",
    b"null",
    b'{"message":5}',
    b'{"update_id":"1"}',
    b'{"update_id":1,"message":5}',
    b'{"update_id":1,"message":{"chat":[]}}',
    b"[" * 100_000 + b"]" * 100_000,
    b'{"a":' * 50_000 + b"1" + b"}" * 50_000,
    b"\xff\xfe",
]


async def test_valid_json_that_is_not_an_update_gets_400_and_the_bot_keeps_working(
    settings: Settings, fake: FakeTelegram
) -> None:
    listener = bind_socket("127.0.0.1", 0)
    url = f"http://127.0.0.1:{listener.getsockname()[1]}/telegram/webhook"
    configured = bot_settings(settings, fake, webhook_url=url, webhook_secret="s3cret-token")
    async with bot_running(configured, listen_socket=listener):
        async with httpx.AsyncClient() as http:
            answers = [(await http.post(url, content=b, headers=SECRET)) for b in NOT_UPDATES]
        assert "Welcome" in await say(fake, USER, "/start")
    assert [a.status_code for a in answers] == [400] * len(NOT_UPDATES)
    assert all(a.text.startswith("Bad Request: not an update") for a in answers)


async def test_an_oversized_body_gets_413_declared_or_streamed(
    settings: Settings, fake: FakeTelegram
) -> None:
    listener = bind_socket("127.0.0.1", 0)
    url = f"http://127.0.0.1:{listener.getsockname()[1]}/telegram/webhook"
    configured = bot_settings(settings, fake, webhook_url=url, webhook_secret="s3cret-token")
    padding = b" " * WEBHOOK_MAX_BODY
    just_fits = b'{"update_id":1}'.ljust(WEBHOOK_MAX_BODY)

    async def streamed() -> AsyncIterator[bytes]:  # chunked: no Content-Length to go by
        for _ in range(4):
            yield b" " * (WEBHOOK_MAX_BODY // 2)

    async with bot_running(configured, listen_socket=listener), httpx.AsyncClient() as http:
        declared = await http.post(url, content=b'{"update_id":1}' + padding, headers=SECRET)
        chunked = await http.post(url, content=streamed(), headers=SECRET)
        fitting = await http.post(url, content=just_fits, headers=SECRET)
    assert declared.status_code == 413
    assert chunked.status_code == 413
    assert "at most 1048576 bytes" in declared.text
    assert fitting.status_code == 200
