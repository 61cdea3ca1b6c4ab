"""Reading untrusted .ics text with icalendar, without letting a file change the process.

icalendar's parser registers every VTIMEZONE it reads in a process-wide cache
(``tzp.cache_timezone_component``, keyed by TZID, never emptied) and also caches each TZID
it looks up. Files with their own TZIDs would grow that cache on every import (60 imports
of a 450 KB file: +330 MB). Our parser therefore neither registers VTIMEZONEs nor hands
TZIDs to icalendar: DTSTART/DTEND come back as wall times and the importer resolves the
TZID itself, from IANA names or from the file's own VTIMEZONE (read per file, see
``custom_zone``).

DURATION is kept as text and read here, because icalendar folds ``PT24H`` into one day
(hours are exact time in RFC 5545, days are calendar days) and rejects bad values
with errors of its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from icalendar import Calendar, Component, Timezone
from icalendar.parser.ical.component import ComponentIcalParser
from icalendar.prop import vBroken, vText
from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON

from calendars.ical.custom_zone import Budget, CustomZone
from calendars.time.zones import zone_or_none

__all__ = [
    "Duration",
    "FileZones",
    "parse_calendars",
    "parse_duration",
    "zone_for_tzid",
]

_DURATION_RE = re.compile(
    r"([+-]?)P(?:(\d{1,30})W)?(?:(\d{1,30})D)?(?:T(?:(\d{1,30})H)?(?:(\d{1,30})M)?(?:(\d{1,30})S)?)?"
)


@dataclass(frozen=True, slots=True)
class Duration:
    """A DURATION split as RFC 5545 §3.3.6 counts it: calendar days, then exact time."""

    days: int
    exact: timedelta


def parse_duration(text: str) -> Duration | None:
    """``P1W``, ``P2DT3H``, ``-PT15M``...; None when ``text`` is not such a duration.

    Raises OverflowError for durations of more than 300 years, which no event lasts.
    """
    text = text.strip().upper()
    match = _DURATION_RE.fullmatch(text)
    if match is None or not any(match.groups()[1:]) or text.endswith("T"):
        return None
    sign = -1 if match[1] == "-" else 1
    weeks, days, hours, minutes, seconds = (int(part or 0) for part in match.groups()[1:])
    if (7 * weeks + days) * 86400 + hours * 3600 + minutes * 60 + seconds > 10**10:
        raise OverflowError(f"the duration {text[:40]} is out of range")
    exact = timedelta(hours=hours, minutes=minutes, seconds=seconds)
    return Duration(days=sign * (7 * weeks + days), exact=sign * exact)


# CLDR's Windows mapping still names a few zones by their pre-rename links.
_RENAMED = {
    "Asia/Calcutta": "Asia/Kolkata",
    "Asia/Katmandu": "Asia/Kathmandu",
    "Asia/Rangoon": "Asia/Yangon",
    "Asia/Saigon": "Asia/Ho_Chi_Minh",
    "America/Buenos_Aires": "America/Argentina/Buenos_Aires",
    "America/Godthab": "America/Nuuk",
    "America/Indianapolis": "America/Indiana/Indianapolis",
    "Europe/Kiev": "Europe/Kyiv",
    "Etc/UTC": "UTC",
    "Etc/GMT": "UTC",
}


def zone_for_tzid(tzid: str) -> str | None:
    """The IANA zone a calendar's TZID means: IANA names, Windows names, ``/vendor/Area/City``."""
    cleaned = tzid.strip().strip('"').strip("/")
    candidates = [cleaned, WINDOWS_TO_OLSON.get(cleaned, "")]
    if tzid.strip().startswith("/"):  # RFC 5545 "globally unique" ids: try the tails
        parts = cleaned.split("/")
        candidates += ["/".join(parts[i:]) for i in range(1, len(parts))]
    for candidate in candidates:
        zone = zone_or_none(candidate) if candidate else None
        if zone is not None:
            return _RENAMED.get(zone.key, zone.key)
    return None


