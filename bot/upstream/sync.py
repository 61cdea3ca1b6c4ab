"""Applying a sync plan: every add, change and cancel through ``EventService``.

So a source's changes are like an admin's: stored, audited, reminders re-derived, change
alerts to followers, and the event's history says "source <name>". Writes are batched,
``BATCH`` changes to a journal line (one fsync each), and the loop gets a turn between
batches: a first sync of thousands of events neither stalls the bot nor costs thousands
of fsyncs. One event the store refuses is counted and logged, never the end of the sync.
The plan was made from the events as they were: each change is checked against the
event as it is now, so an admin's edit made meanwhile keeps its fields, and a source
removed meanwhile changes nothing more.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator
from functools import partial
from itertools import islice

from bot.services.events import EventService
from bot.store import Store
from calendars.errors import InvalidInput, NotFound
from calendars.events import Status
from calendars.upstream.plan import CANCEL_AFTER, FieldChanges, SyncPlan, unpinned
from calendars.upstream.source import UpstreamSource

__all__ = ["BATCH", "apply_plan"]

logger = logging.getLogger(__name__)

BATCH = 100
GONE_NOTE = f"gone from the source calendar in {CANCEL_AFTER} polls in a row"

Step = Callable[[], Awaitable[object]]


async def apply_plan(
    plan: SyncPlan, source: UpstreamSource, *, events: EventService, store: Store
) -> Counter[str]:
    """Apply ``plan``; counts "added", "updated", "cancelled" and "failed"."""
    actor, by = f"source:{source.id}", f"source {source.name}"
    done: Counter[str] = Counter()

    def steps() -> Iterator[tuple[str, str, Step]]:
        for event in plan.adds:
            yield "added", event.id, partial(events.add, event, actor=actor)
        for update in plan.updates:
            yield "updated", update.event_id, partial(_update, events, update, actor, by)
        for event_id in plan.cancels:
            yield "cancelled", event_id, partial(_cancel, events, event_id, actor, by)

    queue = steps()
    while batch := list(islice(queue, BATCH)):
        async with store.batch():
            for number, (outcome, event_id, step) in enumerate(batch):
                if number % 10 == 9:
                    await asyncio.sleep(0)  # each change costs ~1 ms: let the bot answer
                if not store.upstream_sources.has(source.id):
                    return done  # /rmsource meanwhile: its events are no longer updated
                try:
                    result = await step()
                except (InvalidInput, NotFound) as exc:  # an id taken, an event gone meanwhile
                    logger.warning(
                        "upstream.change_refused source=%s event=%s error=%s",
                        source.id,
                        event_id,
                        exc,
                    )
                    done["failed"] += 1
                else:
                    if result is not None:  # None: nothing left to change
                        done[outcome] += 1
        await asyncio.sleep(0)
    return done


async def _update(events: EventService, update: FieldChanges, actor: str, by: str) -> object:
    """The planned changes to fields not pinned by now; None when none are left."""
    changes = unpinned(update.changes, events.get(update.event_id).pinned)
    if not changes:
        return None
    return await events.edit(update.event_id, actor=actor, by=by, pin=False, **changes)


async def _cancel(events: EventService, event_id: str, actor: str, by: str) -> object:
    """Cancel an event gone from the source, unless an admin has set its status by now."""
    current = events.get(event_id)
    if current.cancelled or "status" in current.pinned:
        return None
    return await events.edit(
        event_id, actor=actor, by=by, pin=False, status=Status.CANCELLED, note=GONE_NOTE
    )
