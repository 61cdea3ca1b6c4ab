"""Untrusted calendars: broken values, custom zones, floating times, memory, big files."""

from __future__ import annotations

import gc
import tracemalloc
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from icalendar.timezone import tzp

from calendars.errors import InvalidCalendarFile
from calendars.ical.importer import ImportReport, parse_ics
from calendars.ical.reading import Duration, parse_duration
from tests.calendars.ical.test_custom_zone import OUTLOOK_W_EUROPE
from tests.conftest import at

NOW = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)
DATA = Path(__file__).resolve().parents[2] / "data"
SAMPLES = ["google.ics", "outlook.ics", "apple.ics", "thunderbird.ics", "outlook_custom_zone.ics"]


def sample(name: str) -> bytes:
    return (DATA / name).read_bytes()


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def wrap(*lines: str) -> bytes:
    body = ["BEGIN:VCALENDAR", "VERSION:2.0", *lines, "END:VCALENDAR"]
    return ("\r\n".join(body) + "\r\n").encode()


def vevent(*lines: str, uid: str = "u1@example.org") -> tuple[str, ...]:
    return ("BEGIN:VEVENT", f"UID:{uid}", *lines, "END:VEVENT")


def titles(report: ImportReport) -> list[str]:
    return [event.title for event in report.events]


# ---- 1. a broken property skips its event, never the file ------------------------------


@pytest.mark.parametrize(
    ("duration", "reason"),
    [
        ("P999999999999999999W", "its DURATION 'P999999999999999999W' is longer than any event"),
        ("1H", "its DURATION '1H' is not an iCalendar duration (such as PT1H30M"),
        ("PT1X", "its DURATION 'PT1X' is not an iCalendar duration"),
        ("", "its DURATION '' is not an iCalendar duration"),
        ("PT", "its DURATION 'PT' is not an iCalendar duration"),
    ],
)
def test_a_malformed_duration_skips_its_event_and_keeps_the_others(
    duration: str, reason: str
) -> None:
    report = parse_ics(
        wrap(
            *vevent("SUMMARY:Broken", "DTSTART:20260101T100000Z", f"DURATION:{duration}"),
            *vevent("SUMMARY:Fine", "DTSTART:20260101T100000Z", uid="u2"),
        ),
        now=NOW,
    )
    assert titles(report) == ["Fine"]
    (skip,) = report.skipped
    assert skip.label == "'Broken' (UID u1@example.org)"
    assert skip.reason.startswith(reason)


def test_a_broken_vtimezone_or_calendar_property_loses_nothing_else() -> None:
    report = parse_ics(
        wrap(
            "REFRESH-INTERVAL;VALUE=DURATION:every hour",
            "BEGIN:VTIMEZONE",
            "TZID:Custom",
            "BEGIN:STANDARD",
            "DTSTART:yesterday",
            "TZOFFSETFROM:+25:00",
            "TZOFFSETTO:+0530",
            "END:STANDARD",
            "END:VTIMEZONE",
            "X-WR-TIMEZONE:Asia/Kolkata",
            *vevent("SUMMARY:Talks", "DTSTART;TZID=Custom:20260101T100000"),
        ),
        now=NOW,
    )
    (event,) = report.events  # the broken zone is not used: X-WR-TIMEZONE is
    assert (event.timezone, event.starts_at) == ("Asia/Kolkata", utc("2026-01-01T04:30"))


def _unfolded(body: bytes) -> list[str]:
    return body.decode("utf-8").replace("\r\n ", "").replace("\r\n\t", "").split("\r\n")


