"""Forum topics as subscribers of their own, end to end through the fake Bot API.

A forum supergroup routes ``sco`` to one thread and ``energy`` to another: each topic has
its own topics, zone and subscription; the General topic is the chat's own subscriber;
the bot removed from the group forgets every topic of it; a closed or deleted topic
forgets only itself.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine

from bot.app import SummitWatch
from bot.store import Store
from calendars.subscribers import Subscriber
from config.settings import Settings
from tests.bot.news.test_news_service import rss, with_event
from tests.conftest import timed_event, until
from tests.fakes.feed_server import FeedServer
from tests.fakes.telegram_api import FakeTelegram
from tests.handlers.conftest import USER, bot_running, bot_settings, say

pytestmark = pytest.mark.asyncio

T0 = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
FORUM = -1009000
GROUP_ADMIN = 4242
SCO, ENERGY = 11, 22


@pytest.fixture
def feeds() -> Iterator[FeedServer]:
    with FeedServer() as server:
        yield server


@pytest.fixture(autouse=True)
def _brisk(brisk_group_pacing: None) -> None:
    """Every message here goes to one group: at 20 a minute each test would take a minute."""


@pytest.fixture
def forum(fake: FakeTelegram) -> FakeTelegram:
    fake.register_forum(FORUM, "Diplomacy desk")
    fake.create_forum_topic(FORUM, "SCO", thread_id=SCO)
    fake.create_forum_topic(FORUM, "Energy", thread_id=ENERGY)
    fake.set_member_status(FORUM, GROUP_ADMIN, "administrator")
    return fake


def configured(settings: Settings, fake: FakeTelegram) -> Settings:
    return bot_settings(
        dataclasses.replace(
            settings, fetch_timeout=2.0, news_sources_path=None, topics=("sco", "energy")
        ),
        fake,
    )


async def in_topic(fake: FakeTelegram, thread: int | None, text: str) -> dict[str, Any]:
    """A group admin writes ``text`` in forum topic ``thread`` (None: General); the reply."""
    before = len(fake.sent_messages(FORUM))
    fake.push_message(
        chat_id=FORUM,
        text=text,
        chat_type="supergroup",
        user_id=GROUP_ADMIN,
        message_thread_id=thread,
    )
    sent = await fake.wait_for_messages(FORUM, before + 1)
    assert sent[before].get("message_thread_id") == thread  # answered where it was asked
    return sent[before]


def heard(fake: FakeTelegram, prefix: str) -> list[int | None]:
    """The threads messages starting with ``prefix`` went to (None: General)."""
    return [
        m.get("message_thread_id")
        for m in fake.sent_messages(FORUM)
        if m.get("text", "").startswith(prefix)
    ]


def forum_subscribers(app: SummitWatch) -> list[str]:
    return sorted(s.id for s in app.store.subscribers.all() if s.chat_id == str(FORUM))


async def route_sco_and_energy(fake: FakeTelegram) -> None:
    """Thread 11 follows sco only (keyboard, then /subscribe), thread 22 energy only."""
    await in_topic(fake, SCO, "/start")
    keyboard = await in_topic(fake, SCO, "/topics")
    fake.push_callback_query(
        chat_id=FORUM, user_id=GROUP_ADMIN, data="topic:energy", message_id=keyboard["message_id"]
    )
    await fake.wait_for(lambda requests: any(m == "editMessageReplyMarkup" for m, _ in requests))
    await in_topic(fake, SCO, "/subscribe sco")
    await in_topic(fake, ENERGY, "/start")
    await in_topic(fake, ENERGY, "/unsubscribe sco")


async def publish_energy_news(app: SummitWatch, feeds: FeedServer, guid: str) -> None:
    """An energy event, then a new article about it on a watched feed."""
    if app.store.events.get("modi-putin-talks") is None:
        await with_event(app, tags=("energy",))
    feeds.publish("wire.xml", rss(("old", "Putin and Modi: the background")))
    source = app.news.sources.add(feeds.url("wire.xml"), actor="admin")
    await app.news.poller.poll(source.id)
    feeds.publish("wire.xml", rss((guid, f"Modi and Putin sign an oil deal ({guid})")))
    await app.news.poller.poll(source.id)


async def test_each_forum_topic_gets_only_what_it_follows_in_its_own_zone(
    settings: Settings, forum: FakeTelegram, feeds: FeedServer
) -> None:
    fake = forum
    with time_machine.travel(T0, tick=False) as clock:
        async with bot_running(configured(settings, fake)) as app:
            await route_sco_and_energy(fake)
            await in_topic(fake, None, "/start")  # the General topic: the chat itself
            zone_reply = await in_topic(fake, ENERGY, "/tz Asia/Kolkata")
            subscribers = {s.id: s for s in app.store.subscribers.all()}

            summit = timed_event("sco-summit", T0 + timedelta(hours=2), tags=("sco",))
            await app.events.add(summit, actor="test")
            clock.move_to(T0 + timedelta(hours=1))  # one hour before the summit
            app.reminders.wake()
            await until(lambda: len(heard(fake, "⏰")) == 2, what="two reminders")

            await publish_energy_news(app, feeds, "deal")
            await until(lambda: len(heard(fake, "📰")) == 2, what="two article notices")
            upcoming = await in_topic(fake, ENERGY, "/upcoming")
            upcoming_sco = await in_topic(fake, SCO, "/upcoming")
            calendars = {t: (await in_topic(fake, t, "/calendar"))["text"] for t in (SCO, ENERGY)}
            topics = [app.store.subscribers.get(f"{FORUM}:{t}") for t in (SCO, ENERGY)]
            tokens = {s.feed_token for s in topics if s is not None}

    assert "Asia/Kolkata" in zone_reply["text"]
    sco, energy, general = (
        subscribers[f"{FORUM}:{SCO}"],
        subscribers[f"{FORUM}:{ENERGY}"],
        subscribers[str(FORUM)],
    )
    assert (sco.topics, sco.zone, sco.thread_id) == (frozenset({"sco"}), "UTC", SCO)
    assert (energy.topics, energy.zone) == (frozenset({"energy"}), "Asia/Kolkata")
    assert (general.topics, general.thread_id) == (None, None)
    assert sorted(heard(fake, "⏰"), key=str) == sorted([SCO, None], key=str)
    assert sorted(heard(fake, "📰"), key=str) == sorted([ENERGY, None], key=str)
    assert "Upcoming events (times in Asia/Kolkata)" in upcoming["text"]
    assert "Tue 1 Dec 2026, 15:30–17:30 IST" in upcoming["text"]
    assert "Upcoming events (times in UTC)" in upcoming_sco["text"]
    assert "/calendar/sco.ics" in calendars[SCO]
    assert "/calendar/energy.ics" not in calendars[SCO]
    assert "/calendar/energy.ics" in calendars[ENERGY]
    assert "/calendar/sco.ics" not in calendars[ENERGY]
    assert len(tokens - {None}) == 2  # each topic its own private feed


async def test_stop_in_one_topic_leaves_the_others_and_a_send_refused_forgets_them_all(
    settings: Settings, forum: FakeTelegram, feeds: FeedServer
) -> None:
    fake = forum
    async with bot_running(configured(settings, fake)) as app:
        await say(fake, USER, "/start")  # someone else's private chat: not touched
        await route_sco_and_energy(fake)
        await in_topic(fake, None, "/start")
        stopped = await in_topic(fake, SCO, "/stop")
        after_stop = forum_subscribers(app)
        await publish_energy_news(app, feeds, "first")
        await until(lambda: len(heard(fake, "📰")) == 2, what="notices to energy and General")

        fake.remove_bot(FORUM, notify=False)  # the update was lost: the next send finds out
        feeds.publish("wire.xml", rss(("second", "Modi and Putin sign a gas deal")))
        await app.news.poller.poll(app.news.sources.all()[0].id)
        await until(lambda: not forum_subscribers(app), what="the forum forgotten")
        private_still = app.store.subscribers.get(str(USER)) is not None

    assert "Unsubscribed; this topic's settings are deleted" in stopped["text"]
    assert after_stop == sorted([str(FORUM), f"{FORUM}:{ENERGY}"])
    assert private_still


@pytest.mark.parametrize("how", ["closed", "deleted"])
async def test_a_closed_or_deleted_topic_is_unsubscribed_alone_and_nobody_is_told(
    settings: Settings, forum: FakeTelegram, feeds: FeedServer, how: str
) -> None:
    fake = forum
    async with bot_running(configured(settings, fake)) as app:
        await in_topic(fake, SCO, "/start")
        await in_topic(fake, ENERGY, "/start")
        await in_topic(fake, None, "/start")
        (fake.close_forum_topic if how == "closed" else fake.delete_forum_topic)(FORUM, ENERGY)
        before = len(fake.sent_messages(FORUM))
        await publish_energy_news(app, feeds, "deal")
        await until(lambda: len(heard(fake, "📰")) == 2, what="notices to the open topics")
        await until(
            lambda: f"{FORUM}:{ENERGY}" not in forum_subscribers(app), what="topic forgotten"
        )
        remaining = forum_subscribers(app)
        sent_after = fake.sent_messages(FORUM)[before:]

    assert remaining == sorted([str(FORUM), f"{FORUM}:{SCO}"])
    assert sorted(heard(fake, "📰"), key=str) == sorted([SCO, None], key=str)
    assert all(m["text"].startswith("📰") for m in sent_after)  # no one was told


async def test_a_group_subscribed_from_a_topic_before_topics_had_ids_still_gets_its_reminders(
    settings: Settings, forum: FakeTelegram
) -> None:
    fake, configured_settings = forum, configured(settings, forum)
    configured_settings.db_path.parent.mkdir(parents=True, exist_ok=True)
    with Store(configured_settings.db_path) as store:  # a record as older versions wrote it
        legacy = Subscriber(
            id=str(FORUM), kind="supergroup", thread_id=SCO, topics=frozenset({"sco"})
        )
        store.subscribers.save(legacy.replace(subscribed_at=T0, reminders_since=T0))
    with time_machine.travel(T0, tick=False) as clock:
        async with bot_running(configured_settings) as app:
            summit = timed_event("sco-summit", T0 + timedelta(hours=2), tags=("sco",))
            await app.events.add(summit, actor="test")
            clock.move_to(T0 + timedelta(hours=1))
            app.reminders.wake()
            await until(lambda: len(heard(fake, "⏰")) == 1, what="the reminder")
            await in_topic(fake, SCO, "/tz Europe/Berlin")  # the topic's own settings
            zone = app.store.subscribers.get(f"{FORUM}:{SCO}")
            general_before = app.store.subscribers.get(str(FORUM))

    assert heard(fake, "⏰") == [SCO]
    assert zone is not None
    assert (zone.zone, zone.topics) == ("Europe/Berlin", frozenset({"sco"}))
    assert general_before is None  # the General topic is free to subscribe on its own


async def test_removing_the_bot_from_a_forum_forgets_every_topic_at_once(
    settings: Settings, forum: FakeTelegram
) -> None:
    fake = forum
    async with bot_running(configured(settings, fake)) as app:
        await say(fake, USER, "/start")
        in_sco = await in_topic(fake, SCO, "/start")
        await in_topic(fake, ENERGY, "/start")
        in_general = await in_topic(fake, None, "/start")
        subscribed = forum_subscribers(app)
        fake.remove_bot(FORUM, by=GROUP_ADMIN)
        await until(lambda: not forum_subscribers(app), what="the forum forgotten")
        private_still = app.store.subscribers.get(str(USER)) is not None

    assert subscribed == sorted([str(FORUM), f"{FORUM}:{SCO}", f"{FORUM}:{ENERGY}"])
    assert "This forum topic has a subscription of its own" in in_sco["text"]
    assert "forum topic" not in in_general["text"]
    assert private_still


async def test_the_follow_button_in_a_forum_topic_follows_for_that_topic_alone(
    settings: Settings, forum: FakeTelegram
) -> None:
    fake = forum
    with time_machine.travel(T0, tick=False) as clock:
        async with bot_running(configured(settings, fake)) as app:
            await app.events.add(timed_event("talks", T0 + timedelta(days=2)), actor="test")
            card = await in_topic(fake, ENERGY, "/event talks")
            fake.push_callback_query(
                chat_id=FORUM, user_id=GROUP_ADMIN, data="fw:talks", message_id=card["message_id"]
            )
            await fake.wait_for(
                lambda requests: any(m == "answerCallbackQuery" for m, _ in requests)
            )
            talks = app.events.get("talks")
            followers = [s.id for s in app.store.subscribers.following(talks)]
            await app.events.edit("talks", actor="admin", location="Delhi")
            clock.shift(timedelta(seconds=30))
            app.reminders.wake()
            await until(lambda: bool(heard(fake, "✏️ Changed")), what="the change alert")
    assert followers == [f"{FORUM}:{ENERGY}"]
    assert heard(fake, "✏️ Changed") == [ENERGY]  # only the topic whose button was pressed
