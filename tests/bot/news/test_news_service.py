"""The news watcher end to end: a real feed server on loopback, httpx, feedparser, the store."""

from __future__ import annotations

import dataclasses
import io
from collections.abc import Iterator
from datetime import timedelta
from html import escape

import httpx
import icalendar
import pytest

from bot.app import SummitWatch
from config.settings import Settings
from tests.conftest import running, timed_event, until
from tests.fakes.feed_server import FeedServer

pytestmark = pytest.mark.asyncio

KEYWORDS = ("Modi", "Putin", "S-400", "मोदी", "पुतिन")


@pytest.fixture
def feeds() -> Iterator[FeedServer]:
    with FeedServer() as server:
        yield server


def rss(*items: tuple[str, str], title: str = "Diplomatic Wire") -> bytes:
    """An RSS 2.0 document with (guid, title) items; each links to /articles/<guid>."""
    entries = "".join(
        f"<item><guid>{guid}</guid><title>{escape(text)}</title>"
        f"<link>https://news.example.org/articles/{guid}?utm_source=rss</link>"
        f"<pubDate>Tue, 01 Dec 2026 08:00:00 GMT</pubDate></item>"
        for guid, text in items
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>{title}</title>'
        f"<link>https://news.example.org/</link>{entries}</channel></rss>"
    ).encode()


def quick(settings: Settings) -> Settings:
    return dataclasses.replace(settings, fetch_timeout=1.0, news_sources_path=None)


async def with_event(app: SummitWatch, tags: tuple[str, ...] = ("india-russia",)) -> None:
    talks = timed_event(
        "modi-putin-talks",
        app.now() + timedelta(days=10),
        title="Modi–Putin talks",
        tags=tags,
        keywords=KEYWORDS,
    )
    await app.events.add(talks, actor="test")


async def test_new_articles_are_noticed_once_and_not_again_after_a_restart(
    settings: Settings, feeds: FeedServer
) -> None:
    feeds.publish("wire.xml", rss(("a1", "Modi and Putin to meet in Tianjin")))
    console = io.StringIO()
    async with running(quick(settings), console) as app:
        await with_event(app)
        feed = app.news.sources.add(feeds.url("wire.xml"), actor="admin")
        first = await app.news.poller.poll(feed.id)
        assert (first.status, first.new_articles) == ("new", 1)
        assert "📰" not in console.getvalue()  # the first poll only marks what is there as seen
        feeds.publish(
            "wire.xml",
            rss(("a1", "Modi and Putin to meet"), ("a2", "S-400 deliveries on the agenda")),
        )
        second = await app.news.poller.poll(feed.id)
        assert (second.new_articles, second.matched) == (1, 1)
    assert console.getvalue().count("📰") == 1
    assert "S-400 deliveries on the agenda" in console.getvalue()
    assert "https://news.example.org/articles/a2" in console.getvalue()
    assert "utm_source" not in console.getvalue()

    again = io.StringIO()
    async with running(quick(settings), again) as app:
        await app.wait_background()
        result = await app.news.poller.poll(feed.id)
        assert result.new_articles == 0
    assert "📰" not in again.getvalue()


async def test_a_304_costs_nothing_and_the_etag_round_trips(
    settings: Settings, feeds: FeedServer
) -> None:
    feeds.publish("wire.xml", rss(("a1", "Putin arrives in New Delhi")))
    async with running(quick(settings)) as app:
        feed = app.news.sources.add(feeds.url("wire.xml"), actor="admin")
        await app.news.poller.poll(feed.id)
        result = await app.news.poller.poll(feed.id)
        stored = app.store.news_sources.get(feed.id)
    assert result.status == "not-modified"
    first, second = feeds.requests_to("wire.xml")
    assert "if-none-match" not in first
    assert stored is not None
    assert second["if-none-match"] == stored.etag
    assert "SummitWatch/" in second["user-agent"]


async def test_server_errors_and_timeouts_back_off_and_flag_the_feed(
    settings: Settings, feeds: FeedServer
) -> None:
    feeds.fail("flaky.xml", 500, 503)
    feeds.stall("slow.xml", 3)
    async with running(quick(settings)) as app:
        flaky = app.news.sources.add(feeds.url("flaky.xml"), actor="admin")
        slow = app.news.sources.add(feeds.url("slow.xml"), actor="admin")
        results = [await app.news.poller.poll(flaky.id) for _ in range(3)]
        timed_out = await app.news.poller.poll(slow.id)
        state = app.store.news_sources.get(flaky.id)
        assert state is not None
        now = app.now()
    assert [r.error for r in results] == [
        "HTTP 500",
        "HTTP 503",
        "not an RSS or Atom feed: the response was empty",
    ]
    assert timed_out.error == "the server did not answer in time"
    assert state is not None
    assert state.errors == 3
    assert state.failing
    backoff = state.next_poll - now
    assert timedelta(minutes=70) < backoff <= timedelta(minutes=80)  # 10 min x 2^3, not 10 min


@pytest.mark.parametrize(
    ("setup", "error"),
    [
        (
            lambda f: f.enormous("big.xml", 50_000_000, declare_length=True),
            "the limit is 5,000,000",
        ),
        (
            lambda f: f.enormous("big.xml", 50_000_000, declare_length=False),
            "over the 5,000,000-byte limit",
        ),
        (lambda f: f.redirect("big.xml", "/big.xml"), "too many redirects"),
        (
            lambda f: f.publish(
                "big.xml", b"<html><body>Not a feed</body></html>", content_type="text/html"
            ),
            "not",
        ),
    ],
)
async def test_hostile_feeds_give_a_clear_status_and_no_crash(
    settings: Settings, feeds: FeedServer, setup: object, error: str
) -> None:
    setup(feeds)  # type: ignore[operator]
    async with running(quick(settings)) as app:
        feed = app.news.sources.add(feeds.url("big.xml"), actor="admin")
        result = await app.news.poller.poll(feed.id)
        assert app.store.news_sources.get(feed.id).last_error == result.error  # type: ignore[union-attr]
    assert result.status == "error"
    assert error in (result.error or "")


