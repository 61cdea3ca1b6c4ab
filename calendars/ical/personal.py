"""What a chat's private feed holds: the topics it follows and the events it follows singly.

Chats that follow the same things get the same ``scope``, so one rendered feed serves all
of them (everyone following everything shares one). A private scope names no chat and no
token: the secret lives only in the URL, and private feeds are always served dynamically,
never written out as static files (``is_private``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from calendars.events import Event
from calendars.i18n import DEFAULT_LANGUAGE, gettext_in, ngettext_in

__all__ = ["PRIVATE_PREFIX", "FeedSelection", "is_private", "private_feed_url"]

PRIVATE_PREFIX = "private:"
_NAME_LIMIT = 80


@dataclass(frozen=True, slots=True)
class FeedSelection:
    """``topics`` None means every topic; ``event_ids`` are events followed one by one."""

    topics: frozenset[str] | None
    event_ids: frozenset[str] = frozenset()

    @classmethod
    def of(cls, topics: Iterable[str] | None, event_ids: Iterable[str] = ()) -> FeedSelection:
        return cls(None if topics is None else frozenset(topics), frozenset(event_ids))

    def holds(self, event: Event) -> bool:
        return event.id in self.event_ids or event.follows_topics(self.topics)

    def select(self, events: Sequence[Event]) -> list[Event]:
        """The events of this selection, in the order given (cancelled ones included)."""
        return [event for event in events if self.holds(event)]

    @property
    def scope(self) -> str:
        """A cache key naming what is selected, not who selected it."""
        topics = "*" if self.topics is None else ",".join(sorted(self.topics))
        wanted = f"{topics}|{','.join(sorted(self.event_ids))}"
        return PRIVATE_PREFIX + hashlib.blake2b(wanted.encode(), digest_size=12).hexdigest()

    def name(self, calendar_name: str, lang: str = DEFAULT_LANGUAGE) -> str:
        """The calendar's title in the reader's app: what it follows, briefly, in ``lang``."""
        if self.topics is None:
            what = gettext_in(lang, "all topics")
        else:
            what = ", ".join(sorted(self.topics)) or gettext_in(lang, "no topics")
        if self.event_ids:
            count = len(self.event_ids)
            what += " + " + ngettext_in(lang, "{count} event", "{count} events", count)
        if len(what) > _NAME_LIMIT:
            what = what[: _NAME_LIMIT - 1].rstrip(", ") + "…"
        return f"{calendar_name} — {what}"


def is_private(scope: str) -> bool:
    """True for scopes that must only ever be served behind their secret URL."""
    return scope.startswith(PRIVATE_PREFIX)


def private_feed_url(public_url: str, token: str) -> str:
    """Where the private feed with ``token`` is served (see ``calendar_routes``)."""
    return f"{public_url.rstrip('/')}/calendar/private/{token}.ics"
