"""Telegram handlers: turn updates into calls on the core and replies, nothing more.

``commands.COMMANDS`` is the one table of commands; ``register`` and ``menus`` derive from it.
"""

from __future__ import annotations

from calendars.i18n import DEFAULT_LANGUAGE
from handlers.commands import ADMIN_MENU, CHAT_MENU, menu, register

__all__ = ["menus", "register"]


def menus(lang: str = DEFAULT_LANGUAGE) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The command menus to publish in ``lang``: everyone's, and the bot admins'."""
    return menu(CHAT_MENU, lang), menu(ADMIN_MENU, lang)
