"""Telegram handlers: turn updates into calls on the core and replies, nothing more."""

from __future__ import annotations

from typing import Any

from telegram.ext import Application, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from handlers import admin, news, user
from handlers.errors import on_error

__all__ = ["register"]

USER_HANDLERS = {
    "start": user.start,
    "stop": user.stop,
    "help": user.help_command,
    "upcoming": user.upcoming,
    "event": user.event,
    "calendar": user.calendar,
    "topics": user.topics,
    "subscribe": user.subscribe,
    "unsubscribe": user.unsubscribe,
    "tz": user.timezone,
    "remind": user.remind,
    "addchannel": user.addchannel,
}
ADMIN_HANDLERS = {
    "editevent": admin.editevent,
    "cancelevent": admin.cancelevent,
    "importics": admin.importics,
    "broadcast": admin.broadcast,
    "stats": admin.stats,
    "feeds": news.feeds,
    "addfeed": news.addfeed,
    "rmfeed": news.rmfeed,
    "importopml": news.importopml,
    "exportopml": news.exportopml,
}


def register(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    # The /addevent dialogue comes first: while it runs, its states take the admin's
    # plain-text answers before any other handler could.
    application.add_handler(admin.addevent_conversation())
    for name, callback in {**USER_HANDLERS, **ADMIN_HANDLERS}.items():
        application.add_handler(CommandHandler(name, callback))
    # An .ics sent with "/importics" as its caption: commands in captions are not commands.
    caption = filters.CaptionRegex(r"^/importics(@\w+)?(\s|$)")
    application.add_handler(MessageHandler(filters.Document.ALL & caption, admin.importics))
    opml_caption = filters.CaptionRegex(r"^/importopml(@\w+)?(\s|$)")
    application.add_handler(MessageHandler(filters.Document.ALL & opml_caption, news.importopml))
    application.add_handler(
        CallbackQueryHandler(user.toggle_topic, pattern=f"^{user.TOPIC_PREFIX}")
    )
    application.add_error_handler(on_error)
