"""Change alerts waiting to be sent: one per event, kept across restarts."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, cast

from tinydb.table import Document, Table

from calendars.events import Event

__all__ = ["PendingAlert", "PendingAlerts"]


@dataclass(frozen=True, slots=True)
class PendingAlert:
    """An event's state before its first unsent change, and when the alert goes out.

    ``sending`` is the SEQUENCE of the version being sent, once sending has begun: a
    change made while it is sent starts a new alert instead of being lost.
    """

    before: Event
    first_at: datetime
    due: datetime
    sending: int | None = None

    def to_record(self) -> dict[str, Any]:
        return {
            "before": self.before.to_record(),
            "first_at": self.first_at.astimezone(UTC).isoformat(),
            "due": self.due.astimezone(UTC).isoformat(),
            "sending": self.sending,
        }

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> PendingAlert:
        return cls(
            before=Event.from_record(record["before"]),
            first_at=datetime.fromisoformat(record["first_at"]),
            due=datetime.fromisoformat(record["due"]),
            sending=record.get("sending"),
        )


class PendingAlerts:
    """Keyed by event id: a second change before the send merges into the first."""

    def __init__(self, table: Table) -> None:
        self._table = table

    def get(self, event_id: str) -> PendingAlert | None:
        doc = self._table.get(doc_id=cast(Any, event_id))
        return PendingAlert.from_record(doc) if isinstance(doc, dict) else None

    def put(self, event_id: str, alert: PendingAlert) -> None:
        self._table.upsert(Document(alert.to_record(), doc_id=cast(Any, event_id)))

    def remove(self, event_id: str) -> None:
        if self._table.get(doc_id=cast(Any, event_id)) is not None:
            self._table.remove(doc_ids=[cast(Any, event_id)])

    def ids(self) -> list[str]:
        return [str(doc.doc_id) for doc in self._table]

    def __len__(self) -> int:
        return len(self._table)
