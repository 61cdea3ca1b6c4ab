"""``/addevent``: one line with ``|`` between the parts, or a guided dialogue.

The dialogue keeps each answer under its own name and builds the event from them
directly, so an answer may contain any character, ``|`` included. A suggestion's Edit
button opens it filled in: each question shows the suggested answer, and ``.`` keeps it.
"""

from __future__ import annotations

import warnings
from html import escape
from typing import Any

from telegram import Update
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)
from telegram.warnings import PTBUserWarning

from bot.telegram.context import BotContext
from bot.wording.replies import event_details, time_notes
from bot.wording.suggestions import SUGGESTION_PREFIX
from calendars.commands import EventDraft, build_event, parse_addevent
from calendars.errors import InvalidInput
from calendars.events import Event
from calendars.i18n import N_, _
from calendars.news.suggested_events import suggested_draft
from calendars.time.when import WHEN_EXAMPLE, parse_when
from handlers.common import (
    Handler,
    actor_of,
    admin_only,
    chat_zone,
    command_text,
    in_chat_language,
    problem,
    reply,
    user_errors,
)

__all__ = ["conversation", "start"]

WHEN, TITLE, LOCATION, TAGS, DESCRIPTION = range(5)
_FIELDS = {WHEN: "when", TITLE: "title", LOCATION: "location", TAGS: "tags"}
_DRAFT = "addevent_draft"
_SUGGESTED = "addevent_suggested"  # {"id": suggestion id, field: suggested answer, ...}
_PROMPTS = {  # worded in the admin's language where they are asked
    TITLE: N_("Title? (e.g. <i>Modi–Putin talks</i>)"),
    LOCATION: N_("Where? (e.g. <i>Hyderabad House, New Delhi</i>; <code>-</code> for none)"),
    TAGS: N_("Topics, separated by spaces? (e.g. <i>india-russia defence</i>)"),
    DESCRIPTION: N_("A description? /skip to leave it empty."),
}


def _answers(context: BotContext) -> dict[str, str]:
    """The answers given so far in this admin's dialogue, by field."""
    if context.user_data is None:
        raise RuntimeError("the /addevent dialogue needs a user")
    answers: dict[str, str] = context.user_data.setdefault(_DRAFT, {})
    return answers


def _suggested(context: BotContext) -> dict[str, str]:
    """What the suggestion being edited proposes, by field (empty for a plain /addevent)."""
    if context.user_data is None:
        raise RuntimeError("the /addevent dialogue needs a user")
    suggested: dict[str, str] = context.user_data.setdefault(_SUGGESTED, {})
    return suggested


def _prompt(context: BotContext, state: int) -> str:
    proposed = _suggested(context).get(_FIELDS.get(state, ""), "")
    if not proposed:
        return _(_PROMPTS[state])
    return f"{_(_PROMPTS[state])}\n{_proposal(proposed)}"


def _proposal(proposed: str) -> str:
    return _("Suggested: {answer} (send . to keep it)", answer=f"<code>{escape(proposed)}</code>")


async def _added(update: Update, context: BotContext, event: Event) -> None:
    suggestion_id = _suggested(context).pop("id", "")
    if suggestion_id:  # rumoured, with the suggestion's articles; the suggestion is done
        added = await context.services.suggestions.add(suggestion_id, event, actor=actor_of(update))
    else:
        added = await context.events.add(event, actor=actor_of(update))
    details = event_details(
        added, zone=chat_zone(update, context), now=context.now(), meta=context.meta
    )
    head = _("Added {id}. Subscribers will see:", id=f"<code>{escape(added.id)}</code>")
    await reply(update, f"{head}\n\n{details}" + time_notes(added))


@user_errors
async def start(update: Update, context: BotContext) -> int:
    """Add an event from one line, or start the guided dialogue when there is none."""
    text = command_text(update)
    _suggested(context).clear()
    if text:
        event = parse_addevent(
            text,
            default_zone=chat_zone(update, context),
            now=context.now(),
            taken=context.events.ids(),
        )
        await _added(update, context, event)
        return ConversationHandler.END
    _answers(context).clear()
    await reply(
        update,
        _("Let's add an event (/cancel stops). When is it?")
        + "\n"
        + _(
            "e.g. {example}, {zoned} or an all-day {days}; only the month known: {month}, "
            "or the year: {year}",
            example=f"<code>{escape(WHEN_EXAMPLE)}</code>",
            zoned="<code>2026-12-04 10:00 Asia/Kolkata</code>",
            days="<code>2026-12-04..2026-12-05</code>",
            month="<code>2026-12</code>",
            year="<code>2027</code>",
        ),
    )
    return WHEN


