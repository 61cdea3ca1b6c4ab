"""The HTTP side: one Starlette app (feeds, health; later webhooks and pages) on uvicorn.

uvicorn runs inside the bot's own event loop. We bind the socket ourselves, so "address
in use" is a clear error instead of uvicorn's ``sys.exit``, and the process — not
uvicorn — owns SIGINT/SIGTERM, so one signal stops the bot, scheduler and server together.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import socket
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Route
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from calendars.errors import ConfigError
from config.settings import Settings

__all__ = ["HttpLimits", "WebServer", "bind_socket", "build_web_app"]

logger = logging.getLogger(__name__)


def build_web_app(
    routes: Sequence[BaseRoute],
    *,
    health: Callable[[], dict[str, Any]],
    metrics: Callable[[], str],
    metrics_token: str | None = None,
) -> Starlette:
    """``metrics_token``: when set, ``/metrics`` wants ``Authorization: Bearer <token>``."""
    expected = f"Bearer {metrics_token}".encode() if metrics_token else None

    async def healthz(request: Request) -> Response:
        report = health()
        return JSONResponse(report, status_code=200 if report.get("ok") else 503)

    async def prometheus(request: Request) -> Response:
        given = request.headers.get("authorization", "").encode("latin-1")
        if expected is not None and not hmac.compare_digest(given, expected):
            return PlainTextResponse(
                "Unauthorized: /metrics wants Authorization: Bearer <SUMMITWATCH_METRICS_TOKEN>\n",
                status_code=401,
                headers={"www-authenticate": 'Bearer realm="metrics"'},
            )
        return PlainTextResponse(metrics(), media_type="text/plain; version=0.0.4")

    return Starlette(
        routes=[
            *routes,
            Route("/healthz", healthz, methods=["GET", "HEAD"]),
            Route("/metrics", prometheus, methods=["GET"]),
        ]
    )


def bind_socket(host: str, port: int) -> socket.socket:
    """Claim the port before anything else starts, so links can name the real port.

    The socket is made with ``IPPROTO_TCP`` on purpose: asyncio only sets TCP_NODELAY on
    accepted connections of such sockets, and without it every response with a body
    waits ~40 ms for a delayed ACK (700 instead of ~10,000 requests/s).
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(2048)
        sock.setblocking(False)
    except OSError as exc:
        sock.close()
        raise ConfigError(
            "SUMMITWATCH_PORT",
            f"cannot listen on {host}:{port}: {exc.strerror}; choose a free port",
        ) from exc
    return sock


@dataclass(frozen=True, slots=True)
class HttpLimits:
    """How long and how many connections the server holds (see ``SETTINGS_DOC``).

    ``keep_alive``: seconds an idle connection is kept after a response (uvicorn's
    ``timeout_keep_alive``; whole seconds, as uvicorn takes them). ``header_timeout``:
    seconds a request head may take to arrive, counted from when the connection is ready
    for it (uvicorn has no such timeout: half a header held a connection forever).
    ``max_connections``: beyond it, requests get 503 (uvicorn's ``limit_concurrency``).
    """

    keep_alive: int = 5
    header_timeout: float = 10.0
    max_connections: int = 1000

    @classmethod
    def from_settings(cls, settings: Settings) -> HttpLimits:
        return cls(
            keep_alive=settings.http_keep_alive,
            header_timeout=settings.http_header_timeout,
            max_connections=settings.http_max_connections,
        )


class _HeaderDeadline(HttpToolsProtocol):
    """uvicorn's httptools protocol, closing a connection whose request head is too slow.

    The clock starts when the connection opens and again after each response (when
    requests are not pipelined), and stops once the head is parsed; the body is bounded
    by the routes themselves (the webhook reads at most 1 MiB).
    """

    header_timeout = 10.0

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        self._head_deadline: asyncio.TimerHandle | None = None
        super().connection_made(transport)
        self._start_head_clock()

    def _start_head_clock(self) -> None:
        self._stop_head_clock()
        self._head_deadline = self.loop.call_later(self.header_timeout, self._head_too_slow)

    def _stop_head_clock(self) -> None:
        if self._head_deadline is not None:
            self._head_deadline.cancel()
            self._head_deadline = None

    def _head_too_slow(self) -> None:
        self._head_deadline = None
        if not self.transport.is_closing():
            logger.info("http.header_timeout client=%s", self.client)
            self.transport.close()

    def on_headers_complete(self) -> None:
        self._stop_head_clock()
        super().on_headers_complete()

    def on_response_complete(self) -> None:
        waiting_for_next = not self.pipeline
        super().on_response_complete()
        if waiting_for_next and not self.transport.is_closing():
            self._start_head_clock()

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_head_clock()
        super().connection_lost(exc)


def _protocol(header_timeout: float) -> type[HttpToolsProtocol]:
    return type("HeaderDeadlineProtocol", (_HeaderDeadline,), {"header_timeout": header_timeout})


class WebServer:
    """uvicorn on a socket we bound, started and stopped by the application's lifecycle."""

    def __init__(
        self, app: Starlette, sock: socket.socket, *, limits: HttpLimits | None = None
    ) -> None:
        limits = limits or HttpLimits()
        self._config = uvicorn.Config(
            app,
            lifespan="off",
            log_config=None,
            access_log=False,
            http=_protocol(limits.header_timeout),
            timeout_keep_alive=limits.keep_alive,
            limit_concurrency=limits.max_connections,
        )
        self._server = uvicorn.Server(self._config)
        self._socket = sock
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._config.load()
        self._server.lifespan = self._config.lifespan_class(self._config)
        await self._server.startup(sockets=[self._socket])
        self._task = asyncio.create_task(self._server.main_loop(), name="uvicorn-main-loop")

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    async def stop(self) -> None:
        if self._task is None:
            return
        self._server.should_exit = True
        await self._task
        await self._server.shutdown(sockets=[self._socket])
        self._task = None
