"""A stop (SIGTERM) in the middle of a broadcast: nobody misses it, nobody gets it twice."""

from __future__ import annotations

import asyncio
from collections import Counter

import pytest

from bot.store import Store
from calendars.subscribers import Subscriber
from config.settings import Settings
from tests.conftest import until
from tests.fakes.telegram_api import FakeTelegram
from tests.handlers.conftest import bot_running, bot_settings

pytestmark = pytest.mark.asyncio

CHATS = [5000 + n for n in range(60)]
TEXT = "The summit moved to Friday"


def received(fake: FakeTelegram) -> Counter[int]:
    return Counter(m["chat_id"] for m in fake.sent_messages() if m.get("text") == TEXT)


async def test_a_broadcast_cut_short_by_a_stop_is_finished_by_the_next_start(
    settings: Settings, fake: FakeTelegram
) -> None:
    configured = bot_settings(settings, fake)
    async with bot_running(configured) as app:
        for chat in CHATS:
            app.store.subscribers.save(Subscriber(id=str(chat)))
        sending = asyncio.create_task(app.broadcaster.broadcast(TEXT, actor="admin"))
        await until(lambda: sum(received(fake).values()) >= 10, what="the first sends")
    await sending  # the stop let the sends under way finish, and started no more
    first = received(fake)
    assert 10 <= len(first) < len(CHATS)

    with Store(configured.db_path) as store:
        statuses = Counter(
            doc["status"] for doc in store._db.table("deliveries") if "broadcast:" in doc.doc_id
        )
        assert statuses == {"sent": len(first)}  # every send recorded; none marked failed
        assert len(store.broadcasts.unfinished()) == 1

    async with bot_running(configured) as app:
        await app.wait_background()  # the start resumes the broadcast
    assert received(fake) == Counter(dict.fromkeys(CHATS, 1))
