"""How much of an event's date is known: news announces "a December visit" weeks before a day.

An event known only to the month or year keeps the first day of that month or year as its
start and the first day after the period as its (exclusive) end: it is all-day, it has
begun on the 1st and is over only when the period is. ``precision`` says how much of that
date is real, so nothing treats the 1st as news: it is shown as "December 2025 (date to be
announced)", left out of calendar feeds and reminded of only once it has a day.

Admins type a month as ``2025-12`` and a year as ``2026`` (:func:`parse_period`).
"""

from __future__ import annotations

import re
from datetime import date
from enum import StrEnum

from calendars.i18n import DEFAULT_LANGUAGE, gettext_in
from calendars.time.language import day_text, digits, month_text

__all__ = [
    "PERIOD_EXAMPLES",
    "TO_BE_ANNOUNCED",
    "Precision",
    "parse_period",
    "period_end",
    "period_label",
    "period_problem",
    "undated_label",
]

TO_BE_ANNOUNCED = "date to be announced"
PERIOD_EXAMPLES = "2025-12 (a month) or 2026 (a year)"
# A month (``2025-12``, ``2025-1``) or a year (``2026``), and nothing else.
_PERIOD_RE = re.compile(r"(?P<year>[0-9]{4})(?:-(?P<month>[0-9]{1,2}))?", re.ASCII)


class Precision(StrEnum):
    """From the most to the least exact; ``day`` is every event typed or imported so far."""

    DAY = "day"
    MONTH = "month"
    YEAR = "year"


def period_end(start: date, precision: Precision) -> date:
    """The first day after the month or year that begins on ``start`` (its exclusive end);
    the next day for ``day``."""
    if precision is Precision.YEAR:
        return date(start.year + 1, 1, 1)
    if precision is Precision.MONTH:
        return date(start.year + start.month // 12, start.month % 12 + 1, 1)
    return date.fromordinal(start.toordinal() + 1)


def period_problem(start: date, precision: Precision) -> str | None:
    """Why ``start`` cannot begin a period of ``precision``, or None when it can."""
    if precision is Precision.MONTH and start.day != 1:
        return f"a month-precision event starts on the 1st of its month, not on {start}"
    if precision is Precision.YEAR and (start.month, start.day) != (1, 1):
        return f"a year-precision event starts on 1 January of its year, not on {start}"
    return None


def period_label(start: date, precision: Precision, lang: str = DEFAULT_LANGUAGE) -> str:
    """``December 2025`` for a month, ``2026`` for a year (the day itself for ``day``)."""
    if precision is Precision.YEAR:
        return digits(f"{start.year}", lang)
    if precision is Precision.MONTH:
        return month_text(start, lang)
    if lang == DEFAULT_LANGUAGE:
        return f"{start:%a} {start.day} {start:%B} {start.year}"
    return day_text(start, lang=lang)


def undated_label(start: date, precision: Precision, lang: str = DEFAULT_LANGUAGE) -> str:
    """``December 2025 (date to be announced)``: how every message and page says it."""
    period = period_label(start, precision, lang)
    return gettext_in(lang, "{period} (date to be announced)", period=period)


def parse_period(text: str) -> tuple[date, Precision] | None:
    """``2025-12`` → (1 December 2025, month); ``2026`` → (1 January 2026, year).

    None when ``text`` does not have the shape of a month or a year at all; a ``ValueError``
    naming the problem when it has the shape but names no such month (``2025-13``, ``0000``).
    """
    found = _PERIOD_RE.fullmatch(text.strip())
    if found is None:
        return None
    year, month = int(found["year"]), int(found["month"] or 1)
    if year < 1:
        raise ValueError(f"{found['year']} is not a year")
    if not 1 <= month <= 12:
        raise ValueError(f"{text.strip()} is not a month: months run 01-12")
    precision = Precision.YEAR if found["month"] is None else Precision.MONTH
    return date(year, month, 1), precision
