"""A uvicorn server for fakes: runs in its own thread, starts and stops without 0.1 s ticks."""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from typing import Any

import uvicorn

__all__ = ["ServerThread", "TestServer"]


class TestServer(uvicorn.Server):
    """uvicorn server tuned for tests: event-driven start and stop instead of 0.1 s ticks.

    Stock uvicorn polls ``should_exit`` every 0.1 s and sleeps 0.1 s more in shutdown, which
    would add ~0.2 s to every test that starts a fake.
    """

    def __init__(self, config: uvicorn.Config, listening: threading.Event) -> None:
        super().__init__(config)
        self.listening = listening
        self.exit_event: asyncio.Event | None = None

    async def startup(self, sockets: Any = None) -> None:
        self.exit_event = asyncio.Event()
        await super().startup(sockets=sockets)
        self.listening.set()

    def request_exit(self, loop: asyncio.AbstractEventLoop) -> None:
        """Ask the server to exit; callable from any thread."""
        self.should_exit = True
        if self.exit_event is not None:
            with contextlib.suppress(RuntimeError):  # loop already closed
                loop.call_soon_threadsafe(self.exit_event.set)

    async def main_loop(self) -> None:
        assert self.exit_event is not None
        while not await self.on_tick(0):  # refreshes the Date header, checks should_exit
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.exit_event.wait(), 1.0)

    async def shutdown(self, sockets: Any = None) -> None:
        for server in self.servers:
            server.close()
        for connection in list(self.server_state.connections):
            connection.shutdown()  # idle keep-alive connections close now, busy ones after
        deadline = time.monotonic() + 2.0
        # uvicorn offers no "all connections closed" event, so poll briefly.
        while self.server_state.connections and time.monotonic() < deadline:  # noqa: ASYNC110
            await asyncio.sleep(0.005)
        for task in self.server_state.tasks:
            task.cancel()
        for server in self.servers:
            await server.wait_closed()


class ServerThread:
    """An ASGI app on 127.0.0.1, port 0, served by ``TestServer`` in a daemon thread."""

    def __init__(self, app: Any, *, name: str, **options: Any) -> None:
        """``options``: more uvicorn settings (``ssl_certfile`` for an https server)."""
        config = uvicorn.Config(
            app, host="127.0.0.1", port=0, lifespan="off", log_level="warning", **options
        )
        self._listening = threading.Event()
        self._server = TestServer(config, self._listening)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self.port = 0

    def start(self) -> None:
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._listening.wait(timeout=0.05):  # bounded: fail fast if the thread died
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"{self._thread.name} did not start; see the log above")
        self.port = self._server.servers[0].sockets[0].getsockname()[1]

    def stop(self) -> None:
        self._server.should_exit = True
        if self._loop is not None:
            self._server.request_exit(self._loop)
        self._thread.join(timeout=10)

    def _run(self) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        try:
            loop.run_until_complete(self._server.serve())
        finally:
            self._loop = None
            loop.close()
