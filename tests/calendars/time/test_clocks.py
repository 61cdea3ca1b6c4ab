"""The clocks line: the reader's clock, the venue's and UTC's, by one rule everywhere."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo, available_timezones

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from calendars.events import Event
from calendars.time.clocks import MAX_LINE, event_clocks, format_days, three_clocks
from tests.conftest import at

DELHI = at("2026-12-04T10:00", "Asia/Kolkata")


def clocks(start: datetime, reader: str, *, hours: float | None = None, venue: str = "") -> str:
    end = start + timedelta(hours=hours) if hours is not None else None
    venue = venue or getattr(start.tzinfo, "key", "UTC")
    return three_clocks(start, end=end, reader_zone=reader, venue_zone=venue)


def test_a_reader_in_moscow_sees_their_clock_first_then_the_venues_then_utc() -> None:
    assert clocks(DELHI, "Europe/Moscow", hours=2) == (
        "Fri 4 Dec 2026, 07:30–09:30 MSK · 10:00 IST (Kolkata) · 04:30 UTC"
    )
    assert (
        clocks(DELHI, "Europe/Moscow")
        == "Fri 4 Dec 2026, 07:30 MSK · 10:00 IST (Kolkata) · 04:30 UTC"
    )


def test_a_reader_at_the_venue_or_in_utc_sees_two_clocks() -> None:
    assert clocks(DELHI, "Asia/Kolkata", hours=2) == "Fri 4 Dec 2026, 10:00–12:00 IST · 04:30 UTC"
    assert clocks(DELHI, "UTC", hours=2) == "Fri 4 Dec 2026, 04:30–06:30 UTC · 10:00 IST (Kolkata)"
    # London in winter is on UTC: the same time is not shown twice
    assert clocks(DELHI, "Europe/London") == "Fri 4 Dec 2026, 04:30 GMT · 10:00 IST (Kolkata)"
    # Colombo keeps India's time: the venue's clock would repeat the reader's
    assert clocks(DELHI, "Asia/Colombo") == "Fri 4 Dec 2026, 10:00 UTC+05:30 · 04:30 UTC"


def test_across_the_date_line_each_clock_shows_its_day_when_it_changes() -> None:
    assert clocks(DELHI, "Pacific/Pago_Pago", hours=2) == (
        "Thu 3 Dec 2026, 17:30–19:30 SST · Fri 4 Dec, 10:00 IST (Kolkata) · 04:30 UTC"
    )
    kiritimati = at("2026-12-04T08:00", "Pacific/Kiritimati")
    assert clocks(kiritimati, "Pacific/Pago_Pago", hours=1) == (
        "Thu 3 Dec 2026, 07:00–08:00 SST · Fri 4 Dec, 08:00 UTC+14:00 (Kiritimati) · "
        "Thu 3 Dec, 18:00 UTC"
    )


def test_an_end_on_the_readers_next_day_carries_its_date() -> None:
    assert clocks(DELHI, "America/New_York", hours=2) == (
        "Thu 3 Dec 2026, 23:30 – Fri 4 Dec, 01:30 EST · 10:00 IST (Kolkata) · 04:30 UTC"
    )


def test_a_clock_change_during_the_event_shows_both_abbreviations() -> None:
    autumn = datetime(2027, 10, 31, 1, 0, tzinfo=ZoneInfo("Europe/Berlin"))
    end = datetime(2027, 10, 31, 3, 0, tzinfo=ZoneInfo("Europe/Berlin"))
    line = three_clocks(autumn, end=end, reader_zone="Europe/Berlin", venue_zone="Asia/Tokyo")
    assert (
        line
        == "Sun 31 Oct 2027, 01:00 CEST – 03:00 CET · 08:00 JST (Tokyo) · Sat 30 Oct, 23:00 UTC"
    )
    spring = at("2027-03-28T09:00", "Europe/London")
    assert (
        clocks(spring, "Europe/London", hours=1) == "Sun 28 Mar 2027, 09:00–10:00 BST · 08:00 UTC"
    )
    # the venue's clock changed overnight while the reader's did not: its offset is the day's
    assert clocks(spring, "Asia/Kolkata", venue="Europe/London") == (
        "Sun 28 Mar 2027, 13:30 IST · 09:00 BST (London) · 08:00 UTC"
    )


def test_an_hour_that_happens_twice_shows_both_passes() -> None:
    first = datetime(2027, 10, 31, 2, 30, tzinfo=ZoneInfo("Europe/Berlin"))
    line = three_clocks(
        first, end=first.replace(fold=1), reader_zone="Europe/Berlin", venue_zone="Europe/Berlin"
    )
    assert line == "Sun 31 Oct 2027, 02:30 CEST – 02:30 CET · 00:30 UTC"


def test_an_abbreviation_shared_by_two_offsets_names_only_one_of_them() -> None:
    summer = at("2026-07-04T10:00", "Asia/Kolkata")
    # Ireland's summer time is also "IST": India's clock is shown by its offset instead
    assert clocks(summer, "Europe/Dublin") == (
        "Sat 4 Jul 2026, 05:30 IST · 10:00 UTC+05:30 (Kolkata) · 04:30 UTC"
    )


def test_all_day_events_are_dates_at_the_venue_with_when_the_day_begins_for_the_reader() -> None:
    line = three_clocks(
        date(2026, 12, 4),
        end=date(2026, 12, 6),
        reader_zone="Europe/Moscow",
        venue_zone="Asia/Kolkata",
    )
    assert (
        line == "Fri 4 – Sat 5 Dec 2026, all day in Kolkata · from Thu 3 Dec, 21:30 MSK · 18:30 UTC"
    )
    at_venue = three_clocks(
        date(2026, 12, 4),
        end=date(2026, 12, 5),
        reader_zone="Asia/Kolkata",
        venue_zone="Asia/Kolkata",
    )
    assert at_venue == "Fri 4 Dec 2026, all day in Kolkata · from Thu 3 Dec, 18:30 UTC"
    in_utc = three_clocks(date(2026, 12, 4), reader_zone="UTC", venue_zone="UTC")
    assert in_utc == "Fri 4 Dec 2026, all day (UTC)"
    new_year = three_clocks(
        date(2026, 12, 31),
        end=date(2027, 1, 2),
        reader_zone="Pacific/Pago_Pago",
        venue_zone="Pacific/Kiritimati",
    )
    assert new_year == (
        "Thu 31 Dec 2026 – Fri 1 Jan 2027, all day in Kiritimati · from Tue 29 Dec, 23:00 SST · "
        "Wed 30 Dec, 10:00 UTC"
    )


def test_day_ranges_say_the_month_and_year_once() -> None:
    assert format_days(date(2026, 12, 4), date(2026, 12, 4)) == "Fri 4 Dec 2026"
    assert format_days(date(2026, 11, 30), date(2026, 12, 2)) == "Mon 30 Nov – Wed 2 Dec 2026"


def test_an_event_is_read_with_its_own_zone_as_the_venue() -> None:
    event = Event(
        id="talks",
        title="Talks",
        start=DELHI,
        end=DELHI + timedelta(hours=1),
        timezone="Asia/Kolkata",
    )
    assert event_clocks(event, "Europe/Moscow") == (
        "Fri 4 Dec 2026, 07:30–08:30 MSK · 10:00 IST (Kolkata) · 04:30 UTC"
    )
    assert event_clocks(event, "Mars/Base").startswith("Fri 4 Dec 2026, 04:30–05:30 UTC")


def test_a_naive_start_or_end_is_refused() -> None:
    with pytest.raises(ValueError, match="time zone"):
        three_clocks(datetime(2026, 12, 4, 10), reader_zone="UTC", venue_zone="UTC")
    with pytest.raises(ValueError, match="time zone"):
        three_clocks(DELHI, end=datetime(2026, 12, 4, 12), reader_zone="UTC", venue_zone="UTC")


def test_an_all_day_venue_named_by_its_place_leaves_its_abbreviation_to_the_reader() -> None:
    line = three_clocks(date(2026, 7, 4), reader_zone="Europe/Dublin", venue_zone="Asia/Kolkata")
    assert line == "Sat 4 Jul 2026, all day in Kolkata · from Fri 3 Jul, 19:30 IST · 18:30 UTC"


ZONES = sorted(available_timezones() - {"localtime", "Factory", "posixrules"})
_CLOCK = re.compile(r"\d\d:\d\d (\S+)")
_NUMERIC = re.compile(r"UTC[+-]\d\d:\d\d")


def _labels(segment: str) -> set[str]:
    return set(_CLOCK.findall(segment))


def _assert_readable(line: str) -> None:
    assert "\n" not in line
    assert len(line) <= MAX_LINE, line
    segments = line.split(" · ")
    seen: set[str] = set()
    for segment in segments:  # a zone's abbreviation appears in one clock only
        # A number (UTC-03:00) names itself: a reader's end after a DST change may share
        # it with the venue's clock (Santiago in August 2011 and Araguaina in May).
        labels = {label for label in _labels(segment) if not _NUMERIC.fullmatch(label)}
        assert not labels & seen, line
        seen |= labels
    assert line.count("(") <= 1, line  # the venue's place at most once


@settings(max_examples=400, deadline=None)
@given(
    reader=st.sampled_from(ZONES),
    venue=st.sampled_from(ZONES),
    moment=st.datetimes(min_value=datetime(1970, 1, 2), max_value=datetime(2100, 12, 30)),
    hours=st.one_of(st.none(), st.floats(min_value=0, max_value=24 * 366)),
)
def test_any_zones_and_instants_give_one_short_line_naming_each_zone_once(
    reader: str, venue: str, moment: datetime, hours: float | None
) -> None:
    instant = moment.replace(tzinfo=UTC)
    start = instant.astimezone(ZoneInfo(venue))  # fold set where the venue's hour repeats
    end = (instant + timedelta(hours=hours)).astimezone(ZoneInfo(venue)) if hours else None
    _assert_readable(three_clocks(start, end=end, reader_zone=reader, venue_zone=venue))


@settings(max_examples=300, deadline=None)
@given(
    reader=st.sampled_from(ZONES),
    venue=st.sampled_from(ZONES),
    first=st.dates(min_value=date(1970, 1, 2), max_value=date(2100, 12, 1)),
    days=st.integers(min_value=0, max_value=366),
)
def test_any_all_day_event_gives_one_short_line(
    reader: str, venue: str, first: date, days: int
) -> None:
    end = first + timedelta(days=days)
    _assert_readable(three_clocks(first, end=end, reader_zone=reader, venue_zone=venue))
