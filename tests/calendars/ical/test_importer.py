from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from calendars.errors import InvalidCalendarFile
from calendars.events import Event, Status
from calendars.ical.importer import ImportReport, parse_ics, zone_for_tzid
from calendars.ical.render import CalendarMeta, IcalRenderer
from tests.conftest import at, timed_event

NOW = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)
DATA = Path(__file__).resolve().parents[2] / "data"


def sample(name: str) -> bytes:
    return (DATA / name).read_bytes()


def imported(name: str) -> ImportReport:
    return parse_ics(sample(name), now=NOW)


def by_title(report: ImportReport) -> dict[str, Event]:
    return {event.title: event for event in report.events}


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def wrap(*lines: str) -> bytes:
    return (
        "\r\n".join(["BEGIN:VCALENDAR", "VERSION:2.0", *lines, "END:VCALENDAR"]) + "\r\n"
    ).encode()


def vevent(*lines: str, uid: str = "u1@example.org") -> tuple[str, ...]:
    return ("BEGIN:VEVENT", f"UID:{uid}", *lines, "END:VEVENT")


@pytest.mark.parametrize("name", ["google.ics", "outlook.ics", "apple.ics", "thunderbird.ics"])
def test_samples_are_crlf_and_folded_as_clients_write_them(name: str) -> None:
    body = sample(name)
    assert body.startswith(b"BEGIN:VCALENDAR\r\n")
    assert b"\n" not in body.replace(b"\r\n", b"")
    assert all(len(line) <= 75 for line in body.split(b"\r\n"))


def test_google_export_keeps_zones_all_day_dates_and_escaped_text() -> None:
    report = imported("google.ics")
    assert report.skipped == ()
    events = by_title(report)
    assert set(events) == {
        "Weimar+ foreign ministers' meeting",
        "India–Russia annual summit",
        "UN General Assembly: general debate opens",
    }
    weimar = events["Weimar+ foreign ministers' meeting"]
    assert weimar.timezone == "Europe/Berlin"
    assert (weimar.starts_at, weimar.ends_at) == (utc("2026-06-15T08:00"), utc("2026-06-15T10:00"))
    assert weimar.location == "Federal Foreign Office, Werderscher Markt 1, 10117 Berlin, Germany"
    assert weimar.description == (
        "Foreign ministers of India, Germany and France meet to discuss trade, climate and the "
        "war in Ukraine. Agenda: opening remarks; bilateral sessions; joint press conference."
        "\nSource: https://www.auswaertiges-amt.de/en/"
    )
    summit = events["India–Russia annual summit"]
    assert (summit.start, summit.end) == (date(2026, 12, 4), date(2026, 12, 6))
    assert summit.timezone == "Asia/Kolkata"  # the calendar's X-WR-TIMEZONE
    assert summit.last_day == date(2026, 12, 5)
    unga = events["UN General Assembly: general debate opens"]
    assert unga.timezone == "UTC"
    assert unga.starts_at == utc("2026-09-22T13:00")


def test_outlook_export_maps_windows_zones_and_keeps_cancellations() -> None:
    report = imported("outlook.ics")
    assert report.skipped == ()
    events = by_title(report)
    dialogue = events["India–EU foreign ministers' strategic dialogue"]
    assert dialogue.timezone == "Asia/Kolkata"
    assert dialogue.start == at("2026-10-15T10:00", "Asia/Kolkata")
    assert dialogue.ends_at == utc("2026-10-15T07:00")
    assert dialogue.status is Status.CONFIRMED
    assert dialogue.description.endswith("Briefing notes are on the shared drive.")
    council = events["Canceled: EU–India Trade and Technology Council"]
    assert council.timezone == "Europe/Berlin"
    assert council.starts_at == utc("2026-11-05T13:00")  # CET again after 25 October
    assert council.status is Status.CANCELLED
    diwali = events["Diwali – missions closed"]
    assert (diwali.start, diwali.end, diwali.timezone) == (
        date(2026, 10, 20),
        date(2026, 10, 21),
        "UTC",
    )