class _Parser(ComponentIcalParser):
    """icalendar's parser minus its process-wide time-zone caches (see the module doc).

    It is also tolerant everywhere, as icalendar is inside VEVENTs only: a bad value in a
    VTIMEZONE or in the calendar's own properties becomes a broken property, not an error
    that loses the whole file.
    """

    datetime_names = ()  # no TZID lookups: times come back as wall times

    def get_factory_for_property(self, name: str, params: Any) -> Any:
        if name.upper() == "DURATION":
            return vText
        return super().get_factory_for_property(name, params)

    def handle_line_parse_error(self, exception: Exception) -> None:
        if self.component is None:
            raise exception
        self.component.errors.append((None, str(exception)))

    def parse_and_add_property(
        self, name: str, params: Any, val: str, tzid: Any, line: Any
    ) -> None:
        try:
            super().parse_and_add_property(name, params, val, tzid, line)
        except (ArithmeticError, LookupError, ValueError, TypeError) as exc:
            self.handle_property_parse_error(exc, name, params, val, line)

    def handle_property_parse_error(
        self, exception: Exception, name: str, params: Any, val: str, line: Any
    ) -> None:
        component = self.component
        if component is None:
            raise exception
        factory = self.get_factory_for_property(name, params)
        broken = vBroken.from_parse_error(
            raw_value=val,
            params=params,
            property_name=name,
            expected_type=getattr(factory, "__name__", "unknown"),
            error=exception,
        )
        component.errors.append((name, str(exception)))
        component.add(name, broken, encode=False)

    def handle_end_component(self, vals: str) -> None:
        """As icalendar's, without ``tzp.cache_timezone_component``."""
        if not self._stack:
            raise ValueError("END encountered without an accompanying BEGIN!")
        component = self._stack.pop()
        if self._stack:
            self._stack[-1].add_component(component)
        else:
            self._components.append(component)


class _Calendar(Calendar):
    @classmethod
    def _get_ical_parser(cls, st: str | bytes) -> ComponentIcalParser:
        return _Parser(st, cls._get_component_factory(), cls.types_factory)


def parse_calendars(text: str) -> list[Component]:
    """Every component at the top of ``text``; raises what icalendar raises on bad syntax."""
    return list(_Calendar.from_ical(text, multiple=True))


class FileZones:
    """The VTIMEZONEs of one file, read only when an event uses them."""

    def __init__(self, calendar: Component) -> None:
        self._components = {
            str(component.get("TZID", "")).strip(): component
            for component in calendar.subcomponents
            if isinstance(component, Timezone)
        }
        self._built: dict[str, CustomZone | None] = {}
        self._budget = Budget()
        self._seasonal: dict[tuple[str, int, tuple[str, ...]], list[str]] = {}

    def zone(self, tzid: str) -> CustomZone | None:
        """The zone the file defines as ``tzid``; None when it has none (or an unusable one)."""
        tzid = tzid.strip()
        if tzid not in self._built:
            component = self._components.get(tzid)
            self._built[tzid] = (
                CustomZone.of(component, self._budget) if component is not None else None
            )
        return self._built[tzid]

    def iana(self, tzid: str, wall: datetime, preferred: list[str]) -> str | None:
        """An IANA zone with the offsets of the file's ``tzid`` around ``wall``.

        The zones that match it all year are found once per TZID and year (150 zones
        each), then the first of them that also matches at ``wall``: the preferred first.
        """
        custom = self.zone(tzid)
        if custom is None:
            return None
        key = (tzid.strip(), wall.year, tuple(preferred))
        if key not in self._seasonal:
            self._seasonal[key] = _seasonal_matches(custom, wall.year, preferred)
        offset = custom.offset(wall)
        for name in self._seasonal[key]:
            if wall.replace(tzinfo=ZoneInfo(name)).utcoffset() == offset:
                return name
        return None


def _seasonal_matches(custom: CustomZone, year: int, preferred: list[str]) -> list[str]:
    probes = [datetime(year, month, 15, 12) for month in (1, 4, 7, 10)]
    wanted = [custom.offset(probe) for probe in probes]
    found: dict[str, None] = {}
    for name in [*preferred, *WINDOWS_TO_OLSON.values()]:
        key = zone_for_tzid(name) if name else None
        if key is None or key in found:
            continue
        zone = ZoneInfo(key)
        if [probe.replace(tzinfo=zone).utcoffset() for probe in probes] == wanted:
            found[key] = None
    return list(found)
