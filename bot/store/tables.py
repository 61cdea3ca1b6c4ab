"""TinyDB tables whose writes record only the documents an operation touched.

TinyDB's ``Table._update_table`` copies the whole table on every write; ``JournalTable``
hands its updater a view that records changes, and passes just those to the storage
(``JournalStorage.apply``), which journals them.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator, Mapping, MutableMapping
from typing import Any, Protocol, cast, runtime_checkable

from tinydb.table import Table

__all__ = ["ChangeSink", "JournalTable"]

Doc = dict[str, Any]


@runtime_checkable
class ChangeSink(Protocol):
    """What a JournalTable writes through (``JournalStorage``)."""

    def table_data(self, name: str) -> dict[str, Doc]: ...

    def apply(self, table: str, sets: dict[str, Doc], deletes: list[str]) -> None: ...


_SINKS: dict[type, bool] = {}


def _sink(storage: object) -> ChangeSink | None:
    """``storage`` if it is a ChangeSink, checked once per class: a Protocol isinstance on
    every write (twice for an update) was ~4 µs each, thousands of times per news poll."""
    kind = type(storage)
    if kind not in _SINKS:
        _SINKS[kind] = isinstance(storage, ChangeSink)
    return cast(ChangeSink, storage) if _SINKS[kind] else None


class _ChangeView(MutableMapping[str, Doc]):
    """The table as an updater sees it: reads give copies, and every change is recorded.

    TinyDB's updaters mutate documents in place (``table[id].update(fields)``); handing out
    copies lets us compare afterwards and journal only what really changed.
    """

    def __init__(self, live: dict[str, Doc]) -> None:
        self._live = live
        self._touched: dict[str, Doc] = {}
        self._deleted: set[str] = set()

    def __getitem__(self, key: str) -> Doc:
        key = str(key)
        if key in self._touched:
            return self._touched[key]
        if key in self._deleted or key not in self._live:
            raise KeyError(key)
        # Deep: tinydb.operations mutate nested lists in place, and those changes must show.
        self._touched[key] = document = copy.deepcopy(self._live[key])
        return document

    def __setitem__(self, key: str, value: Doc) -> None:
        key = str(key)
        self._deleted.discard(key)
        self._touched[key] = value

    def __delitem__(self, key: str) -> None:
        key = str(key)
        if key not in self:
            raise KeyError(key)
        self._touched.pop(key, None)
        self._deleted.add(key)

    def __contains__(self, key: object) -> bool:
        key = str(key)
        if key in self._touched:
            return True
        return key not in self._deleted and key in self._live

    def __iter__(self) -> Iterator[str]:
        for key in self._live:
            if key not in self._deleted:
                yield key
        for key in self._touched:
            if key not in self._live:
                yield key

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def clear(self) -> None:
        self._touched.clear()
        self._deleted = set(self._live)

    def changes(self) -> tuple[dict[str, Doc], list[str]]:
        sets = {k: v for k, v in self._touched.items() if self._live.get(k) != v}
        deletes = [k for k in self._deleted if k in self._live]
        return sets, deletes


class JournalTable(Table):
    """A TinyDB table with string document ids whose writes journal only what changed.

    Natural keys (an event's slug, a delivery's key) are the document ids, so reads by id
    are dictionary look-ups. Inserts without an id get the next free number, as strings.
    """

    document_id_class = str  # type: ignore[assignment]  # natural keys, not numbers

    def _get_next_id(self) -> str:
        cached: int | None = self._next_id
        if cached is None:
            cached = max((int(k) for k in self._read_table() if k.isdigit()), default=0) + 1
        self._next_id = cached + 1  # type: ignore[assignment]  # tinydb types it as None
        return str(cached)

    def get(self, *args: Any, **kwargs: Any) -> Any:
        """As TinyDB's, but a document read by id is a deep copy: changing it changes nothing.

        (``search`` and iteration hand out TinyDB's shallow copies: treat them as read-only.)
        """
        found = super().get(*args, **kwargs)
        return copy.deepcopy(found) if isinstance(found, dict) else found

    def peek(self, doc_id: str) -> Mapping[str, Any] | None:
        """The stored document itself, without a copy: for reading a field, never for changing.

        Hot paths (has this article been seen? was this reminder sent?) ask this thousands
        of times per poll; a deep copy each time was most of their cost.
        """
        return self._read_table().get(str(doc_id))

    def peek_all(self) -> Mapping[str, Mapping[str, Any]]:
        """Every stored document by id, uncopied (as ``peek``): a scan of 100,000 articles
        through TinyDB's iteration copies each one (~0.1 s, on the loop, at every start)."""
        return self._read_table()

    def update(self, fields: Any, cond: Any = None, doc_ids: Any = None) -> list[Any]:
        """As TinyDB's; setting fields of documents by id merges them without a deep copy.

        TinyDB's updater changes each document in place, so ``_ChangeView`` hands it a deep
        copy: for an event with its coverage and history that copy was most of the cost
        of saving it (every ``upsert`` by key comes here).
        """
        if callable(fields) or cond is not None or doc_ids is None:
            return super().update(fields, cond=cond, doc_ids=doc_ids)
        sink = _sink(self._storage)
        live = sink.table_data(self.name) if sink is not None else {}
        updated: list[Any] = []

        def merge(view: MutableMapping[str, Doc]) -> None:
            for doc_id in doc_ids:
                current = live.get(str(doc_id))
                if current is not None:  # missing ids are skipped, as TinyDB does
                    updated.append(doc_id)
                    view[str(doc_id)] = {**current, **fields}

        self._update_table(merge)
        return updated

    def put_many(self, documents: Mapping[str, Doc]) -> None:
        """Write (insert or replace) these documents by key: one journal line, one fsync."""

        def put(view: MutableMapping[str, Doc]) -> None:
            for key, document in documents.items():
                view[key] = document

        self._update_table(put)

    def _update_table(self, updater: Callable[[Any], None]) -> None:
        storage = _sink(self._storage)
        assert storage is not None, "JournalTable needs a JournalStorage"
        view = _ChangeView(storage.table_data(self.name))
        updater(view)
        sets, deletes = view.changes()
        if sets or deletes:
            storage.apply(self.name, sets, deletes)
        self.clear_cache()
