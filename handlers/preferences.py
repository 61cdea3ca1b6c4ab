"""A chat's preferences: which articles it hears of (/filter), when (/quiet), its
briefing (/briefing) and its language (/lang)."""

from __future__ import annotations

from telegram import Update

from bot.telegram.context import BotContext
from bot.wording.briefings import briefing_summary
from bot.wording.preferences import filter_summary, language_summary, quiet_summary
from calendars.i18n import current_language, speaking
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


@user_errors
async def briefing(update: Update, context: BotContext) -> None:
    """``/briefing`` shows the chat's briefing; ``/briefing 08:00`` or ``weekly mon 08:00``
    sets it; ``off`` stops it."""
    text, chat_id = command_text(update), chat_ref(update).id
    if text:
        subscriber = context.subscriptions.set_briefing(chat_id, text)
    else:
        subscriber = context.subscriptions.require(chat_id)
    await reply(
        update,
        briefing_summary(
            subscriber.briefing,
            zone=subscriber.zone,
            sent=subscriber.briefing_sent,
            quiet_hours=subscriber.quiet_hours,
            now=context.now(),
            changed=bool(text),
        ),
    )


@user_errors
async def language(update: Update, context: BotContext) -> None:
    """``/lang`` shows the chat's language; ``/lang ru`` sets it (and answers in it)."""
    text, chat_id = command_text(update), chat_ref(update).id
    if not text:
        await reply(update, language_summary(current_language(), changed=False))
        return
    subscriber = context.subscriptions.set_language(chat_id, text)
    with speaking(subscriber.language):
        await reply(update, language_summary(subscriber.language, changed=True))
