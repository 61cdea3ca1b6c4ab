"""Which events go into which feed, and the rendered bytes kept until the data changes.

Validators are the ones nginx computes for a file, so a feed exported as a file
(``bot.web.static_feeds``) and served by nginx or a CDN carries the same ETag and
Last-Modified as the app's own route: Last-Modified is the feed's newest change, and the
ETag is nginx's ``"<mtime hex>-<size hex>"`` of that time and the body's length. So that
no two different bodies of one feed share validators, Last-Modified moves whenever the
bytes change, even when no event in the feed got newer (an event deleted, or moved out of
a topic): it becomes the previous one plus a second (see ``CalendarFeeds.stamps``).
"""

from __future__ import annotations

import functools
import hashlib
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from calendars.events import SLUG_RE, Event
from calendars.i18n import DEFAULT_LANGUAGE, gettext_in
from calendars.ical.personal import FeedSelection
from calendars.ical.render import IcalRenderer
from calendars.translations import localized

__all__ = ["CalendarFeed", "CalendarFeeds", "Stamp", "calendar_title", "in_language", "nginx_etag"]

_NEVER = datetime(2020, 1, 1, tzinfo=UTC)
# Private feeds are one per distinct selection: keep the memory they may take bounded.
MAX_CACHED_SCOPES = 256
MAX_STAMPS = 100_000  # beyond it, the oldest private feeds' stamps are forgotten
# A feed's body digest and its Last-Modified: what the next render compares with.
Stamp = tuple[str, datetime]


@dataclass(frozen=True, slots=True)
class CalendarFeed:
    body: bytes
    etag: str
    last_modified: datetime
    filename: str


def nginx_etag(last_modified: datetime, size: int) -> str:
    """The ETag nginx sends for a file of ``size`` bytes modified at ``last_modified``."""
    return f'"{int(last_modified.timestamp()):x}-{size:x}"'


def calendar_title(name: str, lang: str = DEFAULT_LANGUAGE, topic: str | None = None) -> str:
    """What a public feed is called in calendar apps, in ``lang``.

    English keeps the bare brand (``SummitWatch``, ``SummitWatch — sco``); in the other
    languages the brand says nothing by itself, so the name says what the calendar is.
    """
    if lang == DEFAULT_LANGUAGE:
        return f"{name} — {topic}" if topic else name
    if topic:
        return gettext_in(lang, "{name}: topic {topic}", name=name, topic=topic)
    return gettext_in(lang, "{name}: diplomatic calendar", name=name)


def in_language(scope: str, lang: str) -> str:
    """A feed's scope in ``lang``: ``tag:sco`` in Hindi is ``tag:sco.hi`` (slugs have no dot).

    English keeps the bare scope, so its cache, stamps, UID and file are the ones it had.
    """
    return scope if lang == DEFAULT_LANGUAGE else f"{scope}.{lang}"


