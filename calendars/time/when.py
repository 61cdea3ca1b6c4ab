"""The ``<when>`` of admin commands: "2026-12-04 10:00 - 2026-12-05 18:00 Asia/Kolkata".

Admins type these on a phone, so the forms are few and the errors say which part was not
understood and show a correct example. Ranges of days are inclusive as people write them
(``2026-12-04..2026-12-05`` is two days); the result's ``end`` is exclusive, as in
:class:`~calendars.events.Event`. Where a date may not be known yet (``periods=True``:
``/addevent``, ``/editevent``), a month ``2025-12`` or a year ``2026`` stands alone, with
an optional zone: the whole month or year, all day, with its ``precision``.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from babel.dates import format_date

from calendars.errors import InvalidWhen
from calendars.events import MAX_DURATION
from calendars.i18n import _, current_language
from calendars.time.precision import Precision, parse_period, period_end
from calendars.time.wallclock import wall_time
from calendars.time.zones import explain_zone_input, suggest_zones, zone_or_none

__all__ = [
    "EARLIEST_YEAR",
    "LATEST_YEAR",
    "MAX_WHEN_LENGTH",
    "WHEN_EXAMPLE",
    "When",
    "format_when",
    "parse_when",
]

MAX_WHEN_LENGTH = 200
EARLIEST_YEAR, LATEST_YEAR = 1900, 2199  # far from datetime's limits, so zone maths never overflows
WHEN_EXAMPLE = "2026-12-04 10:00 - 2026-12-05 18:00 Asia/Kolkata"
_DAY_EXAMPLE = "2026-12-04..2026-12-05 Asia/Kolkata"
_PERIOD_EXAMPLE = "2025-12 Asia/Kolkata"  # December 2025, the day not known yet

# A token is a date (optionally glued to its time with T), a time, or a range separator.
_TOKEN_RE = re.compile(
    r"(?P<date>[0-9]{4}-[0-9]{1,2}-[0-9]{1,2})(?:[Tt](?P<glued>[0-9]{1,2}:[0-9]{2}))?(?![0-9:])"
    r"|(?P<time>[0-9]{1,2}:[0-9]{2})(?![0-9:])"
    r"|(?P<sep>\.\.|-|–|—|(?i:to)(?=\s|$))",
    re.ASCII,
)
# "-11:00" or "+05:30" glued to its digits reads as a UTC offset, so it is never a range end.
_OFFSET_RE = re.compile(r"[+\-\u2212][0-9]{1,2}:[0-9]{2}(?![0-9:])|\+[0-9]{4}(?![0-9:])")
# The zone is the first word that starts with a letter, through the end ("New York" too);
# "to" between two times is a separator, not a zone.
_ZONE_RE = re.compile(r"(?:^|\s)(?!(?i:to)(?:\s|$))(?P<zone>[^\W\d_].*)$", re.DOTALL)
# A month or a year at the start: "2025-12" or "2026", but not the start of "2026-12-04".
_PERIOD_START_RE = re.compile(r"[0-9]{4}(?:-[0-9]{1,2})?(?![0-9]|-[0-9])", re.ASCII)


@dataclass(frozen=True, slots=True)
class When:
    """When an event happens: aware datetimes in ``timezone``, or dates for all-day events."""

    start: date | datetime
    end: date | datetime  # exclusive: an all-day event ends the day after its last day
    timezone: str
    precision: Precision = Precision.DAY  # month or year: start and end bound that period

    @property
    def all_day(self) -> bool:
        return not isinstance(self.start, datetime)


def parse_when(
    text: str,
    *,
    default_zone: str = "UTC",
    default_duration: timedelta = timedelta(hours=1),
    periods: bool = False,
) -> When:
    """Read one of the forms in :data:`WHEN_EXAMPLE`'s family; refuse anything doubtful.

    With ``periods``, a month (``2025-12``) or a year (``2026``) is read too.
    """
    if len(text) > MAX_WHEN_LENGTH:
        raise InvalidWhen(
            _(
                "the date and time is {length} characters long; the limit is {limit}",
                length=len(text),
                limit=MAX_WHEN_LENGTH,
            ),
            example=WHEN_EXAMPLE,
        )
    text = " ".join(text.split())
    if not text:
        raise InvalidWhen(_("give a date, or a date and time"), example=WHEN_EXAMPLE)
    zone_match = _ZONE_RE.search(text)
    times = text[: zone_match.start()] if zone_match else text
    if not times:
        raise InvalidWhen(
            _(
                "{typed} is not understood: start with the date as YYYY-MM-DD",
                typed=repr(text.split(" ")[0][:20]),
            ),
            example=WHEN_EXAMPLE,
        )
    if periods and _PERIOD_START_RE.match(times):
        start, precision = _period(times)
        zone = _zone(zone_match["zone"] if zone_match else default_zone)
        return When(start, period_end(start, precision), zone.key, precision)
    kinds, values = _tokens(times)
    zone = _zone(zone_match["zone"] if zone_match else default_zone)
    if kinds == "d":
        first = _date(values[0])
        return _checked(first, first + timedelta(days=1), zone)
    if kinds == "d-d":
        first, last = _date(values[0]), _date(values[2])
        if last < first:
            raise InvalidWhen(
                _("the last day {last} is before the first day {first}", last=last, first=first),
                example=_DAY_EXAMPLE,
            )
        return _checked(first, last + timedelta(days=1), zone)
    if kinds not in ("dt", "dt-t", "dt-dt"):
        raise InvalidWhen(_shape_problem(kinds), example=WHEN_EXAMPLE)
    day = _date(values[0])
    start = _local(day, values[1], zone)
    if kinds == "dt":
        end = (start.astimezone(UTC) + default_duration).astimezone(zone)
    else:
        end_day = day if kinds == "dt-t" else _date(values[3])
        end = _local(end_day, values[-1], zone)
    if kinds == "dt-t" and end.astimezone(UTC) <= start.astimezone(UTC):
        raise InvalidWhen(
            _(
                "the event ends at {end}, before it starts at {start}; for an end on a later "
                "day, write both dates",
                end=values[-1],
                start=values[1],
            ),
            example=WHEN_EXAMPLE,
        )
    return _checked(start, end, zone)


def format_when(when: When) -> str:
    """The text :func:`parse_when` reads back as the same ``When``.

    Wall-clock text cannot name the second pass of a repeated hour, so an end there
    (a default duration ending in the autumn fold) reads back as the first pass.
    """
    if when.precision is Precision.YEAR:
        return f"{when.start.year} {when.timezone}"
    if when.precision is Precision.MONTH:
        return f"{when.start.year}-{when.start.month:02d} {when.timezone}"
    if not isinstance(when.start, datetime) or not isinstance(when.end, datetime):
        last = when.end - timedelta(days=1)
        days = f"{when.start}" if last == when.start else f"{when.start}..{last}"
        return f"{days} {when.timezone}"
    start, end = when.start, when.end
    if end.date() == start.date():
        return f"{start:%Y-%m-%d %H:%M} - {end:%H:%M} {when.timezone}"
    return f"{start:%Y-%m-%d %H:%M} - {end:%Y-%m-%d %H:%M} {when.timezone}"


def _period(text: str) -> tuple[date, Precision]:
    """The month or year that is all of ``text``; anything more is refused, saying why."""
    word = text.strip()
    try:
        period = parse_period(word)
    except ValueError as exc:
        raise InvalidWhen(str(exc), example=_PERIOD_EXAMPLE) from None
    if period is None:
        raise InvalidWhen(
            _(
                "{typed} is not understood: a month (2025-12) or a year (2026) stands alone, "
                "with no time or range; for those, give days as YYYY-MM-DD",
                typed=repr(word[:40]),
            ),
            example=_PERIOD_EXAMPLE,
        )
    start, precision = period
    if not EARLIEST_YEAR <= start.year < LATEST_YEAR:
        raise InvalidWhen(
            _(
                "year {year} is out of range ({first}-{last})",
                year=start.year,
                first=EARLIEST_YEAR,
                last=LATEST_YEAR - 1,
            ),
            example=_PERIOD_EXAMPLE,
        )
    return start, precision


def _zone(name: str) -> ZoneInfo:
    zone = zone_or_none(name)
    if zone is not None:
        return zone
    shown = name[:40]
    first_word = shown.split(" ")[0]
    if first_word != shown and zone_or_none(first_word) is not None:
        raise InvalidWhen(
            _(
                "{typed} is not understood: the time zone goes last",
                typed=repr(shown[len(first_word) :].strip()),
            ),
            example=WHEN_EXAMPLE,
        )
    suggestions = suggest_zones(shown)
    typed = shown.lower().replace(" ", "_")
    for suggestion in suggestions:  # "asia/kolkata": the right name in the wrong case
        if suggestion.lower() == typed:
            return ZoneInfo(suggestion)
    why = explain_zone_input(shown)
    if why:
        raise InvalidWhen(
            _("unknown time zone {zone}: {why}", zone=repr(shown), why=why),
            example=WHEN_EXAMPLE,
        )
    if suggestions:
        raise InvalidWhen(
            _(
                "unknown time zone {zone}; did you mean {zones}? (use a name such as "
                "Asia/Kolkata or UTC)",
                zone=repr(shown),
                zones=" / ".join(suggestions),
            ),
            example=WHEN_EXAMPLE,
        )
    raise InvalidWhen(
        _(
            "unknown time zone {zone} (use a name such as Asia/Kolkata or UTC)",
            zone=repr(shown),
        ),
        example=WHEN_EXAMPLE,
    )


def _tokens(text: str) -> tuple[str, list[str]]:
    """The shape of ``text`` as letters (d date, t time, - separator) and the tokens' text."""
    kinds, values = "", list[str]()
    position = 0
    while position < len(text):
        if text[position] == " ":
            position += 1
            continue
        offset = _OFFSET_RE.match(text, position)
        if offset is not None:
            start = values[-1] if kinds[-1:] == "t" else None
            raise InvalidWhen(_offset_problem(offset[0], start), example=WHEN_EXAMPLE)
        match = _TOKEN_RE.match(text, position)
        if match is None:
            shown = text[position:].split(" ")[0][:20]
            raise InvalidWhen(
                _(
                    "{typed} is not understood: write dates as YYYY-MM-DD and times as HH:MM",
                    typed=repr(shown),
                ),
                example=WHEN_EXAMPLE,
            )
        if match["date"]:
            kinds += "d"
            values.append(match["date"])
            if match["glued"]:
                kinds += "t"
                values.append(match["glued"])
        else:
            kinds += "t" if match["time"] else "-"
            values.append(match[0])
        position = match.end()
    return kinds, values


