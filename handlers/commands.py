"""The one command table: every command's name, handler, description and audience.

Registration, the command menus Telegram shows (per scope) and ``/help`` are all derived
from ``COMMANDS``, so they cannot drift apart. The audience is also the access check:
``register`` wraps each handler in it, so no handler can forget its own.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from telegram import Update
from telegram.ext import (
    Application,
    BaseHandler,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    InlineQueryHandler,
    MessageHandler,
    filters,
)

from bot.telegram.context import BotContext
from bot.wording.replies import help_text
from calendars.follows import FOLLOW_PREFIX
from calendars.i18n import DEFAULT_LANGUAGE, N_, current_language, gettext_in
from handlers import addevent, admin, follows, inline, membership, news, preferences, user
from handlers import sources as upstream
from handlers import suggestions as suggested
from handlers.common import (
    Handler,
    admin_only,
    chat_manager_only,
    in_chat_language,
    reply,
    user_errors,
)
from handlers.errors import on_error

__all__ = ["ADMIN_MENU", "CHAT_MENU", "COMMANDS", "Audience", "Command", "menu", "register"]


class Audience(enum.Enum):
    EVERYONE = "everyone"
    CHAT_ADMINS = "chat admins"  # in groups and channels; everyone in their private chat
    BOT_ADMINS = "bot admins"  # SUMMITWATCH_ADMIN_IDS


_GUARDS: dict[Audience, Callable[[Handler], Handler]] = {
    Audience.EVERYONE: lambda handler: handler,
    Audience.CHAT_ADMINS: chat_manager_only,
    Audience.BOT_ADMINS: admin_only,
}


@dataclass(frozen=True, slots=True)
class Command:
    name: str
    callback: Handler
    description: str
    audience: Audience = Audience.EVERYONE
    # A file sent with "/<name>" as its caption runs the command too (captions are not commands).
    takes_file: bool = False
    # Builds the handler from the guarded callback when a plain CommandHandler is not enough.
    handler: Callable[[Handler], BaseHandler[Any, Any, Any]] | None = None

    def handlers(self) -> list[BaseHandler[Any, Any, Any]]:
        guarded = in_chat_language(_GUARDS[self.audience](self.callback))
        built: list[BaseHandler[Any, Any, Any]] = [
            self.handler(guarded) if self.handler else CommandHandler(self.name, guarded)
        ]
        if self.takes_file:
            caption = filters.CaptionRegex(rf"^/{self.name}(@\w+)?(\s|$)")
            built.append(MessageHandler(filters.Document.ALL & caption, guarded))
        return built


@user_errors
async def help_command(update: Update, context: BotContext) -> None:
    """List the commands (admin ones too, for admins)."""
    user_id = update.effective_user.id if update.effective_user else None
    lang = current_language()
    admin = menu([Audience.BOT_ADMINS], lang) if context.services.is_admin(user_id) else []
    await reply(update, help_text(menu(CHAT_MENU, lang), admin))


E, C, A = Audience.EVERYONE, Audience.CHAT_ADMINS, Audience.BOT_ADMINS
COMMANDS: tuple[Command, ...] = (
    Command("start", user.start, N_("subscribe this chat to reminders"), C),
    Command("upcoming", user.upcoming, N_("next events, optionally of one topic: /upcoming sco")),
    Command("event", user.event, N_("details of one event: /event putin-new-delhi-2025")),
    Command("follow", follows.follow, N_("follow one event: /follow putin-new-delhi-2025"), C),
    Command("unfollow", follows.unfollow, N_("stop following one event: /unfollow <id>"), C),
    Command("following", follows.following, N_("the events this chat follows by name")),
    Command("history", follows.history, N_("every change of an event: /history <id>")),
    Command(
        "calendar",
        user.calendar,
        N_("this chat's private calendar link, and feeds for Google, Apple or Outlook"),
    ),
    Command("topics", user.topics, N_("choose the topics this chat follows"), C),
    Command("subscribe", user.subscribe, N_("follow a topic: /subscribe india-russia"), C),
    Command("unsubscribe", user.unsubscribe, N_("stop following a topic: /unsubscribe energy"), C),
    Command("tz", user.timezone, N_("your time zone: /tz Asia/Kolkata"), C),
    Command(
        "lang", preferences.language, N_("language: /lang hi, /lang mr, /lang ru, /lang en"), C
    ),
    Command("remind", user.remind, N_("when to remind: /remind 7d 1d 2h 30m, or /remind off"), C),
    Command(
        "filter",
        preferences.news_filter,
        N_('only some news: /filter +S-400 +"rare earths" -cricket, or /filter off'),
        C,
    ),
    Command(
        "quiet",
        preferences.quiet,
        N_("hold news overnight: /quiet 22:00-07:00, or off (reminders and alerts still come)"),
        C,
    ),
    Command(
        "briefing",
        preferences.briefing,
        N_("a daily or weekly summary: /briefing 08:00, /briefing weekly mon 08:00, or off"),
        C,
    ),
    Command("addchannel", user.addchannel, N_("send reminders to a channel: /addchannel @name")),
    Command("stop", user.stop, N_("unsubscribe and forget this chat's settings"), C),
    Command("help", help_command, N_("this list")),
    Command(
        "addevent",
        addevent.start,
        N_("add an event (no arguments: a guided dialogue)"),
        A,
        handler=addevent.conversation,
    ),
    Command(
        "editevent",
        admin.editevent,
        N_('change fields: /editevent <id> status=confirmed source=<url> note="…"'),
        A,
    ),
    Command("cancelevent", admin.cancelevent, N_("cancel an event; subscribers are told"), A),
    Command(
        "importics",
        admin.importics,
        N_("import an .ics file (attach it) or URL [tz=Area/City for zoneless times]"),
        A,
        takes_file=True,
    ),
    Command("broadcast", admin.broadcast, N_("send a message to every subscriber"), A),
    Command("stats", admin.stats, N_("subscribers, events and deliveries"), A),
    Command("feeds", news.feeds, N_("news feeds and their health"), A),
    Command(
        "addfeed", news.addfeed, N_("watch a news feed: /addfeed <url> [topics…] [backfill]"), A
    ),
    Command("rmfeed", news.rmfeed, N_("stop watching a feed: /rmfeed <id or url>"), A),
    Command(
        "importopml",
        news.importopml,
        N_("add the feeds of an OPML file (attach it)"),
        A,
        takes_file=True,
    ),
    Command("exportopml", news.exportopml, N_("the watched feeds as an OPML file"), A),
    Command(
        "addsource",
        upstream.addsource,
        N_("poll an upstream calendar: /addsource <.ics url> [topics…] [tz=Area/City]"),
        A,
    ),
    Command("sources", upstream.sources, N_("upstream calendars and their health"), A),
    Command(
        "rmsource",
        upstream.rmsource,
        N_("stop polling a calendar (events stay): /rmsource <id>"),
        A,
    ),
    Command(
        "applysource",
        upstream.applysource,
        N_("apply a calendar's held change: /applysource <id>"),
        A,
    ),
    Command(
        "discardsource",
        upstream.discardsource,
        N_("discard a held change: /discardsource <id>"),
        A,
    ),
    Command(
        "suggestions", suggested.suggestions, N_("meetings the news announced: add or ignore"), A
    ),
    Command("watch", suggested.watch, N_("names the news is read for: /watch add|rm <name>"), A),
)


# What Telegram's menu shows everyone (in a private chat everyone manages their own chat),
# and what it shows the bot's admins in their private chats.
CHAT_MENU = (Audience.EVERYONE, Audience.CHAT_ADMINS)
ADMIN_MENU = (*CHAT_MENU, Audience.BOT_ADMINS)


def menu(audiences: Iterable[Audience], lang: str = DEFAULT_LANGUAGE) -> list[tuple[str, str]]:
    """(name, description in ``lang``) of the commands for these audiences, in the table's
    order."""
    wanted = set(audiences)
    return [(c.name, gettext_in(lang, c.description)) for c in COMMANDS if c.audience in wanted]


def register(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    # The /addevent dialogue comes first: while it runs, its states take the admin's
    # plain-text answers before any other handler could.
    ordered = sorted(COMMANDS, key=lambda c: c.handler is None)
    for command in ordered:
        for handler in command.handlers():
            application.add_handler(handler)
    application.add_handler(
        CallbackQueryHandler(
            in_chat_language(chat_manager_only(user.toggle_topic)),
            pattern=f"^{user.TOPIC_PREFIX}",
        )
    )
    application.add_handler(
        CallbackQueryHandler(
            in_chat_language(chat_manager_only(follows.follow_button)),
            pattern=f"^{FOLLOW_PREFIX}[:#]",
        )
    )
    application.add_handler(
        CallbackQueryHandler(
            in_chat_language(admin_only(suggested.suggestion_button)),
            pattern=suggested.SUGGESTION_PATTERN,
        )
    )
    application.add_handler(InlineQueryHandler(inline.search))  # @bot <words>, in any chat
    application.add_handler(  # removed from a chat: forget it and its forum topics
        ChatMemberHandler(membership.bot_membership, ChatMemberHandler.MY_CHAT_MEMBER)
    )
    application.add_error_handler(on_error)
