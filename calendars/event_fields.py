"""Checks and clean-ups of an event's fields, apart from the event so each stays short.

Each takes what a caller gave (an admin, an import, a stored record) and returns it as the
event keeps it, or raises :class:`InvalidEvent` saying what was wrong and how to write it.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from calendars.errors import InvalidEvent
from calendars.i18n import _
from calendars.text import clean_text
from calendars.time.precision import PERIOD_EXAMPLES, Precision, period_end, period_problem
from calendars.urls import http_url_problem

logger = logging.getLogger("calendars.events")

__all__ = ["EARLIEST_YEAR", "LATEST_YEAR", "MAX_DURATION", "TEXT_LIMITS", "clean_field"]

_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # C0 but tab/LF, DEL, C1
MAX_DURATION = timedelta(days=366)
EARLIEST_YEAR, LATEST_YEAR = 1900, 2199  # beyond these, zone arithmetic can overflow
TEXT_LIMITS = {"title": 200, "location": 300, "description": 4000}


def _clean_text(name: str, value: str, *, multiline: bool = False, required: bool = False) -> str:
    return clean_field(name, value, limit=TEXT_LIMITS[name], multiline=multiline, required=required)


def clean_field(
    name: str,
    value: str,
    *,
    limit: int,
    multiline: bool = False,
    required: bool = False,
    example: str | None = None,
) -> str:
    """Admin text as events keep it: no control characters (refused, named), no invisible
    ones (removed), white space collapsed unless ``multiline``, at most ``limit`` long."""
    if not isinstance(value, str):
        raise InvalidEvent(f"{name} must be text")
    control = _CONTROL_RE.search(value)
    if control:
        raise InvalidEvent(
            _(
                "{name} contains control characters ({code} at character {position}); write "
                "plain text",
                name=name,
                code=f"U+{ord(control.group()):04X}",
                position=control.start() + 1,
            ),
            example=example,
        )
    # Bidi overrides and zero-width characters would reorder or hide what readers see.
    value = clean_text(value)
    value = value.strip() if multiline else " ".join(value.split())
    if required and not value:
        raise InvalidEvent(_("{name} must not be empty", name=name), example="SCO Summit 2025")
    if len(value) > limit:
        raise InvalidEvent(
            _(
                "{name} is {length} characters long; the limit is {limit}",
                name=name,
                length=len(value),
                limit=limit,
            ),
            example=example,
        )
    return value


def _clean_url(value: str) -> str:
    """The URL exactly as stored: one line of printable characters, http or https."""
    if not isinstance(value, str):
        raise InvalidEvent("source URL must be text", example=_URL_EXAMPLE)
    value = value.strip()
    problem = http_url_problem(value)
    if problem is not None:
        raise InvalidEvent(
            _("source URL {url} {problem}", url=repr(value[:80]), problem=problem),
            example=_URL_EXAMPLE,
        )
    return value


_URL_EXAMPLE = "https://www.mea.gov.in/press-releases.htm?dtl=1&lang=en"


def _stored_urls(values: Iterable[Any], event_id: object) -> tuple[str, ...]:
    """Stored URLs that today's rules accept: one written under older rules must not stop
    the database from loading; it is dropped and logged instead."""
    kept = []
    for value in values:
        try:
            kept.append(_clean_url(value))
        except InvalidEvent as exc:
            logger.warning("event.url_dropped event=%s reason=%r", event_id, exc.message)
    return tuple(kept)


def _unique(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))


def _check_keywords(values: Iterable[object]) -> tuple[str, ...]:
    """Keywords match news, so each is one short line."""
    keywords = []
    for value in values:
        word = " ".join(str(value).split())
        if not word or len(word) > 64 or _CONTROL_RE.search(word):
            raise InvalidEvent(
                _("keyword {word} must be 1-64 characters", word=repr(word)), example="S-400"
            )
        keywords.append(word)
    return _unique(keywords)


def _check_times(
    start: date | datetime, end: date | datetime, zone: ZoneInfo
) -> tuple[date | datetime, date | datetime]:
    """Start and end as the event keeps them (times in ``zone``), or InvalidEvent."""
    if not all(EARLIEST_YEAR <= value.year <= LATEST_YEAR for value in (start, end)):
        raise InvalidEvent(
            _("dates must fall between {first} and {last}", first=EARLIEST_YEAR, last=LATEST_YEAR),
            example="2026-12-04 10:00 Asia/Kolkata",
        )
    if isinstance(start, datetime) and isinstance(end, datetime):
        if start.tzinfo is None or end.tzinfo is None:
            raise InvalidEvent("times must carry a time zone", example="Asia/Kolkata")
        # Through UTC, so a wall time that does not exist (a DST gap) becomes a real one.
        start, end = (
            start.astimezone(UTC).astimezone(zone),
            end.astimezone(UTC).astimezone(zone),
        )
        # Instants, not wall clocks: within one zone Python ignores ``fold``, so 02:30
        # (first pass) to 02:30 (second pass) of a fall-back night would read as zero.
        duration = end.astimezone(UTC) - start.astimezone(UTC)
    elif not isinstance(start, datetime) and not isinstance(end, datetime):
        duration = end - start
    else:
        raise InvalidEvent(
            "start and end must both be dates (all-day) or both be times",
            example="2026-12-04 10:00 - 2026-12-05 18:00 Asia/Kolkata",
        )
    if duration <= timedelta(0):
        raise InvalidEvent(
            _("the event must end after it starts"),
            example="2026-12-04 10:00 - 2026-12-04 18:00 Asia/Kolkata",
        )
    if duration > MAX_DURATION:
        raise InvalidEvent(_("an event may last at most 366 days"))
    return start, end


def _check_precision(value: object) -> Precision:
    try:
        return Precision(str(value).strip().lower())
    except ValueError:
        choices = ", ".join(p.value for p in Precision)
        raise InvalidEvent(
            f"precision {str(value)[:20]!r} is not one of {choices}", example="month"
        ) from None


def _check_period(start: date | datetime, end: date | datetime, precision: Precision) -> None:
    """A month or year event is all-day over exactly that month or year (see
    :mod:`calendars.time.precision`), so every view of it agrees on when it is over."""
    if precision is Precision.DAY:
        return
    if isinstance(start, datetime) or isinstance(end, datetime):
        raise InvalidEvent(
            f"an event known only to the {precision.value} has no time of day; "
            f"give a time with the day (2025-12-04 10:00), or {PERIOD_EXAMPLES}",
            example="2025-12 Asia/Kolkata",
        )
    problem = period_problem(start, precision)
    if problem is None and end != period_end(start, precision):
        problem = (
            f"a {precision.value}-precision event starting {start} ends on "
            f"{period_end(start, precision)} (exclusive), not {end}"
        )
    if problem is not None:
        raise InvalidEvent(problem, example="2025-12 Asia/Kolkata")