def _offset_problem(typed: str, start: str | None) -> str:
    """What to write instead of a time glued to a sign: a zone name, or a spaced range."""
    places = suggest_zones(typed.replace("\u2212", "-"), limit=1)
    if places:
        text = _(
            "{typed} looks like a UTC offset; name a zone (such as {zone})",
            typed=typed,
            zone=places[0],
        )
    else:
        text = _("{typed} looks like a UTC offset; name a zone", typed=typed)
    if start is not None and typed[0] != "+":
        text += " " + _("or write the range with spaces: {range}", range=f"{start} - {typed[1:]}")
    return text


def _shape_problem(kinds: str) -> str:
    if not kinds or kinds[0] != "d":
        return _("start with the date (YYYY-MM-DD), then the time")
    if kinds in ("dt-d", "d-dt"):
        return _("give a time for both the start and the end, or for neither (all day)")
    if kinds in ("dtt", "dtdt", "dd"):
        return _("separate the start and the end with '-' (or '..' between days)")
    if kinds in ("d-t", "dt-", "d-"):
        return _("the end of the range is incomplete")
    return _("this is not one of the forms: a date, a date range, a time or a time range")


def _date(text: str) -> date:
    year, month, day = (int(part) for part in text.split("-"))
    if not EARLIEST_YEAR <= year <= LATEST_YEAR:
        raise InvalidWhen(
            _(
                "year {year} is out of range ({first}-{last})",
                year=year,
                first=EARLIEST_YEAR,
                last=LATEST_YEAR,
            ),
            example=WHEN_EXAMPLE,
        )
    if not 1 <= month <= 12:
        raise InvalidWhen(
            _("{text} is not a date: months run 01-12", text=text), example=WHEN_EXAMPLE
        )
    days = calendar.monthrange(year, month)[1]
    if not 1 <= day <= days:
        raise InvalidWhen(
            _(
                "{text} is not a date: {month} has {days} days",
                text=text,
                month=format_date(date(year, month, 1), "LLLL y", locale=current_language()),
                days=days,
            ),
            example=WHEN_EXAMPLE,
        )
    return date(year, month, day)


def _local(day: date, clock: str, zone: ZoneInfo) -> datetime:
    """Wall-clock time in ``zone``; the first of a repeated hour, never a skipped one."""
    hours, minutes = (int(part) for part in clock.split(":"))
    if hours > 23 or minutes > 59:
        raise InvalidWhen(
            _("{clock} is not a time: use 00:00 to 23:59", clock=clock), example=WHEN_EXAMPLE
        )
    return wall_time(day, time(hours, minutes), zone, example=WHEN_EXAMPLE)


def _checked(start: date | datetime, end: date | datetime, zone: ZoneInfo) -> When:
    if isinstance(start, datetime) and isinstance(end, datetime):
        duration = end.astimezone(UTC) - start.astimezone(UTC)
    elif isinstance(start, datetime) or isinstance(end, datetime):
        raise TypeError("start and end must both be dates or both be times")
    else:
        duration = end - start
    if duration <= timedelta(0):
        raise InvalidWhen(_("the end must be after the start"), example=WHEN_EXAMPLE)
    if duration > MAX_DURATION:
        raise InvalidWhen(_("an event may last at most 366 days"), example=WHEN_EXAMPLE)
    return When(start=start, end=end, timezone=zone.key)