def test_apple_export_reads_floating_times_in_the_calendars_zone() -> None:
    report = imported("apple.ics")
    assert report.skipped == ()
    events = by_title(report)
    sco = events["SCO Council of Heads of State"]
    assert (sco.timezone, sco.starts_at) == ("Asia/Shanghai", utc("2026-08-31T01:00"))
    assert sco.urls == ("https://eng.sectsco.org/",)
    assert sco.location == "Meijiang Convention and Exhibition Center Tianjin, China"
    briefing = events["Foreign ministry press briefing"]
    assert (briefing.timezone, briefing.starts_at) == ("Asia/Shanghai", utc("2026-09-01T02:00"))
    assert briefing.ends_at == utc("2026-09-01T03:30")
    arrival = events["Arrival of delegations"]
    assert (arrival.start, arrival.end, arrival.timezone) == (
        date(2026, 8, 29),
        date(2026, 8, 30),
        "Asia/Shanghai",
    )
    assert arrival.tags == ("sco",)


def test_thunderbird_export_gives_the_weekly_calls_and_keeps_tentative_events() -> None:
    report = imported("thunderbird.ics")
    assert report.skipped == ()
    calls = [e for e in report.events if e.title == "EU–India weekly coordination call"]
    # Every Tuesday at 15:00 in Brussels, from its first (6 January 2026) to the end of the
    # window (12 months after NOW): CET in winter, CEST in summer.
    assert len(calls) == 52
    assert {(c.start.weekday(), c.start.hour, c.timezone) for c in calls} == {
        (1, 15, "Europe/Brussels")
    }
    assert calls[0].starts_at == utc("2026-01-06T14:00")
    assert calls[26].starts_at == utc("2026-07-07T13:00")
    assert calls[-1].starts_at == utc("2026-12-29T14:00")
    events = by_title(report)
    sherpa = events["G20 sherpa meeting (to be confirmed)"]
    assert sherpa.status is Status.ANNOUNCED
    assert sherpa.tags == ("g20", "sherpa-track")
    assert sherpa.starts_at == utc("2026-03-17T08:30")
    forum = events["Benelux–India business forum"]  # an old Lightning "/mozilla.org/..." TZID
    assert (forum.timezone, forum.starts_at) == ("Europe/Brussels", utc("2026-04-02T09:00"))


@pytest.mark.parametrize("name", ["google.ics", "outlook.ics", "apple.ics", "thunderbird.ics"])
def test_importing_again_gives_the_same_ids(name: str) -> None:
    first = imported(name)
    assert [e.id for e in imported(name).events] == [e.id for e in first.events]
    later = parse_ics(sample(name), now=datetime(2026, 6, 1, tzinfo=UTC))  # another window
    common = first.keys.keys() & later.keys.keys()
    assert {first.keys[i] for i in common} == {later.keys[i] for i in common}
    assert len(common) >= len(first.events) // 2
    assert all(e.id.startswith("ics-") for e in first.events)
    assert all(e.sequence == 0 and e.created == e.updated == NOW for e in first.events)


def test_our_own_feed_round_trips_with_its_ids() -> None:
    stamp = datetime(2025, 12, 1, tzinfo=UTC)
    events = [
        timed_event(
            "modi-putin-talks-2026",
            at("2026-12-04T10:00", "Asia/Kolkata"),
            title="Modi, Putin; talks",
            tags=("india-russia",),
            created=stamp,
            updated=stamp,
        ),
        timed_event("berlin-2026", at("2026-03-29T01:30", "Europe/Berlin"), created=stamp),
        timed_event("utc-call-2026", at("2026-05-01T12:00", "UTC"), created=stamp),
        Event(
            id="sco-summit-2026",
            title="SCO Summit",
            start=date(2026, 8, 31),
            end=date(2026, 9, 2),
            timezone="Asia/Shanghai",
            status=Status.ANNOUNCED,
        ),
        *(
            timed_event(f"{status.value}-2026", at("2026-06-01T10:00"), status=status)
            for status in Status
        ),
    ]
    feed = IcalRenderer(CalendarMeta(public_url="https://x.example")).calendar(events)
    report = parse_ics(feed, now=NOW, our_host="x.example")
    assert report.skipped == ()
    assert [e.id for e in report.events] == [e.id for e in events]
    assert b"SUMMARY:[Postponed] Event postponed-2026" in feed
    assert b"SUMMARY:[Rumoured] Event rumoured-2026" in feed
    for original, copy in zip(events, report.events, strict=True):
        assert copy.title == original.title  # no prefix, and never two
        assert copy.status is original.status
        assert copy.tags == original.tags
        assert copy.urls == ()  # the feed's link back to itself is not a source
        if original.all_day:
            assert (copy.start, copy.end) == (original.start, original.end)
        else:
            assert (copy.starts_at, copy.ends_at) == (original.starts_at, original.ends_at)
            assert copy.timezone == original.timezone


