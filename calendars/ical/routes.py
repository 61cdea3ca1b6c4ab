"""The iCal feed endpoints: the only module in ``calendars`` that speaks HTTP.

Calendar fetchers are not browsers: Google sends no Accept header, so the feed is
``text/calendar`` whatever is asked for; a 304 keeps only the headers it may keep.
"""

from __future__ import annotations

from collections.abc import Callable
from email.utils import format_datetime

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from calendars.ical.feeds import CalendarFeed, CalendarFeeds
from calendars.ical.http_cache import is_not_modified

__all__ = ["CalendarResponse", "NotModifiedResponse", "calendar_routes"]

CACHE_CONTROL = "public, max-age=300"


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


def _calendar_response(request: Request, feed: CalendarFeed) -> Response:
    headers = {
        "etag": feed.etag,
        "last-modified": format_datetime(feed.last_modified, usegmt=True),
        "cache-control": CACHE_CONTROL,
        "access-control-allow-origin": "*",
        "content-disposition": f'inline; filename="{feed.filename}"',
    }
    if is_not_modified(request.headers, etag=feed.etag, last_modified=feed.last_modified):
        return NotModifiedResponse(headers)
    return CalendarResponse(feed.body, headers=headers)


def _not_found(what: str) -> Response:
    return PlainTextResponse(f"{what}\n", status_code=404)


def calendar_routes(feeds: CalendarFeeds) -> list[Route]:
    """``/calendar.ics``, ``/calendar/{tag}.ics`` and ``/events/{id}.ics`` (GET and HEAD)."""

    async def render(
        request: Request, scope: str, produce: Callable[[], CalendarFeed | None], missing: str
    ) -> Response:
        # Current bytes are served at once; a render (seconds when cold and large) runs
        # in a worker thread so the bot's event loop never waits for it.
        feed = feeds.cached(scope) or await run_in_threadpool(produce)
        return _calendar_response(request, feed) if feed else _not_found(missing)

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

    return [
        Route("/calendar.ics", all_events, methods=["GET", "HEAD"]),
        Route("/calendar/{tag}.ics", one_topic, methods=["GET", "HEAD"]),
        Route("/events/{event_id}.ics", one_event, methods=["GET", "HEAD"]),
    ]
