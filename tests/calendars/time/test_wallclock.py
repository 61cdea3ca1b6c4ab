from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from calendars.errors import InvalidWhen
from calendars.time.wallclock import is_repeated, repeated_hour_note, time_notes, wall_time

BERLIN = ZoneInfo("Europe/Berlin")


def test_a_skipped_time_is_refused_naming_the_first_real_time() -> None:
    with pytest.raises(InvalidWhen) as caught:
        wall_time(date(2027, 3, 28), time(2, 30), BERLIN)
    assert caught.value.message == (
        "02:30 does not exist on 2027-03-28 in Europe/Berlin: clocks jump forward; try 03:30"
    )


def test_a_repeated_time_means_its_first_pass() -> None:
    moment = wall_time(date(2027, 10, 31), time(2, 30), BERLIN)
    assert moment.astimezone(UTC) == datetime(2027, 10, 31, 0, 30, tzinfo=UTC)
    assert is_repeated(moment)
    assert is_repeated(moment.replace(fold=1))
    assert not is_repeated(moment.replace(hour=3))
    assert not is_repeated(datetime(2027, 3, 28, 2, 30, tzinfo=BERLIN))  # skipped, not repeated


def test_the_note_says_which_pass_with_abbreviation_and_utc() -> None:
    first = datetime(2027, 10, 31, 2, 30, tzinfo=BERLIN)
    assert repeated_hour_note(first) == (
        "02:30 happens twice on 2027-10-31 in Europe/Berlin (clocks go back); "
        "the event starts at the first, 02:30 CEST (00:30 UTC)"
    )
    second = repeated_hour_note(first.replace(fold=1), what="it ends")
    assert second is not None
    assert second.endswith("it ends at the second, 02:30 CET (01:30 UTC)")
    assert repeated_hour_note(first.replace(hour=4)) is None


def test_time_notes_cover_both_ends_and_legacy_zones() -> None:
    first = datetime(2027, 10, 31, 2, 30, tzinfo=BERLIN)
    notes = time_notes(first, first.replace(fold=1), "Europe/Berlin")
    assert [n.split(";")[1].split(",")[0].strip() for n in notes] == [
        "the event starts at the first",
        "it ends at the second",
    ]
    assert time_notes(date(2026, 12, 4), date(2026, 12, 5), "Asia/Kolkata") == []
    (warning,) = time_notes(date(2026, 12, 4), date(2026, 12, 5), "EST")
    assert "America/New_York" in warning
