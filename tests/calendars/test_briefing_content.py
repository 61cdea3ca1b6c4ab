"""What a briefing holds: the chat's events ahead, what changed, coverage through its filter."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from typing import Any

from calendars.briefing_content import (
    MAX_UPCOMING,
    Briefing,
    ChangeEntry,
    EventChange,
    changes_since,
    compose_briefing,
)
from calendars.events import Coverage, Event, Status
from calendars.news.filters import parse_filter

NOW = datetime(2026, 12, 1, 7, tzinfo=UTC)
SINCE = NOW - timedelta(days=1)


def event(event_id: str, days: float, *, tags: tuple[str, ...] = ("india-russia",)) -> Event:
    start = NOW + timedelta(days=days)
    return Event(
        id=event_id,
        title=f"Event {event_id}",
        start=start,
        end=start + timedelta(hours=2),
        tags=tags,
        created=SINCE - timedelta(days=10),
        updated=SINCE - timedelta(days=10),
    )


def compose(
    events: list[Event], changes: dict[str, EventChange] | None = None, **options: Any
) -> Briefing:
    settings: dict[str, Any] = {
        "topics": None,
        "news_filter": None,
        "now": NOW,
        "since": SINCE,
        "window": timedelta(days=7),
    }
    return compose_briefing(events, changes or {}, **(settings | options))


def test_only_the_chats_topics_inside_the_window_and_not_cancelled() -> None:
    soon, later = event("soon", 2), event("later", 9)
    other = event("other", 1, tags=("energy",))
    off = dataclasses.replace(event("off", 3), status=Status.CANCELLED)
    briefing = compose([soon, later, other, off], topics=frozenset({"india-russia"}))
    assert [i.event.id for i in briefing.upcoming] == ["soon"]
    weekly = compose([soon, later], window=timedelta(days=14))
    assert [i.event.id for i in weekly.upcoming] == ["soon", "later"]


def test_coverage_goes_through_the_chats_filter_and_counts_what_is_new() -> None:
    items = (
        Coverage("Cricket: India tour", "https://a.example/1", "A", NOW - timedelta(hours=1)),
        Coverage("S-400 deliveries talks", "https://a.example/2", "A", NOW - timedelta(hours=2)),
        Coverage("S-400 old story", "https://a.example/3", "B", SINCE - timedelta(days=2)),
    )
    talks = dataclasses.replace(event("talks", 2), coverage=items)
    everything = compose([talks]).upcoming[0]
    assert len(everything.coverage) == 3
    assert everything.new_coverage == 2
    filtered = compose([talks], news_filter=parse_filter("+S-400 -cricket")).upcoming[0]
    assert [c.url for c in filtered.coverage] == ["https://a.example/2", "https://a.example/3"]
    assert filtered.new_coverage == 1


def test_nothing_ahead_and_nothing_changed_is_an_empty_briefing() -> None:
    assert compose([event("far", 30)]).is_empty
    assert not compose([event("soon", 1)]).is_empty


def test_changes_come_from_the_log_and_updated_and_coverage_alone_is_not_one() -> None:
    moved = dataclasses.replace(event("moved", 20), updated=NOW, sequence=2)
    covered = dataclasses.replace(event("covered", 20), updated=NOW, sequence=1)
    added = dataclasses.replace(event("added", 25), created=NOW, updated=NOW)
    off = dataclasses.replace(event("off", 3), status=Status.CANCELLED, updated=NOW, sequence=1)
    stale = event("stale", 20)
    log = [
        ChangeEntry("moved", "edit", ("start",), NOW - timedelta(hours=3)),
        ChangeEntry("moved", "edit", ("location",), NOW - timedelta(hours=2)),
        ChangeEntry("off", "cancel", (), NOW - timedelta(hours=1)),
        ChangeEntry("stale", "edit", ("title",), SINCE - timedelta(hours=1)),
    ]
    changes = changes_since([moved, covered, added, off, stale], log, SINCE)
    assert {k: (c.kind, c.fields) for k, c in changes.items()} == {
        "moved": ("edited", ("location", "start")),
        "added": ("added", ()),
        "off": ("cancelled", ()),
    }
    briefing = compose([moved, covered, added, off, stale], changes)
    assert not briefing.upcoming  # the cancelled one is not ahead, but it changed
    assert not briefing.is_empty
    assert [c.event.id for c in briefing.changes] == ["off", "moved", "added"]
    assert changes_since([moved], log, NOW).keys() == set()  # nothing after a later briefing


def test_a_briefing_is_bounded_and_counts_what_it_leaves_out() -> None:
    many = [event(f"e{n}", n / 10) for n in range(60)]
    briefing = compose(many)
    assert len(briefing.upcoming) == MAX_UPCOMING
    assert briefing.more_upcoming == 60 - MAX_UPCOMING
