"""The words about an event known only to its month: briefings, change alerts, inline
cards; and our own feed imported back leaves it alone."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from bot.wording.briefings import briefing_message
from bot.wording.cards import event_card
from bot.wording.lifecycle import change_notice
from calendars.briefing_content import EventChange, compose_briefing
from calendars.events import Event
from calendars.ical.importer import parse_ics
from calendars.ical.render import CalendarMeta, IcalRenderer
from calendars.time.precision import Precision
from tests.conftest import at, timed_event

NOW = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
META = CalendarMeta(public_url="https://summitwatch.example")
LABEL = "December 2026 (date to be announced)"


def visit() -> Event:
    return Event(
        id="putin-visit",
        title="Putin visit",
        start=date(2026, 12, 1),
        end=date(2027, 1, 1),
        timezone="Asia/Kolkata",
        precision=Precision.MONTH,
        created=NOW - timedelta(days=30),
        updated=NOW - timedelta(days=30),
    )


def test_a_briefing_lists_a_month_event_by_its_month() -> None:
    added = visit().as_new(now=NOW - timedelta(hours=1))
    briefing = compose_briefing(
        [added],
        {added.id: EventChange(added, "added", at=added.created)},
        topics=None,
        news_filter=None,
        now=NOW,
        since=NOW - timedelta(days=1),
        window=timedelta(days=7),
    )
    text = briefing_message(briefing, zone="Europe/Moscow", meta=META)
    assert f"🗓 {LABEL}" in text
    assert f"🆕 New: <b>Putin visit</b> — {LABEL}" in text
    assert "1 Dec" not in text


def test_moving_a_day_back_to_a_month_is_told_as_a_change_of_time() -> None:
    dated = visit().revised(
        now=NOW,
        start=at("2026-12-04T10:00", "Asia/Kolkata"),
        end=at("2026-12-04T12:00", "Asia/Kolkata"),
        precision=Precision.DAY,
    )
    undone = dated.revised(
        now=NOW + timedelta(hours=1),
        start=date(2026, 12, 1),
        end=date(2027, 1, 1),
        precision=Precision.MONTH,
    )
    text = change_notice(dated, undone, zone="Asia/Kolkata")
    assert f"🗓 {LABEL}" in text
    assert f"🗓 Time: Fri 4 Dec 2026, 10:00–12:00 IST · 04:30 UTC → {LABEL}" in text
    assert "Date set" not in text


def test_an_inline_card_has_no_calendar_button_or_clock_for_a_month_event() -> None:
    card = event_card(visit(), CalendarMeta(public_url="https://summitwatch.example"), now=NOW)
    assert LABEL in card.description
    assert f"🗓 {LABEL}" in card.text
    assert "Your time" not in card.text
    assert "Not in the calendar feed until the day is announced." in card.text
    assert [label for label, _url in card.buttons] == ["Event page"]


def test_our_feed_imported_back_holds_only_the_events_with_a_day() -> None:
    talks = timed_event("talks", at("2026-12-04T10:00", "Asia/Kolkata"), created=NOW, updated=NOW)
    feed = IcalRenderer(META).calendar([visit(), talks])
    report = parse_ics(feed, now=NOW, our_host=META.host, default_zone="Asia/Kolkata")
    assert [event.id for event in report.events] == ["talks"]
    assert report.skipped == ()
