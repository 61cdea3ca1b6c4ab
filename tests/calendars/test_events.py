from __future__ import annotations

import unicodedata
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from calendars.errors import InvalidEvent
from calendars.events import MAX_COVERAGE, Coverage, Event, Status, same_moment
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
        (
            {"status": "maybe"},
            "not one of rumoured, announced, confirmed, postponed, cancelled, concluded",
        ),
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


# ---- the repeated hour of a fall-back night (Berlin, 2027-10-31 03:00 CEST -> 02:00 CET) ----

FIRST_0230 = datetime(2027, 10, 31, 2, 30, tzinfo=ZoneInfo("Europe/Berlin"))  # 00:30 UTC
SECOND_0230 = FIRST_0230.replace(fold=1)  # 01:30 UTC


def berlin_event(start: datetime, end: datetime) -> Event:
    return Event(id="fold", title="Talks", start=start, end=end, timezone="Europe/Berlin")


def test_an_hour_from_the_first_to_the_second_pass_of_0230_is_one_hour() -> None:
    event = berlin_event(FIRST_0230, SECOND_0230)  # wall clocks equal, instants an hour apart
    assert event.ends_at - event.starts_at == timedelta(hours=1)


def test_an_event_in_the_second_pass_keeps_its_instants() -> None:
    event = berlin_event(SECOND_0230, SECOND_0230.replace(hour=3))
    assert event.starts_at == datetime(2027, 10, 31, 1, 30, tzinfo=UTC)
    assert event.ends_at - event.starts_at == timedelta(hours=1)


def test_an_end_earlier_on_the_wall_clock_but_later_in_time_is_accepted() -> None:
    event = berlin_event(FIRST_0230, SECOND_0230.replace(minute=15))  # 02:30 CEST → 02:15 CET
    assert event.ends_at - event.starts_at == timedelta(minutes=45)


def test_the_second_pass_to_the_first_pass_is_refused() -> None:
    with pytest.raises(InvalidEvent, match="must end after it starts"):
        berlin_event(SECOND_0230, FIRST_0230.replace(minute=45))  # 01:30 UTC → 00:45 UTC


def test_an_event_spanning_the_transition_lasts_its_real_length() -> None:
    start = at("2027-10-31T01:00", "Europe/Berlin")
    event = berlin_event(start, at("2027-10-31T03:00", "Europe/Berlin"))
    assert event.ends_at - event.starts_at == timedelta(hours=3)
    again = Event.from_record(berlin_event(FIRST_0230, SECOND_0230).to_record())
    assert again.ends_at - again.starts_at == timedelta(hours=1)  # fold survives storage


def test_same_moment_tells_the_two_passes_apart_where_equality_does_not() -> None:
    assert FIRST_0230 == SECOND_0230  # Python: one zone, wall clocks compared, fold ignored
    assert not same_moment(FIRST_0230, SECOND_0230)
    assert same_moment(FIRST_0230, FIRST_0230.astimezone(UTC))
    assert same_moment(date(2027, 10, 31), date(2027, 10, 31))
    assert not same_moment(date(2027, 10, 31), FIRST_0230)


@given(st.integers(min_value=0, max_value=14))
def test_recording_coverage_quickly_is_the_same_as_revising(count: int) -> None:
    """Coverage bumps SEQUENCE and ``updated`` as any revision does, keeps the newest
    MAX_COVERAGE items, and changes nothing else (the fast path skips the checks only)."""
    event = timed_event("talks", at("2026-12-10T10:00", "Asia/Kolkata"), keywords=("Modi",))
    now = datetime(2026, 12, 1, 8, tzinfo=UTC)
    items = [Coverage(f"story {n}", f"https://news.example.org/{n}") for n in range(count)]
    quick = event.with_coverage(items, now=now)
    assert quick == event.revised(now=now, coverage=tuple(items))
    assert (quick.sequence, quick.updated) == (event.sequence + 1, now)
    assert len(quick.coverage) == min(count, MAX_COVERAGE)
    assert event.coverage == ()  # the event it came from is unchanged


def test_recording_coverage_refuses_a_naive_time() -> None:
    event = timed_event("talks", at("2026-12-10T10:00"))
    with pytest.raises(InvalidEvent, match="aware"):
        event.with_coverage([], now=datetime(2026, 12, 1, 8))
