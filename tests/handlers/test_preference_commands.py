"""/filter and /quiet end to end: the fake Bot API, a feed server, the clock under control."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from bot.app import SummitWatch
from config.settings import Settings
from tests.bot.news.test_news_service import rss, with_event
from tests.conftest import until
from tests.fakes.feed_server import FeedServer
from tests.fakes.telegram_api import FakeTelegram
from tests.handlers.conftest import ADMIN, USER, bot_running, bot_settings, say, texts

pytestmark = pytest.mark.asyncio

EVENING = datetime(2026, 12, 1, 22, 0, tzinfo=UTC)  # 23:00 in Berlin
MORNING = datetime(2026, 12, 2, 6, 0, tzinfo=UTC)  # 07:00 in Berlin


@pytest.fixture
def feeds() -> Iterator[FeedServer]:
    with FeedServer() as server:
        yield server


def configured(settings: Settings, fake: FakeTelegram) -> Settings:
    return bot_settings(
        dataclasses.replace(settings, fetch_timeout=2.0, news_sources_path=None), fake
    )


def news(fake: FakeTelegram, chat_id: int) -> list[str]:
    return [t for t in texts(fake, chat_id) if t.startswith(("📰", "🌙"))]


async def watch(app: SummitWatch, feeds: FeedServer) -> str:
    """An event with keywords, and a feed whose first poll has marked its items as seen."""
    await with_event(app)
    feeds.publish("wire.xml", rss(("old", "Putin and Modi: the background")))
    source = app.news.sources.add(feeds.url("wire.xml"), actor="admin")
    await app.news.poller.poll(source.id)
    return source.id


async def test_filter_shows_sets_and_clears_the_chats_filter(
    settings: Settings, fake: FakeTelegram
) -> None:
    async with bot_running(configured(settings, fake)) as app:
        await say(fake, USER, "/start")
        assert "No news filter" in await say(fake, USER, "/filter")
        set_reply = await say(fake, USER, "/filter +S-400 “rare earths” -cricket")
        shown = await say(fake, USER, "/filter")
        stored = app.store.subscribers.get(str(USER))
        assert stored is not None
        assert stored.news_filter is not None
        assert "News filter removed" in await say(fake, USER, "/filter off")
        assert app.store.subscribers.get(str(USER)).news_filter is None  # type: ignore[union-attr]
    assert "✅ News filter set" in set_reply
    assert "<code>/filter +S-400 +&quot;rare earths&quot; -cricket</code>" in shown
    assert "must mention all of: <b>S-400</b>, <b>rare earths</b>" in shown
    assert "none of: <b>cricket</b>" in shown


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("/filter -", "&#x27;-&#x27; alone"),
        ('/filter +"open', "a quote is not closed"),
        ("/filter ++S-400", "give each term one sign"),
        ("/quiet 25:00-07:00", "25:00 is not a time of day"),
        ("/quiet 22:00-22:00", "start and end are the same time"),
        ("/quiet tonight", "is not a range of times"),
    ],
)
async def test_bad_filters_and_quiet_hours_are_answered_with_the_reason_and_an_example(
    settings: Settings, fake: FakeTelegram, command: str, expected: str
) -> None:
    async with bot_running(configured(settings, fake)) as app:
        await say(fake, USER, "/start")
        answer = await say(fake, USER, command)
        stored = app.store.subscribers.get(str(USER))
    assert answer.startswith("❗")
    assert expected in answer
    assert "Example: /" + command.split()[0][1:] in answer
    assert stored is not None
    assert (stored.news_filter, stored.quiet_hours) == (None, None)


async def test_quiet_shows_sets_and_clears_in_the_chats_zone(
    settings: Settings, fake: FakeTelegram
) -> None:
    with time_machine.travel(EVENING, tick=False):
        async with bot_running(configured(settings, fake)):
            await say(fake, USER, "/start")
            await say(fake, USER, "/tz Europe/Berlin")
            assert "times in Europe/Berlin" in await say(fake, USER, "/quiet")
            set_reply = await say(fake, USER, "/quiet 22:00-07:00")
            shown = await say(fake, USER, "/quiet")
            removed = await say(fake, USER, "/quiet off")
            help_text = await say(fake, USER, "/help")
    assert "✅ Quiet hours set: <b>22:00-07:00</b> (Europe/Berlin)" in set_reply
    assert "Reminders and change alerts are never held" in set_reply
    assert "Quiet now, until Wed 2 Dec 2026, 07:00 CET." in shown
    assert "Quiet hours removed" in removed
    assert "/quiet — hold news overnight" in help_text
    assert "(reminders and alerts still come)" in help_text


async def test_articles_in_quiet_hours_arrive_as_one_digest_when_they_end_even_after_a_restart(
    settings: Settings, fake: FakeTelegram, feeds: FeedServer
) -> None:
    with time_machine.travel(EVENING, tick=False) as clock:
        async with bot_running(configured(settings, fake)) as app:
            for chat in (USER, ADMIN):
                await say(fake, chat, "/start")
                await say(fake, chat, "/tz Europe/Berlin")
            await say(fake, USER, "/quiet 22:00-07:00")
            source = await watch(app, feeds)
            feeds.publish(
                "wire.xml",
                rss(("n1", "S-400 deliveries on the agenda"), ("n2", "Modi lands in Moscow")),
            )
            await app.news.poller.poll(source)
            assert len(news(fake, ADMIN)) == 2  # a chat without quiet hours hears at once
            assert news(fake, USER) == []  # 23:00 in Berlin: held
        # Held notices are in the database: a restart at 06:59 still holds them ...
        clock.move_to(MORNING - timedelta(minutes=1))
        async with bot_running(configured(settings, fake)) as app:
            await app.wait_background()
            await app.news.poller.poll_due()
            assert news(fake, USER) == []
            # ... and at 07:00 they arrive as one digest, once.
            clock.move_to(MORNING)
            await app.news.poller.poll_due()
            await app.news.poller.poll_due()
    (digest,) = news(fake, USER)
    assert digest.startswith("🌙 While this chat was quiet: 2 new articles about events you follow")
    assert "S-400 deliveries on the agenda" in digest
    assert "Modi lands in Moscow" in digest
    assert len(news(fake, ADMIN)) == 2


async def test_quiet_hours_do_not_hold_change_alerts(
    settings: Settings, fake: FakeTelegram, feeds: FeedServer
) -> None:
    with time_machine.travel(EVENING, tick=False) as clock:
        async with bot_running(configured(settings, fake)) as app:
            await say(fake, USER, "/start")
            await say(fake, USER, "/quiet 22:00-07:00")  # 22:00 UTC: quiet now
            await with_event(app)
            await app.events.cancel("modi-putin-talks", actor="admin")
            clock.shift(timedelta(seconds=30))  # change alerts wait 30 s for more edits
            app.reminders.wake()
            await until(lambda: len(app.store.pending_alerts) == 0, what="the alert sent")
            alerts = [t for t in texts(fake, USER) if t.startswith("❌ Cancelled")]
    assert len(alerts) == 1


async def test_a_chats_filter_decides_which_articles_it_hears_of(
    settings: Settings, fake: FakeTelegram, feeds: FeedServer
) -> None:
    async with bot_running(configured(settings, fake)) as app:
        for chat in (USER, ADMIN):
            await say(fake, chat, "/start")
        await say(fake, USER, '/filter +S-400 -"rare earths"')
        source = await watch(app, feeds)
        feeds.publish(
            "wire.xml",
            rss(
                ("f1", "S-400 deliveries on the agenda"),
                ("f2", "Modi and Putin discuss rare earths and S-400"),
                ("f3", "Putin lands in Delhi"),
                ("f4", "S-4000 is not S-400's name"),
            ),
        )
        await app.news.poller.poll(source)
        # The filter is applied each time, never recorded: dropping it does not resurrect
        # old articles, and new ones reach the chat.
        await say(fake, USER, "/filter off")
        feeds.publish("wire.xml", rss(("f5", "Putin leaves Delhi")))
        await app.news.poller.poll(source)
    heard = news(fake, USER)
    assert [h.split("</a>")[0].split(">")[-1] for h in heard] == [
        "S-400 deliveries on the agenda",
        "S-4000 is not S-400&#x27;s name",
        "Putin leaves Delhi",
    ]
    assert len(news(fake, ADMIN)) == 5


async def test_turning_quiet_hours_off_sends_what_was_held_and_a_chat_that_left_gets_nothing(
    settings: Settings, fake: FakeTelegram, feeds: FeedServer
) -> None:
    with time_machine.travel(EVENING, tick=False):
        async with bot_running(configured(settings, fake)) as app:
            for chat in (USER, ADMIN):
                await say(fake, chat, "/start")
                await say(fake, chat, "/quiet 22:00-07:00")
            source = await watch(app, feeds)
            feeds.publish("wire.xml", rss(("q1", "S-400 deliveries on the agenda")))
            await app.news.poller.poll(source)
            assert len(app.store.held_notices) == 2
            await say(fake, USER, "/quiet off")
            await say(fake, ADMIN, "/stop")
            await app.news.poller.poll_due()
            assert len(app.store.held_notices) == 0
    (digest,) = news(fake, USER)
    assert digest.startswith("🌙 While this chat was quiet: 1 new article about")
    assert news(fake, ADMIN) == []


async def test_the_background_news_loop_releases_held_notices_by_itself(
    settings: Settings, fake: FakeTelegram, feeds: FeedServer
) -> None:
    with time_machine.travel(EVENING, tick=False) as clock:
        async with SummitWatch(configured(settings, fake), poll_news=True) as app:
            await say(fake, USER, "/start")
            await say(fake, USER, "/quiet 22:00-07:00")
            source = await watch(app, feeds)
            feeds.publish("wire.xml", rss(("b1", "S-400 deliveries on the agenda")))
            await app.news.poller.poll(source)
            assert len(app.store.held_notices) == 1
            clock.move_to(MORNING + timedelta(hours=1))  # 07:00 in UTC
            app.news.poller.wake()  # the loop would look within 30 s anyway
            await until(lambda: bool(news(fake, USER)), what="the quiet-hours digest")
    assert "S-400 deliveries on the agenda" in news(fake, USER)[0]
