"""The bot's own membership: removed from a chat, it forgets the chat and all its topics.

Telegram says so at once (a ``my_chat_member`` update); waiting for the next delivery to
answer 403 would keep a group that removed the bot subscribed, and its settings stored,
until some reminder fell due.
"""

from __future__ import annotations

import logging

from telegram import ChatMember, Update

from bot.telegram.context import BotContext

__all__ = ["bot_membership"]

logger = logging.getLogger(__name__)

_GONE = (ChatMember.LEFT, ChatMember.BANNED)


async def bot_membership(update: Update, context: BotContext) -> None:
    """The bot left, was removed or was blocked: unsubscribe the chat and its forum topics."""
    change = update.my_chat_member
    if change is None or change.new_chat_member.status not in _GONE:
        return
    removed = context.subscriptions.forget_chat(str(change.chat.id))
    logger.info(
        "subscriber.chat_left chat=%s status=%s removed=%d",
        change.chat.id,
        change.new_chat_member.status,
        removed,
    )
