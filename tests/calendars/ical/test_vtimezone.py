from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import vobject
from hypothesis import given, settings
from hypothesis import strategies as st

from calendars.ical.vtimezone import vtimezone

ZONES = [
    "Europe/Berlin",
    "Europe/London",
    "Europe/Dublin",
    "America/New_York",
    "America/Santiago",
    "Australia/Sydney",
    "Australia/Lord_Howe",
    "Africa/Casablanca",
    "Asia/Kolkata",
    "Asia/Shanghai",
    "Asia/Tehran",
    "Pacific/Chatham",
]


def client_zone(zone: str) -> object:
    """The tzinfo a calendar client builds from our VTIMEZONE (vobject, via dateutil)."""
    text = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n" + vtimezone(zone, 2024, 2028).to_ical().decode()
    return vobject.readOne(text + "END:VCALENDAR\r\n").vtimezone.gettzinfo()


@pytest.mark.parametrize("zone", ZONES)
@settings(max_examples=60, deadline=None)
@given(minutes=st.integers(min_value=0, max_value=4 * 366 * 24 * 60))
def test_clients_read_the_same_offset_as_zoneinfo(zone: str, minutes: int) -> None:
    wall = datetime(2024, 1, 1) + timedelta(minutes=minutes)
    real = wall.replace(tzinfo=ZoneInfo(zone))
    if real.astimezone(UTC).astimezone(ZoneInfo(zone)).replace(tzinfo=None) != wall:
        return  # a wall time that does not exist (DST gap): clients may differ, we never emit one
    if real.replace(fold=1).utcoffset() != real.utcoffset():
        return  # the repeated hour: ambiguous by nature without an offset
    assert wall.replace(tzinfo=client_zone(zone)).utcoffset() == real.utcoffset()  # type: ignore[arg-type]


def test_regular_zones_get_the_compact_rrule_form_outlook_reads() -> None:
    text = vtimezone("Europe/Berlin", 2025, 2027).to_ical().decode()
    assert "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3" in text
    assert "DTSTART:19700329T020000" in text
    assert "RDATE" not in text
    assert text.count("BEGIN:STANDARD") == 1
    assert text.count("BEGIN:DAYLIGHT") == 1
