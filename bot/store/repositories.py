"""Repositories: typed access to each table; the rest of the app never sees TinyDB.

Calls are synchronous and short (a dict look-up, or one fsynced journal append), and are
made from the event loop's thread, so they never interleave. Events and subscribers are
also kept as immutable objects in memory: the feed renderer reads them from worker
threads, and 10,000 events are not rebuilt from JSON on every request.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Generic, Protocol, TypeVar, cast

from tinydb.table import Document, Table

from bot.store.journal import JournalTable
from calendars.errors import StoreCorrupted
from calendars.events import Event
from calendars.news.sources import NewsSource
from calendars.subscribers import Subscriber

__all__ = [
    "ArticleLog",
    "AuditLog",
    "BroadcastLog",
    "DeliveryLog",
    "EventRepository",
    "HeldNotices",
    "NewsSourceRegistry",
    "SeedReport",
    "SubscriberRepository",
]


def _keyed(data: dict[str, Any], key: str) -> Document:
    # tinydb types document ids as int; JournalTable uses natural string keys.
    return Document(data, doc_id=cast(Any, key))


def _by_key(table: Table, key: str) -> dict[str, Any] | None:
    doc = table.get(doc_id=cast(Any, key))
    return dict(doc) if isinstance(doc, dict) else None


def _peek(table: Table, key: str) -> Mapping[str, Any] | None:
    """A stored document, uncopied and read-only (see ``JournalTable.peek``)."""
    if isinstance(table, JournalTable):
        return table.peek(key)
    return _by_key(table, key)


class _Record(Protocol):
    @property
    def id(self) -> str: ...

    def to_record(self) -> dict[str, Any]: ...


T = TypeVar("T", bound=_Record)


class _CachedRepository(Generic[T]):
    """Objects by id, mirrored in memory; ``version`` changes on every write."""

    def __init__(self, table: Table, decode: Callable[[dict[str, Any]], T]) -> None:
        self._table = table
        self._objects: dict[str, T] = {}
        self.version = 0
        self._snapshot: tuple[int, tuple[T, ...]] | None = None
        for doc in table:
            try:
                self._objects[str(doc.doc_id)] = decode(doc["data"])
            except (KeyError, TypeError, ValueError) as exc:
                raise StoreCorrupted(
                    str(table.storage.path) if hasattr(table.storage, "path") else table.name,
                    f"{table.name} record {doc.doc_id!r} cannot be read ({exc})",
                ) from exc

    def get(self, object_id: str) -> T | None:
        return self._objects.get(object_id)

    def __contains__(self, object_id: object) -> bool:
        return object_id in self._objects

    def __len__(self) -> int:
        return len(self._objects)

    def all(self) -> tuple[T, ...]:
        """Every object, as an immutable snapshot that worker threads may hold."""
        if self._snapshot is None or self._snapshot[0] != self.version:
            self._snapshot = (self.version, tuple(self._objects.values()))
        return self._snapshot[1]

    def _write(self, obj: T, **extra: Any) -> None:
        self._table.upsert(_keyed({"data": obj.to_record(), **extra}, obj.id))
        self._objects[obj.id] = obj
        self.version += 1

    def _meta(self, object_id: str) -> Mapping[str, Any]:
        return _peek(self._table, object_id) or {}

    def remove(self, object_id: str) -> bool:
        if object_id not in self._objects:
            return False
        self._table.remove(doc_ids=[cast(Any, object_id)])
        del self._objects[object_id]
        self.version += 1
        return True


@dataclass(frozen=True, slots=True)
class SeedReport:
    added: tuple[str, ...]
    updated: tuple[str, ...]
    kept: tuple[str, ...]  # edited by an admin since seeding: the admin's version wins


_SEEDED_FIELDS = (
    "title",
    "start",
    "end",
    "timezone",
    "location",
    "description",
    "tags",
    "keywords",
    "urls",
    "status",
)


def _seed_digest(event: Event) -> str:
    record = event.to_record()
    for volatile in ("sequence", "created", "updated", "history"):
        record.pop(volatile)
    return hashlib.sha256(json.dumps(record, sort_keys=True).encode()).hexdigest()[:16]


class EventRepository(_CachedRepository[Event]):
    def __init__(self, table: Table) -> None:
        super().__init__(table, Event.from_record)

    def save(self, event: Event, *, by_admin: bool = True) -> None:
        """Store an event; an admin's write marks it so seeding never overwrites it."""
        meta = self._meta(event.id)
        self._write(
            event,
            seed_digest=meta.get("seed_digest"),
            admin_edited=by_admin or bool(meta.get("admin_edited")),
        )

    def seed(self, events: Iterable[Event], *, now: datetime) -> SeedReport:
        """Upsert the shipped events, never overwriting one an admin has edited."""
        added, updated, kept = [], [], []
        for fresh in events:
            digest = _seed_digest(fresh)
            current, meta = self.get(fresh.id), self._meta(fresh.id)
            if current is None:
                self._write(fresh.as_new(now=now), seed_digest=digest, admin_edited=False)
                added.append(fresh.id)
            elif meta.get("admin_edited"):
                kept.append(fresh.id)
            elif meta.get("seed_digest") != digest:
                changes = {f: getattr(fresh, f) for f in _SEEDED_FIELDS}
                self._write(
                    current.revised(now=now, by="seed", **changes),
                    seed_digest=digest,
                    admin_edited=False,
                )
                updated.append(fresh.id)
        return SeedReport(tuple(added), tuple(updated), tuple(kept))

    def sorted_by_start(self) -> list[Event]:
        return sorted(self.all(), key=lambda e: (e.starts_at, e.id))

    def upcoming(self, now: datetime, *, tag: str | None = None) -> list[Event]:
        """Events not over yet and not cancelled, soonest first."""
        return [
            e
            for e in self.sorted_by_start()
            if not e.cancelled and not e.is_over(now) and (tag is None or tag in e.tags)
        ]

    def tags(self) -> set[str]:
        return {tag for event in self.all() for tag in event.tags}


