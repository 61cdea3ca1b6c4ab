"""One command table: the published menus, /help and the registered handlers are one set."""

from __future__ import annotations

import re

import pytest
from telegram.ext import CommandHandler, ConversationHandler

from config.settings import Settings
from handlers.commands import COMMANDS, Audience
from tests.fakes.telegram_api import FakeTelegram
from tests.handlers.conftest import ADMIN, USER, bot_running, bot_settings, say

pytestmark = pytest.mark.asyncio

# Answers inside the /addevent dialogue, not commands of their own.
DIALOGUE_ONLY = {"skip", "cancel"}


def help_commands(text: str) -> set[str]:
    return set(re.findall(r"^/(\w+) — ", text, flags=re.MULTILINE))


async def test_menus_help_and_handlers_are_the_same_set(
    settings: Settings, fake: FakeTelegram
) -> None:
    async with bot_running(bot_settings(settings, fake)) as app:
        admin_help = help_commands(await say(fake, ADMIN, "/help"))
        user_help = help_commands(await say(fake, USER, "/help"))
        assert app.telegram is not None
        registered: set[str] = set()
        for group in app.telegram.application.handlers.values():
            for handler in group:
                inner = handler.entry_points if isinstance(handler, ConversationHandler) else []
                for command in [handler, *inner]:
                    if isinstance(command, CommandHandler):
                        registered |= set(command.commands)
    menus = {
        p.get("scope", {}).get("type", "default"): {c["command"] for c in p["commands"]}
        for m, p in fake.requests
        if m == "setMyCommands"
    }
    table = {c.name for c in COMMANDS}
    for_admins = {c.name for c in COMMANDS if c.audience is Audience.BOT_ADMINS}
    assert menus["chat"] == admin_help == registered == table
    assert menus["default"] == user_help == table - for_admins
    assert for_admins  # the split is real: admins see more


async def test_every_command_has_a_one_line_description() -> None:
    for command in COMMANDS:
        assert command.description
        assert "\n" not in command.description
        assert len(command.description) <= 256  # Telegram's limit for a menu entry
