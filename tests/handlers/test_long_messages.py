"""Long messages reach Telegram as parts it accepts, through the fake Bot API's rules."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.wording.notices import digest_notice
from calendars.events import Coverage
from calendars.news.articles import Article
from config.settings import Settings
from tests.conftest import timed_event
from tests.fakes.telegram_api import FakeTelegram
from tests.fakes.telegram_rules import html_to_plain
from tests.handlers.conftest import USER, bot_running, bot_settings, say, texts

pytestmark = pytest.mark.asyncio

# ~4 KB of &-separated parameters: ~12 KB once escaped for HTML.
TRACKING = "https://news.example/summit?" + "&".join(f"utm{i}=a&b" for i in range(400))


async def test_event_details_with_a_kilobytes_long_coverage_link_reach_everyone(
    settings: Settings, fake: FakeTelegram
) -> None:
    async with bot_running(bot_settings(settings, fake)) as app:
        start = app.now() + timedelta(days=2)
        await app.events.add(
            timed_event("talks", start, description="Agenda item. " * 300), actor="t"
        )
        app.events.record_coverage(
            "talks",
            [
                Coverage(title="Tracked story", url=TRACKING, source="Wire"),
                Coverage(title="Plain story", url="https://news.example/plain", source="Wire"),
                *(
                    Coverage(
                        title=f"Analysis {n}: " + "what was agreed " * 10, url=f"{TRACKING}&{n}"
                    )
                    for n in range(3)
                ),
            ],
        )
        fake.push_message(chat_id=USER, text="/event talks")
        await fake.wait_for(
            lambda requests: any(m == "sendDocument" for m, _ in requests), timeout=10
        )
        parts = texts(fake, USER)
    shown = "".join(html_to_plain(part) for part in parts)
    assert len(parts) >= 2
    assert all(len(html_to_plain(part)) <= 4096 for part in parts)
    assert "Tracked story — Wire" in shown
    assert "utm1=" not in "".join(parts)  # too long to link: the title alone
    assert any('<a href="https://news.example/plain">Plain story</a>' in p for p in parts)
    assert shown.count("Agenda item.") == 300


async def test_a_long_digest_is_delivered_in_parts_that_join_up(
    settings: Settings, fake: FakeTelegram
) -> None:
    articles = [
        (
            Article(
                key=str(n),
                title=f"Story {n} " + "about the summit " * 12,
                link=f"https://news.example/{n}?" + "&".join(["x=1"] * 30),
                summary="",
                source="Wire",
                published=None,
                source_url="",
            ),
            [],
        )
        for n in range(25)
    ]
    html = digest_notice(articles, zone="UTC")
    assert len(html_to_plain(html)) > 4096
    async with bot_running(bot_settings(settings, fake)) as app:
        await say(fake, USER, "/start")
        outcomes = await app.broadcaster.broadcast(html, actor="t")
        parts = texts(fake, USER)[1:]
    assert sum(outcomes.values()) == 1
    assert len(parts) == 2
    assert "".join(html_to_plain(part) for part in parts) == html_to_plain(html)
    assert all(html_to_plain(part).strip() for part in parts)
