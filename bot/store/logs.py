"""The app's running record: what was delivered, what admins did, broadcasts under way."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, cast

from tinydb.table import Table

from bot.store.documents import keyed, peek
from bot.store.tables import JournalTable

__all__ = ["AuditLog", "BroadcastLog", "DeliveryLog"]


class DeliveryLog:
    """What was delivered, keyed by a delivery key, so restarts neither repeat nor drop."""

    DONE = frozenset({"sent", "skipped"})

    def __init__(self, table: Table) -> None:
        self._table = table

    def is_done(self, key: str) -> bool:
        doc = peek(self._table, key)
        return doc is not None and doc.get("status") in self.DONE

    def record(self, key: str, status: str, *, at: datetime, detail: str = "") -> None:
        doc = {"status": status, "at": at.astimezone(UTC).isoformat(), "detail": detail}
        self._table.upsert(keyed(doc, key))

    def record_many(self, outcomes: Mapping[str, tuple[str, datetime]]) -> None:
        """Record many outcomes (key: status, when) durably at once: one fsync for all."""
        documents = {
            key: {"status": status, "at": at.astimezone(UTC).isoformat(), "detail": ""}
            for key, (status, at) in outcomes.items()
        }
        if isinstance(self._table, JournalTable):
            self._table.put_many(documents)
            return
        for key, document in documents.items():  # a plain TinyDB table (never in the app)
            self._table.upsert(keyed(document, key))

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
            self._table.upsert(keyed(record, key))
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
        self._table.upsert(keyed(doc, broadcast_id))

    def finish(self, broadcast_id: str) -> None:
        self._table.update({"done": True}, doc_ids=[cast(Any, broadcast_id)])

    def unfinished(self) -> list[tuple[str, str]]:
        """(id, html) of every broadcast that was still being sent."""
        return [(str(d.doc_id), d["html"]) for d in self._table if not d.get("done")]
