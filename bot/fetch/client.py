"""Fetching untrusted URLs: http(s) only, public addresses only, bounded in every way.

Admins paste URLs (``/importics``, ``/addfeed``) and feeds redirect anywhere, so every
fetch is limited: redirects are followed here one hop at a time (each URL checked), every
connection goes only to a checked public address (``addresses``), the body is counted
as it is decompressed (``decoding``), and the whole fetch has a deadline. Whatever goes
wrong, the caller gets a FetchFailed saying why, never another exception.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

import httpcore
import httpx

from bot.fetch.addresses import AddressRefused, GuardedBackend, connect_problem
from bot.fetch.decoding import ACCEPT_ENCODING, BodyDecoder
from calendars.errors import FetchFailed
from calendars.urls import FetchAllow, check_http_url, http_url_problem

__all__ = ["USER_AGENT", "Fetched", "GuardedTransport", "fetch_limited", "http_client"]

logger = logging.getLogger(__name__)

USER_AGENT = (
    "SummitWatch/0.1 (+https://github.com/summitwatch/summitwatch; diplomatic calendar bot)"
)
DEADLINE_FACTOR = 4  # a whole fetch may take this many read timeouts (a slow drip ends)


@dataclass(frozen=True, slots=True)
class Fetched:
    status: int
    content: bytes
    headers: httpx.Headers
    url: str


class GuardedTransport(httpx.AsyncHTTPTransport):
    """httpx's own transport, with a connection pool whose connections pass ``allow``.

    httpx takes no network backend, so the pool it would build is built here instead,
    the same way but with ``GuardedBackend``; everything else is httpx's.
    """

    def __init__(self, allow: FetchAllow, *, limits: httpx.Limits) -> None:
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=httpx.create_ssl_context(),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=GuardedBackend(allow),
        )


def http_client(
    *, timeout: float = 15.0, max_redirects: int = 5, allow: FetchAllow | None = None
) -> httpx.AsyncClient:
    """The one shared client for outside URLs; ``allow``: private hosts it may reach anyway."""
    limits = httpx.Limits(max_connections=20, max_keepalive_connections=10)
    return httpx.AsyncClient(
        timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
        follow_redirects=False,  # fetch_limited follows them, checking each
        max_redirects=max_redirects,
        headers={"User-Agent": USER_AGENT, "Accept-Encoding": ACCEPT_ENCODING},
        transport=GuardedTransport(allow or FetchAllow(), limits=limits),
    )


async def fetch_limited(
    client: httpx.AsyncClient,
    url: str,
    *,
    max_bytes: int,
    headers: dict[str, str] | None = None,
) -> Fetched:
    """GET ``url``, reading at most ``max_bytes`` decoded; every failure is a FetchFailed.

    A URL that is not http(s) is InvalidInput (the person typed it wrong); anything
    that goes wrong afterwards is FetchFailed naming ``url`` and the reason.
    """
    url = check_http_url(url)  # only http and https, with a host
    deadline = DEADLINE_FACTOR * (client.timeout.read or 15.0)
    try:
        async with asyncio.timeout(deadline):
            return await _follow(client, url, max_bytes=max_bytes, headers=headers)
    except TimeoutError as exc:
        raise FetchFailed(f"the server took over {deadline:g} s to answer", url=url) from exc
    except Exception as exc:  # MemoryError too: a fetch must fail as a fetch, with backoff
        kind = AddressRefused if _refused(exc) else FetchFailed
        raise kind(_reason(exc), url=url) from exc


async def _follow(
    client: httpx.AsyncClient, url: str, *, max_bytes: int, headers: dict[str, str] | None
) -> Fetched:
    """Redirects one hop at a time: each new URL must be http(s) (addresses: on connect)."""
    request = client.build_request("GET", url, headers=headers)
    for hop in range(client.max_redirects + 1):
        try:
            response = await client.send(request, stream=True, follow_redirects=False)
        except Exception as exc:
            if hop == 0:
                raise
            raise FetchFailed(f"redirected to {str(request.url)[:100]}: {_reason(exc)}") from exc
        try:
            if response.next_request is None:
                return await _read(response, max_bytes)
            request = response.next_request
            problem = http_url_problem(str(request.url))
            if problem is not None:
                location = response.headers.get("location", "")[:100]
                raise FetchFailed(f"redirected to {location!r}, which {problem}")
        finally:
            await response.aclose()
    raise FetchFailed("too many redirects (a redirect loop?)")


async def _read(response: httpx.Response, max_bytes: int) -> Fetched:
    """The body of a success, decoded and bounded; other answers need only their status."""
    body = b""
    if response.is_success:
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > max_bytes:
            raise FetchFailed(
                f"the response is {int(declared):,} bytes; the limit is {max_bytes:,}"
            )
        decoder = BodyDecoder(response.headers.get("content-encoding", ""), max_bytes=max_bytes)
        async for chunk in response.aiter_raw():
            decoder.feed(chunk)
            await asyncio.sleep(0)  # let the bot answer between chunks
        body = bytes(decoder.body)
    return Fetched(response.status_code, body, response.headers, str(response.url))


def _refused(exc: BaseException) -> bool:
    """Whether an address rule refused the target, however deep httpx wrapped the refusal."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, AddressRefused):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _reason(exc: Exception) -> str:
    """What went wrong, as an admin can read it."""
    if isinstance(exc, FetchFailed):
        return exc.reason
    if isinstance(exc, httpx.TimeoutException):
        return "the server did not answer in time"
    if isinstance(exc, httpx.ConnectError):
        return connect_problem(exc)
    if isinstance(exc, httpx.RemoteProtocolError):
        return f"the server broke the HTTP rules ({exc})"
    if isinstance(exc, httpx.InvalidURL):
        return f"invalid URL ({exc})"
    if isinstance(exc, httpx.TransportError):
        return f"the connection failed ({connect_problem(exc)})"
    if isinstance(exc, MemoryError):
        return "the response needed more memory than there is"
    logger.warning("fetch.unexpected_error", exc_info=exc)
    return f"could not connect ({type(exc).__name__}: {exc})"
