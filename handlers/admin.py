"""Admin commands: edit, cancel and import events; broadcast; statistics."""

from __future__ import annotations

from html import escape

from telegram import Update

from bot.delivery.notifier import Outcome
from bot.telegram.context import BotContext
from bot.wording.imports import import_summary
from bot.wording.replies import event_details, stats_text, time_notes
from bot.wording.translations import translations_note
from calendars.commands import (
    EDITEVENT_EXAMPLE,
    IMPORTICS_EXAMPLE,
    parse_editevent,
    parse_importics,
)
from calendars.errors import InvalidCalendarFile, InvalidInput
from calendars.i18n import _, current_language, speaking
from calendars.limits import ICAL_FILE_BYTES
from handlers.common import (
    actor_of,
    attached_document,
    chat_zone,
    command_text,
    download,
    first_argument,
    reply,
    user_errors,
)

__all__ = ["broadcast", "cancelevent", "editevent", "importics", "stats"]


@user_errors
async def editevent(update: Update, context: BotContext) -> None:
    """Change fields of an event; SEQUENCE grows so calendars take the new version."""
    text = command_text(update)
    if not text:
        raise InvalidInput(_("which event, and what should change?"), example=EDITEVENT_EXAMPLE)
    event_id, changes = parse_editevent(text, current_lookup=context.events.find)
    before = context.events.get(event_id)
    edited = await context.events.edit(event_id, actor=actor_of(update), **changes)
    details = event_details(
        edited, zone=chat_zone(update, context), now=context.now(), meta=context.meta
    )
    notes = time_notes(edited) if "start" in changes else ""
    notes += translations_note(before, edited)
    head = _("Updated (version {version}):", version=edited.sequence)
    await reply(update, f"{head}\n\n{details}{notes}")


@user_errors
async def cancelevent(update: Update, context: BotContext) -> None:
    """Cancel an event: it stays in the feed as cancelled and its followers are told."""
    event_id = first_argument(update)
    if not event_id:
        raise InvalidInput(_("which event?"), example="/cancelevent putin-new-delhi-2025")
    cancelled = await context.events.cancel(event_id.lower(), actor=actor_of(update))
    await reply(
        update,
        _(
            "Cancelled {title}. It stays in the calendar feed marked cancelled, and the chats "
            "following it have been told.",
            title=f"<b>{escape(cancelled.title)}</b>",
        ),
    )


@user_errors
async def importics(update: Update, context: BotContext) -> None:
    """Upsert the events of an attached .ics file, or of one at a URL (``tz=`` optional)."""
    document = attached_document(update)
    url, zone = parse_importics(command_text(update))
    imports, actor = context.services.imports, actor_of(update)
    floating_zone = zone or chat_zone(update, context)
    if document is not None:
        data = await download(
            context, document, max_bytes=ICAL_FILE_BYTES, error=InvalidCalendarFile
        )
        done = await imports.from_bytes(data, actor=actor, floating_zone=floating_zone)
    elif url:
        done = await imports.from_url(url, actor=actor, floating_zone=floating_zone)
    else:
        raise InvalidInput(
            _(
                "attach an .ics file with /importics as its caption, reply /importics to one, "
                "or give a URL"
            ),
            example=IMPORTICS_EXAMPLE,
        )
    await reply(update, import_summary(done.report, done.results))


@user_errors
async def broadcast(update: Update, context: BotContext) -> None:
    """Send a message to every subscriber (in the background: 10,000 chats take minutes)."""
    text = command_text(update)
    if not text:
        raise InvalidInput(
            _("what should I send?"), example="/broadcast The summit has moved to 5 December."
        )
    html = f"📢 {escape(text)}"
    # Recorded now, so it is saved with this update (exactly once); sent in the background.
    broadcast_id = context.services.broadcaster.begin(html, actor=actor_of(update))
    count = context.subscriptions.count()
    await reply(update, _("Sending to {count} subscribers…", count=count))
    lang = current_language()  # the report comes later, outside this update's handling

    async def send_and_report() -> None:
        outcomes = await context.services.broadcaster.send(broadcast_id, html)
        with speaking(lang):
            done = _(
                "Broadcast done: {sent} sent, {failed} failed, {gone} chats gone (unsubscribed).",
                sent=outcomes[Outcome.SENT],
                failed=outcomes[Outcome.FAILED],
                gone=outcomes[Outcome.GONE],
            )
        await reply(update, done)

    context.application.create_task(send_and_report(), update=update, name="broadcast")


@user_errors
async def stats(update: Update, context: BotContext) -> None:
    """Subscribers, events, deliveries, news."""
    await reply(update, stats_text(context.services.stats.collect(), now=context.now()))
