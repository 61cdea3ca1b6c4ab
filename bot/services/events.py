"""Changing the calendar: every add, edit and cancel goes through here.

One place makes each change durable, writes the audit log and re-derives the event's
reminders, so no caller (a Telegram handler, an import) can forget one of the three.
"""

from __future__ import annotations

from collections.abc import Callable, Container, Sequence
from datetime import datetime
from typing import Any

from bot.services.alerts import ChangeAlerts
from bot.services.reminders import ReminderService, utc_now
from bot.store import Store
from calendars.errors import InvalidEvent, NotFound
from calendars.events import MAX_COVERAGE, Coverage, Event, Status, same_moment
from calendars.i18n import _
from calendars.origins import FOLLOWED_FIELDS
from calendars.search import SearchIndex

__all__ = ["IMPORTED_FIELDS", "EventService"]

# What an import may change; keywords are ours (an .ics file has none to offer).
IMPORTED_FIELDS: tuple[str, ...] = ("title", "start", "end", "timezone", "location", "description")
IMPORTED_FIELDS += ("tags", "urls", "status")
IMPORTED_FIELDS += ("precision",)  # a file's event has a day: it sets one we knew by month


class EventService:
    def __init__(
        self,
        *,
        store: Store,
        reminders: ReminderService,
        alerts: ChangeAlerts,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self._store = store
        self._reminders = reminders
        self._alerts = alerts
        self._clock = clock
        self._index: tuple[int, SearchIndex] | None = None

    def find(self, event_id: str) -> Event | None:
        return self._store.events.get(event_id)

    def ids(self) -> Container[str]:
        """The ids in use, for picking a new event's id."""
        return self._store.events

    def upcoming(self, *, tag: str | None = None) -> list[Event]:
        return self._store.events.upcoming(self._clock(), tag=tag)

    def search(self, text: str, *, limit: int) -> list[Event]:
        """Events not over yet matching every word of ``text``, soonest first."""
        version = self._store.events.version
        if self._index is None or self._index[0] != version:
            self._index = (version, SearchIndex(self._store.events.sorted_by_start()))
        return self._index[1].search(text, now=self._clock(), limit=limit)

    def get(self, event_id: str) -> Event:
        event = self._store.events.get(event_id)
        if event is None:
            raise NotFound(_("no event with id {id}; /upcoming lists the ids", id=repr(event_id)))
        return event

    async def add(self, event: Event, *, actor: str) -> Event:
        if event.id in self._store.events:
            raise InvalidEvent(
                _("an event with id {id} already exists; edit it instead", id=repr(event.id))
            )
        return await self._commit(event.as_new(now=self._clock()), actor=actor, action="add")

    async def upsert(self, event: Event, *, actor: str) -> str:
        """Add, or update the fields that differ (imports): "added", "updated" or "unchanged"."""
        current = self._store.events.get(event.id)
        if current is None:
            await self.add(event, actor=actor)
            return "added"
        changes = {
            name: getattr(event, name)
            for name in IMPORTED_FIELDS
            if not _same(name, getattr(event, name), getattr(current, name))
        }
        if not changes:
            return "unchanged"
        await self.edit(event.id, actor=actor, by="import", **changes)
        return "updated"

    async def edit(
        self, event_id: str, *, actor: str, by: str | None = None, pin: bool = True, **changes: Any
    ) -> Event:
        """Apply ``changes`` (``note`` and ``source`` say why, for the history); the
        history names ``by`` (default: the actor), and followers get one alert.

        An event from an upstream calendar keeps the fields edited here as they are now
        (``pinned``): the source no longer changes them. Its own sync passes ``pin=False``.
        """
        current = self.get(event_id)
        detail = sorted(changes)
        if pin:
            changes.update(_pinning(current, changes))
        revised = current.revised(now=self._clock(), by=by or actor, **changes)
        saved = await self._commit(revised, actor=actor, action="edit", detail=detail)
        self._alerts.noted(current, saved)
        return saved

    async def cancel(self, event_id: str, *, actor: str) -> Event:
        current = self.get(event_id)
        if current.cancelled:
            return current
        pins = _pinning(current, {"status": Status.CANCELLED})
        revised = current.revised(now=self._clock(), by=actor, status=Status.CANCELLED, **pins)
        saved = await self._commit(revised, actor=actor, action="cancel")
        self._alerts.noted(current, saved)
        return saved

    def conclude_due(self) -> list[str]:
        """Mark every event that has ended ``concluded`` (once, by "system"); the ids.

        Run at start and every few minutes: nobody needs an alert that a summit is over,
        so none is sent, and no reminder depends on it.
        """
        now, concluded = self._clock(), []
        for event in self._store.events.all():
            if event.due_to_conclude(now):
                revised = event.revised(now=now, by="system", status=Status.CONCLUDED)
                self._store.events.save(revised, by_admin=False)
                concluded.append(event.id)
        return concluded

    def record_coverage(self, event_id: str, items: Sequence[Coverage]) -> bool:
        """Put new articles first in an event's coverage; True when the coverage changed.

        Only a real change bumps SEQUENCE (calendars then refresh the description).
        """
        current = self.get(event_id)
        known = {item.url for item in current.coverage}
        fresh = [item for item in items if item.url not in known]
        if not fresh:
            return False
        coverage = tuple(fresh + list(current.coverage))[:MAX_COVERAGE]
        revised = current.with_coverage(coverage, now=self._clock())
        # Coverage moves no time and is no admin's act: no reminder work, no audit entry.
        self._store.events.save(revised, by_admin=False)
        return True

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


def _pinning(event: Event, changes: dict[str, Any]) -> dict[str, Any]:
    """``{"pinned": ...}`` when an admin's change touches fields its source would follow."""
    edited = set(changes) & set(FOLLOWED_FIELDS)
    if event.origin is None or edited <= event.pinned:
        return {}
    return {"pinned": event.pinned | edited}


def _same(name: str, first: Any, second: Any) -> bool:
    """Field equality; times by instant, since ``==`` ignores which pass of a repeated hour."""
    if name in ("start", "end"):
        return same_moment(first, second)
    return bool(first == second)
