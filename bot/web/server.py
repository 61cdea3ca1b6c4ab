"""The HTTP side: one Starlette app (feeds, health; later webhooks and pages) on uvicorn.

uvicorn runs inside the bot's own event loop. We bind the socket ourselves, so "address
in use" is a clear error instead of uvicorn's ``sys.exit``, and the process — not
uvicorn — owns SIGINT/SIGTERM, so one signal stops the bot, scheduler and server together.
"""

from __future__ import annotations

import asyncio
import logging
import socket
from collections.abc import Callable, Sequence
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from calendars.errors import ConfigError

__all__ = ["WebServer", "bind_socket", "build_web_app"]

logger = logging.getLogger(__name__)


def build_web_app(
    routes: Sequence[BaseRoute],
    *,
    health: Callable[[], dict[str, Any]],
    metrics: Callable[[], str],
) -> Starlette:
    async def healthz(request: Request) -> Response:
        report = health()
        return JSONResponse(report, status_code=200 if report.get("ok") else 503)

    async def prometheus(request: Request) -> Response:
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


class WebServer:
    """uvicorn on a socket we bound, started and stopped by the application's lifecycle."""

    def __init__(self, app: Starlette, sock: socket.socket) -> None:
        self._config = uvicorn.Config(app, lifespan="off", log_config=None, access_log=False)
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
