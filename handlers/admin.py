"""Admin commands: add, edit, cancel and import events; broadcast; statistics."""

from __future__ import annotations

import asyncio
from collections import Counter
from html import escape

from telegram import Document, Update
from telegram.ext import CommandHandler, ConversationHandler, MessageHandler, filters

from bot.delivery.notifier import Outcome
from bot.fetch.client import fetch_limited
from bot.telegram.context import BotContext
from bot.wording.imports import import_summary
from bot.wording.replies import event_details
from calendars.commands import EDITEVENT_EXAMPLE, parse_addevent, parse_editevent
from calendars.errors import InvalidCalendarFile, InvalidInput
from calendars.ical.importer import parse_ics
from calendars.time.timefmt import format_relative
from calendars.time.when import WHEN_EXAMPLE, parse_when
from calendars.time.zones import zone_or_none
from handlers.common import admin_only, chat_zone, command_text, first_argument, reply, user_errors

__all__ = [
    "actor_of",
    "addevent_conversation",
    "attached_document",
    "broadcast",
    "cancelevent",
    "editevent",
    "importics",
    "stats",
]

MAX_ICS_BYTES = 1_000_000
WHEN, TITLE, LOCATION, TAGS, DESCRIPTION = range(5)
_DRAFT = "addevent_draft"
_PROMPTS = {
    TITLE: "Title? (e.g. <i>Modi–Putin talks</i>)",
    LOCATION: "Where? (e.g. <i>Hyderabad House, New Delhi</i>; <code>-</code> for none)",
    TAGS: "Topics, separated by spaces? (e.g. <i>india-russia defence</i>)",
    DESCRIPTION: "A description? /skip to leave it empty.",
}


def _draft(context: BotContext) -> list[str]:
    """The answers given so far in this admin's /addevent dialogue."""
    if context.user_data is None:
        raise RuntimeError("the /addevent dialogue needs a user")
    draft: list[str] = context.user_data.setdefault(_DRAFT, [])
    return draft


def actor_of(update: Update) -> str:
    user = update.effective_user
    return f"telegram:{user.id}" if user else "telegram:unknown"


async def _create(update: Update, context: BotContext, text: str) -> None:
    store = context.services.store
    event = parse_addevent(
        text, default_zone=chat_zone(update, context), now=context.now(), taken=store.events
    )
    added = await context.events.add(event, actor=actor_of(update))
    details = event_details(
        added, zone=chat_zone(update, context), now=context.now(), meta=context.meta
    )
    await reply(
        update, f"Added <code>{escape(added.id)}</code>. Subscribers will see:\n\n{details}"
    )


@user_errors
@admin_only
async def addevent(update: Update, context: BotContext) -> int:
    """Add an event from one line, or start the guided dialogue when there is none."""
    text = command_text(update)
    if text:
        await _create(update, context, text)
        return ConversationHandler.END
    _draft(context).clear()
    await reply(
        update,
        "Let's add an event (/cancel stops). When is it?\n"
        f"e.g. <code>{escape(WHEN_EXAMPLE)}</code>, <code>2026-12-04 10:00 Asia/Kolkata</code> "
        "or an all-day <code>2026-12-04..2026-12-05</code>",
    )
    return WHEN


async def _answer(update: Update, context: BotContext, state: int) -> int:
    """Keep one answer of the dialogue and ask the next question; a bad answer is asked again."""
    answer = (update.effective_message.text or "").strip() if update.effective_message else ""
    if "|" in answer:
        await reply(update, "❗ Please leave out '|': it separates the parts of an event.")
        return state
    if state == WHEN:
        try:
            parse_when(answer, default_zone=chat_zone(update, context))
        except InvalidInput as exc:
            await reply(update, f"❗ {escape(exc.user_message())}\nWhen is it?")
            return WHEN
    draft = _draft(context)
    draft.append(answer)
    if state < DESCRIPTION:
        await reply(update, _PROMPTS[state + 1])
        return state + 1
    return await _finish(update, context)


