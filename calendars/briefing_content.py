"""What goes into one chat's briefing: upcoming events, what changed, related coverage.

Pure selection; ``bot.wording.briefings`` words it and ``bot.services.briefings`` sends it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from calendars.events import Coverage, Event
from calendars.news.articles import Article
from calendars.news.filters import NewsFilter

__all__ = [
    "COVERAGE_PER_EVENT",
    "Briefing",
    "BriefingItem",
    "ChangeEntry",
    "EventChange",
    "changes_since",
    "compose_briefing",
]

COVERAGE_PER_EVENT = 3
MAX_UPCOMING = 40  # a message stays readable (and bounded); the rest is counted
MAX_CHANGES = 30


@dataclass(frozen=True, slots=True)
class EventChange:
    """An event changed since a moment: ``kind`` is "added", "edited" or "cancelled"."""

    event: Event
    kind: str
    fields: tuple[str, ...] = ()
    at: datetime | None = None


@dataclass(frozen=True, slots=True)
class ChangeEntry:
    """One recorded act on an event (the audit log's ``event.edit`` and kin, for now)."""

    event_id: str
    action: str  # "add", "edit", "cancel"
    fields: tuple[str, ...]
    at: datetime


def changes_since(
    events: Iterable[Event], log: Iterable[ChangeEntry], since: datetime
) -> dict[str, EventChange]:
    """Events changed since ``since`` (at that instant too: better twice than lost), by id.

    ``updated`` (bumped with SEQUENCE on every revision) says whether, the log says how.
    A revision with no entry in the log (new coverage, which has its own section) is not
    a change; an event created since is new. Nor is an edit of translations only (as
    no change alert is sent for one).
    """
    acts: dict[str, list[ChangeEntry]] = {}
    for entry in log:
        if entry.at >= since and entry.fields != ("translations",):  # no news to readers
            acts.setdefault(entry.event_id, []).append(entry)
    found: dict[str, EventChange] = {}
    for event in events:
        if event.updated < since:
            continue
        mine = acts.get(event.id, [])
        actions = {entry.action for entry in mine}
        if event.created >= since or "add" in actions:
            kind = "added"
        elif event.cancelled and "cancel" in actions:
            kind = "cancelled"
        elif mine:
            kind = "edited"
        else:
            continue
        fields = tuple(sorted({f for entry in mine for f in entry.fields} - {"translations"}))
        at = max((entry.at for entry in mine), default=event.updated)
        found[event.id] = EventChange(event, kind, fields, at)
    return found


@dataclass(frozen=True, slots=True)
class BriefingItem:
    """An upcoming event and its top coverage (through the chat's filter), newest first."""

    event: Event
    coverage: tuple[Coverage, ...]
    new_coverage: int  # how many of ``coverage`` were published since the last briefing


@dataclass(frozen=True, slots=True)
class Briefing:
    weekly: bool
    now: datetime
    since: datetime
    until: datetime
    upcoming: tuple[BriefingItem, ...]
    changes: tuple[EventChange, ...]
    more_upcoming: int = 0
    more_changes: int = 0

    @property
    def new_coverage(self) -> int:
        return sum(item.new_coverage for item in self.upcoming)

    @property
    def is_empty(self) -> bool:
        """Nothing to tell: no upcoming events, no changes, no new coverage."""
        return not self.upcoming and not self.changes and not self.new_coverage


def _accepted(item: Coverage, news_filter: NewsFilter | None) -> bool:
    if news_filter is None:
        return True
    article = Article(
        key=item.url,
        title=item.title,
        link=item.url,
        summary="",
        source=item.source,
        published=item.published,
        source_url="",
    )
    return news_filter.accepts(article)


def _item(event: Event, news_filter: NewsFilter | None, since: datetime) -> BriefingItem:
    chosen: list[Coverage] = []
    for coverage in event.coverage:  # stored newest first
        if len(chosen) == COVERAGE_PER_EVENT:
            break
        if _accepted(coverage, news_filter):
            chosen.append(coverage)
    new = sum(1 for c in chosen if c.published is not None and c.published > since)
    return BriefingItem(event, tuple(chosen), new)


def compose_briefing(
    events: Iterable[Event],
    changes: Mapping[str, EventChange],
    *,
    topics: frozenset[str] | None,
    news_filter: NewsFilter | None,
    now: datetime,
    since: datetime,
    window: timedelta,
    weekly: bool = False,
) -> Briefing:
    """The briefing of a chat following ``topics``, for the ``window`` from ``now``.

    ``events``: the events not over yet, soonest first; ``changes``: events changed since
    ``since``, by id (any chat's topics: filtered here).
    """
    until = now + window
    ahead = [
        e for e in events if not e.cancelled and e.starts_at < until and e.follows_topics(topics)
    ]
    upcoming = tuple(_item(e, news_filter, since) for e in ahead[:MAX_UPCOMING])
    followed = sorted(
        (c for c in changes.values() if c.event.follows_topics(topics)),
        key=lambda c: (c.event.starts_at, c.event.id),
    )
    return Briefing(
        weekly=weekly,
        now=now,
        since=since,
        until=until,
        upcoming=upcoming,
        changes=tuple(followed[:MAX_CHANGES]),
        more_upcoming=max(0, len(ahead) - MAX_UPCOMING),
        more_changes=max(0, len(followed) - MAX_CHANGES),
    )
