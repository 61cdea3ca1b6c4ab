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
from datetime import datetime
from typing import Any, Generic, Protocol, TypeVar, cast

from tinydb.table import Table

from bot.store.documents import keyed, peek
from calendars.errors import StoreCorrupted
from calendars.events import Event
from calendars.subscribers import Subscriber

__all__ = ["EventRepository", "SeedReport", "SubscriberRepository"]


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
        self._table.upsert(keyed({"data": obj.to_record(), **extra}, obj.id))
        self._objects[obj.id] = obj
        self.version += 1

    def _meta(self, object_id: str) -> Mapping[str, Any]:
        return peek(self._table, object_id) or {}

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
    if record.get("precision") == "day":  # as digested before precision existed: an
        del record["precision"]  # upgrade must not re-seed (bump SEQUENCE of) every event
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
