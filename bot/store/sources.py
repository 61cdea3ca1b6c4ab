"""A table of polled sources (news sources, upstream calendars), keyed by their ids.

Both kinds are records with what polling them has learnt; they differ in fields, not in
how they are stored, so one registry serves both.
"""

from __future__ import annotations

from typing import Any, Generic, Protocol, Self, TypeVar, cast

from tinydb.table import Table

from bot.store.documents import by_key, keyed, peek

__all__ = ["SourceRegistry"]


class _Source(Protocol):
    @property
    def id(self) -> str: ...

    def to_record(self) -> dict[str, Any]: ...

    @classmethod
    def from_record(cls, source_id: str, record: dict[str, Any], /) -> Self: ...


S = TypeVar("S", bound=_Source)


class SourceRegistry(Generic[S]):
    def __init__(self, table: Table, kind: type[S]) -> None:
        self._table = table
        self._kind = kind

    def get(self, source_id: str) -> S | None:
        record = by_key(self._table, source_id)
        return self._kind.from_record(source_id, record) if record is not None else None

    def all(self) -> list[S]:
        return [self._kind.from_record(str(d.doc_id), dict(d)) for d in self._table]

    def save(self, source: S) -> None:
        self._table.upsert(keyed(source.to_record(), source.id))

    def has(self, source_id: str) -> bool:
        return peek(self._table, source_id) is not None

    def update(self, source: S) -> bool:
        """Store a poll's outcome, unless the source was removed while it was polled."""
        if not self.has(source.id):
            return False
        self.save(source)
        return True

    def remove(self, source_id: str) -> bool:
        return bool(self._table.remove(doc_ids=[cast(Any, source_id)]))

    def __len__(self) -> int:
        return len(self._table)
