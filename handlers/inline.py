"""Inline mode: ``@bot <words>`` in any chat finds events and posts one as a card.

No subscription is needed (the asker may never have started the bot), so nothing here
reads a chat's settings: the card shows UTC and the venue's time, in the words of the
asker's Telegram language when it is one of ours (answers are then cached per user).
"""

from __future__ import annotations

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
    LinkPreviewOptions,
    Update,
)
from telegram.constants import ParseMode

from bot.telegram.context import BotContext
from bot.wording.cards import EventCard, event_card
from calendars.i18n import DEFAULT_LANGUAGE, _, language_of, speaking

__all__ = ["INLINE_CACHE_SECONDS", "INLINE_LIMIT", "search"]

INLINE_LIMIT = 20
# Telegram keeps answers this long per query text; short, so an edit shows up soon.
INLINE_CACHE_SECONDS = 30


def _article(result_id: str, card: EventCard) -> InlineQueryResultArticle:
    keyboard = [[InlineKeyboardButton(label, url=url)] for label, url in card.buttons]
    if card.follow:
        keyboard.append([InlineKeyboardButton("🔔 " + _("Follow"), callback_data=card.follow)])
    return InlineQueryResultArticle(
        id=result_id,
        title=card.title,
        description=card.description,
        input_message_content=InputTextMessageContent(
            card.text,
            parse_mode=ParseMode.HTML,
            link_preview_options=LinkPreviewOptions(is_disabled=True),
        ),
        reply_markup=InlineKeyboardMarkup(keyboard) if keyboard else None,
    )


async def search(update: Update, context: BotContext) -> None:
    """Answer an inline query with the matching upcoming events (the next ones if empty)."""
    query = update.inline_query
    if query is None:
        return
    events = context.events.search(query.query, limit=INLINE_LIMIT)
    now = context.now()
    lang = language_of(query.from_user.language_code) or DEFAULT_LANGUAGE
    with speaking(lang):
        results = [_article(e.id, event_card(e, context.meta, now=now)) for e in events]
    # Telegram caches an answer per query text for everyone unless it is personal: a
    # Russian card must not be shown to the next English asker of the same words.
    personal = lang != DEFAULT_LANGUAGE
    await query.answer(results, cache_time=INLINE_CACHE_SECONDS, is_personal=personal)
