"""IANA time zones: checking names people type, and suggesting the ones they meant.

People type abbreviations ("IST") and offsets ("GMT+5") as often as zone names; those are
never accepted (an abbreviation names several zones, an offset ignores clock changes) but
are answered with the places they usually mean. A few old IANA names are accepted with a
warning, since they may not do what the reader expects (``EST`` has no summer time).
"""

from __future__ import annotations

import difflib
import re
from datetime import UTC, datetime, timedelta
from functools import cache, lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from calendars.i18n import _
from calendars.time.abbreviations import (
    ABBREVIATIONS,
    FIXED_LEGACY,
    PLACES_BY_OFFSET,
    RULED_LEGACY,
)

__all__ = [
    "explain_zone_input",
    "format_offset",
    "suggest_zones",
    "typed_offset",
    "zone_label",
    "zone_or_none",
    "zone_warning",
]

_ALIASES = {"utc": "UTC", "gmt": "UTC", "z": "UTC"}
# Not places: "localtime" is whatever the server's clock is set to, "Factory" shows "-00".
_REFUSED = frozenset({"localtime", "factory", "posixrules"})
_OFFSET_RE = re.compile(
    r"^(?:UTC|GMT|Z)?\s*(?P<sign>[+\-\u2212])\s*(?P<hours>\d{1,2})(?::?(?P<minutes>\d{2}))?$",
    re.IGNORECASE,
)
_ETC_RE = re.compile(r"^Etc/GMT(?P<sign>[+-])(?P<hours>\d{1,2})$")


