"""Size, time and memory bounds of every fetch, against a real server sending real bombs."""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import gzip
import tracemalloc
import zlib
from collections.abc import AsyncIterator, Awaitable, Iterator
from datetime import timedelta
from typing import TypeVar

import httpx
import pytest
import pytest_asyncio

from bot.fetch.client import fetch_limited, http_client
from bot.fetch.decoding import ACCEPT_ENCODING, MAX_LAYERS
from calendars.errors import FetchFailed
from calendars.urls import parse_fetch_allow
from config.settings import Settings
from tests.conftest import running
from tests.fakes.bombs import gzip_bomb
from tests.fakes.feed_server import FeedServer

pytestmark = pytest.mark.asyncio

T = TypeVar("T")
GIGABYTE = 1 << 30
LIMIT = 5_000_000
FEED = (
    b'<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>'
    + b"".join(
        b"<item><guid>g%d</guid><title>Talks in Delhi, day %d</title></item>" % (n, n)
        for n in range(200)
    )
    + b"</channel></rss>"
)


@functools.cache
def bomb(layers: int) -> bytes:
    return gzip_bomb(GIGABYTE, layers=layers)


@pytest.fixture
def site() -> Iterator[FeedServer]:
    with FeedServer() as server:
        yield server


@pytest_asyncio.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with http_client(timeout=5.0, allow=parse_fetch_allow("127.0.0.1")) as client:
        yield client


async def watched(work: Awaitable[T]) -> tuple[T, float, int]:
    """``work``'s result, the longest the loop was held up meanwhile, and peak memory."""
    loop = asyncio.get_running_loop()
    stalls = [0.0]
    done = asyncio.Event()

    async def heartbeat() -> None:
        last = loop.time()
        while not done.is_set():
            await asyncio.sleep(0.01)  # a probe of the loop, not a wait for anything
            now = loop.time()
            stalls.append(now - last - 0.01)
            last = now

    beat = asyncio.create_task(heartbeat())
    tracemalloc.start()
    try:
        result = await work
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
        done.set()
        await beat
    return result, max(stalls), peak


async def refusal(work: Awaitable[object]) -> FetchFailed:
    try:
        await work
    except FetchFailed as exc:
        return exc
    raise AssertionError("the fetch was not refused")


@pytest.mark.parametrize("layers", [2, 3])
async def test_a_stacked_gzip_bomb_is_refused_in_bounded_memory_without_freezing_the_loop(
    site: FeedServer, http: httpx.AsyncClient, layers: int
) -> None:
    body = bomb(layers)
    assert len(body) < 3_000  # a gigabyte once inflated
    site.encoded("bomb.xml", body, ", ".join(["gzip"] * layers))

    failed, stall, peak = await watched(
        refusal(fetch_limited(http, site.url("bomb.xml"), max_bytes=LIMIT))
    )

    assert str(failed) == "the response is over the 5,000,000-byte limit once decompressed"
    assert failed.user_message().startswith(f"could not fetch {site.url('bomb.xml')}: ")
    assert peak < 40_000_000  # not the gigabyte (nor the 2 GB seen before the fix)
    assert stall < 0.5  # the bot kept answering (8 s frozen before the fix)


async def test_the_poller_counts_a_bomb_as_a_feed_error_and_backs_off(
    settings: Settings, site: FeedServer
) -> None:
    site.encoded("bomb.xml", bomb(2), "gzip, gzip")
    quick = dataclasses.replace(settings, fetch_timeout=5.0, news_sources_path=None)
    async with running(quick) as app:
        source = app.news.sources.add(site.url("bomb.xml"), actor="admin")
        result = await app.news.poller.poll(source.id)
        state = app.store.news_sources.get(source.id)
        now = app.now()
    assert state is not None
    assert result.status == "error"
    assert "over the 5,000,000-byte limit" in (result.error or "")
    assert state.errors == 1
    backoff = state.next_poll - now
    assert timedelta(minutes=19) < backoff <= timedelta(minutes=20)  # 10 min x 2, not at once


def deflate_raw(data: bytes) -> bytes:
    packer = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    return packer.compress(data) + packer.flush()


