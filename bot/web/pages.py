"""The public web page and JSON API, for people who are not on Telegram.

Plain Jinja2 templates (autoescaped: every field from admins, imports or feeds is text)
and a little CSS; a few lines of script show each time in the visitor's own zone, and
without script the venue's time is still there.

Pages speak the reader's language (``bot.web.page_language``): templates wrap texts in ``_``
and render inside ``speaking(lang)``, so the dates and wording helpers they call speak it too.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from bot.web.page_language import PageLanguage, html_response, page_digits, page_gettext
from bot.wording.lifecycle import plain_value, public_actor, status_word
from calendars.agenda import build_agenda
from calendars.errors import InvalidInput
from calendars.events import SLUG_RE, Event
from calendars.i18n import DEFAULT_LANGUAGE, N_, _, current_language, speaking
from calendars.ical.feeds import calendar_title
from calendars.ical.render import CalendarMeta
from calendars.language_choice import asked_language
from calendars.links import GOOGLE_ADD_BY_URL, SubscribeLinks, subscribe_links
from calendars.time.precision import Precision
from calendars.time.timefmt import format_event_when, format_instant
from calendars.translations import TRANSLATABLE, localized, translated_fields

__all__ = ["PageSite", "event_json"]

HERE = Path(__file__).parent
MAX_CACHED_PAGES = 64
FIELD_NAMES = {  # a change's field, as an event page's history names it
    "status": N_("Status"),
    "time": N_("Time"),
    "place": N_("Place"),
    "title": N_("Title"),
}


@dataclass(frozen=True, slots=True)
class EventView:
    """An event as the templates show it."""

    event: Event
    when_venue: str
    start_iso: str
    end_iso: str
    page_url: str
    ics_url: str
    links: SubscribeLinks
    history: tuple[HistoryRow, ...] = ()

    @property
    def period_iso(self) -> str:
        """HTML's month (``2025-12``) or year (``2026``) for an event without a day."""
        start = self.event.start
        if self.event.precision is Precision.YEAR:
            return f"{start.year:04d}"
        return f"{start.year:04d}-{start.month:02d}"


@dataclass(frozen=True, slots=True)
class HistoryRow:
    """One change as the event page lists it (plain text; times in UTC, in its language)."""

    at: str
    at_iso: str
    by: str
    field: str
    old: str
    new: str
    note: str
    source: str


def history_rows(event: Event) -> tuple[HistoryRow, ...]:
    """The event's changes, newest first, for its page, in the language being spoken."""
    lang = current_language()
    return tuple(
        HistoryRow(
            at=format_instant(change.at, "UTC", lang),
            at_iso=change.at.isoformat(),
            by=public_actor(change.by),
            field=_(FIELD_NAMES[change.field]) if change.field in FIELD_NAMES else change.field,
            old=plain_value(change.field, change.old, event, "UTC"),
            new=plain_value(change.field, change.new, event, "UTC"),
            note=change.note,
            source=change.source,
        )
        for change in reversed(event.history)
    )


def event_json(event: Event, meta: CalendarMeta, lang: str | None = None) -> dict[str, Any]:
    """The API's form of an event: ISO times with offsets (dates for all-day events).

    ``translations`` holds every translation an admin wrote. Asked in ``lang`` (None: not
    asked), title, location and description are what a reader of that language sees;
    ``translated`` names those given in it, and ``original`` keeps the original texts.
    """
    record = event.to_record()
    base = meta.public_url.rstrip("/")
    return {
        **{k: record[k] for k in ("id", "title", "timezone", "location", "description", "status")},
        **{k: record[k] for k in ("tags", "keywords", "urls", "sequence", "updated", "coverage")},
        "all_day": event.all_day,
        "precision": event.precision.value,  # month or year: start..end is that period
        "start": event.start.isoformat(),
        "end": event.end.isoformat(),
        "starts_at": event.starts_at.isoformat(),
        "ends_at": event.ends_at.isoformat(),
        "ics_url": meta.event_ics_url(event.id),
        "page_url": f"{base}/events/{event.id}",
        "translations": event.translations.to_record(),
        **(_in_language(event, lang) if lang is not None else {}),
    }


def _in_language(event: Event, lang: str) -> dict[str, Any]:
    """The fields as ``lang`` reads them, which of them are translations, the originals."""
    fields = translated_fields(event, lang)
    return {
        **{name: text for name, (text, _from) in fields.items()},
        "lang": lang,
        "translated": [name for name, (_text, given) in fields.items() if given is not None],
        "original": {name: getattr(event, name) for name in TRANSLATABLE},
    }


