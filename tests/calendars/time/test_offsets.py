from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from calendars.errors import InvalidOffsets
from calendars.time.offsets import (
    describe_duration,
    describe_offsets,
    format_offsets,
    parse_offsets,
)


def test_offsets_parse_largest_first_without_duplicates() -> None:
    assert parse_offsets("1h, 7d 1d 1h 2h30m") == (
        timedelta(days=7),
        timedelta(days=1),
        timedelta(hours=2, minutes=30),
        timedelta(hours=1),
    )


def test_off_means_no_reminders() -> None:
    assert parse_offsets(" OFF ") == ()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "at least one"),
        ("7x", "not an offset"),
        ("0m", "out of range"),
        ("61d", "out of range"),
    ],
)
def test_bad_offsets_say_what_is_wrong_and_show_an_example(text: str, message: str) -> None:
    with pytest.raises(InvalidOffsets, match=message) as caught:
        parse_offsets(text)
    assert "7d 1d 2h 30m" in caught.value.user_message()


def test_offsets_are_said_back_in_words() -> None:
    assert describe_offsets(parse_offsets("7d 1d 2h 30m")) == (
        "7 days, 1 day, 2 hours and 30 minutes before"
    )
    assert describe_offsets(()) == "no reminders"
    assert describe_duration(timedelta(days=1, hours=2, minutes=3)) == "1 day 2 hours"
    assert describe_duration(timedelta(seconds=20)) == "less than a minute"


@given(st.text(max_size=60))
def test_any_text_is_parsed_or_refused_never_crashes(text: str) -> None:
    try:
        offsets = parse_offsets(text)
    except InvalidOffsets as exc:
        assert exc.user_message()
    else:
        assert all(timedelta(minutes=1) <= o <= timedelta(days=60) for o in offsets)


@given(st.sets(st.integers(min_value=1, max_value=60 * 24 * 60), min_size=1, max_size=10))
def test_formatted_offsets_parse_back_to_the_same(minutes: set[int]) -> None:
    offsets = tuple(sorted((timedelta(minutes=m) for m in minutes), reverse=True))
    assert parse_offsets(format_offsets(offsets)) == offsets
