"""Which events of a big file one import takes: the ones the bot can still act on.

A Google export is a whole calendar (Google cannot export a date range), so a busy
calendar easily holds more events than one import takes. Refusing it whole would leave
the admin editing .ics files by hand; taking the first N in file or date order would
import years of history and leave out the summits to come. So the events that have not
ended come first (soonest first), then the most recent past ones, and the report names
what was left out so the admin can import that part separately.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from calendars.events import Event

__all__ = ["within_limit"]


def within_limit(
    events: Sequence[Event], *, now: datetime, limit: int
) -> tuple[tuple[Event, ...], tuple[Event, ...]]:
    """(kept, left out), each in the order of ``events``; all kept when within ``limit``."""
    if len(events) <= limit:
        return tuple(events), ()
    upcoming = sorted((e for e in events if not e.is_over(now)), key=lambda e: e.starts_at)
    past = sorted((e for e in events if e.is_over(now)), key=lambda e: e.starts_at, reverse=True)
    chosen = {event.id for event in [*upcoming, *past][:limit]}
    kept = tuple(event for event in events if event.id in chosen)
    return kept, tuple(event for event in events if event.id not in chosen)
