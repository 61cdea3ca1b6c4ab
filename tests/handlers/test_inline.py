"""Inline mode end to end: ``@bot words`` from a user who never started the bot."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import httpx
import pytest

from bot.app import SummitWatch
from config.seed import DEFAULT_SEED
from config.settings import Settings
from tests.conftest import timed_event
from tests.fakes.telegram_api import FakeTelegram
from tests.handlers.conftest import OTHER_USER, USER, bot_settings

pytestmark = pytest.mark.asyncio

# Before the seeded events, so all three are upcoming.
T0 = datetime(2025, 8, 1, 12, tzinfo=UTC)
PUBLIC = "https://summitwatch.example"
SEEDED = ["sco-tianjin-2025", "modi-putin-tianjin-2025", "putin-new-delhi-2025"]


@asynccontextmanager
async def inline_bot(
    settings: Settings, fake: FakeTelegram, **changes: Any
) -> AsyncIterator[SummitWatch]:
    changes = {"seed_path": DEFAULT_SEED, "public_url": PUBLIC, **changes}
    configured = bot_settings(settings, fake, **changes)
    async with SummitWatch(configured, clock=lambda: T0, poll_news=False) as app:
        yield app


async def ask(fake: FakeTelegram, text: str, user_id: int = USER) -> list[dict[str, Any]]:
    """Type ``@SummitWatchBot text`` and return the results the bot offered."""
    update = fake.push_inline_query(user_id=user_id, query=text)
    answer = await fake.wait_for_inline_answer(update["inline_query"]["id"])
    assert 0 <= answer["cache_time"] <= 60
    results: list[dict[str, Any]] = answer["results"]
    return results


def buttons(result: dict[str, Any]) -> dict[str, str]:
    rows = result["reply_markup"]["inline_keyboard"]
    return {b["text"]: b["url"] for row in rows for b in row if "url" in b}


async def test_putin_finds_the_seeded_putin_events_with_working_links(
    settings: Settings, fake: FakeTelegram
) -> None:
    async with inline_bot(settings, fake) as app, httpx.AsyncClient() as http:
        results = await ask(fake, "putin")
        assert [r["id"] for r in results] == SEEDED  # each lists Putin; soonest first
        visit = results[2]
        assert visit["title"] == "Putin's state visit to India – 23rd India–Russia Annual Summit"
        assert "New Delhi, India" in visit["description"]
        card = visit["input_message_content"]
        assert card["parse_mode"] == "HTML"
        assert card["message_text"].splitlines() == [
            "<b>Putin&#x27;s state visit to India – 23rd India–Russia Annual Summit</b>",
            "🗓 Thu 4 – Fri 5 Dec 2025, all day in Kolkata · from Wed 3 Dec, 18:30 UTC",
            # whoever reads the card sees when the first day begins on their own clock
            '🕓 Begins, your time: <tg-time unix="1764786600" format="wdt">'
            "Wed 3 Dec 2025, 18:30 UTC</tg-time>",
            "📍 New Delhi, India",
            "Status: ✅ confirmed",
        ]
        links = buttons(visit)
        assert links == {
            "Event page": f"{PUBLIC}/events/putin-new-delhi-2025",
            "Add to calendar (.ics)": f"{PUBLIC}/events/putin-new-delhi-2025.ics",
        }
        # The same paths on this instance serve that event's page and calendar file.
        local = f"http://127.0.0.1:{app.port}"
        page = await http.get(local + urlsplit(links["Event page"]).path)
        assert page.status_code == 200
        assert "Putin&#39;s state visit to India" in page.text
        ics = await http.get(local + urlsplit(links["Add to calendar (.ics)"]).path)
        assert b"UID:putin-new-delhi-2025@summitwatch.example" in ics.content
        # More words narrow it down, in any case, in any script.
        assert [r["id"] for r in await ask(fake, "PUTIN new delhi")] == ["putin-new-delhi-2025"]
        assert [r["id"] for r in await ask(fake, "पुतिन tianjin")] == SEEDED[:2]
        assert [r["id"] for r in await ask(fake, "#state-visit")] == ["putin-new-delhi-2025"]
        assert await ask(fake, "putin mars") == []
    assert app.subscriptions.get(str(USER)) is None  # no subscription was needed


async def test_an_empty_query_lists_the_next_twenty_events(
    settings: Settings, fake: FakeTelegram
) -> None:
    async with inline_bot(settings, fake) as app:
        assert [r["id"] for r in await ask(fake, "")] == SEEDED
        for day in range(25):
            later = T0 + timedelta(days=200 + day)
            await app.events.add(timed_event(f"later-{day:02d}", later), actor="test")
        over = timed_event("already-over", T0 - timedelta(days=1))
        await app.events.add(over, actor="test")
        results = await ask(fake, "   ", user_id=OTHER_USER)
    ids = [r["id"] for r in results]
    assert ids == SEEDED + [f"later-{day:02d}" for day in range(17)]


async def test_the_card_shows_utc_the_venue_time_and_the_status(
    settings: Settings, fake: FakeTelegram
) -> None:
    async with inline_bot(settings, fake) as app:
        start = datetime(2025, 9, 10, 10, 0, tzinfo=ZoneInfo("Asia/Kolkata"))
        talks = timed_event("delhi-talks", start, title="Delhi <talks>", location="Hyderabad House")
        await app.events.add(talks, actor="test")
        await app.events.edit("delhi-talks", actor="test", status="tentative")
        await app.events.cancel("modi-putin-tianjin-2025", actor="test")
        results = {r["id"]: r for r in await ask(fake, "")}
    tentative = results["delhi-talks"]["input_message_content"]["message_text"]
    assert tentative.splitlines() == [
        "<b>Delhi &lt;talks&gt;</b>",
        "🗓 Wed 10 Sep 2025, 04:30–06:30 UTC · 10:00 IST (Kolkata)",
        '🕓 Your time: <tg-time unix="1757478600" format="wdt">'
        "Wed 10 Sep 2025, 04:30 UTC</tg-time>",
        "📍 Hyderabad House",
        "Status: 📣 announced: dates or place may still change",
    ]
    assert results["delhi-talks"]["description"].startswith(
        "announced · Wed 10 Sep 2025, 04:30 UTC · 10:00 IST (Kolkata)"
    )
    follow = results["delhi-talks"]["reply_markup"]["inline_keyboard"][-1][0]
    assert (follow["text"], follow["callback_data"]) == ("🔔 Follow", "fw:delhi-talks")
    cancelled = results["modi-putin-tianjin-2025"]["input_message_content"]["message_text"]
    assert cancelled.startswith("<s><b>Modi–Putin bilateral meeting in Tianjin</b></s>")
    assert cancelled.endswith("Status: ❌ cancelled")


@pytest.mark.parametrize(
    "text",
    [
        "x" * 256,  # the longest query Telegram sends
        "<b>&amp; %s {0} \\ ' \" ) (",
        "\u202eputin\u200b 🇮🇳 " * 20,
        ".*" * 128,
        "nul\x00 tab\t line\n\x7f",
    ],
)
async def test_odd_or_huge_queries_get_an_answer(
    settings: Settings, fake: FakeTelegram, text: str
) -> None:
    async with inline_bot(settings, fake):
        assert await ask(fake, text) == []
        assert [r["id"] for r in await ask(fake, "putin delhi")] == ["putin-new-delhi-2025"]


async def test_without_a_public_address_the_links_go_in_the_text(
    settings: Settings, fake: FakeTelegram
) -> None:
    async with inline_bot(settings, fake, public_url="") as app:
        (result,) = await ask(fake, "new delhi")
    # Telegram would refuse buttons to 127.0.0.1: only the Follow button is there
    assert result["reply_markup"]["inline_keyboard"] == [
        [{"text": "🔔 Follow", "callback_data": "fw:putin-new-delhi-2025"}]
    ]
    text = result["input_message_content"]["message_text"]
    assert f'<a href="{app.public_url}/events/putin-new-delhi-2025.ics">' in text
