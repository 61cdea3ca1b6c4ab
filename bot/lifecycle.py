"""Running until told to stop: signals, logging, and what the operator sees at start."""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
from collections.abc import Callable
from typing import TextIO

from bot.app import SummitWatch
from config.settings import Settings

__all__ = ["configure_logging", "serve", "startup_banner"]


def configure_logging(level: str, *, stream: TextIO | None = None) -> None:
    """One line per event, ``key=value``, to stderr (stdout carries the console reminders)."""
    logging.basicConfig(
        level=level,
        stream=stream or sys.stderr,
        format="%(asctime)s level=%(levelname)s logger=%(name)s %(message)s",
        force=True,
    )
    for noisy in ("httpx", "apscheduler", "uvicorn.error"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, logging.getLevelName(level)))


def startup_banner(app: SummitWatch) -> str:
    settings, stats, url = app.settings, app.stats.collect(), app.public_url
    if stats.next_reminder is not None:
        next_line = f"next reminder due {stats.next_reminder:%Y-%m-%d %H:%M} UTC"
    elif stats.upcoming:
        next_line = "no reminder due before the upcoming events begin"
    else:
        next_line = f"none: all {stats.events} events are in the past (they stay in the feed)"
    telegram = (
        "on" if settings.telegram_token else "off (no TELEGRAM_BOT_TOKEN): reminders print here"
    )
    topics = ", ".join(settings.topics)
    sources = stats.news.sources
    news = f"{sources} feed{'s' if sources != 1 else ''} watched" + (
        "" if sources else " (enable examples in config/feeds.toml, or /addfeed)"
    )
    calendars = len(app.store.upstream_sources)
    upstream = f"{calendars} upstream calendar{'s' if calendars != 1 else ''} followed" + (
        "" if calendars else " (enable examples in config/sources.toml, or /addsource)"
    )
    subscribers = stats.subscribers
    return "\n".join(
        [
            "SummitWatch is running.",
            f"  Web page:       {url}/",
            f"  Calendar feed:  {url}/calendar.ics",
            f"  Topic feeds:    {url}/calendar/<topic>.ics  ({topics})",
            f"  Health:         {url}/healthz",
            f"  Database:       {app.store.path} ({stats.events} events, "
            f"{subscribers} subscriber{'s' if subscribers != 1 else ''})",
            f"  Telegram:       {telegram}",
            f"  Reminders:      {next_line}",
            f"  News:           {news}",
            f"  Calendars:      {upstream}",
            "Press Ctrl+C to stop.",
        ]
    )


async def serve(
    settings: Settings,
    *,
    stop: asyncio.Event | None = None,
    ready: Callable[[SummitWatch], None] | None = None,
) -> None:
    """Run SummitWatch until SIGINT/SIGTERM (or ``stop`` is set), then shut down cleanly."""
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    signals = (signal.SIGINT, signal.SIGTERM)
    for sig in signals:
        loop.add_signal_handler(sig, stop.set)
    try:
        async with SummitWatch(settings) as app:
            print(startup_banner(app), flush=True)
            if ready is not None:
                ready(app)
            await stop.wait()
            print("Stopping…", flush=True)
    finally:
        for sig in signals:
            loop.remove_signal_handler(sig)
