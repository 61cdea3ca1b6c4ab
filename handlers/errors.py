"""The last line of defence: nothing raises out of a handler unanswered."""

from __future__ import annotations

import logging

from telegram import Update

from bot.telegram.context import BotContext
from calendars.i18n import _, speaking
from handlers.common import chat_language, reply

__all__ = ["on_error"]

logger = logging.getLogger(__name__)


async def on_error(update: object, context: BotContext) -> None:
    """Log the failure with its cause and tell the user something went wrong."""
    logger.error("handler.error update=%r", update, exc_info=context.error)
    if isinstance(update, Update) and update.effective_message is not None:
        try:
            with speaking(_language(update, context)):
                sorry = _(
                    "Something went wrong on my side; it has been logged. Please try again later."
                )
            await reply(update, sorry)
        except Exception:  # the reply itself may be what failed
            logger.exception("handler.error_reply_failed")


def _language(update: Update, context: BotContext) -> str | None:
    """The chat's language, or English when even that cannot be read (the store failed)."""
    try:
        return chat_language(update, context)
    except Exception:
        logger.exception("handler.error_language_unknown")
        return None
