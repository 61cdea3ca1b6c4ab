"""What "Add" and "Edit" of a suggestion start from: an event, or the guided add's answers.

A day becomes an all-day event in the default zone (the news rarely says the hour); a
month or a year becomes an event known only to that month or year (``Event.precision``),
so calendar feeds and reminders wait for the day.
"""

from __future__ import annotations

from collections.abc import Container
from datetime import datetime

from calendars.commands import EventDraft
from calendars.errors import InvalidEvent
from calendars.events import Event, Status, normalise_tag
from calendars.news.suggestions import Suggestion
from calendars.slugs import slugify
from calendars.time.precision import Precision, period_end

__all__ = ["suggested_draft", "suggested_event"]


def _tags(suggestion: Suggestion) -> tuple[str, ...]:
    tags = []
    for topic in suggestion.topics:
        try:
            tags.append(normalise_tag(topic))
        except InvalidEvent:
            continue  # a topic that is no tag (the watch list's own words): left out
    return tuple(dict.fromkeys(tags))[:20]


def suggested_event(
    suggestion: Suggestion, *, zone: str, now: datetime, taken: Container[str]
) -> Event:
    """The event "Add" creates: rumoured, all-day, its date as precise as the news was."""
    start = suggestion.when
    if suggestion.precision is Precision.MONTH:
        start = start.replace(day=1)
    elif suggestion.precision is Precision.YEAR:
        start = start.replace(month=1, day=1)
    return Event(
        id=slugify(suggestion.title, year=start.year, taken=taken),
        title=suggestion.title,
        start=start,
        end=period_end(start, suggestion.precision),
        precision=suggestion.precision,
        timezone=zone,
        location=", ".join(suggestion.places),
        tags=_tags(suggestion),
        status=Status.RUMOURED,
        created=now,
        updated=now,
    )


def suggested_draft(suggestion: Suggestion, *, zone: str) -> EventDraft:
    """The guided add's answers, filled in: ``2025-12-04``, or ``2025-12`` for a month."""
    when = {
        Precision.DAY: suggestion.when.isoformat(),
        Precision.MONTH: f"{suggestion.when:%Y-%m}",
        Precision.YEAR: f"{suggestion.when.year}",
    }[suggestion.precision]
    when = f"{when} {zone}"
    return EventDraft(
        when=when,
        title=suggestion.title,
        location=", ".join(suggestion.places),
        tags=" ".join(_tags(suggestion)),
    )
