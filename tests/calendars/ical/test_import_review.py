"""Recurring imports, attacked (review of issue 12): occurrences the rules make must all
arrive, with times that exist."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from calendars.ical.importer import parse_ics

NOW = datetime(2027, 3, 1, tzinfo=UTC)


def ics(*vevents: str) -> bytes:
    body = "".join(f"BEGIN:VEVENT\r\n{v.strip()}\r\nEND:VEVENT\r\n" for v in vevents)
    return f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n{body}END:VCALENDAR\r\n".encode()


def test_an_occurrence_in_a_dst_gap_is_kept_at_the_time_that_exists() -> None:
    """Berlin skips 02:00-03:00 on 28 March 2027: the weekly 02:30 meeting that day is at
    03:30 CEST (RFC 5545: the offset from before the gap) and still lasts an hour, not
    skipped as one that "must end after it starts"."""
    data = ics(
        "UID:gap-1\nSUMMARY:Night call\n"
        "DTSTART;TZID=Europe/Berlin:20270321T023000\n"
        "DTEND;TZID=Europe/Berlin:20270321T033000\n"
        "RRULE:FREQ=WEEKLY;COUNT=3".replace("\n", "\r\n")
    )
    report = parse_ics(data, now=NOW)
    assert [str(s) for s in report.skipped] == []
    starts = {e.start.astimezone(UTC): e for e in report.events}  # type: ignore[union-attr]
    assert len(starts) == 3
    gap_day = starts[datetime(2027, 3, 28, 1, 30, tzinfo=UTC)]
    assert gap_day.start.isoformat() == "2027-03-28T03:30:00+02:00"  # type: ignore[union-attr]
    assert gap_day.end - gap_day.start == timedelta(hours=1)  # type: ignore[operator]


def test_a_second_series_with_the_same_uid_is_reported_not_silently_lost() -> None:
    """Every VEVENT becomes events or a skipped entry that says why: two repeating events
    sharing a UID (a botched export) keep the first, and say so for the second."""
    data = ics(
        "UID:dup\r\nSUMMARY:Weekly briefing\r\nDTSTART:20270310T100000Z\r\n"
        "RRULE:FREQ=WEEKLY;COUNT=3",
        "UID:dup\r\nSUMMARY:Daily call\r\nDTSTART:20270311T100000Z\r\nRRULE:FREQ=DAILY;COUNT=3",
    )
    report = parse_ics(data, now=NOW)
    assert {e.title for e in report.events} == {"Weekly briefing"}
    (skipped,) = report.skipped
    assert "Daily call" in skipped.label
    assert "UID appears twice" in skipped.reason