def test_uids_of_another_host_are_not_taken_as_ours() -> None:
    body = wrap(*vevent("SUMMARY:Talks", "DTSTART:20260101T100000Z", uid="talks@x.example"))
    assert parse_ics(body, now=NOW, our_host="y.example").events[0].id.startswith("ics-")
    assert parse_ics(body, now=NOW, our_host="x.example").events[0].id == "talks"


@pytest.mark.parametrize(
    ("lines", "reason"),
    [
        (
            ("DTSTART:20260101T100000Z",),
            "event #1 (no title) (UID u1@example.org): it has no title",
        ),
        (("SUMMARY:Talks",), "'Talks' (UID u1@example.org): it has no start (DTSTART)"),
        (("SUMMARY:Talks", "DTSTART:garbage"), "its DTSTART could not be read"),
        (("SUMMARY:Talks", "DTSTART;TZID=Mars/Olympus:20260101T100000"), "'Mars/Olympus'"),
        (
            (
                "SUMMARY:Talks",
                "DTSTART:20260101T100000Z",
                "RRULE:FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30",
            ),
            "matches no day, ever",
        ),
        (
            ("SUMMARY:Talks", "DTSTART:20200101T100000Z", "RRULE:FREQ=YEARLY;UNTIL=20210101"),
            "does not occur within the import window (2025-12-05 to 2027-01-05)",
        ),
        (("SUMMARY:Talks", "DTSTART:20260101T100000Z", "DTEND:20250101T100000Z"), "end after"),
        (
            ("SUMMARY:Talks", "DTSTART;VALUE=DATE:20260101", "DTEND:20260102T100000Z"),
            "must both be dates",
        ),
        (
            ("SUMMARY:Talks", "DTSTART:20260101T100000Z", "DURATION:P999999999D"),
            "longer than any event",
        ),
        (("SUMMARY:Talks", "DTSTART:18500101T100000Z"), "outside the years 1900-2199"),
        (("SUMMARY:Talks", "DTSTART;VALUE=DATE:20260101", "DURATION:P400D"), "at most 366 days"),
    ],
)
def test_events_that_cannot_be_imported_are_skipped_with_the_reason(
    lines: tuple[str, ...], reason: str
) -> None:
    report = parse_ics(
        wrap(*vevent(*lines), *vevent("SUMMARY:Fine", "DTSTART:20260101T100000Z", uid="u2")),
        now=NOW,
    )
    assert [e.title for e in report.events] == ["Fine"]
    assert len(report.skipped) == 1
    assert reason in str(report.skipped[0])


def test_missing_ends_default_to_the_duration_or_one_hour_or_one_day() -> None:
    report = parse_ics(
        wrap(
            *vevent("SUMMARY:A", "DTSTART:20260101T100000Z", "DURATION:PT90M", uid="a"),
            *vevent(
                "SUMMARY:B", "DTSTART;TZID=Europe/Berlin:20260328T120000", "DURATION:P1D", uid="b"
            ),
            *vevent("SUMMARY:C", "DTSTART:20260101T100000Z", uid="c"),
            *vevent("SUMMARY:D", "DTSTART;VALUE=DATE:20260101", uid="d"),
            *vevent("SUMMARY:E", "DTSTART;VALUE=DATE:20260101", "DURATION:P2D", uid="e"),
        ),
        now=NOW,
    )
    events = by_title(report)
    assert events["A"].ends_at == utc("2026-01-01T11:30")
    assert events["B"].end == at("2026-03-29T12:00", "Europe/Berlin")  # a calendar day: 23 hours
    assert events["C"].ends_at == utc("2026-01-01T11:00")
    assert events["D"].end == date(2026, 1, 2)
    assert events["E"].end == date(2026, 1, 3)


