"""The retention rule: per-message records live until they can no longer stop a duplicate.

Every message has a delivery record (``bot.store.logs.DeliveryLog``); the log is how a
restart knows what was sent. A record is removed only when nothing can consult it again
(plus ``keep``, 7 days by default, against clocks, late restarts and events moved after
they ended), judged by what its key names:

- a reminder ``<event>@<start>/<offset>/<chat>``: once the event has ended (or was
  deleted) and the start in the key has passed, ``keep`` ago. Reminders are planned
  only before an event begins; the records of an earlier start are consulted when an
  event moves, so they stay as long as the event's current dates need them;
- ``broadcast:<id>/<chat>``: once that broadcast is finished (a restart resumes only
  unfinished ones);
- ``change:<event>@<first change>/<chat>``: once the event has no change alert pending;
- ``news:<article>/<chat>``: once the article's notices are settled (not ``pending``)
  and nothing is held for that chat and article;
- ``digest:``, ``quiet:`` and ``briefing:`` records: by their own time (a digest covers
  what was held and is released with it; a briefing's period is kept on the chat);
- a key of any other kind is kept: a new kind of message must be added here first.

And in every case the record itself is at least ``keep`` old.

An article's text is kept ``keep`` after it was first seen, and for as long as its notices
are pending or held for a chat or the suggestion detector has not read it (its only
readers); then it is cut down to its
first-seen time, which is all that stops it being taken for new until the news retention
(``SUMMITWATCH_NEWS_RETENTION``) forgets it. A year's articles were most of what a start
had to read. Finished broadcasts go
``keep`` after they started; audit entries after ``AUDIT_KEEP``, except the removal of a
news source, which is what keeps a configured source from coming back. (Articles and
handled Telegram updates are pruned where they are written: ``bot.news.poller``,
``bot.telegram.intake``; held notices are released every news cycle.)

Pruning goes in chunks (``chunks``): each chunk is decided and removed in one journal
line, so the event loop is never held for long and a crash leaves a consistent log. When
the last whole pass ended is kept (``last_pass``, in the ``tallies`` table), so a restart
knows whether one is due (``bot.services.retention``).
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from tinydb.table import Table

from bot.store.alerts import PendingAlerts
from bot.store.documents import keyed, peek
from bot.store.journal import JournalStorage
from bot.store.repositories import EventRepository
from bot.store.tally import DeliveryTally

__all__ = ["AUDIT_KEEP", "CHUNK", "KEEP", "RecordPruner"]

KEEP = timedelta(days=7)
AUDIT_KEEP = timedelta(days=365)
CHUNK = 2_000  # records decided and removed per journal line
_BY_TIME = frozenset({"digest", "quiet", "briefing"})
_FOREVER_AUDIT = frozenset({"feed.remove"})
LAST_PASS = "retention_last_pass"  # the tallies document: when the last whole pass ran


@functools.lru_cache(maxsize=4096)  # one start per event, read from ~every key: strptime
def _stamp(text: str) -> datetime | None:
    try:
        return datetime.strptime(text, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    except ValueError:
        return None


@dataclass(slots=True)
class RecordPruner:
    """Decides and removes what the rule lets go; tables are the store's own."""

    deliveries: Table
    broadcasts: Table
    audit: Table
    articles: Table
    held_notices: Table
    events: EventRepository
    pending_alerts: PendingAlerts
    tally: DeliveryTally
    marks: Table  # the small bookkeeping documents (``tallies``): ``LAST_PASS``

    def last_pass(self) -> datetime | None:
        """When the last whole pass ran (``passed``), or None if none was recorded."""
        at = (peek(self.marks, LAST_PASS) or {}).get("at")
        try:
            return datetime.fromisoformat(str(at)) if at is not None else None
        except ValueError:
            return None  # an unreadable mark: a pass is due, which is always safe

    def passed(self, at: datetime) -> None:
        """Record that a whole pass ran at ``at`` (call once its last chunk is done)."""
        self.marks.upsert(keyed({"at": at.astimezone(UTC).isoformat()}, LAST_PASS))

    def chunks(self, now: datetime, keep: timedelta = KEEP) -> Iterator[int]:
        """Remove what may go, one chunk per step (the caller may yield between steps);
        each step yields how many records it removed."""
        cutoff = now - keep
        iso = cutoff.astimezone(UTC).isoformat()
        ended: dict[str, datetime | None] = {}
        unfinished = {str(k) for k, d in self._docs(self.broadcasts).items() if not d.get("done")}
        keys = list(self._docs(self.deliveries))
        for first in range(0, len(keys), CHUNK):
            docs = self._docs(self.deliveries)  # as it is now: writes went on between steps
            expired = [
                key
                for key in keys[first : first + CHUNK]
                if (doc := docs.get(key)) is not None
                and str(doc.get("at", "")) <= iso
                and self._settled(key, cutoff, ended, unfinished)
            ]
            yield self._remove(expired, docs)
        yield from self._shorten_articles(iso)
        yield self._prune_broadcasts(iso) + self._prune_audit(now - AUDIT_KEEP)

    def _settled(
        self, key: str, cutoff: datetime, ended: dict[str, datetime | None], unfinished: set[str]
    ) -> bool:
        head = key.split("/", 1)[0]
        kind, colon, rest = head.partition(":")
        if not colon:  # a reminder: <event>@<start>/<offset>/<chat>
            event_id, _, stamp = head.partition("@")
            start = _stamp(stamp)
            if start is None or start > cutoff:
                return False
            if event_id not in ended:
                event = self.events.get(event_id)
                ended[event_id] = None if event is None else event.ends_at
            end = ended[event_id]
            return end is None or end <= cutoff
        if kind == "broadcast":
            return rest not in unfinished
        if kind == "change":
            return self.pending_alerts.get(rest.partition("@")[0]) is None
        if kind == "news":
            article, _, chat = key[len("news:") :].rpartition("/")
            record = self._docs(self.articles).get(article)
            pending = record is not None and bool(record.get("pending"))
            return not pending and f"{chat}/{article}" not in self._docs(self.held_notices)
        return kind in _BY_TIME

    def _remove(self, expired: list[str], docs: Mapping[str, Mapping[str, Any]]) -> int:
        if not expired:
            return 0
        removed = Counter(str(docs[key].get("status")) for key in expired)
        storage = self.deliveries.storage
        assert isinstance(storage, JournalStorage)
        with storage.transaction():  # the removal and the totals it moves: one journal line
            self.deliveries.remove(doc_ids=cast(Any, expired))
            self.tally.add_pruned(removed)
        return len(expired)

    def _shorten_articles(self, iso: str) -> Iterator[int]:
        held = {str(d.get("article")) for d in self._docs(self.held_notices).values()}
        keys = list(self._docs(self.articles))
        for first in range(0, len(keys), CHUNK):
            docs = self._docs(self.articles)
            stubs = {
                key: {"seen_at": doc["seen_at"]}
                for key in keys[first : first + CHUNK]
                if (doc := docs.get(key)) is not None
                and len(doc) > 1
                and "seen_at" in doc
                and str(doc.get("seen_at", "")) <= iso
                and not doc.get("pending")
                and not doc.get("detect")  # the suggestion detector has yet to read it
                and key not in held
            }
            if stubs:
                storage = self.articles.storage
                assert isinstance(storage, JournalStorage)
                storage.apply(self.articles.name, stubs, [])  # whole documents replaced
                self.articles.clear_cache()
            yield 0

    def _prune_broadcasts(self, iso: str) -> int:
        old = [k for k, d in self._docs(self.broadcasts).items() if d.get("done") and d["at"] < iso]
        if old:
            self.broadcasts.remove(doc_ids=cast(Any, old))
        return len(old)

    def _prune_audit(self, cutoff: datetime) -> int:
        iso = cutoff.astimezone(UTC).isoformat()
        old = [
            k
            for k, d in self._docs(self.audit).items()
            if str(d.get("at", "")) < iso and d.get("action") not in _FOREVER_AUDIT
        ]
        if old:
            self.audit.remove(doc_ids=cast(Any, old))
        return len(old)

    @staticmethod
    def _docs(table: Table) -> Mapping[str, Mapping[str, Any]]:
        """The stored documents themselves, uncopied: for deciding, never for changing."""
        storage = table.storage
        assert isinstance(storage, JournalStorage)
        return storage.table_data(table.name)
