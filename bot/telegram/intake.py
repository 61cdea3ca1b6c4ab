"""Telegram updates in, each taking effect exactly once, across crashes and restarts.

python-telegram-bot's ``Updater`` confirms an update (asks ``getUpdates`` with a higher
offset) as soon as it is queued, before any handler ran: a crash then loses it unanswered.
And an update whose effect was saved, but which Telegram had not yet been told about, came
back after a restart and took effect twice (``/addevent`` made ``…-2027`` and ``…-2027-2``).

The design, in three rules:

1. Record before confirming. :class:`UpdateIntake` stores each update's raw JSON in the
   ``updates`` table (an fsynced journal line) before the next ``getUpdates`` offset (our own
   polling loop) or the webhook's 200 tells Telegram it arrived. Polling resumes at the
   highest id recorded + 1, so Telegram never hands an update back twice; one it does resend
   (a webhook retry) is recognised by its id and ignored.
2. Effect and "handled" mark in one write. :class:`RecordingUpdateProcessor` runs each
   handler inside ``Store.handling(update_id)``: every store write the handler makes (event,
   audit entry, subscriber, feed, broadcast record, delivery keys) becomes durable in the
   same journal line as the update's "done" mark. A crash leaves both or neither.
3. Replay what is unfinished. At start, updates recorded but not done are queued again
   before polling resumes; none of their writes reached the disk, so running them again is
   their first and only effect. Their reply may be sent twice (sent, then a crash before the
   commit): answers are at-least-once, effects exactly-once.

Updates of one chat are handled one at a time, in order (a chat's commands depend on each
other, and two transactions then never touch the same subscriber). A handler's background
task (``/broadcast`` sending) writes directly once the handler returned, so the handler
records what it starts (the broadcast) before returning; a restart resumes it.

Known limit: a write from outside the update (a news poll adding coverage to an event an
admin is editing at that very moment) journals the whole document, the admin's uncommitted
change included; a crash before the edit's commit would then replay an edit that is
already on disk (same fields, one more SEQUENCE and audit entry). Messages a handler sends
(replies, change notices) are at-least-once: a crash after sending but before the commit
sends them again when the update replays.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

from telegram import Update
from telegram.error import InvalidToken, NetworkError, RetryAfter, TelegramError, TimedOut
from telegram.ext import Application, SimpleUpdateProcessor

from bot.store import Store
from calendars.errors import StoreError

__all__ = ["RecordingUpdateProcessor", "UpdateIntake"]

logger = logging.getLogger(__name__)

AnyApplication = Application[Any, Any, Any, Any, Any, Any]
POLL_TIMEOUT = timedelta(seconds=10)
KEEP_HANDLED = timedelta(days=2)  # Telegram keeps unconfirmed updates for 24 hours
PRUNE_EVERY = 1000  # updates received


class RecordingUpdateProcessor(SimpleUpdateProcessor):
    """Handles each update inside a store transaction that also marks it handled."""

    def __init__(
        self, max_concurrent_updates: int, *, store: Store, clock: Callable[[], datetime]
    ) -> None:
        super().__init__(max_concurrent_updates)
        self._store = store
        self._clock = clock
        self._chats: dict[int | None, tuple[asyncio.Lock, int]] = {}  # lock, its users

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        if not isinstance(update, Update):
            await coroutine
            return
        async with self._one_at_a_time(update):
            if self._store.updates.is_done(update.update_id):
                if asyncio.iscoroutine(coroutine):
                    coroutine.close()  # handled already (before a restart): never twice
                return
            with self._store.handling(update.update_id, clock=self._clock):
                await coroutine

    @contextlib.asynccontextmanager
    async def _one_at_a_time(self, update: Update) -> AsyncIterator[None]:
        """Updates of one chat in order; without a chat, of one user."""
        who = update.effective_chat or update.effective_user
        key = who.id if who is not None else None
        lock, users = self._chats.get(key, (asyncio.Lock(), 0))
        self._chats[key] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._chats[key]
            if users == 1:
                del self._chats[key]
            else:
                self._chats[key] = (lock, users - 1)


class UpdateIntake:
    """Records updates before they are confirmed, queues them, and replays unfinished ones."""

    def __init__(
        self, application: AnyApplication, store: Store, *, clock: Callable[[], datetime]
    ) -> None:
        self._application = application
        self._store = store
        self._clock = clock
        self._received = 0
        self._replayed = False

    def receive(self, update: Update) -> bool:
        """Record ``update`` durably and queue it; False for one already recorded."""
        if not self._store.updates.receive(update.update_id, update.to_dict(), at=self._clock()):
            return False
        self._application.update_queue.put_nowait(update)
        self._received += 1
        if self._received % PRUNE_EVERY == 0:  # the table stays bounded between restarts
            self._store.updates.prune(older_than=self._clock() - KEEP_HANDLED)
        return True

    def replay(self) -> int:
        """Queue the updates a crash left unhandled (once per run); returns how many."""
        if self._replayed:
            return 0
        self._replayed = True
        self._store.updates.prune(older_than=self._clock() - KEEP_HANDLED)
        unfinished = self._store.updates.unfinished()
        for raw in unfinished:
            try:
                update = Update.de_json(raw, self._application.bot)
            except (KeyError, TypeError, ValueError, AttributeError) as exc:
                update_id = raw.get("update_id")
                logger.error("telegram.replay_unreadable id=%s error=%r", update_id, str(exc))
                if isinstance(update_id, int):
                    with self._store.handling(update_id, clock=self._clock):
                        pass  # recorded as handled (unreadable), so it stops coming back
                continue
            self._application.update_queue.put_nowait(update)
        if unfinished:
            logger.warning(
                "telegram.replaying updates=%d (received before a crash)", len(unfinished)
            )
        return len(unfinished)

    async def poll(self) -> None:
        """Long polling; the offset advances only past updates that were recorded."""
        bot = self._application.bot
        offset = self._store.updates.next_offset()
        backoff = 1.0
        while True:
            try:
                updates = await bot.get_updates(
                    offset=offset, timeout=POLL_TIMEOUT, allowed_updates=Update.ALL_TYPES
                )
            except TimedOut:
                continue
            except InvalidToken:
                logger.error("telegram.polling_stopped reason=token_rejected")
                return
            except RetryAfter as exc:
                retry = exc.retry_after
                await asyncio.sleep(
                    retry.total_seconds() if isinstance(retry, timedelta) else retry
                )
                continue
            except (NetworkError, TelegramError) as exc:
                logger.warning("telegram.poll_failed error=%r retry_in=%.0fs", str(exc), backoff)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 30.0)
                continue
            backoff = 1.0
            for update in updates:
                try:
                    self.receive(update)
                except StoreError as exc:
                    # Not recorded, so not confirmed: Telegram keeps it for the next poll.
                    logger.error(
                        "telegram.update_not_recorded id=%s error=%s", update.update_id, exc
                    )
                    await asyncio.sleep(backoff)
                    break
                offset = update.update_id + 1
