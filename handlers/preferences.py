"""A chat's news preferences: which articles it hears of (/filter), and when (/quiet)."""

from __future__ import annotations

from telegram import Update

from bot.telegram.context import BotContext
from bot.wording.preferences import filter_summary, quiet_summary
from handlers.common import chat_ref, command_text, reply, user_errors


@user_errors
async def news_filter(update: Update, context: BotContext) -> None:
    """``/filter`` shows the chat's news filter; ``/filter <terms>`` sets it; ``off`` clears."""
    text, chat_id = command_text(update), chat_ref(update).id
    if text:
        subscriber = context.subscriptions.set_filter(chat_id, text)
    else:
        subscriber = context.subscriptions.require(chat_id)
    await reply(update, filter_summary(subscriber.news_filter, changed=bool(text)))


@user_errors
async def quiet(update: Update, context: BotContext) -> None:
    """``/quiet`` shows the chat's quiet hours; ``/quiet 22:00-07:00`` sets them."""
    text, chat_id = command_text(update), chat_ref(update).id
    if text:
        subscriber = context.subscriptions.set_quiet_hours(chat_id, text)
    else:
        subscriber = context.subscriptions.require(chat_id)
    await reply(
        update,
        quiet_summary(
            subscriber.quiet_hours, zone=subscriber.zone, now=context.now(), changed=bool(text)
        ),
    )
