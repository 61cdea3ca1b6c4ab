"""What every handler needs: who is asking, what they typed, and replying safely."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Coroutine
from html import escape
from typing import Any

from telegram import ChatMember, Document, LinkPreviewOptions, Update
from telegram.constants import ChatType, ParseMode
from telegram.error import TelegramError

from bot.services.subscriptions import ChatRef
from bot.telegram.context import BotContext
from bot.wording.notices import split_message
from calendars.errors import FetchFailed, InvalidInput, NotFound
from calendars.i18n import _, language_of, speaking
from calendars.subscribers import subscriber_id

__all__ = [
    "Handler",
    "actor_of",
    "admin_only",
    "attached_document",
    "chat_language",
    "chat_manager_only",
    "chat_ref",
    "chat_zone",
    "command_text",
    "download",
    "first_argument",
    "in_chat_language",
    "problem",
    "reply",
    "user_errors",
]

logger = logging.getLogger(__name__)

Handler = Callable[[Update, BotContext], Coroutine[Any, Any, Any]]
_CHAT_ADMINS = (ChatMember.OWNER, ChatMember.ADMINISTRATOR)


def chat_ref(update: Update) -> ChatRef:
    """The subscriber this update speaks for: the chat, or the forum topic it was sent in.

    Only forum topics count (``is_topic_message``): in other groups ``message_thread_id``
    is a chain of replies, not a place of its own. A button pressed under a message in a
    topic speaks for that topic too (the message carries the thread).
    """
    chat = update.effective_chat
    if chat is None:
        raise NotFound("this update has no chat")
    message = update.effective_message
    thread = message.message_thread_id if message is not None and message.is_topic_message else None
    title = chat.title or chat.full_name or chat.username or ""
    user = update.effective_user
    return ChatRef(
        id=subscriber_id(str(chat.id), thread),
        kind=chat.type,
        title=title,
        thread_id=thread,
        language=user.language_code if user else None,
    )


def chat_language(update: Update, context: BotContext) -> str | None:
    """The chat's language (/lang); for a chat not subscribed yet (or no chat: a button
    under an inline card), its user's Telegram language when it is one of ours; None
    (English) otherwise."""
    if update.effective_chat is None:  # inline mode: the asker's own Telegram language
        user = update.effective_user
        return language_of(user.language_code) if user else None
    chat = chat_ref(update)
    subscriber = context.subscriptions.get(chat.id)
    return subscriber.language if subscriber else language_of(chat.language)


def in_chat_language(handler: Handler) -> Handler:
    """Word every reply of ``handler`` in the chat's language."""

    @functools.wraps(handler)
    async def wrapper(update: Update, context: BotContext) -> Any:
        with speaking(chat_language(update, context)):
            return await handler(update, context)

    return wrapper


def chat_zone(update: Update, context: BotContext) -> str:
    """The zone this chat (or forum topic) reads times in: its own, else the default."""
    subscriber = context.subscriptions.get(chat_ref(update).id) if update.effective_chat else None
    return subscriber.zone if subscriber else context.services.settings.timezone


def first_argument(update: Update) -> str:
    """The first word after the command ("" when there is none): an id or a @name."""
    words = command_text(update).split()
    return words[0] if words else ""


def command_text(update: Update) -> str:
    """Everything after ``/command`` (or ``/command@Bot``), line breaks and quotes kept."""
    message = update.effective_message
    text = (message.text or message.caption or "") if message else ""
    parts = text.split(maxsplit=1)
    return parts[1].strip() if len(parts) == 2 and parts[0].startswith("/") else ""


async def reply(update: Update, html: str, **kwargs: Any) -> None:
    """Reply in HTML, split (never inside a tag) when over Telegram's 4096 characters."""
    message = update.effective_message
    if message is None:
        return
    chunks = split_message(html)
    for number, chunk in enumerate(chunks, start=1):
        extra = kwargs if number == len(chunks) else {}  # a keyboard goes on the last part
        await message.reply_text(
            chunk,
            parse_mode=ParseMode.HTML,
            link_preview_options=LinkPreviewOptions(is_disabled=True),
            **extra,
        )


def actor_of(update: Update) -> str:
    """Who did it, for the audit log."""
    user = update.effective_user
    return f"telegram:{user.id}" if user else "telegram:unknown"


def attached_document(update: Update) -> Document | None:
    """The file sent with the command as its caption, or the one the command replies to."""
    message = update.effective_message
    if message is None:
        return None
    if message.document is not None:
        return message.document
    replied = message.reply_to_message
    return replied.document if replied is not None else None


async def download(
    context: BotContext, document: Document, *, max_bytes: int, error: type[InvalidInput]
) -> bytes:
    """The attached file's bytes; one over ``max_bytes`` is refused before it is fetched."""
    if (document.file_size or 0) > max_bytes:
        raise error(_("the file is over {limit} bytes", limit=f"{max_bytes:,}"))
    telegram_file = await context.bot.get_file(document.file_id)
    return bytes(await telegram_file.download_as_bytearray())


def problem(text: str) -> str:
    return f"❗ {escape(text)}"


def user_errors(handler: Handler) -> Handler:
    """Bad input gets an answer saying what was wrong and how to write it right; so does a
    URL that could not be fetched (it is no fault of ours, and no traceback helps)."""

    @functools.wraps(handler)
    async def wrapper(update: Update, context: BotContext) -> Any:
        try:
            return await handler(update, context)
        except InvalidInput as exc:
            await reply(update, problem(exc.user_message()))
        except NotFound as exc:
            await reply(update, problem(str(exc)))
        except FetchFailed as exc:  # the URL the user gave could not be fetched: say why
            await reply(update, problem(exc.user_message()))
        return None

    return wrapper


def admin_only(handler: Handler) -> Handler:
    """Only user ids in SUMMITWATCH_ADMIN_IDS; everyone else gets a polite refusal."""

    @functools.wraps(handler)
    async def wrapper(update: Update, context: BotContext) -> Any:
        user = update.effective_user
        if not context.services.is_admin(user.id if user else None):
            await reply(
                update,
                _("Sorry, only SummitWatch admins can do that. /help lists what you can do."),
            )
            return None
        return await handler(update, context)

    return wrapper


def chat_manager_only(handler: Handler) -> Handler:
    """In groups, only the group's admins (or SummitWatch admins) change its settings."""

    @functools.wraps(handler)
    async def wrapper(update: Update, context: BotContext) -> Any:
        chat, user = update.effective_chat, update.effective_user
        if chat is not None and chat.type != ChatType.PRIVATE and user is not None:
            allowed = context.services.is_admin(user.id)
            if not allowed:
                try:
                    member = await context.bot.get_chat_member(chat.id, user.id)
                    allowed = member.status in _CHAT_ADMINS
                except TelegramError as exc:
                    logger.warning(
                        "telegram.member_check_failed chat=%s error=%r", chat.id, str(exc)
                    )
            if not allowed:
                await reply(
                    update, _("Only this group's admins can change its SummitWatch settings.")
                )
                return None
        return await handler(update, context)

    return wrapper
