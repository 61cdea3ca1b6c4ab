"""A chat's private feed as a calendar client sees it: real uvicorn, real HTTP on loopback."""

from __future__ import annotations

import httpx
import icalendar
import pytest

from bot.app import SummitWatch
from bot.services.subscriptions import ChatRef
from calendars.ical.personal import private_feed_url
from calendars.subscribers import new_feed_token
from config.settings import Settings
from tests.bot.web.test_calendar_http import seeded, uids
from tests.conftest import running

pytestmark = pytest.mark.asyncio

HOST = "@127.0.0.1"


def private_url(app: SummitWatch, chat_id: str, *, topics: set[str] | None) -> str:
    """Subscribe ``chat_id`` following ``topics`` (None: everything); its feed's URL."""
    subscriber, _ = app.subscriptions.subscribe(ChatRef(id=chat_id, kind="private"))
    app.store.subscribers.save(
        subscriber.replace(topics=None if topics is None else frozenset(topics))
    )
    token = app.subscriptions.calendar(chat_id).feed_token
    assert token is not None
    return private_feed_url(app.public_url, token)


async def test_a_private_feed_holds_exactly_the_chats_topics(settings: Settings) -> None:
    async with running(seeded(settings)) as app, httpx.AsyncClient() as http:
        china = private_url(app, "1", topics={"india-china"})
        trade = private_url(app, "2", topics={"trade", "india-china"})
        everything = private_url(app, "3", topics=None)
        nothing = private_url(app, "4", topics=set())
        response = await http.get(china)
        assert response.status_code == 200
        assert response.headers["content-type"] == "text/calendar; charset=utf-8"
        assert response.headers["cache-control"] == "private, max-age=300"
        assert uids(response.content) == {"sco-tianjin-2025" + HOST}
        assert "SummitWatch — india-china" in response.text  # the calendar's name
        assert uids((await http.get(trade)).content) == {
            "sco-tianjin-2025" + HOST,
            "putin-new-delhi-2025" + HOST,
        }
        all_events = uids((await http.get(f"{app.public_url}/calendar.ics")).content)
        assert uids((await http.get(everything)).content) == all_events
        empty = icalendar.Calendar.from_ical((await http.get(nothing)).content)
        assert empty.walk("VEVENT") == []  # a valid calendar, with nothing in it


async def test_private_feeds_answer_304_and_head_like_the_public_ones(settings: Settings) -> None:
    async with running(seeded(settings)) as app, httpx.AsyncClient() as http:
        url = private_url(app, "1", topics={"trade"})
        first = await http.get(url)
        etag, modified = first.headers["etag"], first.headers["last-modified"]
        by_tag = await http.get(url, headers={"If-None-Match": etag})
        assert (by_tag.status_code, by_tag.content) == (304, b"")
        assert by_tag.headers["cache-control"] == "private, max-age=300"
        assert "content-type" not in by_tag.headers
        assert (await http.get(url, headers={"If-Modified-Since": modified})).status_code == 304
        head = await http.head(url)
        assert (head.status_code, head.content, head.headers["etag"]) == (200, b"", etag)
        # Following another topic changes the feed (and its validator) at once.
        subscriber = app.store.subscribers.get("1")
        assert subscriber is not None
        app.store.subscribers.save(subscriber.replace(topics=frozenset({"trade", "india-china"})))
        changed = await http.get(url, headers={"If-None-Match": etag})
        assert changed.status_code == 200
        assert "sco-tianjin-2025" + HOST in uids(changed.content)


async def test_reset_retires_the_old_url_and_wrong_tokens_learn_nothing(
    settings: Settings,
) -> None:
    async with running(seeded(settings)) as app, httpx.AsyncClient() as http:
        old = private_url(app, "1", topics={"trade"})
        assert (await http.get(old)).status_code == 200
        new_token = app.subscriptions.calendar("1", reset=True).feed_token
        assert new_token is not None
        new = private_feed_url(app.public_url, new_token)
        assert new != old
        assert (await http.get(new)).status_code == 200
        base = f"{app.public_url}/calendar/private/"
        refused = [
            await http.get(old),  # the retired token
            await http.get(base + new_feed_token() + ".ics"),  # well-formed, never issued
            await http.get(base + new_token[:-1] + ".ics"),  # one character short
            await http.get(base + new_token.upper() + ".ics"),
            await http.get(base + "x" * 5000 + ".ics"),
            await http.head(old),
        ]
        assert {r.status_code for r in refused} == {404}
        bodies = {r.text for r in refused if r.request.method == "GET"}
        assert bodies == {"No such calendar.\n"}  # the same answer whatever was wrong
        assert all("etag" not in r.headers for r in refused)


async def test_stopping_the_chat_turns_its_private_feed_off(settings: Settings) -> None:
    async with running(seeded(settings)) as app, httpx.AsyncClient() as http:
        url = private_url(app, "1", topics=None)
        assert (await http.get(url)).status_code == 200
        app.subscriptions.unsubscribe("1")
        assert (await http.get(url)).status_code == 404


async def test_the_token_survives_a_restart(settings: Settings) -> None:
    async with running(seeded(settings)) as app:
        url = private_url(app, "1", topics={"trade"})
        token = url.rsplit("/", 1)[-1].removesuffix(".ics")
    async with running(seeded(settings)) as app, httpx.AsyncClient() as http:
        assert app.subscriptions.calendar("1").feed_token == token  # not re-issued
        response = await http.get(private_feed_url(app.public_url, token))
        assert uids(response.content) == {"putin-new-delhi-2025" + HOST}
