"""Suggestions from the news end to end: a real feed server, the real intake and detector,
the store, and the bot against the fake Bot API."""

from __future__ import annotations

import asyncio
import dataclasses
import html
from collections.abc import Iterator
from datetime import UTC, date, datetime
from html import escape
from typing import Any

import pytest
import time_machine

from bot.app import SummitWatch
from calendars.events import Event, Status
from calendars.news.articles import article_key
from calendars.news.suggestions import SuggestionState
from calendars.time.precision import Precision
from config.settings import Settings
from tests.fakes.feed_server import FeedServer
from tests.fakes.telegram_api import FakeTelegram
from tests.handlers.conftest import ADMIN, USER, bot_running, bot_settings, say, texts

pytestmark = pytest.mark.asyncio

T0 = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)
PUBLISHED = "Mon, 02 Nov 2026 06:00:00 GMT"


@pytest.fixture
def feeds() -> Iterator[FeedServer]:
    with FeedServer() as server:
        yield server


def rss(*items: tuple[str, str]) -> bytes:
    """RSS with (guid, title) items, each linking to its own article page."""
    entries = "".join(
        f"<item><guid>https://news{guid}.example.org/{guid}</guid><title>{escape(text)}</title>"
        f"<link>https://news{guid}.example.org/{guid}</link><pubDate>{PUBLISHED}</pubDate></item>"
        for guid, text in items
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Wire</title>'
        f"<link>https://wire.example.org/</link>{entries}</channel></rss>"
    ).encode()


def quick(settings: Settings, fake: FakeTelegram) -> Settings:
    return bot_settings(
        dataclasses.replace(settings, fetch_timeout=2.0, news_sources_path=None), fake
    )


async def cycle(app: SummitWatch, feeds: FeedServer, *items: tuple[str, str]) -> None:
    """Publish ``items`` and poll the wire once; wait until suggestions took them in."""
    feeds.publish("wire.xml", rss(*items))
    sources = app.news.sources.all()
    source = sources[0] if sources else app.news.sources.add(feeds.url("wire.xml"), actor="t")
    await app.news.poller.poll(source.id)
    async with asyncio.timeout(30):
        await app.suggestions.settled()


def notices(fake: FakeTelegram) -> list[dict[str, Any]]:
    return [m for m in fake.sent_messages(ADMIN) if "New from the news" in m.get("text", "")]


def button(message: dict[str, Any], label: str) -> str:
    row = message["reply_markup"]["inline_keyboard"][0]
    (data,) = [b["callback_data"] for b in row if label in b["text"]]
    assert len(data.encode()) <= 64
    return str(data)


async def press(fake: FakeTelegram, message: dict[str, Any], label: str) -> None:
    before = sum(m == "answerCallbackQuery" for m, _ in fake.requests)
    fake.push_callback_query(
        chat_id=ADMIN, user_id=ADMIN, data=button(message, label), message_id=message["message_id"]
    )
    await fake.wait_for(lambda rs: sum(m == "answerCallbackQuery" for m, _ in rs) > before)


VISIT = ("a1", "Putin to visit New Delhi in December, Kremlin says")
VISIT_DAY = ("a2", "Putin will visit New Delhi on December 4, Kremlin says")


async def test_an_announced_visit_is_suggested_once_merges_and_is_added_as_rumoured(
    settings: Settings, fake: FakeTelegram, feeds: FeedServer
) -> None:
    with time_machine.travel(T0, tick=False):
        async with bot_running(quick(settings, fake)) as app:
            assert "No new suggestions" in await say(fake, ADMIN, "/suggestions")
            await cycle(app, feeds)  # the first poll: nothing announced yet
            await cycle(app, feeds, VISIT)
            (notice,) = notices(fake)
            assert "Putin visit to New Delhi" in notice["text"]
            assert "December 2026 (date to be announced)" in notice["text"]
            assert "Sources: 1" in notice["text"]

            await cycle(app, feeds, VISIT, VISIT_DAY)
            assert len(notices(fake)) == 1  # merged: no second notice
            listed = await say(fake, ADMIN, "/suggestions")
            assert "Sources: 2" in listed
            assert "4 December 2026" in listed  # the day refined the month
            assert 'href="https://newsa1.example.org/a1"' in listed
            assert 'href="https://newsa2.example.org/a2"' in listed

            await press(fake, notice, "Add")
            await fake.wait_for(lambda _: any("as rumoured" in t for t in texts(fake, ADMIN)))
            (event,) = app.store.events.all()
    assert event.status is Status.RUMOURED
    assert event.start == date(2026, 12, 4)
    assert {c.url for c in event.coverage} == {
        "https://newsa1.example.org/a1",
        "https://newsa2.example.org/a2",
    }
    assert set(event.urls) == {c.url for c in event.coverage}
    assert "india-russia" in event.tags


