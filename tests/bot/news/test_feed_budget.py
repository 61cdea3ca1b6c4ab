"""A feed that costs too much to read: a poll error with backoff, not a stuck poller."""

from __future__ import annotations

import asyncio
import dataclasses
import time
from collections.abc import Iterator
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.news.reading import SourceReader, SourceTooCostly
from calendars import limits
from calendars.news.parsing import SourceUnreadable
from config.settings import Settings
from tests.conftest import running
from tests.fakes.feed_server import FeedServer

BUDGET = 0.5  # seconds; the hostile feed below needs several on any machine
GOOD = (
    b'<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title><item>'
    b"<title>Modi and Putin meet</title><link>https://x.example/1</link></item></channel></rss>"
)


def hostile(markup_bytes: int = 1_000_000) -> bytes:
    """An item title of unclosed <p> tags: feedparser reads it twice, ~5 s per MB."""
    return GOOD.replace(b"Modi and Putin meet", b"<p>" * (markup_bytes // 3))


@pytest.fixture
def feeds() -> Iterator[FeedServer]:
    with FeedServer() as server:
        yield server


@pytest.fixture
def small_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "NEWS_PARSE_SECONDS", BUDGET)


@pytest.mark.asyncio
@pytest.mark.usefixtures("small_budget")
async def test_an_over_budget_feed_fails_its_poll_backs_off_and_others_go_on(
    settings: Settings, feeds: FeedServer
) -> None:
    feeds.publish("heavy.xml", hostile())
    feeds.publish("wire.xml", GOOD)
    quick = dataclasses.replace(settings, fetch_timeout=5.0, news_sources_path=None)
    async with running(quick) as app:
        heavy = app.news.sources.add(feeds.url("heavy.xml"), actor="admin")
        wire = app.news.sources.add(feeds.url("wire.xml"), actor="admin")
        started = time.monotonic()
        failed, fine = await asyncio.gather(
            app.news.poller.poll(heavy.id), app.news.poller.poll(wire.id)
        )
        took = time.monotonic() - started
        state = app.store.news_sources.get(heavy.id)
        assert state is not None
        now = app.now()
    assert failed.status == "error"
    assert failed.error == "reading the feed took over 0.5 s (too much markup for one feed)"
    assert state is not None
    assert state.last_error == failed.error
    assert state.errors == 1
    backoff = state.next_poll - now
    doubled = app.news.poller.interval * 2  # backed off, like any failing feed
    assert doubled - timedelta(seconds=5) < backoff <= doubled
    assert (fine.status, fine.new_articles) == ("new", 1)  # the worker was replaced
    assert took < 4  # the poll ended at the deadline, not after the parse


@pytest.fixture(scope="module")
def reader() -> Iterator[SourceReader]:
    """One worker pool for the module's reads, as one running app has."""
    feed_reader = SourceReader()
    yield feed_reader
    asyncio.run(feed_reader.close())


@pytest.mark.asyncio
async def test_a_body_over_the_limit_is_refused_before_it_reaches_the_worker(
    reader: SourceReader,
) -> None:
    content = b" " * (limits.NEWS_FEED_BYTES + 1)
    with pytest.raises(SourceUnreadable, match="the limit is 5,000,000"):
        await reader.read(content, source_url="https://x.example/rss", content_type=None)


_markup = st.sampled_from(
    ["<p>", "<b>x</b>", "</span>", "<a href='x'>y</a>", "&amp;", "<![CDATA[<i>"]
)


@pytest.mark.usefixtures("small_budget")
@settings(
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    max_examples=25,
    deadline=None,
)
@given(st.lists(st.tuples(_markup, st.integers(1, 40_000)), min_size=1, max_size=4))
def test_markup_heavy_feeds_are_read_refused_or_cut_off_within_the_budget(
    reader: SourceReader, pieces: list[tuple[str, int]]
) -> None:
    title = "".join(unit * count for unit, count in pieces)
    content = GOOD.replace(b"Modi and Putin meet", title.encode())
    started = time.monotonic()
    try:
        feed = asyncio.run(
            reader.read(content, source_url="https://x.example/rss", content_type=None)
        )
    except (SourceUnreadable, SourceTooCostly) as exc:
        assert exc.user_message()
    else:
        assert all(len(a.title) <= 300 for a in feed.articles)
    assert time.monotonic() - started < BUDGET + 2  # the deadline, plus handing the body over