async def test_broken_xml_and_other_encodings_still_yield_articles(
    settings: Settings, feeds: FeedServer
) -> None:
    feeds.publish("broken.xml", "broken.xml")
    feeds.publish("cp1251.xml", "cp1251.xml", content_type="application/rss+xml")
    async with running(quick(settings)) as app:
        broken = app.news.sources.add(feeds.url("broken.xml"), actor="admin")
        cyrillic = app.news.sources.add(feeds.url("cp1251.xml"), actor="admin")
        broken_result = await app.news.poller.poll(broken.id)
        cyrillic_result = await app.news.poller.poll(cyrillic.id)
        warning = app.store.news_sources.get(broken.id).warning  # type: ignore[union-attr]
    assert broken_result.new_articles > 0
    assert warning
    assert cyrillic_result.status == "new"
    assert cyrillic_result.new_articles > 0


async def test_devanagari_keywords_match_marathi_coverage(
    settings: Settings, feeds: FeedServer
) -> None:
    feeds.publish("marathi.xml", "marathi.xml")
    async with running(quick(settings)) as app:
        await with_event(app)
        feed = app.news.sources.add(feeds.url("marathi.xml"), actor="admin", backfill=True)
        result = await app.news.poller.poll(feed.id)
        event = app.store.events.get("modi-putin-talks")
    assert result.matched >= 1
    assert event is not None
    assert event.coverage


async def test_many_new_articles_become_one_digest(settings: Settings, feeds: FeedServer) -> None:
    items = [(f"d{n}", f"Putin and Modi discuss item {n}") for n in range(7)]
    feeds.publish("wire.xml", rss(*items))
    console = io.StringIO()
    async with running(quick(settings), console) as app:
        await with_event(app)
        feed = app.news.sources.add(feeds.url("wire.xml"), actor="admin", backfill=True)
        await app.news.poller.poll(feed.id)
    assert console.getvalue().count("📰") == 1
    assert "📰 7 new articles about events you follow" in console.getvalue()


async def test_topics_of_the_feed_and_of_the_chat_decide_who_hears(
    settings: Settings, feeds: FeedServer
) -> None:
    feeds.publish("energy.xml", rss(("e1", "Putin talks oil")))
    console = io.StringIO()
    async with running(quick(settings), console) as app:
        await with_event(app, tags=("india-russia",))
        me = app.store.subscribers.get("console")
        assert me is not None
        app.store.subscribers.save(
            me.replace(topics=frozenset({"sco"}))
        )  # does not follow the event
        feed = app.news.sources.add(feeds.url("energy.xml"), actor="admin", backfill=True)
        result = await app.news.poller.poll(feed.id)
        assert result.matched == 1  # still recorded as coverage
        off_topic = app.news.sources.add(
            feeds.url("energy.xml") + "?v=2", ["defence"], actor="admin", backfill=True
        )
        assert (
            await app.news.poller.poll(off_topic.id)
        ).matched == 0  # feed topics exclude the event
    assert "📰" not in console.getvalue()


async def test_coverage_reaches_the_event_page_and_feed_and_bumps_sequence_only_on_change(
    settings: Settings, feeds: FeedServer
) -> None:
    feeds.publish("wire.xml", rss(("c1", "Putin's visit: what to expect")))
    async with running(quick(settings)) as app, httpx.AsyncClient(base_url=app.public_url) as http:
        await with_event(app)
        feed = app.news.sources.add(feeds.url("wire.xml"), actor="admin")
        await app.news.poller.poll(feed.id)
        event = app.store.events.get("modi-putin-talks")
        assert event is not None
        assert event.sequence == 1
        feeds.publish("wire.xml", rss(("c1", "Putin's visit: what to expect, updated title")))
        await app.news.poller.poll(feed.id)  # same article: no new coverage
        assert app.store.events.get("modi-putin-talks").sequence == 1  # type: ignore[union-attr]
        body = (await http.get("/events/modi-putin-talks.ics")).content
    (vevent,) = icalendar.Calendar.from_ical(body).walk("VEVENT")
    description = str(vevent["DESCRIPTION"])
    assert "Related coverage:" in description
    assert (
        "Putin's visit: what to expect (Diplomatic Wire): https://news.example.org/articles/c1"
        in description
    )


async def test_old_articles_are_pruned(settings: Settings, feeds: FeedServer) -> None:
    feeds.publish("wire.xml", rss(("p1", "Old news about Putin")))
    async with running(
        dataclasses.replace(quick(settings), news_retention=timedelta(days=90))
    ) as app:
        feed = app.news.sources.add(feeds.url("wire.xml"), actor="admin")
        await app.news.poller.poll(feed.id)
        assert len(app.store.articles) == 1
        pruned = app.store.articles.prune(older_than=app.now() + timedelta(days=1))
        assert pruned == 1
        assert len(app.store.articles) == 0


async def test_the_background_poller_polls_a_due_feed_by_itself(
    settings: Settings, feeds: FeedServer
) -> None:
    feeds.publish("wire.xml", rss(("b1", "Putin lands in Delhi")))
    async with running(quick(settings), poll_news=True) as app:
        feed = app.news.sources.add(feeds.url("wire.xml"), actor="admin")  # wakes the poller
        await until(lambda: app.news.poller.last_cycle is not None, what="a polling cycle")
        assert app.store.news_sources.get(feed.id).last_success  # type: ignore[union-attr]
