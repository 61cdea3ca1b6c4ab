from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import vobject

from calendars.events import Event, Status
from calendars.ical.render import CalendarMeta, IcalRenderer
from tests.conftest import at, timed_event

META = CalendarMeta(public_url="https://summitwatch.example.org", name="SummitWatch")
STAMP = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


def sample_events() -> list[Event]:
    talks = timed_event(
        "modi-putin-talks",
        at("2026-12-04T10:00", "Asia/Kolkata"),
        title="Modi, Putin; talks on S-400 <b>& oil</b>",
        location="Hyderabad House, New Delhi",
        description="Line one\nLine two, with a comma; and a semicolon. " + "Long text " * 20,
        tags=("india-russia", "defence"),
        urls=("https://www.mea.gov.in/",),
        created=STAMP,
        updated=STAMP,
    )
    berlin = timed_event(
        "berlin-meeting", at("2026-03-29T10:00", "Europe/Berlin"), created=STAMP, updated=STAMP
    )
    summit = Event(
        id="sco-summit",
        title="SCO Summit",
        start=date(2026, 8, 31),
        end=date(2026, 9, 2),
        timezone="Asia/Shanghai",
        tags=("sco",),
        created=STAMP,
        updated=STAMP,
    )
    return [talks, berlin, summit]


def render(events: list[Event]) -> bytes:
    return IcalRenderer(META).calendar(events)