async def test_an_ignored_meeting_stays_ignored_after_a_restart(
    settings: Settings, fake: FakeTelegram, feeds: FeedServer
) -> None:
    with time_machine.travel(T0, tick=False):
        async with bot_running(quick(settings, fake)) as app:
            await say(fake, ADMIN, "/help")
            await cycle(app, feeds)
            await cycle(app, feeds, VISIT)
            (notice,) = notices(fake)
            await press(fake, notice, "Ignore")
            (suggestion,) = app.store.suggestions.all()
            assert suggestion.state is SuggestionState.IGNORED
        async with bot_running(quick(settings, fake)) as app:
            await app.wait_background()
            await cycle(app, feeds, VISIT, VISIT_DAY)
            assert "No new suggestions" in await say(fake, ADMIN, "/suggestions")
            (suggestion,) = app.store.suggestions.all()
    assert len(notices(fake)) == 1  # neither the restart nor the new article told again
    assert (suggestion.state, suggestion.sources) == (SuggestionState.IGNORED, 2)


async def test_an_article_about_a_calendar_event_is_its_coverage_not_a_suggestion(
    settings: Settings, fake: FakeTelegram, feeds: FeedServer
) -> None:
    with time_machine.travel(T0, tick=False):
        async with bot_running(quick(settings, fake)) as app:
            await say(fake, ADMIN, "/help")
            talks = Event(
                id="modi-putin-summit-2026",
                title="India–Russia annual summit",
                start=date(2026, 12, 4),
                end=date(2026, 12, 6),
                timezone="Asia/Kolkata",
                location="Hyderabad House, New Delhi",
                keywords=("Putin", "Modi"),
            )
            await app.events.add(talks, actor="t")
            await cycle(app, feeds)
            await cycle(app, feeds, VISIT_DAY)
            covered = app.store.events.get("modi-putin-summit-2026")
            assert len(app.store.suggestions) == 0
    assert covered is not None
    assert [c.url for c in covered.coverage] == ["https://newsa2.example.org/a2"]
    assert notices(fake) == []


async def test_a_name_added_with_watch_is_detected_from_the_next_cycle(
    settings: Settings, fake: FakeTelegram, feeds: FeedServer
) -> None:
    stubb = ("s1", "Stubb to visit Bern on December 10 for talks")
    later = ("s2", "Stubb will travel to Oslo on December 15 for talks")
    with time_machine.travel(T0, tick=False):
        async with bot_running(quick(settings, fake)) as app:
            await cycle(app, feeds)
            await cycle(app, feeds, stubb)
            assert len(app.store.suggestions) == 0  # nobody watches him yet
            added = await say(fake, ADMIN, '/watch add Stubb "Alexander Stubb" Стубб')
            assert "Watching <b>Stubb</b> (Alexander Stubb, Стубб)" in added
            listed = await say(fake, ADMIN, "/watch")
            assert "Stubb" in listed
            assert "Zelensky" in listed  # from config/watch.toml
            refused = await say(fake, ADMIN, '/watch add "New Delhi')
            assert '"New Delhi" "नई दिल्ली" kind=place' in html.unescape(refused)
            await cycle(app, feeds, stubb, later)
            (notice,) = notices(fake)
            assert "Stubb" in notice["text"]
            assert "15 December 2026" in notice["text"]
            assert "No longer watching" in await say(fake, ADMIN, "/watch rm stubb")
            assert "not watched" in await say(fake, ADMIN, "/watch rm Stubb")
            assert "config/watch.toml" in await say(fake, ADMIN, "/watch rm Zelensky")
            stranger = await say(fake, USER, "/watch add Xi")
    assert "only SummitWatch admins" in stranger


async def test_edit_opens_the_guided_add_filled_in(
    settings: Settings, fake: FakeTelegram, feeds: FeedServer
) -> None:
    with time_machine.travel(T0, tick=False):
        async with bot_running(quick(settings, fake)) as app:
            await say(fake, ADMIN, "/help")
            await cycle(app, feeds)
            await cycle(app, feeds, VISIT_DAY)
            (notice,) = notices(fake)
            before = len(fake.sent_messages(ADMIN))
            await press(fake, notice, "Edit")
            (opened,) = (await fake.wait_for_messages(ADMIN, before + 1))[before:]
            assert "Suggested: <code>2026-12-04 UTC</code>" in opened["text"]
            title = await say(fake, ADMIN, ".")
            assert "Putin visit to New Delhi" in title
            assert "New Delhi" in await say(fake, ADMIN, "Modi–Putin summit")
            assert "india-russia" in await say(fake, ADMIN, ".")
            await say(fake, ADMIN, ".")
            added = await say(fake, ADMIN, "/skip")
            (event,) = app.store.events.all()
            (suggestion,) = app.store.suggestions.all()
    assert "Added" in added
    assert (event.title, event.status, event.location) == (
        "Modi–Putin summit",
        Status.RUMOURED,
        "New Delhi",
    )
    assert [c.url for c in event.coverage] == ["https://newsa2.example.org/a2"]
    assert (suggestion.state, suggestion.event_id) == (SuggestionState.ADDED, event.id)


