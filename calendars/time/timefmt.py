"""Showing event times to a reader in their own zone, with the zone's abbreviation."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from calendars.events import Event
from calendars.time.offsets import describe_duration
from calendars.time.zones import zone_or_none

__all__ = ["format_event_when", "format_instant", "format_relative", "format_until"]


def _day(value: date) -> str:
    return f"{value:%a} {value.day} {value:%b %Y}"


def format_instant(moment: datetime, zone_name: str) -> str:
    """``Mon 1 Sep 2025, 09:00 CST``: the moment as a reader in ``zone_name`` sees it."""
    zone = zone_or_none(zone_name)
    local = moment.astimezone(zone)
    return f"{_day(local.date())}, {local:%H:%M} {_abbreviation(local)}"


def _abbreviation(local: datetime) -> str:
    name = local.tzname() or ""
    # Zones without a letter abbreviation report an offset such as "+0530": show it as UTC+05:30.
    if name[:1] in "+-":
        offset = local.utcoffset() or timedelta()
        sign = "-" if offset < timedelta() else "+"
        hours, rest = divmod(abs(int(offset.total_seconds())), 3600)
        return f"UTC{sign}{hours:02d}:{rest // 60:02d}"
    return name


def format_event_when(event: Event, zone_name: str) -> str:
    """When an event happens, for a reader in ``zone_name``.

    All-day events are dates wherever you are; timed events are shown in the reader's zone,
    followed by the local time at the venue when that differs.
    """
    if event.all_day:
        first, last = event.start, event.last_day
        assert isinstance(first, date)
        if first == last:
            return f"{_day(first)} (all day)"
        return f"{_day(first)} – {_day(last)} (all day)"
    start, end = event.starts_at, event.ends_at
    zone = zone_or_none(zone_name)
    local_start, local_end = start.astimezone(zone), end.astimezone(zone)
    same_day = local_start.date() == local_end.date()
    ends = f"{local_end:%H:%M}" if same_day else format_instant(end, zone_name)
    text = f"{format_instant(start, zone_name)} – {ends}"
    if zone is None or zone.key != event.timezone:
        venue = start.astimezone(event.zone)
        text += f" ({venue:%H:%M} {_abbreviation(venue)} at the venue)"
    return text


def format_until(event: Event, now: datetime) -> str:
    """``in 1 hour``, ``in 2 days 3 hours``, ``now``: how long until the event starts."""
    remaining = event.starts_at - now
    if remaining <= timedelta(0):
        return "now"
    return f"in {describe_duration(remaining)}"


def format_relative(moment: datetime, now: datetime) -> str:
    """``5 minutes ago`` / ``in 2 hours``: for statuses such as "last polled"."""
    delta = moment - now
    if abs(delta) < timedelta(minutes=1):
        return "just now"
    words = describe_duration(abs(delta), parts=1)
    return f"in {words}" if delta > timedelta(0) else f"{words} ago"
