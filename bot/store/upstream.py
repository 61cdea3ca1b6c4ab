"""The upstream calendars table: each polled .ics source with what polling it has learnt.

A new table: databases written before it simply have none, and load as before.
"""

from __future__ import annotations

from typing import Any, cast

from tinydb.table import Table

from bot.store.documents import by_key, keyed, peek
from calendars.upstream.source import UpstreamSource

__all__ = ["UpstreamSourceRegistry"]


class UpstreamSourceRegistry:
    def __init__(self, table: Table) -> None:
        self._table = table

    def get(self, source_id: str) -> UpstreamSource | None:
        record = by_key(self._table, source_id)
        return UpstreamSource.from_record(source_id, record) if record is not None else None

    def all(self) -> list[UpstreamSource]:
        return [UpstreamSource.from_record(str(d.doc_id), dict(d)) for d in self._table]

    def save(self, source: UpstreamSource) -> None:
        self._table.upsert(keyed(source.to_record(), source.id))

    def has(self, source_id: str) -> bool:
        return peek(self._table, source_id) is not None

    def update(self, source: UpstreamSource) -> bool:
        """Store a poll's outcome, unless the source was removed while it was polled."""
        if not self.has(source.id):
            return False
        self.save(source)
        return True

    def remove(self, source_id: str) -> bool:
        return bool(self._table.remove(doc_ids=[cast(Any, source_id)]))

    def __len__(self) -> int:
        return len(self._table)
