"""The real bot, started as run.py starts it, against the fake Telegram Bot API server."""

from __future__ import annotations

import dataclasses
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from telegram.ext import AIORateLimiter

from bot.app import SummitWatch
from bot.telegram import application
from bot.telegram.rate_limits import MessageRateLimiter
from config.settings import Settings
from tests.fakes.telegram_api import FakeTelegram

ADMIN = 1001
USER = 2002
OTHER_USER = 3003


def bot_settings(settings: Settings, fake: FakeTelegram, **changes: Any) -> Settings:
    defaults: dict[str, Any] = {
        "telegram_token": fake.token,
        "telegram_api_base_url": fake.base_url,
        "admin_ids": frozenset({ADMIN}),
    }
    return dataclasses.replace(settings, **{**defaults, **changes})


@asynccontextmanager
async def bot_running(
    settings: Settings, *, listen_socket: socket.socket | None = None
) -> AsyncIterator[SummitWatch]:
    async with SummitWatch(settings, listen_socket=listen_socket, poll_news=False) as app:
        yield app


def texts(fake: FakeTelegram, chat_id: int) -> list[str]:
    return [m["text"] for m in fake.sent_messages(chat_id) if "text" in m]


async def say(fake: FakeTelegram, chat_id: int, text: str, **fields: Any) -> str:
    """Send ``text`` as a user and return the bot's next reply in that chat."""
    before = len(fake.sent_messages(chat_id))
    fake.push_message(chat_id=chat_id, text=text, **fields)
    sent = await fake.wait_for_messages(chat_id, before + 1)
    reply: str = sent[before].get("text", "")
    return reply


@pytest.fixture
def brisk_group_pacing(monkeypatch: pytest.MonkeyPatch) -> None:
    """The real limiter, with one message per 50 ms per group instead of Telegram's 3.1 s,
    for tests about what a group is sent, not how fast (that is tests/bot/telegram's)."""

    def brisk(*, paid_broadcast: bool = False) -> AIORateLimiter:
        return MessageRateLimiter(
            overall_max_rate=1, overall_time_period=0.01, group_max_rate=1, group_time_period=0.05
        )

    monkeypatch.setattr(application, "rate_limiter", brisk)
