"""The wiring point: ``SummitWatch(settings)`` owns every service of one running instance.

Start order matters: the store first (a corrupt database stops everything before a
port is taken), then the port (links must name the real one), the services, and the web
server last; stop runs the same list backwards.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from bot.delivery import CONSOLE_ID, ConsoleNotifier, Notifier
from bot.events import EventService
from bot.reminders import ReminderService, utc_now
from bot.store import Store
from bot.web import WebServer, bind_socket, build_web_app
from calendars.feeds import FeedService
from calendars.ical import FeedMeta, IcalRenderer
from calendars.routes import feed_routes
from calendars.subscribers import Subscriber
from config.seed import load_seed
from config.settings import Settings

__all__ = ["SummitWatch"]

logger = logging.getLogger(__name__)


class SummitWatch:
    """One running instance: store, reminders, feeds and web server (and, later, Telegram)."""

    def __init__(
        self,
        settings: Settings,
        *,
        notifier: Notifier | None = None,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.settings = settings
        self._notifier = notifier
        self._clock = clock
        self._tasks: set[asyncio.Task[Any]] = set()
        self.port = 0
        self.public_url = ""

    async def start(self) -> None:
        settings = self.settings
        self.store = Store(settings.db_path)
        try:
            await self._start_services()
        except BaseException:
            self.store.close()
            raise

    async def _start_services(self) -> None:
        settings, now = self.settings, self._clock()
        if settings.seed_path is not None:
            report = self.store.events.seed(load_seed(settings.seed_path, now=now), now=now)
            logger.info(
                "seed.loaded added=%d updated=%d kept=%d",
                len(report.added),
                len(report.updated),
                len(report.kept),
            )
        sock = bind_socket(settings.host, settings.port)
        self.port = sock.getsockname()[1]
        self.public_url = settings.public_url_for(self.port)
        self.meta = FeedMeta(
            public_url=self.public_url, name=settings.calendar_name, refresh=settings.feed_refresh
        )
        self.feeds = FeedService(
            IcalRenderer(self.meta),
            events=self.store.events.sorted_by_start,
            version=lambda: self.store.events.version,
            topics=lambda: settings.topics,
        )
        notifier = self._notifier or ConsoleNotifier()
        if isinstance(notifier, ConsoleNotifier):
            self._ensure_console_subscriber()
        self.reminders = ReminderService(
            store=self.store,
            notifier=notifier,
            default_offsets=settings.reminder_offsets,
            meta=self.meta,
            clock=self._clock,
        )
        self.events = EventService(store=self.store, reminders=self.reminders, clock=self._clock)
        self.reminders.start()
        self.web = WebServer(build_web_app(feed_routes(self.feeds), health=self.health), sock)
        await self.web.start()
        self._spawn(asyncio.to_thread(self.feeds.warm), "warm-feed-cache")
        self._spawn(self.reminders.catch_up(), "reminder-catch-up")
        logger.info("app.started url=%s events=%d", self.public_url, len(self.store.events))

    def _ensure_console_subscriber(self) -> None:
        """With no Telegram, the console follows everything and prints the reminders."""
        current = self.store.subscribers.get(CONSOLE_ID)
        if current is None or current.zone != self.settings.timezone:
            now = self._clock()
            self.store.subscribers.save(
                Subscriber(
                    id=CONSOLE_ID,
                    kind="console",
                    title="console",
                    zone=self.settings.timezone,
                    subscribed_at=current.subscribed_at if current else now,
                    reminders_since=current.reminders_since if current else now,
                )
            )

    def _spawn(self, work: Any, name: str) -> None:
        task = asyncio.create_task(work, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def wait_background(self) -> None:
        """Wait for the work started at start-up (feed warm-up, reminder catch-up)."""
        while self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    async def stop(self) -> None:
        """Stop serving, stop the scheduler, finish background work, flush the store."""
        await self.web.stop()
        self.reminders.stop()
        await self.wait_background()
        self.store.close()
        logger.info("app.stopped")

    async def __aenter__(self) -> SummitWatch:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    def now(self) -> datetime:
        return self._clock()

    def health(self) -> dict[str, Any]:
        next_fire = self.reminders.next_fire_time()
        return {
            "ok": self.reminders.running,
            "store": str(self.store.path),
            "scheduler": "running" if self.reminders.running else "stopped",
            "events": len(self.store.events),
            "subscribers": len(self.store.subscribers),
            "next_reminder": next_fire.isoformat() if next_fire else None,
        }
