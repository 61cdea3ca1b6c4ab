"""Upstream calendars, attacked: what a review of issue 12 found, each through the bot on
the fake Bot API with the calendar on the real feed server (time: time-machine)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from bot.app import SummitWatch
from calendars.events import Event
from config.settings import Settings
from tests.fakes.feed_server import FeedServer
from tests.fakes.ical import Entry, calendar
from tests.fakes.telegram_api import FakeTelegram
from tests.handlers.conftest import ADMIN, bot_running, say
from tests.handlers.test_source_commands import configured

pytestmark = pytest.mark.asyncio

T0 = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
DAY = timedelta(days=1)
ICS = "text/calendar; charset=utf-8"


@pytest.fixture
def site() -> Iterator[FeedServer]:
    with FeedServer() as server:
        yield server


def of_source(app: SummitWatch) -> dict[str, Event]:
    return {e.title: e for e in app.store.events.all() if e.origin is not None}


async def test_events_without_a_uid_each_become_an_event(
    settings: Settings, fake: FakeTelegram, site: FeedServer
) -> None:
    """RFC 5545 requires a UID, but hand-written calendars leave it out: each such event is
    still its own event, not all of them one (the first) with the rest silently lost."""
    entries = [
        Entry("", T0 + 5 * DAY, "SCO summit"),
        Entry("", T0 + 6 * DAY, "BRICS summit"),
        Entry("", T0 + 7 * DAY, "G20 summit"),
    ]
    site.publish("mea.ics", calendar(entries), content_type=ICS)
    with time_machine.travel(T0, tick=False):
        async with bot_running(configured(settings, fake)) as app:
            added = await say(fake, ADMIN, f"/addsource {site.url('mea.ics')}")
            events = of_source(app)
    assert "Events: 3 added." in added
    assert set(events) == {"SCO summit", "BRICS summit", "G20 summit"}
    assert len({e.id for e in events.values()}) == 3
