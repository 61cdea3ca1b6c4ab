from __future__ import annotations

import unicodedata
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from calendars.errors import InvalidEvent
from calendars.events import Event, Status
from tests.conftest import at, timed_event


def test_timed_event_keeps_its_venue_zone_and_exposes_the_instant() -> None:
    event = timed_event("talks", at("2026-12-04T10:00", "Asia/Kolkata"))
    assert event.timezone == "Asia/Kolkata"
    assert event.starts_at == datetime(2026, 12, 4, 4, 30, tzinfo=UTC)
    assert not event.all_day


def test_all_day_event_begins_at_midnight_where_it_happens() -> None:
    event = Event(
        id="sco",
        title="SCO",
        start=date(2025, 8, 31),
        end=date(2025, 9, 2),
        timezone="Asia/Shanghai",
    )
    assert event.all_day
    assert event.starts_at == datetime(2025, 8, 30, 16, 0, tzinfo=UTC)
    assert event.last_day == date(2025, 9, 1)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"title": "   "}, "title must not be empty"),
        ({"timezone": "Mars/Olympus"}, "unknown time zone"),
        ({"id": "Bad Id"}, "lower-case"),
        ({"tags": ("ok", "not ok")}, "tag"),
        ({"urls": ("ftp://example.org/x",)}, "http:// or https://"),
        ({"status": "maybe"}, "not one of confirmed, tentative, cancelled"),
        ({"title": "x" * 201}, "limit is 200"),
        ({"location": "a\x00b"}, "control characters"),
    ],
)
def test_invalid_fields_are_refused_with_a_clear_message(
    changes: dict[str, object], message: str
) -> None:
    fields: dict[str, object] = {
        "id": "ok",
        "title": "Talks",
        "start": date(2026, 1, 1),
        "end": date(2026, 1, 2),
    }
    fields.update(changes)
    with pytest.raises(InvalidEvent, match=message):
        Event(**fields)  # type: ignore[arg-type]


def test_end_before_start_is_refused_with_an_example() -> None:
    start = at("2026-12-04T10:00", "Asia/Kolkata")
    with pytest.raises(InvalidEvent, match="must end after it starts") as caught:
        Event(
            id="x", title="X", start=start, end=start - timedelta(hours=1), timezone="Asia/Kolkata"
        )
    assert caught.value.example


def test_naive_times_and_mixed_kinds_are_refused() -> None:
    with pytest.raises(InvalidEvent, match="time zone"):
        Event(id="x", title="X", start=datetime(2026, 1, 1, 10), end=datetime(2026, 1, 1, 11))
    with pytest.raises(InvalidEvent, match="both be dates"):
        Event(id="x", title="X", start=date(2026, 1, 1), end=at("2026-01-02T10:00"))


def test_a_wall_time_in_a_dst_gap_becomes_the_real_instant() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    event = Event(
        id="x",
        title="X",
        start=datetime(2026, 3, 29, 2, 30, tzinfo=berlin),  # clocks jump 02:00 -> 03:00
        end=datetime(2026, 3, 29, 5, 0, tzinfo=berlin),
        timezone="Europe/Berlin",
    )
    assert event.start.isoformat() == "2026-03-29T03:30:00+02:00"


def test_the_repeated_hour_after_dst_survives_storage() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    second = datetime(2026, 10, 25, 2, 30, fold=1, tzinfo=berlin)  # the second 02:30 (CET)
    event = Event(
        id="x", title="X", start=second, end=second + timedelta(hours=2), timezone="Europe/Berlin"
    )
    restored = Event.from_record(event.to_record())
    assert restored.starts_at == datetime(2026, 10, 25, 1, 30, tzinfo=UTC)
    assert restored.start.fold == 1


def test_revised_bumps_sequence_and_updated_but_keeps_identity() -> None:
    event = timed_event("talks", at("2026-12-04T10:00"))
    later = datetime(2026, 12, 1, tzinfo=UTC)
    revised = event.revised(now=later, title="New title", status=Status.TENTATIVE)
    assert (revised.id, revised.sequence, revised.updated) == ("talks", 1, later)
    assert revised.title == "New title"
    assert revised.status is Status.TENTATIVE
    with pytest.raises(InvalidEvent, match="cannot be edited"):
        event.revised(now=later, id="other")


def test_tags_are_normalised_as_people_type_them() -> None:
    event = timed_event("talks", at("2026-12-04T10:00"), tags=("#India-Russia", "sco", "SCO"))
    assert event.tags == ("india-russia", "sco")


zones = st.sampled_from(
    ["UTC", "Asia/Kolkata", "Europe/Berlin", "America/New_York", "Australia/Lord_Howe"]
)


@given(
    start=st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2037, 12, 31)),
    minutes=st.integers(min_value=1, max_value=60 * 24 * 30),
    zone=zones,
    fold=st.sampled_from([0, 1]),
)
def test_storage_round_trip_keeps_the_same_instants(
    start: datetime, minutes: int, zone: str, fold: int
) -> None:
    begin = start.replace(tzinfo=ZoneInfo(zone), fold=fold)
    event = Event(
        id="x", title="X", start=begin, end=begin + timedelta(minutes=minutes), timezone=zone
    )
    restored = Event.from_record(event.to_record())
    assert restored == event
    assert restored.starts_at == event.starts_at


@pytest.mark.parametrize(
    ("char", "named"),
    [
        ("\n", "a line break"),
        ("\x0b", "a vertical tab"),
        ("\x0c", "a form feed"),
        ("\x1b", "an escape character"),
        ("\u2028", "LINE SEPARATOR"),
        ("\u2029", "PARAGRAPH SEPARATOR"),
        ("\x85", "a next-line character (NEL)"),
        (" ", "SPACE"),
        ("\u200b", "ZERO WIDTH SPACE"),
    ],
)
def test_a_url_with_a_line_break_or_control_character_is_refused_saying_which(
    char: str, named: str
) -> None:
    with pytest.raises(InvalidEvent) as caught:
        timed_event("talks", at("2026-12-04T10:00"), urls=(f"https://mea.gov.in/a{char}b",))
    assert f"U+{ord(char):04X} ({named}) at character 21" in caught.value.message
    assert "https://" in (caught.value.example or "")


@given(st.text(min_size=1, max_size=40))
def test_a_stored_url_is_always_one_printable_line(tail: str) -> None:
    """May refuse, never crash; whatever is kept has no control or separator character."""
    try:
        event = timed_event("talks", at("2026-12-04T10:00"), urls=(f"https://x.org/{tail}",))
    except InvalidEvent:
        return
    (url,) = event.urls
    assert not any(
        char.isspace() or unicodedata.category(char)[0] in "CZ"
        for char in url
        if unicodedata.category(char) not in ("Cn", "Co")
    )
    url.encode("utf-8")


def test_a_record_stored_under_older_rules_still_loads_without_the_bad_url() -> None:
    record = timed_event("talks", at("2026-12-04T10:00")).to_record()
    record["urls"] = ["https://mea.gov.in/a\nb", "https://mea.gov.in/ok"]
    assert Event.from_record(record).urls == ("https://mea.gov.in/ok",)