def _newest(events: Sequence[Event]) -> datetime:
    newest = max((e.updated for e in events), default=_NEVER)
    return newest.astimezone(UTC).replace(microsecond=0)


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
        self._stamps: dict[str, Stamp] = {}

    def everything(self, lang: str = DEFAULT_LANGUAGE) -> CalendarFeed:
        """Every event; ``lang`` (here and below): the calendar's name and description,
        and SUMMARY, LOCATION and DESCRIPTION where an admin translated them, in that
        language (English: the originals)."""
        name = calendar_title(self.renderer.meta.name, lang)
        select = lambda events: (events, name)  # noqa: E731
        return self._cached("all", select, lang=lang)  # type: ignore[return-value]

    def topic(self, tag: str, lang: str = DEFAULT_LANGUAGE) -> CalendarFeed | None:
        """The feed of one topic; None when nobody ever used or configured that topic."""
        if not SLUG_RE.match(tag):
            return None
        known = set(self._topics())
        title = calendar_title(self.renderer.meta.name, lang, tag)

        def select(events: Sequence[Event]) -> tuple[Sequence[Event], str] | None:
            chosen = [e for e in events if tag in e.tags]
            if not chosen and tag not in known:
                return None
            return chosen, title

        return self._cached(f"tag:{tag}", select, lang=lang)

    def event(self, event_id: str, lang: str = DEFAULT_LANGUAGE) -> CalendarFeed | None:
        if not SLUG_RE.match(event_id):
            return None

        def select(events: Sequence[Event]) -> tuple[Sequence[Event], str] | None:
            chosen = [e for e in events if e.id == event_id]
            return (chosen, localized(chosen[0], lang).title) if chosen else None

        return self._cached(f"event:{event_id}", select, lang=lang)

    def personal(self, selection: FeedSelection, lang: str = DEFAULT_LANGUAGE) -> CalendarFeed:
        """A chat's private feed: its topics and the events it follows singly."""

        def select(events: Sequence[Event]) -> tuple[Sequence[Event], str]:
            return selection.select(events), selection.name(self.renderer.meta.name, lang)

        filename = "summitwatch-personal.ics"
        feed = self._cached(selection.scope, select, filename=filename, lang=lang)
        assert feed is not None  # a selection always exists, even when it holds nothing
        return feed

    def cached(self, scope: str) -> CalendarFeed | None:
        """The feed for ``scope`` if already rendered from current data: no work at all.

        Scopes are ``"all"``, ``"tag:<tag>"``, ``"event:<id>"`` and ``"private:<digest>"``
        (``FeedSelection.scope``; never to be written out as a static file), each also as
        ``<scope>.<lang>`` in a language (``in_language``).
        """
        hit = self._cache.get(scope)
        return hit[1] if hit is not None and hit[0] == self._version() else None

    def public(self) -> Iterator[tuple[str, str, Callable[[], CalendarFeed | None]]]:
        """Every public feed (everything, each topic, each event) as (scope, key, render).

        ``key`` changes whenever the feed's bytes may have (for an event's own feed: its
        SEQUENCE and LAST-MODIFIED, and the settings: it holds across restarts), so an
        exporter renders only feeds whose key moved.
        Topics are the configured ones and every tag an event uses. Event feeds render
        without entering the cache: exporting 10,000 never pushes out those being served.
        """
        version, events = self._version(), self._events()
        yield "all", f"v{version}", self.everything
        for tag in sorted(set(self._topics()) | {t for e in events for t in e.tags}):
            yield f"tag:{tag}", f"v{version}", functools.partial(self.topic, tag)
        context = self._context  # so an event feed's key also holds across restarts
        for event in events:
            key = f"{context}/{event.sequence}/{event.updated.isoformat()}"
            yield f"event:{event.id}", key, functools.partial(self._render_alone, event)

    @functools.cached_property
    def _context(self) -> str:
        """What an event's own feed depends on besides the event: the feed's settings and
        what its VEVENT depends on (``IcalRenderer.fingerprint``)."""
        text = f"{self.renderer.fingerprint}|{self.renderer.meta!r}"
        return hashlib.blake2b(text.encode(), digest_size=8).hexdigest()

    def _render_alone(self, event: Event) -> CalendarFeed:
        with self._lock:
            return self._render(f"event:{event.id}", [event], event.title, None)

    def stamps(self) -> dict[str, Stamp]:
        """Each public feed's body digest and Last-Modified, to ``restore`` after a restart:
        with them a feed's validators after a restart are the ones before it."""
        with self._lock:
            return {k: v for k, v in self._stamps.items() if not k.startswith("private:")}

    def restore(self, stamps: Mapping[str, Stamp]) -> None:
        with self._lock:
            for scope, stamp in stamps.items():
                self._stamps.setdefault(scope, stamp)

    def warm(self) -> None:
        """Render the main feed now, so the first subscriber does not wait for it."""
        self.everything()

    def _cached(
        self,
        scope: str,
        select: Callable[[Sequence[Event]], tuple[Sequence[Event], str | None] | None],
        *,
        filename: str | None = None,
        lang: str = DEFAULT_LANGUAGE,
    ) -> CalendarFeed | None:
        version, key = self._version(), in_language(scope, lang)
        with self._lock:
            hit = self._cache.get(key)
            if hit is not None and hit[0] == version:
                return hit[1]
            events = self._events()
            selected = select(events)
            if selected is None:
                return None
            chosen, name = selected
            feed = self._render(scope, chosen, name, filename, lang)
            if scope == "all":
                self.renderer.forget(e.id for e in events)
                self._forget_stamps({f"event:{e.id}" for e in events})
            self._cache = {k: v for k, v in self._cache.items() if v[0] == version}
            while len(self._cache) >= MAX_CACHED_SCOPES:  # the oldest render goes first
                del self._cache[next(iter(self._cache))]
            self._cache[key] = (version, feed)
            return feed

    def _render(
        self,
        scope: str,
        chosen: Sequence[Event],
        name: str | None,
        filename: str | None,
        lang: str = DEFAULT_LANGUAGE,
    ) -> CalendarFeed:
        """Render one feed and stamp it (with the lock held: stamps are shared).

        A feed in another language (``in_language``) gets its own UID, file name, stamp
        and an ETag ending in its language: never the validators of the original bytes.
        """
        key = in_language(scope, lang)
        body = self.renderer.calendar(chosen, scope=key.replace(":", "-"), name=name, lang=lang)
        stem = scope.split(":", 1)[-1] if scope != "all" else "summitwatch"
        last_modified = self._stamp(key, body, _newest(chosen))
        etag = nginx_etag(last_modified, len(body))
        if lang != DEFAULT_LANGUAGE:
            etag, stem = f'{etag[:-1]}-{lang}"', f"{stem}.{lang}"
        return CalendarFeed(body, etag, last_modified, filename or f"{stem}.ics")

    def _forget_stamps(self, events: set[str]) -> None:
        """Drop the stamps of events' own feeds whose event is gone."""
        gone = [
            k for k in self._stamps if k.startswith("event:") and k.partition(".")[0] not in events
        ]
        for scope in gone:
            del self._stamps[scope]

    def _stamp(self, scope: str, body: bytes, newest: datetime) -> datetime:
        """The feed's Last-Modified: kept while its bytes stay, later whenever they change."""
        digest = hashlib.blake2b(body, digest_size=16).hexdigest()
        before = self._stamps.pop(scope, None)
        if before is None:
            last_modified = newest
        elif before[0] == digest:
            last_modified = before[1]
        else:
            last_modified = max(newest, before[1] + timedelta(seconds=1))
        self._stamps[scope] = (digest, last_modified)
        if len(self._stamps) > MAX_STAMPS:
            for old in [k for k in self._stamps if k.startswith("private:")][:1000]:
                del self._stamps[old]
        return last_modified
