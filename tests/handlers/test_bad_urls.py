"""A URL that would break feeds is refused where it is typed, with a reason."""

from __future__ import annotations

from datetime import timedelta

import pytest

from config.settings import Settings
from tests.conftest import timed_event
from tests.fakes.telegram_api import FakeTelegram
from tests.handlers.conftest import ADMIN, bot_running, bot_settings, say

pytestmark = pytest.mark.asyncio


@pytest.mark.parametrize("char", ["\n", "\x0b", "\x0c", "\x1b", "\u2028", "\x85"])
async def test_editevent_refuses_a_url_with_a_control_or_separator_character(
    settings: Settings, fake: FakeTelegram, char: str
) -> None:
    async with bot_running(bot_settings(settings, fake)) as app:
        await app.events.add(timed_event("talks", app.now() + timedelta(days=5)), actor="t")
        answer = await say(fake, ADMIN, f'/editevent talks url="https://mea.gov.in/a{char}b"')
        stored = app.store.events.get("talks")
    assert answer.startswith("❗")
    assert f"contains U+{ord(char):04X}" in answer
    assert "a URL is one line with no spaces or control characters" in answer
    assert "Example: https://" in answer
    assert stored is not None
    assert stored.urls == ()
