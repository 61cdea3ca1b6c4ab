"""News tables: the watched sources, the articles seen, and notices held for quiet hours."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import Any, cast

from tinydb.table import Table

from bot.store.documents import by_key, keyed, peek, peek_all
from bot.store.sources import SourceRegistry
from calendars.news.sources import NewsSource

__all__ = ["PRUNE_CHUNK", "ArticleLog", "HeldNotices", "NewsSourceRegistry"]

PRUNE_CHUNK = 2_000  # articles decided and removed per write (and per loop step)


class NewsSourceRegistry(SourceRegistry[NewsSource]):
    """News sources to poll, with what polling them has learnt (validators, errors, schedule).

    The table is called ``feeds`` on disk: databases written before the rename keep working.
    """

    def __init__(self, table: Table) -> None:
        super().__init__(table, NewsSource)


class ArticleLog:
    """Articles already seen, by dedupe key; pruned by age so a year of news stays bounded."""

    def __init__(self, table: Table) -> None:
        self._table = table

    def seen(self, key: str) -> bool:
        return peek(self._table, key) is not None

    def get(self, key: str) -> dict[str, Any] | None:
        return by_key(self._table, key)

    def pending(self) -> list[tuple[str, dict[str, Any]]]:
        """Articles whose notices were not all sent (the app stopped in between)."""
        return [(key, dict(d)) for key, d in peek_all(self._table).items() if d.get("pending")]

    def settle(self, key: str) -> None:
        self._table.update({"pending": False}, doc_ids=[cast(Any, key)])

    def undetected(self) -> list[dict[str, Any]]:
        """Articles taken in but not yet read by the suggestion detector (a stop came first)."""
        return [dict(d) for d in peek_all(self._table).values() if d.get("detect")]

    def detected(self, keys: Iterable[str]) -> None:
        """The detector has read these: a restart does not queue them again."""
        ids = [key for key in keys if peek(self._table, key) is not None]
        if ids:
            self._table.update({"detect": False}, doc_ids=cast(Any, ids))

    def add(self, key: str, record: dict[str, Any], *, at: datetime) -> None:
        self._table.upsert(keyed({**record, "seen_at": at.astimezone(UTC).isoformat()}, key))

    def prune(self, *, older_than: datetime) -> int:
        """Forget articles first seen before ``older_than``; returns how many."""
        return sum(self.prune_chunks(older_than=older_than))

    def prune_chunks(self, *, older_than: datetime, chunk: int = PRUNE_CHUNK) -> Iterator[int]:
        """``prune``, ``chunk`` records decided and removed at a time (how many, each): the
        caller yields to the event loop in between. Reads the stored documents uncopied:
        iterating the table copied each one, ~30 ms at once for 10,000 articles."""
        cutoff = older_than.astimezone(UTC).isoformat()
        keys = list(peek_all(self._table))
        for first in range(0, len(keys), chunk):
            docs = peek_all(self._table)
            old = [
                key
                for key in keys[first : first + chunk]
                if (doc := docs.get(key)) is not None and doc.get("seen_at", "") < cutoff
            ]
            if old:
                self._table.remove(doc_ids=cast(Any, old))
            yield len(old)

    def __len__(self) -> int:
        return len(self._table)


class HeldNotices:
    """Article notices waiting for a chat's quiet hours to end; kept across restarts."""

    def __init__(self, table: Table) -> None:
        self._table = table

    def hold(self, chat_id: str, article_key: str, *, at: datetime) -> None:
        doc = {"chat": chat_id, "article": article_key, "at": at.astimezone(UTC).isoformat()}
        self._table.upsert(keyed(doc, f"{chat_id}/{article_key}"))

    def by_chat(self) -> dict[str, list[str]]:
        """Held article keys of each chat, oldest first."""
        held: dict[str, list[tuple[str, str]]] = {}
        for doc in self._table:
            held.setdefault(doc["chat"], []).append((doc["at"], doc["article"]))
        return {chat: [key for _, key in sorted(items)] for chat, items in held.items()}

    def move(self, old_id: str, new_id: str) -> None:
        """What is held for subscriber ``old_id`` is held for ``new_id`` instead."""
        held = [dict(doc) for doc in self._table if doc["chat"] == old_id]
        for doc in held:
            self.hold(new_id, doc["article"], at=datetime.fromisoformat(doc["at"]))
        self.release(old_id, [doc["article"] for doc in held])

    def release(self, chat_id: str, article_keys: Iterable[str]) -> None:
        wanted = (f"{chat_id}/{key}" for key in article_keys)
        keys = [key for key in wanted if peek(self._table, key) is not None]
        if keys:
            self._table.remove(doc_ids=cast(Any, keys))

    def __len__(self) -> int:
        return len(self._table)
