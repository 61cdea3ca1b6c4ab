"""Event fields in the readers' languages, end to end through the fake Bot API: an admin
writes ``title.hi=…``; a Hindi chat's reminder, /upcoming, /event, /history and inline
card show it, an English chat the original, and nobody is alerted for a translation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from calendars.i18n import gettext_in
from config.settings import Settings
from tests.conftest import timed_event, until
from tests.fakes.telegram_api import FakeTelegram
from tests.handlers.conftest import ADMIN, OTHER_USER, USER, bot_running, bot_settings, say, texts

pytestmark = pytest.mark.asyncio

T0 = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
DELHI_START = datetime(2026, 12, 4, 10, 0, tzinfo=ZoneInfo("Asia/Kolkata"))
HINDI_TITLE = "मोदी–पुतिन वार्ता"
HINDI_PLACE = "हैदराबाद हाउस, नई दिल्ली"


async def test_a_hindi_chat_reads_the_translation_and_an_english_one_the_original(
    settings: Settings, fake: FakeTelegram
) -> None:
    with time_machine.travel(T0, tick=False) as clock:
        async with bot_running(bot_settings(settings, fake)) as app:
            for chat, lang in ((USER, "hi"), (OTHER_USER, "en")):
                await say(fake, chat, "/start")
                await say(fake, chat, f"/lang {lang}")
                await say(fake, chat, "/remind 1h")
            talks = timed_event(
                "talks", DELHI_START, title="Modi–Putin talks", location="Hyderabad House"
            )
            await app.events.add(talks, actor="t")
            edited = await say(
                fake,
                ADMIN,
                f'/editevent talks title.hi="{HINDI_TITLE}" location.hi="{HINDI_PLACE}" '
                'location.ru="Дом Хайдарабада"',
            )
            clock.shift(timedelta(seconds=30))  # when a change alert would fall due
            app.reminders.wake()
            hindi_upcoming = await say(fake, USER, "/upcoming")
            english_upcoming = await say(fake, OTHER_USER, "/upcoming")
            hindi_event = await say(fake, USER, "/event talks")
            await say(fake, USER, "/history talks")  # /event's .ics came first
            headed = f"<b>{HINDI_TITLE}</b> · "
            await until(lambda: any(t.startswith(headed) for t in texts(fake, USER)), what="it")
            asked = fake.push_inline_query(user_id=USER, query="वार्ता", language_code="hi")
            card = await fake.wait_for_inline_answer(asked["inline_query"]["id"])
            clock.move_to(DELHI_START - timedelta(hours=1))
            app.reminders.wake()
            for chat in (USER, OTHER_USER):
                await until(lambda c=chat: any("⏰" in t for t in texts(fake, c)), what="reminder")
            # A translation alone alerted nobody; a change of the event does, in each language.
            quiet = not any("✏️" in t for t in texts(fake, USER) + texts(fake, OTHER_USER))
            await say(fake, ADMIN, "/editevent talks status=postponed")
            clock.shift(timedelta(seconds=30))
            app.reminders.wake()
            for chat in (USER, OTHER_USER):
                await until(lambda c=chat: any("✏️" in t for t in texts(fake, c)), what="alert")
    (hindi_reminder,) = [t for t in texts(fake, USER) if "⏰" in t]
    (english_reminder,) = [t for t in texts(fake, OTHER_USER) if "⏰" in t]
    (hindi_alert,) = [t for t in texts(fake, USER) if "✏️" in t]
    (english_alert,) = [t for t in texts(fake, OTHER_USER) if "✏️" in t]

    keys = "<code>location.hi</code>, <code>title.hi</code>, <code>location.ru</code>"
    assert f"🌐 Translations: {keys}. Readers of another language see the original." in edited
    assert f"<b>{HINDI_TITLE}</b>" in hindi_reminder
    assert f"📍 {HINDI_PLACE}" in hindi_reminder.splitlines()
    assert "Modi–Putin talks" not in hindi_reminder
    assert "<b>Modi–Putin talks</b>" in english_reminder
    assert "📍 Hyderabad House" in english_reminder.splitlines()
    assert HINDI_TITLE in hindi_upcoming
    assert "Modi–Putin talks" not in hindi_upcoming
    assert "Modi–Putin talks" in english_upcoming
    assert HINDI_TITLE not in english_upcoming
    assert HINDI_TITLE in hindi_event
    # The history records the translation, named in the reader's language.
    named = gettext_in(
        "hi", "{field} in {language}", field=gettext_in("hi", "Title"), language="हिन्दी"
    )
    line = f"{named}: {gettext_in('hi', '(none)')} → {HINDI_TITLE}"
    (hindi_history,) = [t for t in texts(fake, USER) if t.startswith(headed)]
    assert line in hindi_history
    # Found by its Hindi title, and shown in it.
    (result,) = card["results"]
    assert result["title"] == HINDI_TITLE
    assert f"<b>{HINDI_TITLE}</b>" in result["input_message_content"]["message_text"]
    # A translation is no change to the event: nobody was alerted for it.
    assert quiet
    changed = gettext_in("hi", "Changed: {title}", title=f"<b>{HINDI_TITLE}</b>")
    assert hindi_alert.startswith(f"✏️ {changed}")
    assert f"📍 {HINDI_PLACE}" in hindi_alert.splitlines()
    assert english_alert.startswith("✏️ Changed: <b>Modi–Putin talks</b>")


async def test_translations_are_removed_refused_with_the_right_form_and_flagged_when_stale(
    settings: Settings, fake: FakeTelegram
) -> None:
    with time_machine.travel(T0, tick=False):
        async with bot_running(bot_settings(settings, fake)) as app:
            await say(fake, USER, "/start")
            await say(fake, USER, "/lang hi")
            await app.events.add(timed_event("talks", DELHI_START, title="Talks"), actor="t")
            await say(fake, ADMIN, f'/editevent talks title.hi="{HINDI_TITLE}"')
            unknown_language = await say(fake, ADMIN, "/editevent talks title.de=Gespräche")
            unknown_field = await say(fake, ADMIN, "/editevent talks tags.hi=x")
            too_long = await say(fake, ADMIN, f'/editevent talks title.ru="{"д" * 201}"')
            stale = await say(fake, ADMIN, '/editevent talks title="Summit talks"')
            translated = await say(fake, USER, "/upcoming")
            removed = await say(fake, ADMIN, "/editevent talks title.hi=-")
            original = await say(fake, USER, "/upcoming")
            event = app.events.get("talks")

    assert unknown_language.startswith("❗ ")
    assert "hi (हिन्दी), mr (मराठी), ru (Русский)" in unknown_language
    assert "title.hi=" in unknown_language  # the example
    assert "title, location, description" in unknown_field
    assert "title.ru is 201 characters long; the limit is 200" in too_long
    assert "⚠️ <code>title.hi</code> still translate the old text" in stale
    assert "/editevent talks title.hi=-" in stale
    assert HINDI_TITLE in translated
    assert "🌐 No translations: every reader sees the original." in removed
    assert "<b>Summit talks</b>" in original
    assert HINDI_TITLE not in original
    assert not event.translations
    assert [c.field for c in event.history] == ["title.hi", "title", "title.hi"]