async def _finish(update: Update, context: BotContext) -> int:
    answers = list(_draft(context))
    _draft(context).clear()
    try:
        await _create(update, context, " | ".join(answers))
    except InvalidInput as exc:
        await reply(
            update, f"❗ {escape(exc.user_message())}\nNothing was added; /addevent to start again."
        )
    return ConversationHandler.END


async def got_when(update: Update, context: BotContext) -> int:
    return await _answer(update, context, WHEN)


async def got_title(update: Update, context: BotContext) -> int:
    return await _answer(update, context, TITLE)


async def got_location(update: Update, context: BotContext) -> int:
    return await _answer(update, context, LOCATION)


async def got_tags(update: Update, context: BotContext) -> int:
    return await _answer(update, context, TAGS)


async def got_description(update: Update, context: BotContext) -> int:
    return await _answer(update, context, DESCRIPTION)


async def skip_description(update: Update, context: BotContext) -> int:
    _draft(context).append("")
    return await _finish(update, context)


async def cancel(update: Update, context: BotContext) -> int:
    _draft(context).clear()
    await reply(update, "Cancelled; nothing was added.")
    return ConversationHandler.END


def addevent_conversation() -> ConversationHandler[BotContext]:
    answer = filters.TEXT & ~filters.COMMAND
    return ConversationHandler(
        entry_points=[CommandHandler("addevent", addevent)],
        states={
            WHEN: [MessageHandler(answer, got_when)],
            TITLE: [MessageHandler(answer, got_title)],
            LOCATION: [MessageHandler(answer, got_location)],
            TAGS: [MessageHandler(answer, got_tags)],
            DESCRIPTION: [
                MessageHandler(answer, got_description),
                CommandHandler("skip", skip_description),
            ],
        },
        fallbacks=[CommandHandler("cancel", cancel)],
        name="addevent",
    )


@user_errors
@admin_only
async def editevent(update: Update, context: BotContext) -> None:
    """Change fields of an event; SEQUENCE grows so calendars take the new version."""
    text = command_text(update)
    if not text:
        raise InvalidInput("which event, and what should change?", example=EDITEVENT_EXAMPLE)
    event_id, changes = parse_editevent(text, current_lookup=context.services.store.events.get)
    edited = await context.events.edit(event_id, actor=actor_of(update), **changes)
    details = event_details(
        edited, zone=chat_zone(update, context), now=context.now(), meta=context.meta
    )
    await reply(update, f"Updated (version {edited.sequence}):\n\n{details}")


@user_errors
@admin_only
async def cancelevent(update: Update, context: BotContext) -> None:
    """Cancel an event: it stays in the feed as cancelled and its followers are told."""
    event_id = first_argument(update)
    if not event_id:
        raise InvalidInput("which event?", example="/cancelevent putin-new-delhi-2025")
    cancelled = await context.events.cancel(event_id.lower(), actor=actor_of(update))
    await reply(
        update,
        f"Cancelled <b>{escape(cancelled.title)}</b>. It stays in the calendar feed marked "
        "cancelled, and the chats following it have been told.",
    )


def attached_document(update: Update) -> Document | None:
    message = update.effective_message
    if message is None:
        return None
    if message.document is not None:
        return message.document
    replied = message.reply_to_message
    return replied.document if replied is not None else None


