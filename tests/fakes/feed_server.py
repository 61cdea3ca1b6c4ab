"""A news site on loopback: serves RSS/Atom fixtures that tests change between polls.

It answers conditional GETs like a real server (ETag and Last-Modified, 304), and can
fail, stall, redirect in a loop or anywhere, send a body of any size, or send bytes
already compressed (any ``Content-Encoding``, bombs included) on demand.
"""

from __future__ import annotations

import asyncio
import hashlib
import threading
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response, StreamingResponse
from starlette.routing import Route

from tests.fakes.server import ServerThread

__all__ = ["FEEDS", "FeedServer"]

FEEDS = Path(__file__).resolve().parents[1] / "data" / "feeds"


@dataclass
class _Resource:
    body: bytes = b""
    content_type: str = "application/rss+xml; charset=utf-8"
    last_modified: str | None = None
    failures: list[int] = field(default_factory=list)  # statuses to answer next, in order
    delay: float = 0.0
    redirect_to: str | None = None
    huge: int = 0  # stream this many bytes instead of the body
    declare_length: bool = True
    content_encoding: str | None = None  # the body is sent as it is, labelled with this
    drip: float = 0.0  # send one byte every this many seconds, for ever
    validators: bool = True  # False: no ETag, never 304 (a server that ignores them)


class FeedServer:
    def __init__(self, **options: Any) -> None:
        """``options`` go to uvicorn: ``ssl_certfile=`` makes it an https site."""
        self._lock = threading.Lock()
        self._resources: dict[str, _Resource] = {}
        self.hits: dict[str, list[dict[str, str]]] = {}
        app = Starlette(routes=[Route("/{path:path}", self._serve)])
        self._thread = ServerThread(app, name="fake-feeds", **options)

    def __enter__(self) -> FeedServer:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._thread.stop()

    @property
    def port(self) -> int:
        return self._thread.port

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self._thread.port}/{path.lstrip('/')}"

    # ---- what tests set up ---------------------------------------------------------------

    def publish(
        self,
        path: str,
        body: bytes | str,
        *,
        content_type: str = "application/rss+xml; charset=utf-8",
        last_modified: str | None = None,
    ) -> None:
        """Serve ``body`` (a fixture's name under tests/data/feeds, or the bytes themselves)."""
        if isinstance(body, str):
            body = (FEEDS / body).read_bytes()
        with self._lock:
            resource = self._resources.setdefault(path, _Resource())
            resource.body, resource.content_type = body, content_type
            resource.last_modified = last_modified

    def encoded(self, path: str, body: bytes, content_encoding: str) -> None:
        """Serve ``body`` as it is, labelled ``Content-Encoding: content_encoding``."""
        self.publish(path, body)
        with self._lock:
            self._resources[path].content_encoding = content_encoding

    def without_validators(self, path: str) -> None:
        """Answer every GET with the whole body, no ETag: only the bytes tell it is unchanged."""
        with self._lock:
            self._resources.setdefault(path, _Resource()).validators = False

    def drip(self, path: str, *, every: float) -> None:
        """A body that never ends: one byte every ``every`` seconds (a slow-loris server)."""
        with self._lock:
            self._resources.setdefault(path, _Resource()).drip = every

    def fail(self, path: str, *statuses: int) -> None:
        with self._lock:
            self._resources.setdefault(path, _Resource()).failures.extend(statuses)

    def stall(self, path: str, seconds: float) -> None:
        with self._lock:
            self._resources.setdefault(path, _Resource()).delay = seconds

    def redirect(self, path: str, to: str) -> None:
        with self._lock:
            self._resources.setdefault(path, _Resource()).redirect_to = to

    def enormous(self, path: str, size: int, *, declare_length: bool) -> None:
        with self._lock:
            resource = self._resources.setdefault(path, _Resource())
            resource.huge, resource.declare_length = size, declare_length

    def requests_to(self, path: str) -> list[dict[str, str]]:
        with self._lock:
            return list(self.hits.get(path, []))

    # ---- serving -------------------------------------------------------------------------

    async def _serve(self, request: Request) -> Response:
        path = request.path_params["path"]
        with self._lock:
            self.hits.setdefault(path, []).append(dict(request.headers))
            resource = self._resources.get(path)
            failure = resource.failures.pop(0) if resource and resource.failures else None
        if resource is None:
            return PlainTextResponse("no such feed", status_code=404)
        if resource.delay:
            await asyncio.sleep(resource.delay)
        if failure is not None:
            return PlainTextResponse("server error", status_code=failure)
        if resource.redirect_to is not None:
            return RedirectResponse(resource.redirect_to, status_code=302)
        if resource.huge:
            return self._enormous(resource)
        if resource.drip:
            return self._dripping(resource.drip)
        etag = '"' + hashlib.sha1(resource.body).hexdigest()[:16] + '"'
        headers = {"etag": etag} if resource.validators else {}
        if resource.content_encoding is not None:
            headers["content-encoding"] = resource.content_encoding
        if resource.last_modified:
            headers["last-modified"] = resource.last_modified
        if resource.validators and request.headers.get("if-none-match") == etag:
            return Response(status_code=304, headers=headers)
        return Response(resource.body, headers=headers, media_type=resource.content_type)

    @staticmethod
    def _dripping(every: float) -> Response:
        async def body() -> AsyncIterator[bytes]:
            while True:
                yield b" "
                await asyncio.sleep(every)

        return StreamingResponse(body(), media_type="application/rss+xml")

    @staticmethod
    def _enormous(resource: _Resource) -> Response:
        chunk = b"<item>" + b"x" * 65_530

        async def body() -> AsyncIterator[bytes]:
            sent = 0
            while sent < resource.huge:
                yield chunk
                sent += len(chunk)

        headers = {"content-length": str(resource.huge)} if resource.declare_length else {}
        return StreamingResponse(body(), headers=headers, media_type="application/rss+xml")
