"""Fetching untrusted URLs: http(s) only, bounded in time, size and redirects.

Admins paste URLs (``/importics``, ``/addfeed``) and feeds link anywhere, so every fetch
is limited: a 50 MB body or a redirect loop costs a clear error, not the process.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx

from calendars.errors import FetchFailed, InvalidInput

__all__ = ["USER_AGENT", "Fetched", "check_url", "fetch_limited", "http_client"]

USER_AGENT = (
    "SummitWatch/0.1 (+https://github.com/summitwatch/summitwatch; diplomatic calendar bot)"
)


@dataclass(frozen=True, slots=True)
class Fetched:
    status: int
    content: bytes
    headers: httpx.Headers
    url: str


def check_url(url: str) -> str:
    """Only http and https, with a host: no file://, ftp:// or bare words."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidInput(
            f"{url.strip()[:100]!r} is not an http:// or https:// URL",
            example="https://calendar.example.org/summits.ics",
        )
    return url.strip()


def http_client(*, timeout: float = 15.0, max_redirects: int = 5) -> httpx.AsyncClient:
    """The one shared client: connection pooling, a real User-Agent, bounded redirects."""
    return httpx.AsyncClient(
        timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
        follow_redirects=True,
        max_redirects=max_redirects,
        headers={"User-Agent": USER_AGENT},
        limits=httpx.Limits(max_connections=20, max_keepalive_connections=10),
    )


async def fetch_limited(
    client: httpx.AsyncClient,
    url: str,
    *,
    max_bytes: int,
    headers: dict[str, str] | None = None,
) -> Fetched:
    """GET ``url``, reading at most ``max_bytes``; every failure is a FetchFailed saying why."""
    check_url(url)
    try:
        async with client.stream("GET", url, headers=headers) as response:
            for hop in [*response.history, response]:
                if hop.url.scheme not in ("http", "https"):
                    raise FetchFailed(f"redirected to a non-http URL ({hop.url.scheme}://)")
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > max_bytes:
                raise FetchFailed(
                    f"the response is {int(declared):,} bytes; the limit is {max_bytes:,}"
                )
            body = bytearray()
            async for chunk in response.aiter_bytes():
                body += chunk
                if len(body) > max_bytes:
                    raise FetchFailed(f"the response is over the {max_bytes:,}-byte limit")
            return Fetched(response.status_code, bytes(body), response.headers, str(response.url))
    except httpx.TooManyRedirects as exc:
        raise FetchFailed("too many redirects (a redirect loop?)") from exc
    except httpx.TimeoutException as exc:
        raise FetchFailed("the server did not answer in time") from exc
    except httpx.InvalidURL as exc:
        raise FetchFailed(f"invalid URL ({exc})") from exc
    except httpx.HTTPError as exc:
        raise FetchFailed(f"could not connect ({type(exc).__name__}: {exc})") from exc