def test_text_is_cut_to_the_limits_and_bad_categories_and_urls_are_dropped() -> None:
    report = parse_ics(
        wrap(
            *vevent(
                "SUMMARY:Talks\\nwith\tcontrol\x01 characters",
                "DTSTART:20260101T100000Z",
                "DESCRIPTION:" + "word " * 1000,
                "CATEGORIES:BRICS,not!a tag,India Russia",
                "CATEGORIES:brics",
                "URL:javascript:alert(1)",
            )
        ),
        now=NOW,
    )
    (event,) = report.events
    assert event.title == "Talks with control characters"
    assert len(event.description) == 4000
    assert event.description.endswith("…")
    assert event.tags == ("brics", "india-russia")
    assert event.urls == ()


def test_a_uid_given_twice_keeps_the_first_event() -> None:
    report = parse_ics(
        wrap(
            *vevent("SUMMARY:First", "DTSTART:20260101T100000Z"),
            *vevent("SUMMARY:Second", "DTSTART:20260102T100000Z"),
        ),
        now=NOW,
    )
    assert [e.title for e in report.events] == ["First"]
    assert tuple(map(str, report.skipped)) == (
        "'Second' (UID u1@example.org): its UID appears twice in the file; the first was kept",
    )


def test_an_unknown_tzid_falls_back_to_the_calendars_zone() -> None:
    body = wrap(
        "X-WR-TIMEZONE:Asia/Kolkata",
        *vevent("SUMMARY:Talks", "DTSTART;TZID=Custom Zone 1:20260101T100000"),
    )
    (event,) = parse_ics(body, now=NOW).events
    assert (event.timezone, event.starts_at) == ("Asia/Kolkata", utc("2026-01-01T04:30"))


@pytest.mark.parametrize(
    ("tzid", "zone"),
    [
        ("India Standard Time", "Asia/Kolkata"),
        ("W. Europe Standard Time", "Europe/Berlin"),
        ("Europe/Kyiv", "Europe/Kyiv"),
        (
            "/mozilla.org/20070129_1/America/Argentina/Buenos_Aires",
            "America/Argentina/Buenos_Aires",
        ),
        ('"Asia/Tokyo"', "Asia/Tokyo"),
        ("UTC", "UTC"),
        ("Mars/Olympus", None),
        ("", None),
    ],
)
def test_tzids_map_to_iana_zones(tzid: str, zone: str | None) -> None:
    assert zone_for_tzid(tzid) == zone


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"", "not an iCalendar file"),
        (b"<html><body>Not found</body></html>", "should start with BEGIN:VCALENDAR"),
        (b"BEGIN:VCARD\r\nEND:VCARD\r\n", "not an iCalendar file"),
        (b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n", "END:VCALENDAR is missing"),
        (wrap("BEGIN:VTODO", "SUMMARY:x", "END:VTODO"), "no events"),
        (wrap("this is not a content line"), "no events"),  # the line is skipped
        (wrap() + b"END:VCALENDAR\r\n", "could not be read as iCalendar"),
        (b"\xef\xbb\xbf" + wrap("X-WR-CALNAME:empty"), "no events"),
    ],
)
def test_files_that_are_not_calendars_with_events_are_refused(body: bytes, message: str) -> None:
    with pytest.raises(InvalidCalendarFile, match=message) as caught:
        parse_ics(body, now=NOW)
    assert caught.value.example


def test_big_files_and_too_many_events_are_refused() -> None:
    with pytest.raises(InvalidCalendarFile, match="the limit is 100"):
        parse_ics(sample("google.ics"), now=NOW, max_bytes=100)
    many = wrap(*(line for n in range(4) for line in vevent("SUMMARY:x", uid=f"u{n}")))
    with pytest.raises(InvalidCalendarFile, match="has 4 events; at most 3 are read"):
        parse_ics(many, now=NOW, max_vevents=3)


