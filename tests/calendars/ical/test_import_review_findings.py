"""Import defects found in review (issue 10, "Parsing what comes in" and "Time").

Each is marked xfail(strict=True): it fails today for the reason given, and turns into
an error the day the defect is fixed, so the marker is removed with the fix.
"""

from __future__ import annotations

import gc
from datetime import UTC, datetime, timedelta

import pytest
from icalendar.timezone import tzp

from calendars.ical.importer import parse_ics

NOW = datetime(2026, 12, 1, tzinfo=UTC)


def calendar(body: str, head: str = "") -> bytes:
    head = f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\n{head}"
    return f"{head}{body}END:VCALENDAR\r\n".encode()


def vevent(uid: str, extra: str = "", start: str = "DTSTART:20270105T100000Z") -> str:
    return f"BEGIN:VEVENT\r\nUID:{uid}\r\nSUMMARY:Event {uid}\r\n{start}\r\n{extra}END:VEVENT\r\n"


@pytest.mark.parametrize("duration", ["P999999999999999999W", "1H", "PT1X"])
def test_a_malformed_duration_skips_its_event_and_keeps_the_others(duration: str) -> None:
    data = calendar(
        vevent("good", "DTEND:20270105T110000Z\r\n") + vevent("bad", f"DURATION:{duration}\r\n")
    )
    report = parse_ics(data, now=NOW)
    assert [e.title for e in report.events] == ["Event good"]
    assert len(report.skipped) == 1
    assert "DURATION" in report.skipped[0].reason


def test_one_unreadable_tzid_skips_its_event_and_does_not_show_server_paths() -> None:
    bad = vevent("bad", start='DTSTART;TZID="' + "A" * 5000 + '":20270105T100000')
    report = parse_ics(calendar(bad + vevent("good")), now=NOW)
    assert [e.title for e in report.events] == ["Event good"]
    assert "site-packages" not in " ".join(f"{s.label} {s.reason}" for s in report.skipped)


CUSTOM_ZONE = (
    "BEGIN:VTIMEZONE\r\nTZID:Customized Time Zone\r\nBEGIN:STANDARD\r\n"
    "DTSTART:16010101T000000\r\nTZOFFSETFROM:+0530\r\nTZOFFSETTO:+0530\r\n"
    "END:STANDARD\r\nEND:VTIMEZONE\r\n"
)


def test_an_outlook_custom_tzid_is_read_with_the_files_own_vtimezone() -> None:
    body = CUSTOM_ZONE + vevent(
        "c",
        "DTEND;TZID=Customized Time Zone:20270105T110000\r\n",
        start="DTSTART;TZID=Customized Time Zone:20270105T100000",
    )
    (event,) = parse_ics(calendar(body, head="X-WR-TIMEZONE:UTC\r\n"), now=NOW).events
    assert isinstance(event.start, datetime)
    assert event.start.astimezone(UTC) == datetime(2027, 1, 5, 4, 30, tzinfo=UTC)


def test_a_677_event_export_is_imported_up_to_the_limit_not_refused_whole() -> None:
    data = calendar("".join(vevent(f"u{i}") for i in range(677)))
    report = parse_ics(data, now=NOW)
    assert len(report.events) >= 500


def test_imported_titles_lose_bidi_overrides_and_zero_width_characters() -> None:
    body = vevent("b").replace("SUMMARY:Event b", "SUMMARY:Modi \u202eniaga\u202c \u200bmeets")
    (event,) = parse_ics(calendar(body), now=NOW).events
    assert event.title == "Modi niaga meets"


def _cached_zones() -> int:
    return sum(len(v) for v in vars(tzp).values() if isinstance(v, dict))


def test_imports_leave_icalendars_zone_cache_where_it_was() -> None:
    def file(n: int) -> bytes:
        zones = "".join(
            CUSTOM_ZONE.replace("Customized Time Zone", f"Custom {n}-{i}") for i in range(50)
        )
        return calendar(zones + vevent("x", start=f"DTSTART;TZID=Custom {n}-0:20270105T100000"))

    parse_ics(file(-1), now=NOW)
    gc.collect()
    before = _cached_zones()
    for n in range(10):
        parse_ics(file(n), now=NOW)
    gc.collect()
    assert _cached_zones() <= before


def test_our_own_feed_imported_back_keeps_zone_urls_and_description() -> None:
    from datetime import date

    from calendars.events import Event
    from calendars.ical.render import CalendarMeta, IcalRenderer

    event = Event(
        id="summit-day",
        title="Summit day",
        start=date(2027, 1, 5),
        end=date(2027, 1, 6),
        timezone="Asia/Kolkata",
        urls=("https://mea.gov.in/a", "https://mea.gov.in/b"),
        description="Intro",
        created=NOW,
        updated=NOW,
    )
    feed = IcalRenderer(CalendarMeta(public_url="http://cal.example")).calendar([event])
    (back,) = parse_ics(feed, now=NOW, our_host="cal.example").events
    assert (back.timezone, back.urls, back.description) == (
        event.timezone,
        event.urls,
        event.description,
    )


def test_a_pt24h_duration_across_spring_forward_lasts_24_hours() -> None:
    body = vevent("d", "DURATION:PT24H\r\n", start="DTSTART;TZID=Europe/Berlin:20270327T120000")
    (event,) = parse_ics(calendar(body), now=NOW).events
    assert isinstance(event.start, datetime)
    assert isinstance(event.end, datetime)
    assert event.end.astimezone(UTC) - event.start.astimezone(UTC) == timedelta(hours=24)
