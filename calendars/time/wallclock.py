"""Wall-clock times typed by people (admins, seed files): one rule for clock changes.

A time skipped when clocks jump forward is refused, naming the first real time after it;
a time that happens twice when clocks go back means its first pass (still summer time),
and :func:`repeated_hour_note` says so, for the reply to whoever typed it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from calendars.errors import InvalidWhen
from calendars.i18n import N_, _
from calendars.time.zones import zone_label, zone_warning

__all__ = ["is_repeated", "needs_utc", "repeated_hour_note", "time_notes", "wall_time"]


def wall_time(day: date, clock: time, zone: ZoneInfo, *, example: str | None = None) -> datetime:
    """``clock`` on ``day`` in ``zone``: the first pass of a repeated hour, never a skipped one."""
    wall = datetime.combine(day, clock.replace(tzinfo=None, fold=0), tzinfo=zone)
    real = wall.astimezone(UTC).astimezone(zone)
    if real.replace(tzinfo=None) != wall.replace(tzinfo=None):
        raise InvalidWhen(
            _(
                "{time} does not exist on {day} in {zone}: clocks jump forward; try {real}",
                time=f"{wall:%H:%M}",
                day=str(day),
                zone=zone.key,
                real=f"{real:%H:%M}",
            ),
            example=example,
        )
    return wall


def needs_utc(value: datetime) -> bool:
    """True when ``value``'s wall time is repeated or skipped in its zone (a DST change).

    Clients disagree on such wall times (icalendar and vobject take the first pass of a
    repeated hour, ical.js the second), so the feed writes them in UTC instead.
    """
    zone = value.tzinfo
    if zone is None or zone is UTC:
        return False
    wall = value.replace(tzinfo=None)
    first, second = wall.replace(tzinfo=zone, fold=0), wall.replace(tzinfo=zone, fold=1)
    return first.utcoffset() != second.utcoffset()


def is_repeated(moment: datetime) -> bool:
    """True when ``moment``'s wall-clock time happens twice in its zone (clocks go back)."""
    first, second = moment.replace(fold=0), moment.replace(fold=1)
    if first.utcoffset() == second.utcoffset():
        return False
    # Both passes must be real: in a skipped hour the two folds differ too.
    return all(
        m.astimezone(UTC).astimezone(m.tzinfo).replace(tzinfo=None) == m.replace(tzinfo=None)
        for m in (first, second)
    )


def repeated_hour_note(moment: datetime, *, what: str = "the event starts") -> str | None:
    """``02:30 happens twice on 2027-10-31 in Europe/Berlin; the event starts at the first
    (02:30 CEST, 00:30 UTC)``, or None when the time is not in a repeated hour."""
    if not is_repeated(moment) or not isinstance(moment.tzinfo, ZoneInfo):
        return None
    # ``what`` is "the event starts" or "it ends": each note is whole, for translation.
    second = bool(moment.fold)
    note = _REPEATED.get((what, second)) or _REPEATED[("the event starts", second)]
    return _(
        note,
        time=f"{moment:%H:%M}",
        day=str(moment.date()),
        zone=moment.tzinfo.key,
        local=f"{moment:%H:%M} {zone_label(moment)}",
        utc=f"{moment.astimezone(UTC):%H:%M}",
    )


# (what, second pass?) → the note, whole, so each language can word it its own way.
_REPEATED = {
    ("the event starts", False): N_(
        "{time} happens twice on {day} in {zone} (clocks go back); the event starts at the "
        "first, {local} ({utc} UTC)"
    ),
    ("the event starts", True): N_(
        "{time} happens twice on {day} in {zone} (clocks go back); the event starts at the "
        "second, {local} ({utc} UTC)"
    ),
    ("it ends", False): N_(
        "{time} happens twice on {day} in {zone} (clocks go back); it ends at the first, "
        "{local} ({utc} UTC)"
    ),
    ("it ends", True): N_(
        "{time} happens twice on {day} in {zone} (clocks go back); it ends at the second, "
        "{local} ({utc} UTC)"
    ),
}


def time_notes(start: date | datetime, end: date | datetime, zone_name: str) -> list[str]:
    """What the admin who typed these times should know: which pass of a repeated hour was
    taken, and whether the zone is a legacy name that ignores (or has its own) clock changes."""
    notes = []
    for moment, what in ((start, "the event starts"), (end, "it ends")):  # keys of _REPEATED
        if isinstance(moment, datetime) and (note := repeated_hour_note(moment, what=what)):
            notes.append(note)
    if warning := zone_warning(zone_name):
        notes.append(warning)
    return notes
