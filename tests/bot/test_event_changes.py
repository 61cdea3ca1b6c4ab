"""Changes in the repeated hour of a fall-back night are changes: instants, not wall clocks."""

from __future__ import annotations

import dataclasses
import io
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from calendars.events import Event
from config.settings import Settings
from tests.conftest import running, until

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
    with time_machine.travel(T0, tick=False) as clock:
        async with running(berlin, console) as app:
            await app.events.add(night, actor="admin")
            later = dataclasses.replace(night, end=FIRST_0230.replace(fold=1))  # 02:30 CET
            assert later == night  # what Python's == says: the same wall clock
            assert await app.events.upsert(later, actor="import") == "updated"
            assert await app.events.upsert(later, actor="import") == "unchanged"
            clock.shift(timedelta(seconds=30))
            app.reminders.wake()
            await until(lambda: "Changed" in console.getvalue(), what="the change alert")
    stored = app.store.events.get("night")
    assert stored is not None
    assert stored.ends_at == datetime(2027, 10, 31, 1, 30, tzinfo=UTC)
    output = console.getvalue()
    assert output.count("✏️ Changed: Night talks") == 1
    assert "🗓 Sun 31 Oct 2027, 01:30 CEST – 02:30 CET · Sat 30 Oct, 23:30 UTC\n" in output
    assert (
        "🗓 Time: Sun 31 Oct 2027, 01:30–02:30 CEST · Sat 30 Oct, 23:30 UTC"
        " → Sun 31 Oct 2027, 01:30 CEST – 02:30 CET · Sat 30 Oct, 23:30 UTC\n" in output
    )
    assert [c.by for c in stored.history] == ["import"]


async def test_an_alert_sent_but_not_settled_before_a_crash_is_not_sent_again(
    settings: Settings,
) -> None:
    console = io.StringIO()
    start = T0 + timedelta(days=2)
    with time_machine.travel(T0, tick=False) as clock:
        async with running(settings, console) as app:
            await app.events.add(
                Event(id="talks", title="Talks", start=start, end=start + timedelta(hours=1)),
                actor="admin",
            )
            await app.events.edit("talks", actor="admin", location="Delhi")
            pending = app.store.pending_alerts.get("talks")
            assert pending is not None
            clock.shift(timedelta(seconds=30))
            assert await app.alerts.send("talks") == 1
            # as if the process died after sending, before the pending alert was removed
            sending = dataclasses.replace(pending, sending=app.store.events.get("talks").sequence)  # type: ignore[union-attr]
            app.store.pending_alerts.put("talks", sending)
        async with running(settings, console) as app:
            await app.wait_background()
            assert len(app.store.pending_alerts) == 0
    assert console.getvalue().count("✏️ Changed: Talks") == 1
