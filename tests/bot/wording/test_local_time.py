"""Where Telegram's date-time entity goes: shared chats and cards, only when Telegram takes it."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.wording.cards import event_card
from bot.wording.lifecycle import change_notice
from bot.wording.local_time import tg_time, your_time_line
from bot.wording.notices import reminder_message
from calendars.events import Event
from calendars.ical.render import CalendarMeta
from calendars.reminders import Reminder
from calendars.subscribers import Subscriber
from tests.conftest import timed_event
from tests.fakes.telegram_rules import html_to_plain

NOW = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
START = datetime(2026, 12, 4, 10, 0, tzinfo=ZoneInfo("Asia/Kolkata"))
TALKS = timed_event("talks", START, title="Talks")
META = CalendarMeta(public_url="https://summitwatch.example")


def telegram_takes(html: str, now: datetime = NOW) -> None:
    """Telegram's rules as the fake Bot API applies them, with its clock at ``now``."""
    html_to_plain(html, now=int(now.timestamp()))


ENTITY = '<tg-time unix="1796358600" format="wdt">Fri 4 Dec 2026, 04:30 UTC</tg-time>'


@pytest.mark.parametrize(
    ("kind", "shared"),
    [("private", False), ("group", True), ("supergroup", True), ("channel", True)],
)
def test_reminders_to_groups_and_channels_carry_the_entity(kind: str, shared: bool) -> None:
    subscriber = Subscriber(id="-100" if shared else "7", kind=kind, zone="Europe/Moscow")
    text = reminder_message(
        Reminder(TALKS, subscriber, timedelta(hours=1)), now=NOW, meta=META
    ).html
    telegram_takes(text)
    assert (ENTITY in text) is shared
    assert "🗓 Fri 4 Dec 2026, 07:30–09:30 MSK · 10:00 IST (Kolkata) · 04:30 UTC" in text


def test_a_change_alert_to_a_channel_carries_the_new_start_only_with_three_clocks() -> None:
    moved = TALKS.revised(now=NOW, start=START + timedelta(hours=1), end=START + timedelta(hours=2))
    text = change_notice(TALKS, moved, zone="Europe/Moscow", shared=True)
    telegram_takes(text)
    assert text.count("<tg-time") == 1
    assert 'unix="1796362200"' in text  # 05:30 UTC, the new start
    assert "🗓 Fri 4 Dec 2026, 08:30–09:30 MSK · 11:00 IST (Kolkata) · 05:30 UTC" in text
    assert (
        "🗓 Time: Fri 4 Dec 2026, 07:30–09:30 MSK · 10:00 IST (Kolkata) · 04:30 UTC"
        " → Fri 4 Dec 2026, 08:30–09:30 MSK · 11:00 IST (Kolkata) · 05:30 UTC"
    ) in text
    assert "<tg-time" not in change_notice(TALKS, moved, zone="Europe/Moscow")


def test_a_cancellation_alert_shows_the_old_time_on_three_clocks_and_no_entity() -> None:
    cancelled = TALKS.revised(now=NOW, status="cancelled")
    text = change_notice(TALKS, cancelled, zone="Europe/Moscow", shared=True)
    telegram_takes(text)
    assert text.startswith("❌ Cancelled: <b>Talks</b>\n")
    assert "🗓 Fri 4 Dec 2026, 07:30–09:30 MSK · 10:00 IST (Kolkata) · 04:30 UTC" in text
    assert "<tg-time" not in text  # nobody needs the start of what will not happen


def test_an_inline_card_carries_the_entity_when_it_knows_the_time() -> None:
    card = event_card(TALKS, META, now=NOW)
    telegram_takes(card.text)
    assert f"🕓 Your time: {ENTITY}" in card.text.splitlines()
    assert "<tg-time" not in event_card(TALKS, META).text


def test_an_all_day_event_says_when_it_begins_on_the_readers_clock() -> None:
    visit = Event(
        id="visit",
        title="Visit",
        start=date(2026, 12, 4),
        end=date(2026, 12, 5),
        timezone="Asia/Kolkata",
    )
    line = your_time_line(visit, now=NOW)
    assert line is not None
    assert html_to_plain(line) == "🕓 Begins, your time: Thu 3 Dec 2026, 18:30 UTC"


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (NOW + timedelta(days=1097), True),  # as far ahead as Telegram allows, with a day spare
        (NOW + timedelta(days=1098), False),
        (datetime(2038, 1, 19, 3, 14, 7, tzinfo=UTC), True),  # the last second in 32 bits
        (datetime(2038, 1, 19, 3, 14, 8, tzinfo=UTC), False),
        (datetime(1969, 12, 31, 23, 59, 59, tzinfo=UTC), False),
        (datetime(1970, 1, 1, tzinfo=UTC), True),
    ],
)
def test_the_entity_is_left_out_where_telegram_refuses_it(moment: datetime, expected: bool) -> None:
    now = max(NOW, moment - timedelta(days=1)) if moment.year == 2038 else NOW
    entity = tg_time(moment, "a & b", now=now)
    assert (entity is not None) is expected
    if entity is not None:
        telegram_takes(entity, now)
        assert entity.endswith(">a &amp; b</tg-time>")
