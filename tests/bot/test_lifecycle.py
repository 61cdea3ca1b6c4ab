"""Start-up is a stack: whatever step fails, everything already started is stopped again."""

from __future__ import annotations

import asyncio
import dataclasses
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from bot.app import SummitWatch
from calendars.errors import ConfigError
from config.settings import Settings
from tests.conftest import until
from tests.fakes.telegram_api import FakeTelegram
from tests.handlers.conftest import bot_settings
from tests.test_run import ROOT, env_for

WRONG_TOKEN = "123456:WRONG-TOKEN-THE-FAKE-REFUSES"


def refuses_connections(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


@pytest.mark.asyncio
async def test_a_rejected_token_stops_everything_that_had_started(
    settings: Settings, fake: FakeTelegram
) -> None:
    app = SummitWatch(bot_settings(settings, fake, telegram_token=WRONG_TOKEN))
    with pytest.raises(ConfigError) as refused:
        await app.start()
    assert "TELEGRAM_BOT_TOKEN" in str(refused.value)
    assert "rejected" in str(refused.value)
    assert WRONG_TOKEN not in str(refused.value)  # a secret is never printed
    assert app.port != 0
    assert refuses_connections(app.port)  # the web port is released
    assert not app.reminders.running  # the scheduler stopped
    assert app.http.is_closed  # the client for news and imports is closed
    await until(lambda: fake.open_connections == 0, what="the bot's HTTP clients to close")
    assert [t for t in asyncio.all_tasks() if t is not asyncio.current_task()] == []
    # The store was closed too: a second instance can open the same database.
    other = SummitWatch(dataclasses.replace(settings, port=0))
    async with other:
        assert other.store.path == app.store.path


@pytest.mark.asyncio
async def test_a_port_in_use_leaves_nothing_running(settings: Settings) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        app = SummitWatch(dataclasses.replace(settings, port=taken.getsockname()[1]))
        with pytest.raises(ConfigError, match="SUMMITWATCH_PORT"):
            await app.start()
    assert [t for t in asyncio.all_tasks() if t is not asyncio.current_task()] == []
    async with SummitWatch(dataclasses.replace(settings, port=0)):
        pass  # the database was released


def test_run_py_with_a_rejected_token_exits_with_a_clear_message(
    tmp_path: Path, fake: FakeTelegram
) -> None:
    env = env_for(
        tmp_path,
        TELEGRAM_BOT_TOKEN=WRONG_TOKEN,
        TELEGRAM_API_BASE_URL=fake.base_url,
        SUMMITWATCH_SEED="off",
    )
    done = subprocess.run(
        [sys.executable, str(ROOT / "run.py")],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("summitwatch: error: TELEGRAM_BOT_TOKEN")
    assert "rejected" in last
    assert WRONG_TOKEN not in done.stderr + done.stdout
