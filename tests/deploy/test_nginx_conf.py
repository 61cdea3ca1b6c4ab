"""deploy/nginx.conf as shipped, run by Debian's nginx against the files the app writes.

Only the lines marked ADAPT (port, folders, the app's address) are rewritten; the rest is
the file operators install. nginx runs as this user with its own prefix, pid and logs in a
temporary folder, on a free loopback port. Without nginx the test is skipped (the README's
check command installs it, as it installs Chromium).
"""

from __future__ import annotations

import asyncio
import gzip
import shutil
import signal
import socket
import subprocess
import tempfile
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path

import httpx
import icalendar
import pytest

from bot.app import SummitWatch
from config.settings import Settings
from tests.conftest import at, running, timed_event, until

ROOT = Path(__file__).resolve().parents[2]
CONF = ROOT / "deploy" / "nginx.conf"
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)

pytestmark = [
    pytest.mark.asyncio,
    pytest.mark.skipif(
        NGINX is None,
        reason="Debian's nginx is not installed; the README's check command installs it "
        "(apt-get install nginx-light) when it can",
    ),
]

FEEDS = ("calendar.ics", "calendar/sco.ics", "calendar/trade.ics", "events/summit.ics")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def configured(folder: Path, *, port: int, app_port: int, static: Path) -> Path:
    """deploy/nginx.conf with its ADAPT lines pointed at this test's port and folders."""
    text = CONF.read_text()
    for shipped, here in (
        ("pid /run/nginx.pid;", f"pid {folder}/nginx.pid;"),
        ("error_log /var/log/nginx/error.log warn;", f"error_log {folder}/error.log warn;"),
        ("/var/lib/nginx/", f"{folder}/"),
        ("server 127.0.0.1:8080;", f"server 127.0.0.1:{app_port};"),
        ("listen 80;", f"listen 127.0.0.1:{port};"),
        ("root /var/www/summitwatch;", f"root {static};"),
    ):
        assert shipped in text, f"deploy/nginx.conf no longer has {shipped!r}"
        text = text.replace(shipped, here)
    conf = folder / "nginx.conf"
    conf.write_text(text)
    return conf


