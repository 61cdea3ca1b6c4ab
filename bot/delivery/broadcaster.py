"""The one way messages leave the app: reminders, notices and /broadcast alike.

Each message has a delivery key; a key already delivered is never sent again, so a
restart in the middle of a broadcast finishes it without repeating anyone. Sends to
different chats run concurrently (the notifier paces them); a failure for one chat never
stops the others; a chat that is gone is unsubscribed, every forum topic of it too; a forum
topic that was closed or deleted is unsubscribed alone, and nobody is told (nowhere to).
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import datetime

from bot.delivery.notifier import Notifier, Outcome, Outgoing
from bot.delivery.recording import OutcomeRecorder
from bot.store import Store
from calendars.subscribers import Subscriber

__all__ = ["Broadcaster", "Delivery"]

logger = logging.getLogger(__name__)

Delivery = tuple[str, Subscriber, Outgoing]  # (delivery key, to whom, what)


class Broadcaster:
    def __init__(
        self,
        *,
        store: Store,
        notifier: Notifier,
        clock: Callable[[], datetime],
        concurrency: int = 32,
    ) -> None:
        self._store = store
        self._notifier = notifier
        self._clock = clock
        self._concurrency = concurrency
        self._slots = asyncio.Semaphore(concurrency)
        self._records = OutcomeRecorder(store)
        self._running: set[str] = set()  # broadcasts being sent now: resume leaves them
        self.stopping = False

    async def drain(self) -> None:
        """At shutdown, before Telegram closes: start no new send; sends under way finish
        and are recorded. The rest stay unrecorded (a broadcast cut short stays unfinished),
        so the next start sends them. Closing Telegram first made every remaining send
        fail, be recorded failed, and the broadcast count as done: those chats never got it.
        """
        self.stopping = True
        for _ in range(self._concurrency):  # every slot back: nothing is in flight
            await self._slots.acquire()
        for _ in range(self._concurrency):
            self._slots.release()

    async def deliver(self, key: str, subscriber: Subscriber, message: Outgoing) -> Outcome:
        """Send once per key; record the outcome; forget chats (and topics) that are gone.

        The slot is held until the outcome is durable (recorded in a group with others,
        see ``bot.delivery.recording``): sends in flight stay bounded by ``concurrency``.
        """
        if self._is_done(key):
            return Outcome.SENT
        async with self._slots:
            if self.stopping:
                return Outcome.FAILED  # not sent, not recorded: the next start sends it
            try:
                outcome = await self._notifier.send(subscriber, message)
            except Exception:  # a bug for one chat must not stop the others
                logger.exception("delivery.error key=%s subscriber=%s", key, subscriber.id)
                outcome = Outcome.FAILED
            await self._records.record(key, outcome.value, at=self._clock())
        if outcome is Outcome.GONE:
            for removed in self._store.subscribers.remove_chat(subscriber.chat_id):
                logger.info("subscriber.removed id=%s reason=gone", removed)
        elif outcome is Outcome.TOPIC_GONE and self._store.subscribers.remove(subscriber.id):
            logger.info("subscriber.removed id=%s reason=topic_gone", subscriber.id)
        return outcome

    def _is_done(self, key: str) -> bool:
        pending = self._records.pending_status(key)
        if pending is not None:
            return pending in self._store.deliveries.DONE
        return self._store.deliveries.is_done(key)

    async def deliver_all(self, deliveries: Iterable[Delivery]) -> Counter[Outcome]:
        """A fixed pool of workers: starting 10,000 sends at once made the first ones bunch up.

        The semaphore in ``deliver`` still bounds the total when several callers send at once.
        """
        outcomes: Counter[Outcome] = Counter()
        pending = iter(deliveries)

        async def worker() -> None:
            for delivery in pending:
                if self.stopping:
                    return
                outcomes[await self.deliver(*delivery)] += 1

        await asyncio.gather(*(worker() for _ in range(self._concurrency)))
        return outcomes

    async def broadcast(self, html: str, *, actor: str) -> Counter[Outcome]:
        """Send ``html`` to every subscriber; resumable after a restart."""
        return await self.send(self.begin(html, actor=actor), html)

    def begin(self, html: str, *, actor: str) -> str:
        """Record a broadcast to send (``resume`` finishes it after a restart); its id.

        A /broadcast handler records it before returning, so it commits together with the
        update's "handled" mark (see ``bot.telegram.intake``), then sends in the background.
        """
        broadcast_id = f"{self._clock():%Y%m%dT%H%M%S}-{secrets.token_hex(3)}"
        self._store.broadcasts.start(broadcast_id, html=html, actor=actor, at=self._clock())
        self._running.add(broadcast_id)  # ``send`` follows; a resume meanwhile leaves it
        self._store.audit.append(
            actor=actor, action="broadcast", detail=broadcast_id, at=self._clock()
        )
        return broadcast_id

    async def send(self, broadcast_id: str, html: str) -> Counter[Outcome]:
        """Send a broadcast recorded by ``begin``; each chat at most once."""
        return await self._run(broadcast_id, html)

    async def resume(self) -> int:
        """Finish broadcasts a restart interrupted; returns how many were resumed."""
        unfinished = [
            (broadcast_id, html)
            for broadcast_id, html in self._store.broadcasts.unfinished()
            if broadcast_id not in self._running  # begun since the start, being sent
        ]
        for broadcast_id, html in unfinished:
            logger.info("broadcast.resume id=%s", broadcast_id)
            await self._run(broadcast_id, html)
        return len(unfinished)

    async def _run(self, broadcast_id: str, html: str) -> Counter[Outcome]:
        message = Outgoing(html)
        audience = self._store.subscribers.all()
        self._running.add(broadcast_id)
        try:
            outcomes = await self.deliver_all(
                (f"broadcast:{broadcast_id}/{s.id}", s, message) for s in audience
            )
        finally:
            self._running.discard(broadcast_id)
        if self.stopping:  # cut short by a shutdown: the next start resumes it
            logger.info("broadcast.paused id=%s %s", broadcast_id, dict(outcomes))
            return outcomes
        self._store.broadcasts.finish(broadcast_id)
        logger.info("broadcast.done id=%s %s", broadcast_id, dict(outcomes))
        return outcomes
