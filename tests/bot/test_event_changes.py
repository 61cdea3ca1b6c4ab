"""Changes in the repeated hour of a fall-back night are changes: instants, not wall clocks."""

from __future__ import annotations

import dataclasses
import io
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from calendars.events import Event
from config.settings import Settings
from tests.conftest import running

pytestmark = pytest.mark.asyncio

T0 = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
FIRST_0230 = datetime(2027, 10, 31, 2, 30, tzinfo=ZoneInfo("Europe/Berlin"))


async def test_moving_an_end_to_the_second_pass_of_the_hour_is_an_update_followers_hear_of(
    settings: Settings,
) -> None:
    console = io.StringIO()
    berlin = dataclasses.replace(settings, timezone="Europe/Berlin")
    night = Event(
        id="night",
        title="Night talks",
        start=FIRST_0230.replace(hour=1),
        end=FIRST_0230,  # 02:30 CEST
        timezone="Europe/Berlin",
    )
    with time_machine.travel(T0, tick=False):
        async with running(berlin, console) as app:
            await app.events.add(night, actor="admin")
            later = dataclasses.replace(night, end=FIRST_0230.replace(fold=1))  # 02:30 CET
            assert later == night  # what Python's == says: the same wall clock
            assert await app.events.upsert(later, actor="import") == "updated"
            assert await app.events.upsert(later, actor="import") == "unchanged"
            await app.wait_background()
    stored = app.store.events.get("night")
    assert stored is not None
    assert stored.ends_at == datetime(2027, 10, 31, 1, 30, tzinfo=UTC)
    output = console.getvalue()
    assert output.count("✏️ Changed: Night talks") == 1
    assert "🗓 Sun 31 Oct 2027, 01:30 CEST – 02:30 CET · Sat 30 Oct, 23:30 UTC\n" in output
    assert "Was: Sun 31 Oct 2027, 01:30–02:30 CEST · Sat 30 Oct, 23:30 UTC\n" in output
