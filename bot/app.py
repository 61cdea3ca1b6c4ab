"""The wiring point: ``SummitWatch(settings)`` owns every service of one running instance.

It is the one module of ``bot`` that imports ``handlers`` (to register them): imports
otherwise point from handlers to bot to calendars.

Start-up is a stack (``AsyncExitStack``): each part that starts pushes its own stop, so
whatever step fails — a corrupt database, a port in use, a token Telegram rejects —
everything already started is stopped again, in reverse order, and nothing is left
running. Order matters: the store first (a corrupt database stops everything before a
port is taken), then the port (links must name the real one), the services, the web
server, Telegram, and the background work last.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import socket
from collections.abc import Callable, Coroutine
from contextlib import AsyncExitStack
from datetime import datetime, timedelta
from typing import Any

from bot.delivery.broadcaster import Broadcaster
from bot.delivery.notifier import ConsoleNotifier, Notifier
from bot.fetch.client import http_client
from bot.news.reading import SourceReader
from bot.news.service import NewsService
from bot.news.suggesting import SuggestionService
from bot.services.alerts import ChangeAlerts
from bot.services.briefings import BriefingService
from bot.services.events import EventService
from bot.services.imports import ImportService
from bot.services.reminders import ReminderService, utc_now
from bot.services.retention import CHECK_EVERY, RetentionService
from bot.services.stats import StatsService
from bot.services.subscriptions import SubscriptionService
from bot.store import Store
from bot.store.feed_state import FeedState, feed_state_path
from bot.telegram.application import TelegramRunner, build_application
from bot.telegram.context import Services
from bot.telegram.intake import UpdateIntake
from bot.telegram.notifier import TelegramNotifier
from bot.upstream.service import UpstreamService
from bot.web.metrics import instance_metrics
from bot.web.pages import PageSite
from bot.web.publishing import PUBLISH_EVERY, FeedPublisher
from bot.web.server import HttpLimits, WebServer, bind_socket, build_web_app
from calendars.i18n import DEFAULT_LANGUAGE, LANGUAGES
from calendars.ical.feeds import CalendarFeeds
from calendars.ical.render import CalendarMeta, IcalRenderer
from calendars.ical.routes import calendar_routes
from config.news_sources import load_news_sources
from config.seed import load_seed
from config.settings import Settings
from config.upstream_sources import load_upstream_sources
from config.watch import load_watch
from handlers import menus as command_menus
from handlers import register as register_handlers

__all__ = ["SummitWatch"]

logger = logging.getLogger(__name__)

CONCLUDE_EVERY = timedelta(minutes=5)  # an ended event reads "concluded" within this


class SummitWatch:
    """One running instance: store, reminders, feeds, news, web server and Telegram."""

    def __init__(
        self,
        settings: Settings,
        *,
        notifier: Notifier | None = None,
        clock: Callable[[], datetime] = utc_now,
        listen_socket: socket.socket | None = None,
        poll_news: bool = True,
        poll_sources: bool | None = None,
    ) -> None:
        """``listen_socket``: an already bound socket to serve on (else host:port is bound);
        ``poll_news=False`` leaves polling to explicit ``news.poller.poll`` calls (tests);
        ``poll_sources`` the same for upstream calendars (default: as ``poll_news``)."""
        self.settings = settings
        self._poll_news = poll_news
        self._poll_sources = poll_news if poll_sources is None else poll_sources
        self._listen_socket = listen_socket
        self._notifier = notifier
        self._clock = clock
        self._tasks: set[asyncio.Task[Any]] = set()
        self._stack = AsyncExitStack()
        self.port = 0
        self.public_url = ""

    async def start(self) -> None:
        # Start-up builds ~2 million objects (the database) and frees almost none: full
        # passes of the cyclic collector over them were ~0.3 s of a start (bench_startup).
        collecting = gc.isenabled()
        gc.disable()
        try:
            await self._start(self._stack)
        except BaseException:
            await self._stack.aclose()
            raise
        finally:
            if collecting:
                gc.enable()
        logger.info("app.started url=%s events=%d", self.public_url, len(self.store.events))

    async def _start(self, stack: AsyncExitStack) -> None:
        settings, now = self.settings, self._clock()
        self.store = Store(settings.db_path)
        stack.callback(self.store.close)
        if settings.seed_path is not None:
            report = self.store.events.seed(load_seed(settings.seed_path, now=now), now=now)
            logger.info(
                "seed.loaded added=%d updated=%d kept=%d",
                len(report.added),
                len(report.updated),
                len(report.kept),
            )
        sock = self._listen_socket or bind_socket(settings.host, settings.port)
        stack.callback(sock.close)  # uvicorn closes it too; a second close is harmless
        self.port = sock.getsockname()[1]
        self.public_url = settings.public_url_for(self.port)
        self.meta = CalendarMeta(
            public_url=self.public_url, name=settings.calendar_name, refresh=settings.feed_refresh
        )
        self.calendar_feeds = CalendarFeeds(
            IcalRenderer(self.meta),
            events=self.store.events.sorted_by_start,
            version=lambda: self.store.events.version,
            topics=lambda: settings.topics,
        )
        self.publisher = FeedPublisher(
            self.calendar_feeds,
            FeedState(feed_state_path(self.store.path)),
            version=lambda: self.store.events.version,
            static_dir=settings.static_dir,
        )
        self.publisher.restore()
        stack.callback(self.publisher.save)  # at stop: the renders made since the last save
        self.http = http_client(timeout=settings.fetch_timeout, allow=settings.fetch_allow)
        stack.push_async_callback(self.http.aclose)
        self.telegram = self._telegram_runner()
        self._build_services()
        stack.push_async_callback(self.wait_background)
        self.reminders.start()
        stack.push_async_callback(self.reminders.stop)
        # A job on the reminders' scheduler: it stops with them (their stop is above).
        self.events.conclude_due()
        self.reminders.call_every("conclude", CONCLUDE_EVERY, self.events.conclude_due)
        self.reminders.call_every("publish-feeds", PUBLISH_EVERY, self._publish_if_changed)
        self.reminders.call_every("prune", CHECK_EVERY, self._prune)
        self.briefings.start()
        stack.push_async_callback(self.briefings.stop)
        self.web = WebServer(self._web_app(), sock, limits=HttpLimits.from_settings(settings))
        await self.web.start()
        stack.push_async_callback(self.web.stop)
        if self.telegram is not None:
            stack.push_async_callback(self.telegram.stop)
            await self.telegram.start()
        stack.push_async_callback(self.broadcaster.drain)  # runs before Telegram stops
        # What start-up built lives as long as the process: keep it out of the cyclic
        # collector's full passes (one took ~200 ms of a news cycle; bench_news).
        gc.freeze()
        self._spawn(asyncio.to_thread(self.publisher.publish), "warm-feed-cache")
        self._spawn(self.reminders.catch_up(), "reminder-catch-up")
        self._spawn(self.broadcaster.resume(), "broadcast-resume")
        self._spawn(self.alerts.resume(), "change-alerts-resume")
        self._spawn(self.briefings.check(), "briefing-catch-up")
        self._spawn(self.news.notices.send_pending(), "news-resume")
        self._spawn(self.suggestions.resume(), "suggestions-resume")
        self._spawn(self._prune_after(set(self._tasks)), "prune-at-start")
        self.suggestions.prune()
        self.reminders.call_every("suggestions-prune", timedelta(days=1), self.suggestions.prune)
        suggesting = asyncio.create_task(self.suggestions.run_forever(), name="suggestions")
        stack.push_async_callback(_cancelled, suggesting)
        if self._poll_news:
            poller = asyncio.create_task(self.news.poller.run_forever(), name="news-poller")
            stack.push_async_callback(self._stop_poller, poller)
        if self._poll_sources:
            polling = asyncio.create_task(self.upstream.poller.run_forever(), name="sources")
            stack.push_async_callback(self._stop_upstream, polling)

    def _build_services(self) -> None:
        settings, clock, store = self.settings, self._clock, self.store
        notifier = self._notifier or (
            TelegramNotifier(self.telegram.application.bot, paid_broadcast=settings.paid_broadcast)
            if self.telegram
            else ConsoleNotifier()
        )
        # 1,000/s at Telegram's ~0.1 s per send needs ~100 in flight, not 32.
        in_flight = 128 if settings.paid_broadcast else 32
        self.broadcaster = Broadcaster(
            store=store, notifier=notifier, clock=clock, concurrency=in_flight
        )
        self.reminders = ReminderService(
            store=store,
            broadcaster=self.broadcaster,
            default_offsets=settings.reminder_offsets,
            meta=self.meta,
            clock=clock,
        )
        self.alerts = ChangeAlerts(
            store=store, broadcaster=self.broadcaster, scheduler=self.reminders, clock=clock
        )
        self.events = EventService(
            store=store, reminders=self.reminders, alerts=self.alerts, clock=clock
        )
        self.briefings = BriefingService(
            store=store, broadcaster=self.broadcaster, meta=self.meta, clock=clock
        )
        self.subscriptions = SubscriptionService(
            store=store,
            reminders=self.reminders,
            offered_topics=lambda: settings.topics,
            clock=clock,
        )
        self.subscriptions.prepare_console(
            console=isinstance(notifier, ConsoleNotifier), zone=settings.timezone
        )
        self.parsers = SourceReader()  # one worker pool for every untrusted parse
        self._stack.push_async_callback(self.parsers.close)
        self.suggestions = SuggestionService(
            store=store,
            events=self.events,
            broadcaster=self.broadcaster,
            admin_ids=settings.admin_ids,
            configured=load_watch(),
            clock=clock,
        )
        self._stack.push_async_callback(self.suggestions.close)
        self.news = NewsService(
            store=store,
            http=self.http,
            broadcaster=self.broadcaster,
            events=self.events,
            clock=clock,
            interval=settings.news_interval,
            digest_over=settings.news_digest_over,
            retention=settings.news_retention,
            reader=self.parsers,
            on_articles=self.suggestions.consider,
        )
        self._stack.push_async_callback(self.news.close)
        if settings.news_sources_path is not None:
            self.news.sources.sync_configured(load_news_sources(settings.news_sources_path))
        self.upstream = UpstreamService(
            store=store,
            http=self.http,
            reader=self.parsers,
            events=self.events,
            broadcaster=self.broadcaster,
            admins=lambda: settings.admin_ids,
            clock=clock,
            interval=settings.source_interval,
            our_host=self.meta.host,
        )
        if settings.sources_path is not None:
            self.upstream.sources.sync_configured(load_upstream_sources(settings.sources_path))
        self.imports = ImportService(
            events=self.events, http=self.http, meta=self.meta, clock=clock
        )
        self.retention = RetentionService(store=store, clock=clock)
        self.stats = StatsService(
            store=store, news=self.news, reminders=self.reminders, clock=clock
        )
        self.pages = PageSite(
            meta=self.meta,
            events=store.events.all,
            version=lambda: store.events.version,
            topics=self.subscriptions.topics,
            clock=clock,
        )

    def _web_app(self) -> Any:
        feeds = calendar_routes(self.calendar_feeds, private=self.subscriptions.feed_selection)
        routes = [*feeds, *self.pages.routes()]
        if self.telegram is not None:
            self.telegram.application.bot_data["services"] = self._services()
            if self.settings.webhook_url:
                routes.append(self.telegram.webhook_route())
        return build_web_app(
            routes,
            health=self.health,
            metrics=lambda: instance_metrics(self.stats.collect()),
            metrics_token=self.settings.metrics_token,
        )

    async def _stop_poller(self, poller: asyncio.Task[None]) -> None:
        self.news.poller.stop()
        poller.cancel()
        await asyncio.gather(poller, return_exceptions=True)

    async def _stop_upstream(self, polling: asyncio.Task[None]) -> None:
        self.upstream.poller.stop()
        polling.cancel()
        await asyncio.gather(polling, return_exceptions=True)

    def _telegram_runner(self) -> TelegramRunner | None:
        if not self.settings.telegram_token:
            return None
        application = build_application(
            self.settings, register=register_handlers, store=self.store, clock=self._clock
        )
        intake = UpdateIntake(application, self.store, clock=self._clock)
        translated = {lang: command_menus(lang) for lang in LANGUAGES if lang != DEFAULT_LANGUAGE}
        return TelegramRunner(
            application,
            self.settings,
            intake=intake,
            menus=command_menus(),
            translated_menus=translated,
        )

    def _services(self) -> Services:
        return Services(
            settings=self.settings,
            events=self.events,
            subscriptions=self.subscriptions,
            broadcaster=self.broadcaster,
            news=self.news,
            calendar_feeds=self.calendar_feeds,
            stats=self.stats,
            imports=self.imports,
            suggestions=self.suggestions,
            http=self.http,
            meta=self.meta,
            default_offsets=self.settings.reminder_offsets,
            now=self._clock,
            upstream=self.upstream,
        )

    def _publish_if_changed(self) -> None:
        if self.publisher.due():
            self._spawn(asyncio.to_thread(self.publisher.publish), "publish-feeds")

    def _prune(self) -> None:
        self._spawn(self.retention.prune_when_due(), "prune")

    async def _prune_after(self, started: set[asyncio.Task[Any]]) -> None:
        """A pass if one is due, once the start's own work is done: serving, answering and
        what fell due while stopped come first (a pass over a year's log: 0.2-0.4 s of CPU)."""
        await asyncio.gather(*started, return_exceptions=True)
        await self.retention.prune_when_due()

    def _spawn(self, work: Coroutine[Any, Any, Any], name: str) -> None:
        task = asyncio.create_task(work, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def wait_background(self) -> None:
        """Wait for the work started at start-up (feed warm-up, reminder catch-up)."""
        while self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    async def stop(self) -> None:
        """Stop everything that started, in reverse order, and flush the store."""
        await self._stack.aclose()
        logger.info("app.stopped")

    async def __aenter__(self) -> SummitWatch:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    def _telegram_state(self) -> str:
        if self.telegram is None:
            return "off (console)"
        return "connected" if self.telegram.connected else "connecting"

    def now(self) -> datetime:
        return self._clock()

    def health(self) -> dict[str, Any]:
        stats = self.stats.collect()
        return {
            "ok": self.reminders.running,
            "store": "ok",  # not its path: /healthz is public
            "scheduler": "running" if self.reminders.running else "stopped",
            "telegram": self._telegram_state(),
            "events": stats.events,
            "subscribers": stats.subscribers,
            "next_reminder": stats.next_reminder.isoformat() if stats.next_reminder else None,
            "feeds": stats.news.sources,
            "last_news_poll": stats.news.last_cycle.isoformat() if stats.news.last_cycle else None,
        }


async def _cancelled(task: asyncio.Task[Any]) -> None:
    """Stop a background task for good (at shutdown)."""
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
