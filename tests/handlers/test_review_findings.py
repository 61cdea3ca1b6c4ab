"""Defects found in review, shown through the fake Bot API (issue 10).

Marked xfail(strict=True): each fails today for the reason given; remove the marker with
the fix.
"""

from __future__ import annotations

import pytest

from config.settings import Settings
from tests.fakes.feed_server import FeedServer
from tests.fakes.telegram_api import FakeTelegram
from tests.handlers.conftest import ADMIN, bot_running, bot_settings, say

pytestmark = pytest.mark.asyncio


def calendar(body: str) -> bytes:
    return (
        f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\n{body}END:VCALENDAR\r\n".encode()
    )


def vevent(uid: str, extra: str) -> str:
    return (
        f"BEGIN:VEVENT\r\nUID:{uid}\r\nSUMMARY:Event {uid}\r\n"
        f"DTSTART:20270105T100000Z\r\n{extra}END:VEVENT\r\n"
    )


async def test_importics_with_one_bad_duration_imports_the_good_event_and_names_the_bad(
    settings: Settings, fake: FakeTelegram
) -> None:
    body = calendar(
        vevent("good", "DTEND:20270105T110000Z\r\n") + vevent("bad", "DURATION:PT1X\r\n")
    )
    with FeedServer() as server:
        server.publish("c.ics", body, content_type="text/calendar")
        async with bot_running(bot_settings(settings, fake)) as app:
            answer = await say(fake, ADMIN, f"/importics {server.url('c.ics')}")
            titles = [e.title for e in app.store.events.all()]
    assert "Something went wrong" not in answer
    assert "1 added" in answer
    assert "DURATION" in answer
    assert titles == ["Event good"]


@pytest.mark.parametrize("title", ["\u202e\u202e", "\u200b"])
async def test_addevent_refuses_a_title_that_is_only_invisible_characters(
    settings: Settings, fake: FakeTelegram, title: str
) -> None:
    async with bot_running(bot_settings(settings, fake)) as app:
        answer = await say(fake, ADMIN, f"/addevent 2027-01-05 10:00 UTC | {title} | Delhi | sco")
        stored = app.store.events.all()
    assert answer.startswith("❗")
    assert not stored


async def test_reimporting_our_own_feed_changes_nothing(
    settings: Settings, fake: FakeTelegram
) -> None:
    async with bot_running(bot_settings(settings, fake)) as app:
        await say(fake, ADMIN, "/addevent 2027-01-05 Asia/Kolkata | Summit day | Delhi | sco")
        (event,) = app.store.events.all()
        await say(fake, ADMIN, f'/editevent {event.id} url="https://mea.gov.in/a"')
        before = app.store.events.get(event.id)
        feed = app.public_url + "/calendar.ics"
        first = await say(fake, ADMIN, f"/importics {feed}")
        second = await say(fake, ADMIN, f"/importics {feed}")
        after = app.store.events.get(event.id)
    assert before is not None
    assert after is not None
    assert "0 updated" in first
    assert "0 updated" in second
    assert (after.description, after.timezone, after.urls) == (
        before.description,
        before.timezone,
        before.urls,
    )
