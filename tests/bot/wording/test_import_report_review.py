"""The /importics report, found in review (issue 10: every skip reason once, with its count)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.services.imports import ImportReport
from bot.wording.replies import import_report
from calendars.ical.importer import parse_ics


def _file(body: str) -> bytes:
    head = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\n"
    return f"{head}{body}END:VCALENDAR\r\n".encode()


def _vevent(uid: str, extra: str) -> str:
    return (
        f"BEGIN:VEVENT\r\nUID:{uid}\r\nSUMMARY:Event {uid}\r\n"
        f"DTSTART:20270105T100000Z\r\n{extra}END:VEVENT\r\n"
    )


@pytest.mark.xfail(
    strict=True,
    reason="bot/wording/replies.py import_report lists the first 20 skips one per event, "
    "and calendars/ical/importer.py keeps reasons as 'label: reason' strings",
)
def test_the_import_report_names_every_skip_reason_once_with_its_count() -> None:
    recurring = "".join(_vevent(f"r{i}", "RRULE:FREQ=DAILY\r\n") for i in range(30))
    untitled = "".join(
        _vevent(f"n{i}", "").replace(f"SUMMARY:Event n{i}\r\n", "") for i in range(3)
    )
    parsed = parse_ics(_file(recurring + untitled), now=datetime(2026, 12, 1, tzinfo=UTC))
    text = import_report(ImportReport(skipped=list(parsed.skipped)))
    assert text.count("recurring events are not imported") == 1
    assert "30" in text
    assert "it has no title" in text
