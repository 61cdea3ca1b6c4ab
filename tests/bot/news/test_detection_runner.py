"""The detector off the loop: every mode finds the same, and a batch over budget is skipped."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.news import detection
from bot.news.detection import DetectionRunner
from calendars.news.articles import Article
from config.watch import load_watch

pytestmark = pytest.mark.asyncio

NOW = datetime(2026, 11, 2, 8, tzinfo=UTC)
TITLES = (
    "Putin to visit New Delhi on December 4, Kremlin says",
    "Cricket: India beat Australia in Perth",
    "पुतिन 4 दिसंबर को नई दिल्ली का दौरा करेंगे",
)


def articles() -> list[Article]:
    return [
        Article(
            key=f"guid:{n}",
            title=title,
            link=f"https://news.example.org/{n}",
            summary="",
            source="Wire",
            published=NOW,
            source_url="https://news.example.org/rss",
        )
        for n, title in enumerate(TITLES)
    ]


@pytest.mark.parametrize("mode", ["process", "thread", "slices"])
async def test_every_mode_finds_the_announcements(mode: detection.Mode) -> None:
    runner = DetectionRunner(mode, batch=2)
    try:
        found = await runner.detect(articles(), load_watch(), NOW)
    finally:
        await runner.close()
    assert [(a.article.key, a.title, a.when.isoformat()) for a in found] == [
        ("guid:0", "Putin visit to New Delhi", "2026-12-04"),
        ("guid:2", "Putin visit to New Delhi", "2026-12-04"),
    ]


async def test_a_batch_over_its_time_is_skipped_and_the_next_one_is_read(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    runner = DetectionRunner("process")
    watch = load_watch()
    try:
        monkeypatch.setattr(detection, "DETECT_BATCH_SECONDS", 0.000001)
        assert await runner.detect(articles(), watch, NOW) == []
        monkeypatch.setattr(detection, "DETECT_BATCH_SECONDS", 60.0)
        found = await runner.detect(articles(), watch, NOW)
    finally:
        await runner.close()
    assert len(found) == 2
