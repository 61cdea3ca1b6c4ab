"""A chat's language end to end, through the fake Bot API: chosen at /start from the user's
Telegram, changed with /lang, and used by everything sent to the chat afterwards."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from html import escape
from zoneinfo import ZoneInfo

import pytest
import time_machine

from calendars.i18n import gettext_in, ngettext_in
from config.settings import Settings
from tests.conftest import timed_event, until
from tests.fakes.telegram_api import FakeTelegram
from tests.handlers.conftest import ADMIN, OTHER_USER, USER, bot_running, bot_settings, say, texts

pytestmark = pytest.mark.asyncio

T0 = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)  # 11:00 in Moscow
DELHI_START = datetime(2026, 12, 4, 10, 0, tzinfo=ZoneInfo("Asia/Kolkata"))
GROUP = -5005
REMINDER_HEAD = {
    "hi": "⏰ <b>Talks</b> 1 घंटे बाद शुरू",
    "mr": "⏰ <b>Talks</b> १ तास नंतर सुरू",
    "ru": "⏰ <b>Talks</b>: начало — через 1 час",
}
# The reader's clock in Moscow, as each language writes it.
MOSCOW_LINE = {
    "hi": "🗓 शुक्र, 4 दिस॰ 2026, 07:30–09:30 MSK · 10:00 IST (Kolkata) · 04:30 UTC",
    "mr": "🗓 शुक्र, ४ डिसें २०२६, ०७:३०–०९:३० MSK · १०:०० IST (Kolkata) · ०४:३० UTC",
    "ru": "🗓 пт, 4 дек. 2026, 07:30–09:30 MSK · 10:00 IST (Kolkata) · 04:30 UTC",
}


async def test_start_from_a_russian_telegram_answers_in_russian_and_lang_changes_it(
    settings: Settings, fake: FakeTelegram
) -> None:
    with time_machine.travel(T0, tick=False):
        async with bot_running(bot_settings(settings, fake)) as app:
            welcome = await say(fake, USER, "/start", language_code="ru-RU")
            upcoming = await say(fake, USER, "/upcoming")
            calendar = await say(fake, USER, "/calendar")
            marathi = await say(fake, USER, "/lang mr")
            help_text = await say(fake, USER, "/help")
            unknown = await say(fake, USER, "/lang de")
            english = await say(fake, USER, "/lang en")
            assert app.subscriptions.require(str(USER)).language == "en"
    assert welcome.startswith("Добро пожаловать в <b>SummitWatch</b>!")
    assert "Язык: <b>Русский</b> (изменить: /lang)" in welcome
    assert upcoming.startswith("Ближайш")
    assert "<b>Личный календарь чата</b>" in calendar
    assert marathi.startswith("✅ भाषा निवडली: <b>मराठी</b>")
    assert "/help — ही यादी" in help_text
    assert "/lang — भाषा: /lang hi, /lang mr, /lang ru, /lang en" in help_text
    assert "/lang ru" in unknown  # refused, with the right way to write it
    assert english.startswith("✅ Language set: <b>English</b>")


async def test_a_chat_whose_telegram_speaks_another_language_gets_english(
    settings: Settings, fake: FakeTelegram
) -> None:
    with time_machine.travel(T0, tick=False):
        async with bot_running(bot_settings(settings, fake)):
            welcome = await say(fake, USER, "/start", language_code="de")
    assert welcome.startswith("Welcome to <b>SummitWatch</b>!")


async def test_menus_are_published_in_every_language(
    settings: Settings, fake: FakeTelegram
) -> None:
    async with bot_running(bot_settings(settings, fake)):
        pass
    menus = {
        (params.get("language_code"), params.get("scope", {}).get("type", "default")): {
            c["command"]: c["description"] for c in params["commands"]
        }
        for method, params in fake.requests
        if method == "setMyCommands"
    }
    assert menus[(None, "default")]["start"] == "subscribe this chat to reminders"
    assert menus[("ru", "default")]["start"] == "подписать чат на напоминания"
    assert menus[("hi", "default")]["lang"] == "भाषा: /lang hi, /lang mr, /lang ru, /lang en"
    assert menus[("mr", "chat")]["stats"] == "सबस्क्राइबर, कार्यक्रम आणि पाठवलेले संदेश"
    assert {lang for lang, _ in menus} == {None, "hi", "mr", "ru"}


@pytest.mark.parametrize("lang", ["hi", "mr", "ru"])
@pytest.mark.usefixtures("brisk_group_pacing")
async def test_reminder_alert_briefing_and_errors_come_in_the_chats_language(
    settings: Settings, fake: FakeTelegram, lang: str
) -> None:
    with time_machine.travel(T0, tick=False) as clock:
        async with bot_running(bot_settings(settings, fake)) as app:
            await say(fake, USER, "/start")
            await say(fake, USER, f"/lang {lang}")
            await say(fake, USER, "/tz Europe/Moscow")
            await say(fake, USER, "/remind 1h")
            refusal = await say(fake, USER, "/addevent")  # only the bot's admins may
            bad_offsets = await say(fake, USER, "/remind soon")
            bad_zone = await say(fake, USER, "/tz IST")
            await say(fake, GROUP, "/start", chat_type="group", user_id=ADMIN)
            group_refusal = await say(fake, GROUP, "/tz Asia/Kolkata", chat_type="group")
            await app.events.add(timed_event("talks", DELHI_START, title="Talks"), actor="t")
            await say(fake, ADMIN, "/editevent talks location=Mumbai")
            clock.shift(timedelta(seconds=30))
            app.reminders.wake()
            await until(lambda: any("✏️" in t for t in texts(fake, USER)), what="the alert")
            app.subscriptions.set_briefing(str(USER), "12:00")
            clock.move_to(datetime(2026, 12, 1, 9, 1, tzinfo=UTC))  # 12:01 in Moscow
            assert await app.briefings.check() == 1
            await until(lambda: any("📋" in t for t in texts(fake, USER)), what="the briefing")
            clock.move_to(DELHI_START - timedelta(hours=1))
            app.reminders.wake()
            await until(lambda: any("⏰" in t for t in texts(fake, USER)), what="the reminder")
    sent = texts(fake, USER)
    (alert,) = [t for t in sent if "✏️" in t]
    (briefing,) = [t for t in sent if "📋" in t]
    (reminder,) = [t for t in sent if "⏰" in t]

    assert refusal == gettext_in(
        lang, "Sorry, only SummitWatch admins can do that. /help lists what you can do."
    )
    problem = gettext_in(
        lang,
        "{token} is not an offset: write a number and a unit (w weeks, d days, h hours, m minutes)",
        token="'soon'",
    )
    example = gettext_in(lang, "Example: {example}", example="7d 1d 2h 30m")
    assert bad_offsets == "❗ " + escape(f"{problem}\n{example}")
    assert "offset" not in bad_offsets
    assert bad_zone.startswith("❗ IST")
    assert "Asia/Kolkata (India)" in bad_zone
    assert "abbreviation" not in bad_zone
    assert gettext_in(lang, "Example: {example}", example="/tz Asia/Kolkata") in bad_zone
    # The group was started by an admin whose Telegram speaks English: English there.
    assert group_refusal == "Only this group's admins can change its SummitWatch settings."

    assert alert.startswith("✏️ " + gettext_in(lang, "Changed: {title}", title="<b>Talks</b>"))
    assert MOSCOW_LINE[lang] in alert.splitlines()
    place, none = gettext_in(lang, "📍 Place"), gettext_in(lang, "(none)")
    assert f"{place}: {none} → Mumbai" in alert.splitlines()

    assert f"<b>{gettext_in(lang, 'Briefing')}</b>" in briefing
    assert f"<b>{ngettext_in(lang, 'Next {count} day', 'Next {count} days', 7)}</b>" in briefing
    assert (
        gettext_in(lang, "/briefing changes when this comes; /briefing off stops it.") in briefing
    )

    assert reminder.startswith(REMINDER_HEAD[lang])
    assert MOSCOW_LINE[lang] in reminder.splitlines()
    assert gettext_in(lang, "Add to your calendar (.ics)") in reminder
    assert "Add to your calendar" not in reminder


async def test_an_inline_card_is_worded_in_the_askers_telegram_language(
    settings: Settings, fake: FakeTelegram
) -> None:
    public = "https://summitwatch.example"
    with time_machine.travel(T0, tick=False):
        async with bot_running(bot_settings(settings, fake, public_url=public)) as app:
            await app.events.add(timed_event("talks", DELHI_START, title="Talks"), actor="t")
            asked = fake.push_inline_query(user_id=USER, query="talks", language_code="ru")
            russian = await fake.wait_for_inline_answer(asked["inline_query"]["id"])
            asked = fake.push_inline_query(user_id=OTHER_USER, query="talks")
            english = await fake.wait_for_inline_answer(asked["inline_query"]["id"])
    (card,) = russian["results"]
    text = card["input_message_content"]["message_text"]
    assert "🗓 пт, 4 дек. 2026, 04:30–06:30 UTC · 10:00 IST (Kolkata)" in text.splitlines()
    assert "Статус: ✅ подтверждено" in text.splitlines()
    labels = [b["text"] for row in card["reply_markup"]["inline_keyboard"] for b in row]
    assert labels == ["Страница события", "Добавить в календарь (.ics)", "🔔 Следить"]
    assert russian["is_personal"] is True  # not served from cache to the next asker
    (card,) = english["results"]
    assert "Status: ✅ confirmed" in card["input_message_content"]["message_text"]
    assert not english.get("is_personal")
