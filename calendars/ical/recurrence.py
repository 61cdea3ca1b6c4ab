"""A repeating event (RRULE, RDATE, EXDATE, RECURRENCE-ID overrides) as its occurrences.

The occurrences come from recurring-ical-events (RFC 5545 rules, overrides, RANGE=
THISANDFUTURE) over a window around now, not from rule code of our own. Before it runs,
every time of the series is made aware here: TZIDs through ``moments.zone_of`` (IANA,
Windows, the file's own VTIMEZONE as a :class:`FileZone`, since our parser hands the
library no zones), floating times in the calendar's or the caller's zone; then
x-wr-timezone moves Google's UTC times into the X-WR-TIMEZONE, so that a weekly series
keeps its wall-clock time across DST. Cost is bounded before and during expansion: see
``rule_cost`` and the caps in ``calendars.limits``; the library's iterators are asked
chunk by chunk and left as soon as the cap is reached.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import x_wr_timezone
from dateutil.relativedelta import relativedelta
from icalendar import Calendar, Component, vRecur
from icalendar.prop import vBroken, vDDDTypes
from recurring_ical_events import CalendarQuery, ComponentsWithName, Occurrence

from calendars.ical.moments import FileContext, SkipEvent, event_end, moment, text_of, zone_of
from calendars.ical.rule_cost import PROBE_STEPS, rule_cost
from calendars.limits import (
    ICAL_FILE_OCCURRENCES,
    ICAL_FILE_RULE_STEPS,
    ICAL_SERIES_OCCURRENCES,
    ICAL_SERIES_RULE_STEPS,
)

__all__ = ["Allowance", "Expanded", "Found", "Window", "expand", "recurrence_text", "series_of"]

_HOUR = timedelta(hours=1)
_QUESTION_STEPS = 100  # what asking the library for one chunk costs, counted as rule steps

# What the library and dateutil raise on rules they cannot read (asserts: RANGE values).
_LIBRARY_ERRORS: tuple[type[Exception], ...] = (ValueError, TypeError, LookupError)
_LIBRARY_ERRORS += (AttributeError, ArithmeticError, AssertionError)


@dataclass(frozen=True, slots=True)
class Window:
    """Occurrences that overlap [start, end) are imported."""

    start: datetime
    end: datetime
    months: int

    @classmethod
    def around(cls, now: datetime, *, months_back: int, months_ahead: int) -> Window:
        now = now.astimezone(UTC)
        start = now - relativedelta(months=months_back)
        return cls(start, now + relativedelta(months=months_ahead), months_back + months_ahead)


@dataclass(slots=True)
class Allowance:
    """What one file's series may still cost: occurrences and rule steps."""

    occurrences: int = ICAL_FILE_OCCURRENCES
    steps: int = ICAL_FILE_RULE_STEPS
    per_series: int = ICAL_SERIES_OCCURRENCES
    steps_per_series: int = ICAL_SERIES_RULE_STEPS


@dataclass(frozen=True, slots=True)
class Found:
    """One occurrence: the VEVENT it comes from (the series' or an override), its times,
    and its original start as RECURRENCE-ID text."""

    source: Component
    start: date
    end: date
    recurrence_id: str


@dataclass(frozen=True, slots=True)
class Expanded:
    """The occurrences found, in time order; why they were cut short."""

    occurrences: list[Found] = field(default_factory=list)
    trimmed: str | None = None


class _Occurrence(Occurrence):  # type: ignore[misc]  # the library is untyped
    """The library's occurrence, with the VEVENT it comes from instead of a copy of it
    (copying each occurrence's component was a third of an import's time)."""

    @property
    def source(self) -> Component:
        source: Component = self._adapter._component
        return source


_VEVENTS = [ComponentsWithName("VEVENT", occurrence=_Occurrence)]


