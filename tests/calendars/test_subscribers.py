from __future__ import annotations

from datetime import UTC, datetime

import pytest

from calendars.briefings import parse_briefing
from calendars.errors import InvalidInput
from calendars.news.filters import parse_filter
from calendars.quiet import parse_quiet_hours
from calendars.subscribers import Subscriber

AT = datetime(2026, 12, 1, 8, tzinfo=UTC)


def test_a_record_written_before_filters_and_quiet_hours_still_loads() -> None:
    old = {
        "id": "42",
        "kind": "private",
        "title": "Desk",
        "zone": "Asia/Kolkata",
        "topics": None,
        "offsets": None,
        "thread_id": None,
        "subscribed_at": AT.isoformat(),
        "reminders_since": AT.isoformat(),
    }
    loaded = Subscriber.from_record(old)
    assert loaded.news_filter is None
    assert loaded.quiet_hours is None
    assert not loaded.is_quiet(AT)


def test_filter_and_quiet_hours_survive_the_round_trip() -> None:
    subscriber = Subscriber(
        id="42",
        zone="Europe/Berlin",
        news_filter=parse_filter('+S-400 +"rare earths" -cricket'),
        quiet_hours=parse_quiet_hours("22:00-07:00"),
        subscribed_at=AT,
        reminders_since=AT,
    )
    record = subscriber.to_record()
    assert record["news_filter"] == {"required": ["S-400", "rare earths"], "excluded": ["cricket"]}
    assert record["quiet_hours"] == "22:00-07:00"
    assert Subscriber.from_record(record) == subscriber
    assert subscriber.is_quiet(datetime(2026, 12, 1, 22, 30, tzinfo=UTC))  # 23:30 in Berlin


def test_followed_events_survive_the_round_trip_and_older_records_follow_none() -> None:
    old = {"id": "42", "subscribed_at": AT.isoformat(), "reminders_since": AT.isoformat()}
    assert Subscriber.from_record(old).followed == frozenset()
    chat = Subscriber.from_record(old).replace(followed=frozenset({"talks", "sco-2026"}))
    assert chat.to_record()["followed"] == ["sco-2026", "talks"]
    assert Subscriber.from_record(chat.to_record()).followed == {"talks", "sco-2026"}


def test_a_record_written_before_briefings_loads_without_one() -> None:
    loaded = Subscriber.from_record(Subscriber(id="42", subscribed_at=AT).to_record() | {})
    old = {k: v for k, v in loaded.to_record().items() if not k.startswith("briefing")}
    assert Subscriber.from_record(old).briefing is None


def test_the_briefing_survives_the_round_trip() -> None:
    subscriber = Subscriber(
        id="42",
        zone="Europe/Berlin",
        briefing=parse_briefing("weekly mon 08:00"),
        briefing_sent="2026-W49",
        briefing_since=AT,
        subscribed_at=AT,
        reminders_since=AT,
    )
    record = subscriber.to_record()
    assert record["briefing"] == "weekly mon 08:00"
    assert record["briefing_sent"] == "2026-W49"
    assert Subscriber.from_record(record) == subscriber


def test_a_chat_speaks_english_until_it_chooses_and_older_records_load_as_english() -> None:
    old = Subscriber(id="42", subscribed_at=AT, reminders_since=AT).to_record()
    del old["language"]
    assert Subscriber.from_record(old).language == "en"
    russian = Subscriber(id="42", subscribed_at=AT, reminders_since=AT, language="ru")
    assert Subscriber.from_record(russian.to_record()).language == "ru"
    with pytest.raises(InvalidInput):
        Subscriber(id="42", language="de")
