"""TinyDB documents by natural string key: the three ways every repository reads and writes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from tinydb.table import Document, Table

from bot.store.journal import JournalTable

__all__ = ["by_key", "keyed", "peek", "peek_all"]


def keyed(data: dict[str, Any], key: str) -> Document:
    # tinydb types document ids as int; JournalTable uses natural string keys.
    return Document(data, doc_id=cast(Any, key))


def by_key(table: Table, key: str) -> dict[str, Any] | None:
    doc = table.get(doc_id=cast(Any, key))
    return dict(doc) if isinstance(doc, dict) else None


def peek(table: Table, key: str) -> Mapping[str, Any] | None:
    """A stored document, uncopied and read-only (see ``JournalTable.peek``)."""
    if isinstance(table, JournalTable):
        return table.peek(key)
    return by_key(table, key)


def peek_all(table: Table) -> Mapping[str, Mapping[str, Any]]:
    """Every stored document by id, uncopied and read-only (see ``JournalTable.peek_all``)."""
    if isinstance(table, JournalTable):
        return table.peek_all()
    return {str(doc.doc_id): doc for doc in table}
