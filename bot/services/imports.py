"""Importing other people's calendars: an uploaded file or a URL, upserted event by event."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import httpx

from bot.fetch.client import fetch_limited
from bot.services.events import EventService
from calendars.errors import InvalidCalendarFile
from calendars.i18n import _
from calendars.ical.importer import ImportReport, parse_ics
from calendars.ical.render import CalendarMeta
from calendars.limits import ICAL_FILE_BYTES

__all__ = ["ImportDone", "ImportService"]


@dataclass(frozen=True, slots=True)
class ImportDone:
    """What the file held (events, skips, what was left out) and what became of each event:
    ``results`` counts "added", "updated" and "unchanged"."""

    report: ImportReport
    results: Counter[str]


class ImportService:
    def __init__(
        self,
        *,
        events: EventService,
        http: httpx.AsyncClient,
        meta: CalendarMeta,
        clock: Callable[[], datetime],
    ) -> None:
        self._events = events
        self._http = http
        self._meta = meta
        self._clock = clock

    async def from_url(self, url: str, *, actor: str, floating_zone: str) -> ImportDone:
        fetched = await fetch_limited(self._http, url, max_bytes=ICAL_FILE_BYTES)
        if fetched.status != 200:
            raise InvalidCalendarFile(
                _("the URL answered HTTP {status}, not a calendar", status=fetched.status)
            )
        return await self.from_bytes(fetched.content, actor=actor, floating_zone=floating_zone)

    async def from_bytes(self, data: bytes, *, actor: str, floating_zone: str) -> ImportDone:
        """Upsert every event of the file; a bad event is skipped with its reason.

        ``floating_zone`` reads times the file gives without a zone (and no X-WR-TIMEZONE).
        """
        # Parsing a large file takes a noticeable moment: keep it off the bot's event loop.
        report = await asyncio.to_thread(
            parse_ics,
            data,
            now=self._clock(),
            our_host=self._meta.host,
            default_zone=floating_zone,
        )
        results: Counter[str] = Counter()
        for event in report.events:
            results[await self._events.upsert(event, actor=actor)] += 1
        return ImportDone(report, results)