def recurrence_text(value: date) -> str:
    """``20251201`` for a day, ``20251201T090000Z`` for a time (in UTC)."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    return value.strftime("%Y%m%d")


def series_of(vevents: list[tuple[Component, FileContext]]) -> dict[int, list[Component]]:
    """The VEVENTs of each repeating event, by VEVENT: all of its UID, in file order."""
    by_uid: dict[tuple[int, str], list[Component]] = {}
    repeating: set[tuple[int, str]] = set()
    for vevent, read in vevents:
        uid = text_of(vevent, "UID").strip()
        key = (id(read), uid or f"#{id(vevent)}")  # without a UID, a VEVENT is on its own
        by_uid.setdefault(key, []).append(vevent)
        if any(name in vevent for name in ("RRULE", "RDATE", "RECURRENCE-ID")):
            repeating.add(key)
    return {id(vevent): by_uid[key] for key in repeating for vevent in by_uid[key]}


def expand(
    group: list[Component], read: FileContext, window: Window, allowance: Allowance
) -> Expanded:
    """The occurrences in ``window`` of one UID's VEVENTs; raises SkipEvent with the reason."""
    for component in group:
        _resolve(component, read)
    calendar = Calendar()
    for component in group:
        calendar.add_component(component)
    if read.cal_zone is not None:  # Google: UTC times mean the calendar's wall time
        calendar = x_wr_timezone.to_standard(calendar, timezone=ZoneInfo(read.cal_zone))
    try:
        (series,) = CalendarQuery(calendar, components=_VEVENTS).series
    except _LIBRARY_ERRORS as exc:
        raise SkipEvent(f"its repeat rule could not be worked out ({_short(exc)})") from None
    per_day = _charge(calendar, window, allowance)
    cap = min(allowance.per_series, allowance.occurrences)
    if cap <= 0:
        raise SkipEvent(_file_full(allowance))
    try:
        found, stopped = _first(series, window, cap, per_day, allowance)
    except _LIBRARY_ERRORS as exc:
        raise SkipEvent(f"its repeat rule could not be worked out ({_short(exc)})") from None
    trimmed = None
    if stopped is not None:
        found = found[:cap]
        trimmed = (
            "it took too long to work out; its occurrences before "
            f"{stopped:%Y-%m-%d} were kept ({len(found):,})"
        )
    elif len(found) > cap:
        found = found[:cap]
        trimmed = (
            f"repeats more than {cap:,} times within the {window.months}-month window; "
            f"the first {cap:,} were kept"
        )
        if cap < allowance.per_series:
            trimmed += f" ({_file_full(allowance)})"
    allowance.occurrences -= len(found)
    moved = _moved_by(calendar)
    return Expanded([_found(occurrence, moved) for occurrence in found], trimmed)


def _short(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:100] or type(exc).__name__


def _file_full(allowance: Allowance) -> str:
    return f"the file's repeating events reached {ICAL_FILE_OCCURRENCES:,} occurrences"


def _resolve(component: Component, read: FileContext) -> None:
    """Every time of ``component`` made aware, DURATION turned into DTEND."""
    moment(component, "DTSTART", read, None)  # checks presence, form and years
    prop: Any = component["DTSTART"]
    prop.dt = _aware(prop.dt, prop.params, read)
    start = prop.dt
    end = event_end(component, start, read, None)
    if isinstance(end, datetime) and isinstance(start, datetime) and start.tzinfo:
        end = end.astimezone(start.tzinfo)
    component.pop("DURATION", None)
    component["DTEND"] = vDDDTypes(end)
    rid: Any = component.get("RECURRENCE-ID")
    if rid is not None:
        if isinstance(rid, list | vBroken) or not hasattr(rid, "dt"):
            raise SkipEvent("its RECURRENCE-ID could not be read")
        rid.dt = _aware(rid.dt, rid.params, read)
    for name in ("RDATE", "EXDATE"):
        values: Any = component.get(name, [])
        for listed in values if isinstance(values, list) else [values]:
            if isinstance(listed, vBroken) or not hasattr(listed, "dts"):
                raise SkipEvent(f"its {name} could not be read")
            for value in listed.dts:
                value.dt = _aware(value.dt, listed.params, read)
    rules: Any = component.get("RRULE", [])
    for rule in rules if isinstance(rules, list) else [rules]:
        if not isinstance(rule, vRecur):
            raise SkipEvent("its repeat rule (RRULE) could not be read")
        if "COUNT" in rule and "UNTIL" in rule:  # dateutil deprecates it, RFC 5545 forbids it
            raise SkipEvent("its repeat rule has both COUNT and UNTIL; it may have one")


def _aware(value: Any, params: Any, read: FileContext) -> Any:
    """A value with its zone attached (dates, and periods' parts, as they are)."""
    if isinstance(value, tuple):
        return tuple(_aware(part, params, read) for part in value)
    if not isinstance(value, datetime) or value.tzinfo is not None:
        return value
    tzid = str(params.get("TZID", "")).strip()
    zone = zone_of(tzid, read) if tzid else ZoneInfo(read.fallback())
    return value.replace(tzinfo=zone, fold=0)


