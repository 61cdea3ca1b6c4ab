"""VTIMEZONE blocks that every calendar client reads the same way.

icalendar's ``Timezone.from_tzid`` lists each transition as an RDATE. Outlook ignores
RDATEs (events in summer shift by an hour) and vobject misreads them, so we emit what
Google Calendar and tzurl emit: one STANDARD and one DAYLIGHT observance anchored in 1970
with a yearly RRULE (``BYMONTH=3;BYDAY=-1SU``). The rule is derived from zoneinfo and
accepted only if it reproduces every real transition over the years the feed covers;
zones with irregular rules (Morocco's Ramadan pauses, say) get one observance per real
change in those years instead (icalendar's RDATE lists are misread by the same clients).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from icalendar import Timezone, TimezoneDaylight, TimezoneStandard, vRecur

__all__ = ["vtimezone"]

_DAY_NAMES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


@dataclass(frozen=True, slots=True)
class _Transition:
    at: datetime  # UTC instant
    before: timedelta
    after: timedelta
    name: str
    daylight: bool

    @property
    def onset(self) -> datetime:
        """Local wall time of the change, in the offset in force before it (RFC 5545)."""
        return (self.at + self.before).replace(tzinfo=None)


@dataclass(frozen=True, slots=True)
class _Rule:
    month: int
    week: int  # 1..4, or -1 for the last
    weekday: int
    onset_time: tuple[int, int]

    @classmethod
    def of(cls, onset: datetime) -> _Rule:
        last_day = calendar.monthrange(onset.year, onset.month)[1]
        week = -1 if onset.day + 7 > last_day else (onset.day - 1) // 7 + 1
        return cls(onset.month, week, onset.weekday(), (onset.hour, onset.minute))

    def day_in(self, year: int) -> date:
        days = [
            d
            for d in range(1, calendar.monthrange(year, self.month)[1] + 1)
            if date(year, self.month, d).weekday() == self.weekday
        ]
        return date(year, self.month, days[self.week if self.week == -1 else self.week - 1])

    def onset_in(self, year: int) -> datetime:
        return datetime.combine(self.day_in(year), datetime.min.time()).replace(
            hour=self.onset_time[0], minute=self.onset_time[1]
        )

    def rrule(self) -> vRecur:
        return vRecur(
            freq="YEARLY", bymonth=self.month, byday=f"{self.week}{_DAY_NAMES[self.weekday]}"
        )


def _transitions(zone: ZoneInfo, first_year: int, last_year: int) -> list[_Transition]:
    """Every offset change in the years given, to the minute, found by daily steps and bisection."""
    found = []
    moment = datetime(first_year, 1, 1, tzinfo=UTC)
    end = datetime(last_year + 1, 1, 1, tzinfo=UTC)
    while moment < end:
        step = moment + timedelta(days=1)
        if moment.astimezone(zone).utcoffset() != step.astimezone(zone).utcoffset():
            low, high = moment, step
            while high - low > timedelta(minutes=1):
                middle = low + (high - low) / 2
                if middle.astimezone(zone).utcoffset() == low.astimezone(zone).utcoffset():
                    low = middle
                else:
                    high = middle
            after = high.astimezone(zone)
            found.append(
                _Transition(
                    at=high.replace(second=0, microsecond=0),
                    before=low.astimezone(zone).utcoffset() or timedelta(),
                    after=after.utcoffset() or timedelta(),
                    name=after.tzname() or "",
                    daylight=bool(after.dst()),
                )
            )
        moment = step
    return found


_Observance = type[TimezoneStandard] | type[TimezoneDaylight]


def _observance(
    kind: _Observance,
    name: str,
    start: datetime,
    before: timedelta,
    after: timedelta,
    rule: _Rule | None,
) -> TimezoneStandard | TimezoneDaylight:
    observance = kind()
    observance.add("DTSTART", start)
    observance.add("TZNAME", name)
    observance.add("TZOFFSETFROM", before)
    observance.add("TZOFFSETTO", after)
    if rule is not None:
        observance.add("RRULE", rule.rrule())
    return observance


def _compact(zone_name: str, first_year: int, last_year: int) -> Timezone | None:
    zone = ZoneInfo(zone_name)
    changes = _transitions(zone, first_year, last_year)
    component = Timezone()
    component.add("TZID", zone_name)
    if not changes:
        probe = datetime(first_year, 7, 1, tzinfo=UTC).astimezone(zone)
        offset = probe.utcoffset() or timedelta()
        component.add_component(
            _observance(
                TimezoneStandard,
                probe.tzname() or zone_name,
                datetime(1970, 1, 1),
                offset,
                offset,
                None,
            )
        )
        return component
    to_daylight = [t for t in changes if t.daylight]
    to_standard = [t for t in changes if not t.daylight]
    if not to_daylight or not to_standard:
        return None  # a one-off change of standard offset: no yearly rule describes it
    pairs = []
    for group in (to_daylight, to_standard):
        rule = _Rule.of(group[0].onset)
        if {(_Rule.of(t.onset), t.before, t.after) for t in group} != {
            (rule, group[0].before, group[0].after)
        }:
            return None
        expected = {rule.onset_in(year) for year in range(first_year, last_year + 1)}
        if expected != {t.onset for t in group}:
            return None
        pairs.append((rule, group[0]))
    kinds: tuple[_Observance, _Observance] = (TimezoneDaylight, TimezoneStandard)
    for kind, (rule, sample) in zip(kinds, pairs, strict=True):
        component.add_component(
            _observance(kind, sample.name, rule.onset_in(1970), sample.before, sample.after, rule)
        )
    return component


def _explicit(zone_name: str, first_year: int, last_year: int) -> Timezone:
    """One observance per real change in the span: long, but every client reads it right."""
    zone = ZoneInfo(zone_name)
    component = Timezone()
    component.add("TZID", zone_name)
    opening = datetime(first_year, 1, 1, tzinfo=zone)
    offset = opening.utcoffset() or timedelta()
    kind = TimezoneDaylight if opening.dst() else TimezoneStandard
    component.add_component(
        _observance(
            kind, opening.tzname() or zone_name, opening.replace(tzinfo=None), offset, offset, None
        )
    )
    for change in _transitions(zone, first_year, last_year):
        kind = TimezoneDaylight if change.daylight else TimezoneStandard
        component.add_component(
            _observance(kind, change.name, change.onset, change.before, change.after, None)
        )
    return component


@lru_cache(maxsize=256)
def vtimezone(zone_name: str, first_year: int, last_year: int) -> Timezone:
    """The VTIMEZONE for ``zone_name``, correct for every instant in the years given."""
    return _compact(zone_name, first_year, last_year) or _explicit(zone_name, first_year, last_year)
