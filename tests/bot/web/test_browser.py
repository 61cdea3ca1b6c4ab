"""The page in a real browser: Debian's Chromium, headless, against a real uvicorn."""

from __future__ import annotations

import asyncio
import dataclasses
import os
import re
import shutil
import struct
from datetime import timedelta
from pathlib import Path

import pytest

from config.seed import DEFAULT_SEED
from config.settings import Settings
from tests.conftest import running, timed_event

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = [
    pytest.mark.asyncio,
    pytest.mark.skipif(
        CHROMIUM is None,
        reason="Debian's chromium is not installed; the README's check command installs it "
        "with apt-get when it can (root, package mirror reachable)",
    ),
]
# Without the background-networking flags Chromium tries to reach Google at every start.
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


async def chromium(profile: Path, *args: str, zone: str) -> bytes:
    assert CHROMIUM is not None
    process = await asyncio.create_subprocess_exec(
        CHROMIUM,
        *FLAGS,
        f"--user-data-dir={profile}",
        *args,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
        env={**os.environ, "TZ": zone},
    )
    output, _ = await asyncio.wait_for(process.communicate(), timeout=90)
    return output


def png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", header[16:24])
    return width, height


async def test_the_page_shows_events_links_and_times_in_the_visitors_zone(
    settings: Settings, tmp_path: Path
) -> None:
    async with running(dataclasses.replace(settings, seed_path=DEFAULT_SEED)) as app:
        start = (app.now() + timedelta(days=20)).replace(hour=4, minute=30, second=0, microsecond=0)
        await app.events.add(
            timed_event("talks", start, title="Modi–Putin talks", timezone="Europe/Moscow"),
            actor="t",
        )
        url = f"{app.public_url}/"
        dom = (await chromium(tmp_path / "a", "--dump-dom", url, zone="Asia/Kolkata")).decode()
        shot = tmp_path / "page.png"
        await chromium(
            tmp_path / "b",
            f"--screenshot={shot}",
            "--window-size=1280,1600",
            url,
            zone="Asia/Kolkata",
        )
    assert "Modi–Putin talks" in dom
    assert "SCO Summit 2025 in Tianjin" in dom
    assert "Europe/Moscow" in dom  # the venue's zone stays visible
    assert "Your time: " in dom
    assert "GMT+5:30" in dom
    # The footer names the visitor's zone (ICU may still call Kolkata by its old name).
    assert re.search(r'data-your-zone="">Asia/(Kolkata|Calcutta)</strong>', dom)
    assert dom.count("Download .ics") == 5  # the feed and each of the four events
    assert "webcal://" in dom
    assert "outlook.live.com" in dom
    assert png_size(shot) == (1280, 1600)
    assert shot.stat().st_size > 30_000  # a rendered page, not a blank one


# Where the per-language screenshots go besides the test's own directory, for a person to
# look at (Devanagari and Cyrillic as glyphs, not boxes): e.g. benchmarks/results.
SHOTS = os.environ.get("SUMMITWATCH_SCREENSHOTS")
# What Chromium's own Intl writes in each language for "your time" (script ran, in the
# page's language): a Russian weekday, Marathi's Devanagari digits, Hindi's weekday.
SEED_TITLE = {
    "en": "Putin's state visit to India",
    "hi": "पुतिन की भारत की राजकीय यात्रा",
    "mr": "पुतिन यांचा भारत दौरा",
    "ru": "Государственный визит Путина в Индию",
}
LOCAL_TIME = {
    "en": r"Your time: <span>[A-Z][a-z]{2}, ",
    "hi": "आपका समय: <span>[\u0900-\u097f]+, ",
    "mr": "तुमची वेळ: <span>[^<]*[०-९]{2}",
    "ru": "Ваше время: <span>[а-я]{2}, ",
}


def keep(shot: Path) -> None:
    """A copy of the screenshot where a person will look at it, if asked."""
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shot, Path(SHOTS) / shot.name)


@pytest.mark.parametrize("lang", ["en", "hi", "mr", "ru"])
async def test_the_page_in_each_language_in_chromium(
    settings: Settings, tmp_path: Path, lang: str
) -> None:
    async with running(dataclasses.replace(settings, seed_path=DEFAULT_SEED)) as app:
        start = (app.now() + timedelta(days=20)).replace(hour=4, minute=30, second=0, microsecond=0)
        await app.events.add(
            timed_event("talks", start, title="Modi–Putin talks", timezone="Europe/Moscow"),
            actor="t",
        )
        url = f"{app.public_url}/?lang={lang}"
        dom = (await chromium(tmp_path / "a", "--dump-dom", url, zone="Asia/Kolkata")).decode()
        shot = tmp_path / f"page-{lang}.png"
        await chromium(
            tmp_path / "b",
            f"--screenshot={shot}",
            "--window-size=1100,1400",
            "--hide-scrollbars",
            url,
            zone="Asia/Kolkata",
        )
    keep(shot)
    assert f'<html lang="{lang}">' in dom
    assert 'aria-current="true">' in dom
    local = dom.split('data-local-for="')[1].split("</p>")[0]
    assert re.search(LOCAL_TIME[lang], local), local
    assert not re.search(r"\b[aApP]\.?[mM]\b", local), f"24-hour clocks, as the page: {local}"
    assert SEED_TITLE[lang] in dom, "the seeded events' titles are in the page's language"
    assert png_size(shot) == (1100, 1400)
    assert shot.stat().st_size > 30_000
