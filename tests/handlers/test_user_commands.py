"""User commands end to end: the real Application, polling the fake Bot API server."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from config.settings import Settings
from tests.conftest import timed_event
from tests.fakes.telegram_api import FakeTelegram
from tests.handlers.conftest import ADMIN, USER, bot_running, bot_settings, say

pytestmark = pytest.mark.asyncio


async def test_start_then_tz_then_upcoming_shows_times_in_the_chats_zone(
    settings: Settings, fake: FakeTelegram
) -> None:
    async with bot_running(bot_settings(settings, fake)) as app:
        start = (app.now() + timedelta(days=3)).replace(hour=4, minute=30, second=0, microsecond=0)
        talks = timed_event(
            "modi-putin-talks", start, title="Modi–Putin talks", location="New Delhi"
        )
        await app.events.add(talks, actor="test")

        welcome = await say(fake, USER, "/start")
        assert "Welcome to <b>SummitWatch</b>" in welcome
        assert "Modi–Putin talks" in welcome
        assert "/calendar.ics" in welcome
        assert "Reminders: <b>7 days, 1 day and 1 hour before</b>" in welcome

        assert "Times are now shown in <b>Asia/Kolkata</b>" in await say(
            fake, USER, "/tz Asia/Kolkata"
        )
        upcoming = await say(fake, USER, "/upcoming")
        local = start.astimezone(ZoneInfo("Asia/Kolkata"))
        # the chat's clock with the end (10:00–12:00 IST for 04:30 UTC), then UTC
        assert f"{local:%H:%M}–{local + timedelta(hours=2):%H:%M} IST · 04:30 UTC\n" in upcoming
        assert "<tg-time" not in upcoming  # a private chat's zone is its reader's
        assert "id <code>modi-putin-talks</code>" in upcoming
        assert app.store.subscribers.get(str(USER)).zone == "Asia/Kolkata"  # type: ignore[union-attr]


async def test_stop_unsubscribes_and_forgets_the_chat(
    settings: Settings, fake: FakeTelegram
) -> None:
    async with bot_running(bot_settings(settings, fake)) as app:
        await say(fake, USER, "/start")
        assert "Unsubscribed" in await say(fake, USER, "/stop")
        assert app.store.subscribers.get(str(USER)) is None
        assert "was not subscribed" in await say(fake, USER, "/stop")


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("/tz Kolkatta", "try one of: Asia/Kolkata"),
        ("/tz", "give an IANA time zone name"),
        ("/remind soon", "Example: 7d 1d 2h 30m"),
        ("/remind", "Example: /remind 7d 1d 2h 30m"),
        ("/event no-such-event", "no event with id &#x27;no-such-event&#x27;"),
        ("/event", "Example: /event putin-new-delhi-2025"),
        ("/subscribe nonsense", "there is no topic &#x27;nonsense&#x27;"),
        ("/upcoming nonsense", "there is no topic"),
    ],
)
async def test_malformed_commands_get_a_helpful_answer(
    settings: Settings, fake: FakeTelegram, command: str, expected: str
) -> None:
    async with bot_running(bot_settings(settings, fake)):
        await say(fake, USER, "/start")
        answer = await say(fake, USER, command)
    assert answer.startswith("❗")
    assert expected in answer


async def test_settings_commands_need_a_subscription_first(
    settings: Settings, fake: FakeTelegram
) -> None:
    async with bot_running(bot_settings(settings, fake)):
        assert "send /start first" in await say(fake, USER, "/tz Asia/Kolkata")


async def test_remind_offsets_are_said_back_in_words_and_stored(
    settings: Settings, fake: FakeTelegram
) -> None:
    async with bot_running(bot_settings(settings, fake)) as app:
        await say(fake, USER, "/start")
        answer = await say(fake, USER, "/remind 7d 1d 2h 30m")
        assert "7 days, 1 day, 2 hours and 30 minutes before" in answer
        assert "no reminders" in await say(fake, USER, "/remind off")
        assert app.store.subscribers.get(str(USER)).offsets == ()  # type: ignore[union-attr]


async def test_event_details_come_with_the_ics_file(settings: Settings, fake: FakeTelegram) -> None:
    async with bot_running(bot_settings(settings, fake)) as app:
        start = app.now() + timedelta(days=2)
        event = timed_event(
            "talks", start, title="Talks <&> more", urls=("https://www.mea.gov.in/",)
        )
        await app.events.add(event, actor="test")
        fake.push_message(chat_id=USER, text="/event talks")
        sent = await fake.wait_for_messages(USER, 2)
    assert "Talks &lt;&amp;&gt; more" in sent[0]["text"]
    assert "https://www.mea.gov.in/" in sent[0]["text"]
    assert sent[1]["method"] == "sendDocument"
    assert sent[1]["document"].filename == "talks.ics"
    assert b"UID:talks@127.0.0.1" in sent[1]["document"]


async def test_calendar_lists_https_webcal_google_and_outlook_links(
    settings: Settings, fake: FakeTelegram
) -> None:
    async with bot_running(bot_settings(settings, fake)) as app:
        await say(fake, USER, "/start")
        await say(fake, USER, "/subscribe sco")
        await say(fake, USER, "/unsubscribe sco")  # back to everything but sco
        answer = await say(fake, USER, "/calendar")
    base = app.public_url
    assert f"<code>{base}/calendar.ics</code>" in answer
    assert f'href="webcal://{base.removeprefix("http://")}/calendar.ics"' in answer
    assert "calendar.google.com/calendar/r?cid=webcal" in answer
    assert "calendar.google.com/calendar/r/settings/addbyurl" in answer
    assert "outlook.live.com/calendar/0/addfromweb?url=" in answer
    assert f"{base}/calendar/india-russia.ics" in answer
    assert f"{base}/calendar/sco.ics" not in answer


async def test_topics_keyboard_toggles_a_topic(settings: Settings, fake: FakeTelegram) -> None:
    async with bot_running(bot_settings(settings, fake)) as app:
        await say(fake, USER, "/start")
        fake.push_message(chat_id=USER, text="/topics")
        sent = await fake.wait_for_messages(USER, 2)
        keyboard = sent[1]["reply_markup"]["inline_keyboard"]
        labels = [button["text"] for row in keyboard for button in row]
        assert "✅ sco" in labels
        fake.push_callback_query(
            chat_id=USER, user_id=USER, data="topic:sco", message_id=sent[1]["message_id"]
        )
        await fake.wait_for(
            lambda requests: any(m == "editMessageReplyMarkup" for m, _ in requests)
        )
        subscriber = app.store.subscribers.get(str(USER))
    assert subscriber is not None
    assert subscriber.topics is not None
    assert "sco" not in subscriber.topics
    edits = [p for m, p in fake.requests if m == "editMessageReplyMarkup"]
    assert "▫️ sco" in str(edits[-1]["reply_markup"])


async def test_commands_work_in_groups_addressed_to_the_bot(
    settings: Settings, fake: FakeTelegram
) -> None:
    group = -100123
    async with bot_running(bot_settings(settings, fake)) as app:
        fake.set_member_status(group, ADMIN, "administrator")
        answer = await say(
            fake,
            group,
            "/start@SummitWatchBot",
            chat_type="supergroup",
            user_id=ADMIN,
            chat_title="Analysts",
        )
        assert "Welcome" in answer
        assert app.store.subscribers.get(str(group)).kind == "supergroup"  # type: ignore[union-attr]
        assert "No upcoming events" in await say(
            fake, group, "/upcoming@SummitWatchBot", chat_type="supergroup"
        )


async def test_only_group_admins_change_a_groups_settings(
    settings: Settings, fake: FakeTelegram
) -> None:
    group, member = -100456, 4004
    async with bot_running(bot_settings(settings, fake)) as app:
        fake.set_member_status(group, member, "member")
        answer = await say(fake, group, "/start", chat_type="supergroup", user_id=member)
    assert "Only this group's admins" in answer
    assert app.store.subscribers.get(str(group)) is None


async def test_help_shows_admin_commands_only_to_admins(
    settings: Settings, fake: FakeTelegram
) -> None:
    async with bot_running(bot_settings(settings, fake)):
        assert "/addevent" not in await say(fake, USER, "/help")
        assert "/addevent" in await say(fake, ADMIN, "/help")


async def test_the_command_menu_is_published_per_scope(
    settings: Settings, fake: FakeTelegram
) -> None:
    async with bot_running(bot_settings(settings, fake)):
        calls = [p for m, p in fake.requests if m == "setMyCommands"]
    default = next(c for c in calls if c.get("scope", {}).get("type", "default") == "default")
    admin = next(c for c in calls if c.get("scope", {}).get("type") == "chat")
    names = {c["command"] for c in default["commands"]}
    assert {"start", "upcoming", "tz", "remind", "calendar"} <= names
    assert "addevent" not in names
    assert admin["scope"]["chat_id"] == ADMIN
    assert "addevent" in {c["command"] for c in admin["commands"]}


async def test_calendar_lists_every_topic_feed_when_following_everything(
    settings: Settings, fake: FakeTelegram
) -> None:
    async with bot_running(bot_settings(settings, fake)) as app:
        await say(fake, USER, "/start")
        answer = await say(fake, USER, "/calendar")
    for topic in ("sco", "india-russia", "energy"):
        assert f"{app.public_url}/calendar/{topic}.ics" in answer


async def test_addchannel_subscribes_a_channel_where_bot_and_user_are_admins(
    settings: Settings, fake: FakeTelegram
) -> None:
    channel = -1001234
    fake.register_chat(channel, "channel", title="Summit News", username="summit_news")
    async with bot_running(bot_settings(settings, fake)) as app:
        not_yet = await say(fake, USER, "/addchannel @summit_news")
        assert "make me an admin of @summit_news" in not_yet
        fake.set_member_status(channel, fake.bot_id, "administrator")
        assert "only admins of @summit_news" in await say(fake, USER, "/addchannel @summit_news")
        fake.set_member_status(channel, USER, "creator")
        done = await say(fake, USER, "/addchannel @summit_news")
        subscriber = app.store.subscribers.get(str(channel))
    assert "@summit_news is subscribed" in done
    assert subscriber is not None
    assert subscriber.kind == "channel"
    assert subscriber.title == "Summit News"


async def test_tz_answers_abbreviations_and_offsets_and_warns_about_fixed_offset_names(
    settings: Settings, fake: FakeTelegram
) -> None:
    async with bot_running(bot_settings(settings, fake)) as app:
        await say(fake, USER, "/start")
        ist = await say(fake, USER, "/tz IST")
        assert ist.startswith("❗ IST is an abbreviation, not a zone; it usually means ")
        assert "Asia/Kolkata (India)" in ist
        assert "MST" not in ist
        gmt5 = await say(fake, USER, "/tz GMT+5")
        assert "name a place on UTC+05:00 such as Asia/Karachi" in gmt5
        assert "Etc/GMT-5 for UTC+05:00 all year" in gmt5
        assert app.store.subscribers.get(str(USER)).zone == "UTC"  # type: ignore[union-attr]

        est = await say(fake, USER, "/tz EST")
        assert est == (
            "Times are now shown in <b>EST</b>.\n⚠️ EST is UTC-05:00 all year, with no summer "
            "time; for the clocks of that region use America/New_York"
        )
        etc = await say(fake, USER, "/tz Etc/GMT+5")
        assert "Etc/GMT names have the sign reversed, so UTC+05:00 is Etc/GMT-5" in etc
        plain = await say(fake, USER, "/tz Asia/Kolkata")
        assert plain == "Times are now shown in <b>Asia/Kolkata</b>."
        nothing_like = await say(fake, USER, "/tz " + "A/" * 30)
        assert "is not a time zone I know; try one of: Asia/Kolkata, Europe/Moscow" in nothing_like
