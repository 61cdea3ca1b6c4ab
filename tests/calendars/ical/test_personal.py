"""Which events a private feed holds, and that equal selections share one cached render."""

from __future__ import annotations

from datetime import UTC, datetime

from calendars.ical.feeds import MAX_CACHED_SCOPES, CalendarFeeds
from calendars.ical.personal import FeedSelection, is_private
from calendars.ical.render import CalendarMeta, IcalRenderer
from tests.conftest import timed_event

START = datetime(2026, 12, 4, 9, tzinfo=UTC)
EVENTS = [
    timed_event("sco-summit", START, tags=("sco",)),
    timed_event("energy-forum", START, tags=("energy", "trade")),
    timed_event("untagged-visit", START),
]


def ids(selection: FeedSelection) -> list[str]:
    return [e.id for e in selection.select(EVENTS)]


def test_topics_pick_events_and_none_means_everything() -> None:
    assert ids(FeedSelection.of({"trade"})) == ["energy-forum"]
    assert ids(FeedSelection.of(None)) == ["sco-summit", "energy-forum", "untagged-visit"]
    assert ids(FeedSelection.of(set())) == []


def test_events_followed_one_by_one_join_the_topics() -> None:
    selection = FeedSelection.of({"sco"}, event_ids={"untagged-visit", "no-such-event"})
    assert ids(selection) == ["sco-summit", "untagged-visit"]
    assert selection.name("SummitWatch") == "SummitWatch — sco + 2 events"


def test_scope_names_the_selection_not_the_order_or_the_chat() -> None:
    one = FeedSelection.of(["trade", "sco"], ["b", "a"])
    other = FeedSelection.of(["sco", "trade"], ["a", "b"])
    assert one.scope == other.scope
    assert is_private(one.scope)
    assert one.scope != FeedSelection.of(["sco", "trade"]).scope
    assert FeedSelection.of(None).scope != FeedSelection.of(set()).scope


def test_a_long_name_is_shortened() -> None:
    topics = {f"topic-{n:02d}" for n in range(30)}
    name = FeedSelection.of(topics).name("SummitWatch")
    assert len(name) < 100
    assert name.endswith("…")


def test_private_renders_are_cached_but_bounded_in_number() -> None:
    feeds = CalendarFeeds(
        IcalRenderer(CalendarMeta(public_url="https://summitwatch.example")),
        events=lambda: EVENTS,
        version=lambda: 1,
    )
    first = FeedSelection.of({"sco"})
    feed = feeds.personal(first)
    assert b"UID:sco-summit@summitwatch.example" in feed.body
    assert b"energy-forum" not in feed.body
    assert feeds.cached(first.scope) is feed
    many = [FeedSelection.of({"sco"}, [f"event-{n}"]) for n in range(MAX_CACHED_SCOPES)]
    for selection in many:
        feeds.personal(selection)
    assert feeds.cached(first.scope) is None  # the oldest render made room
    assert feeds.cached(many[-1].scope) is not None
