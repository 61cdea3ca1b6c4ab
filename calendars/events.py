"""The event: one summit, visit or meeting, validated the moment it is built.

Times are data: a timed event holds aware datetimes in the IANA zone of the place where
it happens; an all-day event holds dates, and ``timezone`` says where its days begin
(so "the summit has begun" means midnight in Tianjin, not in the reader's city).
``end`` is exclusive, as in iCalendar: an all-day event on 4-5 December ends on 6 December.
An event known only to its month or year (``precision``) is all-day over that whole period,
so it has begun on the 1st and is over (or concluded) only when the period is; see
:mod:`calendars.time.precision`.

Field checks live in :mod:`calendars.event_fields`. This module stays over 300 lines
because what is left is one idea, the event: its fields, derived views, ``revised`` (the
one way it changes, with its history), its record, and the ``Status`` and ``Coverage``
values it is made of.
"""

from __future__ import annotations

import copy
import dataclasses
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from calendars.errors import InvalidEvent
from calendars.event_fields import (
    EARLIEST_YEAR,
    LATEST_YEAR,
    MAX_DURATION,
    TEXT_LIMITS,
    _check_keywords,
    _check_period,
    _check_precision,
    _check_times,
    _clean_text,
    _clean_url,
    _stored_urls,
    _unique,
)
from calendars.history import (
    MAX_HISTORY,
    Change,
    check_note,
    check_source,
    tracked_changes,
    translation_changes,
)
from calendars.i18n import N_, _
from calendars.origins import Origin, check_pinned
from calendars.time.precision import Precision
from calendars.time.zones import zone_or_none
from calendars.translations import NO_TRANSLATIONS, Translations

__all__ = [
    "EARLIEST_YEAR",
    "LATEST_YEAR",
    "MAX_COVERAGE",
    "MAX_DURATION",
    "TEXT_LIMITS",
    "Coverage",
    "Event",
    "Origin",
    "Status",
    "instant_in",
    "normalise_tag",
    "same_moment",
    "validate_slug",
]

SLUG_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")


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
    """Where the event stands; cancelled events stay in feeds so calendars remove them.

    ``concluded`` is set by the system once the event has ended. ``tentative`` was the old
    name of ``announced``: records, seeds, imports and backups that say so still load
    (``Status.parse``), and ``Status.TENTATIVE`` is an alias for code written before.
    """

    RUMOURED = "rumoured"
    ANNOUNCED = "announced"
    CONFIRMED = "confirmed"
    POSTPONED = "postponed"
    CANCELLED = "cancelled"
    CONCLUDED = "concluded"
    TENTATIVE = "announced"  # the old name; an alias, so it lists nowhere

    @classmethod
    def parse(cls, value: object) -> Status:
        """A status from text (any case), the old ``tentative`` read as ``announced``."""
        text = str(value).strip().lower()
        return cls(_LEGACY_STATUS.get(text, text))


_LEGACY_STATUS = {"tentative": "announced"}


# Whole sentences per kind of slug, so each language words them its own way.
_SLUG_RULES = {
    "id": N_(
        "id {value} must be 1-64 lower-case letters, digits or dashes, starting and ending "
        "with a letter or digit"
    ),
    "tag": N_(
        "tag {value} must be 1-64 lower-case letters, digits or dashes, starting and ending "
        "with a letter or digit"
    ),
}


def validate_slug(value: str, *, what: str = "id") -> str:
    """Ids and tags appear in URLs and commands, so they are lower-case slugs."""
    if not SLUG_RE.match(value):
        rule = _SLUG_RULES.get(what, _SLUG_RULES["id"])
        raise InvalidEvent(
            _(rule, value=repr(value)),
            example="sco-tianjin-2025" if what == "id" else "india-russia",
        )
    return value


