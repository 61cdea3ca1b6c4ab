"""A user's command is answered while a big news cycle is being taken in, and the cycle
still keeps every article exactly once."""

from __future__ import annotations

import asyncio
import dataclasses
import gc
from collections.abc import Iterator
from datetime import timedelta
from html import escape

import pytest

from bot.news.poller import HELD_THRESHOLD
from config.settings import Settings
from tests.conftest import timed_event, until
from tests.fakes.feed_server import FeedServer
from tests.fakes.telegram_api import FakeTelegram
from tests.handlers.conftest import USER, bot_running, bot_settings, say

pytestmark = pytest.mark.asyncio

FEEDS, ITEMS = 8, 200  # parse_articles keeps 200 items a feed


def rss(feed: int) -> bytes:
    entries = "".join(
        f"<item><guid>f{feed}-{n}</guid><title>{escape(f'Putin and Modi talk, {feed}/{n}')}"
        f"</title><link>https://news.example.org/{feed}/{n}</link>"
        f"<description>Talks in Delhi, item {n} of feed {feed}.</description>"
        f"<pubDate>Tue, 01 Dec 2026 08:00:00 GMT</pubDate></item>"
        for n in range(ITEMS)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
        f"<title>Wire {feed}</title><link>https://news.example.org/</link>{entries}"
        "</channel></rss>"
    ).encode()


@pytest.fixture
def feeds() -> Iterator[FeedServer]:
    with FeedServer() as server:
        for feed in range(FEEDS):
            server.publish(f"wire{feed}.xml", rss(feed))
        yield server


async def test_upcoming_is_answered_during_a_big_intake_and_no_article_is_lost_or_doubled(
    settings: Settings, fake: FakeTelegram, feeds: FeedServer
) -> None:
    quick = dataclasses.replace(settings, news_sources_path=None)
    thresholds = gc.get_threshold()
    async with bot_running(bot_settings(quick, fake)) as app:
        talks = timed_event(
            "talks", app.now() + timedelta(days=10), title="Delhi talks", keywords=("Putin",)
        )
        await app.events.add(talks, actor="test")
        for feed in range(FEEDS):
            app.news.sources.add(feeds.url(f"wire{feed}.xml"), actor="admin")
        cycle = asyncio.create_task(app.news.poller.poll_due())
        await until(lambda: len(app.store.articles) > 0, within=30, what="the intake to start")
        assert gc.get_threshold()[2] == HELD_THRESHOLD  # no full collection mid-cycle
        reply = await say(fake, USER, "/upcoming")
        kept_when_answered = len(app.store.articles)
        results = await cycle
        event = app.store.events.get("talks")
    assert "Delhi talks" in reply
    assert kept_when_answered < FEEDS * ITEMS  # answered while articles were still coming in
    assert sum(r.new_articles for r in results) == FEEDS * ITEMS
    assert [r.error for r in results] == [None] * FEEDS
    assert gc.get_threshold() == thresholds  # the collector is as it was after the cycle
    async with bot_running(bot_settings(quick, fake)) as app:
        assert len(app.store.articles) == FEEDS * ITEMS  # all on disk, none twice
        again = await app.news.poller.poll_due()
    assert event is not None
    assert len(event.coverage) > 0
    assert sum(r.new_articles for r in again) == 0
