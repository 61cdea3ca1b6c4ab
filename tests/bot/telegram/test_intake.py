"""Updates in, in process: recorded before they are confirmed, handled once, replayed if not."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest

from bot.store import Store
from bot.web.server import bind_socket
from config.settings import Settings
from tests.conftest import until
from tests.fakes.telegram_api import FakeTelegram
from tests.handlers.conftest import ADMIN, USER, bot_running, bot_settings, say, texts

pytestmark = pytest.mark.asyncio

SECRET = "s3cret-token"
AT = datetime(2026, 12, 1, 9, tzinfo=UTC)


async def test_a_webhook_update_sent_again_takes_effect_once(
    settings: Settings, fake: FakeTelegram
) -> None:
    listener = bind_socket("127.0.0.1", 0)
    url = f"http://127.0.0.1:{listener.getsockname()[1]}/telegram/webhook"
    configured = bot_settings(settings, fake, webhook_url=url, webhook_secret=SECRET)
    text = "/addevent 2027-03-01 10:00 UTC | Webhook Summit | Geneva | sco"
    async with bot_running(configured, listen_socket=listener) as app:
        update = fake.push_message(chat_id=ADMIN, text=text)
        await fake.wait_for_messages(ADMIN, 1)
        async with httpx.AsyncClient() as http:  # Telegram retrying: it missed our 200
            again = await http.post(
                url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}
            )
        assert again.status_code == 200
        assert "statistics" in await say(fake, ADMIN, "/stats")
        assert app.store.updates.is_done(update["update_id"])
        added = [e for e in app.store.events.all() if e.title == "Webhook Summit"]
    assert len(added) == 1
    assert len([t for t in texts(fake, ADMIN) if t.startswith("Added")]) == 1


async def test_a_webhook_update_is_recorded_before_it_is_answered(
    settings: Settings, fake: FakeTelegram
) -> None:
    listener = bind_socket("127.0.0.1", 0)
    url = f"http://127.0.0.1:{listener.getsockname()[1]}/telegram/webhook"
    configured = bot_settings(settings, fake, webhook_url=url, webhook_secret=SECRET)
    async with bot_running(configured, listen_socket=listener) as app:
        update = fake.push_message(chat_id=USER, text="/start")
        await fake.wait_for_webhook_deliveries(1)  # as soon as Telegram got its 200 ...
        assert app.store.updates.next_offset() == update["update_id"] + 1  # ... it was saved
        await fake.wait_for_messages(USER, 1)


async def test_every_polled_update_is_marked_handled_even_without_a_handler(
    settings: Settings, fake: FakeTelegram
) -> None:
    async with bot_running(bot_settings(settings, fake)) as app:
        chatter = fake.push_message(chat_id=USER, text="just chatting")  # no handler for it
        assert "Welcome" in await say(fake, USER, "/start")
        await until(lambda: app.store.updates.is_done(chatter["update_id"]), what="handled")
        offset = app.store.updates.next_offset()
    with Store(settings.db_path) as store:
        assert store.updates.unfinished() == []
        assert store.updates.next_offset() == offset


async def test_an_unreadable_recorded_update_is_logged_and_does_not_stop_the_start(
    settings: Settings, fake: FakeTelegram, caplog: pytest.LogCaptureFixture
) -> None:
    with Store(settings.db_path) as store:
        store.updates.receive(5, {"update_id": 5, "message": "not a message"}, at=AT)
    async with bot_running(bot_settings(settings, fake)) as app:
        assert "Welcome" in await say(fake, USER, "/start")
        assert app.store.updates.is_done(5)
    assert "telegram.replay_unreadable id=5" in caplog.text
