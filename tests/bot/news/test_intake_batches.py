"""Taking a poll's articles in as one batch: all of them durable, matched against the
events as they are now (the matcher is reused between polls, not kept stale)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import timedelta
from html import escape

import pytest

from bot.news.intake import SLICE
from config.settings import Settings
from tests.conftest import running, timed_event
from tests.fakes.feed_server import FeedServer

pytestmark = pytest.mark.asyncio


def rss(*titles: tuple[str, str]) -> bytes:
    entries = "".join(
        f"<item><guid>{guid}</guid><title>{escape(text)}</title>"
        f"<link>https://news.example.org/articles/{guid}</link>"
        f"<pubDate>Tue, 01 Dec 2026 08:00:00 GMT</pubDate></item>"
        for guid, text in titles
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
        f"<title>Wire</title><link>https://news.example.org/</link>{entries}</channel></rss>"
    ).encode()


@pytest.fixture
def feeds() -> Iterator[FeedServer]:
    with FeedServer() as server:
        yield server


def quick(settings: Settings) -> Settings:
    return dataclasses.replace(settings, fetch_timeout=1.0, news_sources_path=None)


async def test_a_long_feed_is_taken_in_whole_and_stays_seen_after_a_restart(
    settings: Settings, feeds: FeedServer
) -> None:
    count = 2 * SLICE + 7  # more than one slice between yields to the loop
    feeds.publish("wire.xml", rss(*((f"a{n}", f"Putin and Modi, item {n}") for n in range(count))))
    async with running(quick(settings)) as app:
        talks = timed_event(
            "talks", app.now() + timedelta(days=10), title="Talks", keywords=("Putin",)
        )
        await app.events.add(talks, actor="test")
        source = app.news.sources.add(feeds.url("wire.xml"), actor="admin")
        first = await app.news.poller.poll(source.id)
        event = app.store.events.get("talks")
    assert (first.new_articles, first.matched) == (count, count)
    assert event is not None
    assert len(event.coverage) > 0
    async with running(quick(settings)) as app:
        again = await app.news.poller.poll(source.id)
    assert again.new_articles == 0  # every one of them was on disk


async def test_changed_keywords_match_from_the_next_poll(
    settings: Settings, feeds: FeedServer
) -> None:
    feeds.publish("wire.xml", rss(("k1", "Putin arrives")))
    async with running(quick(settings)) as app:
        talks = timed_event(
            "talks", app.now() + timedelta(days=10), title="Talks", keywords=("Putin",)
        )
        await app.events.add(talks, actor="test")
        source = app.news.sources.add(feeds.url("wire.xml"), actor="admin")
        assert (await app.news.poller.poll(source.id)).matched == 1
        current = app.store.events.get("talks")
        assert current is not None
        app.store.events.save(current.revised(now=app.now(), keywords=("Jaishankar",)))
        feeds.publish("wire.xml", rss(("k2", "Jaishankar lands"), ("k3", "Putin departs")))
        second = await app.news.poller.poll(source.id)
    assert (second.new_articles, second.matched) == (2, 1)  # the new keyword, not the old
