"""/calendar's private feed end to end: the URL in the reply, fetched over real HTTP."""

from __future__ import annotations

import re
from datetime import timedelta

import httpx
import icalendar
import pytest

from bot.app import SummitWatch
from calendars.commands import parse_editevent
from config.settings import Settings
from tests.conftest import timed_event
from tests.fakes.telegram_api import FakeTelegram
from tests.handlers.conftest import ADMIN, OTHER_USER, USER, bot_running, bot_settings, say

pytestmark = pytest.mark.asyncio

PRIVATE_URL = re.compile(
    r"<code>(http://[^<]+/calendar/private/[A-Za-z0-9_-]+\.ics(?:\?lang=[a-z]+)?)</code>"
)


def private_url(reply: str) -> str:
    found = PRIVATE_URL.search(reply)
    assert found, reply
    return found.group(1)


def summaries(body: bytes) -> set[str]:
    return {str(e["SUMMARY"]) for e in icalendar.Calendar.from_ical(body).walk("VEVENT")}


async def add_events(app: SummitWatch) -> None:
    start = app.now() + timedelta(days=5)
    for topic in ("sco", "energy", "trade"):
        event = timed_event(f"{topic}-talks", start, title=f"{topic} talks", tags=(topic,))
        await app.events.add(event, actor="test")


async def test_the_url_in_the_reply_serves_this_chats_events_only(
    settings: Settings, fake: FakeTelegram
) -> None:
    async with bot_running(bot_settings(settings, fake)) as app, httpx.AsyncClient() as http:
        await add_events(app)
        await say(fake, USER, "/start")
        await say(fake, USER, "/unsubscribe sco")  # everything but sco
        await say(fake, OTHER_USER, "/start")  # everything
        mine = await say(fake, USER, "/calendar")
        theirs = await say(fake, OTHER_USER, "/calendar")
        assert "private calendar" in mine
        assert "/calendar reset" in mine
        assert f"{app.public_url}/calendar.ics" in mine  # the public feed is still offered
        url = private_url(mine)
        assert private_url(theirs) != url
        assert private_url(await say(fake, USER, "/calendar")) == url  # stable until reset
        assert summaries((await http.get(url)).content) == {"energy talks", "trade talks"}
        assert summaries((await http.get(private_url(theirs))).content) == {
            "sco talks",
            "energy talks",
            "trade talks",
        }


async def test_a_russian_chats_calendar_links_serve_the_calendar_in_russian(
    settings: Settings, fake: FakeTelegram
) -> None:
    async with bot_running(bot_settings(settings, fake)) as app, httpx.AsyncClient() as http:
        await add_events(app)
        await app.events.edit("sco-talks", actor="test", **translated("sco-talks", app))
        await say(fake, USER, "/start")
        await say(fake, USER, "/lang ru")
        reply = await say(fake, USER, "/calendar")
        url = private_url(reply)
        private = icalendar.Calendar.from_ical((await http.get(url)).content)
        public = await http.get(f"{app.public_url}/calendar.ics?lang=ru")
    assert url.endswith("?lang=ru")
    assert str(private["X-WR-CALNAME"]) == "SummitWatch — все темы"
    assert "Переговоры ШОС" in summaries(private.to_ical())
    assert f"{app.public_url}/calendar.ics?lang=ru" in reply
    assert b"X-WR-CALNAME:SummitWatch: " in public.content  # named in Russian, not the brand alone


def translated(event_id: str, app: SummitWatch) -> dict[str, object]:
    _id, changes = parse_editevent(
        f'{event_id} title.ru="Переговоры ШОС"', current_lookup=app.events.find
    )
    return changes


async def test_reset_gives_a_new_url_and_the_old_one_404s(
    settings: Settings, fake: FakeTelegram
) -> None:
    async with bot_running(bot_settings(settings, fake)) as app, httpx.AsyncClient() as http:
        await add_events(app)
        await say(fake, USER, "/start")
        old = private_url(await say(fake, USER, "/calendar"))
        reset = await say(fake, USER, "/calendar reset")
        assert "the old one no longer works" in reset
        new = private_url(reset)
        assert new != old
        gone = await http.get(old)
        assert (gone.status_code, gone.text) == (404, "No such calendar.\n")
        assert (await http.get(new)).status_code == 200
        wrong = await http.get(new[: -len(".ics") - 4] + "abcd.ics")
        assert (wrong.status_code, wrong.text) == (404, "No such calendar.\n")


async def test_unsubscribed_chats_are_told_how_to_get_one(
    settings: Settings, fake: FakeTelegram
) -> None:
    async with bot_running(bot_settings(settings, fake)):
        answer = await say(fake, USER, "/calendar")
        assert "/calendar/private/" not in answer
        assert "Send /start, then /calendar again" in answer
        assert "send /start first" in await say(fake, USER, "/calendar reset")
        assert "Example: /calendar reset" in await say(fake, USER, "/calendar now")


@pytest.mark.usefixtures("brisk_group_pacing")
async def test_only_group_admins_reset_a_groups_link(
    settings: Settings, fake: FakeTelegram
) -> None:
    group, member = -100789, 4004
    async with bot_running(bot_settings(settings, fake)):
        fake.set_member_status(group, ADMIN, "administrator")
        fake.set_member_status(group, member, "member")
        await say(fake, group, "/start", chat_type="supergroup", user_id=ADMIN)
        url = private_url(await say(fake, group, "/calendar", chat_type="supergroup"))
        refused = await say(fake, group, "/calendar reset", chat_type="supergroup", user_id=member)
        assert "Only this group's admins" in refused
        again = await say(fake, group, "/calendar", chat_type="supergroup", user_id=member)
        assert private_url(again) == url
        done = await say(fake, group, "/calendar reset", chat_type="supergroup", user_id=ADMIN)
        assert private_url(done) != url
