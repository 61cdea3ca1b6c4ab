"""The event: one summit, visit or meeting, validated the moment it is built.

Times are data: a timed event holds aware datetimes in the IANA zone of the place where
it happens; an all-day event holds dates, and ``timezone`` says where its days begin
(so "the summit has begun" means midnight in Tianjin, not in the reader's city).
``end`` is exclusive, as in iCalendar: an all-day event on 4-5 December ends on 6 December.
"""

from __future__ import annotations

import dataclasses
import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from calendars.errors import InvalidEvent
from calendars.text import clean_text
from calendars.time.zones import zone_or_none
from calendars.urls import http_url_problem

logger = logging.getLogger(__name__)

__all__ = [
    "MAX_COVERAGE",
    "MAX_DURATION",
    "TEXT_LIMITS",
    "Coverage",
    "Event",
    "Status",
    "normalise_tag",
    "same_moment",
    "validate_slug",
]

SLUG_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # C0 but tab/LF, DEL, C1
MAX_DURATION = timedelta(days=366)
EARLIEST_YEAR, LATEST_YEAR = 1900, 2199  # beyond these, zone arithmetic can overflow
TEXT_LIMITS = {"title": 200, "location": 300, "description": 4000}


MAX_COVERAGE = 10


@dataclass(frozen=True, slots=True)
class Coverage:
    """An article about the event, as the event keeps it: enough to list and link it."""

    title: str
    url: str
    source: str = ""
    published: datetime | None = None

    def to_record(self) -> dict[str, Any]:
        published = self.published.astimezone(UTC).isoformat() if self.published else None
        return {"title": self.title, "url": self.url, "source": self.source, "published": published}

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> Coverage:
        published = record.get("published")
        return cls(
            title=str(record["title"]),
            url=str(record["url"]),
            source=str(record.get("source", "")),
            published=datetime.fromisoformat(published) if published else None,
        )


class Status(StrEnum):
    """Whether the event is on; cancelled events stay in feeds so calendars remove them."""

    CONFIRMED = "confirmed"
    TENTATIVE = "tentative"
    CANCELLED = "cancelled"


def validate_slug(value: str, *, what: str = "id") -> str:
    """Ids and tags appear in URLs and commands, so they are lower-case slugs."""
    if not SLUG_RE.match(value):
        raise InvalidEvent(
            f"{what} {value!r} must be 1-64 lower-case letters, digits or dashes, "
            "starting and ending with a letter or digit",
            example="sco-tianjin-2025" if what == "id" else "india-russia",
        )
    return value


def normalise_tag(value: str) -> str:
    """Tags are typed by people: ``India-Russia`` and ``#india-russia`` mean the same topic."""
    return validate_slug(value.strip().lstrip("#").lower(), what="tag")


def _clean_text(name: str, value: str, *, multiline: bool = False, required: bool = False) -> str:
    if not isinstance(value, str):
        raise InvalidEvent(f"{name} must be text")
    control = _CONTROL_RE.search(value)
    if control:
        raise InvalidEvent(
            f"{name} contains control characters (U+{ord(control.group()):04X} at character "
            f"{control.start() + 1}); write plain text"
        )
    # Bidi overrides and zero-width characters would reorder or hide what readers see.
    value = clean_text(value)
    value = value.strip() if multiline else " ".join(value.split())
    if required and not value:
        raise InvalidEvent(f"{name} must not be empty", example="SCO Summit 2025")
    limit = TEXT_LIMITS[name]
    if len(value) > limit:
        raise InvalidEvent(f"{name} is {len(value)} characters long; the limit is {limit}")
    return value


def _clean_url(value: str) -> str:
    """The URL exactly as stored: one line of printable characters, http or https."""
    if not isinstance(value, str):
        raise InvalidEvent("source URL must be text", example=_URL_EXAMPLE)
    value = value.strip()
    problem = http_url_problem(value)
    if problem is not None:
        raise InvalidEvent(f"source URL {value[:80]!r} {problem}", example=_URL_EXAMPLE)
    return value


_URL_EXAMPLE = "https://www.mea.gov.in/press-releases.htm?dtl=1&lang=en"


def _stored_urls(values: Iterable[Any], event_id: object) -> tuple[str, ...]:
    """Stored URLs that today's rules accept: one written under older rules must not stop
    the database from loading; it is dropped and logged instead."""
    kept = []
    for value in values:
        try:
            kept.append(_clean_url(value))
        except InvalidEvent as exc:
            logger.warning("event.url_dropped event=%s reason=%r", event_id, exc.message)
    return tuple(kept)


def _unique(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))


