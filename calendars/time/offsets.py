"""Reminder offsets ("7d 1d 2h 30m"): parsing what people type and saying it back in words."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import timedelta

from calendars.errors import InvalidOffsets
from calendars.i18n import DEFAULT_LANGUAGE, _, gettext_in, ngettext_in
from calendars.time.language import digits

__all__ = [
    "MAX_OFFSET",
    "MAX_OFFSETS",
    "describe_duration",
    "describe_offsets",
    "format_offsets",
    "parse_offsets",
]

MAX_OFFSETS = 10
MAX_OFFSET = timedelta(days=60)
_EXAMPLE = "7d 1d 2h 30m"
_UNITS = {"w": 604800, "d": 86400, "h": 3600, "m": 60}
_UNIT_NAMES = (("day", 86400), ("hour", 3600), ("minute", 60))
_PART_RE = re.compile(r"(\d{1,4})\s*(w|d|h|m)", re.IGNORECASE)
_TOKEN_RE = re.compile(r"^(?:\d{1,4}\s*[wdhm])+$", re.IGNORECASE)
_OFF_WORDS = frozenset({"off", "none", "no"})


def parse_offsets(text: str) -> tuple[timedelta, ...]:
    """``"7d, 1d 2h30m"`` → offsets, largest first; ``"off"`` → no reminders.

    Each token is one offset; a token may combine units (``1h30m``). Units: w, d, h, m.
    """
    cleaned = text.strip().lower()
    if cleaned in _OFF_WORDS:
        return ()
    tokens = [t for t in re.split(r"[\s,;]+", cleaned) if t]
    if not tokens:
        raise InvalidOffsets(_("give at least one offset, or 'off'"), example=_EXAMPLE)
    offsets: set[timedelta] = set()
    for token in tokens:
        if not _TOKEN_RE.match(token):
            raise InvalidOffsets(
                _(
                    "{token} is not an offset: write a number and a unit "
                    "(w weeks, d days, h hours, m minutes)",
                    token=repr(token[:20]),
                ),
                example=_EXAMPLE,
            )
        seconds = sum(int(n) * _UNITS[u.lower()] for n, u in _PART_RE.findall(token))
        offset = timedelta(seconds=seconds)
        if offset < timedelta(minutes=1) or offset > MAX_OFFSET:
            raise InvalidOffsets(
                _(
                    "{token} is out of range: an offset is between 1 minute and 60 days",
                    token=repr(token),
                ),
                example=_EXAMPLE,
            )
        offsets.add(offset)
    if len(offsets) > MAX_OFFSETS:
        raise InvalidOffsets(_("at most {count} offsets", count=MAX_OFFSETS), example=_EXAMPLE)
    return tuple(sorted(offsets, reverse=True))


def describe_duration(delta: timedelta, *, parts: int = 2, lang: str = DEFAULT_LANGUAGE) -> str:
    """``timedelta(days=1, hours=2)`` → ``"1 day 2 hours"``, rounded to whole minutes.

    Weeks are not used: they read badly in "starts in 1 week 3 days"."""
    seconds = max(0, round(delta.total_seconds() / 60) * 60)
    words = []
    for name, size in _UNIT_NAMES:
        count, seconds = divmod(seconds, size)
        if count:
            words.append(_unit(name, count, lang))
    if not words:
        return gettext_in(lang, "less than a minute")
    return " ".join(words[:parts])


def _unit(name: str, count: int, lang: str) -> str:
    """``2 days``: each unit a plural message of its own (Russian has three forms), the
    number in the language's digits."""
    shown = digits(str(count), lang)
    if name == "day":
        return ngettext_in(lang, "{count} day", "{count} days", count, count=shown)
    if name == "hour":
        return ngettext_in(lang, "{count} hour", "{count} hours", count, count=shown)
    return ngettext_in(lang, "{count} minute", "{count} minutes", count, count=shown)


def describe_offsets(offsets: Iterable[timedelta], lang: str = DEFAULT_LANGUAGE) -> str:
    """Offsets in words, as a chat shows them back: ``"7 days, 1 day and 2 hours before"``."""
    words = [describe_duration(o, parts=3, lang=lang) for o in offsets]
    if not words:
        return gettext_in(lang, "no reminders")
    if len(words) == 1:
        return gettext_in(lang, "{durations} before", durations=words[0])
    listed = gettext_in(lang, "{first} and {last}", first=", ".join(words[:-1]), last=words[-1])
    return gettext_in(lang, "{durations} before", durations=listed)


def format_offsets(offsets: Iterable[timedelta]) -> str:
    """The compact form ``parse_offsets`` reads back: ``"7d 1d 1h"``."""
    out = []
    for offset in offsets:
        seconds = int(offset.total_seconds())
        token = ""
        for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
            count, seconds = divmod(seconds, size)
            if count:
                token += f"{count}{unit}"
        out.append(token)
    return " ".join(out)