ENCODED = [
    ("gzip", gzip.compress(FEED)),
    ("x-gzip", gzip.compress(FEED)),
    ("deflate", zlib.compress(FEED)),
    ("deflate", deflate_raw(FEED)),  # what some servers send as "deflate"
    ("gzip, gzip", gzip.compress(gzip.compress(FEED))),
    ("deflate, gzip", gzip.compress(zlib.compress(FEED))),
    ("identity", FEED),
    ("GZIP , identity", gzip.compress(FEED)),
]


@pytest.mark.parametrize(("encoding", "body"), ENCODED, ids=[e for e, _ in ENCODED])
async def test_every_encoding_of_a_real_feed_is_decoded(
    site: FeedServer, http: httpx.AsyncClient, encoding: str, body: bytes
) -> None:
    site.encoded("wire.xml", body, encoding)
    fetched = await fetch_limited(http, site.url("wire.xml"), max_bytes=LIMIT)
    assert fetched.content == FEED
    assert site.requests_to("wire.xml")[0]["accept-encoding"] == ACCEPT_ENCODING


async def test_brotli_is_decoded_and_bounded_when_installed(
    site: FeedServer, http: httpx.AsyncClient
) -> None:
    brotli = pytest.importorskip("brotli")
    assert "br" in ACCEPT_ENCODING
    site.encoded("wire.xml", brotli.compress(FEED), "br")
    inner = brotli.compress(bytes(50_000_000), quality=5)
    site.encoded("bomb.xml", gzip.compress(inner), "br, gzip")  # gzip applied last
    assert (await fetch_limited(http, site.url("wire.xml"), max_bytes=LIMIT)).content == FEED
    failed = await refusal(fetch_limited(http, site.url("bomb.xml"), max_bytes=LIMIT))
    assert "over the 5,000,000-byte limit" in str(failed)


@pytest.mark.parametrize(
    ("encoding", "body", "expected"),
    [
        ("zstd", b"(\xb5/\xfd", "compressed as 'zstd', which I cannot read"),
        ("gzip", b"this is not gzip", "not valid gzip data"),
        ("deflate", b"\xff\xff\xff\xff", "not valid deflate data"),
        (
            ", ".join(["gzip"] * (MAX_LAYERS + 1)),
            gzip.compress(FEED),
            f"compressed {MAX_LAYERS + 1} times over; at most {MAX_LAYERS} layers",
        ),
    ],
)
async def test_undecodable_bodies_are_refused_with_the_reason(
    site: FeedServer, http: httpx.AsyncClient, encoding: str, body: bytes, expected: str
) -> None:
    site.encoded("odd.xml", body, encoding)
    failed = await refusal(fetch_limited(http, site.url("odd.xml"), max_bytes=LIMIT))
    assert expected in str(failed)


async def test_an_error_page_is_not_decoded_only_its_status_kept(
    site: FeedServer, http: httpx.AsyncClient
) -> None:
    site.fail("gone.xml", 503)
    fetched = await fetch_limited(http, site.url("gone.xml"), max_bytes=LIMIT)
    assert (fetched.status, fetched.content) == (503, b"")


async def test_a_slow_drip_ends_at_the_whole_fetch_deadline(site: FeedServer) -> None:
    site.drip("drip.xml", every=0.1)  # each read is quick; the whole never ends
    async with http_client(timeout=0.25, allow=parse_fetch_allow("127.0.0.1")) as http:
        failed = await refusal(fetch_limited(http, site.url("drip.xml"), max_bytes=LIMIT))
    assert str(failed) == "the server took over 1 s to answer"


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (b"HTTP/1.1 200 OK\r\nContent-Length: lots\r\n\r\n", "the server broke the HTTP rules"),
        (b"SSH-2.0-OpenSSH_9.6\r\n", "the server broke the HTTP rules"),
        (b"", "the server broke the HTTP rules"),  # closes without a word
    ],
)
async def test_a_server_that_does_not_speak_http_is_a_fetch_failure(
    http: httpx.AsyncClient, answer: bytes, expected: str
) -> None:
    async def respond(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(answer)
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(respond, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    async with server:
        failed = await refusal(fetch_limited(http, f"http://127.0.0.1:{port}/x", max_bytes=LIMIT))
    assert str(failed).startswith(expected)
