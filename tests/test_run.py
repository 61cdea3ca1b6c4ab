"""``python run.py`` as an operator runs it: a real process, real signals, real HTTP."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[1]


def env_for(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SUMMITWATCH_", "TELEGRAM_"))}
    env.update({"SUMMITWATCH_DB": str(tmp_path / "data" / "db.json"), "SUMMITWATCH_PORT": "0"})
    env.update(extra)
    env["PYTHONPATH"] = str(ROOT)
    return env


@contextmanager
def started(tmp_path: Path, **extra: str) -> Iterator[tuple[subprocess.Popen[str], str]]:
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "run.py")],
        env=env_for(tmp_path, **extra),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=tmp_path,
    )
    try:
        assert process.stdout is not None
        lines = []
        for line in process.stdout:  # the banner comes once the server listens
            lines.append(line)
            if line.startswith("Press Ctrl+C"):
                break
        feed = next(line.split()[-1] for line in lines if "Calendar feed:" in line)
        process.banner = "".join(lines)  # type: ignore[attr-defined]
        yield process, feed
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=10)


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT])
def test_run_serves_the_feed_with_no_token_and_stops_cleanly(
    tmp_path: Path, stop_signal: int
) -> None:
    with started(tmp_path) as (process, feed):
        assert feed.startswith("http://127.0.0.1:")
        assert feed.endswith("/calendar.ics")
        response = httpx.get(feed, timeout=10)
        assert response.status_code == 200
        assert b"sco-tianjin-2025@" in response.content
        process.send_signal(stop_signal)
        out, err = process.communicate(timeout=15)
    assert process.returncode == 0, err
    assert "Stopping" in out
    assert "app.stopped" in err
    # The banner says where more events can come from, when none do yet.
    banner = process.banner  # type: ignore[attr-defined]
    assert "0 upstream calendars followed (enable examples in config/sources.toml" in banner
    journal = tmp_path / "data" / "db.json.journal"
    assert journal.exists()
    assert journal.stat().st_size == 0


def test_help_lists_every_setting() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "run.py"), "--help"], capture_output=True, text=True, check=True
    )
    for key in (
        "TELEGRAM_BOT_TOKEN",
        "TELEGRAM_API_BASE_URL",
        "SUMMITWATCH_ADMIN_IDS",
        "SUMMITWATCH_PUBLIC_URL",
        "SUMMITWATCH_DB",
        "SUMMITWATCH_HOST",
        "SUMMITWATCH_PORT",
        "SUMMITWATCH_REMINDER_OFFSETS",
    ):
        assert key in result.stdout


def test_a_corrupt_database_stops_start_up_and_is_left_untouched(tmp_path: Path) -> None:
    database = tmp_path / "data" / "db.json"
    database.parent.mkdir()
    database.write_bytes(b'{"format": "summitwatch-store", "tables": {"events": [')
    result = subprocess.run(
        [sys.executable, str(ROOT / "run.py")],
        env=env_for(tmp_path),
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 2
    assert f"cannot load database file {database}" in result.stderr
    assert database.read_bytes() == b'{"format": "summitwatch-store", "tables": {"events": ['


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("SUMMITWATCH_PORT", "eighty", "SUMMITWATCH_PORT: must be a port number"),
        (
            "SUMMITWATCH_REMINDER_OFFSETS",
            "soon",
            "SUMMITWATCH_REMINDER_OFFSETS: 'soon' is not an offset",
        ),
        ("SUMMITWATCH_TIMEZONE", "Mars/Base", "SUMMITWATCH_TIMEZONE: must be an IANA time zone"),
    ],
)
def test_a_bad_setting_is_named_in_the_error(
    tmp_path: Path, key: str, value: str, message: str
) -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "run.py")],
        env=env_for(tmp_path, **{key: value}),
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 2
    assert message in result.stderr


def test_export_feeds_writes_the_public_feeds_the_app_serves_and_exits(tmp_path: Path) -> None:
    folder = tmp_path / "www"
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    extra = {"SUMMITWATCH_PUBLIC_URL": "https://cal.example.org", "SUMMITWATCH_PORT": str(port)}
    with started(tmp_path, **extra) as (process, _feed):  # seeds the shipped events
        url = f"http://127.0.0.1:{port}"
        served = {
            path: httpx.get(f"{url}/{path}", timeout=10)
            for path in ("calendar.ics", "calendar/sco.ics", "events/putin-new-delhi-2025.ics")
        }
        busy = subprocess.run(
            [sys.executable, str(ROOT / "run.py"), "export-feeds", str(folder)],
            env=env_for(tmp_path, **extra),
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert busy.returncode == 2  # the app holds the database: stop it first
        assert "database is in use" in busy.stderr
        process.send_signal(signal.SIGTERM)
        process.communicate(timeout=15)
    result = subprocess.run(
        [sys.executable, str(ROOT / "run.py"), "export-feeds", str(folder)],
        env=env_for(tmp_path, **extra),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert f"{folder}: " in result.stdout
    assert " written" in result.stdout
    for path, response in served.items():
        written = folder / path
        assert written.read_bytes() == response.content, path
        assert (
            response.headers["etag"]
            == f'"{int(written.stat().st_mtime):x}-{len(response.content):x}"'
        )


def test_export_feeds_refuses_a_database_that_is_not_there(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "run.py"), "export-feeds", str(tmp_path / "www")],
        env=env_for(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "does not exist; no feeds to export" in result.stderr
    assert not (tmp_path / "data").exists()  # no empty database made on the way
