"""Subscriber ids: a chat, or one forum topic of it, and the chat a send goes to."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from calendars.errors import InvalidInput
from calendars.subscribers import Subscriber, subscriber_id

AT = datetime(2026, 12, 1, 8, tzinfo=UTC)


@given(
    chat=st.integers(min_value=-(10**13), max_value=10**13),
    thread=st.none() | st.integers(min_value=1, max_value=2**31 - 1),
)
def test_a_topics_id_names_its_chat_and_thread_and_survives_the_round_trip(
    chat: int, thread: int | None
) -> None:
    subscriber = Subscriber(
        id=subscriber_id(str(chat), thread), thread_id=thread, subscribed_at=AT, reminders_since=AT
    )
    loaded = Subscriber.from_record(subscriber.to_record())
    assert (loaded.chat_id, loaded.thread_id) == (str(chat), thread)
    assert loaded == subscriber
    assert not loaded.is_legacy_topic


def test_the_general_topic_and_plain_chats_are_the_chat_itself() -> None:
    assert subscriber_id("-1009000") == "-1009000"
    assert subscriber_id("-1009000", 11) == "-1009000:11"
    assert Subscriber(id="@channel").chat_id == "@channel"


def test_a_record_of_a_topic_under_its_chats_id_is_recognised_as_legacy() -> None:
    old = Subscriber(id="-1009000", kind="supergroup", thread_id=11)
    assert old.is_legacy_topic
    assert old.chat_id == "-1009000"


@pytest.mark.parametrize(
    ("record_id", "thread"), [("-100:11", None), ("-100:11", 12), ("-100:x", 1)]
)
def test_an_id_naming_a_topic_must_match_its_thread(record_id: str, thread: int | None) -> None:
    with pytest.raises(InvalidInput, match="names a forum topic"):
        Subscriber(id=record_id, thread_id=thread)