def test_feed_is_rfc5545_shaped_crlf_folded_with_calendar_names() -> None:
    body = render(sample_events())
    assert body.startswith(b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:")
    assert body.endswith(b"END:VCALENDAR\r\n")
    assert b"\n" not in body.replace(b"\r\n", b"")
    assert all(len(line) <= 75 for line in body.split(b"\r\n"))
    for needle in (
        b"X-WR-CALNAME:SummitWatch",
        b"NAME:SummitWatch",
        b"X-WR-CALDESC:",
        b"REFRESH-INTERVAL;VALUE=DURATION:PT1H",
        b"X-PUBLISHED-TTL:PT1H",
        b"METHOD:PUBLISH",
    ):
        assert needle in body.replace(b"\r\n ", b""), needle


def test_icalendar_reads_back_every_event_with_its_properties() -> None:
    calendar = icalendar.Calendar.from_ical(render(sample_events()))
    events = {str(e["UID"]): e for e in calendar.walk("VEVENT")}
    assert set(events) == {
        "modi-putin-talks@summitwatch.example.org",
        "berlin-meeting@summitwatch.example.org",
        "sco-summit@summitwatch.example.org",
    }
    talks = events["modi-putin-talks@summitwatch.example.org"]
    assert str(talks["SUMMARY"]) == "Modi, Putin; talks on S-400 <b>& oil</b>"
    assert talks.start == datetime(2026, 12, 4, 10, 0, tzinfo=ZoneInfo("Asia/Kolkata"))
    assert talks["DTSTART"].params["TZID"] == "Asia/Kolkata"
    assert talks["SEQUENCE"] == 0
    assert talks.categories == ["india-russia", "defence"]
    assert str(talks["URL"]) == "https://www.mea.gov.in/"
    assert str(talks["LOCATION"]) == "Hyderabad House, New Delhi"
    assert str(talks["DESCRIPTION"]).startswith(
        "Line one\nLine two, with a comma; and a semicolon."
    )
    assert talks["DTSTAMP"].dt == STAMP
    assert talks["LAST-MODIFIED"].dt == STAMP
    summit = events["sco-summit@summitwatch.example.org"]
    assert summit.start == date(2026, 8, 31)
    assert summit.end == date(2026, 9, 2)
    assert summit["DTSTART"].params.get("VALUE") == "DATE"


def test_every_zone_used_has_a_vtimezone() -> None:
    calendar = icalendar.Calendar.from_ical(render(sample_events()))
    zones = {str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")}
    assert zones == {"Asia/Kolkata", "Europe/Berlin"}  # all-day events need none


def test_an_independent_parser_agrees_on_times_across_dst() -> None:
    parsed = vobject.readOne(render(sample_events()).decode("utf-8"))
    by_uid = {e.uid.value: e for e in parsed.vevent_list}
    berlin = by_uid["berlin-meeting@summitwatch.example.org"]
    # 29 Mar 2026 is the day Berlin moves to CEST: 10:00 there is 08:00 UTC.
    assert berlin.dtstart.value.astimezone(UTC) == datetime(2026, 3, 29, 8, 0, tzinfo=UTC)
    talks = by_uid["modi-putin-talks@summitwatch.example.org"]
    assert talks.dtstart.value.astimezone(UTC) == datetime(2026, 12, 4, 4, 30, tzinfo=UTC)
    assert talks.summary.value == "Modi, Putin; talks on S-400 <b>& oil</b>"
    assert by_uid["sco-summit@summitwatch.example.org"].dtstart.value == date(2026, 8, 31)


def test_an_edit_bumps_sequence_and_a_cancel_stays_in_the_feed_as_cancelled() -> None:
    renderer = IcalRenderer(META)
    talks, *others = sample_events()
    edited = talks.revised(now=STAMP + timedelta(hours=1), location="Rashtrapati Bhavan")
    cancelled = edited.revised(now=STAMP + timedelta(hours=2), status=Status.CANCELLED)
    renderer.calendar([talks, *others])  # warm the per-event cache with the old version
    for version, expected_sequence in ((edited, 1), (cancelled, 2)):
        parsed = icalendar.Calendar.from_ical(renderer.calendar([version, *others]))
        vevent = next(e for e in parsed.walk("VEVENT") if str(e["UID"]).startswith("modi-putin"))
        assert vevent["SEQUENCE"] == expected_sequence
        assert str(vevent["LOCATION"]) == "Rashtrapati Bhavan"
    assert str(vevent["STATUS"]) == "CANCELLED"


def test_rendering_is_deterministic_so_etags_only_change_with_data() -> None:
    assert render(sample_events()) == render(sample_events())


def test_both_passes_of_a_repeated_hour_are_written_in_utc() -> None:
    # Berlin, 31 Oct 2027: 02:30 happens at 00:30 UTC (CEST) and again at 01:30 UTC (CET).
    first = datetime(2027, 10, 31, 2, 30, tzinfo=ZoneInfo("Europe/Berlin"))
    night = Event(
        id="night",
        title="Night talks",
        start=first,
        end=first.replace(fold=1),
        timezone="Europe/Berlin",
    )
    text = render([night]).decode("utf-8")
    # Parsers disagree on which pass a repeated wall time means (ical.js takes the second),
    # so neither pass is written as one.
    assert "DTSTART:20271031T003000Z" in text
    assert "DTEND:20271031T013000Z" in text
    vevent = vobject.readOne(text).vevent
    assert vevent.dtend.value - vevent.dtstart.value == timedelta(hours=1)


def test_each_status_maps_to_an_ical_status_and_the_unsure_ones_say_so_in_the_title() -> None:
    events = [
        timed_event(status.value, at("2026-12-04T10:00"), title="G20", status=status)
        for status in Status
    ]
    calendar = icalendar.Calendar.from_ical(render(events))
    seen = {
        str(v["X-SUMMITWATCH-STATUS"]): (str(v["STATUS"]), str(v["SUMMARY"]))
        for v in calendar.walk("VEVENT")
    }
    assert seen == {
        "rumoured": ("TENTATIVE", "[Rumoured] G20"),
        "announced": ("TENTATIVE", "G20"),
        "postponed": ("TENTATIVE", "[Postponed] G20"),
        "confirmed": ("CONFIRMED", "G20"),
        "concluded": ("CONFIRMED", "G20"),
        "cancelled": ("CANCELLED", "G20"),
    }
