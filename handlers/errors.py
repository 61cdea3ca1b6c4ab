"""The last line of defence: nothing raises out of a handler unanswered."""

from __future__ import annotations

import logging

from telegram import Update

from bot.telegram.context import BotContext
from handlers.common import reply

__all__ = ["on_error"]

logger = logging.getLogger(__name__)


async def on_error(update: object, context: BotContext) -> None:
    """Log the failure with its cause and tell the user something went wrong."""
    logger.error("handler.error update=%r", update, exc_info=context.error)
    if isinstance(update, Update) and update.effective_message is not None:
        try:
            await reply(
                update,
                "Something went wrong on my side; it has been logged. Please try again later.",
            )
        except Exception:  # the reply itself may be what failed
            logger.exception("handler.error_reply_failed")
