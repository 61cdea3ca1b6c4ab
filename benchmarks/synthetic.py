"""Synthetic events for the benchmarks: realistic fields, several zones, two topics each."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from calendars.events import Event

__all__ = ["TAGS", "ZONES", "make_events"]

ZONES = ("Asia/Kolkata", "Europe/Berlin", "America/New_York", "Asia/Shanghai", "UTC")
TAGS = ("india-russia", "sco", "defence", "energy", "trade")


def make_events(count: int, *, first: datetime, every: timedelta) -> list[Event]:
    """``count`` timed events from ``first`` (a wall time), one every ``every``."""
    stamp = datetime(2026, 1, 1, tzinfo=UTC)
    events = []
    for n in range(count):
        zone = ZONES[n % len(ZONES)]
        start = (first + every * n).replace(tzinfo=ZoneInfo(zone))
        events.append(
            Event(
                id=f"event-{n}",
                title=f"Bilateral meeting number {n}: defence, energy and trade <talks>",
                start=start,
                end=start + timedelta(hours=2),
                timezone=zone,
                location="Hyderabad House, New Delhi",
                description="Talks on S-400 deliveries, oil payments and the annual summit. " * 3,
                tags=(TAGS[n % 5], TAGS[(n + 2) % 5]),
                keywords=("Modi", "Putin"),
                urls=(f"https://news.example.org/{n}",),
                created=stamp,
                updated=stamp,
            )
        )
    return events
