from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from calendars.errors import InvalidInput, InvalidWhen
from calendars.time.when import WHEN_EXAMPLE, When, format_when, parse_when
from tests.conftest import at


def test_a_time_with_a_zone_lasts_the_default_duration() -> None:
    when = parse_when("2026-12-04 10:00 Asia/Kolkata")
    assert when == When(
        at("2026-12-04T10:00", "Asia/Kolkata"),
        at("2026-12-04T11:00", "Asia/Kolkata"),
        "Asia/Kolkata",
    )
    assert when.start.astimezone(UTC) == datetime(2026, 12, 4, 4, 30, tzinfo=UTC)
    assert not when.all_day


def test_the_default_duration_and_zone_are_used_when_not_given() -> None:
    when = parse_when(
        "2026-12-04T10:00", default_zone="Europe/Berlin", default_duration=timedelta(minutes=90)
    )
    assert when.timezone == "Europe/Berlin"
    assert when.end - when.start == timedelta(minutes=90)


@pytest.mark.parametrize(
    "text",
    [
        "2026-12-04 10:00 - 2026-12-05 18:00 Asia/Kolkata",
        "2026-12-04T10:00-2026-12-05T18:00 Asia/Kolkata",
        "2026-12-04 10:00 – 2026-12-05 18:00   asia/kolkata",
    ],
)
def test_a_range_of_times_may_span_days(text: str) -> None:
    when = parse_when(text)
    assert (when.start, when.end) == (
        at("2026-12-04T10:00", "Asia/Kolkata"),
        at("2026-12-05T18:00", "Asia/Kolkata"),
    )
    assert when.timezone == "Asia/Kolkata"


def test_an_end_time_alone_is_on_the_same_day() -> None:
    when = parse_when("2026-12-04 10:00 - 12:30 Asia/Kolkata")
    assert when.end == at("2026-12-04T12:30", "Asia/Kolkata")


def test_a_single_day_is_all_day_and_ends_the_next_day() -> None:
    assert parse_when("2026-12-04", default_zone="Asia/Shanghai") == When(
        date(2026, 12, 4), date(2026, 12, 5), "Asia/Shanghai"
    )


@pytest.mark.parametrize("text", ["2026-12-04..2026-12-05", "2026-12-04 - 2026-12-05"])
def test_a_range_of_days_includes_its_last_day(text: str) -> None:
    when = parse_when(text + " UTC")
    assert when == When(date(2026, 12, 4), date(2026, 12, 6), "UTC")
    assert when.all_day


@pytest.mark.parametrize("zone", ["UTC", "utc", "Utc"])
def test_utc_is_accepted_in_any_case(zone: str) -> None:
    assert parse_when(f"2026-12-04 10:00 {zone}", default_zone="Asia/Tokyo").timezone == "UTC"


def test_a_repeated_hour_means_its_first_occurrence() -> None:
    when = parse_when("2026-10-25 02:30 Europe/Berlin")
    assert when.start.astimezone(UTC) == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)  # CEST


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "give a date"),
        ("tomorrow 10:00", "'tomorrow' is not understood"),
        ("2026-12-04 10h", "'10h' is not understood"),
        ("2026/12/04", "'2026/12/04' is not understood"),
        ("10:00 2026-12-04", "start with the date"),
        ("2026-12-04 10:00 11:00", "separate the start and the end"),
        ("2026-12-04 10:00 -", "end of the range is incomplete"),
        ("2026-12-04 10:00 - 2026-12-05", "a time for both the start and the end"),
        ("2026-02-30", "2026-02-30 is not a date: February 2026 has 28 days"),
        ("2026-13-01", "months run 01-12"),
        ("2026-12-04 24:00", "24:00 is not a time"),
        ("0099-12-04", "year 99 is out of range"),
        ("2026-12-04 10:00 Kolkatta", "unknown time zone 'Kolkatta'; did you mean Asia/Kolkata"),
        ("2026-12-04 Asia/Kolkata 10:00", "'10:00' is not understood: the time zone goes last"),
        ("2026-12-04 12:00 - 10:00", "ends at 10:00, before it starts at 12:00"),
        ("2026-12-05 10:00 - 2026-12-04 10:00", "the end must be after the start"),
        ("2026-12-05..2026-12-04", "the last day 2026-12-04 is before the first day"),
        ("2026-01-01..2027-01-02", "at most 366 days"),
        ("2026-12-04 " + "x" * 200, "the limit is 200"),
    ],
)
def test_bad_whens_say_what_is_wrong_and_show_an_example(text: str, message: str) -> None:
    with pytest.raises(InvalidWhen, match=message) as caught:
        parse_when(text)
    assert caught.value.example
    assert "Example: " in caught.value.user_message()