@dataclass(frozen=True, slots=True, kw_only=True)
class Event:
    """A tracked diplomatic event; build changed copies with :meth:`revised`."""

    id: str
    title: str
    start: date | datetime
    end: date | datetime
    timezone: str = "UTC"
    location: str = ""
    description: str = ""
    tags: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    urls: tuple[str, ...] = ()
    status: Status = Status.CONFIRMED
    coverage: tuple[Coverage, ...] = ()  # latest first; matched news articles
    sequence: int = 0
    created: datetime = field(default_factory=lambda: datetime.now(UTC))
    updated: datetime = field(default_factory=lambda: datetime.now(UTC))

    def __post_init__(self) -> None:
        validate_slug(self.id)
        self._set("title", _clean_text("title", self.title, required=True))
        self._set("location", _clean_text("location", self.location))
        self._set("description", _clean_text("description", self.description, multiline=True))
        self._set("tags", _unique(normalise_tag(t) for t in self.tags))
        self._set("keywords", self._checked_keywords())
        self._set("urls", _unique(_clean_url(u) for u in self.urls))
        self._set("status", self._checked_status())
        zone = zone_or_none(self.timezone)
        if zone is None:
            raise InvalidEvent(
                f"unknown time zone {self.timezone!r}; use an IANA name",
                example="Asia/Kolkata",
            )
        self._set("timezone", zone.key)
        self._check_times(zone)
        if len(self.tags) > 20 or len(self.keywords) > 50 or len(self.urls) > 20:
            raise InvalidEvent("at most 20 tags, 50 keywords and 20 source URLs")
        if len(self.coverage) > MAX_COVERAGE:
            self._set("coverage", self.coverage[:MAX_COVERAGE])
        if self.sequence < 0:
            raise InvalidEvent("sequence must not be negative")
        for name in ("created", "updated"):
            stamp = getattr(self, name)
            if not isinstance(stamp, datetime) or stamp.tzinfo is None:
                raise InvalidEvent(f"{name} must be an aware datetime")

    def _set(self, name: str, value: object) -> None:
        object.__setattr__(self, name, value)

    def _checked_keywords(self) -> tuple[str, ...]:
        keywords = []
        for word in self.keywords:
            word = " ".join(str(word).split())
            if not word or len(word) > 64 or _CONTROL_RE.search(word):
                raise InvalidEvent(f"keyword {word!r} must be 1-64 characters", example="S-400")
            keywords.append(word)
        return _unique(keywords)

    def _checked_status(self) -> Status:
        try:
            return Status(str(self.status).lower())
        except ValueError:
            choices = ", ".join(s.value for s in Status)
            raise InvalidEvent(
                f"status {self.status!r} is not one of {choices}", example="status=tentative"
            ) from None

    def _check_times(self, zone: ZoneInfo) -> None:
        start, end = self.start, self.end
        if not all(EARLIEST_YEAR <= value.year <= LATEST_YEAR for value in (start, end)):
            raise InvalidEvent(
                f"dates must fall between {EARLIEST_YEAR} and {LATEST_YEAR}",
                example="2026-12-04 10:00 Asia/Kolkata",
            )
        if isinstance(start, datetime) and isinstance(end, datetime):
            if start.tzinfo is None or end.tzinfo is None:
                raise InvalidEvent("times must carry a time zone", example="Asia/Kolkata")
            # Through UTC, so a wall time that does not exist (a DST gap) becomes a real one.
            start, end = (
                start.astimezone(UTC).astimezone(zone),
                end.astimezone(UTC).astimezone(zone),
            )
            self._set("start", start)
            self._set("end", end)
            # Instants, not wall clocks: within one zone Python ignores ``fold``, so 02:30
            # (first pass) to 02:30 (second pass) of a fall-back night would read as zero.
            duration = end.astimezone(UTC) - start.astimezone(UTC)
        elif not isinstance(start, datetime) and not isinstance(end, datetime):
            duration = end - start
        else:
            raise InvalidEvent(
                "start and end must both be dates (all-day) or both be times",
                example="2026-12-04 10:00 - 2026-12-05 18:00 Asia/Kolkata",
            )
        if duration <= timedelta(0):
            raise InvalidEvent(
                "the event must end after it starts",
                example="2026-12-04 10:00 - 2026-12-04 18:00 Asia/Kolkata",
            )
        if duration > MAX_DURATION:
            raise InvalidEvent("an event may last at most 366 days")

    # ---- derived views -------------------------------------------------------------

    @property
    def all_day(self) -> bool:
        return not isinstance(self.start, datetime)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def cancelled(self) -> bool:
        return self.status is Status.CANCELLED

    @property
    def starts_at(self) -> datetime:
        """The instant (UTC) the event begins: midnight in its own zone when all-day."""
        return _instant(self.start, self.zone)

    @property
    def ends_at(self) -> datetime:
        return _instant(self.end, self.zone)

    @property
    def last_day(self) -> date:
        """The last calendar day the event covers, as people write ranges (inclusive)."""
        if isinstance(self.end, datetime):
            return (self.end - timedelta(microseconds=1)).date()
        return self.end - timedelta(days=1)

    def has_begun(self, now: datetime) -> bool:
        return now >= self.starts_at

    def is_over(self, now: datetime) -> bool:
        return now >= self.ends_at

    def follows_topics(self, topics: Iterable[str] | None) -> bool:
        """True when a subscriber following ``topics`` (None: everything) wants this event."""
        if topics is None:
            return True
        return not set(self.tags).isdisjoint(topics)

    def revised(self, *, now: datetime, **changes: Any) -> Event:
        """A copy with ``changes`` applied, ``SEQUENCE`` bumped and ``updated`` set to now.

        Calendars only replace an event they already hold when SEQUENCE grows, so every
        visible change goes through here.
        """
        for forbidden in ("id", "sequence", "created", "updated"):
            if forbidden in changes:
                raise InvalidEvent(f"{forbidden} cannot be edited")
        return dataclasses.replace(self, sequence=self.sequence + 1, updated=now, **changes)

    def as_new(self, *, now: datetime) -> Event:
        """The event as first stored: SEQUENCE 0, created and updated ``now``."""
        return dataclasses.replace(self, sequence=0, created=now, updated=now)

    # ---- storage form ----------------------------------------------------------------

    def to_record(self) -> dict[str, Any]:
        """A JSON-ready dict: wall-clock times plus the zone name, so tz rule updates apply."""
        return {
            "id": self.id,
            "title": self.title,
            "start": _wall_clock(self.start),
            "end": _wall_clock(self.end),
            "timezone": self.timezone,
            "location": self.location,
            "description": self.description,
            "tags": list(self.tags),
            "keywords": list(self.keywords),
            "urls": list(self.urls),
            "status": self.status.value,
            "coverage": [item.to_record() for item in self.coverage],
            "sequence": self.sequence,
            "created": self.created.astimezone(UTC).isoformat(),
            "updated": self.updated.astimezone(UTC).isoformat(),
        }

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> Event:
        zone = zone_or_none(record["timezone"])
        if zone is None:
            raise InvalidEvent(f"unknown time zone {record['timezone']!r}")
        return cls(
            id=record["id"],
            title=record["title"],
            start=_from_wall_clock(record["start"], zone),
            end=_from_wall_clock(record["end"], zone),
            timezone=record["timezone"],
            location=record.get("location", ""),
            description=record.get("description", ""),
            tags=tuple(record.get("tags", ())),
            keywords=tuple(record.get("keywords", ())),
            urls=_stored_urls(record.get("urls", ()), record["id"]),
            status=Status(record.get("status", "confirmed")),
            coverage=tuple(Coverage.from_record(c) for c in record.get("coverage", ())),
            sequence=int(record.get("sequence", 0)),
            created=datetime.fromisoformat(record["created"]),
            updated=datetime.fromisoformat(record["updated"]),
        )