def _token_digest(token: str) -> bytes:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).digest()


class SubscriberRepository(_CachedRepository[Subscriber]):
    def __init__(self, table: Table) -> None:
        super().__init__(table, Subscriber.from_record)
        self._tokens: tuple[int, dict[bytes, str]] = (-1, {})

    def save(self, subscriber: Subscriber) -> None:
        self._write(subscriber)

    def by_feed_token(self, token: str) -> Subscriber | None:
        """The subscriber whose private feed ``token`` opens, or None.

        Looked up by the token's SHA-256, never the token itself: how long the look-up
        takes depends on a digest the asker cannot steer, so timing tells nothing about
        any real token; the final comparison is constant-time as well.
        """
        if self._tokens[0] != self.version:
            index = {_token_digest(s.feed_token): s.id for s in self.all() if s.feed_token}
            self._tokens = (self.version, index)
        chat_id = self._tokens[1].get(_token_digest(token))
        found = self.get(chat_id) if chat_id is not None else None
        if found is None or found.feed_token is None:
            return None
        return found if hmac.compare_digest(found.feed_token.encode(), token.encode()) else None

    def following(self, event: Event) -> Iterator[Subscriber]:
        """Chats that follow ``event``: through a topic, or by /follow."""
        return (s for s in self.all() if s.follows(event))

    def remove_chat(self, chat_id: str) -> list[str]:
        """Forget a chat and every forum topic of it; the ids removed."""
        gone = [s.id for s in self.all() if s.chat_id == chat_id]
        for subscriber in gone:
            self.remove(subscriber)
        return gone


class DeliveryLog:
    """What was delivered, keyed by a delivery key, so restarts neither repeat nor drop."""

    DONE = frozenset({"sent", "skipped"})

    def __init__(self, table: Table) -> None:
        self._table = table

    def is_done(self, key: str) -> bool:
        doc = _peek(self._table, key)
        return doc is not None and doc.get("status") in self.DONE

    def record(self, key: str, status: str, *, at: datetime, detail: str = "") -> None:
        doc = {"status": status, "at": at.astimezone(UTC).isoformat(), "detail": detail}
        self._table.upsert(_keyed(doc, key))

    def carry_over(self, renamed: Mapping[str, str]) -> int:
        """Record under each new subscriber id what was recorded for its old one (every
        key ends in ``/<subscriber id>``), so a renamed subscriber is not sent it again.
        One pass over the log, however many are renamed."""
        found: list[tuple[str, dict[str, Any]]] = []
        for doc in self._table:
            head, _, subscriber = str(doc.doc_id).rpartition("/")
            if head and subscriber in renamed:
                found.append((f"{head}/{renamed[subscriber]}", dict(doc)))
        for key, record in found:
            self._table.upsert(_keyed(record, key))
        return len(found)

    def counts(self) -> dict[str, int]:
        totals: dict[str, int] = {}
        for doc in self._table:
            totals[doc["status"]] = totals.get(doc["status"], 0) + 1
        return totals

    def __len__(self) -> int:
        return len(self._table)


