"""Sends print no python-telegram-bot warning into the operator's log.

The notifier sends with ``Bot.do_api_request`` (no ``Message`` built per send), on which
PTB warns for every call to an endpoint it knows; ``silence_send_advice`` mutes only that.
pytest turns warnings into errors, so this test puts back Python's own default filters,
as a deployed process has them, to see what the log would get.
"""

from __future__ import annotations

import warnings

import pytest
from telegram.warnings import PTBUserWarning

from bot.delivery.notifier import Outcome
from bot.telegram.notifier import silence_send_advice
from config.settings import Settings
from tests.fakes.telegram_api import FakeTelegram
from tests.handlers.conftest import USER, bot_running, bot_settings, say

pytestmark = pytest.mark.asyncio


async def test_a_broadcast_leaves_no_ptb_warning_in_the_log(
    settings: Settings, fake: FakeTelegram
) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.resetwarnings()
        warnings.simplefilter("always")  # every warning, every time: none may hide
        silence_send_advice()  # what importing the notifier did, before pytest's filters
        async with bot_running(bot_settings(settings, fake)) as app:
            await say(fake, USER, "/start")
            outcomes = await app.broadcaster.broadcast("Summit moved", actor="test")
    assert outcomes == {Outcome.SENT: 1}
    assert [m for m, p in fake.requests if m == "sendMessage" and p["text"] == "Summit moved"]
    assert [str(w.message) for w in caught if issubclass(w.category, PTBUserWarning)] == []