def test_a_year_of_366_days_is_the_longest_event() -> None:
    assert parse_when("2028-01-01..2028-12-31").end == date(2029, 1, 1)  # a leap year


def test_a_time_skipped_by_daylight_saving_is_refused_with_the_time_to_use() -> None:
    with pytest.raises(InvalidWhen) as caught:
        parse_when("2026-03-29 02:30 Europe/Berlin")
    assert caught.value.message == (
        "02:30 does not exist on 2026-03-29 in Europe/Berlin: clocks jump forward; try 03:30"
    )
    assert caught.value.example == WHEN_EXAMPLE


def test_a_skipped_end_time_is_refused_too() -> None:
    with pytest.raises(InvalidWhen, match="does not exist on 2026-03-08 in America/New_York"):
        parse_when("2026-03-08 01:00 - 02:15 America/New_York")


def test_the_default_duration_is_real_time_across_a_clock_change() -> None:
    when = parse_when("2026-03-29 01:30 Europe/Berlin", default_duration=timedelta(hours=1))
    assert when.end == at("2026-03-29T03:30", "Europe/Berlin")


@pytest.mark.parametrize(
    "text",
    [
        "2026-12-04 10:00 - 12:30 Asia/Kolkata",
        "2026-12-04 10:00 - 2026-12-05 18:00 Asia/Kolkata",
        "2026-12-04 UTC",
        "2026-12-04..2026-12-06 Asia/Shanghai",
    ],
)
def test_formatted_whens_read_as_they_were_written(text: str) -> None:
    assert format_when(parse_when(text)) == text


_ZONES = st.sampled_from(["UTC", "Asia/Kolkata", "Europe/Berlin", "America/New_York"])
_DAYS = st.dates(min_value=date(1900, 1, 1), max_value=date(2198, 12, 31))
_CLOCKS = st.tuples(st.integers(0, 23), st.integers(0, 59))


@given(st.text(max_size=80))
def test_any_text_is_parsed_or_refused_never_crashes(text: str) -> None:
    try:
        when = parse_when(text)
    except InvalidInput as exc:
        assert exc.user_message()
    else:
        assert when.end > when.start


@given(
    st.lists(
        st.sampled_from(
            [
                "2026-12-04",
                "2026-02-30",
                "10:00",
                "25:61",
                "T",
                "-",
                "..",
                " ",
                "UTC",
                "Asia/Kolkata",
            ]
        ),
        max_size=8,
    )
)
def test_any_mix_of_the_right_pieces_is_parsed_or_refused(pieces: list[str]) -> None:
    try:
        parse_when("".join(pieces))
    except InvalidWhen as exc:
        assert exc.example


@given(_DAYS, _CLOCKS, st.integers(1, 60 * 24 * 30), _ZONES)
def test_a_timed_when_survives_formatting_and_parsing(
    day: date, clock: tuple[int, int], minutes: int, zone: str
) -> None:
    text = f"{day} {clock[0]:02d}:{clock[1]:02d} {zone}"
    try:
        when = parse_when(text, default_duration=timedelta(minutes=minutes))
    except InvalidWhen:
        return  # a time skipped by a clock change
    assert isinstance(when.end, datetime)
    assume(when.end.fold == 0)  # the second of a repeated hour cannot be written as text
    again = parse_when(format_when(when))
    assert again == when
    assert again.end.astimezone(UTC) == when.end.astimezone(UTC)


@given(_DAYS, st.integers(0, 365), _ZONES)
def test_an_all_day_when_survives_formatting_and_parsing(day: date, extra: int, zone: str) -> None:
    when = When(day, day + timedelta(days=extra + 1), zone)
    assert parse_when(format_when(when)) == when