def same_moment(first: date | datetime, second: date | datetime) -> bool:
    """Whether two starts (or ends) are the same: instants for times, days for dates.

    ``==`` on two datetimes of one zone compares wall clocks and ignores ``fold``, so the
    two passes of a repeated hour would look equal.
    """
    if isinstance(first, datetime) and isinstance(second, datetime):
        return first.astimezone(UTC) == second.astimezone(UTC)
    if isinstance(first, datetime) or isinstance(second, datetime):
        return False
    return first == second


def _instant(value: date | datetime, zone: ZoneInfo) -> datetime:
    """In UTC: arithmetic on datetimes of one zone is wall-clock arithmetic (PEP 495),
    and "one hour before" must stay one real hour across a DST change."""
    if not isinstance(value, datetime):
        value = datetime.combine(value, time(0), tzinfo=zone)
    return value.astimezone(UTC)


def _wall_clock(value: date | datetime) -> str:
    return value.isoformat()  # a datetime keeps its offset, which settles a DST fold


def _from_wall_clock(text: str, zone: ZoneInfo) -> date | datetime:
    """Wall-clock time in ``zone``; the stored offset only picks between folded hours."""
    if "T" not in text:
        return date.fromisoformat(text)
    parsed = datetime.fromisoformat(text)
    wall = parsed.replace(tzinfo=None)
    for fold in (0, 1):
        candidate = wall.replace(tzinfo=zone, fold=fold)
        if candidate.utcoffset() == parsed.utcoffset():
            return candidate
    return wall.replace(tzinfo=zone)  # the zone's rules changed: keep the wall-clock time