def _charge(calendar: Component, window: Window, allowance: Allowance) -> float:
    """Check the rules' cost and take it from the file's allowance; occurrences a day."""
    steps, per_day = 0, 0.0
    for component in calendar.walk("VEVENT"):
        rules: Any = component.get("RRULE", [])
        start: Any = component["DTSTART"]
        for rule in rules if isinstance(rules, list) else [rules]:
            if steps + PROBE_STEPS > allowance.steps:  # before a probe, which costs that
                raise SkipEvent(_steps_spent())
            cost = rule_cost(rule, start.dt, window.start)
            if cost.never is not None:
                raise SkipEvent(cost.never)
            steps += cost.steps
            per_day += cost.per_day
            if cost.steps > allowance.steps_per_series:
                raise SkipEvent(
                    f"it repeats about {cost.steps:,} times before the window begins; "
                    f"more than {allowance.steps_per_series:,} are not worked through"
                )
    if steps > allowance.steps:
        raise SkipEvent(_steps_spent())
    allowance.steps -= steps
    return per_day


def _steps_spent() -> str:
    return (
        f"the file's repeating events already took {ICAL_FILE_RULE_STEPS:,} "
        "repetitions to work out, the most one file may"
    )


def _key(occurrence: Any) -> datetime:
    start = occurrence.start
    if isinstance(start, datetime):
        return start.astimezone(UTC) if start.tzinfo else start.replace(tzinfo=UTC)
    return datetime(start.year, start.month, start.day, tzinfo=UTC)


def _first(
    series: Any, window: Window, cap: int, per_day: float, allowance: Allowance
) -> tuple[list[Any], datetime | None]:
    """Up to ``cap + 1`` occurrences from the window's start, asked chunk by chunk; and
    where the asking stopped when it cost too much (None when it did not).

    dateutil makes a list per question, so a question spans at most ~8 × ``cap``
    occurrences at the rule's densest (doubling while they come sparser than that), and
    each question is charged to the file's steps; heapq keeps only the earliest.
    """
    span = window.end - window.start
    expected = per_day * (span / timedelta(days=1))
    widest = max(span * min(1.0, 8 * cap / expected) if expected else span, _HOUR)
    chunk = min(max(span * min(1.0, cap / expected) if expected else span, _HOUR), widest)
    found: dict[tuple[str, str], Any] = {}
    start, budget = window.start, allowance.steps_per_series
    while start < window.end and len(found) <= cap:
        if allowance.steps < _QUESTION_STEPS or budget < _QUESTION_STEPS:
            return sorted(found.values(), key=_key), start
        stop = min(start + chunk, window.end)
        answered = _Counted(series.between(start, stop))
        batch = heapq.nsmallest(cap + 1, answered, key=_key)
        cost = max(_QUESTION_STEPS, answered.count)  # EXDATEs can hide most of what it made
        allowance.steps -= cost
        budget -= cost
        for occurrence in batch:
            found.setdefault((str(occurrence.id.recurrence_id), str(_key(occurrence))), occurrence)
        if len(batch) < cap // 4:
            chunk = min(chunk * 2, widest)
        start = stop
    return sorted(found.values(), key=_key), None


class _Counted:
    """An iterator that counts what it gave."""

    def __init__(self, items: Any) -> None:
        self._items = iter(items)
        self.count = 0

    def __iter__(self) -> _Counted:
        return self

    def __next__(self) -> Any:
        item = next(self._items)
        self.count += 1
        return item


def _moved_by(calendar: Component) -> dict[str, tuple[Any, Any]]:
    """THISANDFUTURE overrides by RECURRENCE-ID text: (their start, their RECURRENCE-ID)."""
    moved = {}
    for component in calendar.walk("VEVENT"):
        rid: Any = component.get("RECURRENCE-ID")
        start: Any = component["DTSTART"]
        if rid is not None and str(rid.params.get("RANGE", "")).upper() == "THISANDFUTURE":
            moved[recurrence_text(rid.dt)] = (start.dt, rid.dt)
    return moved


def _found(occurrence: Any, moved: dict[str, tuple[Any, Any]]) -> Found:
    """The occurrence with its original start (what its RECURRENCE-ID is)."""
    start, source = occurrence.start, occurrence.source
    rid: Any = source.get("RECURRENCE-ID")
    if rid is None:
        return Found(source, start, occurrence.end, recurrence_text(start))
    own = recurrence_text(rid.dt)
    if own in moved:  # an override that moves this and later ones: undo its shift
        shifted_start, original = moved[own]
        if isinstance(start, datetime) == isinstance(shifted_start, datetime):
            own = recurrence_text(start - (shifted_start - original))
    return Found(source, start, occurrence.end, own)
