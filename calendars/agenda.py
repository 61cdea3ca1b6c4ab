"""The public calendar page's shape: upcoming events by month, then past ones."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from calendars.events import Event
from calendars.i18n import DEFAULT_LANGUAGE
from calendars.time.language import digits, month_text
from calendars.time.precision import Precision

__all__ = ["Agenda", "Month", "build_agenda"]


@dataclass(frozen=True, slots=True)
class Month:
    label: str  # "December 2026" ("декабрь 2026"), in the venue's calendar
    events: tuple[Event, ...]


@dataclass(frozen=True, slots=True)
class Agenda:
    upcoming: tuple[Month, ...]
    past: tuple[Event, ...]  # most recent first
    topic: str | None

    @property
    def upcoming_count(self) -> int:
        return sum(len(month.events) for month in self.upcoming)


def _month_label(event: Event, lang: str) -> str:
    """The month the event starts in; a year for an event known only to its year."""
    if event.precision is Precision.YEAR:
        return digits(f"{event.start.year}", lang)
    start = event.start if event.all_day else event.starts_at.astimezone(event.zone)
    return month_text(start, lang)


def build_agenda(
    events: Iterable[Event],
    *,
    now: datetime,
    topic: str | None = None,
    lang: str = DEFAULT_LANGUAGE,
) -> Agenda:
    """Events not over yet, soonest first and grouped by month (named in ``lang``); the
    rest as the past."""
    chosen = sorted(
        (e for e in events if topic is None or topic in e.tags), key=lambda e: (e.starts_at, e.id)
    )
    months: dict[str, list[Event]] = {}
    for event in chosen:
        if not event.is_over(now):
            months.setdefault(_month_label(event, lang), []).append(event)
    past = tuple(reversed([e for e in chosen if e.is_over(now)]))
    return Agenda(tuple(Month(label, tuple(items)) for label, items in months.items()), past, topic)
