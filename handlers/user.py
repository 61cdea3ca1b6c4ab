"""Commands for everyone: subscribe, browse events, choose zone, topics and reminders."""

from __future__ import annotations

from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import TelegramError

from bot.services.subscriptions import ChannelFacts
from bot.telegram.context import BotContext
from bot.wording.local_time import is_shared
from bot.wording.replies import (
    calendar_links,
    event_details,
    settings_summary,
    upcoming_list,
    welcome,
)
from calendars.errors import InvalidInput
from calendars.i18n import _, current_language
from calendars.subscribers import Subscriber
from calendars.time.offsets import describe_offsets
from calendars.time.zones import zone_warning
from handlers.common import (
    chat_manager_only,
    chat_ref,
    chat_zone,
    command_text,
    first_argument,
    reply,
    user_errors,
)
from handlers.follows import follow_keyboard

UPCOMING_LIMIT = 5
TOPIC_PREFIX = "topic:"


@user_errors
async def start(update: Update, context: BotContext) -> None:
    """Subscribe this chat to everything and say what the bot does."""
    subscriber, new = context.subscriptions.subscribe(chat_ref(update))
    now = context.now()
    upcoming = context.events.upcoming()
    following = [e for e in upcoming if e.follows_topics(subscriber.topics)]
    await reply(
        update,
        welcome(
            subscriber,
            next_event=following[0] if following else None,
            now=now,
            meta=context.meta,
            default_offsets=context.services.default_offsets,
            new=new,
        ),
    )


@user_errors
async def stop(update: Update, context: BotContext) -> None:
    """Unsubscribe and forget this chat's settings."""
    chat = chat_ref(update)
    removed = context.subscriptions.unsubscribe(chat.id)
    topic = chat.thread_id is not None
    if removed:
        text = (
            _("Unsubscribed; this topic's settings are deleted. /start subscribes again.")
            if topic
            else _("Unsubscribed; this chat's settings are deleted. /start subscribes again.")
        )
    else:
        text = (
            _("This topic was not subscribed. /start subscribes it.")
            if topic
            else _("This chat was not subscribed. /start subscribes it.")
        )
    await reply(update, text)


@user_errors
async def upcoming(update: Update, context: BotContext) -> None:
    """The next events, optionally of one topic."""
    text = command_text(update)
    topic = context.subscriptions.check_topic(text) if text else None
    now = context.now()
    events = context.events.upcoming(tag=topic)[:UPCOMING_LIMIT]
    zone, shared = chat_zone(update, context), _shared(update)
    await reply(update, upcoming_list(events, zone=zone, now=now, topic=topic, shared=shared))


@user_errors
async def event(update: Update, context: BotContext) -> None:
    """One event's details, its sources, and its .ics file."""
    event_id = first_argument(update)
    if not event_id:
        raise InvalidInput(_("which event? Give its id"), example="/event putin-new-delhi-2025")
    found = context.events.get(event_id.lower())
    zone, now = chat_zone(update, context), context.now()
    details = event_details(found, zone=zone, now=now, meta=context.meta, shared=_shared(update))
    await reply(update, details, reply_markup=follow_keyboard(found.id))
    feed = context.services.calendar_feeds.event(found.id)
    message = update.effective_message
    if feed is not None and message is not None and found.dated:  # else the file is empty
        await message.reply_document(document=feed.body, filename=feed.filename)


def _shared(update: Update) -> bool:
    """A group or channel: its readers are on many clocks, not only the chat's zone."""
    return update.effective_chat is not None and is_shared(update.effective_chat.type)


@user_errors
async def calendar(update: Update, context: BotContext) -> None:
    """Links to add the calendar, this chat's topics and its private feed to calendar apps."""
    argument = first_argument(update).lower()
    if argument == "reset":
        await chat_manager_only(_reset_calendar)(update, context)
        return
    if argument:
        raise InvalidInput(
            _("/calendar takes no argument, or 'reset' for a new private link"),
            example="/calendar reset",
        )
    chat = context.subscriptions.calendar(chat_ref(update).id)
    await reply(
        update, calendar_links(context.meta, topics=chat.topics, feed_token=chat.feed_token)
    )


@user_errors
async def _reset_calendar(update: Update, context: BotContext) -> None:
    chat = context.subscriptions.calendar(chat_ref(update).id, reset=True)
    await reply(
        update,
        calendar_links(context.meta, topics=chat.topics, feed_token=chat.feed_token, reset=True),
    )


def topics_keyboard(subscriber: Subscriber, topics: list[str]) -> InlineKeyboardMarkup:
    buttons = [
        InlineKeyboardButton(
            f"{'✅' if subscriber.topics is None or t in subscriber.topics else '▫️'} {t}",
            callback_data=f"{TOPIC_PREFIX}{t}",
        )
        for t in topics
    ]
    return InlineKeyboardMarkup([buttons[i : i + 2] for i in range(0, len(buttons), 2)])


