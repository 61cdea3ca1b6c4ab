"""Telegram updates received, and which of them were handled: exactly once across crashes.

An update is recorded here (durably, with its raw JSON) before Telegram is told it
arrived (the next ``getUpdates`` offset, or the webhook's 200); it is marked handled in
the same journal line that commits its handler's writes (``Store.handling``). So after
any crash an update is either handled with its effects saved, or unhandled with none of
them, and ``unfinished`` lists what to replay. The highest id recorded is where polling
resumes, so Telegram never hands back an update that was handled.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, cast

from tinydb.table import Document, Table

from calendars.errors import StoreCorrupted

__all__ = ["UpdateLog"]


class UpdateLog:
    def __init__(self, table: Table) -> None:
        self._table = table
        for doc in table:  # read back as the app will: refuse to guess at a damaged record
            raw = doc.get("raw")
            if not str(doc.doc_id).isdecimal() or not (raw is None or isinstance(raw, dict)):
                where = getattr(table.storage, "path", table.name)
                raise StoreCorrupted(str(where), f"updates record {doc.doc_id!r} is malformed")

    def _get(self, update_id: int) -> dict[str, Any] | None:
        doc = self._table.get(doc_id=cast(Any, str(update_id)))
        return dict(doc) if isinstance(doc, dict) else None

    def receive(self, update_id: int, raw: dict[str, Any], *, at: datetime) -> bool:
        """Record a new update (durable when this returns); False if already known."""
        if self._get(update_id) is not None:
            return False
        record = {"raw": raw, "done": False, "at": at.astimezone(UTC).isoformat()}
        self._table.insert(Document(record, doc_id=cast(Any, str(update_id))))
        return True

    def finish(self, update_id: int, *, at: datetime) -> None:
        """Mark handled (inside ``Store.handling``: committed with the handler's writes).

        The raw update is dropped: only the id is needed from now on.
        """
        key = cast(Any, str(update_id))
        if self._table.contains(doc_id=key):
            self._table.remove(doc_ids=[key])
        record = {"done": True, "at": at.astimezone(UTC).isoformat()}
        self._table.insert(Document(record, doc_id=key))

    def is_done(self, update_id: int) -> bool:
        record = self._get(update_id)
        return record is not None and bool(record.get("done"))

    def unfinished(self) -> list[dict[str, Any]]:
        """Raw JSON of updates received but not handled, oldest first."""
        docs = [d for d in self._table if not d.get("done") and isinstance(d.get("raw"), dict)]
        return [d["raw"] for d in sorted(docs, key=lambda d: int(d.doc_id))]

    def next_offset(self) -> int | None:
        """The ``getUpdates`` offset that confirms everything recorded (None: nothing yet)."""
        ids = [int(d.doc_id) for d in self._table]
        return max(ids) + 1 if ids else None

    def prune(self, *, older_than: datetime) -> int:
        """Forget handled updates older than ``older_than``, keeping the newest (the offset)."""
        cutoff = older_than.astimezone(UTC).isoformat()
        newest = (self.next_offset() or 0) - 1
        old = [
            d.doc_id
            for d in self._table
            if d.get("done") and _older(d.get("at"), cutoff) and int(d.doc_id) != newest
        ]
        if old:
            self._table.remove(doc_ids=old)
        return len(old)

    def __len__(self) -> int:
        return len(self._table)


def _older(at: object, cutoff: str) -> bool:
    """A handled update's time before ``cutoff``; one without a readable time counts as old."""
    return not isinstance(at, str) or at < cutoff
