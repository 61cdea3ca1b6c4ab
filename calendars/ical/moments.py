"""When an imported event happens: DTSTART, DTEND or DURATION, and the zone they are in.

Zones come from, in order: an IANA, Windows or ``/vendor/`` TZID; the file's own VTIMEZONE
for a TZID of its own (Outlook's "Customized Time Zone"), matched to the IANA zone with
the same offsets; the calendar's X-WR-TIMEZONE; and, for times and dates given in no zone
at all, the zone the admin named (``default_zone``), which the report then mentions. When
no zone was named (None), such times cannot be placed and the event is skipped saying so;
all-day dates need none (they are read as UTC days).

Values may also arrive already aware: occurrences of a series are expanded with a
``ZoneInfo`` or the file's own :class:`FileZone` attached (see ``recurrence``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo

from icalendar import Component
from icalendar.prop import vBroken

from calendars.ical.custom_zone import FileZone
from calendars.ical.reading import FileZones, parse_duration, zone_for_tzid
from calendars.text import clean_text
from calendars.time.when import EARLIEST_YEAR, LATEST_YEAR

__all__ = [
    "NO_ZONE",
    "FileContext",
    "SkipEvent",
    "event_end",
    "gap_end",
    "moment",
    "placed",
    "text_of",
    "zone_of",
]

NO_ZONE = (
    "its times carry no time zone; name the zone the calendar is written in, "
    "such as tz=Asia/Kolkata"
)


class SkipEvent(Exception):
    """One VEVENT cannot be imported; the message says why."""


@dataclass(slots=True)
class FileContext:
    """What one VCALENDAR tells about reading its events."""

    cal_zone: str | None  # X-WR-TIMEZONE: where Google and Apple put floating times
    default_zone: str | None  # the admin's, for times and dates given in no zone at all
    zones: FileZones
    our_host: str | None
    used_default: bool = field(default=False)

    def iana(self, tzid: str, wall: datetime, preferred: list[str]) -> str | None:
        """The IANA zone for the file's own ``tzid`` at ``wall``, worked out once a year."""
        zones = [*preferred, self.cal_zone or "", self.default_zone or ""]
        return self.zones.iana(tzid, wall, zones)

    def fallback(self, *, times: bool = True) -> str:
        """The zone for a value given in none; raises SkipEvent for times none fits."""
        if self.cal_zone is not None:
            return self.cal_zone
        if self.default_zone is None:
            if times:
                raise SkipEvent(NO_ZONE)
            return "UTC"  # an all-day date is the same day everywhere
        self.used_default = True
        return self.default_zone


def moment(
    vevent: Component, name: str, read: FileContext, ours: str | None
) -> tuple[date | datetime, str]:
    """A DTSTART/DTEND value and the IANA zone it is in (all-day dates: where days begin)."""
    prop = vevent.get(name)
    if isinstance(prop, list):
        raise SkipEvent(f"it has more than one {name}")
    if prop is None:
        raise SkipEvent(f"it has no {'start' if name == 'DTSTART' else 'end'} ({name})")
    if isinstance(prop, vBroken) or not isinstance(getattr(prop, "dt", None), date):
        raise SkipEvent(f"its {name} could not be read")
    value: date = prop.dt
    if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise SkipEvent(f"its {name} is outside the years {EARLIEST_YEAR}-{LATEST_YEAR}")
    if not isinstance(value, datetime):
        return value, ours or read.fallback(times=False)
    if value.tzinfo is not None:  # a UTC time written with Z, or an expanded occurrence
        return _aware(value, read, ours)
    tzid = str(prop.params.get("TZID", "")).strip()
    if not tzid:  # floating: "the same wall time everywhere", read in the best zone known
        zone = read.fallback()
        return value.replace(tzinfo=ZoneInfo(zone), fold=0), zone
    return _aware(value.replace(tzinfo=zone_of(tzid, read), fold=0), read, ours)


def zone_of(tzid: str, read: FileContext) -> tzinfo:
    """The zone a TZID names: IANA, Windows or ``/vendor/`` names, the file's own VTIMEZONE
    (Outlook's "Customized Time Zone"), else the calendar's X-WR-TIMEZONE."""
    zone_name = zone_for_tzid(tzid)
    if zone_name is not None:
        return ZoneInfo(zone_name)
    custom = read.zones.zone(tzid)
    if custom is not None:
        return FileZone(custom, tzid.strip())
    if read.cal_zone is None:
        raise SkipEvent(f"its time zone {clean_text(tzid)[:60]!r} is not one we know")
    return ZoneInfo(read.cal_zone)


def placed(value: date, read: FileContext, ours: str | None) -> tuple[date | datetime, str]:
    """An occurrence's start or end (a date, or aware) and the IANA zone it is shown in."""
    if isinstance(value, datetime):
        return _aware(value, read, ours)
    return value, ours or read.fallback(times=False)


def gap_end(start: date, end: date, first: date, last: date) -> date:
    """An occurrence's end; one whose start a DST gap moved on (02:30 -> 03:30) keeps its
    length, where the rule's wall-clock end (03:30) would leave it none. ``first`` and
    ``last``: the occurrence's start and end as the rule gave them."""
    if not (isinstance(start, datetime) and isinstance(end, datetime) and end <= start):
        return end
    if isinstance(first, datetime) and isinstance(last, datetime) and last > first:
        return start + (last - first)  # wall clock when both have one zone, as the rule
    return end


def _aware(value: datetime, read: FileContext, ours: str | None) -> tuple[datetime, str]:
    zone = value.tzinfo
    if isinstance(zone, FileZone):  # shown in the IANA zone with the same offsets
        zone_name = read.iana(zone.tzid, value.replace(tzinfo=None), [ours or ""]) or "UTC"
        return value.astimezone(ZoneInfo(zone_name)), zone_name
    if isinstance(zone, ZoneInfo) and zone.key != "UTC":
        # Through UTC and back: a wall time a DST gap skips (02:30 on the spring-forward
        # night, read with the offset from before the gap, RFC 5545) becomes the one that
        # exists (03:30); every other time stays as it is.
        return value.astimezone(UTC).astimezone(zone), zone.key
    return value.astimezone(UTC), "UTC"


def event_end(
    vevent: Component, start: date | datetime, read: FileContext, ours: str | None
) -> date | datetime:
    """DTEND, else start + DURATION, else one day (dates) or one hour (times)."""
    if "DTEND" in vevent:
        return moment(vevent, "DTEND", read, ours)[0]
    raw = text_of(vevent, "DURATION") if "DURATION" in vevent else "PT1H"
    if not isinstance(start, datetime) and "DURATION" not in vevent:
        raw = "P1D"
    try:
        duration = parse_duration(raw)
    except OverflowError:
        raise SkipEvent(
            f"its DURATION {clean_text(raw)[:40]!r} is longer than any event (over 300 years)"
        ) from None
    if duration is None:
        raise SkipEvent(
            f"its DURATION {clean_text(raw)[:40]!r} is not an iCalendar duration "
            "(such as PT1H30M, P2D or P1W)"
        )
    if not isinstance(start, datetime):
        return start + timedelta(days=duration.days)
    # Days are calendar days (wall clock); hours and less are exact time (RFC 5545 §3.3.6).
    wall = start + timedelta(days=duration.days)
    return wall.astimezone(UTC) + duration.exact


def text_of(component: Component, name: str) -> str:
    """A property as plain text: the first when repeated, "" when missing or unreadable."""
    value = component.get(name)
    if isinstance(value, list):
        value = value[0] if value else None
    if value is None or isinstance(value, vBroken):
        return ""
    return str(value)
