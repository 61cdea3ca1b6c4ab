"""dateparser behind two calls, so the detector never sees its settings or its failures.

Imported only when an article gets as far as its dates: ``import dateparser`` takes
~0.1 s and the first search in a language loads that language's data (~0.1-0.2 s).
dateparser is outside code reading strangers' text: any exception it raises means "no
date here", never a failed poll.
"""

from __future__ import annotations

import functools
import re
from datetime import datetime
from typing import Any

from dateparser.date import DateDataParser
from dateparser.languages.loader import default_loader
from dateparser.search import search_dates

from calendars.news.matching import PhraseIndex

__all__ = ["may_hold_date", "month_names", "parse", "search"]

_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
           "september", "october", "november", "december")  # fmt: skip
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

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


_UNITS = ("year", "month", "week", "day", "hour", "minute")
_DIGIT_RE = re.compile(r"\d")


def may_hold_date(text: str, languages: tuple[str, ...]) -> bool:
    """Whether ``text`` has a digit or a word of dateparser's own vocabulary in one of
    ``languages`` (months, weekdays, units, "tomorrow"...): without one it names no date,
    and a clause is not worth a search (~5 ms)."""
    return bool(_DIGIT_RE.search(text)) or bool(_vocabulary(languages).found(text))


@functools.cache
def _vocabulary(languages: tuple[str, ...]) -> PhraseIndex[bool]:
    words: set[str] = set()
    for language in languages:
        info = default_loader.get_locale(language).info
        skip = {word.casefold() for word in info.get("skip", ())}
        keys = (*_MONTHS, *_WEEKDAYS, *_UNITS)
        phrases = [p for key in keys for p in info.get(key, ())]
        phrases += [p for found in info.get("relative-type", {}).values() for p in found]
        words |= {w for p in phrases for w in p.casefold().split() if len(w) > 1} - skip
    return PhraseIndex((word, True) for word in sorted(words))


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


@functools.cache
def month_names(language: str) -> frozenset[str]:
    """The month names dateparser knows in ``language`` ("декабрь", "декабря", "дек")."""
    info = default_loader.get_locale(language).info
    return frozenset(name.casefold() for month in _MONTHS for name in info.get(month, ()))
