"""A fake Telegram Bot API server for tests that drive the real python-telegram-bot.

Why: mocking PTB hides exactly the bugs that matter in a bot (wrong parameters, unescaped
HTML, command entities, 429/403 handling, long-polling offsets). This serves the real Bot
API JSON on a loopback socket, so an ``Application`` built with
``ApplicationBuilder().base_url(fake.base_url).base_file_url(fake.base_file_url)`` runs
unmodified. PTB posts to ``{base_url}{token}/{method}`` as form data (multipart when
uploading files): str values raw, everything else JSON-encoded.

Design: uvicorn runs in a daemon thread with its own event loop, so the fake works whatever
loop the test uses (or none). All state sits behind one re-entrant lock (see
``telegram_state.BotApiState``); ``push_*`` and the inspection helpers are synchronous and
safe from any thread or loop.

Example::

    with FakeTelegram() as fake:
        app = ApplicationBuilder().token(fake.token).base_url(fake.base_url)...build()
        fake.push_message(chat_id=42, text="/start")
        ...
        await fake.wait_for_messages(42)
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
import time
from collections.abc import Callable
from types import TracebackType
from typing import Any

import httpx
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from . import telegram_objects as tg
from .server import TestServer
from .telegram_objects import JSONDict
from .telegram_rules import MAX_INLINE_QUERY, ApiError
from .telegram_state import DEFAULT_GROUP_USER, BotApiState

Requests = list[tuple[str, JSONDict]]
Predicate = Callable[[Requests], bool]

_WEBHOOK_ACTIVE = (
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)
_TERMINATED = (
    "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running"
)


def _error(exc: ApiError) -> JSONResponse:
    return JSONResponse(exc.payload(), status_code=exc.status)


class FakeTelegram(BotApiState):
    """Fake Bot API server plus helpers to feed updates, inspect calls and inject faults."""

    def __init__(
        self,
        *,
        token: str = "123456:TEST-TOKEN",
        bot_username: str = "SummitWatchBot",
        strict_chats: bool = False,
        inline_mode: bool = True,
    ) -> None:
        """``strict_chats``: answer "chat not found" for chats never pushed or registered;
        ``inline_mode``: whether BotFather's inline mode is on (getMe says so)."""
        super().__init__(
            token=token,
            bot_username=bot_username,
            strict_chats=strict_chats,
            inline_mode=inline_mode,
        )
        self.port = 0
        self._requests: Requests = []
        self._deliveries: list[JSONDict] = []
        self._poll_generation = 0
        self._stopping = False
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wakeup: asyncio.Event | None = None
        self._outbox: asyncio.Queue[JSONDict] | None = None
        self._server: TestServer | None = None
        self._thread: threading.Thread | None = None
        self._canonical = {name.lower(): name for name in [*self._handlers, "getUpdates"]}

    # ------------------------------------------------------------------ lifecycle
    @property
    def base_url(self) -> str:
        """For ``ApplicationBuilder().base_url``; PTB appends the token, then ``/method``."""
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        """For ``ApplicationBuilder().base_file_url``; serves files registered here."""
        return f"http://127.0.0.1:{self.port}/file/bot"

    def start(self) -> None:
        """Start uvicorn on 127.0.0.1, port 0, in a daemon thread; returns once listening."""
        if self._thread is not None:
            raise RuntimeError("FakeTelegram is already running")
        routes = [
            Route("/bot{token}/{method}", self._endpoint, methods=["GET", "POST"]),
            Route("/file/bot{token}/{path:path}", self._download, methods=["GET"]),
            Route("/{path:path}", lambda _: _error(ApiError(404, "Not Found"))),
        ]
        config = uvicorn.Config(
            Starlette(routes=routes),
            host="127.0.0.1",
            port=0,
            lifespan="off",
            log_level="warning",
            access_log=False,
        )
        listening = threading.Event()
        self._server = TestServer(config, listening)
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="fake-telegram", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 10
        while not listening.wait(timeout=0.05):  # bounded: fail fast if the thread died
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self._thread = None
                raise RuntimeError("fake Telegram server did not start; see the log above")
        self.port = self._server.servers[0].sockets[0].getsockname()[1]

    @property
    def open_connections(self) -> int:
        """Client connections the server holds open now (a closed client leaves none)."""
        return len(self._server.server_state.connections) if self._server else 0

    def stop(self) -> None:
        """Stop the server, first releasing held long polls so shutdown is quick."""
        if self._thread is None or self._server is None:
            return
        self._stopping = True
        self._updates_changed()
        self._server.should_exit = True
        if self._loop is not None:
            self._server.request_exit(self._loop)
        self._thread.join(timeout=10)
        self._thread = None

    def __enter__(self) -> FakeTelegram:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    async def __aenter__(self) -> FakeTelegram:
        await asyncio.to_thread(self.start)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await asyncio.to_thread(self.stop)

    def _run(self) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        try:
            loop.run_until_complete(self._serve())
        finally:
            self._loop = None
            loop.close()

    async def _serve(self) -> None:
        assert self._server is not None
        self._wakeup = asyncio.Event()
        self._outbox = asyncio.Queue()
        worker = asyncio.create_task(self._delivery_worker())
        try:
            await self._server.serve()
        finally:
            worker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await worker

    def _updates_changed(self) -> None:
        """Wake held getUpdates calls; safe from any thread."""
        loop, event = self._loop, self._wakeup
        if loop is not None and event is not None:
            with contextlib.suppress(RuntimeError):  # loop already closed
                loop.call_soon_threadsafe(event.set)

    def _deliver_to_webhook(self, update: JSONDict) -> None:
        # Delivered from the server's loop: a blocking POST from the caller would deadlock a
        # PTB webhook server running on the caller's own loop.
        loop, outbox = self._loop, self._outbox
        if loop is not None and outbox is not None:
            loop.call_soon_threadsafe(outbox.put_nowait, update)

    # ------------------------------------------------------------------ HTTP layer
    async def _endpoint(self, request: Request) -> Response:
        if request.path_params["token"] != self.token:
            return _error(ApiError(401, "Unauthorized"))
        name = request.path_params["method"]
        method = self._canonical.get(name.lower(), name)  # Telegram ignores method case
        body = await request.body()
        params = tg.decode_params(request.url.query, body, request.headers.get("content-type", ""))
        with self._lock:
            self._requests.append((method, params))
            self._changed.notify_all()
            delay = self._delays.get(method, self._delays.get("*", 0.0))
        if delay:
            await asyncio.sleep(delay)
        try:
            if method == "getUpdates":
                result: Any = await self._get_updates(params)
            else:
                with self._lock:
                    result = self._call(method, params)
        except ApiError as exc:
            return _error(exc)
        return JSONResponse({"ok": True, "result": result})

    async def _download(self, request: Request) -> Response:
        if request.path_params["token"] != self.token:
            return _error(ApiError(401, "Unauthorized"))
        content = self._file_content(request.path_params["path"])
        if content is None:
            return _error(ApiError(404, "Not Found"))
        return Response(content, media_type="application/octet-stream")

    async def _get_updates(self, params: JSONDict) -> list[JSONDict]:
        """Long polling: hold the call until an update arrives or ``timeout`` passes.

        A newer getUpdates makes a held one answer 409, as Telegram does; PTB cancels its
        in-flight poll on stop, so this only matters for two bots polling one token.
        """
        assert self._wakeup is not None
        deadline = time.monotonic() + max(0.0, float(params.get("timeout") or 0))
        with self._lock:
            self._inject_fault("getUpdates", params)
            if self._webhook is not None:
                raise ApiError(409, _WEBHOOK_ACTIVE)
            self._poll_generation += 1
            generation = self._poll_generation
            self._confirm_updates(params)
        self._wakeup.set()
        while True:
            self._wakeup.clear()
            with self._lock:
                if generation != self._poll_generation:
                    raise ApiError(409, _TERMINATED)
                batch = self._take_updates(params.get("limit"))
            remaining = deadline - time.monotonic()
            if batch or remaining <= 0 or self._stopping:
                return batch
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wakeup.wait(), remaining)

    async def _delivery_worker(self) -> None:
        """POST webhook updates one at a time, in order, retrying briefly like Telegram."""
        assert self._outbox is not None
        async with httpx.AsyncClient(timeout=10.0) as client:
            while True:
                update = await self._outbox.get()
                for attempt in range(3):
                    if await self._post_update(client, update):
                        break
                    await asyncio.sleep(0.05 * 2**attempt)
                else:
                    with self._lock:
                        self._undelivered -= 1  # Telegram eventually gives up too

    async def _post_update(self, client: httpx.AsyncClient, update: JSONDict) -> bool:
        """One delivery attempt; True when done (delivered, or webhook gone meanwhile)."""
        with self._lock:
            hook = self._webhook
            if hook is None:  # deleted meanwhile: the update waits for getUpdates again
                self._undelivered -= 1
                self._pending.append(update)
                return True
        headers: dict[str, str] = {}
        if hook["secret_token"]:
            headers["X-Telegram-Bot-Api-Secret-Token"] = str(hook["secret_token"])
        status: int | None = None
        try:
            response = await client.post(hook["url"], json=update, headers=headers)
            status = response.status_code
            error = None if response.is_success else f"Wrong response from the webhook: {status}"
        except httpx.HTTPError as exc:
            error = f"Connection failed: {type(exc).__name__}"
        with self._lock:
            entry = {"update_id": update["update_id"], "url": hook["url"], "status": status}
            self._deliveries.append(entry | {"error": error})
            self._changed.notify_all()
            if error is None:
                self._undelivered -= 1
                return True
            self._webhook_error = (tg.now(), error)
            return False

    # ------------------------------------------------------------------ feeding updates
    def push_message(
        self,
        *,
        chat_id: int,
        text: str,
        user_id: int | None = None,
        chat_type: str = "private",
        username: str | None = None,
        chat_title: str | None = None,
        document: JSONDict | None = None,
        message_thread_id: int | None = None,
        language_code: str | None = None,
    ) -> JSONDict:
        """Push a user's message (a ``channel_post`` in channels) and return the Update.

        Text starting with a command gets the ``bot_command`` entity Telegram adds, which is
        what PTB's CommandHandler matches on. With ``document`` the text becomes the caption.
        In groups the sender defaults to user ``DEFAULT_GROUP_USER``. ``message_thread_id``
        posts in a forum topic (``register_forum``, ``create_forum_topic``); anything else
        is a ValueError, since Telegram sends no such message. ``language_code`` is the
        language of the sender's Telegram app from now on (``en`` until then).
        """
        if chat_id < 0 and chat_type == "private":
            raise ValueError("private chats have positive ids; pass chat_type='group' etc.")
        with self._lock:
            chat_username = username if chat_type == "private" else None
            new_chat = tg.chat(chat_id, chat_type, title=chat_title, username=chat_username)
            chat = self._chats.setdefault(chat_id, new_chat)
            sender_id = user_id if user_id is not None else chat_id
            if chat_type != "private" and user_id is None:
                sender_id = DEFAULT_GROUP_USER
            sender = self._users.setdefault(sender_id, tg.user(sender_id, username=username))
            if language_code is not None:
                sender["language_code"] = language_code
            fields: JSONDict = {}
            if document is not None:
                fields["document"] = document
                if text:
                    fields |= {"caption": text, **tg.command_entities(text, "caption_entities")}
            else:
                fields |= {"text": text, **tg.command_entities(text)}
            fields |= self._forums.posting_fields(chat, message_thread_id)
            if chat["type"] == "channel":
                return self.push_update({"channel_post": self._new_message(chat, None, fields)})
            return self.push_update({"message": self._new_message(chat, sender, fields)})

    def push_document(
        self,
        *,
        chat_id: int,
        user_id: int | None,
        file_name: str,
        content: bytes,
        caption: str | None = None,
        mime_type: str = "text/calendar",
        chat_type: str = "private",
    ) -> JSONDict:
        """Push a message with a Document whose bytes getFile + ``base_file_url`` serve back."""
        with self._lock:
            meta = self._register_file(file_name, content, mime_type)
            return self.push_message(
                chat_id=chat_id,
                text=caption or "",
                user_id=user_id,
                chat_type=chat_type,
                document={k: v for k, v in meta.items() if k != "file_path"},
            )

    def push_callback_query(
        self, *, chat_id: int, user_id: int, data: str, message_id: int
    ) -> JSONDict:
        """Push an inline-button press on ``message_id`` (synthesised if never sent here)."""
        with self._lock:
            kind = "private" if chat_id > 0 else "group"
            chat = self._chats.setdefault(chat_id, tg.chat(chat_id, kind))
            message = self._messages.get((chat_id, message_id))
            if message is None:
                message = {"message_id": message_id, "date": tg.now(), "chat": chat}
                message |= {"from": self._bot, "text": "(sent before the test)"}
                self._messages[(chat_id, message_id)] = message
                next_id = self._next_message_id.get(chat_id, 1)
                self._next_message_id[chat_id] = max(next_id, message_id + 1)
            query_id = str(next(self._ids))
            self._callbacks.add(query_id)
            query: JSONDict = {
                "id": query_id,
                "from": self._users.setdefault(user_id, tg.user(user_id)),
                "chat_instance": f"instance{chat_id}",
                "message": dict(message),
                "data": data,
            }
            return self.push_update({"callback_query": query})

    def push_inline_query(
        self,
        *,
        user_id: int,
        query: str,
        offset: str = "",
        chat_type: str | None = "sender",
        language_code: str | None = None,
    ) -> JSONDict:
        """Push what Telegram sends while a user types ``@bot <query>`` in a chat.

        Telegram's clients send at most 256 characters, and only to bots whose inline mode
        is on, so anything else is a mistake in the test. ``chat_type`` is where the user
        types: "sender" (their chat with the bot), "private", "group", "supergroup",
        "channel", or None when unknown. The Update's ``inline_query.id`` answers it.
        ``language_code``: the language of the user's Telegram app from now on.
        """
        if not self.inline_mode:
            raise ValueError("Telegram sends no inline queries to a bot without inline mode")
        if len(query) > MAX_INLINE_QUERY:
            raise ValueError(f"inline queries are at most {MAX_INLINE_QUERY} characters")
        query.encode()  # UnicodeEncodeError (a ValueError): Telegram sends valid UTF-8 only
        with self._lock:
            query_id = str(next(self._ids) * 1_000_003)  # long numeric strings, as Telegram's
            self._inline_queries.add(query_id)
            sender = self._users.setdefault(user_id, tg.user(user_id))
            if language_code is not None:
                sender["language_code"] = language_code
            payload: JSONDict = {
                "id": query_id,
                "from": sender,
                "query": query,
                "offset": offset,
            }
            if chat_type is not None:
                payload["chat_type"] = chat_type
            return self.push_update({"inline_query": payload})

    async def wait_for_inline_answer(self, query_id: str, timeout: float = 5.0) -> JSONDict:
        """Wait until the bot answered inline query ``query_id``; return that answer."""
        await self.wait_for(lambda _: bool(self.inline_answers(query_id)), timeout)
        return self.inline_answers(query_id)[0]

    # ------------------------------------------------------------------ inspection
    @property
    def requests(self) -> Requests:
        """Snapshot of every (method, params) received, recorded on arrival, in order."""
        with self._lock:
            return list(self._requests)

    def clear_requests(self) -> None:
        """Forget recorded requests and sent messages (e.g. after a test's setup phase)."""
        with self._lock:
            self._requests.clear()
            self._sent.clear()

    @property
    def webhook_deliveries(self) -> list[JSONDict]:
        """One entry per webhook POST attempt: update_id, url, status, error."""
        with self._lock:
            return list(self._deliveries)

    def _timeout_error(self, timeout: float) -> AssertionError:
        lines = [f"  {m} {json.dumps(p, default=repr)[:300]}" for m, p in self.requests[-15:]]
        dump = "\n".join(lines) or "  (none)"
        return AssertionError(f"condition not met within {timeout}s; last requests:\n{dump}")

    async def wait_for(self, predicate: Predicate, timeout: float = 5.0) -> None:
        """Poll ``predicate(requests)`` every 5 ms without blocking the caller's loop.

        ``timeout`` is a parameter (not ``asyncio.timeout``) so a failure can dump requests.
        """
        deadline = time.monotonic() + timeout
        while not predicate(self.requests):
            if time.monotonic() > deadline:
                raise self._timeout_error(timeout)
            await asyncio.sleep(0.005)

    def wait_for_sync(self, predicate: Predicate, timeout: float = 5.0) -> None:
        """Blocking ``wait_for`` for threads; never call it on a loop that runs the bot."""
        with self._changed:
            if not self._changed.wait_for(lambda: predicate(list(self._requests)), timeout):
                raise self._timeout_error(timeout)

    async def wait_for_messages(
        self,
        chat_id: int,
        count: int = 1,
        timeout: float = 5.0,
    ) -> list[JSONDict]:
        """Wait until ``count`` messages reached ``chat_id``; return all sent to it."""
        await self.wait_for(lambda _: len(self.sent_messages(chat_id)) >= count, timeout)
        return self.sent_messages(chat_id)

    async def wait_for_webhook_deliveries(
        self,
        count: int = 1,
        timeout: float = 5.0,
    ) -> list[JSONDict]:
        """Wait until ``count`` webhook POSTs were answered with 2xx; return all attempts."""

        def delivered(_: Requests) -> bool:
            return sum(d["error"] is None for d in self.webhook_deliveries) >= count

        await self.wait_for(delivered, timeout)
        return self.webhook_deliveries
