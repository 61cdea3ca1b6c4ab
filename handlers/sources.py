"""Admin commands for upstream calendars: add, list, remove, apply or discard a held change."""

from __future__ import annotations

from telegram import Update

from bot.telegram.context import BotContext
from bot.wording.sources import (
    discarded_reply,
    poll_reply,
    removed_reply,
    source_block,
    sources_list,
)
from calendars.errors import InvalidInput
from calendars.i18n import _
from calendars.upstream.arguments import parse_addsource
from handlers.common import actor_of, command_text, reply, user_errors

__all__ = ["addsource", "applysource", "discardsource", "rmsource", "sources"]


@user_errors
async def addsource(update: Update, context: BotContext) -> None:
    """Poll an upstream calendar; its first poll happens at once and the reply tells it."""
    wanted = parse_addsource(command_text(update))
    source, outcome = await context.services.upstream.watch(
        wanted.url, list(wanted.topics), actor=actor_of(update), zone=wanted.zone
    )
    await reply(update, poll_reply(source, outcome, first=True))


@user_errors
async def sources(update: Update, context: BotContext) -> None:
    """Every upstream calendar with its health, events, next poll and any held change."""
    listed = context.services.upstream.sources
    now = context.now()
    blocks = [
        source_block(source, now=now, events=listed.event_count(source.id))
        for source in listed.all()
    ]
    await reply(update, sources_list(blocks))


def _target(update: Update, command: str) -> str:
    target = command_text(update)
    if not target:
        raise InvalidInput(
            _("which calendar? Give its id from /sources or its URL"),
            example=f"/{command} s1a2b3c4",
        )
    return target


@user_errors
async def rmsource(update: Update, context: BotContext) -> None:
    """Stop polling a calendar, by id or URL; its events stay."""
    listed = context.services.upstream.sources
    removed = listed.remove(_target(update, "rmsource"), actor=actor_of(update))
    await reply(update, removed_reply(removed, listed.event_count(removed.id)))


@user_errors
async def applysource(update: Update, context: BotContext) -> None:
    """Apply a held change: the calendar is read again and applied whatever its size."""
    source, outcome = await context.services.upstream.apply_held(
        _target(update, "applysource"), actor=actor_of(update)
    )
    await reply(update, poll_reply(source, outcome, first=False))


@user_errors
async def discardsource(update: Update, context: BotContext) -> None:
    """Discard a held change: the events stay as they are."""
    kept = context.services.upstream.sources.discard_held(
        _target(update, "discardsource"), actor=actor_of(update)
    )
    await reply(update, discarded_reply(kept))