def _handled(body: bytes) -> None:
    try:
        report = parse_ics(body, now=NOW)
    except InvalidCalendarFile as exc:
        assert exc.user_message()
    else:
        assert report.events or report.skipped


@given(st.binary(max_size=500))
def test_any_bytes_are_imported_or_refused_never_crash(body: bytes) -> None:
    _handled(body)


@given(st.text(max_size=300))
def test_any_text_inside_a_vcalendar_is_imported_or_refused(text: str) -> None:
    _handled(wrap(text))


_LINES = st.sampled_from(
    [
        "BEGIN:VEVENT",
        "END:VEVENT",
        "BEGIN:VALARM",
        "END:VALARM",
        "BEGIN:VTIMEZONE",
        "TZID:Custom",
        "END:VTIMEZONE",
        "UID:a",
        "SUMMARY:Talks",
        "SUMMARY;LANGUAGE=en:Talks\\, again",
        "DTSTART:20260101T100000Z",
        "DTSTART;VALUE=DATE:20260101",
        "DTSTART;TZID=Custom:20260101T100000",
        "DTSTART;TZID=/x/Europe/Berlin:20260329T023000",
        "DTEND:20260101T110000",
        "DTEND;VALUE=DATE:20251231",
        "DURATION:PT1H",
        "DURATION:-P1D",
        "RRULE:FREQ=DAILY",
        "CATEGORIES:a,B c",
        "URL:https://a.example/",
        "STATUS:CANCELLED",
        "X-WR-TIMEZONE:Asia/Tokyo",
        "X-WR-TIMEZONE:nowhere",
    ]
)


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(_LINES, st.text(max_size=20)), max_size=25))
def test_any_mix_of_calendar_lines_is_imported_or_refused(lines: list[str]) -> None:
    _handled(wrap(*lines))


def test_a_file_in_the_windows_code_page_is_read() -> None:
    body = wrap(*vevent("SUMMARY:Café talks – Genève", "DTSTART:20260101T100000Z"))
    cp1252 = body.decode("utf-8").encode("cp1252")
    assert parse_ics(cp1252, now=NOW).events[0].title == "Café talks – Genève"


@pytest.mark.parametrize("char", ["\x0b", "\x0c", "\x1b", "\u2028", "\x85"])
def test_an_imported_url_with_a_control_character_never_reaches_the_store(char: str) -> None:
    report = parse_ics(
        wrap(
            *vevent("SUMMARY:Talks", "DTSTART:20260101T100000Z", f"URL:https://x.org/a{char}b"),
            *vevent(
                "SUMMARY:Other", "DTSTART:20260102T100000Z", "URL:https://x.org/ok", uid="u2@x"
            ),
        ),
        now=NOW,
    )
    # The event is kept; the address that is not one is left out, never stored.
    assert [event.urls for event in report.events] == [(), ("https://x.org/ok",)]
    assert not report.skipped


@pytest.mark.parametrize(
    ("summary", "status", "title", "expected"),
    [
        ("[Postponed] G20 Summit", "TENTATIVE", "G20 Summit", Status.POSTPONED),
        ("[Rumoured] Quad talks", "TENTATIVE", "Quad talks", Status.RUMOURED),
        ("[Postponed] G20 Summit", "CANCELLED", "G20 Summit", Status.CANCELLED),
        ("[Postponed]", "TENTATIVE", "[Postponed]", Status.ANNOUNCED),
        ("Talks [Rumoured]", "TENTATIVE", "Talks [Rumoured]", Status.ANNOUNCED),
    ],
)
def test_another_apps_file_with_our_prefix_keeps_the_status_and_loses_the_prefix(
    summary: str, status: str, title: str, expected: Status
) -> None:
    body = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//x//EN\r\nBEGIN:VEVENT\r\n"
        f"UID:a@elsewhere.example\r\nDTSTART:20260601T100000Z\r\nSUMMARY:{summary}\r\n"
        f"STATUS:{status}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    ).encode()
    (event,) = parse_ics(body, now=NOW).events
    assert (event.title, event.status) == (title, expected)
