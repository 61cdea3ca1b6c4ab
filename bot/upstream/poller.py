"""Polling upstream calendars: fetch, compare, read, plan, then apply or hold.

Like the news poller: one poll per source at a time, a few at once, a conditional GET
through the shared guarded client, and any failure recorded on the source (``/sources``
shows it) and retried with backoff. An unchanged calendar (304, or 200 with the bytes
whose hash we kept) is neither read nor written to the events. A poll that would change
too much (``SyncPlan.held``) is not applied: it is stored as held and admins are told
once; ``poll(force=True)`` (/applysource) applies it.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import httpx

from bot.fetch.addresses import AddressRefused
from bot.fetch.client import fetch_limited
from bot.fetch.rhythm import DuePoller
from bot.news.reading import SourceReader
from bot.services.events import EventService
from bot.store import Store
from bot.upstream.reading import read_calendar
from bot.upstream.sync import apply_plan
from calendars.errors import FetchFailed, InvalidInput, NotFound
from calendars.events import Event
from calendars.limits import UPSTREAM_ICAL_BYTES
from calendars.upstream.plan import SyncPlan, plan_sync, plan_unchanged, summary_of
from calendars.upstream.source import HeldChange, UpstreamSource, body_hash

__all__ = ["SyncOutcome", "UpstreamPoller"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class SyncOutcome:
    """One poll: "synced", "unchanged", "held" or "error", and what it did."""

    source_id: str
    status: str
    done: Counter[str] = field(default_factory=Counter)  # added, updated, cancelled, failed
    missing: int = 0  # events missing from this poll, not cancelled yet
    held: HeldChange | None = None
    error: str | None = None
    refused: bool = False  # an address rule refused the source: no retry will reach it


class UpstreamPoller(DuePoller):
    def __init__(
        self,
        *,
        store: Store,
        http: httpx.AsyncClient,
        reader: SourceReader,
        events: EventService,
        clock: Callable[[], datetime],
        interval: timedelta,
        on_held: Callable[[UpstreamSource, HeldChange], Awaitable[object]],
        concurrency: int = 4,
        our_host: str | None = None,
    ) -> None:
        """``on_held``: tell admins about a newly held change (once per held episode);
        ``our_host``: events of our own feed (UID ``…@our_host``) are not read back."""
        self._store = store
        self._http = http
        self._reader = reader
        self._events = events
        super().__init__(name="upstream", clock=clock, longest_wait=60.0)
        self.interval = interval
        self._on_held = on_held
        self._our_host = our_host
        self._slots = asyncio.Semaphore(concurrency)
        self._locks: dict[str, asyncio.Lock] = {}
        self.polls: Counter[str] = Counter()  # by status, since start

    def next_polls(self) -> list[datetime]:
        return [s.next_poll for s in self._store.upstream_sources.all()]

    async def poll_due(self) -> list[SyncOutcome]:
        now = self._clock()
        due = [s.id for s in self._store.upstream_sources.all() if s.next_poll <= now]
        return list(await asyncio.gather(*(self.poll(source_id) for source_id in due)))

    async def poll(self, source_id: str, *, force: bool = False) -> SyncOutcome:
        """Poll one source now; ``force``: read it whatever it sends, and apply even a
        change over the threshold (an admin's /applysource)."""
        lock = self._locks.setdefault(source_id, asyncio.Lock())
        async with lock, self._slots:
            source = self._store.upstream_sources.get(source_id)
            if source is None:
                raise NotFound(f"no upstream source {source_id!r}; /sources lists them")
            try:
                outcome = await self._poll(source, force=force)
            except AddressRefused as exc:
                outcome = dataclasses.replace(self._failed(source, str(exc)), refused=True)
            except (FetchFailed, InvalidInput) as exc:
                outcome = self._failed(source, _message(exc))
            self.polls[outcome.status] += 1
            logger.info(
                "upstream.polled id=%s status=%s done=%s missing=%d error=%r",
                source_id,
                outcome.status,
                dict(outcome.done),
                outcome.missing,
                outcome.error,
            )
            return outcome

    async def _poll(self, source: UpstreamSource, *, force: bool) -> SyncOutcome:
        headers = {} if force else source.validators()
        fetched = await fetch_limited(
            self._http, source.url, max_bytes=UPSTREAM_ICAL_BYTES, headers=headers
        )
        validators = {
            "etag": fetched.headers.get("etag") or source.etag,
            "last_modified": fetched.headers.get("last-modified") or source.last_modified,
        }
        if fetched.status == 304:
            return await self._unchanged(source, validators)
        if fetched.status != 200:
            return self._failed(source, f"HTTP {fetched.status}")
        digest = body_hash(fetched.content)
        if not force and digest in (source.body_hash, source.discarded_hash):
            return await self._unchanged(source, validators, held=None)  # back, or discarded
        if not force and source.held is not None and digest == source.held.body_hash:
            self._succeeded(source)  # still the change an admin has been told about
            return SyncOutcome(source.id, "held", held=source.held)
        now = self._clock()
        report = await read_calendar(
            self._reader, fetched.content, now=now, zone=source.zone, our_host=self._our_host
        )
        # ~0.3 s for 5,000 events: in a thread, so the loop gets the GIL every few ms.
        plan = await asyncio.to_thread(plan_sync, source, self._events_of(source), report, now=now)
        summary = summary_of(report)
        if not force and plan.held():
            held = plan.held_change(at=now, body_hash=digest)
            self._succeeded(source, held=held, summary=summary)  # validators: not this body
            if source.held is None:
                await self._on_held(source, held)
            return SyncOutcome(source.id, "held", held=held)
        done = await apply_plan(plan, source, events=self._events, store=self._store)
        self._succeeded(
            source,
            body_hash=digest,
            discarded_hash=None,
            held=None,
            summary=summary,
            missing=plan.missing,
            **validators,
        )
        return SyncOutcome(source.id, "synced", done, missing=len(plan.missing))

    async def _unchanged(
        self, source: UpstreamSource, validators: dict[str, str | None], **changes: object
    ) -> SyncOutcome:
        """The same calendar again: nothing read; events missing from it are missing again."""
        plan: SyncPlan = plan_unchanged(source, self._events_of(source), now=self._clock())
        done: Counter[str] = Counter()
        if plan.cancels:
            done = await apply_plan(plan, source, events=self._events, store=self._store)
        if source.missing:
            changes["missing"] = plan.missing
        self._succeeded(source, **validators, **changes)
        return SyncOutcome(source.id, "unchanged", done, missing=len(plan.missing))

    def _events_of(self, source: UpstreamSource) -> list[Event]:
        return [
            event
            for event in self._store.events.all()
            if event.origin is not None and event.origin.source == source.id
        ]

    def _succeeded(self, source: UpstreamSource, **changes: object) -> None:
        updated = source.succeeded(at=self._clock(), interval=self.interval, **changes)
        self._store.upstream_sources.update(updated)

    def _failed(self, source: UpstreamSource, error: str) -> SyncOutcome:
        self._store.upstream_sources.update(
            source.failed(error, at=self._clock(), interval=self.interval)
        )
        return SyncOutcome(source.id, "error", error=error)


def _message(exc: FetchFailed | InvalidInput) -> str:
    return exc.reason if isinstance(exc, FetchFailed) else exc.message