# ---- ranges versus UTC offsets -----------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "2026-12-04 10:00 - 11:00 Asia/Kolkata",
        "2026-12-04 10:00–11:00 Asia/Kolkata",
        "2026-12-04 10:00 — 11:00 Asia/Kolkata",
        "2026-12-04 10:00 to 11:00 Asia/Kolkata",
        "2026-12-04 10:00 TO 11:00 Asia/Kolkata",
        "2026-12-04 10:00- 11:00 Asia/Kolkata",
    ],
)
def test_a_time_range_is_written_with_a_spaced_dash_an_en_dash_or_to(text: str) -> None:
    when = parse_when(text)
    assert (when.start, when.end) == (
        at("2026-12-04T10:00", "Asia/Kolkata"),
        at("2026-12-04T11:00", "Asia/Kolkata"),
    )


def test_a_time_glued_to_a_minus_looks_like_an_offset_and_is_refused_with_both_readings() -> None:
    with pytest.raises(InvalidWhen) as caught:
        parse_when("2026-12-04 10:00 -11:00")
    assert caught.value.message == (
        "-11:00 looks like a UTC offset; name a zone (such as Pacific/Pago_Pago) "
        "or write the range with spaces: 10:00 - 11:00"
    )
    assert caught.value.example == WHEN_EXAMPLE


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2026-12-04 10:00-11:00 Asia/Kolkata", "write the range with spaces: 10:00 - 11:00"),
        ("2026-12-04T10:00-05:00", "-05:00 looks like a UTC offset; name a zone \\(such as"),
        ("2026-12-04T10:00+05:30", "\\+05:30 looks like a UTC offset; .*Asia/Kolkata"),
        ("2026-12-04 10:00 +0530", "\\+0530 looks like a UTC offset"),
        ("2026-12-04 10:00\u221211:00", "\u221211:00 looks like a UTC offset"),
        ("2026-12-04 10:00 to", "end of the range is incomplete"),
    ],
)
def test_offset_looking_input_is_refused_with_a_hint(text: str, message: str) -> None:
    with pytest.raises(InvalidWhen, match=message):
        parse_when(text)


def test_a_dash_glued_to_a_date_is_still_a_range_of_days_or_times() -> None:
    when = parse_when("2026-12-04T10:00-2026-12-05T18:00 UTC")
    assert when.end == at("2026-12-05T18:00")


@pytest.mark.parametrize(
    ("zone", "message"),
    [
        ("IST", "IST is an abbreviation, not a zone; it usually means Asia/Kolkata \\(India\\)"),
        ("msk", "msk is an abbreviation, not a zone; it usually means Europe/Moscow"),
        ("CEST", "it usually means Europe/Berlin"),
        ("CST", "America/Chicago \\(US Central\\) or Asia/Shanghai \\(China\\)"),
        ("GMT+5", "name a place on UTC\\+05:00 such as Asia/Karachi.*or Etc/GMT-5 for UTC\\+05:00"),
        ("UTC+5:30", "name a place on UTC\\+05:30 such as Asia/Kolkata or Asia/Colombo"),
    ],
)
def test_abbreviations_and_offsets_as_zones_get_the_zones_people_mean(
    zone: str, message: str
) -> None:
    with pytest.raises(InvalidWhen, match=f"unknown time zone '{re.escape(zone)}': .*{message}"):
        parse_when(f"2026-12-04 10:00 {zone}")


_PIECES = st.sampled_from(
    [
        *("2026-12-04", "2027-10-31", "2027-03-28", "10:00", "02:30", "-11:00", "+05:30"),
        *("-", "–", " to ", "to", "..", "T", " ", "Europe/Berlin", "IST", "GMT+5", "\u2212"),
    ]
)


@given(st.lists(_PIECES, max_size=10), st.text(max_size=12))
def test_the_when_parser_refuses_only_with_invalid_when_never_crashes(
    pieces: list[str], noise: str
) -> None:
    for text in ("".join(pieces), " ".join(pieces), "".join(pieces) + noise):
        try:
            when = parse_when(text, default_zone="Europe/Berlin")
        except InvalidWhen as exc:
            assert exc.message
            assert exc.example
        else:
            if isinstance(when.start, datetime) and isinstance(when.end, datetime):
                assert when.end.astimezone(UTC) > when.start.astimezone(UTC)
            else:
                assert when.end > when.start
