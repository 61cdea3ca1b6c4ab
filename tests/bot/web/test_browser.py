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