@contextmanager
def nginx(folder: Path, conf: Path, port: int) -> Iterator[str]:
    assert NGINX is not None
    command = [NGINX, "-p", f"{folder}/", "-e", f"{folder}/error.log", "-c", str(conf)]
    checked = subprocess.run([*command, "-t"], capture_output=True, text=True, check=False)
    assert checked.returncode == 0, checked.stderr
    process = subprocess.Popen(  # it logs to error.log in ``folder``
        [*command, "-g", "daemon off;"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        process.send_signal(signal.SIGQUIT)  # graceful: workers finish, then exit
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def listening(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture
def folder() -> Iterator[Path]:
    """World-traversable (pytest's own are 0700): as root, nginx's workers run as
    www-data and must reach the files, as in production."""
    made = Path(tempfile.mkdtemp(prefix="summitwatch-nginx-"))
    made.chmod(0o755)
    yield made
    shutil.rmtree(made, ignore_errors=True)


@asynccontextmanager
async def behind_nginx(settings: Settings, folder: Path) -> AsyncIterator[tuple[SummitWatch, str]]:
    static = folder / "www"
    app_settings = Settings(db_path=settings.db_path, port=0, seed_path=None, static_dir=static)
    async with running(app_settings) as app:
        start = at("2026-12-04 10:00", "Asia/Kolkata")
        await app.events.add(timed_event("summit", start, tags=("sco",)), actor="t")
        await app.events.add(timed_event("talks", start, tags=("sco", "energy")), actor="t")
        await app.wait_background()
        await asyncio.to_thread(app.publisher.publish)
        port = free_port()
        conf = configured(folder, port=port, app_port=app.port, static=static)
        with nginx(folder, conf, port) as url:
            await until(lambda: listening(port), within=10, what="nginx listening")
            yield app, url


IDENTITY = {"Accept-Encoding": "identity"}


async def test_nginx_serves_the_exported_feeds_as_the_app_does(
    settings: Settings, folder: Path
) -> None:
    async with (
        behind_nginx(settings, folder) as (app, url),
        httpx.AsyncClient(base_url=url) as edge,
        httpx.AsyncClient(base_url=app.public_url) as origin,
    ):
        for path in FEEDS:
            assert (folder / "www" / path).exists(), path
            mine, theirs = (
                await origin.get(f"/{path}"),
                await edge.get(f"/{path}", headers=IDENTITY),
            )
            assert theirs.status_code == 200, path
            assert theirs.content == mine.content, path
            assert "content-encoding" not in theirs.headers
            for header in (
                "content-type",
                "etag",
                "last-modified",
                "cache-control",
                "access-control-allow-origin",
                "content-disposition",
            ):
                assert theirs.headers[header] == mine.headers[header], (path, header)
            assert theirs.headers["content-type"] == "text/calendar; charset=utf-8"


async def test_nginx_answers_304_head_and_gzip_for_the_feed(
    settings: Settings, folder: Path
) -> None:
    async with (
        behind_nginx(settings, folder) as (_, url),
        httpx.AsyncClient(base_url=url) as edge,
    ):
        first = await edge.get("/calendar.ics", headers=IDENTITY)
        etag, modified = first.headers["etag"], first.headers["last-modified"]
        by_tag = await edge.get("/calendar.ics", headers={**IDENTITY, "If-None-Match": etag})
        assert by_tag.status_code == 304
        assert by_tag.content == b""
        assert by_tag.headers["etag"] == etag
        by_date = await edge.get(
            "/calendar.ics", headers={**IDENTITY, "If-Modified-Since": modified}
        )
        assert by_date.status_code == 304
        changed = await edge.get("/calendar.ics", headers={**IDENTITY, "If-None-Match": '"x-1"'})
        assert changed.status_code == 200
        assert changed.content == first.content
        head = await edge.head("/calendar.ics", headers=IDENTITY)
        assert head.status_code == 200
        assert head.content == b""
        assert head.headers["etag"] == etag
        assert int(head.headers["content-length"]) == len(first.content)
        zipped = await edge.get("/calendar.ics", headers={"Accept-Encoding": "gzip"})
        assert zipped.headers["content-encoding"] == "gzip"
        assert "Accept-Encoding" in zipped.headers["vary"]
        assert zipped.content == first.content  # httpx decompressed it
        async with edge.stream("GET", "/calendar.ics", headers={"Accept-Encoding": "gzip"}) as got:
            raw = b"".join([chunk async for chunk in got.aiter_raw()])
        assert gzip.decompress(raw) == first.content
        # the .gz written when the feed changed, not compressed again per request
        assert raw == (folder / "www" / "calendar.ics.gz").read_bytes()


async def test_what_is_not_a_file_goes_to_the_app(settings: Settings, folder: Path) -> None:
    async with (
        behind_nginx(settings, folder) as (_, url),
        httpx.AsyncClient(base_url=url) as edge,
    ):
        (folder / "www" / "events" / "talks.ics").unlink()  # not exported yet: the app renders
        rendered = await edge.get("/events/talks.ics", headers=IDENTITY)
        assert rendered.status_code == 200
        assert b"UID:talks@" in rendered.content
        missing = await edge.get("/calendar/no-such-topic.ics")
        assert missing.status_code == 404
        assert missing.text == "No topic called 'no-such-topic'.\n"
        private = await edge.get("/calendar/private/not-a-token.ics")
        assert private.status_code == 404
        assert private.headers["content-type"].startswith("text/plain")
        health = await edge.get("/healthz")
        assert health.status_code == 200
        assert health.json()["events"] == 2
        assert (folder / "www" / "calendar.ics").stat().st_mode & 0o777 == 0o644


async def test_a_feed_in_another_language_comes_from_the_app_not_the_english_file(
    settings: Settings, folder: Path
) -> None:
    names = {
        "/calendar.ics": "SummitWatch: дипломатический календарь",
        "/calendar/sco.ics": "SummitWatch: विषय sco",
    }
    async with (
        behind_nginx(settings, folder) as (app, url),
        httpx.AsyncClient(base_url=url) as edge,
        httpx.AsyncClient(base_url=app.public_url) as origin,
    ):
        english = await edge.get("/calendar.ics", headers=IDENTITY)
        for path, lang in (("/calendar.ics", "ru"), ("/calendar/sco.ics", "hi")):
            mine = await origin.get(path, params={"lang": lang})
            theirs = await edge.get(path, params={"lang": lang}, headers=IDENTITY)
            assert theirs.status_code == 200, path
            assert theirs.content == mine.content, path
            calendar = icalendar.Calendar.from_ical(theirs.content)
            assert str(calendar["X-WR-CALNAME"]) == names[path]
            assert theirs.headers["etag"] == mine.headers["etag"]
            assert theirs.headers["etag"].endswith(f'-{lang}"')
        refused = await edge.get("/calendar.ics", params={"lang": "de"})
    assert b"X-WR-CALNAME:SummitWatch\r\n" in english.content  # the file, as before
    assert refused.status_code == 400
