"""A file's own VTIMEZONE (Outlook's "Customized Time Zone"), read in bounded time.

dateutil's ``tzical`` (what icalendar builds) walks every yearly RRULE from its DTSTART,
usually 1601: 85 ms per zone and event, and a ``FREQ=SECONDLY`` rule would never end. A
time-zone rule recurs yearly, so this reads only what matters for one wall time: the
fixed onsets (DTSTART, RDATE) by bisection, and each yearly rule over the two years up
to that time. Rules of another kind are refused (the zone is then unknown).
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from functools import lru_cache
from typing import Any

from dateutil.rrule import rrule, rrulestr
from icalendar import Component, vRecur

__all__ = ["Budget", "CustomZone", "FileZone"]

_RULE_PARTS = {"FREQ", "INTERVAL", "UNTIL", "COUNT", "WKST", "BYMONTH", "BYDAY", "BYMONTHDAY"}
_RULE_PARTS |= {"BYYEARDAY", "BYWEEKNO", "BYSETPOS"}
_MAX_OBSERVANCES = 1000
_DAY = timedelta(days=1)


@lru_cache(maxsize=256)  # bounded; Outlook's zones mostly share one EU or US rule
def _compiled(rule: str, anchor: datetime) -> rrule:
    compiled: rrule = rrulestr(rule, dtstart=anchor)
    return compiled


class _Unusable(ValueError):
    """The definition is not one we can read in bounded time."""


def _naive(value: Any) -> datetime:
    value = getattr(value, "dt", value)
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    raise _Unusable("not a date")


def _all(prop: Any) -> list[Any]:
    return prop if isinstance(prop, list) else [] if prop is None else [prop]


@dataclass(frozen=True, slots=True)
class _Observance:
    start: datetime
    after: timedelta
    before: timedelta
    fixed: tuple[datetime, ...]  # DTSTART and RDATEs, sorted
    rule: str | None  # a yearly RRULE without UNTIL and COUNT
    last: datetime | None  # from UNTIL or COUNT

    @classmethod
    def of(cls, component: Component) -> _Observance:
        start = _naive(component.get("DTSTART"))
        after, before = (
            getattr(component.get(n), "td", None) for n in ("TZOFFSETTO", "TZOFFSETFROM")
        )
        if not isinstance(after, timedelta) or abs(after) > _DAY:
            raise _Unusable("no TZOFFSETTO")
        if not isinstance(before, timedelta) or abs(before) > _DAY:
            before = after
        fixed = {start}
        for rdate in _all(component.get("RDATE")):
            fixed.update(_naive(value) for value in getattr(rdate, "dts", ()))
        rules = _all(component.get("RRULE"))
        if len(rules) > 1 or (rules and not isinstance(rules[0], vRecur)):
            raise _Unusable("more than one RRULE")
        rule, last = cls._yearly(rules[0], start) if rules else (None, None)
        return cls(start, after, before, tuple(sorted(fixed)), rule, last)

    @staticmethod
    def _yearly(rule: vRecur, start: datetime) -> tuple[str, datetime | None]:
        parts = {str(key).upper(): value for key, value in rule.items()}
        if set(parts) - _RULE_PARTS or parts.get("FREQ") != ["YEARLY"]:
            raise _Unusable("not a plain yearly rule")
        if parts.get("INTERVAL", [1]) != [1]:
            raise _Unusable("a rule that skips years")
        last = None
        if "UNTIL" in parts:
            last = _naive(parts["UNTIL"][0])
        if "COUNT" in parts:  # one change a year: the last is COUNT - 1 years on
            count = int(parts["COUNT"][0])
            last = datetime(min(start.year + max(count, 1), 9999), 1, 1)
        kept = vRecur(
            {key: value for key, value in rule.items() if key.upper() not in ("UNTIL", "COUNT")}
        )
        text: bytes = kept.to_ical()  # type: ignore[no-untyped-call]
        return text.decode("ascii", "replace"), last

    def _anchor(self, year: int) -> datetime:
        """Where to start the rule so that it yields every onset from ``year`` on."""
        if year <= self.start.year or self.rule is None:
            return self.start
        if "BYMONTH=" in self.rule or "BYYEARDAY=" in self.rule or "BYWEEKNO=" in self.rule:
            return self.start.replace(year=year, month=1, day=1)
        if (self.start.month, self.start.day) == (2, 29):  # yearly on 29 February
            year -= year % 4
        return self.start.replace(year=year)

    def _rule_from(self, year: int, budget: Budget) -> rrule | None:
        """The rule, started where it yields every onset from ``year`` on."""
        if self.rule is None:
            return None
        budget.spend()
        return _compiled(self.rule, self._anchor(year))

    def _kept(self, onset: datetime | None) -> datetime | None:
        return onset if onset is not None and (self.last is None or onset <= self.last) else None

    def latest_onset(self, wall: datetime, budget: Budget) -> datetime | None:
        """The last time this observance began at or before ``wall`` (local wall times)."""
        index = bisect.bisect_right(self.fixed, wall)
        found = self.fixed[index - 1] if index else None
        if self.last is not None and wall > self.last:
            wall = self.last  # a rule that ended: its last onset
        recurring = self._rule_from(wall.year - 1, budget) if wall >= self.start else None
        onset = self._kept(recurring.before(wall, inc=True)) if recurring else None
        if onset is not None:
            found = onset if found is None else max(found, onset)
        return found

    def onsets_in(self, year: int, budget: Budget) -> list[datetime]:
        """Every time this observance began during ``year``."""
        start, end = datetime(year, 1, 1), datetime(year + 1, 1, 1)
        first, after = bisect.bisect_left(self.fixed, start), bisect.bisect_left(self.fixed, end)
        found = list(self.fixed[first:after])
        recurring = self._rule_from(year - 1, budget) if end > self.start else None
        if recurring is not None:
            found += [o for o in recurring.between(start, end) if self._kept(o) is not None]
        return found


class Budget:
    """Rule evaluations one file may cost (50-250 µs each): a bound on import time."""

    def __init__(self, evaluations: int = 5_000) -> None:
        self.left = evaluations

    def spend(self) -> None:
        self.left -= 1
        if self.left < 0:
            raise _Unusable("its time zone definitions take too long to read")


class CustomZone:
    """UTC offsets of one VTIMEZONE, asked by local wall time (first pass when repeated).

    Each year's changes are worked out once, into a sorted table read by bisection.
    """

    def __init__(self, component: Component, budget: Budget) -> None:
        observances = [c for c in component.subcomponents if c.name in ("STANDARD", "DAYLIGHT")]
        if not observances or len(observances) > _MAX_OBSERVANCES:
            raise _Unusable("no observances")
        self._observances = [_Observance.of(observance) for observance in observances]
        self._budget = budget
        self._years: dict[int, tuple[list[datetime], list[timedelta]]] = {}
        first = min(self._observances, key=lambda o: o.start)
        self._before_all = first.before  # before the first change: what it changed from

    @classmethod
    def of(cls, component: Component, budget: Budget) -> CustomZone | None:
        try:
            return cls(component, budget)
        except (_Unusable, ValueError, TypeError, OverflowError):
            return None

    def _table(self, year: int) -> tuple[list[datetime], list[timedelta]]:
        if year not in self._years:
            changes = []
            for observance in self._observances:
                seed = observance.latest_onset(datetime(year, 1, 1), self._budget)
                onsets = [seed] if seed is not None else []
                onsets += observance.onsets_in(year, self._budget)
                # A skipped wall time keeps the offset from before, as zoneinfo's fold=0 does.
                skipped = max(observance.after - observance.before, timedelta(0))
                changes += [(onset + skipped, observance.after) for onset in onsets]
            changes.sort(key=lambda change: change[0])
            self._years[year] = ([c[0] for c in changes], [c[1] for c in changes])
        return self._years[year]

    def offset(self, wall: datetime) -> timedelta:
        """The UTC offset in force at local time ``wall`` (naive).

        Raises ValueError when the file's zones have cost their whole budget.
        """
        onsets, offsets = self._table(wall.year)
        index = bisect.bisect_right(onsets, wall)
        return offsets[index - 1] if index else self._before_all


class FileZone(tzinfo):
    """A file's own zone as a ``tzinfo``, so a series repeats at its wall time there.

    The repeat-rule library and dateutil do wall-clock arithmetic with whatever tzinfo a
    start carries; this one answers from :class:`CustomZone` (bounded, first pass when a
    wall time repeats), so the file's definition, not a guessed IANA zone, decides.
    """

    def __init__(self, zone: CustomZone, tzid: str) -> None:
        self.zone = zone
        self.tzid = tzid

    def utcoffset(self, dt: datetime | None) -> timedelta | None:
        return None if dt is None else self.zone.offset(dt.replace(tzinfo=None))

    def dst(self, dt: datetime | None) -> timedelta | None:
        return None

    def tzname(self, dt: datetime | None) -> str:
        return self.tzid

    def fromutc(self, dt: datetime) -> datetime:
        utc = dt.replace(tzinfo=None)
        wall = utc + self.zone.offset(utc)
        wall = utc + self.zone.offset(wall)  # settles within two steps: offsets differ by hours
        return wall.replace(tzinfo=self)
