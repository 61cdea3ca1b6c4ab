"""Admin commands for news sources: add, remove, list, and OPML in and out."""

from __future__ import annotations

from html import escape

from telegram import Update

from bot.telegram.context import BotContext
from bot.wording.replies import opml_report, source_status
from calendars.errors import InvalidInput
from calendars.i18n import _, ngettext
from calendars.limits import OPML_FILE_BYTES
from calendars.news.opml import OpmlInvalid
from handlers.common import (
    actor_of,
    attached_document,
    command_text,
    download,
    reply,
    user_errors,
)

__all__ = ["addfeed", "exportopml", "feeds", "importopml", "rmfeed"]

_ADDFEED_EXAMPLE = (
    "/addfeed https://www.thehindu.com/news/international/feeder/default.rss india-russia"
)


@user_errors
async def addfeed(update: Update, context: BotContext) -> None:
    """Watch a news source; its first poll happens at once."""
    words = command_text(update).split()
    if not words:
        raise InvalidInput(_("which feed? Give its URL, then any topics"), example=_ADDFEED_EXAMPLE)
    url, rest = words[0], words[1:]
    backfill = "backfill" in rest
    tags = [w for w in rest if w != "backfill"]
    source, result = await context.services.news.watch(
        url, tags, actor=actor_of(update), backfill=backfill
    )
    if result.status == "error":
        outcome = _(
            "First poll failed: {error}. I will retry with backoff; /feeds shows it.",
            error=escape(result.error or ""),
        )
    elif backfill:
        outcome = _(
            "First poll: {count} items; followers were told about the {matched} that match events.",
            count=result.new_articles,
            matched=result.matched,
        )
    else:
        outcome = _(
            "First poll: {count} items marked as seen (no flood of old news).",
            count=result.new_articles,
        )
    watching = _(
        "Watching {id} {url}",
        id=f"<code>{escape(source.id)}</code>",
        url=escape(source.url),
    )
    await reply(update, f"{watching}\n{outcome}")


@user_errors
async def rmfeed(update: Update, context: BotContext) -> None:
    """Stop watching a news source, by id or URL."""
    target = command_text(update)
    if not target:
        raise InvalidInput(
            _("which feed? Give its id from /feeds or its URL"), example="/rmfeed f1a2b3c4"
        )
    removed = context.services.news.sources.remove(target, actor=actor_of(update))
    await reply(
        update,
        _(
            "Stopped watching {id} {url}.",
            id=f"<code>{escape(removed.id)}</code>",
            url=escape(removed.url),
        ),
    )


@user_errors
async def feeds(update: Update, context: BotContext) -> None:
    """Every news source with its health: last success, last error, items seen, next poll."""
    listed = context.services.news.sources.all()
    if not listed:
        await reply(update, _("No feeds yet. Add one: {example}", example=escape(_ADDFEED_EXAMPLE)))
        return
    now = context.now()
    blocks = [source_status(source, now=now) for source in listed]
    head = ngettext("{count} news feed", "{count} news feeds", len(listed))
    await reply(update, f"<b>{head}</b>\n\n" + "\n\n".join(blocks))


@user_errors
async def importopml(update: Update, context: BotContext) -> None:
    """Add every news source of an attached OPML file."""
    document = attached_document(update)
    if document is None:
        raise InvalidInput(
            _("attach an OPML file with /importopml as its caption, or reply /importopml to one")
        )
    data = await download(context, document, max_bytes=OPML_FILE_BYTES, error=OpmlInvalid)
    report = await context.services.news.sources.import_opml(data, actor=actor_of(update))
    await reply(update, opml_report(report))


@user_errors
async def exportopml(update: Update, context: BotContext) -> None:
    """The watched sources as an OPML file, for a feed reader or another SummitWatch."""
    message = update.effective_message
    if message is not None:
        await message.reply_document(
            document=context.services.news.sources.export_opml(),
            filename="summitwatch-feeds.opml",
        )
