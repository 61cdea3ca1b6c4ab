from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.wording.imports import MAX_REASONS, import_summary
from calendars.ical.importer import ImportReport, Skipped
from tests.conftest import timed_event

NOW = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)


def test_every_reason_is_listed_once_with_its_count_and_examples() -> None:
    skipped = [
        Skipped(f"'Call {n}' (UID c{n})", "its time zone 'Mars' is not one we know")
        for n in range(40)
    ]
    skipped.insert(3, Skipped("'Bad <b>' (UID x)", "its DTSTART could not be read"))
    report = ImportReport(events=(), skipped=tuple(skipped))
    text = import_summary(report, {"added": 2})
    assert text.splitlines() == [
        "Imported: 2 added, 0 updated, 0 unchanged, 41 skipped.",
        "Skipped:",
        "• 40 × its time zone &#x27;Mars&#x27; is not one we know: &#x27;Call 0&#x27; (UID c0), "
        "&#x27;Call 1&#x27; (UID c1), &#x27;Call 2&#x27; (UID c2) and 37 more",
        "• 1 × its DTSTART could not be read: &#x27;Bad &lt;b&gt;&#x27; (UID x)",
    ]


def test_many_different_reasons_are_summed_up_after_the_first_ones() -> None:
    skipped = tuple(Skipped(f"e{n}", f"reason {n}") for n in range(MAX_REASONS + 5))
    text = import_summary(ImportReport(events=(), skipped=skipped), {})
    assert text.count("• 1 × reason") == MAX_REASONS
    assert text.endswith("• 5 more, for 5 other reasons")


def test_events_over_the_limit_are_named_with_what_to_do() -> None:
    first = datetime(2019, 1, 7, 10, tzinfo=UTC)
    left_out = tuple(timed_event(f"p{n}", first + timedelta(days=3 * n)) for n in range(177))
    report = ImportReport(events=(), limit=500, left_out=left_out, floating_zone="Asia/Kolkata")
    text = import_summary(report, {"added": 500})
    assert "read in <b>Asia/Kolkata</b>" in text
    assert (
        "⚠️ Left out 177 more events: one import takes at most 500, upcoming events first, "
        "then the most recent. Those left out start between 2019-01-07 and 2020-06-18 (UTC)"
    ) in text
    assert "export that date range" in text
