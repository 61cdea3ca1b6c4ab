from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from calendars.events import Status
from calendars.reminders import fire_times, plan_reminders, reminder_key
from calendars.subscribers import Subscriber
from tests.conftest import at, timed_event

DEFAULT = (timedelta(days=7), timedelta(days=1), timedelta(hours=1))
LONG_AGO = datetime(2020, 1, 1, tzinfo=UTC)


def subscriber(**fields: object) -> Subscriber:
    fields.setdefault("subscribed_at", LONG_AGO)
    fields.setdefault("reminders_since", LONG_AGO)
    return Subscriber(id="42", **fields)  # type: ignore[arg-type]


def plan(event, sub, now, done=frozenset()):  # type: ignore[no-untyped-def]
    return plan_reminders(event, sub, default_offsets=DEFAULT, now=now, is_done=done.__contains__)


def test_one_hour_reminder_is_due_exactly_one_hour_before(zone_name: str) -> None:
    start = at("2026-12-04T10:00", zone_name)
    event = timed_event("talks", start, created=LONG_AGO, updated=LONG_AGO)
    assert plan(
        event, subscriber(), start - timedelta(hours=1, seconds=1)
    ).send.offset == timedelta(days=1)
    due = plan(event, subscriber(), start - timedelta(hours=1)).send
    assert due is not None
    assert due.offset == timedelta(hours=1)


def test_offsets_are_real_hours_across_a_dst_change() -> None:
    # Berlin falls back at 03:00 CEST on 25 Oct 2026: 04:00 CET is two real hours after 01:00 CEST.
    event = timed_event(
        "early", at("2026-10-25T04:00", "Europe/Berlin"), created=LONG_AGO, updated=LONG_AGO
    )
    times = fire_times(event, [timedelta(hours=1), timedelta(days=1)])
    assert times[timedelta(hours=1)] == datetime(2026, 10, 25, 2, 0, tzinfo=UTC)
    assert times[timedelta(days=1)] == datetime(2026, 10, 24, 3, 0, tzinfo=UTC)


def test_delivered_reminders_are_not_planned_again() -> None:
    start = at("2026-12-04T10:00")
    event = timed_event("talks", start, created=LONG_AGO, updated=LONG_AGO)
    now = start - timedelta(minutes=30)
    first = plan(event, subscriber(), now)
    assert first.send is not None
    recorded = frozenset({first.send.key, *(r.key for r in first.skip)})
    assert plan(event, subscriber(), now, recorded).send is None


def test_after_downtime_only_the_nearest_missed_reminder_is_sent() -> None:
    start = at("2026-12-04T10:00")
    event = timed_event("talks", start, created=LONG_AGO, updated=LONG_AGO)
    result = plan(event, subscriber(), start - timedelta(minutes=20))
    assert result.send is not None
    assert result.send.offset == timedelta(hours=1)
    assert {r.offset for r in result.skip} == {timedelta(days=7), timedelta(days=1)}


@pytest.mark.parametrize("status", [Status.CANCELLED, Status.POSTPONED])
def test_cancelled_postponed_or_begun_events_get_no_reminders(status: Status) -> None:
    start = at("2026-12-04T10:00")
    event = timed_event("talks", start, created=LONG_AGO, updated=LONG_AGO)
    assert plan(event, subscriber(), start).send is None
    cancelled = event.revised(now=LONG_AGO, status=status)
    assert plan(cancelled, subscriber(), start - timedelta(minutes=30)).send is None


def test_nobody_is_reminded_of_a_moment_before_they_subscribed_or_the_event_existed() -> None:
    start = at("2026-12-04T10:00")
    created = start - timedelta(hours=1, minutes=10)
    event = timed_event("talks", start, created=created, updated=created)
    # the 7d and 1d moments passed before the event existed: only the 1h reminder is owed
    result = plan(event, subscriber(), start - timedelta(hours=1))
    assert result.send is not None
    assert result.send.offset == timedelta(hours=1)
    assert result.skip == ()
    late = subscriber(reminders_since=start - timedelta(minutes=50))
    assert plan(event, late, start - timedelta(minutes=45)).send is None


def test_per_subscriber_offsets_and_topics_are_respected() -> None:
    start = at("2026-12-04T10:00")
    event = timed_event("talks", start, tags=("sco",), created=LONG_AGO, updated=LONG_AGO)
    custom = subscriber(offsets=(timedelta(minutes=30),))
    assert plan(event, custom, start - timedelta(hours=1)).send is None
    assert plan(event, custom, start - timedelta(minutes=30)).send.offset == timedelta(minutes=30)
    assert (
        plan(event, subscriber(topics=frozenset({"energy"})), start - timedelta(hours=1)).send
        is None
    )


def test_moving_an_event_re_arms_its_reminders() -> None:
    event = timed_event("talks", at("2026-12-04T10:00"), created=LONG_AGO, updated=LONG_AGO)
    moved = event.revised(now=LONG_AGO, start=at("2026-12-05T10:00"), end=at("2026-12-05T12:00"))
    assert reminder_key(event, timedelta(hours=1), "42") != reminder_key(
        moved, timedelta(hours=1), "42"
    )


def _moved(start: datetime, new_start: datetime, moved_at: datetime):  # type: ignore[no-untyped-def]
    event = timed_event("talks", start, created=LONG_AGO, updated=LONG_AGO)
    return event, event.revised(
        now=moved_at, by="telegram:1", start=new_start, end=new_start + timedelta(hours=2)
    )


def test_a_sent_reminder_is_sent_again_after_a_move_that_leaves_its_offset_ahead() -> None:
    start = at("2026-12-04T10:00")
    event, moved = _moved(start, start + timedelta(minutes=30), at("2026-12-04T09:10"))
    sent = frozenset(reminder_key(event, offset, "42") for offset in DEFAULT)
    # moved at 09:10 to 10:30: 80 minutes away, so "1 hour before" (09:30) is still ahead
    assert plan(moved, subscriber(), at("2026-12-04T09:29"), sent).send is None
    again = plan(moved, subscriber(), at("2026-12-04T09:30"), sent).send
    assert again is not None
    assert again.offset == timedelta(hours=1)


def test_a_sent_reminder_is_not_sent_again_after_a_move_closer_than_its_offset() -> None:
    start = at("2026-12-04T10:00")
    event, moved = _moved(start, start + timedelta(minutes=5), at("2026-12-04T09:10"))
    sent = frozenset(reminder_key(event, offset, "42") for offset in DEFAULT)
    # moved at 09:10 to 10:05: 55 minutes away; the 1-hour reminder was already read
    assert plan(moved, subscriber(), at("2026-12-04T09:10"), sent).send is None
    # one never sent for the old start is still owed once its moment has passed
    never_sent = plan(moved, subscriber(), at("2026-12-04T09:10"))
    assert never_sent.send is not None
    assert never_sent.send.offset == timedelta(hours=1)


def test_a_chat_following_the_event_by_name_is_reminded_without_its_topic() -> None:
    start = at("2026-12-04T10:00")
    event = timed_event("talks", start, tags=("sco",), created=LONG_AGO, updated=LONG_AGO)
    nobody = subscriber(topics=frozenset({"energy"}))
    named = subscriber(topics=frozenset({"energy"}), followed=frozenset({"talks"}))
    assert plan(event, nobody, start - timedelta(hours=1)).send is None
    assert plan(event, named, start - timedelta(hours=1)).send is not None
