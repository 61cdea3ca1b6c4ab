"""An event's history: what changed, by whom, and old records that still load."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from calendars.errors import InvalidEvent
from calendars.events import Event, Status
from calendars.follows import follow_data, id_digest, parse_follow_data
from calendars.history import MAX_HISTORY, last_moved, previous_starts
from tests.conftest import at, timed_event

NOW = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)


def test_a_record_written_with_tentative_loads_as_announced() -> None:
    record = timed_event("talks", at("2026-12-04T10:00", "Asia/Kolkata")).to_record()
    record["status"] = "tentative"
    record.pop("history")  # records from before history existed have none
    old_change = {"at": NOW.isoformat(), "by": "seed", "field": "status"}
    record["history"] = [old_change | {"old": "confirmed", "new": "tentative"}]
    event = Event.from_record(record)
    assert event.status is Status.ANNOUNCED
    assert event.history[0].new == "announced"
    assert Event.from_record(event.to_record()) == event


def test_every_tracked_change_is_kept_with_who_when_and_why() -> None:
    event = timed_event("talks", at("2026-12-04T10:00", "Asia/Kolkata"), location="Delhi")
    moved = event.revised(
        now=NOW,
        by="telegram:7",
        note="MEA readout",
        source="https://www.mea.gov.in/",
        start=at("2026-12-05T10:00", "Asia/Kolkata"),
        end=at("2026-12-05T12:00", "Asia/Kolkata"),
        location="Mumbai",
        status=Status.CONFIRMED,  # unchanged: not in the history
        description="not tracked",
    )
    assert [(c.field, c.old, c.new) for c in moved.history] == [
        (
            "time",
            "2026-12-04T10:00:00+05:30/2026-12-04T12:00:00+05:30 Asia/Kolkata",
            "2026-12-05T10:00:00+05:30/2026-12-05T12:00:00+05:30 Asia/Kolkata",
        ),
        ("place", "Delhi", "Mumbai"),
    ]
    assert {(c.by, c.note, c.source, c.at) for c in moved.history} == {
        ("telegram:7", "MEA readout", "https://www.mea.gov.in/", NOW)
    }
    assert previous_starts(moved) == [datetime(2026, 12, 4, 4, 30, tzinfo=UTC)]
    assert last_moved(moved) == NOW
    assert Event.from_record(moved.to_record()).history == moved.history
    assert moved.revised(now=NOW, description="again").history == moved.history


def test_the_history_keeps_the_newest_entries_within_its_bound() -> None:
    event = timed_event("talks", at("2026-12-04T10:00"))
    for number in range(MAX_HISTORY + 5):
        event = event.revised(now=NOW + timedelta(minutes=number), title=f"Talks {number}")
    assert len(event.history) == MAX_HISTORY
    assert event.history[-1].new == f"Talks {MAX_HISTORY + 4}"
    assert event.history[0].new == "Talks 5"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"source": "ftp://x.example/"}, "source 'ftp://x.example/' is not an http"),
        ({"note": "x" * 301}, "the note is 301 characters long"),
        ({"note": "bell\x07"}, "control characters"),
    ],
)
def test_a_bad_note_or_source_is_refused_even_without_a_tracked_change(
    fields: dict[str, str], message: str
) -> None:
    with pytest.raises(InvalidEvent, match=message):
        timed_event("talks", at("2026-12-04T10:00")).revised(now=NOW, **fields)


def test_only_events_still_on_record_as_happening_are_due_to_conclude() -> None:
    event = timed_event("talks", at("2026-12-01T06:00"))
    over = NOW
    for status in (Status.RUMOURED, Status.ANNOUNCED, Status.CONFIRMED):
        assert event.revised(now=NOW, status=status).due_to_conclude(over)
    for status in (Status.POSTPONED, Status.CANCELLED, Status.CONCLUDED):
        assert not event.revised(now=NOW, status=status).due_to_conclude(over)
    assert not event.due_to_conclude(at("2026-12-01T07:59"))


@given(st.text(max_size=100))
def test_any_callback_data_is_read_or_refused_never_crashes(data: str) -> None:
    parsed = parse_follow_data(data)
    if parsed is not None:
        value, digest = parsed
        assert value
        assert not digest or len(value) == 16


@given(st.from_regex(r"[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?", fullmatch=True))
def test_every_event_id_makes_follow_data_within_telegrams_64_bytes(event_id: str) -> None:
    data = follow_data(event_id)
    assert len(data.encode()) <= 64
    value, digest = parse_follow_data(data) or ("", False)
    assert value == (id_digest(event_id) if digest else event_id)