def _bound(text: str, name: str) -> date | datetime:
    """``from``/``to`` as a bare date (a day at each event's venue) or an ISO datetime
    (an instant; UTC when it has no offset)."""
    try:
        return date.fromisoformat(text)  # any ISO date form: 2026-12-04, 20261204, 2026-W49-5
    except ValueError:
        pass
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(
            f"{name}={text[:40]!r} is not a date; use 2026-12-04 or 2026-12-04T10:00:00+05:30"
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _venue_days(event: Event) -> tuple[date, date]:
    """The first and last day an event covers on the venue's own calendar."""
    first = event.start.date() if isinstance(event.start, datetime) else event.start
    return first, event.last_day


def _ends_after(event: Event, bound: date | datetime) -> bool:
    if isinstance(bound, datetime):
        return event.ends_at > bound
    return _venue_days(event)[1] >= bound


def _starts_by(event: Event, bound: date | datetime) -> bool:
    if isinstance(bound, datetime):
        return event.starts_at < bound
    return _venue_days(event)[0] <= bound


class PageSite:
    def __init__(
        self,
        *,
        meta: CalendarMeta,
        events: Callable[[], Sequence[Event]],
        version: Callable[[], int],
        topics: Callable[[], list[str]],
        clock: Callable[[], datetime],
    ) -> None:
        self._meta = meta
        self._events = events
        self._version = version
        self._topics = topics
        self._clock = clock
        self._env = Environment(
            loader=FileSystemLoader(HERE / "templates"),
            autoescape=select_autoescape(default=True),
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self._env.globals.update(_=page_gettext, digits=page_digits, status_word=status_word)
        self._cache: dict[tuple[int, str, str, tuple[str, bool]], bytes] = {}

    def routes(self) -> list[BaseRoute]:
        return [
            Route("/", self.index, methods=["GET", "HEAD"]),
            Route("/events/{event_id}", self.event_page, methods=["GET", "HEAD"]),
            Route("/api/events", self.api_events, methods=["GET", "HEAD"]),
            Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
        ]

    # ---- views -------------------------------------------------------------------------

    def view(self, event: Event) -> EventView:
        """The event as shown, in the language being spoken (its translated fields too)."""
        event = localized(event, current_language())
        base = self._meta.public_url.rstrip("/")
        ics = self._meta.event_ics_url(event.id)
        return EventView(
            event=event,
            when_venue=format_event_when(event, event.timezone, current_language()),
            start_iso=event.starts_at.isoformat(),
            end_iso=event.ends_at.isoformat(),
            page_url=f"{base}/events/{event.id}",
            ics_url=ics,
            links=subscribe_links(ics, name=event.title),
            history=history_rows(event),
        )

    def render_index(self, topic: str | None, here: PageLanguage | None = None) -> bytes:
        """The whole page; cached per data version, topic, minute (what "upcoming" means)
        and language (with whether its links keep ``?lang=``)."""
        here = here or PageLanguage(DEFAULT_LANGUAGE, False, "/", ())
        now = self._clock()
        version, minute = self._version(), now.strftime("%Y%m%d%H%M")
        key = (version, topic or "", minute, here.key)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        with speaking(here.lang) as lang:
            agenda = build_agenda(self._events(), now=now, topic=topic, lang=lang)
            base = self._meta.public_url.rstrip("/")
            feed_url = f"{base}/calendar/{topic}.ics" if topic else f"{base}/calendar.ics"
            html = self._env.get_template("index.html").render(
                agenda=agenda,
                view=self.view,
                topics=self._topics(),
                topic=topic,
                name=self._meta.name,
                here=here,
                feed=subscribe_links(
                    here.feed(feed_url), name=calendar_title(self._meta.name, lang, topic)
                ),
                google_settings=GOOGLE_ADD_BY_URL,
            )
        body = html.encode("utf-8")
        # Only the current data and minute stay; bounded however many languages and topics.
        self._cache = {k: v for k, v in self._cache.items() if (k[0], k[2]) == (version, minute)}
        if len(self._cache) >= MAX_CACHED_PAGES:
            self._cache.clear()
        self._cache[key] = body
        return body

    async def index(self, request: Request) -> Response:
        here = PageLanguage.of(request)
        topic = request.query_params.get("topic") or None
        if topic is not None and (not SLUG_RE.match(topic) or topic not in self._topics()):
            with speaking(here.lang):
                missing = _("There is no topic called “{topic}”.", topic=topic[:40])
            return self._not_found(request, here, missing)
        return html_response(request, self.render_index(topic, here), here.lang)

    async def event_page(self, request: Request) -> Response:
        here = PageLanguage.of(request)
        event_id = request.path_params["event_id"]
        event = next((e for e in self._events() if e.id == event_id), None)
        if event is None:
            with speaking(here.lang):
                missing = _("There is no event “{id}”.", id=event_id[:60])
            return self._not_found(request, here, missing)
        with speaking(here.lang) as lang:
            html = self._env.get_template("event.html").render(
                item=self.view(event),
                name=self._meta.name,
                here=here,
                now=self._clock(),
                published=lambda moment: format_instant(moment, "UTC", lang),
                google_settings=GOOGLE_ADD_BY_URL,
            )
        return html_response(request, html.encode("utf-8"), here.lang)

    async def api_events(self, request: Request) -> Response:
        """Events as JSON, filtered by ``tag`` and by ``from``/``to``.

        A bare date means a day on each event's own calendar, at its venue, whatever the
        server's or the reader's zone: ``from=2026-12-04&to=2026-12-04`` gives every event
        that happens on 4 December where it happens (``to`` includes its day). A datetime
        is an instant (UTC if it has no offset): events that end after ``from`` and start
        before ``to``.
        """
        params = request.query_params
        try:
            start = _bound(params["from"], "from") if "from" in params else None
            end = _bound(params["to"], "to") if "to" in params else None
            lang = asked_language(params.get("lang"))
        except InvalidInput as exc:
            return JSONResponse({"error": exc.user_message()}, status_code=400)
        except ValueError as exc:
            return JSONResponse({"error": str(exc)}, status_code=400)
        tag = params.get("tag")
        events = [
            e
            for e in self._events()
            if (tag is None or tag in e.tags)
            and (start is None or _ends_after(e, start))
            and (end is None or _starts_by(e, end))
        ]
        events.sort(key=lambda e: (e.starts_at, e.id))
        return JSONResponse(
            {"events": [event_json(e, self._meta, lang) for e in events], "count": len(events)},
            headers={"access-control-allow-origin": "*", "cache-control": "public, max-age=60"},
        )

    def _not_found(self, request: Request, here: PageLanguage, message: str) -> Response:
        with speaking(here.lang):
            html = self._env.get_template("not_found.html").render(
                message=message, name=self._meta.name, here=here
            )
        return html_response(request, html.encode("utf-8"), here.lang, 404)
