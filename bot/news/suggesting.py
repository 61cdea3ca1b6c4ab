"""Suggestions from the news: detect announcements, merge them, and tell admins once.

The intake hands each cycle's new articles to :meth:`SuggestionService.consider`, which
only queues them: one worker task runs the detector off the loop
(:class:`~bot.news.detection.DetectionRunner`) and applies what it finds in order, so two
polls never race to create the same suggestion. An announcement of an event already in
the calendar becomes that event's coverage; one of a known suggestion merges into it
(quietly, whatever its state: an ignored meeting stays ignored); anything else is a new
suggestion, and each admin gets one notice of it, keyed in the delivery log, so neither
a merge nor a restart repeats it.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from datetime import datetime, timedelta

from bot.delivery.broadcaster import Broadcaster
from bot.delivery.notifier import Outgoing
from bot.news.detection import DETECT_BATCH, DetectionRunner
from bot.services.events import EventService
from bot.store import Store
from bot.wording.suggestions import suggestion_buttons, suggestion_notice
from calendars.errors import InvalidInput, NotFound
from calendars.events import Coverage, Event, Status
from calendars.i18n import _, speaking
from calendars.news.announcements import Announcement, WatchList, WatchName
from calendars.news.articles import Article
from calendars.news.suggestions import (
    EventIndex,
    Suggestion,
    SuggestionState,
    period,
    same_meeting,
)
from calendars.subscribers import Subscriber

__all__ = ["MAX_QUEUED", "SuggestionService"]

logger = logging.getLogger(__name__)

MAX_QUEUED = 100_000  # articles waiting for the detector; a backlog past this drops the oldest
KEEP_AFTER = timedelta(days=30)  # a suggestion whose dates are this far past is forgotten


class SuggestionService:
    def __init__(
        self,
        *,
        store: Store,
        events: EventService,
        broadcaster: Broadcaster,
        admin_ids: Iterable[int],
        configured: WatchList,
        clock: Callable[[], datetime],
        runner: DetectionRunner | None = None,
    ) -> None:
        self._store = store
        self._events = events
        self._broadcaster = broadcaster
        self._admins = sorted(admin_ids)
        self._configured = configured
        self._clock = clock
        self.runner = runner or DetectionRunner()
        self._queue: deque[Article] = deque(maxlen=MAX_QUEUED)
        self._wakeup = asyncio.Event()
        self._busy = False
        self._settled = asyncio.Event()  # set while nothing is queued or being processed
        self._settled.set()
        self._index: tuple[int, WatchList, EventIndex] | None = None
        self.watch_list = self._current_list()

    # ---- the watch list ------------------------------------------------------------------

    @property
    def configured(self) -> tuple[WatchName, ...]:
        """The names of config/watch.toml."""
        return self._configured.names

    def added(self) -> list[WatchName]:
        return self._store.watch_additions.all()

    def _current_list(self) -> WatchList:
        """watch.toml's list with the admins' additions: a name watch.toml has already is
        extended (its aliases and topics kept, the admin's added), never replaced."""
        added = {n.name.casefold(): n for n in self.added()}
        names = [extended(n, added.pop(n.name.casefold(), None)) for n in self.configured]
        return WatchList((*names, *added.values()), self._configured.vocabulary)

    def known(self, name: str) -> WatchName | None:
        """The watched name spelled ``name`` (any case), as the detector now reads it."""
        folded = name.casefold()
        return next((n for n in self.watch_list.names if n.name.casefold() == folded), None)

    def watch(self, name: WatchName, *, actor: str) -> None:
        """Watch ``name`` from the next article on (the detector's list is rebuilt)."""
        self._store.watch_additions.save(name)
        self._store.audit.append(
            actor=actor, action="watch.add", detail=name.name, at=self._clock()
        )
        self.watch_list = self._current_list()

    def unwatch(self, name: str, *, actor: str) -> None:
        if not self._store.watch_additions.remove(name):
            configured = any(n.name.casefold() == name.casefold() for n in self.configured)
            shown = repr(name[:80])
            if configured:
                raise NotFound(
                    _(
                        "no name {name} added with /watch add: it comes from {file}",
                        name=shown,
                        file="config/watch.toml",
                    )
                )
            raise NotFound(_("no name {name} added with /watch add: it is not watched", name=shown))
        self._store.audit.append(actor=actor, action="watch.rm", detail=name, at=self._clock())
        self.watch_list = self._current_list()

    async def close(self) -> None:
        """Stop the detector's worker process."""
        await self.runner.close()

    # ---- taking articles in --------------------------------------------------------------

    def consider(self, articles: Sequence[Article]) -> None:
        """Queue a cycle's new articles for the detector (cheap: called from the intake)."""
        if articles:
            self._queue.extend(articles)
            self._settled.clear()
            self._wakeup.set()

    async def run_forever(self) -> None:
        """Detect and apply queued articles until cancelled."""
        while True:
            await self._wakeup.wait()
            self._wakeup.clear()
            await self.drain()

    async def drain(self) -> list[Suggestion]:
        """Process everything queued now; the suggestions that are new."""
        self._busy = True
        try:
            created: list[Suggestion] = []
            while self._queue:
                size = min(len(self._queue), DETECT_BATCH)  # suggestions show up as found
                batch = [self._queue.popleft() for _ in range(size)]
                try:
                    created += await self.process(batch)
                except Exception:  # one bad batch must not end suggestions for good
                    logger.exception("suggest.cycle_failed articles=%d", len(batch))
                # Read (or logged as unreadable): a restart must not queue them again.
                # In a batch: the 250 records' journal line is written and fsynced off
                # the loop (on it, that was the longest step of the suggestion worker).
                async with self._store.batch():
                    self._store.articles.detected(article.key for article in batch)
            return created
        finally:
            self._busy = False
            if not self._queue:
                self._settled.set()

    @property
    def idle(self) -> bool:
        """Nothing queued and nothing being processed."""
        return not self._queue and not self._busy

    async def settled(self) -> None:
        """Wait until every article handed over so far is processed (tests, benchmarks)."""
        await self._settled.wait()

    async def process(self, articles: Sequence[Article]) -> list[Suggestion]:
        """Detect, then cover events, merge or create; notify admins of the new ones."""
        now = self._clock()
        found = await self.runner.detect(articles, self.watch_list, now)
        # The detector reads "future" from each article's publication: an old article's
        # meeting may be over by now.
        found = [a for a in found if period(a.when, a.precision)[1] > now.date()]
        created = []
        for announcement in found:
            suggestion = self._apply(announcement)
            if suggestion is not None:
                created.append(suggestion)
            await asyncio.sleep(0)  # each apply is a journal write or two: let others run
        await self.notify(created)
        if found:
            logger.info(
                "suggest.cycle articles=%d found=%d new=%d", len(articles), len(found), len(created)
            )
        return created

    def _apply(self, found: Announcement) -> Suggestion | None:
        """Store one announcement; the suggestion it made, if it made a new one."""
        item = Coverage(
            found.article.title, found.article.link, found.article.source, found.article.published
        )
        event = self._event_index().covered(found)
        if event is not None:
            self._events.record_coverage(event.id, [item])
            return None
        for known in self._store.suggestions.all():
            if same_meeting(known, found):
                merged = known.merged(found)
                self._store.suggestions.save(merged)
                if known.event_id and self._events.find(known.event_id) is not None:
                    self._events.record_coverage(known.event_id, [item])
                return None
        suggestion = Suggestion.from_announcement(found, now=self._clock())
        self._store.suggestions.save(suggestion)
        return suggestion

    def _event_index(self) -> EventIndex:
        version = self._store.events.version
        watch = self.watch_list
        if self._index is None or self._index[0] != version or self._index[1] is not watch:
            self._index = (version, watch, EventIndex(self._store.events.all(), watch.names))
        return self._index[2]

    async def notify(self, suggestions: Sequence[Suggestion]) -> None:
        """One notice per suggestion and admin, ever (the delivery key sees to it)."""
        chats = {admin: self._store.subscribers.get(str(admin)) for admin in self._admins}
        deliveries = []
        for s in suggestions:
            for admin, chat in chats.items():
                with speaking(chat.language if chat else None):  # its /lang, else English
                    outgoing = Outgoing(suggestion_notice(s), buttons=suggestion_buttons(s.id))
                key = f"suggestion:{s.id}/{admin}"
                deliveries.append(
                    (key, Subscriber(id=str(admin), title=f"admin {admin}"), outgoing)
                )
        await self._broadcaster.deliver_all(deliveries)
        for suggestion in suggestions:
            current = self._store.suggestions.get(suggestion.id)
            if current is not None and not current.notified:
                self._store.suggestions.save(replace(current, notified=True))
                await asyncio.sleep(0)  # a journal write each: let others run between

    async def resume(self) -> None:
        """At start: articles a stop left unread are queued again, and notices it
        interrupted go out (the sent ones are not repeated)."""
        unread = []
        for record in self._store.articles.undetected():
            try:
                unread.append(Article.from_record(record))
            except (KeyError, TypeError, ValueError):  # an old or damaged record: skip it
                logger.warning("suggest.unreadable_article key=%s", record.get("key", "?"))
        self.consider(unread)
        owed = [s for s in self._store.suggestions.in_state(SuggestionState.NEW) if not s.notified]
        await self.notify(owed)

    def prune(self) -> int:
        """Forget suggestions of meetings long past; how many."""
        today = self._clock().date()
        old = [s.id for s in self._store.suggestions.all() if s.period[1] + KEEP_AFTER < today]
        self._store.suggestions.remove(old)
        return len(old)

    # ---- what admins do ------------------------------------------------------------------

    def new(self) -> list[Suggestion]:
        """The suggestions waiting for an admin, soonest meeting first."""
        return sorted(
            self._store.suggestions.in_state(SuggestionState.NEW), key=lambda s: (s.when, s.id)
        )

    def get(self, suggestion_id: str) -> Suggestion:
        found = self._store.suggestions.get(suggestion_id)
        if found is None:
            raise NotFound(
                _("no suggestion {id}; /suggestions lists them", id=repr(suggestion_id[:20]))
            )
        return found

    def editable(self, suggestion_id: str) -> Suggestion:
        """The suggestion an Edit button opens; refused before any question when it is
        already in the calendar (the answers would be thrown away at the end)."""
        return self._open(suggestion_id)

    def _open(self, suggestion_id: str) -> Suggestion:
        suggestion = self.get(suggestion_id)
        if suggestion.state is SuggestionState.ADDED:
            raise InvalidInput(
                _("already added as {command}", command=f"/event {suggestion.event_id}")
            )
        return suggestion

    def ignore(self, suggestion_id: str, *, actor: str) -> Suggestion:
        suggestion = self._open(suggestion_id)
        ignored = replace(suggestion, state=SuggestionState.IGNORED)
        self._store.suggestions.save(ignored)
        self._store.audit.append(
            actor=actor, action="suggestion.ignore", detail=suggestion_id, at=self._clock()
        )
        return ignored

    async def add(self, suggestion_id: str, event: Event, *, actor: str) -> Event:
        """Add ``event`` (built from the suggestion, or edited by an admin) as rumoured,
        with the suggestion's articles as its coverage and sources; the suggestion is done."""
        suggestion = self._open(suggestion_id)
        urls = [a.url for a in suggestion.articles][:20]
        event = replace(  # replace builds it anew: validated again
            event,
            status=Status.RUMOURED,
            urls=tuple(dict.fromkeys((*event.urls, *urls)))[:20],
            coverage=tuple(reversed(suggestion.articles)),  # newest first
        )
        added = await self._events.add(event, actor=actor)
        self._store.suggestions.save(
            replace(suggestion, state=SuggestionState.ADDED, event_id=added.id)
        )
        return added


def extended(configured: WatchName, addition: WatchName | None) -> WatchName:
    """``configured`` with an admin's ``addition`` of the same name: the aliases and topics
    of both (the file's first), the admin's kind."""
    if addition is None:
        return configured
    return replace(
        configured,
        kind=addition.kind,
        aliases=tuple(dict.fromkeys((*configured.aliases, *addition.aliases))),
        topics=tuple(dict.fromkeys((*configured.topics, *addition.topics))),
    )
