"""The bot's HTTP transport to the Bot API: aiohttp under python-telegram-bot.

Why not PTB's default (httpx): profiling a 5,000-chat broadcast put ~70% of the bot's CPU
in httpx/httpcore, most of it httpcore's pool scan, which checks every pooled connection
(a ``poll`` and a ``getpeername`` each) on every request, so the cost per message grows
with the number of sends in flight. aiohttp keeps idle connections in a queue and parses
responses in C: ~0.18 ms of CPU per request against ~1.8 ms, same server, same 32 in
flight. PTB still builds every request, maps every error and applies the rate limiter;
this class only moves the bytes (``telegram.request.BaseRequest`` is PTB's documented
extension point for that).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import aiohttp
from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import ODVInput
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

__all__ = ["AiohttpRequest"]

_FORM = {"Content-Type": "application/x-www-form-urlencoded"}


class AiohttpRequest(BaseRequest):
    """``BaseRequest`` over one ``aiohttp.ClientSession`` with a bounded connection pool.

    Plain requests go form-encoded, exactly the fields PTB's ``HTTPXRequest`` sends;
    requests with files go as multipart. Timeouts and transport errors become PTB's
    ``TimedOut`` and ``NetworkError``, which callers already handle.
    """

    def __init__(
        self,
        *,
        connection_pool_size: int = 256,
        read_timeout: float | None = 5.0,
        write_timeout: float | None = 5.0,
        connect_timeout: float | None = 5.0,
        pool_timeout: float | None = 1.0,
        media_write_timeout: float | None = 20.0,
    ) -> None:
        self._pool_size = connection_pool_size
        self._read = read_timeout
        self._write = write_timeout
        self._connect = connect_timeout
        self._pool = pool_timeout
        self._media_write = media_write_timeout
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        return self._read

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(limit=self._pool_size, ttl_dns_cache=300)
            self._session = aiohttp.ClientSession(
                connector=connector, headers={"User-Agent": self.USER_AGENT}
            )

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None

    def _timeout(
        self,
        read: ODVInput[float],
        write: ODVInput[float],
        connect: ODVInput[float],
        pool: ODVInput[float],
        files: bool,
    ) -> aiohttp.ClientTimeout:
        """PTB's four timeouts in aiohttp's terms: connect covers waiting for a pooled
        connection and opening one; a read is bounded per chunk; the write budget bounds
        the whole request on top of the read (aiohttp has no separate write timeout)."""

        def pick(value: ODVInput[float], default: float | None) -> float | None:
            return default if isinstance(value, DefaultValue) else value

        read_s = pick(read, self._read)
        write_s = pick(write, self._media_write if files else self._write)
        connect_s = pick(connect, self._connect)
        pool_s = pick(pool, self._pool)
        total = None
        if read_s is not None and write_s is not None:
            total = read_s + write_s + (connect_s or 0.0) + (pool_s or 0.0)
        return aiohttp.ClientTimeout(
            total=total,
            connect=None if connect_s is None else connect_s + (pool_s or 0.0),
            sock_connect=connect_s,
            sock_read=read_s,
        )

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        session = self._session
        if session is None or session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        files = request_data.multipart_data if request_data else None
        body: Any = None
        headers = None
        if request_data is not None and files:
            form = aiohttp.FormData()
            for name, value in request_data.json_parameters.items():
                form.add_field(name, value)
            for name, (filename, content, mime) in files.items():
                form.add_field(name, content, filename=filename, content_type=mime)
            body = form
        elif request_data is not None:
            # Encoded here: a dict would go through aiohttp's FormData (a multipart writer
            # and a uuid4 per request), a tenth of the CPU of a send.
            body = urlencode(request_data.json_parameters).encode()
            headers = _FORM
        timeout = self._timeout(
            read_timeout, write_timeout, connect_timeout, pool_timeout, bool(files)
        )
        try:
            async with session.request(
                method, url, data=body, headers=headers, timeout=timeout
            ) as response:
                return response.status, await response.read()
        except TimeoutError as err:
            raise TimedOut from err
        except aiohttp.ClientError as err:
            raise NetworkError(f"aiohttp.{err.__class__.__name__}: {err}") from err
