"""Suggestion buttons, attacked: pressed twice at once, pressed by a non-admin, forged."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import time_machine

from config.settings import Settings
from tests.fakes.feed_server import FeedServer
from tests.fakes.telegram_api import FakeTelegram
from tests.handlers.conftest import ADMIN, USER, bot_running, texts
from tests.handlers.test_suggestion_commands import (
    T0,
    VISIT,
    button,
    cycle,
    notices,
    press,
    quick,
)


@pytest.fixture
def feeds() -> Iterator[FeedServer]:
    with FeedServer() as server:
        yield server


pytestmark = pytest.mark.asyncio


async def test_add_pressed_twice_at_once_adds_one_event(
    settings: Settings, fake: FakeTelegram, feeds: FeedServer
) -> None:
    with time_machine.travel(T0, tick=False):
        async with bot_running(quick(settings, fake)) as app:
            await cycle(app, feeds)
            await cycle(app, feeds, VISIT)
            (notice,) = notices(fake)
            data = button(notice, "Add")
            for _ in range(2):
                fake.push_callback_query(
                    chat_id=ADMIN, user_id=ADMIN, data=data, message_id=notice["message_id"]
                )
            await fake.wait_for(lambda rs: sum(m == "answerCallbackQuery" for m, _ in rs) >= 2)
            await app.wait_background()
            events = app.store.events.all()
    assert len(events) == 1


async def test_a_forged_press_by_a_non_admin_adds_nothing(
    settings: Settings, fake: FakeTelegram, feeds: FeedServer
) -> None:
    with time_machine.travel(T0, tick=False):
        async with bot_running(quick(settings, fake)) as app:
            await cycle(app, feeds)
            await cycle(app, feeds, VISIT)
            (notice,) = notices(fake)
            data = button(notice, "Add")
            fake.push_callback_query(chat_id=USER, user_id=USER, data=data, message_id=1)
            await fake.wait_for(lambda _: bool(texts(fake, USER)))
            fake.push_callback_query(
                chat_id=ADMIN, user_id=ADMIN, data="sg:add:nonesuch", message_id=1
            )
            await fake.wait_for(lambda rs: any(m == "answerCallbackQuery" for m, _ in rs))
            await app.wait_background()
            events = app.store.events.all()
    assert list(events) == []
    assert "only SummitWatch admins" in texts(fake, USER)[-1]


def alerts_of(fake: FakeTelegram) -> list[str]:
    return [
        str(body.get("text", ""))
        for method, body in fake.requests
        if method == "answerCallbackQuery" and body.get("show_alert")
    ]


async def test_edit_of_a_suggestion_already_added_says_so_before_any_question(
    settings: Settings, fake: FakeTelegram, feeds: FeedServer
) -> None:
    """The notice keeps its Edit button in other admins' chats (and in this one, after
    /suggestions): pressing it once the meeting is in the calendar must say so at once,
    not after five answered questions, whose answers are then thrown away."""
    with time_machine.travel(T0, tick=False):
        async with bot_running(quick(settings, fake)) as app:
            await cycle(app, feeds)
            await cycle(app, feeds, VISIT)
            (notice,) = notices(fake)
            await press(fake, notice, "Add")
            await fake.wait_for(lambda _: any("as rumoured" in t for t in texts(fake, ADMIN)))
            before = len(fake.sent_messages(ADMIN))
            await press(fake, notice, "Edit")
            await fake.wait_for(
                lambda _: bool(alerts_of(fake)) or len(fake.sent_messages(ADMIN)) > before
            )
            alerts = alerts_of(fake)
            asked = fake.sent_messages(ADMIN)[before:]
            events = app.store.events.all()
    assert len(list(events)) == 1
    assert asked == []  # no "When is it?"
    assert any("already added" in text for text in alerts)
