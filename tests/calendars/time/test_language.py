"""Dates and clocks in each language: CLDR's names, each language's digits, our zones."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from calendars.events import Event
from calendars.time.clocks import event_clocks, three_clocks
from calendars.time.offsets import describe_offsets
from calendars.time.precision import Precision, undated_label
from calendars.time.timefmt import format_event_when, format_until
from tests.conftest import timed_event

KOLKATA = ZoneInfo("Asia/Kolkata")
START = datetime(2026, 12, 4, 10, 0, tzinfo=KOLKATA)

TIMED = {
    "en": "Fri 4 Dec 2026, 07:30–09:30 MSK · 10:00 IST (Kolkata) · 04:30 UTC",
    "hi": "शुक्र, 4 दिस॰ 2026, 07:30–09:30 MSK · 10:00 IST (Kolkata) · 04:30 UTC",
    "mr": "शुक्र, ४ डिसें २०२६, ०७:३०–०९:३० MSK · १०:०० IST (Kolkata) · ०४:३० UTC",
    "ru": "пт, 4 дек. 2026, 07:30–09:30 MSK · 10:00 IST (Kolkata) · 04:30 UTC",
}


@pytest.mark.parametrize(("lang", "line"), TIMED.items())
def test_the_three_clocks_in_each_language_keep_the_zone_abbreviations(
    lang: str, line: str
) -> None:
    end = START + timedelta(hours=2)
    clocks = three_clocks(
        START, end=end, reader_zone="Europe/Moscow", venue_zone="Asia/Kolkata", lang=lang
    )
    assert clocks == line


def test_all_day_events_say_so_in_the_language() -> None:
    first, end = date(2026, 12, 4), date(2026, 12, 6)
    ru = three_clocks(first, end=end, reader_zone="UTC", venue_zone="Asia/Kolkata", lang="ru")
    assert ru == "пт, 4 – сб, 5 дек. 2026, весь день, Kolkata · с чт, 3 дек., 18:30 UTC"
    mr = three_clocks(first, end=end, reader_zone="UTC", venue_zone="Asia/Kolkata", lang="mr")
    assert mr == "शुक्र, ४ – शनि, ५ डिसें २०२६, Kolkata येथे दिवसभर · सुरुवात: गुरु, ३ डिसें, १८:३० UTC"


def test_a_month_event_reads_month_and_date_to_be_announced_in_each_language() -> None:
    december = date(2025, 12, 1)
    assert undated_label(december, Precision.MONTH) == "December 2025 (date to be announced)"
    assert undated_label(december, Precision.MONTH, "ru") == "декабрь 2025 (дата будет объявлена)"
    assert undated_label(december, Precision.MONTH, "hi") == "दिसंबर 2025 (तारीख़ की घोषणा बाक़ी)"
    assert undated_label(december, Precision.YEAR, "mr") == "२०२५ (तारीख अद्याप जाहीर नाही)"
    event = Event(
        id="visit",
        title="Visit",
        start=december,
        end=date(2026, 1, 1),
        timezone="Asia/Kolkata",
        precision=Precision.MONTH,
    )
    assert event_clocks(event, "UTC", "ru") == "декабрь 2025 (дата будет объявлена)"


def test_how_long_until_and_reminder_offsets_use_each_languages_plurals() -> None:
    event = timed_event("talks", START)
    now = START - timedelta(days=2, hours=3)
    assert format_until(event, now) == "in 2 days 3 hours"
    assert format_until(event, now, "ru") == "через 2 дня 3 часа"
    assert format_until(event, now, "hi") == "2 दिन 3 घंटे बाद"
    assert format_until(event, now, "mr") == "२ दिवस ३ तास नंतर"
    offsets = [timedelta(days=7), timedelta(days=1), timedelta(minutes=21)]
    assert describe_offsets(offsets, "ru") == "за 7 дней, 1 день и 21 минуту"
    assert describe_offsets(offsets) == "7 days, 1 day and 21 minutes before"


def test_the_venue_clock_is_named_in_the_language() -> None:
    event = timed_event("talks", START)
    when = format_event_when(event, "Europe/Moscow", "ru")
    assert when == "пт, 4 дек. 2026, 07:30 MSK – 09:30 (на месте: 10:00 IST)"
