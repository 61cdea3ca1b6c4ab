"""The wiring point: ``SummitWatch(settings)`` owns every service of one running instance.

It is the one module of ``bot`` that imports ``handlers`` (to register them): imports
otherwise point from handlers to bot to calendars.

Start order matters: the store first (a corrupt database stops everything before a
port is taken), then the port (links must name the real one), the services, and the web
server last; stop runs the same list backwards.
"""

from __future__ import annotations

import asyncio
import logging
import socket
from collections import Counter
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from bot.delivery.broadcaster import Broadcaster
from bot.delivery.notifier import CONSOLE_ID, ConsoleNotifier, Notifier
from bot.fetch.client import http_client
from bot.news.service import NewsService, feed_id_for
from bot.services.events import EventService
from bot.services.reminders import ReminderService, utc_now
from bot.services.subscriptions import SubscriptionService
from bot.store import Store
from bot.telegram.application import TelegramRunner, build_application
from bot.telegram.context import Services
from bot.telegram.intake import UpdateIntake
from bot.telegram.notifier import TelegramNotifier
from bot.web.metrics import Metric, render_metrics
from bot.web.pages import PageSite
from bot.web.server import WebServer, bind_socket, build_web_app
from calendars.ical.feeds import FeedService
from calendars.ical.render import FeedMeta, IcalRenderer
from calendars.ical.routes import feed_routes
from calendars.subscribers import Subscriber
from config.news_sources import load_feeds
from config.seed import load_seed
from config.settings import Settings
from handlers import register as register_handlers

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
        listen_socket: socket.socket | None = None,
        poll_news: bool = True,
    ) -> None:
        """``listen_socket``: an already bound socket to serve on (else host:port is bound);
        ``poll_news=False`` leaves polling to explicit ``news.poll`` calls (tests)."""
        self.settings = settings
        self._poll_news = poll_news
        self._listen_socket = listen_socket
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
        sock = self._listen_socket or bind_socket(settings.host, settings.port)
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
        self.http = http_client(timeout=settings.fetch_timeout)
        self.telegram = self._telegram_runner()
        notifier = self._notifier or (
            TelegramNotifier(self.telegram.application.bot) if self.telegram else ConsoleNotifier()
        )
        self._prepare_console_subscriber(console=isinstance(notifier, ConsoleNotifier))
        self.broadcaster = Broadcaster(store=self.store, notifier=notifier, clock=self._clock)
        self.reminders = ReminderService(
            store=self.store,
            broadcaster=self.broadcaster,
            default_offsets=settings.reminder_offsets,
            meta=self.meta,
            clock=self._clock,
        )
        self.events = EventService(
            store=self.store,
            reminders=self.reminders,
            broadcaster=self.broadcaster,
            clock=self._clock,
        )
        self.subscriptions = SubscriptionService(
            store=self.store,
            reminders=self.reminders,
            offered_topics=lambda: settings.topics,
            clock=self._clock,
        )
        self.news = NewsService(
            store=self.store,
            http=self.http,
            broadcaster=self.broadcaster,
            events=self.events,
            clock=self._clock,
            interval=settings.news_interval,
            digest_over=settings.news_digest_over,
            retention=settings.news_retention,
        )
        if settings.feeds_path is not None:
            self._sync_configured_feeds(settings.feeds_path)
        self.reminders.start()
        self.pages = PageSite(
            meta=self.meta,
            events=self.store.events.all,
            version=lambda: self.store.events.version,
            topics=self.subscriptions.topics,
            clock=self._clock,
        )
        routes = [*feed_routes(self.feeds), *self.pages.routes()]
        if self.telegram is not None:
            self.telegram.application.bot_data["services"] = self._services()
            if settings.webhook_url:
                routes.append(self.telegram.webhook_route())
        web_app = build_web_app(routes, health=self.health, metrics=self.metrics)
        self.web = WebServer(web_app, sock)
        await self.web.start()
        if self.telegram is not None:
            await self.telegram.start()
        self._spawn(asyncio.to_thread(self.feeds.warm), "warm-feed-cache")
        self._spawn(self.reminders.catch_up(), "reminder-catch-up")
        self._spawn(self.broadcaster.resume(), "broadcast-resume")
        self._spawn(self.news.send_pending(), "news-resume")
        self._poller: asyncio.Task[None] | None = None
        if self._poll_news:
            self._poller = asyncio.create_task(self.news.run_forever(), name="news-poller")
        logger.info("app.started url=%s events=%d", self.public_url, len(self.store.events))

    def _sync_configured_feeds(self, path: Path) -> None:
        """Enabled feeds of the config file are watched; an admin's /rmfeed of one sticks."""
        for configured in load_feeds(path):
            feed_id = feed_id_for(configured.url)
            if not configured.enabled or self.store.feeds.get(feed_id) is not None:
                continue
            if self.store.audit.has("feed.remove", feed_id):
                continue
            self.news.add_feed(
                configured.url, configured.tags, actor="config", title=configured.title
            )

    def _telegram_runner(self) -> TelegramRunner | None:
        if not self.settings.telegram_token:
            return None
        application = build_application(
            self.settings, register=register_handlers, store=self.store, clock=self._clock
        )
        intake = UpdateIntake(application, self.store, clock=self._clock)
        return TelegramRunner(application, self.settings, intake=intake)

    def _services(self) -> Services:
        return Services(
            settings=self.settings,
            store=self.store,
            events=self.events,
            subscriptions=self.subscriptions,
            broadcaster=self.broadcaster,
            news=self.news,
            feeds=self.feeds,
            http=self.http,
            meta=self.meta,
            default_offsets=self.settings.reminder_offsets,
            now=self._clock,
        )

    def _prepare_console_subscriber(self, *, console: bool) -> None:
        """With no Telegram, the console follows everything and prints the reminders."""
        current = self.store.subscribers.get(CONSOLE_ID)
        if not console:
            if current is not None:
                self.store.subscribers.remove(CONSOLE_ID)
            return
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
        """Stop the bot and the server, stop the scheduler, finish background work, flush."""
        if self.telegram is not None:
            await self.telegram.stop()
        if self._poller is not None:
            self.news.stop()
            self._poller.cancel()
            await asyncio.gather(self._poller, return_exceptions=True)
        await self.web.stop()
        self.reminders.stop()
        await self.wait_background()
        await self.http.aclose()
        self.store.close()
        logger.info("app.stopped")

    async def __aenter__(self) -> SummitWatch:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    def metrics(self) -> str:
        store = self.store
        subscribers = Counter(s.kind for s in store.subscribers.all())
        events = Counter(e.status.value for e in store.events.all())
        feeds = store.feeds.all()
        return render_metrics(
            [
                Metric("summitwatch_up", "1 while the app runs.", "gauge", {(): 1}),
                Metric(
                    "summitwatch_subscribers",
                    "Subscribed chats by kind.",
                    "gauge",
                    {(("kind", k),): n for k, n in subscribers.items()},
                ),
                Metric(
                    "summitwatch_events",
                    "Events by status.",
                    "gauge",
                    {(("status", k),): n for k, n in events.items()},
                ),
                Metric(
                    "summitwatch_messages_total",
                    "Deliveries recorded, by outcome (sent, failed, gone, skipped).",
                    "counter",
                    {(("outcome", k),): n for k, n in store.deliveries.counts().items()},
                ),
                Metric("summitwatch_feeds", "News feeds watched.", "gauge", {(): len(feeds)}),
                Metric(
                    "summitwatch_feeds_failing",
                    "Feeds whose recent polls keep failing.",
                    "gauge",
                    {(): sum(1 for f in feeds if self.news.is_failing(f))},
                ),
                Metric(
                    "summitwatch_feed_polls_total",
                    "Feed polls since start, by result (error counts poll errors).",
                    "counter",
                    {(("result", k),): n for k, n in self.news.polls.items()},
                ),
                Metric(
                    "summitwatch_articles",
                    "Articles remembered.",
                    "gauge",
                    {(): len(store.articles)},
                ),
            ]
        )

    def _telegram_state(self) -> str:
        if self.telegram is None:
            return "off (console)"
        return "connected" if self.telegram.connected else "connecting"

    def now(self) -> datetime:
        return self._clock()

    def health(self) -> dict[str, Any]:
        next_fire = self.reminders.next_fire_time()
        return {
            "ok": self.reminders.running,
            "store": str(self.store.path),
            "scheduler": "running" if self.reminders.running else "stopped",
            "telegram": self._telegram_state(),
            "events": len(self.store.events),
            "subscribers": len(self.store.subscribers),
            "next_reminder": next_fire.isoformat() if next_fire else None,
            "feeds": len(self.store.feeds.all()),
            "last_news_poll": self.news.last_cycle.isoformat() if self.news.last_cycle else None,
        }
