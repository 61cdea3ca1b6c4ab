"""/importics of a file with repeating events, end to end through the fake Bot API."""

from __future__ import annotations

import html
from datetime import UTC, datetime
from pathlib import Path

import pytest
import time_machine

from config.settings import Settings
from tests.fakes.telegram_api import FakeTelegram
from tests.handlers.conftest import ADMIN, bot_running, bot_settings

pytestmark = pytest.mark.asyncio

T0 = datetime(2026, 2, 15, 12, 0, tzinfo=UTC)
DATA = Path(__file__).resolve().parents[1] / "data"


async def test_importics_adds_each_occurrence_of_a_series_and_counts_them(
    settings: Settings, fake: FakeTelegram
) -> None:
    content = (DATA / "google_recurring.ics").read_bytes()
    hostile = (
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:flood\r\nSUMMARY:Flood\r\n"
        b"DTSTART:20260301T000000Z\r\nRRULE:FREQ=SECONDLY\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    with time_machine.travel(T0, tick=False):
        async with bot_running(bot_settings(settings, fake)) as app:
            for n, body in enumerate((content, content, hostile), 1):
                fake.push_document(
                    chat_id=ADMIN,
                    user_id=ADMIN,
                    file_name=f"file{n}.ics",
                    content=body,
                    caption="/importics",
                )
                await fake.wait_for_messages(ADMIN, n)
            first, again, flood = (m["text"] for m in fake.sent_messages(ADMIN)[:3])
            stored = app.store.events.sorted_by_start()
    # 7 sherpa calls (one EXDATE, one moved) and 6 weekly syncs.
    assert "Imported: 13 added, 0 updated, 0 unchanged, 0 skipped." in first
    assert "Imported: 0 added, 0 updated, 13 unchanged, 0 skipped." in again
    calls = [e for e in stored if e.title.startswith("Weimar triangle sherpa call")]
    assert [f"{e.start:%m-%d %H:%M}" for e in calls] == [
        "03-05 10:00",
        "03-12 10:00",
        "03-19 10:00",
        "03-31 15:30",
        "04-09 10:00",
        "04-16 10:00",
        "04-23 10:00",
    ]
    assert {e.timezone for e in calls} == {"Europe/Berlin"}
    assert "Imported: 500 added, 0 updated, 0 unchanged, 1 skipped." in flood
    assert (
        "• 1 × repeats more than 500 times within the 13-month window; the first 500 were "
        "kept: 'Flood' (UID flood)"
    ) in html.unescape(flood)
    assert len(stored) == 513
