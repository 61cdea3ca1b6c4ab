from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from calendars.ical.custom_zone import Budget, CustomZone
from calendars.ical.reading import parse_calendars

OUTLOOK_W_EUROPE = [
    "BEGIN:STANDARD",
    "DTSTART:16011028T030000",
    "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10",
    "TZOFFSETFROM:+0200",
    "TZOFFSETTO:+0100",
    "END:STANDARD",
    "BEGIN:DAYLIGHT",
    "DTSTART:16010325T020000",
    "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3",
    "TZOFFSETFROM:+0100",
    "TZOFFSETTO:+0200",
    "END:DAYLIGHT",
]
# A US zone in the tzurl style: the pre-2007 rule ends with UNTIL, the current one follows.
US_EASTERN_HISTORY = [
    "BEGIN:DAYLIGHT",
    "DTSTART:19870405T020000",
    "RRULE:FREQ=YEARLY;BYMONTH=4;BYDAY=1SU;UNTIL=20060402T070000Z",
    "TZOFFSETFROM:-0500",
    "TZOFFSETTO:-0400",
    "END:DAYLIGHT",
    "BEGIN:STANDARD",
    "DTSTART:19671029T020000",
    "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU;UNTIL=20061029T060000Z",
    "TZOFFSETFROM:-0400",
    "TZOFFSETTO:-0500",
    "END:STANDARD",
    "BEGIN:DAYLIGHT",
    "DTSTART:20070311T020000",
    "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU",
    "TZOFFSETFROM:-0500",
    "TZOFFSETTO:-0400",
    "END:DAYLIGHT",
    "BEGIN:STANDARD",
    "DTSTART:20071104T020000",
    "RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU",
    "TZOFFSETFROM:-0400",
    "TZOFFSETTO:-0500",
    "END:STANDARD",
]


def custom(observances: list[str]) -> CustomZone:
    head = ["BEGIN:VCALENDAR", "BEGIN:VTIMEZONE", "TZID:Custom"]
    text = "\r\n".join([*head, *observances, "END:VTIMEZONE", "END:VCALENDAR", ""])
    (component,) = parse_calendars(text)[0].subcomponents
    zone = CustomZone.of(component, Budget())
    assert zone is not None
    return zone


@pytest.mark.parametrize(
    ("observances", "iana", "years"),
    [
        (OUTLOOK_W_EUROPE, "Europe/Berlin", range(1996, 2031)),
        (US_EASTERN_HISTORY, "America/New_York", range(1990, 2031)),
    ],
)
def test_a_files_definition_gives_the_offsets_of_the_zone_it_describes(
    observances: list[str], iana: str, years: range
) -> None:
    zone, real = custom(observances), ZoneInfo(iana)
    for year in years:
        wall = datetime(year, 1, 1)
        while wall.year == year:  # every 6 hours, and every hour around the changes
            assert zone.offset(wall) == wall.replace(tzinfo=real).utcoffset(), wall
            wall += timedelta(hours=1 if wall.month in (3, 4, 10, 11) else 6)


@given(st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2199, 12, 31)))
def test_any_wall_time_gets_the_offset_zoneinfo_gives(wall: datetime) -> None:
    real = wall.replace(tzinfo=ZoneInfo("Europe/Berlin"), fold=0).utcoffset()
    if wall.year >= 1996:  # the EU rule in this definition holds since 1996
        assert custom(OUTLOOK_W_EUROPE).offset(wall) == real