_VALUES = st.one_of(
    st.text(alphabet=st.characters(blacklist_characters="\r\n"), max_size=40),
    st.sampled_from(
        [
            "",
            "P999999999999999999W",
            "1H",
            "PT1X",
            "-P1D",
            "20261301T250000",
            "99999999",
            "20260101",
            "20260101T100000Z",
            "Customized Time Zone",
            "+9999",
            "FREQ=YEARLY",
            "\\",
            ",,,",
            ";",
            "\u202e",
            "\x00",
            "𝕏" * 30,
        ]
    ),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    name=st.sampled_from(SAMPLES),
    mutations=st.lists(st.tuples(st.integers(min_value=0), _VALUES), min_size=1, max_size=6),
)
def test_mutating_property_values_of_a_real_file_never_fails_the_import(
    name: str, mutations: list[tuple[int, str]]
) -> None:
    lines = _unfolded(sample(name))
    properties = [
        n
        for n, line in enumerate(lines)
        if line and not line.upper().startswith(("BEGIN:", "END:"))
    ]
    for pick, value in mutations:
        number = properties[pick % len(properties)]
        head, _, _ = lines[number].partition(":")  # TZIDs here have no quoted colons
        lines[number] = f"{head}:{value}"
    body = "\r\n".join(lines).encode("utf-8", "surrogatepass")  # lone surrogates: not UTF-8
    report = parse_ics(body, now=NOW)  # never raises
    # Each event (a series: all VEVENTs of its UID) is imported or skipped with a reason.
    assert len(report.events) + len(report.skipped) >= _uids(lines)
    assert set(report.keys) == {event.id for event in report.events}
    for skip in report.skipped:
        assert skip.reason
        assert "\n" not in skip.reason


def _uids(lines: list[str]) -> int:
    """How many events the VEVENTs make: one per UID, and each without one on its own."""
    uids: list[str] = []
    inside = False
    for line in lines:
        if line.upper() in ("BEGIN:VEVENT", "END:VEVENT"):
            inside = line.upper() == "BEGIN:VEVENT"
            uids += [f"#{len(uids)}"] if inside else []
        elif inside and line.upper().startswith("UID") and uids[-1].startswith("#"):
            value = line.partition(":")[2].strip()
            uids[-1] = value or uids[-1]
    return len(set(uids))


@given(st.binary(max_size=300))
def test_only_a_file_that_is_not_icalendar_is_refused(noise: bytes) -> None:
    try:
        parse_ics(noise, now=NOW)
    except InvalidCalendarFile as exc:
        assert exc.user_message()


def test_bidirectional_and_zero_width_characters_are_removed_from_text() -> None:
    report = parse_ics(
        wrap(
            *vevent(
                "SUMMARY:Talks \u202eexe.pdf\u200b",
                "DTSTART:20260101T100000Z",
                "LOCATION:New\u2066 Delhi\ufeff",
                "DESCRIPTION:Agenda\u200d\u2060 items",
                "CATEGORIES:in\u200bdia",
            )
        ),
        now=NOW,
    )
    (event,) = report.events
    assert (event.title, event.location, event.description) == (
        "Talks exe.pdf",
        "New Delhi",
        "Agenda items",
    )
    assert event.tags == ("india",)


# ---- 3. imports leave icalendar's process-wide zone cache and memory as they were -------


def _unique_zones_file(run: int, zones: int = 10) -> bytes:
    lines: list[str] = []
    for n in range(zones):
        tzid = f"Customized Time Zone {run}-{n}"
        lines += [
            "BEGIN:VTIMEZONE",
            f"TZID:{tzid}",
            *OUTLOOK_W_EUROPE,
            "END:VTIMEZONE",
            *vevent("SUMMARY:Talks", f"DTSTART;TZID={tzid}:20260601T100000", uid=f"{run}-{n}"),
            *vevent(
                "SUMMARY:Call",
                f"DTSTART;TZID=/vendor{run}-{n}/Europe/Berlin:20260601T100000",
                uid=f"{run}-{n}-b",
            ),
        ]
    return wrap(*lines)


def test_imports_with_their_own_tzids_leave_the_zone_cache_and_memory_as_they_were() -> None:
    cache: dict[str, object] = tzp._TZP__tz_cache  # icalendar 7: timezone/tzp.py
    files = [_unique_zones_file(run) for run in range(24)]
    tracemalloc.start()  # from the first import, so cache entries replaced later count too
    try:
        for body in files[:10]:  # warm up: lazy tables, and bounded caches fill to their size
            report = parse_ics(body, now=NOW)
        gc.collect()
        keys = set(cache)
        before = tracemalloc.get_traced_memory()[0]
        for body in files[10:]:
            parse_ics(body, now=NOW)
        gc.collect()
        grown = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert {e.timezone for e in report.events} == {"Europe/Berlin", "Europe/Budapest"}
    assert set(cache) == keys  # icalendar's cache of VTIMEZONEs: nothing added
    assert grown < 100_000, f"14 imports of 10 new zones each kept {grown:,} bytes"


# ---- 4. zones: the file's own definitions, and the admin's zone for floating times -----


