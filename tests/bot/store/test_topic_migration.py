"""Records from before forum topics had ids of their own are migrated when the store opens.

A group subscribed from inside forum topic 11 used to be stored under the chat's id with
``thread_id`` 11, and everything it got went to thread 11: it becomes that topic's
subscriber, with its settings, private feed, delivery history and held notices.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.store import Store
from calendars.subscribers import Subscriber, new_feed_token
from tests.bot.store.test_journal_storage import journal_of

AT = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
FORUM = "-1009000"
SENT_KEY = "sco-summit@2026-03-08T09:00:00+00:00/604800/"


def legacy_database(path: Path, token: str) -> None:
    with Store(path) as store:
        store.subscribers.save(
            Subscriber(
                id=FORUM,
                kind="supergroup",
                title="Desk",
                thread_id=11,
                zone="Asia/Kolkata",
                topics=frozenset({"sco"}),
                offsets=(timedelta(hours=2),),
                feed_token=token,
                subscribed_at=AT,
                reminders_since=AT,
            )
        )
        store.subscribers.save(Subscriber(id="42", subscribed_at=AT, reminders_since=AT))
        store.subscribers.save(Subscriber(id="-21009000", kind="supergroup"))
        store.deliveries.record(SENT_KEY + FORUM, "sent", at=AT)
        store.deliveries.record(SENT_KEY + "-21009000", "sent", at=AT)
        store.held_notices.hold(FORUM, "article-1", at=AT)


def test_a_legacy_topic_subscriber_becomes_the_topics_own_with_all_it_had(
    tmp_path: Path,
) -> None:
    path, token = tmp_path / "db.json", new_feed_token()
    legacy_database(path, token)
    with Store(path) as store:
        migrated = store.subscribers.get(f"{FORUM}:11")
        assert store.subscribers.get(FORUM) is None
        assert migrated is not None
        assert (migrated.chat_id, migrated.thread_id, migrated.title) == (FORUM, 11, "Desk")
        assert (migrated.zone, migrated.topics) == ("Asia/Kolkata", frozenset({"sco"}))
        assert (migrated.offsets, migrated.subscribed_at) == ((timedelta(hours=2),), AT)
        assert store.subscribers.by_feed_token(token) == migrated  # the private URL still works
        assert store.deliveries.is_done(SENT_KEY + f"{FORUM}:11")  # never sent again
        assert store.held_notices.by_chat() == {f"{FORUM}:11": ["article-1"]}
        others = {s.id for s in store.subscribers.all()} - {migrated.id}
        assert others == {"42", "-21009000"}
        assert not store.deliveries.is_done(SENT_KEY + "-21009000:11")


def test_the_migration_is_one_journal_line_and_happens_once(tmp_path: Path) -> None:
    path = tmp_path / "db.json"
    legacy_database(path, new_feed_token())
    with Store(path):
        lines = journal_of(path).read_bytes().splitlines()
    with Store(path) as store:
        after_second_open = journal_of(path).read_bytes().splitlines()
        ids = sorted(s.id for s in store.subscribers.all())
    (line,) = lines  # the close before folded the journal into the snapshot
    tables = {c["table"] for c in json.loads(line)["changes"]}
    assert tables == {"subscribers", "deliveries", "held_notices"}
    assert after_second_open == []
    assert ids == sorted(["-21009000", f"{FORUM}:11", "42"])
