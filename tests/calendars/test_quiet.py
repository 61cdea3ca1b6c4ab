from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from calendars.errors import InvalidInput
from calendars.quiet import QuietHours, parse_quiet_hours

BERLIN = "Europe/Berlin"


def local(text: str, zone: str = BERLIN, *, fold: int = 0) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=ZoneInfo(zone), fold=fold)


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("22:00-07:00", time(22), time(7)),
        ("22-7", time(22), time(7)),
        (" 13:30 – 14:15 ", time(13, 30), time(14, 15)),
        ("00:00-06:00", time(0), time(6)),
    ],
)
def test_ranges_are_read(text: str, start: time, end: time) -> None:
    assert parse_quiet_hours(text) == QuietHours(start, end)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("25:00-07:00", "25:00 is not a time of day"),
        ("24:00-07:00", "midnight is 00:00"),
        ("22:61-07:00", "22:61 is not a time of day"),
        ("22:00-22:00", "the same time"),
        ("22:00", "not a range of times"),
        ("tonight", "not a range of times"),
        ("22:00-07:00" + " " * 100, "not a range of times"),
    ],
)
def test_bad_ranges_are_refused_with_an_example(text: str, expected: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_quiet_hours(text)
    assert expected in refused.value.user_message()
    assert "Example: /quiet 22:00-07:00" in refused.value.user_message()


def test_a_range_across_midnight_is_quiet_on_both_sides_of_it() -> None:
    night = parse_quiet_hours("22:00-07:00")
    assert night.is_quiet(local("2026-12-01 22:00"), BERLIN)
    assert night.is_quiet(local("2026-12-02 03:00"), BERLIN)
    assert not night.is_quiet(local("2026-12-02 07:00"), BERLIN)  # the end is not quiet
    assert not night.is_quiet(local("2026-12-01 21:59"), BERLIN)
    assert night.quiet_ends(local("2026-12-01 23:00"), BERLIN) == local("2026-12-02 07:00")
    assert night.quiet_ends(local("2026-12-02 01:00"), BERLIN) == local("2026-12-02 07:00")
    noon = local("2026-12-02 12:00")
    assert night.quiet_ends(noon, BERLIN) == noon  # not quiet: nothing to wait for


def test_quiet_hours_are_the_chats_wall_clock_not_utc() -> None:
    night = parse_quiet_hours("22:00-07:00")
    at = datetime(2026, 12, 1, 17, 0, tzinfo=UTC)  # 22:30 in Kolkata
    assert night.is_quiet(at, "Asia/Kolkata")
    assert not night.is_quiet(at, BERLIN)
    assert night.quiet_ends(at, "Asia/Kolkata") == local("2026-12-02 07:00", "Asia/Kolkata")


def test_an_end_the_clocks_skip_ends_when_they_jump() -> None:
    # Berlin, 29 March 2026: 02:00 CET becomes 03:00 CEST.
    night = parse_quiet_hours("22:00-02:30")
    ends = night.quiet_ends(local("2026-03-28 23:00"), BERLIN)
    assert ends == datetime(2026, 3, 29, 1, 0, tzinfo=UTC)
    assert ends.astimezone(ZoneInfo(BERLIN)).strftime("%H:%M %Z") == "03:00 CEST"


def test_an_end_the_clocks_show_twice_ends_the_first_time_and_the_repeat_is_quiet() -> None:
    # Berlin, 25 October 2026: 03:00 CEST becomes 02:00 CET; 02:30 happens twice.
    night = parse_quiet_hours("22:00-02:30")
    first = night.quiet_ends(local("2026-10-24 23:00"), BERLIN)
    assert first == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)  # 02:30 CEST
    repeat = local("2026-10-25 02:10", fold=1)  # 02:10 CET, after the clocks fell back
    assert night.is_quiet(repeat, BERLIN)
    assert night.quiet_ends(repeat, BERLIN) == datetime(2026, 10, 25, 1, 30, tzinfo=UTC)


def test_a_night_with_a_dst_change_lasts_as_the_clock_says() -> None:
    night = parse_quiet_hours("22:00-07:00")
    start = local("2026-03-28 22:00")
    assert night.quiet_ends(start, BERLIN) - start == timedelta(hours=8)  # an hour skipped


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        parse_quiet_hours("22-7").is_quiet(datetime(2026, 12, 1, 23), BERLIN)


@given(st.text(max_size=60) | st.from_regex(r"\d{1,3}(:\d{1,3})?\s?[-–]\s?\d{1,3}(:\d{2})?"))
def test_any_text_is_refused_or_read_and_read_ranges_round_trip(text: str) -> None:
    try:
        parsed = parse_quiet_hours(text)
    except InvalidInput as refused:
        assert refused.example
        return
    assert parse_quiet_hours(parsed.render()) == parsed
    assert QuietHours.from_record(parsed.to_record()) == parsed


_ZONES = st.sampled_from(
    [BERLIN, "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe", "Pacific/Apia", "UTC"]
)


@given(
    st.times().map(lambda t: t.replace(second=0, microsecond=0)),
    st.times().map(lambda t: t.replace(second=0, microsecond=0)),
    st.datetimes(
        min_value=datetime(2000, 1, 1), max_value=datetime(2037, 12, 31), timezones=st.just(UTC)
    ),
    _ZONES,
)
def test_quiet_hours_end_after_a_quiet_moment_at_a_moment_that_is_not_quiet(
    start: time, end: time, at: datetime, zone: str
) -> None:
    if start == end:
        return
    quiet = QuietHours(start, end)
    ends = quiet.quiet_ends(at, zone)
    if not quiet.is_quiet(at, zone):
        assert ends == at
        return
    assert at < ends <= at + timedelta(hours=26)
    assert not quiet.is_quiet(ends, zone)
    assert quiet.is_quiet(ends - timedelta(seconds=1), zone)  # no quiet-free gap before it


def test_a_skipped_day_does_not_end_the_quiet_hours_inside_the_next_night() -> None:
    # Samoa skipped 30 December 2011: 29 December 24:00 was 31 December 00:00.
    night = parse_quiet_hours("22:00-07:00")
    ends = night.quiet_ends(local("2011-12-29 23:00", "Pacific/Apia"), "Pacific/Apia")
    assert ends == local("2011-12-31 07:00", "Pacific/Apia")
