"""Telegram's flood limits, kept by python-telegram-bot's rate limiter, evenly spaced."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from telegram.ext import AIORateLimiter

__all__ = ["PAID_PER_SECOND", "MessageRateLimiter", "rate_limiter"]


class MessageRateLimiter(AIORateLimiter):
    """PTB's limiter, applied to what Telegram's flood limits are about: sending messages.

    ``AIORateLimiter`` limits every request that carries a ``chat_id``, so reading a group's
    member list (``getChatMember`` for an admin check) waited 3.1 s like a message would.
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
        return await super().process_request(
            callback, args, kwargs, endpoint, data, rate_limit_args
        )


# Telegram's paid broadcasts (``allow_paid_broadcast``): up to 1,000 messages/s overall.
PAID_PER_SECOND = 1000


def rate_limiter(*, paid_broadcast: bool = False) -> AIORateLimiter:
    """Telegram's limits as even spacing: a leaky bucket's burst would trip a sliding window.

    28.8/s overall with a bucket of 1.05: a timer that wakes up to ~1.7 ms late keeps its
    slot instead of losing the lateness (with a bucket of 1, 29/s came out as 28.3/s), and
    28.8 rather than 29 keeps any 31 sends spread over more than a second even when one
    delayed send reaches Telegram together with the next. One message per 3.1 s per group
    (20/min); up to three waits on RetryAfter, during which every request pauses.

    With ``paid_broadcast`` the overall limit is 900/s in a bucket of 10: one slot per
    millisecond would mean a timer per message, and the 10% margin absorbs sends that a
    busy loop delays and that then reach Telegram bunched (at 960/s in a bucket of 20,
    a loaded 2-core machine drew ~500 429s in a 10,000-chat broadcast, and each one
    pauses every send). The per-group limit is the same.
    """
    if paid_broadcast:
        return MessageRateLimiter(
            overall_max_rate=10,
            overall_time_period=10 / (PAID_PER_SECOND * 0.9),
            group_max_rate=1,
            group_time_period=3.1,
            max_retries=3,
        )
    return MessageRateLimiter(
        overall_max_rate=1.05,
        overall_time_period=1.05 / 28.8,
        group_max_rate=1,
        group_time_period=3.1,
        max_retries=3,
    )
