"""An event's history: every change of status, time, place or title, who made it and why.

The history lives in the event's own record, newest last, and is cut to ``MAX_HISTORY``
entries: the record is rewritten whole (one journal line) on every save, so an unbounded
history would make every edit of a long-lived event slower and the database larger,
while 50 changes are years of a real summit's life. When entries are dropped, the oldest go.

Values are text: a status name, a place, a title, or a time written as
``<start ISO>/<end ISO> <zone>`` (wall clocks with their offsets), so the history reads
back exactly as written even if the event's zone rules change later. A time known only to
the month or year ends with its precision (``2025-12-01/2026-01-01 Asia/Kolkata month``):
setting its day later is a change of time, told as "Date set".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from calendars.errors import InvalidEvent
from calendars.event_fields import clean_field
from calendars.i18n import _
from calendars.time.precision import Precision
from calendars.translations import is_translation_key
from calendars.urls import http_url_problem

if TYPE_CHECKING:
    from calendars.events import Event

__all__ = [
    "MAX_HISTORY",
    "MAX_NOTE",
    "TRACKED",
    "Change",
    "check_note",
    "check_source",
    "day_set_at",
    "last_moved",
    "parse_time_value",
    "previous_starts",
    "time_precision",
    "time_value",
    "tracked_changes",
    "translation_changes",
]

MAX_HISTORY = 50
MAX_NOTE = 300
MAX_TRANSLATION_VALUE = 300  # a translated title or place fits whole; a description does not
TRACKED = ("status", "time", "place", "title")  # the order a change is told in
_SOURCE_EXAMPLE = '/editevent sco-2025 status=confirmed source=https://www.mea.gov.in/ note="MEA"'


def check_note(note: str) -> str:
    """A note as history keeps it: one line, at most ``MAX_NOTE`` characters."""
    return clean_field("the note", str(note), limit=MAX_NOTE, example=_SOURCE_EXAMPLE)


def check_source(url: str) -> str:
    """A source URL as history keeps it: http(s) only, checked as every URL is."""
    url = str(url).strip()
    if not url:
        return ""
    problem = http_url_problem(url)
    if problem is not None:
        raise InvalidEvent(
            _("source {url} {problem}", url=repr(url[:80]), problem=problem),
            example=_SOURCE_EXAMPLE,
        )
    return url


@dataclass(frozen=True, slots=True, kw_only=True)
class Change:
    """One changed field: ``by`` is ``telegram:<id>``, ``seed``, ``import``,
    ``source <name>`` or ``system``."""

    at: datetime
    by: str
    field: str
    old: str
    new: str
    note: str = ""
    source: str = ""

    def __post_init__(self) -> None:
        if self.at.tzinfo is None:
            raise InvalidEvent("a change's time must be aware")
        if self.field not in TRACKED and not is_translation_key(self.field):
            raise InvalidEvent(f"history cannot track {self.field!r}")
        object.__setattr__(self, "note", check_note(self.note))
        object.__setattr__(self, "source", check_source(self.source))

    def to_record(self) -> dict[str, Any]:
        record = {"at": self.at.astimezone(UTC).isoformat(), "by": self.by, "field": self.field}
        record |= {"old": self.old, "new": self.new}
        if self.note:
            record["note"] = self.note
        if self.source:
            record["source"] = self.source
        return record

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> Change:
        field = str(record["field"])
        old, new = str(record["old"]), str(record["new"])
        if field == "status":  # written before "tentative" became "announced"
            old, new = _status_name(old), _status_name(new)
        return cls(
            at=datetime.fromisoformat(record["at"]),
            by=str(record["by"]),
            field=field,
            old=old,
            new=new,
            note=str(record.get("note", "")),
            source=str(record.get("source", "")),
        )


def _status_name(value: str) -> str:
    return "announced" if value == "tentative" else value


def time_value(event: Event) -> str:
    value = f"{event.start.isoformat()}/{event.end.isoformat()} {event.timezone}"
    return value if event.dated else f"{value} {event.precision.value}"


def time_precision(value: str) -> Precision:
    """How much of the date a ``time_value`` knew: ``day`` unless it says month or year."""
    last = value.rsplit(" ", 1)[-1]
    return Precision(last) if last in (Precision.MONTH, Precision.YEAR) else Precision.DAY


def parse_time_value(value: str) -> tuple[date | datetime, date | datetime, str] | None:
    """(start, end, zone) of a ``time_value`` (:func:`time_precision` says how much of it
    is known); None for text that is not one."""
    if time_precision(value) is not Precision.DAY:
        value = value.rsplit(" ", 1)[0]
    try:
        span, zone = value.rsplit(" ", 1)
        first, last = span.split("/", 1)
        if "T" in first:
            return datetime.fromisoformat(first), datetime.fromisoformat(last), zone
        return date.fromisoformat(first), date.fromisoformat(last), zone
    except ValueError:
        return None


def _values(event: Event) -> dict[str, str]:
    return {
        "status": event.status.value,
        "time": time_value(event),
        "place": event.location,
        "title": event.title,
    }


def tracked_changes(
    before: Event, after: Event, *, at: datetime, by: str, note: str = "", source: str = ""
) -> tuple[Change, ...]:
    """The history entries for going from ``before`` to ``after`` (none when nothing
    tracked changed). Times compare as instants: see ``same_moment``."""
    from calendars.events import same_moment  # events imports this module

    old, new = _values(before), _values(after)
    moved = not (
        same_moment(before.start, after.start)
        and same_moment(before.end, after.end)
        and before.timezone == after.timezone
        and before.precision is after.precision
    )
    return tuple(
        Change(at=at, by=by, field=name, old=old[name], new=new[name], note=note, source=source)
        for name in TRACKED
        if (moved if name == "time" else old[name] != new[name])
    )


def translation_changes(
    before: Event, after: Event, *, at: datetime, by: str, note: str = "", source: str = ""
) -> tuple[Change, ...]:
    """History entries for translations set, changed or removed (field ``title.hi``).

    Kept apart from :func:`tracked_changes`, which decides change alerts: a translation
    changes no time, place or title of the event itself, so nobody is alerted for one.
    A description's text is kept to ``MAX_TRANSLATION_VALUE`` characters: 50 entries of
    4,000 would make every save of the record slow.
    """
    old, new = before.translations.named(), after.translations.named()
    return tuple(
        Change(
            at=at,
            by=by,
            field=key,
            old=_shortened(old.get(key, "")),
            new=_shortened(new.get(key, "")),
            note=note,
            source=source,
        )
        for key in sorted(old.keys() | new.keys())
        if old.get(key, "") != new.get(key, "")
    )


def _shortened(text: str) -> str:
    return text if len(text) <= MAX_TRANSLATION_VALUE else text[: MAX_TRANSLATION_VALUE - 1] + "…"


def previous_starts(event: Event) -> list[datetime]:
    """The instants (UTC) the event was due to start at before its time last changed."""
    starts = []
    for change in event.history:
        parsed = parse_time_value(change.old) if change.field == "time" else None
        if parsed is not None:
            starts.append(_instant(parsed[0], parsed[2]))
    return starts


def day_set_at(event: Event) -> datetime | None:
    """When the event last got its day after being known only to the month or year,
    if the history still holds it: reminders due before then were never owed."""
    sets = [
        change.at
        for change in event.history
        if change.field == "time"
        and time_precision(change.old) is not Precision.DAY
        and time_precision(change.new) is Precision.DAY
    ]
    return max(sets, default=None)


def last_moved(event: Event) -> datetime | None:
    """When the event's time last changed, if the history still holds it."""
    moves = [change.at for change in event.history if change.field == "time"]
    return max(moves, default=None)


def _instant(value: date | datetime, zone: str) -> datetime:
    from calendars.events import instant_in  # events imports this module

    return instant_in(value, zone)
