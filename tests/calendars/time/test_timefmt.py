from __future__ import annotations

from datetime import date, timedelta

import pytest

from calendars.events import Event
from calendars.time.timefmt import (
    format_day_start,
    format_event_when,
    format_until,
    format_venue_clock,
    place_name,
)
from tests.conftest import at, timed_event

DELHI_MORNING = timed_event("talks", at("2026-12-10T10:00", "Asia/Kolkata"), hours=1)


def test_the_venue_clock_carries_its_date_when_the_venues_day_is_not_the_readers() -> None:
    assert format_event_when(DELHI_MORNING, "America/New_York") == (
        "Wed 9 Dec 2026, 23:30 EST – Thu 10 Dec 2026, 00:30 EST "
        "(Thu 10 Dec, 10:00 IST at the venue)"
    )


def test_the_venue_clock_has_no_date_on_the_same_day() -> None:
    assert format_event_when(DELHI_MORNING, "Europe/Berlin") == (
        "Thu 10 Dec 2026, 05:30 CET – 06:30 (10:00 IST at the venue)"
    )
    assert format_event_when(DELHI_MORNING, "Asia/Kolkata") == "Thu 10 Dec 2026, 10:00 IST – 11:00"


def test_the_venue_date_shows_its_year_across_new_year() -> None:
    event = timed_event("new-year", at("2027-01-01T09:00", "Asia/Tokyo"))
    assert format_venue_clock(event, "America/Los_Angeles") == "Fri 1 Jan 2027, 09:00 JST"


def test_an_end_after_a_clock_change_shows_its_own_abbreviation() -> None:
    event = Event(
        id="night",
        title="Night talks",
        start=at("2027-10-31T01:00", "Europe/Berlin"),
        end=at("2027-10-31T03:00", "Europe/Berlin"),
        timezone="Europe/Berlin",
    )
    assert format_event_when(event, "Europe/Berlin") == "Sun 31 Oct 2027, 01:00 CEST – 03:00 CET"
    spring = Event(
        id="spring",
        title="Spring talks",
        start=at("2027-03-28T01:00", "Europe/Berlin"),
        end=at("2027-03-28T04:00", "Europe/Berlin"),
        timezone="Europe/Berlin",
    )
    assert format_event_when(spring, "Europe/Berlin") == "Sun 28 Mar 2027, 01:00 CET – 04:00 CEST"


ALL_DAY_DELHI = Event(
    id="visit",
    title="State visit",
    start=date(2026, 12, 4),
    end=date(2026, 12, 6),
    timezone="Asia/Kolkata",
)


@pytest.mark.parametrize(
    ("zone", "expected"),
    [
        (
            "America/New_York",
            "begins at midnight in Kolkata — Thu 3 Dec 2026, 13:30 EST your time",
        ),
        ("Europe/Berlin", "begins at midnight in Kolkata — Thu 3 Dec 2026, 19:30 CET your time"),
        ("Asia/Tokyo", "begins at midnight in Kolkata — Fri 4 Dec 2026, 03:30 JST your time"),
        ("Asia/Kolkata", None),
        ("Asia/Colombo", None),  # another zone, the same midnight
    ],
)
def test_an_all_day_event_says_when_its_day_begins_for_the_reader(
    zone: str, expected: str | None
) -> None:
    assert format_day_start(ALL_DAY_DELHI, zone) == expected
    assert format_day_start(DELHI_MORNING, zone) is None


@pytest.mark.parametrize(
    ("zone", "place"),
    [
        ("Asia/Kolkata", "Kolkata"),
        ("America/Argentina/Buenos_Aires", "Buenos Aires"),
        ("UTC", "UTC"),
        ("Etc/GMT-5", "Etc/GMT-5"),
    ],
)
def test_place_names_come_from_the_zone(zone: str, place: str) -> None:
    assert place_name(zone) == place


def test_an_unknown_reader_zone_falls_back_to_utc_not_the_servers_zone() -> None:
    assert format_event_when(DELHI_MORNING, "Mars/Base").startswith("Thu 10 Dec 2026, 04:30 UTC")


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("en", "in less than a minute"),
        ("ru", "меньше чем через минуту"),
        ("hi", "एक मिनट से कम में"),
        ("mr", "एका मिनिटाच्या आत"),
    ],
)
def test_seconds_before_the_start_read_as_less_than_a_minute_in_each_language(
    lang: str, words: str
) -> None:
    start = DELHI_MORNING.starts_at
    assert format_until(DELHI_MORNING, start - timedelta(seconds=20), lang) == words
