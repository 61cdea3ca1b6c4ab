"""dateparser behind two calls, so the detector never sees its settings or its failures.

Imported only when an article gets as far as its dates: ``import dateparser`` takes
~0.1 s and the first search in a language loads that language's data (~0.1-0.2 s).
dateparser is outside code reading strangers' text: any exception it raises means "no
date here", never a failed poll.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from dateparser.date import DateDataParser
from dateparser.search import search_dates

__all__ = ["parse", "search"]

# Parsers that read prose; "timestamp" would make "1756684800" a date, and
# "no-spaces-time" "20250901"-like numbers.
_PARSERS = ["relative-time", "custom-formats", "absolute-time"]


def _settings(base: datetime, prefer: str) -> dict[str, Any]:
    return {
        "PREFER_DATES_FROM": prefer,
        "RELATIVE_BASE": base,  # naive UTC: the publication time
        "TIMEZONE": "UTC",
        "RETURN_AS_TIMEZONE_AWARE": False,
        "RETURN_TIME_AS_PERIOD": True,  # "on 1 September at 10:00" is a day too
        "PARSERS": _PARSERS,
    }


def search(text: str, languages: list[str], base: datetime) -> list[tuple[str, datetime]]:
    """Each date expression in ``text`` read in one of ``languages`` (each tried alone)."""
    found: dict[str, datetime] = {}
    for language in languages:
        try:
            result = search_dates(text, languages=[language], settings=_settings(base, "future"))
        except Exception:  # outside code on outside text: see the docstring
            continue
        for phrase, when in result or ():
            found.setdefault(phrase, when)
    return list(found.items())


def parse(
    text: str, languages: list[str], base: datetime, *, prefer: str = "future"
) -> tuple[datetime, str] | None:
    """``text`` as (a day in it, the period it names: day/time/week/month/year), or None."""
    try:
        parser = DateDataParser(languages=languages, settings=_settings(base, prefer))
        data = parser.get_date_data(text)
    except Exception:  # as above
        return None
    if data.date_obj is None or data.period is None:
        return None
    return data.date_obj, str(data.period)
