"""News feed commands end to end: the fake Bot API server and a feed server on loopback."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import pytest

from config.settings import Settings
from tests.fakes.feed_server import FeedServer
from tests.fakes.telegram_api import FakeTelegram
from tests.handlers.conftest import ADMIN, USER, bot_running, bot_settings, say

pytestmark = pytest.mark.asyncio


@pytest.fixture
def feeds() -> Iterator[FeedServer]:
    with FeedServer() as server:
        yield server


def configured(settings: Settings, fake: FakeTelegram) -> Settings:
    return bot_settings(
        dataclasses.replace(settings, fetch_timeout=2.0, news_sources_path=None), fake
    )


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("file:///etc/passwd", "&#x27;file:///etc/passwd&#x27; is not an http:// or https:// URL"),
        ("ftp://example.org/feed.xml", "is not an http:// or https:// URL"),
        ("not a url", "is not an http:// or https:// URL"),
    ],
)
async def test_addfeed_refuses_urls_that_are_not_http(
    settings: Settings, fake: FakeTelegram, url: str, expected: str
) -> None:
    async with bot_running(configured(settings, fake)) as app:
        answer = await say(fake, ADMIN, f"/addfeed {url}")
        assert app.store.news_sources.all() == []
    assert answer.startswith("❗")
    assert expected in answer


async def test_addfeed_polls_at_once_and_feeds_reports_health(
    settings: Settings, fake: FakeTelegram, feeds: FeedServer
) -> None:
    feeds.publish("rss2.xml", "rss2.xml")
    feeds.fail("down.xml", *[500] * 5)
    async with bot_running(configured(settings, fake)):
        added = await say(fake, ADMIN, f"/addfeed {feeds.url('rss2.xml')} india-russia sco")
        assert "Watching <code>f" in added
        assert "items marked as seen" in added
        failing = await say(fake, ADMIN, f"/addfeed {feeds.url('down.xml')}")
        assert "First poll failed: HTTP 500" in failing
        duplicate = await say(fake, ADMIN, f"/addfeed {feeds.url('rss2.xml')}")
        assert "already watched" in duplicate
        status = await say(fake, ADMIN, "/feeds")
    assert "<b>2 news feeds</b>" in status
    assert "✅" in status
    assert "Topics: india-russia, sco" in status
    assert "Last error (1 in a row, just now): HTTP 500" in status
    assert "Next poll in 20 minutes" in status  # backed off from 10 minutes


async def test_rmfeed_by_id_and_feed_commands_are_admin_only(
    settings: Settings, fake: FakeTelegram, feeds: FeedServer
) -> None:
    feeds.publish("rss2.xml", "rss2.xml")
    async with bot_running(configured(settings, fake)) as app:
        assert "only SummitWatch admins" in await say(
            fake, USER, f"/addfeed {feeds.url('rss2.xml')}"
        )
        await say(fake, ADMIN, f"/addfeed {feeds.url('rss2.xml')}")
        (feed,) = app.store.news_sources.all()
        assert "Stopped watching" in await say(fake, ADMIN, f"/rmfeed {feed.id}")
        assert "no feed" in await say(fake, ADMIN, f"/rmfeed {feed.id}")
        assert app.store.news_sources.all() == []


async def test_opml_round_trips_through_export_and_import(
    settings: Settings, fake: FakeTelegram, feeds: FeedServer
) -> None:
    feeds.publish("rss2.xml", "rss2.xml")
    feeds.publish("atom.xml", "atom.xml", content_type="application/atom+xml")
    async with bot_running(configured(settings, fake)) as app:
        await say(fake, ADMIN, f"/addfeed {feeds.url('rss2.xml')} india-russia")
        await say(fake, ADMIN, f"/addfeed {feeds.url('atom.xml')} sco")
        fake.push_message(chat_id=ADMIN, text="/exportopml")
        sent = await fake.wait_for_messages(ADMIN, 3)
        opml = sent[2]["document"]
        assert sent[2]["method"] == "sendDocument"
        assert opml.filename == "summitwatch-feeds.opml"
        for feed in app.store.news_sources.all():
            app.news.sources.remove(feed.id, actor="test")
        fake.push_document(
            chat_id=ADMIN,
            user_id=ADMIN,
            file_name="f.opml",
            content=bytes(opml),
            caption="/importopml",
        )
        reply = (await fake.wait_for_messages(ADMIN, 4))[3]["text"]
        tags = sorted(source.tags for source in app.store.news_sources.all())
    assert "Added 2 feeds, skipped 0" in reply
    assert tags == [("india-russia",), ("sco",)]


async def test_importopml_refuses_a_hostile_file(settings: Settings, fake: FakeTelegram) -> None:
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]>'
        b'<opml><body><outline xmlUrl="&a;"/></body></opml>'
    )
    async with bot_running(configured(settings, fake)) as app:
        fake.push_document(
            chat_id=ADMIN, user_id=ADMIN, file_name="x.opml", content=bomb, caption="/importopml"
        )
        answer = (await fake.wait_for_messages(ADMIN, 1))[0]["text"]
        assert app.store.news_sources.all() == []
    assert answer.startswith("❗")


@pytest.mark.parametrize("url", ["http://169.254.169.254/latest/meta-data", "http://10.0.0.7/rss"])
async def test_addfeed_of_an_address_fetches_may_not_reach_keeps_nothing(
    settings: Settings, fake: FakeTelegram, url: str
) -> None:
    async with bot_running(configured(settings, fake)) as app:
        answer = await say(fake, ADMIN, f"/addfeed {url}")
        listed = await say(fake, ADMIN, "/feeds")
        kept = app.store.news_sources.all()
    assert answer.startswith(f"❗ not watching {url}: ")
    assert "fetches to private networks are refused (set SUMMITWATCH_FETCH_ALLOW" in answer
    assert kept == []
    assert listed.startswith("No feeds yet")