def test_an_outlook_customized_time_zone_is_read_from_the_files_own_definition() -> None:
    report = parse_ics(sample("outlook_custom_zone.ics"), now=NOW)
    events = {event.title: event for event in report.events}
    group = events["India–EU trade working group"]  # +05:30; the calendar says Europe/London
    assert (group.starts_at, group.ends_at) == (utc("2026-10-22T04:30"), utc("2026-10-22T06:00"))
    assert group.timezone == "Asia/Kolkata"
    dialogue = events["EU–India digital dialogue"]  # a CET/CEST definition, after fall-back
    assert (dialogue.starts_at, dialogue.ends_at) == (
        utc("2026-11-03T13:30"),
        utc("2026-11-03T15:00"),
    )
    assert dialogue.zone.utcoffset(dialogue.start.replace(tzinfo=None)) == timedelta(hours=1)
    assert report.floating_zone is None


def test_the_admins_zone_is_used_for_a_custom_zone_it_matches() -> None:
    body = sample("outlook_custom_zone.ics").replace(b"Europe/London", b"UTC")
    report = parse_ics(body, now=NOW, default_zone="Asia/Colombo")
    assert report.events[0].timezone == "Asia/Colombo"  # also +05:30 all year


def test_floating_times_are_read_in_the_admins_zone_and_the_report_says_so() -> None:
    body = wrap(
        *vevent("SUMMARY:Talks", "DTSTART:20261204T100000", "DTEND:20261204T120000"),
        *vevent("SUMMARY:Visit", "DTSTART;VALUE=DATE:20261204", uid="u2"),
    )
    report = parse_ics(body, now=NOW, default_zone="Asia/Kolkata")
    talks, visit = report.events
    assert (talks.timezone, talks.starts_at) == ("Asia/Kolkata", utc("2026-12-04T04:30"))
    assert (visit.timezone, visit.start) == ("Asia/Kolkata", date(2026, 12, 4))
    assert report.floating_zone == "Asia/Kolkata"


def test_a_calendars_own_zone_wins_over_the_admins_for_floating_times() -> None:
    body = wrap("X-WR-TIMEZONE:Asia/Shanghai", *vevent("SUMMARY:T", "DTSTART:20261204T100000"))
    report = parse_ics(body, now=NOW, default_zone="Asia/Kolkata")
    assert report.events[0].starts_at == utc("2026-12-04T02:00")
    assert report.floating_zone is None


# ---- 6. DURATION: days are calendar days, hours are exact time ---------------------------


@pytest.mark.parametrize(
    ("duration", "end"),
    [
        ("PT24H", "2026-03-29T13:00"),  # 24 real hours: 13:00 CEST the next day
        ("P1D", "2026-03-29T12:00"),  # one calendar day: 12:00 again, 23 real hours
        ("P1DT1H", "2026-03-29T13:00"),
        ("PT1440M", "2026-03-29T13:00"),
        ("P1W", "2026-04-04T12:00"),
    ],
)
def test_durations_across_spring_forward(duration: str, end: str) -> None:
    body = wrap(
        *vevent("SUMMARY:T", "DTSTART;TZID=Europe/Berlin:20260328T120000", f"DURATION:{duration}")
    )
    (event,) = parse_ics(body, now=NOW).events
    assert event.end == at(end, "Europe/Berlin")


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ("PT24H", Duration(0, timedelta(hours=24))),
        ("P2DT3H4M5S", Duration(2, timedelta(hours=3, minutes=4, seconds=5))),
        ("-P1W", Duration(-7, timedelta(0))),
        ("+PT15M", Duration(0, timedelta(minutes=15))),
        ("P", None),
        ("PT", None),
        ("P1H", None),
        ("1D", None),
        ("P1.5D", None),
    ],
)
def test_parse_duration(text: str, parsed: Duration | None) -> None:
    assert parse_duration(text) == parsed


# ---- 2. a file over the limit: upcoming events first, the rest named --------------------


def _google_export(past: int, upcoming: int) -> bytes:
    lines = ["PRODID:-//Google Inc//Google Calendar 70.9054//EN", "X-WR-TIMEZONE:Asia/Kolkata"]
    first = datetime(2019, 1, 7, 10, 0)
    for n in range(past):
        start = first + timedelta(days=3 * n)
        lines += vevent(
            f"SUMMARY:Past meeting {n}", f"DTSTART:{start:%Y%m%dT%H%M%S}", uid=f"p{n}@google.com"
        )
    for n in range(upcoming):
        start = datetime(2026, 2, 1, 10, 0) + timedelta(days=n)
        lines += vevent(
            f"SUMMARY:Coming meeting {n}", f"DTSTART:{start:%Y%m%dT%H%M%S}", uid=f"c{n}@google.com"
        )
    lines += vevent("SUMMARY:Weekly call", "DTSTART:20190101T100000Z", "RRULE:FREQ=WEEKLY")
    return wrap(*lines)


