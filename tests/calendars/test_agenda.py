from __future__ import annotations

from datetime import UTC, datetime, timedelta

from calendars.agenda import build_agenda
from tests.conftest import at, timed_event

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def test_upcoming_events_are_grouped_by_month_at_the_venue_and_past_ones_listed_after() -> None:
    events = [
        timed_event(
            "late-nov", at("2026-11-30T23:30", "Asia/Kolkata")
        ),  # 18:00 UTC, still November
        timed_event(
            "new-year", at("2027-01-01T00:30", "Asia/Tokyo")
        ),  # 31 Dec in UTC, January there
        timed_event("december", at("2026-12-04T10:00", "Asia/Kolkata"), tags=("india-russia",)),
        timed_event("over", NOW - timedelta(days=3)),
        timed_event("long-over", NOW - timedelta(days=30)),
        timed_event("running-now", NOW - timedelta(hours=1), hours=3),
    ]
    agenda = build_agenda(events, now=NOW)
    assert [(m.label, [e.id for e in m.events]) for m in agenda.upcoming] == [
        ("November 2026", ["running-now", "late-nov"]),
        ("December 2026", ["december"]),
        ("January 2027", ["new-year"]),
    ]
    assert [e.id for e in agenda.past] == ["over", "long-over"]
    assert agenda.upcoming_count == 4


def test_a_topic_filters_both_lists() -> None:
    events = [
        timed_event("december", at("2026-12-04T10:00"), tags=("india-russia",)),
        timed_event("other", at("2026-12-05T10:00"), tags=("sco",)),
    ]
    agenda = build_agenda(events, now=NOW, topic="india-russia")
    assert [e.id for m in agenda.upcoming for e in m.events] == ["december"]
