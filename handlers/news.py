"""Admin commands for news feeds: add, remove, list, and OPML in and out."""

from __future__ import annotations

import asyncio
from html import escape

from telegram import Update

from bot.telegram.context import BotContext
from bot.wording.replies import feed_status
from calendars.errors import InvalidInput
from calendars.limits import OPML_FILE_BYTES
from calendars.news.opml import OpmlFeed, export_opml, parse_opml
from handlers.admin import actor_of, attached_document
from handlers.common import admin_only, command_text, reply, user_errors

__all__ = ["addfeed", "exportopml", "feeds", "importopml", "rmfeed"]

_ADDFEED_EXAMPLE = (
    "/addfeed https://www.thehindu.com/news/international/feeder/default.rss india-russia"
)


@user_errors
@admin_only
async def addfeed(update: Update, context: BotContext) -> None:
    """Watch a feed; its first poll happens at once."""
    words = command_text(update).split()
    if not words:
        raise InvalidInput("which feed? Give its URL, then any topics", example=_ADDFEED_EXAMPLE)
    url, rest = words[0], words[1:]
    backfill = "backfill" in rest
    tags = [w for w in rest if w != "backfill"]
    news = context.services.news
    feed = news.add_feed(url, tags, actor=actor_of(update), backfill=backfill)
    result = await news.poll(feed["id"])
    if result.status == "error":
        error = escape(result.error or "")
        outcome = f"First poll failed: {error}. I will retry with backoff; /feeds shows it."
    elif backfill:
        outcome = (
            f"First poll: {result.new_articles} items; "
            f"followers were told about the {result.matched} that match events."
        )
    else:
        outcome = f"First poll: {result.new_articles} items marked as seen (no flood of old news)."
    await reply(update, f"Watching <code>{escape(feed['id'])}</code> {escape(url)}\n{outcome}")


@user_errors
@admin_only
async def rmfeed(update: Update, context: BotContext) -> None:
    """Stop watching a feed, by id or URL."""
    target = command_text(update)
    if not target:
        raise InvalidInput(
            "which feed? Give its id from /feeds or its URL", example="/rmfeed f1a2b3c4"
        )
    removed = context.services.news.remove_feed(target, actor=actor_of(update))
    await reply(
        update, f"Stopped watching <code>{escape(removed['id'])}</code> {escape(removed['url'])}."
    )


@user_errors
@admin_only
async def feeds(update: Update, context: BotContext) -> None:
    """Every feed with its health: last success, last error, items seen, next poll."""
    news, now = context.services.news, context.now()
    listed = news.feeds()
    if not listed:
        await reply(update, f"No feeds yet. Add one: {escape(_ADDFEED_EXAMPLE)}")
        return
    blocks = [feed_status(f, now=now, failing=news.is_failing(f)) for f in listed]
    await reply(update, f"<b>{len(listed)} news feeds</b>\n\n" + "\n\n".join(blocks))


@user_errors
@admin_only
async def importopml(update: Update, context: BotContext) -> None:
    """Add every feed of an attached OPML file."""
    document = attached_document(update)
    if document is None:
        raise InvalidInput(
            "attach an OPML file with /importopml as its caption, or reply /importopml to one"
        )
    if (document.file_size or 0) > OPML_FILE_BYTES:
        raise InvalidInput(f"the file is over {OPML_FILE_BYTES:,} bytes")
    data = bytes(await (await context.bot.get_file(document.file_id)).download_as_bytearray())
    outlines = await asyncio.to_thread(parse_opml, data)
    added, skipped = 0, []
    for outline in outlines:
        try:
            context.services.news.add_feed(
                outline.url, outline.tags, actor=actor_of(update), title=outline.title
            )
            added += 1
        except InvalidInput as exc:
            skipped.append(f"{outline.url}: {exc.message}")
    lines = [f"Added {added} feeds, skipped {len(skipped)}. New feeds are polled within a minute."]
    lines += [f"• {escape(s)}" for s in skipped[:20]]
    await reply(update, "\n".join(lines))


@user_errors
@admin_only
async def exportopml(update: Update, context: BotContext) -> None:
    """The watched feeds as an OPML file, for a feed reader or another SummitWatch."""
    outlines = [
        OpmlFeed(url=f["url"], title=f.get("title") or f["url"], tags=tuple(f.get("tags", ())))
        for f in context.services.news.feeds()
    ]
    message = update.effective_message
    if message is not None:
        await message.reply_document(
            document=export_opml(outlines), filename="summitwatch-feeds.opml"
        )
