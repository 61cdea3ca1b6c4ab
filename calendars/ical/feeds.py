"""Which events go into which feed, and the rendered bytes kept until the data changes."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from calendars.events import SLUG_RE, Event
from calendars.ical.personal import FeedSelection
from calendars.ical.render import IcalRenderer

__all__ = ["CalendarFeed", "CalendarFeeds"]

_NEVER = datetime(2020, 1, 1, tzinfo=UTC)
# Private feeds are one per distinct selection: keep the memory they may take bounded.
MAX_CACHED_SCOPES = 256


@dataclass(frozen=True, slots=True)
class CalendarFeed:
    body: bytes
    etag: str
    last_modified: datetime
    filename: str


def _rendered(body: bytes, events: Sequence[Event], filename: str) -> CalendarFeed:
    etag = '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'
    last_modified = max((e.updated for e in events), default=_NEVER)
    return CalendarFeed(body, etag, last_modified.astimezone(UTC).replace(microsecond=0), filename)


class CalendarFeeds:
    """Feeds for everything, one topic, one event, or what one chat follows (private).

    ``events`` returns every event (past and cancelled included: calendars must see a
    cancellation to remove the event); ``version`` changes whenever any event changes,
    which is what invalidates the cache. Safe to call from worker threads.
    """

    def __init__(
        self,
        renderer: IcalRenderer,
        *,
        events: Callable[[], Sequence[Event]],
        version: Callable[[], int],
        topics: Callable[[], Iterable[str]] = tuple,
    ) -> None:
        self.renderer = renderer
        self._events = events
        self._version = version
        self._topics = topics
        self._lock = threading.Lock()
        self._cache: dict[str, tuple[int, CalendarFeed]] = {}

    def everything(self) -> CalendarFeed:
        return self._cached("all", lambda events: (events, None))  # type: ignore[return-value]

    def topic(self, tag: str) -> CalendarFeed | None:
        """The feed of one topic; None when nobody ever used or configured that topic."""
        if not SLUG_RE.match(tag):
            return None
        known = set(self._topics())

        def select(events: Sequence[Event]) -> tuple[Sequence[Event], str] | None:
            chosen = [e for e in events if tag in e.tags]
            if not chosen and tag not in known:
                return None
            return chosen, f"{self.renderer.meta.name} — {tag}"

        return self._cached(f"tag:{tag}", select)

    def event(self, event_id: str) -> CalendarFeed | None:
        if not SLUG_RE.match(event_id):
            return None

        def select(events: Sequence[Event]) -> tuple[Sequence[Event], str] | None:
            chosen = [e for e in events if e.id == event_id]
            return (chosen, chosen[0].title) if chosen else None

        return self._cached(f"event:{event_id}", select)

    def personal(self, selection: FeedSelection) -> CalendarFeed:
        """A chat's private feed: its topics and the events it follows singly."""

        def select(events: Sequence[Event]) -> tuple[Sequence[Event], str]:
            return selection.select(events), selection.name(self.renderer.meta.name)

        feed = self._cached(selection.scope, select, filename="summitwatch-personal.ics")
        assert feed is not None  # a selection always exists, even when it holds nothing
        return feed

    def cached(self, scope: str) -> CalendarFeed | None:
        """The feed for ``scope`` if already rendered from current data: no work at all.

        Scopes are ``"all"``, ``"tag:<tag>"``, ``"event:<id>"`` and ``"private:<digest>"``
        (``FeedSelection.scope``; never to be written out as a static file).
        """
        hit = self._cache.get(scope)
        return hit[1] if hit is not None and hit[0] == self._version() else None

    def warm(self) -> None:
        """Render the main feed now, so the first subscriber does not wait for it."""
        self.everything()

    def _cached(
        self,
        scope: str,
        select: Callable[[Sequence[Event]], tuple[Sequence[Event], str | None] | None],
        *,
        filename: str | None = None,
    ) -> CalendarFeed | None:
        version = self._version()
        with self._lock:
            hit = self._cache.get(scope)
            if hit is not None and hit[0] == version:
                return hit[1]
            events = self._events()
            selected = select(events)
            if selected is None:
                return None
            chosen, name = selected
            body = self.renderer.calendar(chosen, scope=scope.replace(":", "-"), name=name)
            stem = scope.split(":", 1)[-1] if scope != "all" else "summitwatch"
            feed = _rendered(body, chosen, filename or f"{stem}.ics")
            if scope == "all":
                self.renderer.forget(e.id for e in events)
            self._cache = {k: v for k, v in self._cache.items() if v[0] == version}
            while len(self._cache) >= MAX_CACHED_SCOPES:  # the oldest render goes first
                del self._cache[next(iter(self._cache))]
            self._cache[scope] = (version, feed)
            return feed
