"""Repeating events from real-world exports become their occurrences, as a user sees them."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from calendars.events import SLUG_RE, Event
from calendars.ical.importer import ImportReport, SourceKey, parse_ics

NOW = datetime(2026, 2, 15, 12, 0, tzinfo=UTC)  # window: 2026-01-15 to 2027-02-15
DATA = Path(__file__).resolve().parents[2] / "data"


def sample(name: str) -> bytes:
    return (DATA / name).read_bytes()


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def titled(report: ImportReport, title: str) -> list[Event]:
    return [event for event in report.events if event.title.startswith(title)]


def walls(events: list[Event]) -> list[str]:
    """What a user reads: the local date and time, and the zone."""
    return [f"{event.start:%a %Y-%m-%d %H:%M} {event.timezone}" for event in events]


def test_a_google_weekly_series_with_an_exdate_and_a_moved_occurrence_across_dst() -> None:
    report = parse_ics(sample("google_recurring.ics"), now=NOW)
    assert report.skipped == ()
    calls = titled(report, "Weimar triangle sherpa call")
    assert walls(calls) == [
        "Thu 2026-03-05 10:00 Europe/Berlin",
        "Thu 2026-03-12 10:00 Europe/Berlin",
        "Thu 2026-03-19 10:00 Europe/Berlin",
        "Tue 2026-03-31 15:30 Europe/Berlin",  # 26 March, moved past the DST change
        # 2 April is an EXDATE
        "Thu 2026-04-09 10:00 Europe/Berlin",
        "Thu 2026-04-16 10:00 Europe/Berlin",
        "Thu 2026-04-23 10:00 Europe/Berlin",  # UNTIL, inclusive
    ]
    assert [c.starts_at for c in calls[2:5]] == [
        utc("2026-03-19T09:00"),
        utc("2026-03-31T13:30"),
        utc("2026-04-09T08:00"),
    ]
    moved = calls[3]
    assert moved.title == "Weimar triangle sherpa call (moved)"
    assert moved.location == "Auswärtiges Amt, Berlin"
    uid = "7kq3m1weimarsherpa0call@google.com"
    assert report.keys[moved.id] == SourceKey(uid, "20260326T090000Z")  # its original start
    assert report.keys[calls[0].id] == SourceKey(uid, "20260305T090000Z")
    assert all(SLUG_RE.match(event.id) for event in report.events)


def test_a_moved_occurrence_keeps_the_id_it_had_before_it_moved() -> None:
    moved = parse_ics(sample("google_recurring.ics"), now=NOW)
    start = sample("google_recurring.ics").index(
        b"BEGIN:VEVENT\r\nDTSTART;TZID=Europe/Berlin:20260331"
    )
    end = sample("google_recurring.ics").index(b"END:VEVENT\r\n", start) + len(b"END:VEVENT\r\n")
    unmoved = parse_ics(
        sample("google_recurring.ics")[:start] + sample("google_recurring.ics")[end:], now=NOW
    )
    before = {key: event_id for event_id, key in unmoved.keys.items()}
    after = {key: event_id for event_id, key in moved.keys.items()}
    assert before == after  # same occurrences, same ids: the override updates, not adds
    (was,) = (e for e in unmoved.events if unmoved.keys[e.id].recurrence_id == "20260326T090000Z")
    assert f"{was.start:%a %H:%M}" == "Thu 10:00"


def test_google_utc_times_are_read_in_the_calendars_zone_so_a_series_keeps_its_hour() -> None:
    report = parse_ics(sample("google_recurring.ics"), now=NOW)
    sync = titled(report, "Quad sherpa sync")
    # Written as 09:00Z with X-WR-TIMEZONE Europe/Berlin: 10:00 in Berlin, also after the
    # change to summer time on 29 March (08:00Z then), as Google shows it.
    assert walls(sync) == [
        f"Tue 2026-{day} 10:00 Europe/Berlin"
        for day in ("03-03", "03-10", "03-17", "03-24", "03-31", "04-07")
    ]
    assert sync[4].starts_at == utc("2026-03-31T08:00")


def test_an_outlook_series_in_windows_zone_names() -> None:
    report = parse_ics(sample("outlook_recurring.ics"), now=NOW)
    assert report.skipped == ()
    council = titled(report, "EU–India TTC working group")
    assert walls(council) == [  # the second Wednesday; May's is an EXDATE
        "Wed 2026-02-11 10:00 Europe/Berlin",
        "Wed 2026-03-11 10:00 Europe/Berlin",
        "Wed 2026-04-08 10:00 Europe/Berlin",
        "Wed 2026-06-10 10:00 Europe/Berlin",
        "Wed 2026-07-08 10:00 Europe/Berlin",
    ]
    assert (council[1].starts_at, council[2].starts_at) == (
        utc("2026-03-11T09:00"),
        utc("2026-04-08T08:00"),
    )
    assert council[0].ends_at == utc("2026-02-11T10:30")
    standups = titled(report, "Summit desk stand-up")
    assert walls(standups) == [
        f"{day} 2026-03-0{n} 09:30 Asia/Kolkata"
        for n, day in zip(range(2, 7), ("Mon", "Tue", "Wed", "Thu", "Fri"), strict=True)
    ]


def test_a_series_in_the_files_own_vtimezone_follows_its_rules() -> None:
    report = parse_ics(sample("outlook_custom_recurring.ics"), now=NOW)
    assert report.skipped == ()
    dialogue = titled(report, "EU–India digital dialogue")  # a CET/CEST definition
    assert [f"{e.start:%m-%d %H:%M}" for e in dialogue] == [
        "03-17 14:30",
        "03-24 14:30",
        "03-31 14:30",
        "04-07 14:30",
    ]
    assert [e.starts_at.hour for e in dialogue] == [13, 13, 12, 12]  # EU change on 29 March
    # A definition no IANA zone has (+01:00, summer time from the second Sunday of March):
    # its own rules decide, so 10 March is already +02:00.
    desk = titled(report, "Transatlantic desk call")
    assert [e.starts_at for e in desk] == [
        utc("2026-03-03T13:30"),
        utc("2026-03-10T12:30"),
        utc("2026-03-17T12:30"),
    ]


def test_rdates_and_a_yearly_all_day_event() -> None:
    report = parse_ics(sample("apple_recurring.ics"), now=NOW)
    assert report.skipped == ()
    briefings = titled(report, "Foreign Secretary's briefing")
    assert [e.starts_at for e in briefings] == [
        utc("2026-03-10T05:30"),
        utc("2026-04-15T05:30"),
        utc("2026-05-20T09:30"),
        utc("2026-06-01T04:30"),  # an RDATE period: its own end
    ]
    assert walls(briefings[:3]) == [
        "Tue 2026-03-10 11:00 Asia/Kolkata",
        "Wed 2026-04-15 11:00 Asia/Kolkata",
        "Wed 2026-05-20 15:00 Asia/Kolkata",
    ]
    assert briefings[3].ends_at == utc("2026-06-01T08:30")
    republic = titled(report, "Republic Day")  # every 26 January since 1950, in the window
    assert [(e.start, e.end, e.timezone) for e in republic] == [
        (date(2026, 1, 26), date(2026, 1, 27), "Asia/Kolkata"),
        (date(2027, 1, 26), date(2027, 1, 27), "Asia/Kolkata"),
    ]
    assert [report.keys[e.id].recurrence_id for e in republic] == ["20260126", "20270126"]


@pytest.mark.parametrize(
    "name",
    [
        "google_recurring.ics",
        "outlook_recurring.ics",
        "outlook_custom_recurring.ics",
        "apple_recurring.ics",
    ],
)
def test_the_same_file_gives_the_same_ids_and_keys_again(name: str) -> None:
    first = parse_ics(sample(name), now=NOW)
    again = parse_ics(sample(name), now=datetime(2026, 2, 20, tzinfo=UTC))
    assert first.keys == again.keys
    assert [e.id for e in first.events] == [e.id for e in again.events]
    assert len(set(first.keys.values())) == len(first.events)  # one key per occurrence


def test_the_window_is_a_month_back_and_a_year_ahead_and_can_be_widened() -> None:
    body = sample("apple_recurring.ics")
    assert len(titled(parse_ics(body, now=NOW), "Republic Day")) == 2
    wider = parse_ics(body, now=NOW, months_back=24, months_ahead=36)
    assert [e.start.year for e in titled(wider, "Republic Day")] == [2025, 2026, 2027, 2028, 2029]
