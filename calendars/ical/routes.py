"""The iCal feed endpoints: the only module in ``calendars`` that speaks HTTP.

Calendar fetchers are not browsers: Google sends no Accept header, so the feed is
``text/calendar`` whatever is asked for; a 304 keeps only the headers it may keep.

A private feed's URL is its secret (``/calendar/private/<token>.ics``): ``private`` maps a
token to what the feed holds, or None; every token it refuses gets the same 404, and the
feed is ``private`` to caches so no shared cache keeps serving it after a reset.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from email.utils import format_datetime

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from calendars.ical.feeds import CalendarFeed, CalendarFeeds
from calendars.ical.http_cache import is_not_modified
from calendars.ical.personal import FeedSelection

__all__ = ["CalendarResponse", "NotModifiedResponse", "calendar_routes"]

CACHE_CONTROL = "public, max-age=300"
PRIVATE_CACHE_CONTROL = "private, max-age=300"
PRIVATE_MISSING = "No such calendar."


class CalendarResponse(Response):
    media_type = "text/calendar"
    charset = "utf-8"


class NotModifiedResponse(Response):
    """A 304 with only the validators and caching headers (RFC 9110 §15.4.5)."""

    KEEP = ("cache-control", "etag", "last-modified", "vary", "access-control-allow-origin")

    def __init__(self, headers: dict[str, str]) -> None:
        super().__init__(
            status_code=304, headers={k: v for k, v in headers.items() if k.lower() in self.KEEP}
        )


def _calendar_response(
    request: Request, feed: CalendarFeed, cache_control: str = CACHE_CONTROL
) -> Response:
    headers = {
        "etag": feed.etag,
        "last-modified": format_datetime(feed.last_modified, usegmt=True),
        "cache-control": cache_control,
        "access-control-allow-origin": "*",
        "content-disposition": f'inline; filename="{feed.filename}"',
    }
    if is_not_modified(request.headers, etag=feed.etag, last_modified=feed.last_modified):
        return NotModifiedResponse(headers)
    return CalendarResponse(feed.body, headers=headers)


def _not_found(what: str) -> Response:
    return PlainTextResponse(f"{what}\n", status_code=404)


def _no_private_feeds(token: str) -> FeedSelection | None:
    return None


def calendar_routes(
    feeds: CalendarFeeds, private: Callable[[str], FeedSelection | None] = _no_private_feeds
) -> list[Route]:
    """``/calendar.ics``, ``/calendar/{tag}.ics``, ``/events/{id}.ics`` and
    ``/calendar/private/{token}.ics`` (GET and HEAD)."""

    async def render(
        request: Request,
        scope: str,
        produce: Callable[[], CalendarFeed | None],
        missing: str,
        cache_control: str = CACHE_CONTROL,
    ) -> Response:
        # Current bytes are served at once; a render (seconds when cold and large) runs
        # in a worker thread so the bot's event loop never waits for it.
        feed = feeds.cached(scope) or await run_in_threadpool(produce)
        if feed is None:
            return _not_found(missing)
        return _calendar_response(request, feed, cache_control)

    async def all_events(request: Request) -> Response:
        return await render(request, "all", feeds.everything, "")

    async def one_topic(request: Request) -> Response:
        tag = request.path_params["tag"]
        missing = f"No topic called {tag!r}."
        return await render(request, f"tag:{tag}", lambda: feeds.topic(tag), missing)

    async def one_event(request: Request) -> Response:
        event_id = request.path_params["event_id"]
        missing = f"No event with id {event_id!r}."
        return await render(request, f"event:{event_id}", lambda: feeds.event(event_id), missing)

    async def personal(request: Request) -> Response:
        selection = private(request.path_params["token"])  # never echoed: it is the secret
        if selection is None:
            return _not_found(PRIVATE_MISSING)
        produce = functools.partial(feeds.personal, selection)
        return await render(
            request, selection.scope, produce, PRIVATE_MISSING, PRIVATE_CACHE_CONTROL
        )

    return [
        Route("/calendar.ics", all_events, methods=["GET", "HEAD"]),
        Route("/calendar/private/{token}.ics", personal, methods=["GET", "HEAD"]),
        Route("/calendar/{tag}.ics", one_topic, methods=["GET", "HEAD"]),
        Route("/events/{event_id}.ics", one_event, methods=["GET", "HEAD"]),
    ]
