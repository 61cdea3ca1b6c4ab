"""The database: one ``Store`` opened at start, closed (and compacted) at shutdown."""

from __future__ import annotations

from pathlib import Path

from tinydb import TinyDB

from bot.store.journal import JournalStorage, JournalTable
from bot.store.repositories import (
    ArticleLog,
    AuditLog,
    BroadcastLog,
    DeliveryLog,
    EventRepository,
    FeedRegistry,
    SeedReport,
    SubscriberRepository,
)

__all__ = [
    "ArticleLog",
    "AuditLog",
    "BroadcastLog",
    "DeliveryLog",
    "EventRepository",
    "FeedRegistry",
    "SeedReport",
    "Store",
    "SubscriberRepository",
]


class _Database(TinyDB):
    table_class = JournalTable


class Store:
    """The one door to the database; raises StoreCorrupted rather than touch a bad file."""

    def __init__(self, path: str | Path, *, compact_min: int = 10_000) -> None:
        self.path = Path(path)
        self._db = _Database(self.path, storage=JournalStorage, compact_min=compact_min)
        try:
            self.events = EventRepository(self._db.table("events"))
            self.subscribers = SubscriberRepository(self._db.table("subscribers"))
        except BaseException:
            storage = self._db.storage
            if isinstance(storage, JournalStorage):
                storage.release()  # refuse to start without writing a byte
            raise
        self.deliveries = DeliveryLog(self._db.table("deliveries"))
        self.audit = AuditLog(self._db.table("audit"))
        self.broadcasts = BroadcastLog(self._db.table("broadcasts"))
        self.feeds = FeedRegistry(self._db.table("feeds"))
        self.articles = ArticleLog(self._db.table("articles"))

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
