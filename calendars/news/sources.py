"""A news source: one RSS/Atom address we poll, and what polling it has learnt.

Its id is derived from the normalised URL, so the same address is always the same source
(and admins can type the short id). The polling schedule is pure arithmetic here: after
errors the next poll backs off exponentially up to a day, and a source failing
``FAILING_AFTER`` times in a row is flagged in ``/feeds`` rather than retried at full rate.
"""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from calendars.news.articles import normalise_link
from calendars.polling import FAILING_AFTER, MAX_BACKOFF, backoff

__all__ = ["FAILING_AFTER", "MAX_BACKOFF", "NewsSource", "source_id_for"]


def source_id_for(url: str) -> str:
    """A short stable id admins can type: the same URL always gets the same id."""
    return "f" + hashlib.blake2b(normalise_link(url).encode(), digest_size=4).hexdigest()


def _moment(value: Any) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


@dataclass(frozen=True, slots=True, kw_only=True)
class NewsSource:
    """One watched address; immutable: every poll stores a new version (``replace``)."""

    id: str
    url: str
    title: str = ""
    tags: tuple[str, ...] = ()
    backfill: bool = False
    added_by: str = ""
    added_at: datetime
    next_poll: datetime
    errors: int = 0
    items_seen: int = 0
    polls: int = 0
    etag: str | None = None
    last_modified: str | None = None
    last_success: datetime | None = None
    last_poll: datetime | None = None
    last_error: str | None = None
    last_error_at: datetime | None = None
    warning: str | None = None

    @property
    def name(self) -> str:
        return self.title or self.url

    @property
    def failing(self) -> bool:
        return self.errors >= FAILING_AFTER

    @property
    def first_poll(self) -> bool:
        """Never polled successfully: what is there now is old news (unless backfilled)."""
        return self.last_success is None

    def validators(self) -> dict[str, str]:
        """Headers for a conditional GET: a 304 costs the source and us nothing."""
        headers = {}
        if self.etag:
            headers["If-None-Match"] = self.etag
        if self.last_modified:
            headers["If-Modified-Since"] = self.last_modified
        return headers

    def succeeded(
        self,
        *,
        at: datetime,
        interval: timedelta,
        etag: str | None,
        last_modified: str | None,
        seen: int,
        title: str | None = None,
        warning: str | None = None,
    ) -> NewsSource:
        return dataclasses.replace(
            self,
            etag=etag or self.etag,
            last_modified=last_modified or self.last_modified,
            last_success=at,
            last_poll=at,
            next_poll=at + interval,
            errors=0,
            warning=warning,
            items_seen=self.items_seen + seen,
            polls=self.polls + 1,
            title=self.title or title or "",
        )

    def failed(self, error: str, *, at: datetime, interval: timedelta) -> NewsSource:
        errors = self.errors + 1
        return dataclasses.replace(
            self,
            errors=errors,
            last_error=error,
            last_error_at=at,
            last_poll=at,
            next_poll=at + backoff(interval, errors),
            polls=self.polls + 1,
        )

    def to_record(self) -> dict[str, Any]:
        record: dict[str, Any] = {}
        for spec in dataclasses.fields(self):
            value = getattr(self, spec.name)
            if isinstance(value, datetime):
                value = value.isoformat()
            elif isinstance(value, tuple):
                value = list(value)
            record[spec.name] = value
        del record["id"]  # the document's key
        return record

    @classmethod
    def from_record(cls, source_id: str, record: dict[str, Any]) -> NewsSource:
        moments = ("added_at", "next_poll", "last_success", "last_poll", "last_error_at")
        fields = {spec.name for spec in dataclasses.fields(cls)}
        values = {k: v for k, v in record.items() if k in fields and k != "id"}
        for key in moments:
            values[key] = _moment(values.get(key))
        values["added_at"] = values["added_at"] or values["next_poll"]
        values["tags"] = tuple(values.get("tags") or ())
        return cls(id=source_id, **values)