def normalise_tag(value: str) -> str:
    """Tags are typed by people: ``India-Russia`` and ``#india-russia`` mean the same topic."""
    return validate_slug(value.strip().lstrip("#").lower(), what="tag")


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
    precision: Precision = Precision.DAY  # month or year: all-day over that period, no day yet
    coverage: tuple[Coverage, ...] = ()  # latest first; matched news articles
    sequence: int = 0
    history: tuple[Change, ...] = ()  # oldest first, at most MAX_HISTORY (calendars.history)
    created: datetime = field(default_factory=lambda: datetime.now(UTC))
    updated: datetime = field(default_factory=lambda: datetime.now(UTC))
    origin: Origin | None = None  # the upstream calendar entry it comes from (issue 12)
    pinned: frozenset[str] = frozenset()  # fields an admin edited since: the source's no more
    translations: Translations = NO_TRANSLATIONS  # title/location/description per language

    def __post_init__(self) -> None:
        validate_slug(self.id)
        self._set("title", _clean_text("title", self.title, required=True))
        self._set("location", _clean_text("location", self.location))
        self._set("description", _clean_text("description", self.description, multiline=True))
        self._set("tags", _unique(normalise_tag(t) for t in self.tags))
        self._set("keywords", _check_keywords(self.keywords))
        self._set("urls", _unique(_clean_url(u) for u in self.urls))
        self._set("status", self._checked_status())
        zone = zone_or_none(self.timezone)
        if zone is None:
            raise InvalidEvent(
                f"unknown time zone {self.timezone!r}; use an IANA name",
                example="Asia/Kolkata",
            )
        self._set("timezone", zone.key)
        start, end = _check_times(self.start, self.end, zone)
        self._set("start", start)
        self._set("end", end)
        self._set("precision", _check_precision(self.precision))
        _check_period(start, end, self.precision)
        if len(self.tags) > 20 or len(self.keywords) > 50 or len(self.urls) > 20:
            raise InvalidEvent("at most 20 tags, 50 keywords and 20 source URLs")
        if len(self.coverage) > MAX_COVERAGE:
            self._set("coverage", self.coverage[:MAX_COVERAGE])
        if len(self.history) > MAX_HISTORY:
            self._set("history", self.history[-MAX_HISTORY:])
        if self.sequence < 0:
            raise InvalidEvent("sequence must not be negative")
        for name in ("created", "updated"):
            stamp = getattr(self, name)
            if not isinstance(stamp, datetime) or stamp.tzinfo is None:
                raise InvalidEvent(f"{name} must be an aware datetime")
        self._set("pinned", check_pinned(self.pinned))
        if not isinstance(self.translations, Translations):
            raise InvalidEvent("translations must be a Translations")

    def _set(self, name: str, value: object) -> None:
        object.__setattr__(self, name, value)

    def _checked_status(self) -> Status:
        try:
            return Status.parse(self.status)
        except ValueError:
            choices = ", ".join(s.value for s in Status)
            raise InvalidEvent(
                f"status {str(self.status)[:40]!r} is not one of {choices}",
                example="status=confirmed",
            ) from None

    # ---- derived views -------------------------------------------------------------

    @property
    def all_day(self) -> bool:
        return not isinstance(self.start, datetime)

    @property
    def dated(self) -> bool:
        """Whether its day is known: a month or year event has no reminders or feed entry."""
        return self.precision is Precision.DAY

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def cancelled(self) -> bool:
        return self.status is Status.CANCELLED

    @property
    def on_hold(self) -> bool:
        """Cancelled or postponed: its time is not when it happens, so nobody is reminded."""
        return self.status in (Status.CANCELLED, Status.POSTPONED)

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

    def due_to_conclude(self, now: datetime) -> bool:
        """Over, and still on record as happening (a postponed event has no end to pass)."""
        unsettled = self.status in (Status.RUMOURED, Status.ANNOUNCED, Status.CONFIRMED)
        return unsettled and self.is_over(now)

    def has_begun(self, now: datetime) -> bool:
        return now >= self.starts_at

    def is_over(self, now: datetime) -> bool:
        return now >= self.ends_at

    def follows_topics(self, topics: Iterable[str] | None) -> bool:
        """True when a subscriber following ``topics`` (None: everything) wants this event."""
        if topics is None:
            return True
        return not set(self.tags).isdisjoint(topics)

    def revised(
        self, *, now: datetime, by: str = "system", note: str = "", source: str = "", **changes: Any
    ) -> Event:
        """A copy with ``changes`` applied, ``SEQUENCE`` bumped and ``updated`` set to now.

        Calendars only replace an event they already hold when SEQUENCE grows, so every
        visible change goes through here, and so does its history: a change of status,
        time, place or title is recorded as made ``by`` whom, with an optional ``note``
        and ``source`` URL.
        """
        for forbidden in ("id", "sequence", "created", "updated", "history"):
            if forbidden in changes:
                raise InvalidEvent(f"{forbidden} cannot be edited")
        note, source = check_note(note), check_source(source)  # refused even if unused
        revised = dataclasses.replace(self, sequence=self.sequence + 1, updated=now, **changes)
        entries = tracked_changes(self, revised, at=now, by=by, note=note, source=source)
        entries += translation_changes(self, revised, at=now, by=by, note=note, source=source)
        if not entries:
            return revised
        return dataclasses.replace(revised, history=(*self.history, *entries))

    def with_coverage(self, coverage: Iterable[Coverage], *, now: datetime) -> Event:
        """``revised(now=now, coverage=coverage)``, without checking every field again.

        Coverage is no tracked field and every other field was checked when this event
        was built: a news cycle records coverage ~8,000 times, and re-running all the
        checks was most of the cost of each (~0.2 ms of a ~0.3 ms save).
        """
        if now.tzinfo is None:
            raise InvalidEvent("updated must be an aware datetime")
        revised = copy.copy(self)
        revised._set("coverage", tuple(coverage)[:MAX_COVERAGE])
        revised._set("sequence", self.sequence + 1)
        revised._set("updated", now)
        return revised

    def as_new(self, *, now: datetime) -> Event:
        """The event as first stored: SEQUENCE 0, created and updated ``now``."""
        return dataclasses.replace(self, sequence=0, created=now, updated=now)

    # ---- storage form ----------------------------------------------------------------

    def to_record(self) -> dict[str, Any]:
        """A JSON-ready dict: wall-clock times plus the zone name, so tz rule updates apply.

        ``translations`` only when there are some: records (and seed digests) of events
        without any stay as they were before translations existed.
        """
        record: dict[str, Any] = {
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
            "precision": self.precision.value,
            "coverage": [item.to_record() for item in self.coverage],
            "sequence": self.sequence,
            "history": [change.to_record() for change in self.history],
            "created": self.created.astimezone(UTC).isoformat(),
            "updated": self.updated.astimezone(UTC).isoformat(),
            "origin": self.origin.to_record() if self.origin else None,
            "pinned": sorted(self.pinned),
        }
        if self.translations:
            record["translations"] = self.translations.to_record()
        return record

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
            status=Status.parse(record.get("status", "confirmed")),
            precision=record.get("precision", Precision.DAY),
            coverage=tuple(Coverage.from_record(c) for c in record.get("coverage", ())),
            sequence=int(record.get("sequence", 0)),
            history=tuple(Change.from_record(c) for c in record.get("history", ())),
            created=datetime.fromisoformat(record["created"]),
            updated=datetime.fromisoformat(record["updated"]),
            origin=Origin.from_record(record["origin"]) if record.get("origin") else None,
            pinned=frozenset(record.get("pinned", ())),
            translations=Translations.from_mapping(record.get("translations")),
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


def instant_in(value: date | datetime, zone: str) -> datetime:
    """The instant (UTC) a start or end in ``zone`` names: midnight there for a date."""
    return _instant(value, ZoneInfo(zone))


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