@lru_cache(maxsize=512)  # bounded: names come from users and imported files
def zone_or_none(name: str) -> ZoneInfo | None:
    """The zone called ``name`` (any letter case), or None when it is not an IANA zone."""
    name = _ALIASES.get(name.strip().lower(), name.strip())
    if not name or len(name) > 64 or name.startswith(("/", ".")) or ".." in name:
        return None
    if name.lower() in _REFUSED:
        return None
    known = _by_lower_name().get(name.lower())
    if known is None and name != "UTC":  # never look other names up: untrusted input
        return None  # (ZoneInfo would try them as file paths, interning every part)
    try:
        return ZoneInfo(known or name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return None


@cache
def _zone_names() -> tuple[str, ...]:
    return tuple(sorted(available_timezones() - {"localtime", "Factory", "posixrules"}))


@cache
def _by_lower_name() -> dict[str, str]:
    return {zone.lower(): zone for zone in _zone_names()}


def format_offset(offset: timedelta) -> str:
    """``UTC+05:30``, ``UTC-05:00``: an offset as people read it."""
    sign = "-" if offset < timedelta() else "+"
    hours, rest = divmod(abs(int(offset.total_seconds())), 3600)
    return f"UTC{sign}{hours:02d}:{rest // 60:02d}"


def zone_label(local: datetime) -> str:
    """``CEST``, or ``UTC+05:30`` for zones whose abbreviation is only a number (``+0530``)."""
    name = local.tzname() or ""
    if name[:1] in "+-" or not name:
        return format_offset(local.utcoffset() or timedelta())
    return name


def typed_offset(name: str) -> timedelta | None:
    """The offset in ``GMT+5``, ``UTC+5:30`` or ``-03:00``, as people mean it (east is +)."""
    match = _OFFSET_RE.match(name.strip())
    if match is None:
        return None
    hours, minutes = int(match["hours"]), int(match["minutes"] or 0)
    if hours > 14 or minutes > 59:
        return None
    offset = timedelta(hours=hours, minutes=minutes)
    return -offset if match["sign"] != "+" else offset


def _etc_name(offset: timedelta) -> str | None:
    """The Etc/GMT zone fixed at ``offset``, whose sign is reversed (Etc/GMT-5 is UTC+05:00)."""
    minutes = int(offset.total_seconds()) // 60
    if minutes % 60 or not -12 * 60 <= minutes <= 14 * 60:
        return None
    return "UTC" if minutes == 0 else f"Etc/GMT{-minutes // 60:+d}"


def suggest_zones(name: str, *, limit: int = 4) -> list[str]:
    """Zones meant by a mistyped name (``kolkata``), an abbreviation or an offset."""
    known = ABBREVIATIONS.get(name.strip().upper())
    if known:
        return [zone for zone, _where in known][:limit]
    offset = typed_offset(name)
    if offset is not None:
        places = list(PLACES_BY_OFFSET.get(int(offset.total_seconds()) // 60, ()))
        etc = _etc_name(offset)
        return list(dict.fromkeys([*places, *([etc] if etc else [])]))[:limit]
    wanted = name.strip().lower().replace(" ", "_")
    names = _zone_names()
    by_city = [z for z in names if z.lower().rsplit("/", 1)[-1] == wanted]
    lowered = {z.lower(): z for z in names}
    close = difflib.get_close_matches(wanted, list(lowered), n=limit, cutoff=0.6)
    cities = {z.lower().rsplit("/", 1)[-1]: z for z in names}
    close_cities = difflib.get_close_matches(wanted, list(cities), n=limit, cutoff=0.7)
    found = by_city + [lowered[c] for c in close] + [cities[c] for c in close_cities]
    return list(dict.fromkeys(found))[:limit]


def explain_zone_input(name: str) -> str | None:
    """Why an abbreviation or offset is not taken as a zone, and which zones it may mean."""
    typed = name.strip()[:20]
    known = ABBREVIATIONS.get(typed.upper())
    if known:
        meant = _or([f"{zone} ({where})" for zone, where in known])
        return _(
            "{typed} is an abbreviation, not a zone; it usually means {meant}",
            typed=typed,
            meant=meant,
        )
    offset = typed_offset(typed)
    if offset is None:
        return None
    shown = format_offset(offset)
    text = _(
        "{typed} is an offset, not a zone; name a place on {offset}", typed=typed, offset=shown
    )
    places = PLACES_BY_OFFSET.get(int(offset.total_seconds()) // 60)
    if places:
        text += " " + _("such as {places}", places=_or(list(places)))
    etc = _etc_name(offset)
    if etc and etc != "UTC":
        text += ", " + _(
            "or {zone} for {offset} all year (Etc/GMT names have the sign reversed)",
            zone=etc,
            offset=shown,
        )
    return text


def _or(words: list[str]) -> str:
    if len(words) == 1:
        return words[0]
    return _("{first} or {last}", first=", ".join(words[:-1]), last=words[-1])


def zone_warning(key: str, *, now: datetime | None = None) -> str | None:
    """A caution for zone names that are valid but probably not what was meant."""
    moment = now or datetime.now(UTC)
    if key in FIXED_LEGACY:
        shown = format_offset(ZoneInfo(key).utcoffset(moment) or timedelta())
        return _(
            "{zone} is {offset} all year, with no summer time; for the clocks of that region "
            "use {place}",
            zone=key,
            offset=shown,
            place=FIXED_LEGACY[key],
        )
    if key in RULED_LEGACY:
        return _(
            "{zone} is an old name; a place such as {place} is clearer",
            zone=key,
            place=RULED_LEGACY[key],
        )
    match = _ETC_RE.match(key)
    if match and int(match["hours"]):
        offset = ZoneInfo(key).utcoffset(moment) or timedelta()
        shown, opposite = format_offset(offset), format_offset(-offset)
        text = _(
            "{zone} is {offset} all year: Etc/GMT names have the sign reversed",
            zone=key,
            offset=shown,
        )
        other = _etc_name(-offset)
        if other:
            text += ", " + _("so {offset} is {zone}", offset=opposite, zone=other)
        places = PLACES_BY_OFFSET.get(int(offset.total_seconds()) // 60)
        if places:
            text += "; " + _(
                "to follow a place's clock changes, use one such as {place}", place=places[0]
            )
        return text
    return None
