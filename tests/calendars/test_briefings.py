"""When briefings are due: the /briefing parser, periods, and wall-clock times across DST."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from calendars.briefings import (
    BriefingSetting,
    current_period,
    due_moment,
    first_valid,
    is_owed,
    next_due,
    owed_period,
    parse_briefing,
    settled_period,
)
from calendars.errors import InvalidInput

BERLIN = "Europe/Berlin"
DAILY = BriefingSetting(time(8))
WEEKLY = BriefingSetting(time(8), weekday=0)


def local(text: str, zone: str = BERLIN, *, fold: int = 0) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=ZoneInfo(zone), fold=fold)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("08:00", DAILY),
        ("8", DAILY),
        (" daily 8:00 ", DAILY),
        ("weekly mon 08:00", WEEKLY),
        ("Weekly Monday 8:00", WEEKLY),
        ("weekly sun 23:59", BriefingSetting(time(23, 59), weekday=6)),
    ],
)
def test_settings_are_read(text: str, expected: BriefingSetting) -> None:
    assert parse_briefing(text) == expected


@pytest.mark.parametrize(
    ("text", "expected", "example"),
    [
        ("25:00", "25:00 is not a time of day", "/briefing 08:00"),
        ("24:00", "midnight is 00:00", "/briefing 08:00"),
        ("08:61", "08:61 is not a time of day", "/briefing 08:00"),
        ("weekly funday 08:00", "'funday' is not a day of the week", "/briefing weekly mon 08:00"),
        ("weekly mon 8pm", "'8pm' is not a time of day", "/briefing weekly mon 08:00"),
        ("monthly 08:00", "is not a briefing time", "/briefing 08:00"),
        ("", "is not a briefing time", "/briefing 08:00"),
    ],
)
def test_bad_settings_are_refused_with_an_example(text: str, expected: str, example: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_briefing(text)
    assert expected in str(caught.value)
    assert caught.value.example == example
    assert example in caught.value.user_message()


@given(
    st.text(max_size=80)
    | st.from_regex(r"(daily |weekly [a-z]{2,9} )?\d{1,3}(:\d{1,3})?", fullmatch=True)
)
def test_any_text_is_refused_or_read_and_read_settings_round_trip(text: str) -> None:
    try:
        setting = parse_briefing(text)
    except InvalidInput as refused:
        assert refused.user_message()
        return
    assert parse_briefing(setting.render()) == setting


def test_periods_are_local_dates_and_iso_weeks() -> None:
    late = local("2026-12-31 23:30")  # already 2027 in Tokyo
    assert current_period(DAILY, late, BERLIN) == "2026-12-31"
    assert current_period(DAILY, late, "Asia/Tokyo") == "2027-01-01"
    assert current_period(WEEKLY, late, BERLIN) == "2026-W53"
    assert due_moment(WEEKLY, BERLIN, "2026-W53") == local("2026-12-28 08:00")


def test_eight_stays_eight_in_berlin_across_both_dst_changes() -> None:
    spring = due_moment(DAILY, BERLIN, "2027-03-28")
    autumn = due_moment(DAILY, BERLIN, "2027-10-31")
    assert spring.astimezone(UTC) == datetime(2027, 3, 28, 6, tzinfo=UTC)  # CEST
    assert autumn.astimezone(UTC) == datetime(2027, 10, 31, 7, tzinfo=UTC)  # CET


def test_a_skipped_time_means_the_moment_the_clocks_jump() -> None:
    at_half_two = BriefingSetting(time(2, 30))
    due = due_moment(at_half_two, BERLIN, "2027-03-28")
    assert due.astimezone(UTC) == datetime(2027, 3, 28, 1, tzinfo=UTC)  # 03:00 CEST
    assert f"{due.astimezone(ZoneInfo(BERLIN)):%H:%M}" == "03:00"


def test_a_repeated_time_means_its_first_pass() -> None:
    due = due_moment(BriefingSetting(time(2, 30)), BERLIN, "2027-10-31")
    assert due.astimezone(UTC) == datetime(2027, 10, 31, 0, 30, tzinfo=UTC)  # 02:30 CEST
    second_pass = datetime(2027, 10, 31, 1, 30, tzinfo=UTC)
    assert not is_owed(BriefingSetting(time(2, 30)), "2027-10-31", second_pass, BERLIN)


def test_owed_from_its_moment_until_its_day_is_over_and_only_once() -> None:
    assert not is_owed(DAILY, "2026-11-30", local("2026-12-01 07:59"), BERLIN)
    assert owed_period(DAILY, "2026-11-30", local("2026-12-01 08:00"), BERLIN) == "2026-12-01"
    assert is_owed(DAILY, None, local("2026-12-01 23:59"), BERLIN)
    assert not is_owed(DAILY, "2026-12-01", local("2026-12-01 09:00"), BERLIN)
    # Weekly: owed on its Monday only; missed all Monday, it waits for next week.
    assert is_owed(WEEKLY, "2026-W48", local("2026-11-30 12:00"), BERLIN)
    assert not is_owed(WEEKLY, "2026-W48", local("2026-12-01 00:00"), BERLIN)
    assert not is_owed(WEEKLY, "2026-W49", local("2026-11-30 12:00"), BERLIN)


def test_a_setting_made_after_todays_moment_starts_tomorrow() -> None:
    assert settled_period(DAILY, None, local("2026-12-01 09:00"), BERLIN) == "2026-12-01"
    assert settled_period(DAILY, None, local("2026-12-01 07:00"), BERLIN) is None
    # Already sent today at 08:00, moved to 20:00: not sent again today.
    evening = BriefingSetting(time(20))
    assert settled_period(evening, "2026-12-01", local("2026-12-01 10:00"), BERLIN) == "2026-12-01"
    assert next_due(evening, "2026-12-01", local("2026-12-01 10:00"), BERLIN) == local(
        "2026-12-02 20:00"
    )


_ZONES = st.sampled_from(
    [
        BERLIN,
        "America/New_York",
        "America/Santiago",
        "Asia/Kolkata",
        "Australia/Lord_Howe",
        "Pacific/Apia",
        "America/Havana",
        "UTC",
    ]
)
_CLOCKS = st.times().map(lambda t: t.replace(second=0, microsecond=0))


def _exists(wall: datetime, zone: ZoneInfo) -> bool:
    aware = wall.replace(tzinfo=zone)
    return aware.astimezone(UTC).astimezone(zone).replace(tzinfo=None) == wall


@given(_CLOCKS, st.dates(min_value=date(1990, 1, 1), max_value=date(2037, 12, 31)), _ZONES)
def test_due_moment_is_the_settings_wall_time_or_the_first_valid_time_after_it(
    clock: time, day: date, zone_name: str
) -> None:
    zone = ZoneInfo(zone_name)
    due = due_moment(BriefingSetting(clock), zone_name, day.isoformat())
    assert due.tzinfo is not None
    assert due.utcoffset() is not None
    shown = due.astimezone(UTC).astimezone(zone).replace(tzinfo=None)
    wanted = datetime.combine(day, clock)
    if _exists(wanted, zone):
        assert shown == wanted
        assert due.astimezone(UTC) <= wanted.replace(tzinfo=zone, fold=1).astimezone(UTC)
    else:
        assert shown > wanted
        minute = wanted + timedelta(minutes=1)
        while minute < shown:  # nothing valid in between
            assert not _exists(minute, zone)
            minute += timedelta(minutes=1)


@given(
    _CLOCKS,
    st.integers(0, 6) | st.none(),
    st.datetimes(
        min_value=datetime(2000, 1, 1), max_value=datetime(2037, 12, 31), timezones=st.just(UTC)
    ),
    _ZONES,
)
def test_an_owed_briefing_is_due_and_once_sent_is_not_owed_again_that_period(
    clock: time, weekday: int | None, now: datetime, zone: str
) -> None:
    setting = BriefingSetting(clock, weekday)
    period = owed_period(setting, None, now, zone)
    if period is None:
        # Nothing is owed until next_due, and then something is: a chat may be skipped
        # until then without missing a briefing.
        due = next_due(setting, None, now, zone)
        assert due > now
        assert is_owed(setting, None, due, zone)
        assert not is_owed(setting, None, max(now, due - timedelta(seconds=1)), zone)
        return
    assert due_moment(setting, zone, period) <= now
    assert not is_owed(setting, period, now, zone)
    following = next_due(setting, period, now, zone)  # once sent: the next one
    assert following > now
    assert owed_period(setting, period, following, zone) not in (None, period)
    assert not is_owed(setting, period, now + timedelta(hours=1), zone) or (
        current_period(setting, now + timedelta(hours=1), zone) != period
    )


def test_first_valid_on_a_day_samoa_skipped() -> None:
    # 30 December 2011 never happened in Apia: its times come the next day.
    due = first_valid(date(2011, 12, 30), time(8), ZoneInfo("Pacific/Apia"))
    assert due.astimezone(UTC) == datetime(2011, 12, 30, 10, tzinfo=UTC)  # 31 Dec 00:00
