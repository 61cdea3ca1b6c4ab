"""What the public web server gives away and how long it holds a connection, over real TCP."""

from __future__ import annotations

import asyncio
import dataclasses
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

import httpx
import pytest

from config.settings import Settings
from tests.conftest import running

pytestmark = pytest.mark.asyncio


async def test_healthz_says_ok_for_the_store_without_its_path(settings: Settings) -> None:
    async with running(settings) as app, httpx.AsyncClient(base_url=app.public_url) as http:
        response = await http.get("/healthz")
    assert response.json()["store"] == "ok"
    assert str(settings.db_path.parent) not in response.text
    assert settings.db_path.name not in response.text


async def test_metrics_want_the_bearer_token_when_one_is_set(settings: Settings) -> None:
    guarded = dataclasses.replace(settings, metrics_token="m3trics-token")
    async with running(guarded) as app, httpx.AsyncClient(base_url=app.public_url) as http:
        anonymous = await http.get("/metrics")
        wrong = await http.get("/metrics", headers={"Authorization": "Bearer m3trics-tokem"})
        prefix = await http.get("/metrics", headers={"Authorization": "Bearer m3trics"})
        basic = await http.get("/metrics", auth=("m3trics-token", ""))
        right = await http.get("/metrics", headers={"Authorization": "Bearer m3trics-token"})
    refused = [anonymous, wrong, prefix, basic]
    assert [r.status_code for r in refused] == [401] * 4
    assert all("summitwatch_up" not in r.text for r in refused)
    assert anonymous.headers["www-authenticate"].startswith("Bearer")
    assert right.status_code == 200
    assert "summitwatch_up 1" in right.text


async def test_metrics_stay_open_without_a_token(settings: Settings) -> None:
    async with running(settings) as app, httpx.AsyncClient(base_url=app.public_url) as http:
        assert (await http.get("/metrics")).status_code == 200


def limited(settings: Settings, **changes: object) -> Settings:
    return dataclasses.replace(settings, **changes)  # type: ignore[arg-type]


Dial = Callable[[], Awaitable[tuple[asyncio.StreamReader, asyncio.StreamWriter]]]


@asynccontextmanager
async def dialer(port: int) -> AsyncIterator[Dial]:
    """Raw TCP connections to the server, all closed when the block ends."""
    writers: list[asyncio.StreamWriter] = []

    async def connect() -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writers.append(writer)
        return reader, writer

    try:
        yield connect
    finally:
        for writer in writers:
            writer.close()
        await asyncio.gather(*(w.wait_closed() for w in writers), return_exceptions=True)


async def seconds_until_closed(reader: asyncio.StreamReader, *, within: float = 10.0) -> float:
    """Read until the server closes the connection; fail (not hang) after ``within``."""
    started = time.monotonic()
    async with asyncio.timeout(within):
        while await reader.read(65536):
            pass
    return time.monotonic() - started


async def get_healthz(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> bytes:
    """One keep-alive request on a raw connection; returns the status line."""
    writer.write(b"GET /healthz HTTP/1.1\r\nHost: test\r\n\r\n")
    head = await reader.readuntil(b"\r\n\r\n")
    length = next(
        int(line.split(b":")[1])
        for line in head.split(b"\r\n")
        if line.lower().startswith(b"content-length")
    )
    await reader.readexactly(length)
    return head.split(b"\r\n")[0]


async def test_half_a_request_header_is_disconnected_after_the_header_timeout(
    settings: Settings,
) -> None:
    async with (
        running(limited(settings, http_header_timeout=0.3)) as app,
        dialer(app.port) as connect,
    ):
        silent, _ = await connect()
        reader, writer = await connect()
        writer.write(b"GET /healthz HTTP/1.1\r\nHost: te")
        half = await seconds_until_closed(reader)
        quiet = await seconds_until_closed(silent)
        # A head that arrives in pieces, but in time, is served.
        reader, writer = await connect()
        writer.write(b"GET /healthz HTTP/1.1\r\n")
        await writer.drain()
        assert await get_healthz_after(reader, writer, b"Host: test\r\n\r\n") == b"HTTP/1.1 200 OK"
    assert 0.25 <= half < 5
    assert quiet < 5


async def get_healthz_after(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, rest: bytes
) -> bytes:
    writer.write(rest)
    head = await reader.readuntil(b"\r\n\r\n")
    return head.split(b"\r\n")[0]


async def test_an_idle_keep_alive_connection_is_closed(settings: Settings) -> None:
    configured = limited(settings, http_keep_alive=1, http_header_timeout=60.0)
    async with running(configured) as app, dialer(app.port) as connect:
        reader, writer = await connect()
        assert await get_healthz(reader, writer) == b"HTTP/1.1 200 OK"
        idle = await seconds_until_closed(reader)
    assert 0.9 <= idle < 5


async def test_half_a_second_request_on_a_kept_connection_is_disconnected(
    settings: Settings,
) -> None:
    configured = limited(settings, http_keep_alive=60, http_header_timeout=0.3)
    async with running(configured) as app, dialer(app.port) as connect:
        reader, writer = await connect()
        assert await get_healthz(reader, writer) == b"HTTP/1.1 200 OK"
        writer.write(b"GET /healthz HTTP/1.1\r\n")  # cancels uvicorn's keep-alive timer
        assert await seconds_until_closed(reader) < 5


async def test_over_the_connection_limit_requests_get_503(settings: Settings) -> None:
    configured = limited(settings, http_max_connections=10, http_header_timeout=60.0)
    async with running(configured) as app, dialer(app.port) as connect:
        idle = [await connect() for _ in range(10)]
        reader, writer = await connect()
        assert await get_healthz(reader, writer) == b"HTTP/1.1 503 Service Unavailable"
        for _reader, idle_writer in idle:
            idle_writer.close()
        async with httpx.AsyncClient(base_url=app.public_url) as http:
            assert (await http.get("/healthz")).status_code == 200
