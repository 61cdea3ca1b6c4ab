"""iCalendar feeds built with the icalendar library, fast enough for 10,000 events.

Every VEVENT is built with ``icalendar.Event.new`` and serialised once per (id, SEQUENCE,
LAST-MODIFIED); a feed is the calendar's own header and VTIMEZONE blocks (also built by
icalendar) with the cached VEVENT bytes placed before ``END:VCALENDAR``. Re-rendering after
one edit therefore serialises one event, not ten thousand.

Choices that calendar clients depend on (see FIELD-NOTES):
- UID ``{id}@{host}`` never changes; SEQUENCE grows on every edit; cancelled events stay
  with STATUS:CANCELLED so subscribed calendars remove them;
- DTSTAMP is the event's last change, so the bytes (and the ETag) only change with the data;
- a VTIMEZONE for every zone used (Outlook shifts events by an hour without one), in the
  compact RRULE form Outlook understands (see ``vtimezone``);
- X-WR-CALNAME / X-WR-CALDESC beside RFC 7986 NAME / DESCRIPTION (Google reads the former);
- TRANSP:TRANSPARENT: someone else's summit should not mark the reader as busy;
- a wall time repeated or skipped by a DST change is written in UTC (clients disagree on
  which pass such a time means), and ``X-SUMMITWATCH-TZID`` keeps the venue's zone, so
  importing the feed again gives back the same events (see ``roundtrip``);
- an event known only to its month or year is left out of every feed until it has a day:
  a calendar would show it as a month-long event, or on a 1st that is no real date. A
  per-event feed of one is an empty calendar with the event's name, which fills in then.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import icalendar
from icalendar import Calendar, vDuration
from icalendar import Event as VEvent

from calendars.events import Event
from calendars.i18n import DEFAULT_LANGUAGE, N_, gettext_in
from calendars.ical.roundtrip import (
    ICAL_STATUS,
    STATUS_PROPERTY,
    SUMMARY_PREFIX,
    ZONE_PROPERTY,
    compose_description,
)
from calendars.ical.vtimezone import vtimezone
from calendars.time.wallclock import needs_utc
from calendars.translations import localized

__all__ = ["ICAL_STATUS", "STATUS_PROPERTY", "SUMMARY_PREFIX", "CalendarMeta", "IcalRenderer"]

logger = logging.getLogger(__name__)

_BEGIN = b"BEGIN:VCALENDAR\r\n"
_END = b"END:VCALENDAR\r\n"
COVERAGE_IN_FEED = 5
# The modules whose code decides a VEVENT's bytes: a kept VEVENT rendered by other code is
# not reused (see ``IcalRenderer.fingerprint``).
_RENDERING_MODULES = (
    "calendars.events",
    "calendars.event_fields",
    "calendars.ical.render",
    "calendars.ical.roundtrip",
    "calendars.time.wallclock",
    "calendars.translations",
)
# An event's kept VEVENT: the (SEQUENCE, LAST-MODIFIED) it was rendered at, and its bytes.
# Kept by event id, or ``<id>.<lang>`` for its translated form (only when it has one).
KeptVevent = tuple[tuple[int, str], bytes]


@dataclass(frozen=True, slots=True, kw_only=True)
class CalendarMeta:
    """What a feed says about itself; ``public_url`` is where subscribers reach it."""

    public_url: str
    name: str = "SummitWatch"
    description: str = N_("Summits, state visits and diplomatic meetings tracked by SummitWatch")
    refresh: timedelta = timedelta(hours=1)

    @property
    def host(self) -> str:
        return urlsplit(self.public_url).hostname or "localhost"

    def event_ics_url(self, event_id: str) -> str:
        return f"{self.public_url.rstrip('/')}/events/{event_id}.ics"

    def event_page_url(self, event_id: str) -> str:
        return f"{self.public_url.rstrip('/')}/events/{event_id}"


def _zone_years(events: Sequence[Event]) -> dict[str, tuple[int, int]]:
    """For each zone that timed events use, the years they span (VTIMEZONE must cover them).

    From a year before the earliest local time: an observance that began on 1 January of
    the start's UTC year would begin after a 31 December evening west of Greenwich.
    """
    spans: dict[str, tuple[int, int]] = {}
    for event in events:
        if event.all_day or event.timezone == "UTC":
            continue  # all-day dates float; UTC times are written with Z
        first, last = event.starts_at.year - 1, event.ends_at.year + 1
        known = spans.get(event.timezone, (first, last))
        spans[event.timezone] = (min(known[0], first), max(known[1], last))
    return spans


class IcalRenderer:
    """Renders feeds, keeping each event's serialised VEVENT until the event changes."""

    def __init__(self, meta: CalendarMeta) -> None:
        self.meta = meta
        self._vevents: dict[str, KeptVevent] = {}

    @functools.cached_property
    def fingerprint(self) -> str:
        """What a VEVENT's bytes depend on besides the event: the public URL (UID host,
        event links), the icalendar version and this code. VEVENTs kept across a restart
        are reused only under the same fingerprint (``keep``)."""
        digest = hashlib.blake2b(digest_size=16)
        digest.update(f"{self.meta.public_url}\0{icalendar.__version__}".encode())
        for name in _RENDERING_MODULES:
            path = getattr(sys.modules.get(name), "__file__", None)
            digest.update(Path(path).read_bytes() if path else name.encode())
        return digest.hexdigest()

    def kept(self) -> dict[str, KeptVevent]:
        """Every VEVENT rendered so far, by event id: what a restart may ``keep``."""
        return dict(self._vevents)

    def keep(self, vevents: Mapping[str, KeptVevent]) -> None:
        """Reuse VEVENTs rendered before (same ``fingerprint``); each still counts only
        while its event has the SEQUENCE and LAST-MODIFIED it was rendered at."""
        for event_id, kept in vevents.items():
            self._vevents.setdefault(event_id, kept)

    def vevent(self, event: Event, lang: str = DEFAULT_LANGUAGE) -> bytes:
        """The event's VEVENT; in ``lang`` (SUMMARY, LOCATION, DESCRIPTION), where an admin
        translated them: an event with no translation in ``lang`` has one form only."""
        shown = localized(event, lang)
        key = event.id if shown is event else f"{event.id}.{lang}"
        version = (event.sequence, event.updated.isoformat())
        cached = self._vevents.get(key)
        if cached is not None and cached[0] == version:
            return cached[1]
        body: bytes = self._build_vevent(shown).to_ical()
        self._vevents[key] = (version, body)
        return body

    def forget(self, keep: Iterable[str]) -> None:
        """Drop cached VEVENTs (every language's) of events that no longer exist."""
        keep = set(keep)
        for key in [k for k in self._vevents if k.partition(".")[0] not in keep]:
            del self._vevents[key]

    def calendar(
        self,
        events: Sequence[Event],
        *,
        scope: str = "all",
        name: str | None = None,
        lang: str = DEFAULT_LANGUAGE,
    ) -> bytes:
        """One VCALENDAR with ``events`` (in ``lang`` where translated); ``scope`` makes
        the calendar's own UID stable; ``lang`` is also the language of its description
        (the caller words ``name``)."""
        rendered = self._renderable(events, lang)
        shown = [event for event, _body in rendered]
        zones = [_zone_bytes(*span) for span in sorted(_zone_years(shown).items())]
        components = [*zones, *(body for _event, body in rendered)]
        return self._framing(scope, name or self.meta.name, lang) + b"".join(components) + _END

    def header(self, scope: str, title: str, lang: str = DEFAULT_LANGUAGE) -> Calendar:
        """The calendar's own properties, as icalendar builds them.

        The description is the configured one, in ``lang`` when the catalogs have it (the
        default has it; a custom one stays as written).
        """
        header = Calendar.new(
            prodid="-//SummitWatch//SummitWatch Calendar 1.0//EN",
            uid=f"{scope}@{self.meta.host}",
            name=title,
            description=gettext_in(lang, self.meta.description),
            refresh_interval=self.meta.refresh,
            calscale="GREGORIAN",
            method="PUBLISH",
        )
        header["REFRESH-INTERVAL"].params["VALUE"] = "DURATION"  # required by RFC 7986 §5.7
        header.add("X-PUBLISHED-TTL", vDuration(self.meta.refresh))
        return header

    def _framing(self, scope: str, title: str, lang: str = DEFAULT_LANGUAGE) -> bytes:
        """``header(scope, title, lang)`` serialised, without END:VCALENDAR.

        Only the name and UID lines differ between feeds: icalendar serialises those, and
        the rest comes from a template made once (10,000 event feeds: ~3x faster). Bytes
        are the same as serialising the whole header (tests/calendars/ical/test_render_framing.py).
        Other languages (a few feeds, not thousands) serialise their whole header.
        """
        if self._template is None or lang != DEFAULT_LANGUAGE:
            return bytes(self.header(scope, title, lang).to_ical()[: -len(_END)])
        before, middle, after = self._template
        named, uid = self._varying(scope, title)
        return before + named + middle + uid + after

    def _varying(self, scope: str, title: str) -> tuple[bytes, bytes]:
        """The name lines and the UID line, serialised by icalendar."""
        varying = Calendar()
        varying.calendar_name = title
        varying.uid = f"{scope}@{self.meta.host}"
        lines: bytes = varying.to_ical()[len(_BEGIN) : -len(_END)]
        cut = lines.index(b"\r\nUID:") + 2
        return lines[:cut], lines[cut:]

    @functools.cached_property
    def _template(self) -> tuple[bytes, bytes, bytes] | None:
        """The header's bytes around its name lines and its UID line; None if the layout
        is not the expected one (a long host folds the UID line; another icalendar orders
        its lines otherwise): whole headers, then."""
        framing: bytes = self.header("S", "N").to_ical()[len(_BEGIN) : -len(_END)]
        named, uid = b"NAME:N\r\nX-WR-CALNAME:N\r\n", f"UID:S@{self.meta.host}\r\n".encode()
        parts = framing.split(named)
        rest = parts[-1].split(uid)
        try:
            varies_as_expected = self._varying("S", "N") == (named, uid)
        except ValueError:
            varies_as_expected = False
        if len(parts) != 2 or len(rest) != 2 or not varies_as_expected:
            return None
        return _BEGIN + parts[0], rest[0], rest[1]

    def _renderable(
        self, events: Sequence[Event], lang: str = DEFAULT_LANGUAGE
    ) -> list[tuple[Event, bytes]]:
        """Each event's VEVENT; one that cannot be rendered is logged and left out, so one
        bad record (stored under older rules, say) never fails everyone's feed. Events
        without a day yet are not rendered at all."""
        rendered: list[tuple[Event, bytes]] = []
        for event in events:
            if not event.dated:
                continue
            try:
                rendered.append((event, self.vevent(event, lang)))
            except Exception:
                logger.exception("ical.event_failed event=%s", event.id)
        return rendered

    def _build_vevent(self, event: Event) -> VEvent:
        vevent = VEvent.new(
            uid=f"{event.id}@{self.meta.host}",
            summary=SUMMARY_PREFIX.get(event.status, "") + event.title,
            start=_unambiguous(event.start),
            end=_unambiguous(event.end),
            stamp=event.updated,
            created=event.created,
            last_modified=event.updated,
            sequence=event.sequence,
            status=ICAL_STATUS[event.status],  # type: ignore[arg-type]
            location=event.location or None,
            description=self._description(event) or None,
            categories=event.tags,
            url=event.urls[0] if event.urls else self.meta.event_ics_url(event.id),
            transparency="TRANSPARENT",  # type: ignore[arg-type]
        )
        vevent.add(STATUS_PROPERTY, event.status.value)
        vevent.add(ZONE_PROPERTY, event.timezone)
        return vevent

    @staticmethod
    def _description(event: Event) -> str:
        items = [
            f"- {item.title}" + (f" ({item.source})" if item.source else "") + f": {item.url}"
            for item in event.coverage[:COVERAGE_IN_FEED]
        ]
        return compose_description(event.description, event.urls, items)


@functools.lru_cache(maxsize=256)
def _zone_bytes(zone: str, years: tuple[int, int]) -> bytes:
    """A zone's VTIMEZONE, serialised once (every event's own feed has one)."""
    try:
        body: bytes = vtimezone(zone, *years).to_ical()
    except Exception:  # a calendar still shows the times, if in UTC
        logger.exception("ical.vtimezone_failed zone=%s", zone)
        return b""
    return body


def _unambiguous(value: date | datetime) -> date | datetime:
    """``value``, in UTC when its wall time alone would not say which instant it is."""
    if isinstance(value, datetime) and needs_utc(value):
        return value.astimezone(UTC)
    return value