async def test_adding_a_meeting_known_to_the_month_makes_a_month_event(
    settings: Settings, fake: FakeTelegram, feeds: FeedServer
) -> None:
    with time_machine.travel(T0, tick=False):
        async with bot_running(quick(settings, fake)) as app:
            await say(fake, ADMIN, "/help")
            await cycle(app, feeds)
            await cycle(app, feeds, VISIT)
            (notice,) = notices(fake)
            await press(fake, notice, "Add")
            await fake.wait_for(lambda _: any("as rumoured" in t for t in texts(fake, ADMIN)))
            (event,) = app.store.events.all()
            card = await say(fake, ADMIN, f"/event {event.id}")
    assert (event.precision, event.start, event.status) == (
        Precision.MONTH,
        date(2026, 12, 1),
        Status.RUMOURED,
    )
    assert "December 2026 (date to be announced)" in card


async def test_a_notice_a_stop_interrupted_goes_out_once_after_the_restart(
    settings: Settings, fake: FakeTelegram, feeds: FeedServer
) -> None:
    with time_machine.travel(T0, tick=False):
        async with bot_running(quick(settings, fake)) as app:
            await say(fake, ADMIN, "/help")
            await cycle(app, feeds)
            await cycle(app, feeds, VISIT)
            (suggestion,) = app.store.suggestions.all()
            # As if the app stopped between storing the suggestion and telling admins:
            app.store.suggestions.save(dataclasses.replace(suggestion, notified=False))
            app.store.deliveries.record(f"suggestion:{suggestion.id}/{ADMIN}", "failed", at=T0)
            fake.clear_requests()
        for _ in range(2):
            async with bot_running(quick(settings, fake)) as app:
                await app.wait_background()
    (notice,) = notices(fake)  # the admin was told before the stop: not told again
    assert "Putin visit to New Delhi" in notice["text"]


async def test_articles_a_stop_left_unread_are_read_after_the_restart(
    settings: Settings, fake: FakeTelegram, feeds: FeedServer
) -> None:
    with time_machine.travel(T0, tick=False):
        async with bot_running(quick(settings, fake)) as app:
            await say(fake, ADMIN, "/help")
            await cycle(app, feeds, VISIT)
            (suggestion,) = app.store.suggestions.all()
            key = article_key(guid="https://newsa1.example.org/a1", link="")
            record = app.store.articles.get(key)
            assert record is not None
            assert app.store.articles.undetected() == []
            # As if the app stopped after taking the article in, before the detector read it:
            app.store.suggestions.remove([suggestion.id])
            app.store.articles.add(key, {**record, "detect": True}, at=T0)
        async with bot_running(quick(settings, fake)) as app:
            await app.wait_background()
            async with asyncio.timeout(30):
                await app.suggestions.settled()
            assert [s.title for s in app.store.suggestions.all()] == ["Putin visit to New Delhi"]
        async with bot_running(quick(settings, fake)) as app:  # read once: not again
            await app.wait_background()
            assert app.store.articles.undetected() == []
    (notice,) = notices(fake)  # the admin was told before the stop: not told again
    assert "Putin visit to New Delhi" in notice["text"]


async def test_watch_add_of_a_configured_name_extends_it_and_rm_takes_back_only_that(
    settings: Settings, fake: FakeTelegram, feeds: FeedServer
) -> None:
    russian = ("r1", "Путину предстоит визит в Нью-Дели 4 декабря")  # the file's own alias
    nickname = ("r2", "VVP to visit New Delhi on December 4, aides say")
    with time_machine.travel(T0, tick=False):
        async with bot_running(quick(settings, fake)) as app:
            await say(fake, ADMIN, "/help")
            added = html.unescape(await say(fake, ADMIN, "/watch add Putin VVP"))
            # The reply shows the name as now watched: the file's aliases, then the admin's.
            assert "Watching <b>Putin</b> (" in added
            assert "पुतिन" in added
            assert added.index("पुतिन") < added.index("VVP")
            await cycle(app, feeds, russian, nickname)
            (suggestion,) = app.store.suggestions.all()
            assert suggestion.sources == 2  # found by the file's alias and the new one
            taken_back = await say(fake, ADMIN, "/watch rm Putin")
            assert "stays watched as config/watch.toml has it" in taken_back
            assert app.suggestions.known("Putin") is not None
            assert "VVP" not in app.suggestions.known("Putin").aliases  # type: ignore[union-attr]
