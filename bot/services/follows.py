"""Events a chat (or forum topic) follows one by one, beside its topics (/follow).

Kept apart from the rest of the subscriptions: following one event needs no /start, and
a chat new to the bot that follows one event is subscribed to no topic.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from bot.store import Store
from calendars.errors import NotFound
from calendars.events import Event
from calendars.follows import id_digest
from calendars.i18n import _
from calendars.subscribers import Subscriber

if TYPE_CHECKING:
    from bot.services.subscriptions import ChatRef

__all__ = ["FollowResult", "follow_event", "followed_events"]


@dataclass(frozen=True, slots=True, kw_only=True)
class FollowResult:
    """What /follow did: ``changed`` False when it was so already; ``by_topic`` when a
    topic of the chat covers the event anyway."""

    event: Event
    changed: bool
    by_topic: bool


def _find(store: Store, event_id: str) -> Event:
    event = store.events.get(event_id.strip().lower())
    if event is None and event_id.startswith("#"):  # a Follow button's digest of a long id
        event = next((e for e in store.events.all() if id_digest(e.id) == event_id[1:]), None)
    if event is None:
        raise NotFound(
            _("no event with id {id}; /upcoming lists the ids", id=repr(event_id.strip()[:64]))
        )
    return event


def follow_event(
    store: Store, chat: ChatRef, event_id: str, *, on: bool, clock: Callable[[], datetime]
) -> FollowResult:
    """Follow (or stop following) one event for ``chat`` (a chat or a forum topic: its
    subscriber id says which); a chat new to the bot follows no topic."""
    event = _find(store, event_id)
    stored = store.subscribers.get(chat.id)
    subscriber = stored
    if subscriber is None:
        if not on:
            return FollowResult(event=event, changed=False, by_topic=False)
        at = clock()
        subscriber = Subscriber(
            id=chat.id,
            kind=chat.kind,
            title=chat.title,
            thread_id=chat.thread_id,
            topics=frozenset(),
            subscribed_at=at,
            reminders_since=at,
        )
    wanted = subscriber.followed | {event.id} if on else subscriber.followed - {event.id}
    changed = wanted != subscriber.followed or stored is None
    if changed:
        store.subscribers.save(subscriber.replace(followed=wanted))
    return FollowResult(
        event=event, changed=changed, by_topic=event.follows_topics(subscriber.topics)
    )


def followed_events(store: Store, chat_id: str) -> list[Event]:
    """The events this chat follows by name, soonest first (gone ones left out)."""
    subscriber = store.subscribers.get(chat_id)
    if subscriber is None:
        return []
    events = [store.events.get(i) for i in subscriber.followed]
    return sorted((e for e in events if e is not None), key=lambda e: (e.starts_at, e.id))
