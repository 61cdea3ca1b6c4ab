"""When a chat's briefing is due: ``/briefing 08:00`` daily, ``/briefing weekly mon 08:00``.

A briefing belongs to a *period*: the local date for a daily one (``2026-12-01``), the ISO
week for a weekly one (``2026-W49``). At most one briefing is sent per period; the store
keeps the last period sent, so restarts neither repeat nor (while its day lasts) drop one.

Times are wall-clock times of the chat's zone, so 08:00 stays 08:00 across daylight-saving
changes. A time the clocks skip (02:30 on a spring-forward night) means the first valid
time after it (03:00); a time they show twice (fall-back) means its first pass.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from calendars.errors import InvalidInput
from calendars.i18n import _

__all__ = [
    "DAILY_EXAMPLE",
    "WEEKDAYS",
    "WEEKLY_EXAMPLE",
    "BriefingSetting",
    "current_period",
    "day_end",
    "due_moment",
    "first_valid",
    "is_owed",
    "next_due",
    "owed_period",
    "parse_briefing",
    "settled_period",
]

DAILY_EXAMPLE = "/briefing 08:00"
WEEKLY_EXAMPLE = "/briefing weekly mon 08:00"
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_FULL_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_CLOCK_RE = re.compile(r"^(\d{1,2})(?::(\d{2}))?$")
_MAX_INPUT = 60


@dataclass(frozen=True, slots=True)
class BriefingSetting:
    """Daily at ``at`` (``weekday`` None), or weekly on ``weekday`` (0 = Monday) at ``at``."""

    at: time
    weekday: int | None = None

    def __post_init__(self) -> None:
        if self.at.tzinfo is not None or self.at.second or self.at.microsecond:
            raise ValueError("a briefing time is a wall-clock hour and minute")
        if self.weekday is not None and not 0 <= self.weekday <= 6:
            raise ValueError("weekday runs 0 (Monday) to 6 (Sunday)")

    @property
    def weekly(self) -> bool:
        return self.weekday is not None

    @property
    def window(self) -> timedelta:
        """How far ahead a briefing looks: a week for daily ones, two for weekly ones."""
        return timedelta(days=14 if self.weekly else 7)

    def render(self) -> str:
        """As /briefing takes it: ``parse_briefing(s.render()) == s``."""
        clock = f"{self.at:%H:%M}"
        return clock if self.weekday is None else f"weekly {WEEKDAYS[self.weekday]} {clock}"

    def to_record(self) -> str:
        return self.render()

    @classmethod
    def from_record(cls, record: str) -> BriefingSetting:
        return parse_briefing(record)


def parse_briefing(text: str) -> BriefingSetting:
    """Read ``08:00``, ``daily 8:00`` or ``weekly mon 08:00``; InvalidInput says what is wrong."""
    words = text.strip().lower().split() if len(text) <= _MAX_INPUT else []
    if words and words[0] == "daily":
        words = words[1:]
    if len(words) == 1:
        return BriefingSetting(_clock(words[0], DAILY_EXAMPLE))
    if len(words) == 3 and words[0] == "weekly":
        return BriefingSetting(_clock(words[2], WEEKLY_EXAMPLE), _weekday(words[1]))
    shown = text.strip()[:40]
    raise InvalidInput(
        _(
            "{text} is not a briefing time: give a time of day (24-hour clock), or "
            "weekly, a day and a time ({example}); /briefing off stops them",
            text=repr(shown),
            example=WEEKLY_EXAMPLE,
        ),
        example=DAILY_EXAMPLE,
    )


def _clock(word: str, example: str) -> time:
    match = _CLOCK_RE.match(word)
    if match is None:
        raise InvalidInput(
            _("{text} is not a time of day: write it as HH:MM", text=repr(word[:20])),
            example=example,
        )
    hours, minutes = int(match.group(1)), int(match.group(2) or 0)
    if hours > 23 or minutes > 59:
        hint = " " + _("(midnight is 00:00)") if (hours, minutes) == (24, 0) else ""
        problem = _("{time} is not a time of day: hours go 00-23, minutes 00-59", time=word)
        raise InvalidInput(problem + hint, example=example)
    return time(hours, minutes)


def _weekday(word: str) -> int:
    for names in (WEEKDAYS, _FULL_NAMES):
        if word in names:
            return names.index(word)
    raise InvalidInput(
        _(
            "{text} is not a day of the week: use {days}",
            text=repr(word[:20]),
            days=", ".join(WEEKDAYS),
        ),
        example=WEEKLY_EXAMPLE,
    )


def first_valid(day: date, clock: time, zone: ZoneInfo) -> datetime:
    """``clock`` on ``day`` in ``zone``: its first pass when shown twice, and when the clocks
    skip it, the first minute after it that they show (the moment they jump)."""
    naive = datetime.combine(day, clock)
    for minutes in range(26 * 60):  # a gap is at most a day (Samoa, 2011)
        wall = naive + timedelta(minutes=minutes)
        candidate = wall.replace(tzinfo=zone)  # fold=0: the first pass
        if candidate.astimezone(UTC).astimezone(zone).replace(tzinfo=None) == wall:
            return candidate
    raise ValueError(f"{zone.key} shows no time after {naive}")  # (no zone skips 26 hours)


def current_period(setting: BriefingSetting, now: datetime, zone: str) -> str:
    """The period ``now`` falls in, on the clock of ``zone``: a date, or an ISO week."""
    local = _local(now, zone)
    if not setting.weekly:
        return local.date().isoformat()
    year, week, _ = local.isocalendar()
    return f"{year}-W{week:02d}"


def _period_day(setting: BriefingSetting, period: str) -> date:
    if setting.weekday is None:
        return date.fromisoformat(period)
    year, week = period.split("-W")
    return date.fromisocalendar(int(year), int(week), setting.weekday + 1)


def due_moment(setting: BriefingSetting, zone: str, period: str) -> datetime:
    """When the briefing of ``period`` is due: an aware instant in ``zone``."""
    return first_valid(_period_day(setting, period), setting.at, ZoneInfo(zone))


def day_end(moment: datetime, zone: str) -> datetime:
    """The first instant of the local day after ``moment``'s: a briefing owed after that is
    dropped (the next one reports what changed since the last one sent)."""
    return first_valid(_local(moment, zone).date() + timedelta(days=1), time(0), ZoneInfo(zone))


def _shift(setting: BriefingSetting, period: str, steps: int) -> str:
    """The period ``steps`` after ``period`` (before, when negative)."""
    day = _period_day(setting, period) + timedelta(days=(7 if setting.weekly else 1) * steps)
    if not setting.weekly:
        return day.isoformat()
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def owed_period(
    setting: BriefingSetting, last_sent: str | None, now: datetime, zone: str
) -> str | None:
    """The period whose briefing should go out at ``now``, if any.

    Due once its moment has come and owed until its local day is over. The previous
    period is looked at too, for the rare zone where a skipped time pushes the due
    moment into the next day. Cheap when nothing is owed: a zone conversion or two.
    """
    period = current_period(setting, now, zone)
    for candidate in (period, _shift(setting, period, -1)):
        if _sent(setting, last_sent, candidate):
            return None  # this one, or a later one, was sent: never go back
        due = due_moment(setting, zone, candidate)
        if due <= now:
            return candidate if now < day_end(due, zone) else None
        # not yet: the previous period may still be owed
    return None


def is_owed(setting: BriefingSetting, last_sent: str | None, now: datetime, zone: str) -> bool:
    return owed_period(setting, last_sent, now, zone) is not None


def next_due(setting: BriefingSetting, last_sent: str | None, now: datetime, zone: str) -> datetime:
    """When a briefing is next owed: ``now`` when one is owed now (quiet hours aside).

    Nothing is owed before it, so a caller may skip this chat until then.
    """
    if owed_period(setting, last_sent, now, zone) is not None:
        return now
    period = current_period(setting, now, zone)
    dues = [
        due
        for step in (-1, 0, 1, 2)
        if not _sent(setting, last_sent, candidate := _shift(setting, period, step))
        and (due := due_moment(setting, zone, candidate)) > now
    ]
    return min(dues)


def _sent(setting: BriefingSetting, last_sent: str | None, period: str) -> bool:
    """Whether ``period`` (or a later one) was sent already."""
    return last_sent is not None and _kind(last_sent) == setting.weekly and last_sent >= period


def settled_period(
    setting: BriefingSetting, last_sent: str | None, now: datetime, zone: str
) -> str | None:
    """The "last sent" to store when a chat sets ``setting`` at ``now``.

    A briefing set after today's (or this week's) moment starts with the next one; one
    already sent this period is not sent again because its time changed.
    """
    period = current_period(setting, now, zone)
    if due_moment(setting, zone, period) <= now:
        return period
    if last_sent is not None and _kind(last_sent) == setting.weekly:
        return last_sent
    return None


def _kind(period: str) -> bool:
    """True for a weekly period key."""
    return "-W" in period


def _local(moment: datetime, zone: str) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("an aware datetime is needed")
    return moment.astimezone(ZoneInfo(zone))
