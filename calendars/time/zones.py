"""IANA time zones: checking names people type, and suggesting the ones they meant."""

from __future__ import annotations

import difflib
from functools import cache, lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

__all__ = ["suggest_zones", "zone_or_none"]

_ALIASES = {"utc": "UTC", "gmt": "UTC", "z": "UTC"}


@lru_cache(maxsize=512)  # bounded: names come from users and imported files
def zone_or_none(name: str) -> ZoneInfo | None:
    """The zone called ``name`` (any letter case), or None when it is not an IANA zone."""
    name = _ALIASES.get(name.strip().lower(), name.strip())
    if not name or len(name) > 64 or name.startswith(("/", ".")) or ".." in name:
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
    return tuple(sorted(available_timezones()))


@cache
def _by_lower_name() -> dict[str, str]:
    return {zone.lower(): zone for zone in _zone_names()}


def suggest_zones(name: str, *, limit: int = 4) -> list[str]:
    """Zones close to a mistyped name (``kolkata`` → ``Asia/Kolkata``)."""
    wanted = name.strip().lower().replace(" ", "_")
    names = _zone_names()
    by_city = [z for z in names if z.lower().rsplit("/", 1)[-1] == wanted]
    lowered = {z.lower(): z for z in names}
    close = difflib.get_close_matches(wanted, list(lowered), n=limit, cutoff=0.6)
    cities = {z.lower().rsplit("/", 1)[-1]: z for z in names}
    close_cities = difflib.get_close_matches(wanted, list(cities), n=limit, cutoff=0.7)
    found = by_city + [lowered[c] for c in close] + [cities[c] for c in close_cities]
    return list(dict.fromkeys(found))[:limit]
