"""Quiet hours: a daily stretch of wall-clock time, in the chat's zone, without news notices.

``22:00-07:00`` runs across midnight; ``13:00-14:00`` does not. The start is inside the
quiet hours and the end is not. Times are wall-clock times of the chat's zone, so the
quiet hours follow its daylight-saving changes.

Daylight saving, decided here once:

* An end time the clocks skip (02:30 on a night Berlin jumps from 02:00 to 03:00) ends
  the quiet hours when the clocks jump, the first moment the clock shows that time or
  later (03:00 CEST), not an hour later.
* An end time the clocks show twice (02:30 on a night they fall back) ends them the first
  time. In the repeated hour the clock is in the range again, so it is quiet again until
  the second 02:30: whether it is quiet always follows what the clock shows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from calendars.errors import InvalidInput
from calendars.i18n import _

__all__ = ["EXAMPLE", "QuietHours", "parse_quiet_hours"]

EXAMPLE = "/quiet 22:00-07:00"

_RANGE_RE = re.compile(r"^\s*(\d{1,2})(?::(\d{2}))?\s*[-–—]\s*(\d{1,2})(?::(\d{2}))?\s*$")


@dataclass(frozen=True, slots=True)
class QuietHours:
    """From ``start`` (inclusive) to ``end`` (exclusive), wall-clock times, every day."""

    start: time
    end: time

    def __post_init__(self) -> None:
        if self.start == self.end:
            raise InvalidInput(
                _("start and end are the same time: give two different times"),
                example=EXAMPLE,
            )
        if self.start.tzinfo is not None or self.end.tzinfo is not None:
            raise ValueError("quiet hours are wall-clock times, read in the chat's zone")

    def render(self) -> str:
        return f"{self.start:%H:%M}-{self.end:%H:%M}"

    def is_quiet(self, at: datetime, zone: str) -> bool:
        """Whether the clock of ``zone`` shows a time inside the quiet hours at ``at``."""
        shown = _wall(at, zone).time()
        if self.start < self.end:
            return self.start <= shown < self.end
        return shown >= self.start or shown < self.end

    def quiet_ends(self, at: datetime, zone: str) -> datetime:
        """When the quiet hours under way at ``at`` end (``at`` itself when not quiet)."""
        moment = at
        for _step in range(3):  # a second step only where a zone skipped a whole day
            if not self.is_quiet(moment, zone):
                break
            moment = self._next_end(moment, zone)
        return moment

    def _next_end(self, at: datetime, zone: str) -> datetime:
        local = _wall(at, zone)
        day = local.date()
        if self.start > self.end and local.time() >= self.start:
            day += timedelta(days=1)  # before midnight: it ends tomorrow
        later = [moment for moment in _instants(day, self.end, ZoneInfo(zone)) if moment > at]
        return later[0] if later else at + timedelta(minutes=1)  # (unreachable) never stall

    def to_record(self) -> str:
        return self.render()

    @classmethod
    def from_record(cls, record: str) -> QuietHours:
        return parse_quiet_hours(record)


def _wall(at: datetime, zone: str) -> datetime:
    if at.tzinfo is None:
        raise ValueError("an aware datetime is needed")
    return at.astimezone(ZoneInfo(zone))


def _instants(day: date, wall: time, zone: ZoneInfo) -> list[datetime]:
    """The instants the clock of ``zone`` first reaches ``wall`` on ``day``, earliest first:
    two when the clocks show it twice, the moment they jump when they skip it."""
    naive = datetime.combine(day, wall)
    first = naive.replace(tzinfo=zone, fold=0).astimezone(UTC)
    second = naive.replace(tzinfo=zone, fold=1).astimezone(UTC)
    if first <= second:  # shown once, or twice (first, then second)
        return sorted({first, second})
    # Skipped: ``second`` (read with the offset after the jump) is before the jump and
    # ``first`` after it. Find the jump to the second.
    low, high = second, first
    after = high.astimezone(zone).utcoffset()
    while high - low > timedelta(seconds=1):
        middle = low + (high - low) / 2
        if middle.astimezone(zone).utcoffset() == after:
            high = middle
        else:
            low = middle
    return [high.replace(microsecond=0)]


def parse_quiet_hours(text: str) -> QuietHours:
    """Read ``22:00-07:00`` (or ``22-7``); InvalidInput says what is wrong, with an example."""
    match = _RANGE_RE.match(text[:40])
    if match is None or len(text) > 40:
        raise InvalidInput(
            _(
                "{text} is not a range of times: give start-end, 24-hour clock",
                text=repr(text.strip()[:40]),
            ),
            example=EXAMPLE,
        )
    start_h, start_m, end_h, end_m = match.groups()
    return QuietHours(_time(start_h, start_m), _time(end_h, end_m))


def _time(hours: str, minutes: str | None) -> time:
    h, m = int(hours), int(minutes or 0)
    if h > 23 or m > 59:
        shown = f"{hours}:{minutes or '00'}"
        hint = " " + _("(midnight is 00:00)") if (h, m) == (24, 0) else ""
        problem = _("{time} is not a time of day: hours go 00-23, minutes 00-59", time=shown)
        raise InvalidInput(problem + hint, example=EXAMPLE)
    return time(h, m)
