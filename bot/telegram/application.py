"""The python-telegram-bot Application, run inside SummitWatch's own event loop.

Long polling by default; with ``SUMMITWATCH_WEBHOOK_URL`` set, Telegram posts updates to
a route on our Starlette app instead, and a request without the right
``X-Telegram-Bot-Api-Secret-Token`` is refused. ``TELEGRAM_API_BASE_URL`` points the bot
at a self-hosted Bot API server (or the tests' fake). With a store, updates come in through
``bot.telegram.intake`` (our own polling loop): each takes effect exactly once.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from starlette.routing import Route
from telegram import BotCommand, BotCommandScopeChat, BotCommandScopeDefault, Update
from telegram.error import BadRequest, InvalidToken, NetworkError, TelegramError
from telegram.ext import Application, ApplicationBuilder, ContextTypes

from bot.store import Store
from bot.telegram.context import BotContext
from bot.telegram.intake import RecordingUpdateProcessor, UpdateIntake
from bot.telegram.rate_limits import rate_limiter
from bot.telegram.transport import AiohttpRequest
from bot.telegram.webhook import webhook_route
from calendars.errors import ConfigError
from config.settings import Settings

__all__ = ["TelegramRunner", "api_urls", "build_application"]

logger = logging.getLogger(__name__)

AnyApplication = Application[Any, Any, Any, Any, Any, Any]
Menu = list[tuple[str, str]]  # (command, description)


def api_urls(base_url: str) -> tuple[str, str]:
    """``http://host:8081`` or ``http://host:8081/bot`` → the bot and file URL prefixes."""
    base = base_url.rstrip("/")
    if not base.endswith("/bot"):
        base += "/bot"
    return base, base[: -len("bot")] + "file/bot"


def _utc_now() -> datetime:
    return datetime.now(UTC)


def build_application(
    settings: Settings,
    *,
    register: Callable[[AnyApplication], None],
    store: Store | None = None,
    clock: Callable[[], datetime] = _utc_now,
) -> AnyApplication:
    """The Application; ``register`` adds the handlers (the wiring point passes them in).

    Its ``bot_data["services"]`` is filled by the wiring point once the services exist:
    they need this Application's bot to deliver messages. With ``store``, each update is
    handled in a store transaction and polled by ``UpdateIntake``, not PTB's Updater.
    """
    if not settings.telegram_token:
        raise ConfigError("TELEGRAM_BOT_TOKEN", "is needed to run the Telegram bot")
    builder = (
        ApplicationBuilder()
        .token(settings.telegram_token)
        .context_types(ContextTypes(context=BotContext))
        .rate_limiter(
            rate_limiter(paid_broadcast=True) if settings.paid_broadcast else rate_limiter()
        )
        .request(AiohttpRequest())  # sends cost a tenth of httpx's CPU (see transport)
    )
    if store is not None:
        processor = RecordingUpdateProcessor(8, store=store, clock=clock)
        builder = builder.concurrent_updates(processor).updater(None)
    else:
        builder = builder.concurrent_updates(8)
    if settings.telegram_api_base_url:
        bot_url, file_url = api_urls(settings.telegram_api_base_url)
        builder = builder.base_url(bot_url).base_file_url(file_url)
    if settings.webhook_url:
        builder = builder.updater(None)
    application: AnyApplication = builder.build()
    register(application)
    return application


