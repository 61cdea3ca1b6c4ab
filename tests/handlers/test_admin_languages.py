"""An admin's language end to end, through the fake Bot API: the admin commands answer in
the admin's chat language (/lang), and notices to admins (suggestions from the news, held
upstream changes) go out in each admin's own language."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import timedelta
from html import escape
from typing import Any

import pytest
import time_machine

from calendars.commands import ADDEVENT_EXAMPLE
from calendars.i18n import gettext_in, ngettext_in
from config.settings import Settings
from tests.fakes.feed_server import FeedServer
from tests.fakes.ical import Entry, calendar
from tests.fakes.telegram_api import FakeTelegram
from tests.handlers.conftest import ADMIN, OTHER_USER, bot_running, bot_settings, say, texts
from tests.handlers.test_suggestion_commands import T0, VISIT, cycle

pytestmark = pytest.mark.asyncio

ICS = "text/calendar; charset=utf-8"
# February 2026 as each language's calendar names it (the reply's Babel month).
FEBRUARY = {"hi": "फ़रवरी 2026", "mr": "फेब्रुवारी 2026", "ru": "февраль 2026"}
# A few replies in the words a reader of each language sees, checked literally.
ADDEVENT_DIALOGUE = {
    "hi": "चलिए कार्यक्रम जोड़ते हैं (रोकने के लिए /cancel)। यह कब है?",
    "mr": "चला, कार्यक्रम जोडूया (थांबवण्यासाठी /cancel). तो कधी आहे?",
    "ru": "Добавим событие (/cancel — прервать). Когда оно?",
}


@pytest.fixture
def site() -> Iterator[FeedServer]:
    with FeedServer() as server:
        yield server


def configured(settings: Settings, fake: FakeTelegram, **changes: Any) -> Settings:
    quiet = dataclasses.replace(
        settings, fetch_timeout=2.0, news_sources_path=None, sources_path=None
    )
    return bot_settings(quiet, fake, **changes)


def meetings(count: int, *, prefix: str) -> bytes:
    return calendar(
        Entry(f"{prefix}-{n}@x.example", T0 + timedelta(days=40, hours=n), f"Meeting {n}")
        for n in range(count)
    )


def refusal(lang: str, message: str, example: str | None = None, **fields: object) -> str:
    """``❗ <message>`` and its example line, in ``lang``, as a reply shows them."""
    text = gettext_in(lang, message, **fields)
    if example is not None:
        text += "\n" + gettext_in(lang, "Example: {example}", example=example)
    return "❗ " + escape(text)


@pytest.mark.parametrize("lang", ["hi", "mr", "ru"])
async def test_admin_commands_answer_in_the_admins_language(
    settings: Settings, fake: FakeTelegram, site: FeedServer, lang: str
) -> None:
    site.publish("c.ics", meetings(3, prefix="a"), content_type=ICS)
    url = site.url("c.ics")
    with time_machine.travel(T0, tick=False):
        async with bot_running(configured(settings, fake)):
            await say(fake, ADMIN, "/start")
            await say(fake, ADMIN, f"/lang {lang}")
            few_parts = await say(fake, ADMIN, "/addevent 2026-12-04 10:00 | Talks")
            no_day = await say(fake, ADMIN, "/addevent 2026-02-30 | Talks | Delhi | sco")
            asked = await say(fake, ADMIN, "/addevent")
            asked_again = await say(fake, ADMIN, "tomorrow")
            cancelled = await say(fake, ADMIN, "/cancel")
            unknown_field = await say(fake, ADMIN, "/editevent talks titel=x")
            added = await say(fake, ADMIN, f"/addsource {url} sco")
            bad_option = await say(fake, ADMIN, f"/addsource {url} zone=UTC")
            listed = await say(fake, ADMIN, "/sources")
            stats = await say(fake, ADMIN, "/stats")
            help_text = await say(fake, ADMIN, "/help")

    parts = "<when> | <title> | <location> | <tags> [| <description>]"
    assert few_parts == refusal(
        lang,
        "expected 4 or 5 parts separated by |, got {count}: {parts}",
        ADDEVENT_EXAMPLE,
        count=2,
        parts=parts,
    )
    assert no_day.startswith("❗ " + gettext_in(lang, "part 1 (when)") + ": 2026-02-30")
    assert FEBRUARY[lang] in no_day
    assert asked.startswith(ADDEVENT_DIALOGUE[lang])
    assert asked_again.startswith("❗ ")
    assert asked_again.endswith("\n" + gettext_in(lang, "When is it?"))
    assert cancelled == gettext_in(lang, "Cancelled; nothing was added.")
    assert escape(gettext_in(lang, "did you mean {field}?", field="title")) in unknown_field

    events = gettext_in(lang, "{count} added", count=3)
    assert gettext_in(lang, "Events: {done}.", done=events) in added
    assert "Watching" not in added
    assert "Events:" not in added
    assert bad_option.startswith(
        refusal(
            lang,
            "unknown option {option}: only tz=Area/City is known (after the topics)",
            option="'zone'",
        )
    )
    head = ngettext_in(lang, "{count} upstream calendar", "{count} upstream calendars", 1)
    assert listed.startswith(f"<b>{head}</b>")
    assert gettext_in(lang, "Next poll {when}", when="").strip() in listed
    assert stats.startswith("<b>" + gettext_in(lang, "SummitWatch statistics") + "</b>")
    subscribers = gettext_in(
        lang, "Subscribers: {count} ({kinds})", count=1, kinds=gettext_in(lang, "private") + " 1"
    )
    assert subscribers in stats
    described = gettext_in(lang, "upstream calendars and their health")
    assert f"/sources — {escape(described)}" in help_text


def notices_to(fake: FakeTelegram, admin: int, head: str) -> list[dict[str, Any]]:
    return [m for m in fake.sent_messages(admin) if m.get("text", "").startswith(head)]


async def test_each_admin_gets_suggestions_and_held_changes_in_their_own_language(
    settings: Settings, fake: FakeTelegram, site: FeedServer
) -> None:
    """ADMIN reads Russian (/lang ru); OTHER_USER, an admin who never set a language, English."""
    admins = frozenset({ADMIN, OTHER_USER})
    site.publish("c.ics", meetings(30, prefix="a"), content_type=ICS)
    with time_machine.travel(T0, tick=False) as clock:
        async with bot_running(configured(settings, fake, admin_ids=admins)) as app:
            await say(fake, ADMIN, "/start")
            await say(fake, ADMIN, "/lang ru")
            await cycle(app, site)  # the first poll: nothing announced yet
            await cycle(app, site, VISIT)
            await fake.wait_for(lambda _: bool(notices_to(fake, OTHER_USER, "New from")))
            (russian,) = notices_to(fake, ADMIN, "Новое из новостей — добавить в календарь?")
            (english,) = notices_to(fake, OTHER_USER, "New from the news")
            buttons = [b["text"] for b in russian["reply_markup"]["inline_keyboard"][0]]
            (add,) = [b for b in russian["reply_markup"]["inline_keyboard"][0] if "➕" in b["text"]]
            before = len(fake.sent_messages(ADMIN))
            fake.push_callback_query(
                chat_id=ADMIN,
                user_id=ADMIN,
                data=add["callback_data"],
                message_id=russian["message_id"],
            )
            (rumoured,) = (await fake.wait_for_messages(ADMIN, before + 1))[before:]
            (event,) = app.store.events.all()

            await say(fake, ADMIN, f"/addsource {site.url('c.ics')} sco")
            (source,) = app.store.upstream_sources.all()
            site.publish("c.ics", meetings(30, prefix="b"), content_type=ICS)
            clock.shift(timedelta(minutes=31))
            (outcome,) = await app.upstream.poller.poll_due()
            await fake.wait_for(lambda _: bool(notices_to(fake, OTHER_USER, "Upstream calendar")))
            await fake.wait_for(lambda _: bool(notices_to(fake, ADMIN, "Внешний календарь")))

    assert "📰 Источников: 1" in russian["text"]
    assert "Sources: 1" not in russian["text"]
    assert buttons == ["➕ Добавить", "✏️ Изменить", "🙈 Пропустить"]
    assert "📰 Sources: 1" in english["text"]
    english_buttons = [b["text"] for b in english["reply_markup"]["inline_keyboard"][0]]
    assert english_buttons == ["➕ Add", "✏️ Edit", "🙈 Ignore"]
    added_as = gettext_in("ru", "Added {id} as rumoured:", id=f"<code>{event.id}</code>")
    assert rumoured["text"].startswith(added_as)

    assert outcome.status == "held"
    (held_ru,) = notices_to(fake, ADMIN, "Внешний календарь")
    (held_en,) = notices_to(fake, OTHER_USER, "Upstream calendar")
    assert "⏸ Отложено: опрос внёс бы изменений: 60 при числе событий 30" in held_ru["text"]
    assert f"Применить: /applysource {source.id}" in held_ru["text"]
    assert "would make 60 changes to its 30 events" in held_en["text"]
    assert texts(fake, OTHER_USER)  # the English admin was told too, in English
