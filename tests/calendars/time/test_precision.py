"""Dates known only to the month or year: typed, labelled, validated, and never a crash."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from calendars.commands import parse_addevent
from calendars.errors import InvalidEvent, InvalidInput, InvalidWhen
from calendars.events import Event
from calendars.time.clocks import event_clocks
from calendars.time.precision import (
    Precision,
    parse_period,
    period_end,
    period_label,
    undated_label,
)
from calendars.time.timefmt import format_day_start, format_event_when, format_until
from calendars.time.when import format_when, parse_when
from tests.conftest import at


def undated(start: date, precision: Precision = Precision.MONTH, **fields: object) -> Event:
    fields.setdefault("timezone", "Asia/Kolkata")
    return Event(
        id="putin-visit",
        title="Putin visit to New Delhi",
        start=start,
        end=period_end(start, precision),
        precision=precision,
        **fields,  # type: ignore[arg-type]
    )


def test_a_month_and_a_year_are_labelled_as_people_write_them() -> None:
    assert undated_label(date(2025, 12, 1), Precision.MONTH) == (
        "December 2025 (date to be announced)"
    )
    assert undated_label(date(2026, 1, 1), Precision.YEAR) == "2026 (date to be announced)"
    assert period_label(date(2025, 12, 4), Precision.DAY) == "Thu 4 December 2025"


def test_a_period_ends_on_the_first_day_after_it() -> None:
    assert period_end(date(2025, 12, 1), Precision.MONTH) == date(2026, 1, 1)
    assert period_end(date(2026, 2, 1), Precision.MONTH) == date(2026, 3, 1)
    assert period_end(date(2026, 1, 1), Precision.YEAR) == date(2027, 1, 1)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-12", (date(2025, 12, 1), Precision.MONTH)),
        ("2025-1", (date(2025, 1, 1), Precision.MONTH)),
        ("2026", (date(2026, 1, 1), Precision.YEAR)),
        ("2026-12-04", None),
        ("December", None),
    ],
)
def test_parse_period_reads_a_month_or_a_year_only(
    text: str, expected: tuple[date, Precision] | None
) -> None:
    assert parse_period(text) == expected


def test_parse_when_reads_a_month_or_a_year_with_a_zone_when_asked() -> None:
    month = parse_when("2025-12 Asia/Kolkata", periods=True)
    assert (month.start, month.end, month.timezone, month.precision) == (
        date(2025, 12, 1),
        date(2026, 1, 1),
        "Asia/Kolkata",
        Precision.MONTH,
    )
    year = parse_when("2026", default_zone="Europe/Moscow", periods=True)
    assert (year.start, year.end, year.timezone, year.precision) == (
        date(2026, 1, 1),
        date(2027, 1, 1),
        "Europe/Moscow",
        Precision.YEAR,
    )
    assert format_when(month) == "2025-12 Asia/Kolkata"
    assert format_when(year) == "2026 Europe/Moscow"
    assert parse_when("2026-12-04", periods=True).precision is Precision.DAY


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("2025-13", "2025-13 is not a month: months run 01-12"),
        ("2025-12 10:00", "stands alone, with no time or range"),
        ("2025-12..2026-01", "stands alone, with no time or range"),
        ("2025-12 - 2026-02", "stands alone, with no time or range"),
        ("1850", "year 1850 is out of range"),
        ("0000", "0000 is not a year"),
    ],
)
def test_a_doubtful_month_or_year_is_refused_with_an_example(text: str, said: str) -> None:
    with pytest.raises(InvalidWhen) as refused:
        parse_when(text, periods=True)
    assert said in refused.value.message
    assert "Example: 2025-12 Asia/Kolkata" in refused.value.user_message()


def test_without_periods_a_month_is_not_a_date() -> None:
    with pytest.raises(InvalidWhen):
        parse_when("2025-12")


_WHEN_ALPHABET = st.sampled_from([*list("0123456789-: .T/tAsiaKolkt_"), "..", "–", " to "])


@given(st.one_of(st.text(max_size=40), st.lists(_WHEN_ALPHABET, max_size=20).map("".join)))
def test_the_date_or_month_parser_refuses_but_never_crashes(text: str) -> None:
    try:
        when = parse_when(text, default_zone="Asia/Kolkata", periods=True)
    except InvalidWhen as exc:
        assert exc.message
        return
    if when.precision is not Precision.DAY:
        assert isinstance(when.start, date)
        assert when.start.day == 1
        assert when.end == period_end(when.start, when.precision)
        assert parse_when(format_when(when), periods=True) == when


@given(
    st.integers(min_value=1900, max_value=2198),
    st.one_of(st.none(), st.integers(min_value=1, max_value=12)),
)
def test_every_month_and_year_reads_back_and_makes_a_valid_event(
    year: int, month: int | None
) -> None:
    text = f"{year}" if month is None else f"{year}-{month:02d}"
    when = parse_when(text, periods=True)
    event = undated(when.start, when.precision)  # type: ignore[arg-type]
    assert event.end == when.end
    assert parse_when(format_when(when), periods=True) == when


def test_an_undated_event_is_all_day_over_its_period_and_not_over_on_the_2nd() -> None:
    event = undated(date(2025, 12, 1))
    assert event.all_day
    assert not event.dated
    assert event.has_begun(at("2025-12-02T12:00"))
    assert not event.is_over(at("2025-12-02T12:00"))
    assert not event.due_to_conclude(at("2025-12-31T12:00"))
    assert event.is_over(at("2026-01-01T00:00", "Asia/Kolkata"))
    assert event.due_to_conclude(at("2026-01-01T00:00", "Asia/Kolkata"))


@pytest.mark.parametrize(
    ("fields", "said"),
    [
        ({"start": date(2025, 12, 4), "end": date(2026, 1, 4)}, "starts on the 1st"),
        ({"start": date(2026, 3, 1), "end": date(2027, 3, 1)}, "1 January"),
        ({"start": date(2025, 12, 1), "end": date(2025, 12, 2)}, "ends on 2026-01-01"),
        (
            {"start": at("2025-12-01T10:00"), "end": at("2025-12-01T11:00")},
            "has no time of day",
        ),
    ],
)
def test_an_undated_event_must_be_all_day_over_exactly_its_period(
    fields: dict[str, object], said: str
) -> None:
    precision = Precision.YEAR if "1 January" in said else Precision.MONTH
    with pytest.raises(InvalidEvent) as refused:
        Event(id="visit", title="Visit", precision=precision, **fields)  # type: ignore[arg-type]
    assert said in refused.value.message


def test_precision_is_stored_after_status_and_old_records_load_as_day() -> None:
    event = undated(date(2025, 12, 1))
    record = event.to_record()
    keys = list(record)
    assert keys[keys.index("status") + 1] == "precision"
    assert record["precision"] == "month"
    assert Event.from_record(record) == event
    del record["precision"]
    record["end"] = "2025-12-02"
    assert Event.from_record(record).precision is Precision.DAY
    record["precision"] = "fortnight"
    with pytest.raises(InvalidEvent, match="precision 'fortnight' is not one of day"):
        Event.from_record(record)


def test_no_clock_or_first_of_the_month_is_shown_for_an_undated_event() -> None:
    event = undated(date(2025, 12, 1))
    assert event_clocks(event, "Europe/Moscow") == "December 2025 (date to be announced)"
    assert format_event_when(event, "UTC") == "December 2025 (date to be announced)"
    assert format_day_start(event, "America/New_York") is None
    assert format_until(event, at("2025-11-01T00:00")) == "in December 2025"
    year = undated(date(2026, 1, 1), Precision.YEAR)
    assert event_clocks(year, "UTC") == "2026 (date to be announced)"
    assert "1 Dec" not in event_clocks(event, "America/New_York")


def test_a_day_precision_event_is_shown_as_before() -> None:
    event = Event(
        id="talks",
        title="Talks",
        start=date(2025, 12, 4),
        end=date(2025, 12, 4) + timedelta(days=1),
        timezone="Asia/Kolkata",
    )
    assert event.dated
    assert event_clocks(event, "Asia/Kolkata").startswith("Thu 4 Dec 2025, all day in Kolkata")


@given(st.one_of(st.text(max_size=30), st.lists(_WHEN_ALPHABET, max_size=12).map("".join)))
def test_addevent_with_any_when_adds_or_refuses_with_a_message(text: str) -> None:
    line = f"{text.replace('|', ' ')} | Putin visit | New Delhi | india-russia"
    try:
        event = parse_addevent(
            line, default_zone="Asia/Kolkata", now=at("2026-11-01T00:00"), taken=frozenset()
        )
    except InvalidInput as exc:
        assert exc.user_message()
        return
    assert event.dated or event.start.day == 1
