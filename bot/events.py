"""Changing the calendar: every add, edit and cancel goes through here.

One place makes each change durable, writes the audit log and re-derives the event's
reminders, so no caller (a Telegram handler, an import) can forget one of the three.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from bot.reminders import ReminderService, utc_now
from bot.store import Store
from calendars.errors import InvalidEvent, NotFound
from calendars.events import Event, Status

__all__ = ["EventService"]


class EventService:
    def __init__(
        self,
        *,
        store: Store,
        reminders: ReminderService,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self._store = store
        self._reminders = reminders
        self._clock = clock

    def get(self, event_id: str) -> Event:
        event = self._store.events.get(event_id)
        if event is None:
            raise NotFound(f"no event with id {event_id!r}; /upcoming lists the ids")
        return event

    async def add(self, event: Event, *, actor: str) -> Event:
        if event.id in self._store.events:
            raise InvalidEvent(f"an event with id {event.id!r} already exists; edit it instead")
        return await self._commit(event.as_new(now=self._clock()), actor=actor, action="add")

    async def edit(self, event_id: str, *, actor: str, **changes: Any) -> Event:
        current = self.get(event_id)
        revised = current.revised(now=self._clock(), **changes)
        return await self._commit(revised, actor=actor, action="edit", detail=sorted(changes))

    async def cancel(self, event_id: str, *, actor: str) -> Event:
        current = self.get(event_id)
        if current.cancelled:
            return current
        revised = current.revised(now=self._clock(), status=Status.CANCELLED)
        return await self._commit(revised, actor=actor, action="cancel")

    async def _commit(self, event: Event, *, actor: str, action: str, detail: object = "") -> Event:
        self._store.events.save(event, by_admin=True)
        self._store.audit.append(
            actor=actor,
            action=f"event.{action}",
            detail=f"{event.id} {detail}".strip(),
            at=self._clock(),
        )
        self._reminders.reschedule(event.id)
        await self._reminders.dispatch(event.id)  # a start moved earlier may owe a reminder now
        return event
