"""An upstream calendar never touches the translations an admin wrote: they are admin
data, kept through every sync, while the fields the source follows still follow it."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from config.settings import Settings
from tests.fakes.feed_server import FeedServer
from tests.fakes.ical import Entry, calendar
from tests.fakes.telegram_api import FakeTelegram
from tests.handlers.conftest import ADMIN, bot_running, bot_settings, say

pytestmark = pytest.mark.asyncio

T0 = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
ICS = "text/calendar; charset=utf-8"
HINDI = "एससीओ शिखर सम्मेलन"


@pytest.fixture
def site() -> Iterator[FeedServer]:
    with FeedServer() as server:
        yield server


def summit(**changes: object) -> Entry:
    fields: dict[str, object] = {
        "uid": "summit-1@mea.example",
        "start": T0 + timedelta(days=5),
        "title": "SCO summit",
        "location": "Tianjin",
    }
    return Entry(**{**fields, **changes})  # type: ignore[arg-type]


async def test_a_sync_keeps_the_admins_translations_and_follows_the_source_fields(
    settings: Settings, fake: FakeTelegram, site: FeedServer
) -> None:
    site.publish("mea.ics", calendar([summit()]), content_type=ICS)
    configured = dataclasses.replace(
        settings, fetch_timeout=2.0, news_sources_path=None, sources_path=None
    )
    with time_machine.travel(T0, tick=False) as clock:
        async with bot_running(bot_settings(configured, fake)) as app:
            await say(fake, ADMIN, f"/addsource {site.url('mea.ics')} sco")
            (event,) = [e for e in app.store.events.all() if e.origin is not None]
            await say(
                fake, ADMIN, f'/editevent {event.id} title.hi="{HINDI}" location.ru="Тяньцзинь"'
            )
            changed = summit(title="SCO summit (25th)", location="Tianjin, Meijiang centre")
            site.publish("mea.ics", calendar([changed]), content_type=ICS)
            clock.shift(timedelta(minutes=31))
            await app.upstream.poller.poll_due()
            synced = app.events.get(event.id)
    assert synced.title == "SCO summit (25th)"  # not pinned by the translation
    assert synced.location == "Tianjin, Meijiang centre"
    assert synced.pinned == frozenset()
    assert synced.translations.named() == {"title.hi": HINDI, "location.ru": "Тяньцзинь"}
    assert synced.history[-1].by == "source 127.0.0.1/mea.ics"