class AuditLog:
    """Who did what, when: every admin action, kept for accountability."""

    def __init__(self, table: Table) -> None:
        self._table = table

    def append(self, *, actor: str, action: str, detail: str, at: datetime) -> None:
        self._table.insert(
            {
                "actor": actor,
                "action": action,
                "detail": detail,
                "at": at.astimezone(UTC).isoformat(),
            }
        )

    def has(self, action: str, detail: str) -> bool:
        """Whether ``action`` was ever done to ``detail`` (e.g. a feed an admin removed)."""
        return any(d.get("action") == action and d.get("detail") == detail for d in self._table)

    def since(self, moment: datetime, *, prefix: str = "") -> list[dict[str, Any]]:
        """Entries at or after ``moment`` whose action starts with ``prefix``, oldest first."""
        return [
            dict(d)
            for d in self._table
            if str(d.get("action", "")).startswith(prefix)
            and datetime.fromisoformat(d["at"]) >= moment
        ]

    def recent(self, limit: int = 20) -> list[dict[str, Any]]:
        docs = sorted(self._table, key=lambda d: int(d.doc_id), reverse=True)
        return [dict(d) for d in docs[:limit]]


class BroadcastLog:
    """Broadcasts in progress, so a restart finishes them (their deliveries are keyed)."""

    def __init__(self, table: Table) -> None:
        self._table = table

    def start(self, broadcast_id: str, *, html: str, actor: str, at: datetime) -> None:
        doc = {"html": html, "actor": actor, "at": at.astimezone(UTC).isoformat(), "done": False}
        self._table.upsert(_keyed(doc, broadcast_id))

    def finish(self, broadcast_id: str) -> None:
        self._table.update({"done": True}, doc_ids=[cast(Any, broadcast_id)])

    def unfinished(self) -> list[tuple[str, str]]:
        """(id, html) of every broadcast that was still being sent."""
        return [(str(d.doc_id), d["html"]) for d in self._table if not d.get("done")]


class NewsSourceRegistry:
    """News sources to poll, with what polling them has learnt (validators, errors, schedule).

    The table is called ``feeds`` on disk: databases written before the rename keep working.
    """

    def __init__(self, table: Table) -> None:
        self._table = table

    def get(self, source_id: str) -> NewsSource | None:
        record = _by_key(self._table, source_id)
        return NewsSource.from_record(source_id, record) if record is not None else None

    def all(self) -> list[NewsSource]:
        return [NewsSource.from_record(str(d.doc_id), dict(d)) for d in self._table]

    def save(self, source: NewsSource) -> None:
        self._table.upsert(_keyed(source.to_record(), source.id))

    def update(self, source: NewsSource) -> bool:
        """Store a poll's outcome, unless the source was removed while it was polled."""
        if _peek(self._table, source.id) is None:
            return False
        self.save(source)
        return True

    def remove(self, source_id: str) -> bool:
        return bool(self._table.remove(doc_ids=[cast(Any, source_id)]))

    def __len__(self) -> int:
        return len(self._table)


class ArticleLog:
    """Articles already seen, by dedupe key; pruned by age so a year of news stays bounded."""

    def __init__(self, table: Table) -> None:
        self._table = table

    def seen(self, key: str) -> bool:
        return _peek(self._table, key) is not None

    def get(self, key: str) -> dict[str, Any] | None:
        return _by_key(self._table, key)

    def pending(self) -> list[tuple[str, dict[str, Any]]]:
        """Articles whose notices were not all sent (the app stopped in between)."""
        return [(str(d.doc_id), dict(d)) for d in self._table if d.get("pending")]

    def settle(self, key: str) -> None:
        self._table.update({"pending": False}, doc_ids=[cast(Any, key)])

    def add(self, key: str, record: dict[str, Any], *, at: datetime) -> None:
        self._table.upsert(_keyed({**record, "seen_at": at.astimezone(UTC).isoformat()}, key))

    def prune(self, *, older_than: datetime) -> int:
        """Forget articles first seen before ``older_than``; returns how many."""
        cutoff = older_than.astimezone(UTC).isoformat()
        old = [str(d.doc_id) for d in self._table if d.get("seen_at", "") < cutoff]
        if old:
            self._table.remove(doc_ids=cast(Any, old))
        return len(old)

    def __len__(self) -> int:
        return len(self._table)


class HeldNotices:
    """Article notices waiting for a chat's quiet hours to end; kept across restarts."""

    def __init__(self, table: Table) -> None:
        self._table = table

    def hold(self, chat_id: str, article_key: str, *, at: datetime) -> None:
        doc = {"chat": chat_id, "article": article_key, "at": at.astimezone(UTC).isoformat()}
        self._table.upsert(_keyed(doc, f"{chat_id}/{article_key}"))

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
        keys = [key for key in wanted if _peek(self._table, key) is not None]
        if keys:
            self._table.remove(doc_ids=cast(Any, keys))

    def __len__(self) -> int:
        return len(self._table)