async def edit_suggestion(update: Update, context: BotContext) -> int:
    """A suggestion's Edit button: the dialogue, each answer filled in from the news."""
    query = update.callback_query
    if query is None or not query.data:
        return ConversationHandler.END
    suggestion_id = query.data.rsplit(":", 1)[-1]
    try:
        suggestion = context.services.suggestions.editable(suggestion_id)
    except (LookupError, InvalidInput) as exc:
        await query.answer(str(exc)[:190], show_alert=True)
        return ConversationHandler.END
    await query.answer()
    draft = suggested_draft(suggestion, zone=chat_zone(update, context))
    _answers(context).clear()
    suggested = _suggested(context)
    suggested.clear()
    fields = {"title": draft.title, "location": draft.location, "tags": draft.tags}
    suggested.update({"id": suggestion.id, "when": draft.when, **fields})
    when = _("When is it?") + "\n" + _proposal(draft.when)
    head = _("Let's add {title} (/cancel stops).", title=f"<b>{escape(suggestion.title)}</b>")
    await reply(update, f"{head}\n{when}")
    return WHEN


def _answering(state: int) -> Handler:
    """The handler of one question: keep the answer, ask the next; a bad *when* is asked again."""

    async def answer(update: Update, context: BotContext) -> int:
        message = update.effective_message
        text = (message.text or "").strip() if message else ""
        if text == ".":  # keep the suggested answer
            text = _suggested(context).get(_FIELDS.get(state, ""), "") or text
        if state == WHEN:
            try:
                parse_when(text, default_zone=chat_zone(update, context), periods=True)
            except InvalidInput as exc:
                await reply(update, problem(exc.user_message()) + "\n" + _("When is it?"))
                return WHEN
        if state == DESCRIPTION:
            return await _finish(update, context, description=text)
        _answers(context)[_FIELDS[state]] = text
        await reply(update, _prompt(context, state + 1))
        return state + 1

    return in_chat_language(answer)


async def skip_description(update: Update, context: BotContext) -> int:
    return await _finish(update, context, description="")


async def _finish(update: Update, context: BotContext, *, description: str) -> int:
    answers = dict(_answers(context))
    _answers(context).clear()
    try:
        event = build_event(
            EventDraft(description=description, **answers),
            default_zone=chat_zone(update, context),
            now=context.now(),
            taken=context.events.ids(),
        )
        await _added(update, context, event)
    except InvalidInput as exc:
        await reply(
            update,
            f"{problem(exc.user_message())}\n" + _("Nothing was added; /addevent to start again."),
        )
    return ConversationHandler.END


async def cancel(update: Update, context: BotContext) -> int:
    _answers(context).clear()
    _suggested(context).clear()
    await reply(update, _("Cancelled; nothing was added."))
    return ConversationHandler.END


def conversation(entry: Handler) -> ConversationHandler[Any]:
    """The dialogue, entered through ``entry`` (``start`` behind the admin check) or a
    suggestion's Edit button (an admin's too)."""
    answer = filters.TEXT & ~filters.COMMAND
    edit = CallbackQueryHandler(
        in_chat_language(admin_only(edit_suggestion)), pattern=f"^{SUGGESTION_PREFIX}:edit:"
    )
    with warnings.catch_warnings():
        # PTB warns that per_message=False does not track a button per message: the button
        # only opens the dialogue, whose answers are messages in the same chat.
        warnings.filterwarnings("ignore", "If 'per_message=False'", PTBUserWarning)
        return _dialogue(entry, edit, answer)


def _dialogue(
    entry: Handler, edit: CallbackQueryHandler[Any, Any], answer: filters.BaseFilter
) -> ConversationHandler[Any]:
    return ConversationHandler(
        entry_points=[CommandHandler("addevent", entry), edit],
        states={
            WHEN: [MessageHandler(answer, _answering(WHEN))],
            TITLE: [MessageHandler(answer, _answering(TITLE))],
            LOCATION: [MessageHandler(answer, _answering(LOCATION))],
            TAGS: [MessageHandler(answer, _answering(TAGS))],
            DESCRIPTION: [
                MessageHandler(answer, _answering(DESCRIPTION)),
                CommandHandler("skip", in_chat_language(skip_description)),
            ],
        },
        fallbacks=[CommandHandler("cancel", in_chat_language(cancel))],
        name="addevent",
    )
