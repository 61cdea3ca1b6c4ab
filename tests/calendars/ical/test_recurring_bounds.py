"""Hostile and odd series: bounded occurrences and time, a reason for what was cut."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from calendars.errors import InvalidCalendarFile
from calendars.ical.importer import ImportReport, parse_ics
from calendars.limits import (
    ICAL_FILE_OCCURRENCES,
    ICAL_SERIES_OCCURRENCES,
    ICAL_SERIES_RULE_STEPS,
)

NOW = datetime(2026, 2, 15, 12, 0, tzinfo=UTC)  # window: 2026-01-15 to 2027-02-15


def wrap(*lines: str) -> bytes:
    return (
        "\r\n".join(["BEGIN:VCALENDAR", "VERSION:2.0", *lines, "END:VCALENDAR"]) + "\r\n"
    ).encode()


def series(uid: str, *lines: str, title: str = "Talks") -> list[str]:
    return ["BEGIN:VEVENT", f"UID:{uid}", f"SUMMARY:{title}", *lines, "END:VEVENT"]


def reasons(report: ImportReport) -> list[str]:
    return [str(skip) for skip in report.skipped]


@pytest.mark.timeout(10)
@pytest.mark.parametrize(
    "rule",
    [
        "FREQ=SECONDLY",
        "FREQ=MINUTELY;UNTIL=20270115T000000Z",
        "FREQ=DAILY;BYHOUR=0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23",
        "FREQ=HOURLY;COUNT=1000000000",
    ],
)
def test_a_series_that_repeats_too_often_keeps_its_first_occurrences_and_says_so(
    rule: str,
) -> None:
    body = wrap(*series("flood", "DTSTART:20260115T120000Z", f"RRULE:{rule}"))
    report = parse_ics(body, now=NOW, max_events=10_000)
    assert len(report.events) == ICAL_SERIES_OCCURRENCES
    assert report.events[0].starts_at == datetime(2026, 1, 15, 12, tzinfo=UTC)
    assert reasons(report) == [
        "'Talks' (UID flood): repeats more than 500 times within the 13-month window; "
        "the first 500 were kept"
    ]


@pytest.mark.timeout(10)
def test_thousands_of_rdates_are_cut_at_the_cap() -> None:
    rdates = ",".join(
        f"202603{day:02d}T{hour:02d}0000Z" for day in range(1, 29) for hour in range(24)
    )
    body = wrap(*series("many", "DTSTART:20260301T000000Z", f"RDATE:{rdates}"))
    assert rdates.count(",") + 1 == 672
    report = parse_ics(body, now=NOW, max_events=10_000)
    assert len(report.events) == ICAL_SERIES_OCCURRENCES
    assert "repeats more than 500 times" in reasons(report)[0]


@pytest.mark.timeout(10)
@pytest.mark.parametrize(
    ("start", "rule", "why"),
    [
        ("20010101T000000Z", "FREQ=MINUTELY", "it repeats about 13,1"),
        ("20250101T000000Z", "FREQ=SECONDLY;COUNT=1000000000", "times before the window begins"),
        ("20260101T000000Z", "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30", "matches no day, ever"),
        ("20260101T000000Z", "FREQ=SECONDLY;BYYEARDAY=366;BYMONTH=1", "matches no day, ever"),
        ("20260106T000000Z", "FREQ=DAILY;INTERVAL=7;BYDAY=MO", "every 7 days from a TU"),
        ("20260106T000000Z", "FREQ=SECONDLY;INTERVAL=0", "its INTERVAL is 0; it must be 1 or more"),
        ("20260106T000000Z", "FREQ=DAILY;INTERVAL=-1", "its INTERVAL is -1; it must be 1 or more"),
        ("20260106", "FREQ=MINUTELY", "an all-day event cannot repeat MINUTELY"),
        ("20260106T000000Z", "FREQ=DAILY;COUNT=3;UNTIL=20260201", "both COUNT and UNTIL"),
    ],
)
def test_a_rule_that_would_take_long_to_work_out_is_skipped_with_the_reason(
    start: str, rule: str, why: str
) -> None:
    kind = ";VALUE=DATE" if len(start) == 8 else ""
    body = wrap(
        *series("costly", f"DTSTART{kind}:{start}", f"RRULE:{rule}"),
        *series("fine", "DTSTART:20260301T100000Z", title="Fine"),
    )
    report = parse_ics(body, now=NOW)
    assert [event.title for event in report.events] == ["Fine"]
    (reason,) = reasons(report)
    assert why in reason


@pytest.mark.timeout(10)
def test_a_rule_that_matches_rarely_at_a_dense_frequency_stops_when_it_costs_too_much() -> None:
    body = wrap(*series("rare", "DTSTART:20260115T120000Z", "RRULE:FREQ=SECONDLY;BYMONTH=12"))
    report = parse_ics(body, now=NOW)
    (first,) = report.events  # DTSTART is always the first occurrence
    assert first.starts_at == datetime(2026, 1, 15, 12, tzinfo=UTC)
    (reason,) = reasons(report)
    # Asked an hour at a time (at its densest it repeats every second), it is given up
    # after 1,000 questions, six weeks into the window: December is not reached.
    assert reason == (
        "'Talks' (UID rare): it took too long to work out; its occurrences before "
        "2026-03-02 were kept (1)"
    )


def test_a_daily_series_since_1900_is_read_whole() -> None:
    body = wrap(*series("old", "DTSTART;VALUE=DATE:19000101", "RRULE:FREQ=DAILY;COUNT=1000000000"))
    report = parse_ics(body, now=NOW)
    assert len(report.events) == 397  # every day of the window, both ends included
    assert report.skipped == ()
    assert 46_000 < (NOW - datetime(1900, 1, 1, tzinfo=UTC)).days < ICAL_SERIES_RULE_STEPS


@pytest.mark.timeout(30)
def test_a_file_of_many_dense_series_stops_at_the_file_cap() -> None:
    lines: list[str] = []
    for n in range(45):  # 45 × 500 occurrences would be 22,500
        lines += series(f"s{n}", "DTSTART:20260201T000000Z", "RRULE:FREQ=HOURLY")
    report = parse_ics(wrap(*lines), now=NOW, max_events=50_000)
    assert len(report.events) == ICAL_FILE_OCCURRENCES
    cut = [r for r in reasons(report) if "reached 20,000 occurrences" in r]
    assert len(cut) == 5  # the 41st to 45th series: nothing left for them
    assert len(report.skipped) == 45


def test_floating_times_without_a_named_zone_are_skipped_saying_how_to_name_one() -> None:
    body = wrap(
        *series("weekly", "DTSTART:20260302T100000", "RRULE:FREQ=WEEKLY;COUNT=3"),
        *series("single", "DTSTART:20260302T100000", title="Single"),
        *series("day", "DTSTART;VALUE=DATE:20260302", "RRULE:FREQ=YEARLY", title="Day"),
        *series("utc", "DTSTART:20260302T100000Z", "RRULE:FREQ=WEEKLY;COUNT=2", title="UTC"),
    )
    report = parse_ics(body, now=NOW, default_zone=None)
    assert [(e.title, e.timezone) for e in report.events] == [
        ("Day", "UTC"),
        ("UTC", "UTC"),
        ("UTC", "UTC"),
    ]
    how = (
        "its times carry no time zone; name the zone the calendar is written in, "
        "such as tz=Asia/Kolkata"
    )
    assert reasons(report) == [f"'Talks' (UID weekly): {how}", f"'Single' (UID single): {how}"]
    assert report.floating_zone is None
    named = parse_ics(body, now=NOW, default_zone="Asia/Kolkata")
    assert [f"{e.start:%H:%M} {e.timezone}" for e in named.events[:3]] == ["10:00 Asia/Kolkata"] * 3
    assert named.floating_zone == "Asia/Kolkata"


def test_an_override_without_its_series_is_imported_as_that_occurrence() -> None:
    body = wrap(
        *series(
            "invite",
            "RECURRENCE-ID:20260310T090000Z",
            "DTSTART:20260311T090000Z",
            title="Moved talks",
        )
    )
    report = parse_ics(body, now=NOW)
    (event,) = report.events
    assert event.starts_at == datetime(2026, 3, 11, 9, tzinfo=UTC)
    assert report.keys[event.id].recurrence_id == "20260310T090000Z"


def test_thisandfuture_moves_the_later_occurrences_and_keeps_their_keys() -> None:
    body = wrap(
        *series("tf", "DTSTART:20260302T090000Z", "RRULE:FREQ=WEEKLY;COUNT=4"),
        *series(
            "tf",
            "RECURRENCE-ID;RANGE=THISANDFUTURE:20260316T090000Z",
            "DTSTART:20260316T140000Z",
            "DTEND:20260316T150000Z",
            title="Talks (afternoon)",
        ),
    )
    report = parse_ics(body, now=NOW)
    got = [(f"{e.starts_at:%m-%d %H:%M}", report.keys[e.id].recurrence_id) for e in report.events]
    assert got == [
        ("03-02 09:00", "20260302T090000Z"),
        ("03-09 09:00", "20260309T090000Z"),
        ("03-16 14:00", "20260316T090000Z"),
        ("03-23 14:00", "20260323T090000Z"),
    ]


_RULE_PARTS = st.sampled_from(
    [
        "FREQ=SECONDLY",
        "FREQ=MINUTELY",
        "FREQ=HOURLY",
        "FREQ=DAILY",
        "FREQ=WEEKLY",
        "FREQ=MONTHLY",
        "FREQ=YEARLY",
        "FREQ=FORTNIGHTLY",
        "INTERVAL=0",
        "INTERVAL=7",
        "INTERVAL=-1",
        "COUNT=1000000000",
        "COUNT=-5",
        "COUNT=3",
        "UNTIL=20260401",
        "UNTIL=20260401T000000Z",
        "UNTIL=19000101T000000",
        "UNTIL=garbage",
        "BYDAY=MO,WE",
        "BYDAY=-1SU",
        "BYDAY=53MO",
        "BYDAY=XX",
        "BYMONTH=2",
        "BYMONTH=13",
        "BYMONTHDAY=30",
        "BYMONTHDAY=-1",
        "BYYEARDAY=366",
        "BYWEEKNO=53",
        "BYHOUR=25",
        "BYHOUR=1,2,3",
        "BYMINUTE=0,30",
        "BYSECOND=0,1,2,3,4,5",
        "BYSETPOS=-1",
        "WKST=SU",
        "",
    ]
)
_DATES = st.sampled_from(
    [
        "20260301T100000Z",
        "20260301T100000",
        "20260301",
        "19000101T000000Z",
        "99991231T235959Z",
        "20260229",
        "garbage",
        "20260301T100000Z/PT1H",
        "20260301T100000Z/20260301T090000Z",
        "",
    ]
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rules=st.lists(st.lists(_RULE_PARTS, max_size=5).map(";".join), max_size=2),
    rdates=st.lists(_DATES, max_size=3),
    exdates=st.lists(_DATES, max_size=3),
    start=st.sampled_from(
        [
            "DTSTART:20260301T100000Z",
            "DTSTART;VALUE=DATE:20260301",
            "DTSTART;TZID=Europe/Berlin:20260301T100000",
            "DTSTART:20260301T100000",
        ]
    ),
    noise=st.text(max_size=30),
)
def test_any_repeat_rule_text_gives_a_report_or_a_refusal_never_a_crash(
    rules: list[str], rdates: list[str], exdates: list[str], start: str, noise: str
) -> None:
    lines = [start, *(f"RRULE:{rule}" for rule in rules)]
    lines += [f"RDATE:{value}" for value in rdates] + [f"EXDATE:{value}" for value in exdates]
    lines.append(f"RRULE:{noise}" if noise else "RRULE:FREQ=WEEKLY")
    body = wrap(*series("x", *lines), *series("y", "DTSTART:20260301T100000Z", title="Fine"))
    try:
        report = parse_ics(body, now=NOW, default_zone=None, max_events=10_000)
    except InvalidCalendarFile as exc:
        assert exc.user_message()
        return
    assert len(report.events) <= ICAL_SERIES_OCCURRENCES + 1
    assert "Fine" in [event.title for event in report.events]
    assert report.events[1:] or report.skipped or report.events[0].title == "Fine"
    assert all(skip.reason and "\n" not in skip.reason for skip in report.skipped)


def test_a_daily_series_takes_turns_with_single_events_within_the_import_limit() -> None:
    lines = series("daily", "DTSTART:20260216T080000Z", "RRULE:FREQ=DAILY", title="Stand-up")
    for n in range(5):  # summits months away, after hundreds of stand-ups
        lines += series(f"summit{n}", f"DTSTART:2026{n + 6:02d}01T100000Z", title=f"Summit {n}")
    report = parse_ics(wrap(*lines), now=NOW, max_events=50)
    kept = [event.title for event in report.events]
    assert {f"Summit {n}" for n in range(5)} <= set(kept)
    assert kept.count("Stand-up") == 45  # the next 45 days of it
    assert len(report.left_out) == 365 - 45  # a year of it from tomorrow, less those


@pytest.mark.timeout(20)
def test_a_file_of_many_costly_series_stops_at_the_files_rule_steps() -> None:
    lines: list[str] = []
    for n in range(12):  # each walks ~46,000 days from 1900 to reach the window
        lines += series(f"old{n}", "DTSTART;VALUE=DATE:19000101", "RRULE:FREQ=DAILY")
    report = parse_ics(wrap(*lines), now=NOW, max_events=50_000)
    kept = {report.keys[event.id].uid for event in report.events}
    assert kept == {f"old{n}" for n in range(5)}  # 5 × 46,000 of the 250,000 steps
    assert reasons(report) == [
        f"'Talks' (UID old{n}): the file's repeating events already took 250,000 "
        "repetitions to work out, the most one file may"
        for n in range(5, 12)
    ]
