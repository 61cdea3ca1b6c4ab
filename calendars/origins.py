"""Where an event came from, when an upstream calendar (issue 12) gives it to us.

An upstream event is ours by (source, UID, RECURRENCE-ID): those three stay the same
from poll to poll while everything else may change, so they make its stable slug id,
and re-polls update the same event instead of adding copies. ``FOLLOWED_FIELDS`` follow
the source; an admin's edit of one of them pins it (``Event.pinned``), and from then on
that field is the admin's.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from calendars.errors import InvalidEvent

__all__ = ["FOLLOWED_FIELDS", "Origin", "check_pinned", "upstream_event_id"]

# What an upstream calendar decides about its events (our tags, keywords and coverage
# are ours: a source's topics are set once, when the event is added).
FOLLOWED_FIELDS: tuple[str, ...] = (
    "title",
    "start",
    "end",
    "timezone",
    "location",
    "description",
    "urls",
    "status",
)


@dataclass(frozen=True, slots=True)
class Origin:
    """The upstream entry of an event: source id, UID and RECURRENCE-ID (None: no series)."""

    source: str
    uid: str
    recurrence_id: str | None = None

    def to_record(self) -> dict[str, Any]:
        return {"source": self.source, "uid": self.uid, "recurrence_id": self.recurrence_id}

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> Origin:
        recurrence_id = record.get("recurrence_id")
        return cls(
            source=str(record["source"]),
            uid=str(record["uid"]),
            recurrence_id=str(recurrence_id) if recurrence_id is not None else None,
        )


def upstream_event_id(source_id: str, uid: str, recurrence_id: str | None) -> str:
    """``<source id>-<hash>``: the same entry of the same source always gets the same id."""
    key = f"{uid}\x1f{recurrence_id or ''}".encode("utf-8", "replace")
    return f"{source_id}-{hashlib.blake2b(key, digest_size=6).hexdigest()}"


def check_pinned(names: Iterable[str]) -> frozenset[str]:
    """Only fields a source follows can be pinned: anything else is a bug or a bad record."""
    pinned = frozenset(names)
    unknown = pinned - set(FOLLOWED_FIELDS)
    if unknown:
        raise InvalidEvent(f"pinned fields must be among {', '.join(FOLLOWED_FIELDS)}")
    return pinned
