"""Suggestions from the news, and the names admins added to the watch list.

Both outlive restarts: an ignored meeting stays ignored (a new article about it merges
into it quietly), an added one remembers its event, and ``/watch add`` is not undone by a
restart.
"""

from __future__ import annotations

from typing import Any, cast

from tinydb.table import Table

from bot.store.documents import by_key, keyed
from calendars.news.announcements import WatchName
from calendars.news.suggestions import Suggestion, SuggestionState

__all__ = ["SuggestionLog", "WatchAdditions"]


class SuggestionLog:
    """Suggestions by id, newest state only."""

    def __init__(self, table: Table) -> None:
        self._table = table

    def get(self, suggestion_id: str) -> Suggestion | None:
        record = by_key(self._table, suggestion_id)
        return Suggestion.from_record(suggestion_id, record) if record is not None else None

    def all(self) -> list[Suggestion]:
        return [Suggestion.from_record(str(d.doc_id), dict(d)) for d in self._table]

    def in_state(self, state: SuggestionState) -> list[Suggestion]:
        return [s for s in self.all() if s.state is state]

    def save(self, suggestion: Suggestion) -> None:
        self._table.upsert(keyed(suggestion.to_record(), suggestion.id))

    def remove(self, suggestion_ids: list[str]) -> None:
        if suggestion_ids:
            self._table.remove(doc_ids=cast(Any, suggestion_ids))

    def __len__(self) -> int:
        return len(self._table)


class WatchAdditions:
    """Names added with ``/watch add``, by their lower-cased name; applied over watch.toml."""

    def __init__(self, table: Table) -> None:
        self._table = table

    def all(self) -> list[WatchName]:
        return [
            WatchName(
                name=str(d["name"]),
                kind=str(d.get("kind", "person")),
                aliases=tuple(d.get("aliases", ())),
                topics=tuple(d.get("topics", ())),
            )
            for d in self._table
        ]

    def save(self, name: WatchName) -> None:
        doc = {
            "name": name.name,
            "kind": name.kind,
            "aliases": list(name.aliases),
            "topics": list(name.topics),
        }
        self._table.upsert(keyed(doc, name.name.casefold()))

    def remove(self, name: str) -> bool:
        key = name.casefold()
        if by_key(self._table, key) is None:
            return False
        self._table.remove(doc_ids=cast(Any, [key]))
        return True