def test_a_677_event_export_imports_the_upcoming_and_the_latest_and_names_the_rest() -> None:
    report = parse_ics(_google_export(past=600, upcoming=77), now=NOW, max_events=500)
    calls = [event for event in report.events if event.title == "Weekly call"]
    # The weekly call since 2019 counts one event per occurrence in the window: 53 in the
    # year after NOW (the window's last day is a Tuesday too), 4 in the month before. Its
    # occurrences take turns with single events: its latest past one comes with the past
    # meetings, the three before it after them, so they are left out.
    assert len(calls) == 54
    assert sum(not call.is_over(NOW) for call in calls) == 53
    assert len(report.events) == 500
    assert len(report.left_out) == 677 + 57 - 500
    kept = {event.title for event in report.events}
    assert {f"Coming meeting {n}" for n in range(77)} <= kept
    assert "Past meeting 599" in kept  # the most recent past ones come next
    left_out = [event.title for event in report.left_out]
    assert left_out.count("Weekly call") == 3
    assert set(left_out) - {"Weekly call"} == {f"Past meeting {n}" for n in range(231)}
    assert report.skipped == ()


def test_too_many_vevents_to_read_are_refused_with_how_to_split() -> None:
    with pytest.raises(InvalidCalendarFile, match="has 678 events; at most 600 are read") as err:
        parse_ics(_google_export(past=600, upcoming=77), now=NOW, max_vevents=600)
    assert "split the file" in err.value.user_message()


@pytest.mark.parametrize(
    "rule",
    ["FREQ=SECONDLY", "FREQ=YEARLY;BYHOUR=1,2,3", "FREQ=YEARLY;INTERVAL=2;BYMONTH=3;BYDAY=-1SU"],
)
@pytest.mark.timeout(10)
def test_a_zone_rule_that_cannot_be_read_quickly_is_not_used(rule: str) -> None:
    body = wrap(
        "X-WR-TIMEZONE:Asia/Kolkata",
        "BEGIN:VTIMEZONE",
        "TZID:Busy",
        "BEGIN:DAYLIGHT",
        "DTSTART:16010101T000000",
        f"RRULE:{rule}",
        "TZOFFSETFROM:+0100",
        "TZOFFSETTO:+0200",
        "END:DAYLIGHT",
        "END:VTIMEZONE",
        *vevent("SUMMARY:Talks", "DTSTART;TZID=Busy:21990101T100000"),
    )
    (event,) = parse_ics(body, now=NOW).events  # read in the calendar's zone instead
    assert (event.timezone, event.starts_at) == ("Asia/Kolkata", utc("2199-01-01T04:30"))


def _costly_zones_file(zones: int = 40, rules: int = 40, events: int = 1500) -> bytes:
    lines: list[str] = []
    for z in range(zones):
        lines += ["BEGIN:VTIMEZONE", f"TZID:Costly {z}"]
        for r in range(rules):
            lines += [
                "BEGIN:STANDARD",
                f"DTSTART:19{r % 90 + 10:02d}1028T030000",
                f"RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH={r % 12 + 1}",
                "TZOFFSETFROM:+0200",
                f"TZOFFSETTO:+0{r % 9}00",
                "END:STANDARD",
            ]
        lines.append("END:VTIMEZONE")
    for n in range(events):
        year = 1901 + (n * 7) % 298
        lines += vevent(
            "SUMMARY:T", f"DTSTART;TZID=Costly {n % zones}:{year}0601T100000", uid=f"{n}"
        )
    return wrap(*lines)


@pytest.mark.timeout(30)
def test_zone_definitions_that_cost_too_much_to_read_are_cut_off_not_waited_for() -> None:
    body = _costly_zones_file()
    assert len(body) < 1_000_000
    report = parse_ics(body, now=NOW, max_events=5000)  # unbounded, this takes minutes
    assert len(report.events) + len(report.skipped) == 1500
    assert any("take too long to read" in skip.reason for skip in report.skipped)
