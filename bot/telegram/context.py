"""Typed access to the app's services from Telegram handlers (``context.events`` ...)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx
from telegram.ext import Application, CallbackContext, ExtBot

from bot.delivery.broadcaster import Broadcaster
from bot.news.service import NewsService
from bot.news.suggesting import SuggestionService
from bot.services.events import EventService
from bot.services.imports import ImportService
from bot.services.stats import StatsService
from bot.services.subscriptions import SubscriptionService
from bot.upstream.service import UpstreamService
from calendars.ical.feeds import CalendarFeeds
from calendars.ical.render import CalendarMeta
from config.settings import Settings

__all__ = ["BotContext", "Services"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Services:
    """Everything a handler may call; built once by ``SummitWatch``."""

    settings: Settings
    events: EventService
    subscriptions: SubscriptionService
    broadcaster: Broadcaster
    news: NewsService
    calendar_feeds: CalendarFeeds
    stats: StatsService
    imports: ImportService
    suggestions: SuggestionService
    http: httpx.AsyncClient
    meta: CalendarMeta
    default_offsets: tuple[timedelta, ...]
    now: Any  # Callable[[], datetime]: the app's clock
    upstream: UpstreamService  # upstream calendars (issue 12)

    def is_admin(self, user_id: int | None) -> bool:
        return user_id is not None and user_id in self.settings.admin_ids


class BotContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """``CallbackContext`` with the app's services as typed properties."""

    def __init__(
        self,
        application: Application[Any, Any, Any, Any, Any, Any],
        chat_id: int | None = None,
        user_id: int | None = None,
    ) -> None:
        super().__init__(application=application, chat_id=chat_id, user_id=user_id)

    @property
    def services(self) -> Services:
        services = self.bot_data["services"]
        if not isinstance(services, Services):
            raise RuntimeError("the application was built without services")
        return services

    @property
    def events(self) -> EventService:
        return self.services.events

    @property
    def subscriptions(self) -> SubscriptionService:
        return self.services.subscriptions

    @property
    def meta(self) -> CalendarMeta:
        return self.services.meta

    def now(self) -> datetime:
        moment: datetime = self.services.now()
        return moment
