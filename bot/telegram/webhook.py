"""Telegram's webhook: updates POSTed to our Starlette app, checked before they are taken.

A request without the secret header this run gave Telegram is refused (403); a body over
1 MiB (413) or one that is JSON but not an update (400) never reaches the handlers. With
the update intake, an update is recorded before the 200 that confirms it to Telegram.
"""

from __future__ import annotations

import hmac
import json
import logging
from typing import Any

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from telegram import Bot, Update
from telegram.ext import Application

from bot.telegram.intake import UpdateIntake
from calendars.errors import StoreError

__all__ = ["SECRET_HEADER", "WEBHOOK_MAX_BODY", "parse_update", "read_capped", "webhook_route"]

logger = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
# An update is a few kilobytes (4096 characters of text plus entities); 1 MiB is plenty and
# keeps a forged or broken sender from making the server buffer without end.
WEBHOOK_MAX_BODY = 1 << 20


def webhook_route(
    path: str,
    *,
    application: Application[Any, Any, Any, Any, Any, Any],
    secret: str,
    intake: UpdateIntake | None,
) -> Route:
    async def receive(request: Request) -> Response:
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), secret.encode()):
            return PlainTextResponse("Forbidden: wrong or missing secret token\n", status_code=403)
        body = await read_capped(request, WEBHOOK_MAX_BODY)
        if body is None:
            return PlainTextResponse(
                f"Payload Too Large: an update is at most {WEBHOOK_MAX_BODY} bytes\n",
                status_code=413,
            )
        try:
            update = parse_update(body, application.bot)
        except ValueError as exc:
            return PlainTextResponse(f"Bad Request: not an update ({exc})\n", status_code=400)
        if intake is None:
            await application.update_queue.put(update)
            return Response(status_code=200)
        try:
            intake.receive(update)  # recorded before the 200 confirms it
        except StoreError as exc:
            logger.error("telegram.update_not_recorded error=%s", exc)
            return PlainTextResponse("Service Unavailable\n", status_code=503)
        return Response(status_code=200)

    return Route(path, receive, methods=["POST"])


async def read_capped(request: Request, limit: int) -> bytes | None:
    """The body, or None once it would pass ``limit`` bytes (declared or actually sent)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        return None
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            return None
    return bytes(body)


def parse_update(body: bytes, bot: Bot) -> Update:
    """An Update from JSON, or ValueError saying why not: valid JSON is not yet an update."""
    try:
        data = json.loads(body)
    except RecursionError:
        raise ValueError("JSON nested too deeply") from None
    if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
        raise ValueError("expected a JSON object with an integer update_id")
    try:
        return Update.de_json(data, bot)
    except Exception as exc:  # PTB raises assorted errors on fields of the wrong shape
        raise ValueError(f"{type(exc).__name__} reading its fields") from exc
