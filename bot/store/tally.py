"""Running counts of the delivery log by status, so ``/metrics`` never scans the log.

The log is pruned (``bot.store.retention``), so counting its records would make the
totals fall. Instead: what is in the log now is counted once (when first asked, not at start:
~0.1 s at 300,000 records that a start need not wait for), then kept right by
watching every change the storage applies to the table (``JournalStorage.watch``), however
it is written; what pruning removed is added to a small persisted ``tallies`` document in
the same journal line as the removal. Totals are the two together: they only ever grow,
as a Prometheus counter must.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any, cast

from tinydb.table import Table

from bot.store.documents import keyed, peek
from bot.store.journal import JournalStorage

__all__ = ["DeliveryTally"]

PRUNED = "deliveries_pruned"  # the tallies document holding what pruning removed, by status


class DeliveryTally:
    """Delivery records by status: ``live`` (in the log now) and ``totals`` (ever written)."""

    def __init__(self, deliveries: Table, tallies: Table) -> None:
        self._tallies = tallies
        self._deliveries = deliveries
        self._live: Counter[str] | None = None  # counted when first asked
        pruned = peek(tallies, PRUNED) or {}
        self.pruned: Counter[str] = Counter({str(k): int(v) for k, v in pruned.items()})
        storage = deliveries.storage
        if isinstance(storage, JournalStorage):
            storage.watch(deliveries.name, self._changed)

    @property
    def live(self) -> Counter[str]:
        """Records in the log now, by status."""
        if self._live is None:
            storage = self._deliveries.storage
            # The stored dicts, not TinyDB's Document copies: a third of the time at 300k.
            docs = (
                storage.table_data(self._deliveries.name).values()
                if isinstance(storage, JournalStorage)
                else self._deliveries
            )
            self._live = Counter(str(doc.get("status")) for doc in docs)
        return self._live

    def _changed(self, table: Mapping[str, Any], sets: dict[str, Any], deletes: list[str]) -> None:
        if self._live is None:
            return  # not counted yet: the count, when made, will see this change
        for key, doc in sets.items():
            old = table.get(key)
            if old is not None:
                self._live[str(old.get("status"))] -= 1
            self._live[str(doc.get("status"))] += 1
        for key in deletes:
            old = table.get(key)
            if old is not None:
                self._live[str(old.get("status"))] -= 1

    def add_pruned(self, removed: Counter[str]) -> None:
        """Keep in the totals what pruning removed (call in the removal's transaction)."""
        if removed:
            self.pruned.update(removed)
            self._tallies.upsert(keyed(dict(self.pruned), PRUNED))

    def totals(self) -> dict[str, int]:
        """Every delivery ever recorded, by status: what ``/stats`` and ``/metrics`` show."""
        both = self.live + self.pruned  # Counter addition drops zeros
        return cast(dict[str, int], dict(both))
