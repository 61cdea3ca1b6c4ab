"""Shared fixtures: settings for a throw-away instance, and waiting without sleeping blind."""

from __future__ import annotations

import asyncio
import io
import os
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.app import SummitWatch
from bot.delivery.notifier import ConsoleNotifier
from calendars.events import Event
from calendars.urls import parse_fetch_allow
from config.settings import Settings
from tests.fakes.telegram_api import FakeTelegram

DATA = Path(__file__).parent / "data"

# python-telegram-bot 22 warns on RetryAfter unless durations are opted into as timedelta;
# the suite turns warnings into errors, and the app uses timedelta throughout.
os.environ.setdefault("PTB_TIMEDELTA", "true")


@pytest.fixture(params=["UTC", "Europe/Berlin", "Asia/Singapore"])
def zone_name(request: pytest.FixtureRequest) -> str:
    """Time-sensitive tests run in several zones, as python-telegram-bot's suite does."""
    return str(request.param)


@pytest.fixture
def fake() -> Iterator[FakeTelegram]:
    """A fake Telegram Bot API server on loopback, speaking the real JSON."""
    with FakeTelegram() as server:
        yield server


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    # The fake feed and calendar servers listen on loopback, which fetches refuse by default.
    return Settings(
        db_path=tmp_path / "db" / "summitwatch.json",
        port=0,
        seed_path=None,
        fetch_allow=parse_fetch_allow("127.0.0.1"),
    )


def timed_event(event_id: str, start: datetime, *, hours: float = 2, **fields: object) -> Event:
    fields.setdefault("title", f"Event {event_id}")
    fields.setdefault("timezone", getattr(start.tzinfo, "key", "UTC"))
    return Event(
        id=event_id,
        start=start,
        end=start + timedelta(hours=hours),
        **fields,  # type: ignore[arg-type]
    )


def at(text: str, zone: str = "UTC") -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=ZoneInfo(zone))


async def until(condition: Callable[[], bool], *, within: float = 5.0, what: str = "") -> None:
    """Yield to the loop until ``condition`` holds; fail (not hang) after ``within`` seconds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while not condition():
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {what or condition}")
        await asyncio.sleep(0.005)


@asynccontextmanager
async def running(
    settings: Settings, console: io.StringIO | None = None, *, poll_news: bool = False
) -> AsyncIterator[SummitWatch]:
    """A real instance (store, scheduler, uvicorn on a free port) printing to ``console``.

    News is polled only when a test asks (``app.news.poll``), unless ``poll_news``.
    """
    notifier = ConsoleNotifier(console or io.StringIO())
    app = SummitWatch(settings, notifier=notifier, poll_news=poll_news)
    async with app:
        yield app
