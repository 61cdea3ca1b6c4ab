"""An upstream source: one iCalendar URL we poll for events, and what polling it learnt.

Like a news source, its id comes from the normalised URL (the same address is the same
source; admins type the short id), and its schedule is ``calendars.polling``'s. Beside the
HTTP validators it keeps a hash of the last body applied, so a server that ignores
conditional GETs but sends the same bytes costs no parse; the events it gave us that
went missing (``missing``: poll counts, see ``plan``); and a change held for an admin.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from calendars.news.articles import normalise_link
from calendars.polling import FAILING_AFTER, backoff

__all__ = ["HeldChange", "PollSummary", "UpstreamSource", "body_hash", "upstream_source_id"]


def upstream_source_id(url: str) -> str:
    """A short stable id admins can type (``s`` and 8 hex digits) for the same URL."""
    return "s" + hashlib.blake2b(normalise_link(url).encode(), digest_size=4).hexdigest()


def body_hash(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


@dataclass(frozen=True, slots=True)
class HeldChange:
    """A poll that would have changed too much at once, waiting for /applysource."""

    at: datetime
    body_hash: str
    adds: int
    updates: int
    cancels: int
    missing: int  # gone from this poll for the first time
    base: int  # the source's live events before it

    @property
    def total(self) -> int:
        return self.adds + self.updates + self.cancels + self.missing

    def to_record(self) -> dict[str, Any]:
        record = dataclasses.asdict(self)
        record["at"] = self.at.isoformat()
        return record

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> HeldChange:
        values = dict(record)
        values["at"] = datetime.fromisoformat(values["at"])
        return cls(**values)


@dataclass(frozen=True, slots=True)
class PollSummary:
    """What the last parsed poll found: events, and the skipped ones grouped by reason."""

    events: int = 0
    skipped: tuple[tuple[str, int], ...] = ()  # (reason, count), most frequent first
    left_out: int = 0  # over the per-source limit

    def to_record(self) -> dict[str, Any]:
        return {
            "events": self.events,
            "skipped": [list(pair) for pair in self.skipped],
            "left_out": self.left_out,
        }

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> PollSummary:
        skipped = tuple((str(reason), int(count)) for reason, count in record.get("skipped", ()))
        return cls(int(record.get("events", 0)), skipped, int(record.get("left_out", 0)))


_MOMENTS = ("added_at", "next_poll", "last_success", "last_poll", "last_error_at")


@dataclass(frozen=True, slots=True, kw_only=True)
class UpstreamSource:
    """One polled calendar; immutable: every poll stores a new version (``replace``)."""

    id: str
    url: str
    name: str
    topics: tuple[str, ...] = ()  # tags its events get
    zone: str | None = None  # where floating times are read; None: they are skipped
    interval: timedelta | None = None  # None: the SUMMITWATCH_SOURCE_INTERVAL setting
    added_by: str = ""
    added_at: datetime
    next_poll: datetime
    errors: int = 0
    polls: int = 0
    etag: str | None = None
    last_modified: str | None = None
    body_hash: str | None = None  # of the last body applied
    discarded_hash: str | None = None  # a held body an admin discarded: not read again
    last_success: datetime | None = None
    last_poll: datetime | None = None
    last_error: str | None = None
    last_error_at: datetime | None = None
    summary: PollSummary = PollSummary()
    missing: Mapping[str, int] = field(default_factory=dict)  # event id -> polls missing
    held: HeldChange | None = None

    @property
    def failing(self) -> bool:
        return self.errors >= FAILING_AFTER

    def every(self, default: timedelta) -> timedelta:
        return self.interval or default

    def validators(self) -> dict[str, str]:
        """Headers for a conditional GET; none while a change is held (it must be re-read)."""
        headers: dict[str, str] = {}
        if self.held is not None:
            return headers
        if self.etag:
            headers["If-None-Match"] = self.etag
        if self.last_modified:
            headers["If-Modified-Since"] = self.last_modified
        return headers

    def succeeded(self, *, at: datetime, interval: timedelta, **changes: Any) -> UpstreamSource:
        """After a poll that reached the calendar; ``changes``: validators, hash, summary..."""
        return dataclasses.replace(
            self,
            last_success=at,
            last_poll=at,
            next_poll=at + self.every(interval),
            errors=0,
            polls=self.polls + 1,
            **changes,
        )

    def failed(self, error: str, *, at: datetime, interval: timedelta) -> UpstreamSource:
        errors = self.errors + 1
        return dataclasses.replace(
            self,
            errors=errors,
            last_error=error,
            last_error_at=at,
            last_poll=at,
            next_poll=at + backoff(self.every(interval), errors),
            polls=self.polls + 1,
        )

    def to_record(self) -> dict[str, Any]:
        record: dict[str, Any] = {}
        for spec in dataclasses.fields(self):
            value = getattr(self, spec.name)
            if isinstance(value, datetime):
                value = value.isoformat()
            elif isinstance(value, timedelta):
                value = value.total_seconds()
            elif isinstance(value, tuple):
                value = list(value)
            elif isinstance(value, (PollSummary, HeldChange)):
                value = value.to_record()
            elif isinstance(value, Mapping):
                value = dict(value)
            record[spec.name] = value
        del record["id"]  # the document's key
        return record

    @classmethod
    def from_record(cls, source_id: str, record: Mapping[str, Any]) -> UpstreamSource:
        names = {spec.name for spec in dataclasses.fields(cls)}
        values = {k: v for k, v in record.items() if k in names and k != "id"}
        for key in _MOMENTS:
            values[key] = datetime.fromisoformat(values[key]) if values.get(key) else None
        values["topics"] = tuple(values.get("topics") or ())
        interval = values.get("interval")
        values["interval"] = timedelta(seconds=interval) if interval else None
        values["summary"] = PollSummary.from_record(values.get("summary") or {})
        values["missing"] = {str(k): int(v) for k, v in (values.get("missing") or {}).items()}
        held = values.get("held")
        values["held"] = HeldChange.from_record(held) if held else None
        return cls(id=source_id, **values)