@user_errors
async def topics(update: Update, context: BotContext) -> None:
    """A keyboard to choose which topics this chat follows."""
    subscriber = context.subscriptions.require(chat_ref(update).id)
    offered = context.subscriptions.topics()
    await reply(
        update,
        _("Tap a topic to follow or stop following it:"),
        reply_markup=topics_keyboard(subscriber, offered),
    )


async def toggle_topic(update: Update, context: BotContext) -> None:
    """A tap on the topics keyboard."""
    query = update.callback_query
    if query is None or not query.data:
        return
    tag = query.data.removeprefix(TOPIC_PREFIX)
    try:
        subscriber = context.subscriptions.toggle(chat_ref(update).id, tag)
    except (InvalidInput, LookupError) as exc:
        await query.answer(str(exc)[:190], show_alert=True)
        return
    following = subscriber.topics is None or tag in subscriber.topics
    answer = (
        _("Following {topic}", topic=tag)
        if following
        else _("Stopped following {topic}", topic=tag)
    )
    await query.answer(answer)
    await query.edit_message_reply_markup(
        topics_keyboard(subscriber, context.subscriptions.topics())
    )


@user_errors
async def subscribe(update: Update, context: BotContext) -> None:
    """Follow one topic."""
    await _follow(update, context, on=True)


@user_errors
async def unsubscribe(update: Update, context: BotContext) -> None:
    """Stop following one topic."""
    await _follow(update, context, on=False)


async def _follow(update: Update, context: BotContext, *, on: bool) -> None:
    tag = command_text(update)
    if not tag:
        verb = "subscribe" if on else "unsubscribe"
        raise InvalidInput(
            _("which topic? {topics}", topics=", ".join(context.subscriptions.topics())),
            example=f"/{verb} india-russia",
        )
    subscriber = context.subscriptions.follow(chat_ref(update).id, tag, on=on)
    await reply(
        update, settings_summary(subscriber, default_offsets=context.services.default_offsets)
    )


@user_errors
async def timezone(update: Update, context: BotContext) -> None:
    """Set the zone this chat sees times in."""
    subscriber = context.subscriptions.set_zone(chat_ref(update).id, command_text(update))
    warning = zone_warning(subscriber.zone, now=context.now())
    await reply(
        update,
        _("Times are now shown in {zone}.", zone=f"<b>{escape(subscriber.zone)}</b>")
        + (f"\n⚠️ {escape(warning)}" if warning else ""),
    )


@user_errors
async def remind(update: Update, context: BotContext) -> None:
    """Choose how long before events this chat is reminded."""
    text = command_text(update)
    if not text:
        raise InvalidInput(
            _("when should I remind you? Give offsets, or 'off'"), example="/remind 7d 1d 2h 30m"
        )
    subscriber = context.subscriptions.set_offsets(chat_ref(update).id, text)
    offsets = subscriber.offsets_or(context.services.default_offsets)
    described = escape(describe_offsets(offsets, current_language()))
    await reply(update, _("Reminders: {offsets} each event.", offsets=f"<b>{described}</b>"))


@user_errors
async def addchannel(update: Update, context: BotContext) -> None:
    """Subscribe a channel the bot posts in; only that channel's admins may."""
    name = first_argument(update)
    if not name.startswith("@") or len(name) < 2:
        raise InvalidInput(
            _("give the channel's @username"), example="/addchannel @summitwatch_news"
        )
    user = update.effective_user
    try:
        channel = await context.bot.get_chat(name)
        bot_member = await context.bot.get_chat_member(channel.id, context.bot.id)
        user_member = await context.bot.get_chat_member(channel.id, user.id) if user else None
    except TelegramError as exc:
        raise InvalidInput(
            _(
                "I cannot see {name}: add me to the channel as an admin first ({reason})",
                name=name,
                reason=exc.message,
            ),
            example="/addchannel @summitwatch_news",
        ) from exc
    facts = ChannelFacts(
        id=str(channel.id),
        name=name,
        title=channel.title or name,
        is_channel=channel.type == ChatType.CHANNEL,
        bot_is_admin=bot_member.status == ChatMemberStatus.ADMINISTRATOR,
        user_is_admin=user_member is not None
        and user_member.status in (ChatMemberStatus.OWNER, ChatMemberStatus.ADMINISTRATOR),
        user_is_bot_admin=context.services.is_admin(user.id if user else None),
    )
    subscriber, new = context.subscriptions.add_channel(facts)
    text = (
        _("{name} is subscribed: reminders for all topics, times in {zone}.")
        if new
        else _("{name} is already subscribed: reminders for all topics, times in {zone}.")
    )
    await reply(update, text.format(name=escape(name), zone=escape(subscriber.zone)))
