"""Admins' suggestions from the news (/suggestions, its Add and Ignore buttons) and /watch.

Edit opens the guided /addevent dialogue filled in (``handlers.addevent``).
"""

from __future__ import annotations

from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot.telegram.context import BotContext
from bot.wording.replies import event_details
from bot.wording.suggestions import (
    SUGGESTION_PREFIX,
    suggestion_buttons,
    suggestions_list,
    unwatched,
    watch_list,
    watching,
)
from calendars.errors import InvalidInput, NotFound
from calendars.i18n import _
from calendars.news.suggested_events import suggested_event
from calendars.news.watch_commands import WATCH_ADD_EXAMPLE, parse_watch_add
from handlers.common import actor_of, chat_zone, command_text, reply, user_errors

__all__ = ["SUGGESTION_PATTERN", "keyboard", "suggestion_button", "suggestions", "watch"]

MAX_LISTED = 10  # messages one /suggestions sends (each carries its own buttons)
SUGGESTION_PATTERN = f"^{SUGGESTION_PREFIX}:(add|ign):"
_WATCH_USAGE = f"/watch · /watch add … · /watch rm <name> · {WATCH_ADD_EXAMPLE}"


def keyboard(suggestion_id: str) -> InlineKeyboardMarkup:
    buttons = suggestion_buttons(suggestion_id)
    return InlineKeyboardMarkup([[InlineKeyboardButton(t, callback_data=d) for t, d in buttons]])


@user_errors
async def suggestions(update: Update, context: BotContext) -> None:
    """The new suggestions, one message each with Add, Edit and Ignore under it."""
    waiting = context.services.suggestions.new()
    if not waiting:
        await reply(update, suggestions_list([])[0])
        return
    shown = waiting[:MAX_LISTED]
    for suggestion, text in zip(shown, suggestions_list(shown), strict=True):
        await reply(update, text, reply_markup=keyboard(suggestion.id))
    if len(waiting) > len(shown):
        more = len(waiting) - len(shown)
        await reply(
            update,
            _("…and {count} more: add or ignore these, then /suggestions again.", count=more),
        )


async def suggestion_button(update: Update, context: BotContext) -> None:
    """Add (the event, rumoured, with the articles) or Ignore, from a suggestion's buttons."""
    query = update.callback_query
    if query is None or not query.data:
        return
    _prefix, action, suggestion_id = query.data.split(":", 2)
    service = context.services.suggestions
    try:
        if action == "ign":
            ignored = service.ignore(suggestion_id, actor=actor_of(update))
            await query.answer(_("Ignored: {title}", title=ignored.title)[:190])
            await query.edit_message_reply_markup(None)
            return
        suggestion = service.get(suggestion_id)
        event = suggested_event(
            suggestion,
            zone=context.services.settings.timezone,
            now=context.now(),
            taken=context.events.ids(),
        )
        added = await service.add(suggestion_id, event, actor=actor_of(update))
    except (InvalidInput, NotFound) as exc:
        await query.answer(str(exc)[:190], show_alert=True)
        return
    await query.answer(_("Added {id}", id=added.id)[:190])
    await query.edit_message_reply_markup(None)
    details = event_details(
        added, zone=chat_zone(update, context), now=context.now(), meta=context.meta
    )
    head = _("Added {id} as rumoured:", id=f"<code>{escape(added.id)}</code>")
    await reply(update, f"{head}\n\n{details}")


@user_errors
async def watch(update: Update, context: BotContext) -> None:
    """``/watch``, ``/watch add <name> [aliases…] [kind=…] [topics=…]``, ``/watch rm <name>``."""
    service = context.services.suggestions
    action, _space, rest = command_text(update).partition(" ")
    rest = rest.strip()
    if not action:
        await reply(update, watch_list(service.configured, service.added()))
    elif action.lower() == "add":
        name = parse_watch_add(rest)
        service.watch(name, actor=actor_of(update))
        await reply(update, watching(service.known(name.name) or name))
    elif action.lower() in ("rm", "remove"):
        if not rest:
            raise InvalidInput(_("which name?"), example="/watch rm Zelensky")
        spelled = rest.strip('"')
        service.unwatch(spelled, actor=actor_of(update))
        await reply(update, unwatched(spelled, still=service.known(spelled)))
    else:
        raise InvalidInput(
            _(
                "unknown /watch {action}: use /watch, /watch add or /watch rm",
                action=repr(action[:20]),
            ),
            example=_WATCH_USAGE,
        )
