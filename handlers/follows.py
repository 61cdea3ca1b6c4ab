"""Following single events (/follow, /unfollow, /following, the Follow button) and /history."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot.services.subscriptions import ChatRef, FollowResult
from bot.telegram.context import BotContext
from bot.wording.lifecycle import follow_reply, followed_list, history_text
from calendars.errors import InvalidInput, NotFound
from calendars.follows import follow_data, parse_follow_data
from calendars.i18n import _, current_language
from calendars.translations import localized
from handlers.common import chat_ref, chat_zone, first_argument, reply, user_errors

__all__ = ["follow", "follow_button", "follow_keyboard", "following", "history", "unfollow"]


def follow_keyboard(event_id: str) -> InlineKeyboardMarkup:
    """The "Follow" button under an event card."""
    button = InlineKeyboardButton("🔔 " + _("Follow"), callback_data=follow_data(event_id))
    return InlineKeyboardMarkup([[button]])


def _answer(result: FollowResult, *, on: bool) -> str:
    return follow_reply(result.event, on=on, changed=result.changed, by_topic=result.by_topic)


def _event_id(update: Update, command: str) -> str:
    event_id = first_argument(update)
    if not event_id:
        raise InvalidInput(
            _("which event? Give its id (/upcoming lists them)"),
            example=f"/{command} putin-new-delhi-2025",
        )
    return event_id


@user_errors
async def follow(update: Update, context: BotContext) -> None:
    """Follow one event: its reminders and change alerts come here, whatever the topics."""
    result = context.subscriptions.follow_event(chat_ref(update), _event_id(update, "follow"))
    await reply(update, _answer(result, on=True))


@user_errors
async def unfollow(update: Update, context: BotContext) -> None:
    """Stop following one event by name (its topics may still bring it)."""
    event_id = _event_id(update, "unfollow")
    result = context.subscriptions.follow_event(chat_ref(update), event_id, on=False)
    await reply(update, _answer(result, on=False))


@user_errors
async def following(update: Update, context: BotContext) -> None:
    """The events this chat follows by name."""
    events = context.subscriptions.followed_events(chat_ref(update).id)
    await reply(update, followed_list(events, zone=chat_zone(update, context)))


@user_errors
async def history(update: Update, context: BotContext) -> None:
    """Every change of an event's status, time, place and title, newest first."""
    found = context.events.get(_event_id(update, "history").lower())
    await reply(update, history_text(found, zone=chat_zone(update, context)))


async def follow_button(update: Update, context: BotContext) -> None:
    """A tap on "Follow": in a chat, that chat follows; under an inline card (no chat),
    the person who tapped follows, in their private chat with the bot."""
    query = update.callback_query
    parsed = parse_follow_data(query.data or "") if query is not None else None
    if query is None or parsed is None:
        return
    value, digest = parsed
    chat = chat_ref(update) if update.effective_chat is not None else None
    if chat is None:
        user = query.from_user
        chat = ChatRef(id=str(user.id), kind="private", title=user.full_name)
    try:
        result = context.subscriptions.follow_event(chat, f"#{value}" if digest else value)
    except (InvalidInput, NotFound) as exc:
        await query.answer(str(exc)[:190], show_alert=True)
        return
    title = localized(result.event, current_language()).title
    if update.effective_chat is not None:
        answer = (
            _("Following {title}", title=title)
            if result.changed
            else _("Already following {title}", title=title)
        )
    elif result.changed:
        answer = _("Following {title} (in your private chat with me)", title=title)
    else:
        answer = _("Already following {title} (in your private chat with me)", title=title)
    await query.answer(answer[:190])
