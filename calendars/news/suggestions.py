"""Suggestions: announcements of the same meeting, merged, for admins to add or ignore.

Several newsrooms announce one visit in their own words and at their own precision
("in December", "on December 4"); admins should see it once, with a count of sources.
Two announcements are of the same meeting when they share a person or organisation (or,
naming none, a place), name the same place whenever both name one, and their dates
overlap at the coarser precision. A day refines a month, a month a year.

An announcement of an event already in the calendar (:class:`EventIndex`) is coverage of
that event, never a suggestion.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from typing import Any

from calendars.events import Coverage, Event
from calendars.news.announcements import Announcement, WatchName
from calendars.news.matching import found_phrases
from calendars.time.precision import Precision

__all__ = [
    "MAX_SUGGESTION_ARTICLES",
    "EventIndex",
    "Suggestion",
    "SuggestionState",
    "period",
    "same_meeting",
]

MAX_SUGGESTION_ARTICLES = 10  # shown and kept; ``sources`` counts every one merged
_RANK = {Precision.DAY: 0, Precision.MONTH: 1, Precision.YEAR: 2}


class SuggestionState(StrEnum):
    NEW = "new"
    ADDED = "added"
    IGNORED = "ignored"


def period(when: date, precision: Precision) -> tuple[date, date]:
    """The days a date at ``precision`` may mean: [first, after last)."""
    if precision is Precision.DAY:
        return when, when + timedelta(days=1)
    if precision is Precision.MONTH:
        first = when.replace(day=1)
        return first, (first + timedelta(days=32)).replace(day=1)
    return date(when.year, 1, 1), date(when.year + 1, 1, 1)


def _overlap(a: tuple[date, date], b: tuple[date, date]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


@dataclass(frozen=True, slots=True, kw_only=True)
class Suggestion:
    """A meeting the news announced, as admins see it in /suggestions."""

    id: str
    title: str
    when: date
    precision: Precision
    places: tuple[str, ...] = ()
    people: tuple[str, ...] = ()
    organisations: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    articles: tuple[Coverage, ...] = ()  # oldest first, at most MAX_SUGGESTION_ARTICLES
    sources: int = 1
    state: SuggestionState = SuggestionState.NEW
    created: datetime
    event_id: str | None = None  # the event "Add" made
    notified: bool = False  # the admins' notice went out (resumed after a restart if not)

    @classmethod
    def from_announcement(cls, found: Announcement, *, now: datetime) -> Suggestion:
        """A new suggestion; its id comes from its first article, so it is stable."""
        digest = hashlib.sha1(found.article.key.encode("utf-8")).hexdigest()[:12]
        return cls(
            id=digest,
            title=found.title,
            when=found.when,
            precision=found.precision,
            places=found.places,
            people=found.people,
            organisations=found.organisations,
            topics=found.topics,
            articles=(_coverage(found),),
            created=now.astimezone(UTC),
        )

    @property
    def period(self) -> tuple[date, date]:
        return period(self.when, self.precision)

    @property
    def parties(self) -> frozenset[str]:
        return frozenset(self.people) | frozenset(self.organisations)

    def merged(self, found: Announcement) -> Suggestion:
        """This suggestion with one more article; a more precise date refines it."""
        item = _coverage(found)
        if any(a.url == item.url for a in self.articles):
            return self
        refined = _RANK[found.precision] < _RANK[self.precision]
        return replace(
            self,
            when=found.when if refined else self.when,
            precision=found.precision if refined else self.precision,
            places=_union(self.places, found.places),
            people=_union(self.people, found.people),
            organisations=_union(self.organisations, found.organisations),
            topics=_union(self.topics, found.topics),
            articles=(*self.articles, item)[:MAX_SUGGESTION_ARTICLES],
            sources=self.sources + 1,
        )

    def to_record(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "when": self.when.isoformat(),
            "precision": self.precision.value,
            "places": list(self.places),
            "people": list(self.people),
            "organisations": list(self.organisations),
            "topics": list(self.topics),
            "articles": [a.to_record() for a in self.articles],
            "sources": self.sources,
            "state": self.state.value,
            "created": self.created.isoformat(),
            "event_id": self.event_id,
            "notified": self.notified,
        }

    @classmethod
    def from_record(cls, suggestion_id: str, record: Mapping[str, Any]) -> Suggestion:
        return cls(
            id=suggestion_id,
            title=str(record["title"]),
            when=date.fromisoformat(record["when"]),
            precision=Precision(record.get("precision", "day")),
            places=tuple(record.get("places", ())),
            people=tuple(record.get("people", ())),
            organisations=tuple(record.get("organisations", ())),
            topics=tuple(record.get("topics", ())),
            articles=tuple(Coverage.from_record(a) for a in record.get("articles", ())),
            sources=int(record.get("sources", 1)),
            state=SuggestionState(record.get("state", "new")),
            created=datetime.fromisoformat(record["created"]),
            event_id=record.get("event_id"),
            notified=bool(record.get("notified", False)),
        )


def same_meeting(suggestion: Suggestion, found: Announcement) -> bool:
    """Whether ``found`` announces the meeting ``suggestion`` stands for."""
    if not _overlap(suggestion.period, period(found.when, found.precision)):
        return False
    if suggestion.places and found.places and not set(suggestion.places) & set(found.places):
        return False
    parties = set(found.people) | set(found.organisations)
    if suggestion.parties or parties:
        return bool(suggestion.parties & parties)
    return bool(set(suggestion.places) & set(found.places))  # only places: the same one


def _coverage(found: Announcement) -> Coverage:
    article = found.article
    return Coverage(article.title, article.link, article.source, article.published)


def _union(first: tuple[str, ...], second: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys((*first, *second)))


@dataclass(frozen=True, slots=True)
class _Entry:
    event: Event
    text: str  # title, keywords and location: where its people and place are named
    days: tuple[date, date]


class EventIndex:
    """The calendar's events, ready to tell which one an announcement is about.

    An announcement covers an event when the event names one of its people or
    organisations (in any of their aliases), the event's place when the announcement
    names one, and their dates overlap. Build once per version of the events.
    """

    def __init__(self, events: Iterable[Event], names: Iterable[WatchName]) -> None:
        self._aliases: dict[str, tuple[str, ...]] = {}
        for name in names:
            self._aliases[name.name] = (name.name, *name.aliases)
        self._entries = [
            _Entry(e, " \n ".join((e.title, *e.keywords, e.location)), _days(e))
            for e in events
            if not e.cancelled
        ]

    def covered(self, found: Announcement) -> Event | None:
        """The first event ``found`` is about, or None."""
        days = period(found.when, found.precision)
        parties = (*found.people, *found.organisations)
        for entry in self._entries:
            if not _overlap(entry.days, days):
                continue
            if parties and not any(self._named(entry.text, p) for p in parties):
                continue
            if found.places and not any(self._named(entry.text, p) for p in found.places):
                continue
            if parties or found.places:
                return entry.event
        return None

    def _named(self, text: str, name: str) -> bool:
        return bool(found_phrases(text, self._aliases.get(name, (name,))))


def _days(event: Event) -> tuple[date, date]:
    """The days an event may fall on: its own, or its month or year when only that is known."""
    precision = Precision(getattr(event, "precision", Precision.DAY))
    first = event.start.date() if isinstance(event.start, datetime) else event.start
    if precision is not Precision.DAY:
        return period(first, precision)
    return first, event.last_day + timedelta(days=1)
