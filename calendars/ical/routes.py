"""The iCal feed endpoints: the only module in ``calendars`` that speaks HTTP.

Calendar fetchers are not browsers: Google sends no Accept header, so the feed is
``text/calendar`` whatever is asked for; a 304 keeps only the headers it may keep.

``?lang=hi`` (``mr``, ``ru``, ``en``) on every feed serves it in that language: the
calendar's name and description, and the events' titles, places and descriptions where an
admin translated them; without it the bytes are the English ones subscribers always had.
A language we do not speak is a 400 naming the choices: a feed URL is pasted once into a
calendar app, so a typo is said then, not hidden.

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

from calendars.errors import InvalidInput
from calendars.i18n import DEFAULT_LANGUAGE
from calendars.ical.feeds import CalendarFeed, CalendarFeeds, in_language
from calendars.ical.http_cache import is_not_modified
from calendars.ical.personal import FeedSelection
from calendars.language_choice import asked_language

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


class _Prepared(Response):
    """A response whose header lines were encoded once per feed, not once per request.

    A feed is fetched thousands of times between changes; building, formatting and
    encoding the same seven headers each time cost a third of the route's time.
    """

    def __init__(self, status_code: int, body: bytes, raw_headers: list[tuple[bytes, bytes]]):
        self.status_code = status_code
        self.background = None
        self.body = body
        self.raw_headers = raw_headers


class _Headers:
    """One feed's response headers, for 200 and for 304, ready to send."""

    __slots__ = ("feed", "last_modified", "not_modified", "ok")

    def __init__(self, feed: CalendarFeed, cache_control: str) -> None:
        self.feed = feed
        self.last_modified = format_datetime(feed.last_modified, usegmt=True)
        headers = {
            "etag": feed.etag,
            "last-modified": self.last_modified,
            "cache-control": cache_control,
            "access-control-allow-origin": "*",
            "content-disposition": f'inline; filename="{feed.filename}"',
        }
        self.ok = CalendarResponse(feed.body, headers=headers).raw_headers
        self.not_modified = NotModifiedResponse(headers).raw_headers


_PREPARED: dict[tuple[int, str], _Headers] = {}
MAX_PREPARED = 1024


def _headers_for(feed: CalendarFeed, cache_control: str) -> _Headers:
    key = (id(feed), cache_control)
    ready = _PREPARED.get(key)
    if ready is None or ready.feed is not feed:  # an id is reused once its feed is gone
        if len(_PREPARED) >= MAX_PREPARED:
            _PREPARED.clear()
        ready = _PREPARED[key] = _Headers(feed, cache_control)
    return ready


def _calendar_response(
    request: Request, feed: CalendarFeed, cache_control: str = CACHE_CONTROL
) -> Response:
    ready = _headers_for(feed, cache_control)
    # Each header looked up once; what calendar apps send back (the very ETag or date)
    # needs no parsing. If-None-Match wins over If-Modified-Since (``is_not_modified``).
    asked = request.headers.get("if-none-match")
    if asked is not None:
        fresh = asked == feed.etag or _not_modified({"if-none-match": asked}, feed)
    else:
        since = request.headers.get("if-modified-since")
        fresh = since is not None and (
            since == ready.last_modified or _not_modified({"if-modified-since": since}, feed)
        )
    if fresh:
        return _Prepared(304, b"", list(ready.not_modified))
    return _Prepared(200, feed.body, list(ready.ok))


def _not_modified(headers: dict[str, str], feed: CalendarFeed) -> bool:
    return is_not_modified(headers, etag=feed.etag, last_modified=feed.last_modified)


def _not_found(what: str) -> Response:
    return PlainTextResponse(f"{what}\n", status_code=404)


def _bad_request(error: InvalidInput) -> Response:
    return PlainTextResponse(f"{error.user_message()}\n", status_code=400)


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
        produce: Callable[[str], CalendarFeed | None],
        missing: str,
        cache_control: str = CACHE_CONTROL,
    ) -> Response:
        try:
            lang = asked_language(request.query_params.get("lang")) or DEFAULT_LANGUAGE
        except InvalidInput as exc:
            return _bad_request(exc)
        # Current bytes are served at once; a render (seconds when cold and large) runs
        # in a worker thread so the bot's event loop never waits for it.
        feed = feeds.cached(in_language(scope, lang)) or await run_in_threadpool(produce, lang)
        if feed is None:
            return _not_found(missing)
        return _calendar_response(request, feed, cache_control)

    async def all_events(request: Request) -> Response:
        return await render(request, "all", feeds.everything, "")

    async def one_topic(request: Request) -> Response:
        tag = request.path_params["tag"]
        produce = functools.partial(feeds.topic, tag)
        return await render(request, f"tag:{tag}", produce, f"No topic called {tag!r}.")

    async def one_event(request: Request) -> Response:
        event_id = request.path_params["event_id"]
        produce = functools.partial(feeds.event, event_id)
        missing = f"No event with id {event_id!r}."
        return await render(request, f"event:{event_id}", produce, missing)

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