@user_errors
@admin_only
async def importics(update: Update, context: BotContext) -> None:
    """Upsert the events of an attached .ics file, or of one at a URL (``tz=`` optional)."""
    document = attached_document(update)
    url, zone = _import_arguments(command_text(update))
    if document is not None:
        if (document.file_size or 0) > MAX_ICS_BYTES:
            raise InvalidCalendarFile(f"the file is over {MAX_ICS_BYTES:,} bytes")
        telegram_file = await context.bot.get_file(document.file_id)
        data = bytes(await telegram_file.download_as_bytearray())
    elif url:
        fetched = await fetch_limited(context.services.http, url, max_bytes=MAX_ICS_BYTES)
        if fetched.status != 200:
            raise InvalidCalendarFile(f"the URL answered HTTP {fetched.status}, not a calendar")
        data = fetched.content
    else:
        raise InvalidInput(
            "attach an .ics file with /importics as its caption, reply /importics to one, "
            "or give a URL",
            example="/importics https://calendar.example.org/summits.ics",
        )
    # Parsing a large file takes a noticeable moment: keep it off the bot's event loop.
    report = await asyncio.to_thread(
        parse_ics,
        data,
        now=context.now(),
        our_host=context.meta.host,
        default_zone=zone or chat_zone(update, context),
    )
    results: Counter[str] = Counter()
    for event in report.events:
        results[await context.events.upsert(event, actor=actor_of(update))] += 1
    await reply(update, import_summary(report, results))


def _import_arguments(text: str) -> tuple[str, str | None]:
    """The URL and the ``tz=`` zone of ``/importics [URL] [tz=Area/City]``."""
    words = text.split()
    zones = [word[3:] for word in words if word.lower().startswith("tz=")]
    url = " ".join(word for word in words if not word.lower().startswith("tz="))
    if not zones:
        return url, None
    zone = zone_or_none(zones[-1])
    if zone is None:
        raise InvalidInput(
            f"{zones[-1]!r} is not a time zone; use an IANA name such as Asia/Kolkata",
            example="/importics https://calendar.example.org/summits.ics tz=Asia/Kolkata",
        )
    return url, zone.key


@user_errors
@admin_only
async def broadcast(update: Update, context: BotContext) -> None:
    """Send a message to every subscriber (in the background: 10,000 chats take minutes)."""
    text = command_text(update)
    if not text:
        raise InvalidInput(
            "what should I send?", example="/broadcast The summit has moved to 5 December."
        )
    html = f"📢 {escape(text)}"
    total = len(context.services.store.subscribers)
    await reply(update, f"Sending to {total} subscribers…")

    async def send_and_report() -> None:
        outcomes = await context.services.broadcaster.broadcast(html, actor=actor_of(update))
        await reply(
            update,
            f"Broadcast done: {outcomes[Outcome.SENT]} sent, {outcomes[Outcome.FAILED]} failed, "
            f"{outcomes[Outcome.GONE]} chats gone (unsubscribed).",
        )

    context.application.create_task(send_and_report(), update=update, name="broadcast")


def _news_line(context: BotContext) -> str:
    news = context.services.news
    listed = news.feeds()
    failing = sum(1 for f in listed if news.is_failing(f))
    last = news.last_cycle
    polled = f"last poll {format_relative(last, context.now())}" if last else "not polled yet"
    kept = len(context.services.store.articles)
    return f"News: {len(listed)} feeds ({failing} failing), {kept} articles kept, {polled}"


@user_errors
@admin_only
async def stats(update: Update, context: BotContext) -> None:
    """Subscribers, events, deliveries."""
    store, now = context.services.store, context.now()
    kinds = Counter(s.kind for s in store.subscribers.all())
    events = store.events.all()
    upcoming = sum(1 for e in events if not e.is_over(now) and not e.cancelled)
    cancelled = sum(1 for e in events if e.cancelled)
    deliveries = store.deliveries.counts()
    by_kind = ", ".join(f"{kind} {count}" for kind, count in sorted(kinds.items())) or "none"
    await reply(
        update,
        "\n".join(
            [
                "<b>SummitWatch statistics</b>",
                f"Subscribers: {sum(kinds.values())} ({escape(by_kind)})",
                f"Events: {len(events)} ({upcoming} upcoming, {cancelled} cancelled)",
                f"Messages: {deliveries.get('sent', 0)} sent, "
                f"{deliveries.get('failed', 0)} failed, "
                f"{deliveries.get('gone', 0)} to chats that were gone, "
                f"{deliveries.get('skipped', 0)} reminders skipped",
                _news_line(context),
            ]
        ),
    )
