"""Which events of a big file one import takes: the ones the bot can still act on.

A Google export is a whole calendar (Google cannot export a date range), so a busy
calendar easily holds more events than one import takes. Refusing it whole would leave
the admin editing .ics files by hand; taking the first N in file or date order would
import years of history and leave out the summits to come. So the events that have not
ended come first (soonest first), then the most recent past ones, and the report names
what was left out so the admin can import that part separately.

A repeating event counts one event per occurrence, so a daily meeting alone could fill
the import with its next 500 days and push out next month's summit. Occurrences of one
series therefore take turns with everything else: every series' next occurrence and every
single event first (soonest first), then each series' second, and so on.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from calendars.events import Event

__all__ = ["within_limit"]


def within_limit(
    events: Sequence[Event],
    *,
    now: datetime,
    limit: int,
    series: Mapping[str, str] | None = None,  # event id -> its series (absent: single)
) -> tuple[tuple[Event, ...], tuple[Event, ...]]:
    """(kept, left out), each in the order of ``events``; all kept when within ``limit``."""
    if len(events) <= limit:
        return tuple(events), ()
    upcoming = _turns(
        sorted((e for e in events if not e.is_over(now)), key=lambda e: e.starts_at), series
    )
    past = _turns(
        sorted((e for e in events if e.is_over(now)), key=lambda e: e.starts_at, reverse=True),
        series,
    )
    chosen = {event.id for event in [*upcoming, *past][:limit]}
    kept = tuple(event for event in events if event.id in chosen)
    return kept, tuple(event for event in events if event.id not in chosen)


def _turns(ordered: list[Event], series: Mapping[str, str] | None) -> list[Event]:
    """``ordered`` with each series' n-th occurrence after every series' (n-1)-th."""
    if not series:
        return ordered
    seen: dict[str, int] = {}
    turn: dict[str, int] = {}
    for event in ordered:
        key = series.get(event.id)
        if key is not None:
            turn[event.id] = seen.get(key, 0)
            seen[key] = turn[event.id] + 1
    return sorted(ordered, key=lambda event: turn.get(event.id, 0))  # stable: soonest first
