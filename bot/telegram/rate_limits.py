"""Telegram's flood limits, kept by python-telegram-bot's rate limiter, evenly spaced."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Coroutine
from datetime import timedelta
from typing import Any

from aiolimiter import AsyncLimiter
from telegram.error import RetryAfter
from telegram.ext import AIORateLimiter

__all__ = ["PAID_PER_SECOND", "MessageRateLimiter", "rate_limiter"]

logger = logging.getLogger(__name__)


class MessageRateLimiter(AIORateLimiter):
    """PTB's limiter, applied to what Telegram's flood limits are about: sending messages.

    ``AIORateLimiter`` limits every request that carries a ``chat_id``, so reading a group's
    member list (``getChatMember`` for an admin check) waited 3.1 s like a message would.

    Sends take PTB's limiters (aiolimiter buckets), but the rest is ours, for two faults of
    PTB's ``process_request`` that made one 429 cascade into hundreds at paid rates:

    * a send with ``allow_paid_broadcast`` skipped the limits given here for PTB's own
      1,000/s bucket of 1,000, and the per-group limit: a broadcast went out at up to
      ~1,400/s for its first 0.7 s. Here every send takes the same overall and group slots.
    * after a ``RetryAfter`` each refused request slept on its own, and any other request
      finishing set PTB's pause event again, so the pause ended early, and sends that had
      taken their slots during it left together when it did. Here the pause is one deadline
      for the whole bot; a send whose slot came up during a pause takes a fresh one after it.
    """

    SENDING = frozenset(
        {
            "sendMessage",
            "sendDocument",
            "sendPhoto",
            "sendMediaGroup",
            "copyMessage",
            "forwardMessage",
            "editMessageText",
            "editMessageReplyMarkup",
        }
    )

    def __init__(
        self,
        overall_max_rate: float,
        overall_time_period: float,
        group_max_rate: float,
        group_time_period: float,
        max_retries: int = 0,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
    ) -> None:
        """``clock`` and ``sleep`` time a ``RetryAfter`` pause (tests pass their own)."""
        super().__init__(
            overall_max_rate, overall_time_period, group_max_rate, group_time_period, max_retries
        )
        self._clock = clock
        self._sleep = sleep
        self._resume_at = float("-inf")  # no send leaves before this (clock's time)

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Any]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> Any:
        if endpoint not in self.SENDING:
            return await callback(*args, **kwargs)
        retries = rate_limit_args or self._max_retries
        chat_id = data.get("chat_id")
        for attempt in range(retries + 1):
            await self._take_slot(chat_id)
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as exc:
                self._pause(exc)
                if attempt == retries:
                    raise
        raise AssertionError("unreachable: the last attempt returns or raises")

    async def _take_slot(self, chat_id: object) -> None:
        """Wait out any pause, then take a group slot (groups and channels) and an overall
        one; if a pause began meanwhile, wait it out and take fresh slots after it."""
        limiters: list[AsyncLimiter] = []
        group = _group_of(chat_id)
        if group is not None and self._group_max_rate:
            limiters.append(self._get_group_limiter(group))
        if chat_id is not None and self._base_limiter is not None:
            limiters.append(self._base_limiter)
        while True:
            while (left := self._resume_at - self._clock()) > 0:
                await self._sleep(left)
            for limiter in limiters:
                await limiter.acquire()
            if self._clock() >= self._resume_at:
                return

    def _pause(self, exc: RetryAfter) -> None:
        """Every send waits until ``retry_after`` (+0.1 s) from now; sends refused in the
        same burst extend that one pause, they do not start pauses of their own."""
        wait = exc.retry_after
        seconds = wait.total_seconds() if isinstance(wait, timedelta) else float(wait)
        now = self._clock()
        if now >= self._resume_at:
            logger.warning("telegram.flood retry_after=%.1f: every send waits", seconds)
        self._resume_at = max(self._resume_at, now + seconds + 0.1)


def _group_of(chat_id: object) -> int | str | None:
    """Groups and channels: a negative id or an ``@name`` (as PTB's limiter tells them)."""
    if isinstance(chat_id, str):
        try:
            chat_id = int(chat_id)
        except ValueError:
            return chat_id
    if isinstance(chat_id, int) and chat_id < 0:
        return chat_id
    return None


# Telegram's paid broadcasts (``allow_paid_broadcast``): up to 1,000 messages/s overall.
PAID_PER_SECOND = 1000


def rate_limiter(
    *,
    paid_broadcast: bool = False,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
) -> AIORateLimiter:
    """Telegram's limits as even spacing: a leaky bucket's burst would trip a sliding window.

    28.8/s overall with a bucket of 1.05: a timer that wakes up to ~1.7 ms late keeps its
    slot instead of losing the lateness (with a bucket of 1, 29/s came out as 28.3/s), and
    28.8 rather than 29 keeps any 31 sends spread over more than a second even when one
    delayed send reaches Telegram together with the next. One message per 3.1 s per group
    (20/min); up to three waits on RetryAfter, during which every request pauses.

    With ``paid_broadcast`` the overall limit is 900/s in a bucket of 10: one slot per
    millisecond would mean a timer per message, and the 10% margin absorbs sends that a
    busy loop delays and that then reach Telegram bunched. The per-group limit is the same.
    ``clock`` and ``sleep`` time RetryAfter pauses.
    """
    if paid_broadcast:
        return MessageRateLimiter(
            overall_max_rate=10,
            overall_time_period=10 / (PAID_PER_SECOND * 0.9),
            group_max_rate=1,
            group_time_period=3.1,
            max_retries=3,
            clock=clock,
            sleep=sleep,
        )
    return MessageRateLimiter(
        overall_max_rate=1.05,
        overall_time_period=1.05 / 28.8,
        group_max_rate=1,
        group_time_period=3.1,
        max_retries=3,
        clock=clock,
        sleep=sleep,
    )