def _log_polling_end(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        logger.error("telegram.polling_crashed", exc_info=task.exception())


class TelegramRunner:
    """Starts and stops the Application: initialise, command menus, then poll or webhook."""

    def __init__(
        self,
        application: AnyApplication,
        settings: Settings,
        *,
        intake: UpdateIntake | None = None,
        menus: tuple[Menu, Menu] = ([], []),
        translated_menus: Mapping[str, tuple[Menu, Menu]] | None = None,
    ) -> None:
        """``menus``: the command menu for everyone, and the one for the bot's admins;
        ``translated_menus``: the same per language code, for users whose Telegram speaks it."""
        self.application = application
        self._menus = menus
        self._translated_menus = dict(translated_menus or {})
        self._settings = settings
        self._secret = settings.webhook_secret or secrets.token_urlsafe(32)
        self.connected = False
        self._retry: asyncio.Task[None] | None = None
        self._intake = intake
        self._polling: asyncio.Task[None] | None = None

    @property
    def webhook_path(self) -> str:
        return urlsplit(self._settings.webhook_url or "").path or "/telegram/webhook"

    async def start(self) -> None:
        try:
            await self._connect()
        except InvalidToken as exc:
            # PTB's message repeats the token: never print a secret, even a wrong one.
            raise ConfigError(
                "TELEGRAM_BOT_TOKEN",
                "Telegram rejected the token; copy it again from @BotFather",
            ) from exc
        except NetworkError as exc:
            # Feeds and the page keep working; the bot joins when Telegram is reachable.
            logger.warning("telegram.unreachable error=%r action=retrying", str(exc))
            self._retry = asyncio.create_task(self._reconnect(), name="telegram-reconnect")

    async def _reconnect(self) -> None:
        delay = 5.0
        while not self.connected:
            await asyncio.sleep(delay)
            try:
                await self._connect()
            except NetworkError as exc:
                logger.warning("telegram.unreachable error=%r retry_in=%.0fs", str(exc), delay)
                delay = min(delay * 2, 300)

    async def _connect(self) -> None:
        application = self.application
        await application.initialize()
        await self._publish_commands()
        await application.start()
        if self._intake is not None:
            self._intake.replay()  # before anything new: a crash left these unhandled
        if self._settings.webhook_url:
            await application.bot.set_webhook(
                url=self._settings.webhook_url,
                secret_token=self._secret,
                allowed_updates=Update.ALL_TYPES,
            )
        elif self._intake is not None:
            self._polling = asyncio.create_task(self._intake.poll(), name="telegram-polling")
            self._polling.add_done_callback(_log_polling_end)
        elif application.updater is not None:
            await application.updater.start_polling(allowed_updates=Update.ALL_TYPES)
        self.connected = True
        mode = "webhook" if self._settings.webhook_url else "polling"
        logger.info("telegram.started bot=@%s mode=%s", application.bot.username, mode)

    async def _publish_commands(self) -> None:
        """The default menus, then each language's (Telegram shows a user the menu of their
        app's language when there is one, else the default)."""
        await self._publish_menus(self._menus, None)
        for lang, menus in self._translated_menus.items():
            await self._publish_menus(menus, lang)

    async def _publish_menus(self, menus: tuple[Menu, Menu], lang: str | None) -> None:
        bot = self.application.bot
        users, admins = ([BotCommand(name, text[:256]) for name, text in m] for m in menus)
        await bot.set_my_commands(users, scope=BotCommandScopeDefault(), language_code=lang)
        for admin_id in sorted(self._settings.admin_ids):
            try:
                await bot.set_my_commands(
                    admins, scope=BotCommandScopeChat(admin_id), language_code=lang
                )
            except BadRequest as exc:  # the admin has not talked to the bot yet
                logger.info("telegram.admin_menu_skipped admin=%s reason=%r", admin_id, exc.message)

    async def stop(self) -> None:
        if self._retry is not None:
            self._retry.cancel()
            await asyncio.gather(self._retry, return_exceptions=True)
        application = self.application
        if self._polling is not None:
            self._polling.cancel()
            await asyncio.gather(self._polling, return_exceptions=True)
        if application.updater is not None and application.updater.running:
            await application.updater.stop()
        if application.running:
            await application.stop()
        try:
            await application.shutdown()
            # A start that failed half-way (token rejected) leaves the bot's HTTP clients
            # open while the application counts as not initialised: close them too.
            await application.bot.shutdown()
        except TelegramError as exc:
            logger.warning("telegram.shutdown_error error=%r", str(exc))
        self.connected = False

    def webhook_route(self) -> Route:
        """Telegram's POSTs of updates, refused without the secret header this run set."""
        return webhook_route(
            self.webhook_path,
            application=self.application,
            secret=self._secret,
            intake=self._intake,
        )
