"""What expanding a repeat rule will cost, worked out before dateutil runs it.

dateutil (under recurring-ical-events) walks an RRULE from its DTSTART, a step per
period, to reach the window: ``FREQ=MINUTELY`` since 2001 is 13 million steps before the
first occurrence we keep. A rule whose day filters never match (``BYMONTH=2;
BYMONTHDAY=30``) walks on to the year 9999: 4-10 s for a daily or finer rule. Neither can
be interrupted once started, so both are found here, from the rule's parts, and such a
series is skipped with the reason. The estimates are upper bounds in the usual cases,
not exact counts; the caps in ``calendars.limits`` decide.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import MAXYEAR, UTC, date, datetime, timedelta
from functools import lru_cache
from typing import Any

from dateutil.rrule import rrulestr
from icalendar import vRecur

__all__ = ["PROBE_STEPS", "RuleCost", "rule_cost"]

_PERIOD = {  # the shortest length of each period, so that counts err high
    "SECONDLY": timedelta(seconds=1),
    "MINUTELY": timedelta(minutes=1),
    "HOURLY": timedelta(hours=1),
    "DAILY": timedelta(days=1),
    "WEEKLY": timedelta(days=7),
    "MONTHLY": timedelta(days=28),
    "YEARLY": timedelta(days=365),
}
_FINER_THAN_MONTHLY = {"SECONDLY", "MINUTELY", "HOURLY", "DAILY", "WEEKLY"}
_DAY_FILTERS = ("BYMONTH", "BYWEEKNO", "BYYEARDAY", "BYMONTHDAY", "BYDAY")
_EXPANDING = (*_DAY_FILTERS, "BYHOUR", "BYMINUTE", "BYSECOND")
_NTH = re.compile(r"^[+-]?\d{1,2}")
_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
PROBE_STEPS = 10_000  # what the 400-year probe costs (~25 ms), counted as rule steps


@dataclass(frozen=True, slots=True)
class RuleCost:
    """Steps before the window, occurrences per day in it, and why it cannot run at all."""

    steps: int
    per_day: float
    never: str | None = None  # set when the rule can never give an occurrence


def rule_cost(rule: vRecur, start: date, window_start: datetime) -> RuleCost:
    """The cost of ``rule`` started at ``start`` (aware, or a date) to reach the window."""
    parts = {str(key).upper(): list(value) for key, value in rule.items()}
    freq = str((parts.get("FREQ") or ["DAILY"])[0]).upper()
    period = _PERIOD.get(freq, _PERIOD["DAILY"])
    interval = _int((parts.get("INTERVAL") or [1])[0])
    if interval < 1:  # dateutil would loop on the spot (0) or run backwards (negative)
        return RuleCost(0, 0.0, f"its INTERVAL is {interval}; it must be 1 or more")
    if not isinstance(start, datetime) and period < _PERIOD["DAILY"]:
        return RuleCost(0, 0.0, f"an all-day event cannot repeat {freq} (every day at most)")
    per_period = _per_period(freq, parts)
    start_utc = _utc(start)
    stop = window_start
    if "UNTIL" in parts:
        until = parts["UNTIL"][0]
        stop = min(stop, _utc(until)) if isinstance(until, date) else stop
    periods = max((stop - start_utc) / (period * interval), 0.0)
    steps = periods * per_period
    if "COUNT" in parts:
        steps = min(steps, float(max(_int(parts["COUNT"][0]), 0)))
    if "BYSETPOS" in parts:  # dateutil lists a whole period before picking from it
        steps += per_period
    per_day = per_period / ((period * interval) / timedelta(days=1))
    never = _never(freq, interval, parts, start)
    if any(parts.get(name) for name in _DAY_FILTERS):
        steps += PROBE_STEPS
    return RuleCost(int(min(steps, 10**12)), per_day, never)


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 1


def _utc(value: date) -> datetime:
    if isinstance(value, datetime):
        return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
    return datetime(value.year, value.month, value.day, tzinfo=UTC)


def _per_period(freq: str, parts: dict[str, list[Any]]) -> float:
    """Candidates one period yields, at most (a product of the BY parts' lengths)."""
    count = 1.0
    for name in _EXPANDING:
        count *= max(len(parts.get(name, [])), 1)
    days = parts.get("BYDAY", [])
    if days and not any(_NTH.match(str(day)) for day in days):
        if freq == "MONTHLY":
            count *= 5  # each weekday comes up to five times a month
        elif freq == "YEARLY":
            count *= 5 if "BYMONTH" in parts else 53
    if freq == "YEARLY" and "BYMONTHDAY" in parts and "BYMONTH" not in parts:
        count *= 12
    return min(count, 1e7)


def _never(freq: str, interval: int, parts: dict[str, list[Any]], start: date) -> str | None:
    """Why the rule can never match, when its day filters or its interval rule out every day.

    The Gregorian calendar repeats every 400 years, weekdays included, so day filters that
    match no day in 400 years match none ever: a YEARLY rule with the same filters over the
    last 400 years dateutil knows asks that in ~12 ms, instead of the rule's own walk to
    the year 9999 (4-10 s).
    """
    days = [str(day).upper() for day in parts.get("BYDAY", [])]
    if days and freq in _FINER_THAN_MONTHLY and freq != "WEEKLY":
        step = _PERIOD[freq] * interval
        if step % timedelta(days=7) == timedelta(0):
            weekday = _WEEKDAYS[start.weekday()]
            if weekday not in {_NTH.sub("", day) for day in days}:
                return (
                    f"it repeats every {step.days} days from a {weekday}, "
                    "so never on its BYDAY days"
                )
    filters = {name: parts[name] for name in _DAY_FILTERS if parts.get(name)}
    if not filters or set(filters) == {"BYDAY"}:
        return None  # a weekday comes every week
    if freq in _FINER_THAN_MONTHLY and "BYDAY" in filters:
        filters["BYDAY"] = sorted({_NTH.sub("", str(day).upper()) for day in filters["BYDAY"]})
    if freq == "MONTHLY" and "BYMONTH" not in filters and "BYDAY" in filters:
        filters["BYMONTH"] = list(range(1, 13))  # nth weekday: of each month, not the year
    text = vRecur(filters).to_ical().decode("ascii", "replace")  # type: ignore[no-untyped-call]
    return None if _matches_a_day(text) else f"its rule ({text[:80]}) matches no day, ever"


@lru_cache(maxsize=1024)
def _matches_a_day(filters: str) -> bool:
    """Whether day filters match any day of 400 years (True when dateutil cannot tell)."""
    try:  # dateutil stops at the year 9999 (filtered days never reach UNTIL): start 400 before
        probe = rrulestr(f"FREQ=YEARLY;{filters}", dtstart=datetime(MAXYEAR - 400, 1, 1))
        return next(iter(probe), None) is not None
    except (ValueError, TypeError, OverflowError, IndexError):
        return True  # the library reports a rule it cannot read
