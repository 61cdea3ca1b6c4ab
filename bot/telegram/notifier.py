"""Sending to Telegram without breaking its limits, and without losing a message to them.

Limits (Telegram's Bot FAQ): about 30 messages/s overall, 1/s per chat, 20/min per group.
The overall and group limits are python-telegram-bot's ``AIORateLimiter`` (configured for
even spacing, see ``bot.telegram.application``); the per-chat pace is ``ChatPacer`` here,
which PTB does not do. ``RetryAfter`` is waited out, timeouts and 5xx are retried with
backoff, and a chat that blocked the bot or vanished is reported ``GONE`` (a forum topic
that was closed or deleted: ``TOPIC_GONE``).
"""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter, TimedOut

from bot.delivery.notifier import Outcome, Outgoing
from bot.wording.notices import split_message
from calendars.subscribers import Subscriber

__all__ = ["ChatPacer", "TelegramNotifier", "chat_id_of"]

logger = logging.getLogger(__name__)

# One broadcast sends the same text to every chat: split it once, not once per chat.
_parts = functools.lru_cache(maxsize=64)(split_message)

_GONE_MARKERS = (
    "chat not found",
    "bot was kicked",
    "user is deactivated",
    "not enough rights",
    "need administrator rights",
)
_NO_PREVIEW = '{"is_disabled": true}'  # LinkPreviewOptions(is_disabled=True), as JSON
# What Telegram answers (400) for a message to a forum topic that was deleted or closed.
_TOPIC_GONE_MARKERS = ("message thread not found", "topic_closed", "topic_deleted")


def chat_id_of(subscriber: Subscriber) -> int | str:
    """Numeric chat ids as int; a channel may also be stored as ``@name``.

    A forum topic's subscriber sends to its chat (and its ``thread_id`` as the thread).
    """
    chat_id = subscriber.chat_id
    return int(chat_id) if chat_id.lstrip("-").isdigit() else chat_id


class ChatPacer:
    """At most one message per ``interval`` to each chat, waiting as long as needed."""

    def __init__(
        self,
        interval: float = 1.05,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
    ) -> None:
        self.interval = interval
        self._clock = clock
        self._sleep = sleep
        self._ready_at: dict[int | str, float] = {}
        self._locks: dict[int | str, asyncio.Lock] = {}

    async def wait(self, chat_id: int | str) -> None:
        lock = self._locks.setdefault(chat_id, asyncio.Lock())
        async with lock:
            now = self._clock()
            ready = self._ready_at.get(chat_id, now)
            if ready > now:
                await self._sleep(ready - now)
            self._ready_at[chat_id] = max(now, ready) + self.interval
        if len(self._ready_at) > 50_000:
            self._forget_idle()

    def _forget_idle(self) -> None:
        now = self._clock()
        for chat_id in [c for c, ready in self._ready_at.items() if ready < now]:
            self._ready_at.pop(chat_id, None)
            lock = self._locks.get(chat_id)
            if lock is not None and not lock.locked():
                del self._locks[chat_id]


class TelegramNotifier:
    """The Telegram implementation of ``Notifier``."""

    def __init__(
        self,
        bot: Bot,
        *,
        pacer: ChatPacer | None = None,
        attempts: int = 4,
        backoff: float = 0.5,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
        paid_broadcast: bool = False,
    ) -> None:
        """``paid_broadcast``: every send asks for Telegram's paid broadcast limits
        (``allow_paid_broadcast``, up to 1,000 messages/s, charged in Stars)."""
        self._bot = bot
        self._paid_broadcast = True if paid_broadcast else None
        self._paid = {"allow_paid_broadcast": True} if paid_broadcast else {}
        self._pacer = pacer or ChatPacer()
        self._attempts = attempts
        self._backoff = backoff
        self._sleep = sleep

    async def send(self, subscriber: Subscriber, message: Outgoing) -> Outcome:
        chat_id = chat_id_of(subscriber)
        chunks = _parts(message.html)
        for number, chunk in enumerate(chunks, start=1):
            buttons = message.buttons if number == len(chunks) else ()  # under the last part
            sender = self._text_sender(subscriber, chat_id, chunk, buttons)
            outcome = await self._deliver(chat_id, sender)
            if outcome is not Outcome.SENT:
                return outcome
        if message.document is not None:
            name, content = message.document
            return await self._deliver(
                chat_id,
                lambda: self._bot.send_document(
                    chat_id=chat_id,
                    document=content,
                    filename=name,
                    message_thread_id=subscriber.thread_id,
                    allow_paid_broadcast=self._paid_broadcast,
                ),
            )
        return Outcome.SENT

    def _text_sender(
        self,
        subscriber: Subscriber,
        chat_id: int | str,
        text: str,
        buttons: tuple[tuple[str, str], ...] = (),
    ) -> Callable[[], Awaitable[Any]]:
        fields: dict[str, object] = {
            "chat_id": chat_id,
            "text": text,
            "parse_mode": "HTML",
            "message_thread_id": subscriber.thread_id,
            "link_preview_options": _NO_PREVIEW,
            **self._paid,
        }
        if buttons:
            keyboard = [InlineKeyboardButton(label, callback_data=data) for label, data in buttons]
            fields["reply_markup"] = InlineKeyboardMarkup([keyboard])

        def send() -> Awaitable[Any]:
            # ``Bot.send_message`` minus building a ``Message`` from the answer, which
            # nobody reads here: that was a fifth of the CPU of a send. The rate limiter,
            # the request and the mapping of errors to exceptions are PTB's, as before.
            return self._bot._post("sendMessage", dict(fields))

        return send

    async def _deliver(self, chat_id: int | str, call: Callable[[], Awaitable[Any]]) -> Outcome:
        for attempt in range(1, self._attempts + 1):
            await self._pacer.wait(chat_id)
            try:
                await call()
            except Forbidden as exc:
                logger.info("delivery.gone chat=%s reason=%r", chat_id, exc.message)
                return Outcome.GONE
            except ChatMigrated as exc:
                logger.warning("delivery.migrated chat=%s new_chat=%s", chat_id, exc.new_chat_id)
                return Outcome.GONE
            except BadRequest as exc:
                reason = exc.message.lower()
                if any(marker in reason for marker in _GONE_MARKERS):
                    logger.info("delivery.gone chat=%s reason=%r", chat_id, exc.message)
                    return Outcome.GONE
                if any(marker in reason for marker in _TOPIC_GONE_MARKERS):
                    logger.info("delivery.topic_gone chat=%s reason=%r", chat_id, exc.message)
                    return Outcome.TOPIC_GONE
                logger.error("delivery.rejected chat=%s reason=%r", chat_id, exc.message)
                return Outcome.FAILED
            except RetryAfter as exc:
                wait = exc.retry_after
                seconds = wait.total_seconds() if hasattr(wait, "total_seconds") else float(wait)
                logger.warning("delivery.flood chat=%s retry_after=%.1f", chat_id, seconds)
                await self._sleep(seconds + 0.1)
            except (TimedOut, NetworkError) as exc:
                if attempt == self._attempts:
                    logger.error(
                        "delivery.failed chat=%s attempts=%d error=%r",
                        chat_id,
                        attempt,
                        exc.message,
                    )
                    return Outcome.FAILED
                await self._sleep(self._backoff * 2 ** (attempt - 1))
            else:
                return Outcome.SENT
        return Outcome.FAILED
