"""Showing event times to a reader in their own zone, with the zone's abbreviation."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from calendars.events import Event
from calendars.i18n import DEFAULT_LANGUAGE, gettext_in
from calendars.time.language import day_text, hours_minutes
from calendars.time.offsets import describe_duration
from calendars.time.precision import period_label, undated_label
from calendars.time.zones import zone_label, zone_or_none

__all__ = [
    "format_clock",
    "format_day",
    "format_day_start",
    "format_event_when",
    "format_instant",
    "format_relative",
    "format_until",
    "format_venue_clock",
    "place_name",
    "undated_when",
]

_UTC = ZoneInfo("UTC")


def _zone(zone_name: str) -> ZoneInfo:
    # Never None: astimezone(None) would mean the server's own zone.
    return zone_or_none(zone_name) or _UTC


def format_day(value: date, *, year: bool = True, lang: str = DEFAULT_LANGUAGE) -> str:
    """``Thu 10 Dec 2026`` (``Thu 10 Dec`` without the year), in ``lang``."""
    return day_text(value, year=year, lang=lang)


def format_clock(local: datetime, lang: str = DEFAULT_LANGUAGE) -> str:
    """``10:00 IST``: a local time with its zone's abbreviation (or ``UTC+05:30``)."""
    return f"{hours_minutes(local, lang)} {zone_label(local)}"


def format_instant(moment: datetime, zone_name: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """``Mon 1 Sep 2025, 09:00 CST``: the moment as a reader in ``zone_name`` sees it."""
    local = moment.astimezone(_zone(zone_name))
    return f"{format_day(local.date(), lang=lang)}, {format_clock(local, lang)}"


def place_name(zone_name: str) -> str:
    """``Asia/Kolkata`` → ``Kolkata``; names that are not places (UTC, Etc/GMT-5) stay."""
    if "/" not in zone_name or zone_name.startswith("Etc/"):
        return zone_name
    return zone_name.rsplit("/", 1)[-1].replace("_", " ")


def undated_when(event: Event, lang: str = DEFAULT_LANGUAGE) -> str | None:
    """``December 2025 (date to be announced)`` for an event known only to its month or
    year (no clock applies to it, nor its placeholder 1st), None for an event with a day."""
    return None if event.dated else undated_label(event.start, event.precision, lang)


def format_event_when(event: Event, zone_name: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """When an event happens, for a reader in ``zone_name``.

    All-day events are dates wherever you are; timed events are shown in the reader's zone,
    followed by the local time at the venue when that differs.
    """
    if (undated := undated_when(event, lang)) is not None:
        return undated
    if event.all_day:
        first, last = event.start, event.last_day
        assert isinstance(first, date)
        days = format_day(first, lang=lang)
        if first != last:
            days = f"{days} – {format_day(last, lang=lang)}"
        return gettext_in(lang, "{days} (all day)", days=days)
    zone = _zone(zone_name)
    local_start, local_end = event.starts_at.astimezone(zone), event.ends_at.astimezone(zone)
    if local_start.date() != local_end.date():
        ends = format_instant(event.ends_at, zone.key, lang)
    elif local_end.utcoffset() != local_start.utcoffset():  # a clock change in between
        ends = format_clock(local_end, lang)
    else:
        ends = hours_minutes(local_end, lang)
    text = f"{format_instant(event.starts_at, zone.key, lang)} – {ends}"
    venue = format_venue_clock(event, zone.key, lang)
    if not venue:
        return text
    return gettext_in(lang, "{when} ({venue} at the venue)", when=text, venue=venue)


def format_venue_clock(event: Event, zone_name: str, lang: str = DEFAULT_LANGUAGE) -> str | None:
    """``10:00 IST``, or ``Thu 10 Dec, 10:00 IST`` when the venue's day is not the reader's:
    the start on the venue's clock, or None when the reader is in the venue's zone."""
    zone = _zone(zone_name)
    if event.all_day or zone.key == event.timezone:
        return None
    reader, venue = event.starts_at.astimezone(zone), event.starts_at.astimezone(event.zone)
    if venue.date() == reader.date():
        return format_clock(venue, lang)
    day = format_day(venue.date(), year=venue.year != reader.year, lang=lang)
    return f"{day}, {format_clock(venue, lang)}"


def format_day_start(event: Event, zone_name: str, lang: str = DEFAULT_LANGUAGE) -> str | None:
    """``begins at midnight in Kolkata — Thu 3 Dec 2026, 13:30 EST your time``: when an
    all-day event's first day begins for a reader elsewhere, or None when it is their midnight.
    """
    if not event.all_day or not event.dated:
        return None
    local = event.starts_at.astimezone(_zone(zone_name))
    if local.time() == time(0) and local.date() == event.start:
        return None
    return gettext_in(
        lang,
        "begins at midnight in {place} — {when} your time",
        place=place_name(event.timezone),
        when=format_instant(event.starts_at, zone_name, lang),
    )


def format_until(event: Event, now: datetime, lang: str = DEFAULT_LANGUAGE) -> str:
    """``in 1 hour``, ``in 2 days 3 hours``, ``now``: how long until the event starts;
    ``in December 2025`` when its day is not known."""
    if not event.dated:
        period = period_label(event.start, event.precision, lang)
        return gettext_in(lang, "in {period}", period=period)
    remaining = event.starts_at - now
    if remaining <= timedelta(0):
        return gettext_in(lang, "now")
    if remaining < timedelta(seconds=30):  # rounds to no whole minute
        return gettext_in(lang, "in less than a minute")
    return gettext_in(lang, "in {duration}", duration=describe_duration(remaining, lang=lang))


def format_relative(moment: datetime, now: datetime, lang: str = DEFAULT_LANGUAGE) -> str:
    """``5 minutes ago`` / ``in 2 hours``: for statuses such as "last polled"."""
    delta = moment - now
    if abs(delta) < timedelta(minutes=1):
        return gettext_in(lang, "just now")
    words = describe_duration(abs(delta), parts=1, lang=lang)
    if delta > timedelta(0):
        return gettext_in(lang, "in {duration}", duration=words)
    return gettext_in(lang, "{duration} ago", duration=words)
