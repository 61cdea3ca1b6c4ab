"""The database: one ``Store`` opened at start, closed (and compacted) at shutdown."""

from __future__ import annotations

import asyncio
import contextlib
import copy
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from tinydb import TinyDB

from bot.store.alerts import PendingAlerts
from bot.store.journal import JournalStorage, JournalTable
from bot.store.logs import AuditLog, BroadcastLog, DeliveryLog
from bot.store.migrations import migrate_topic_subscribers
from bot.store.news import ArticleLog, HeldNotices, NewsSourceRegistry
from bot.store.repositories import EventRepository, SubscriberRepository
from bot.store.retention import RecordPruner
from bot.store.suggestions import SuggestionLog, WatchAdditions
from bot.store.tally import DeliveryTally
from bot.store.updates import UpdateLog
from bot.store.upstream import UpstreamSourceRegistry

__all__ = ["Store"]


class _Database(TinyDB):
    table_class = JournalTable


class Store:
    """The one door to the database; raises StoreCorrupted rather than touch a bad file."""

    def __init__(self, path: str | Path, *, compact_min: int = 10_000) -> None:
        # Resolved: a symlinked path must lock and write the file it points to, not the link.
        self.path = Path(path).resolve()
        self._db = _Database(self.path, storage=JournalStorage, compact_min=compact_min)
        try:
            self._open_repositories()
        except BaseException:
            self.release()  # refuse to start without writing a byte
            raise

    def _open_repositories(self) -> None:
        self._db._tables.clear()  # TinyDB's table objects cache ids and query results
        self.events = EventRepository(self._db.table("events"))
        self.subscribers = SubscriberRepository(self._db.table("subscribers"))
        self.deliveries = DeliveryLog(self._db.table("deliveries"))
        self.audit = AuditLog(self._db.table("audit"))
        self.broadcasts = BroadcastLog(self._db.table("broadcasts"))
        self.news_sources = NewsSourceRegistry(self._db.table("feeds"))
        self.articles = ArticleLog(self._db.table("articles"))
        self.updates = UpdateLog(self._db.table("updates"))
        self.held_notices = HeldNotices(self._db.table("held_notices"))
        self.pending_alerts = PendingAlerts(self._db.table("change_alerts"))
        self.upstream_sources = UpstreamSourceRegistry(self._db.table("upstream_sources"))
        self.suggestions = SuggestionLog(self._db.table("suggestions"))
        self.watch_additions = WatchAdditions(self._db.table("watch_additions"))
        self.delivery_tally = DeliveryTally(self._db.table("deliveries"), self._db.table("tallies"))
        self.pruner = RecordPruner(
            deliveries=self._db.table("deliveries"),
            broadcasts=self._db.table("broadcasts"),
            audit=self._db.table("audit"),
            articles=self._db.table("articles"),
            held_notices=self._db.table("held_notices"),
            events=self.events,
            pending_alerts=self.pending_alerts,
            tally=self.delivery_tally,
            marks=self._db.table("tallies"),
        )
        if any(s.is_legacy_topic for s in self.subscribers.all()):
            storage = self._db.storage
            assert isinstance(storage, JournalStorage)
            with storage.transaction():
                migrate_topic_subscribers(self.subscribers, self.deliveries, self.held_notices)

    @contextlib.contextmanager
    def handling(self, update_id: int, *, clock: Callable[[], datetime]) -> Iterator[None]:
        """Handle one Telegram update: its writes and its "handled" mark commit together.

        Every write made meanwhile in this context (this task and tasks it starts) is
        visible at once and made durable in one journal line when the block ends, however
        it ends. A crash before that loses them all and the update replays (see
        ``bot.store.updates``); after it, the update is never handled again.
        """
        storage = self._db.storage
        assert isinstance(storage, JournalStorage)
        with storage.transaction():
            try:
                yield
            finally:
                self.updates.finish(update_id, at=clock())

    @contextlib.asynccontextmanager
    async def batch(self) -> AsyncIterator[None]:
        """Writes made in this block (this task, and tasks it starts meanwhile) become
        durable together when it ends: one journal line and one fsync, written from a
        worker thread so the event loop does not wait for the disk.

        Visible at once, as always; a crash before the end loses them all (so, say, the
        articles of a poll are taken in again by the next poll, never half of them).
        Never around sends: an outcome recorded here is not on disk until the end.
        """
        storage = self._db.storage
        assert isinstance(storage, JournalStorage)
        transaction = storage.begin()
        try:
            yield
        finally:
            storage.end(transaction)
            # The storage's lock keeps other writers out meanwhile; readers read memory.
            await asyncio.to_thread(storage.commit, transaction)

    def dump(self) -> dict[str, dict[str, dict[str, Any]]]:
        """Every table's documents by id, as stored: a deep copy (for backups)."""
        tables = self._db.storage.read() or {}
        return {name: copy.deepcopy(dict(docs)) for name, docs in tables.items()}

    def load(self, tables: dict[str, dict[str, dict[str, Any]]]) -> None:
        """Replace everything with ``tables`` in one atomic snapshot (for restores).

        On failure nothing was written and the store is released (closed without writing).
        """
        try:
            self._db.storage.write(copy.deepcopy(tables))  # temp file, fsync, rename
            self._open_repositories()
        except BaseException:
            self.release()
            raise

    def release(self) -> None:
        """Close without writing anything (``close`` folds the journal into a snapshot)."""
        storage = self._db.storage
        if isinstance(storage, JournalStorage):
            storage.release()
        self._db.close()

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
