"""Importing other people's calendars: an uploaded file or a URL, upserted event by event."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

import httpx

from bot.fetch.client import fetch_limited
from bot.services.events import EventService
from calendars.errors import InvalidCalendarFile
from calendars.ical.importer import parse_ics
from calendars.ical.render import CalendarMeta
from calendars.limits import ICAL_FILE_BYTES

__all__ = ["ImportReport", "ImportService"]


@dataclass(frozen=True, slots=True)
class ImportReport:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: list[str] = field(default_factory=list)


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

    async def from_url(self, url: str, *, actor: str) -> ImportReport:
        fetched = await fetch_limited(self._http, url, max_bytes=ICAL_FILE_BYTES)
        if fetched.status != 200:
            raise InvalidCalendarFile(f"the URL answered HTTP {fetched.status}, not a calendar")
        return await self.from_bytes(fetched.content, actor=actor)

    async def from_bytes(self, data: bytes, *, actor: str) -> ImportReport:
        """Upsert every event of the file; a bad event is skipped with its reason."""
        if len(data) > ICAL_FILE_BYTES:
            raise InvalidCalendarFile(f"the file is over {ICAL_FILE_BYTES:,} bytes")
        # Parsing a large file takes a noticeable moment: keep it off the bot's event loop.
        parsed = await asyncio.to_thread(
            parse_ics, data, now=self._clock(), our_host=self._meta.host
        )
        results: Counter[str] = Counter()
        for event in parsed.events:
            results[await self._events.upsert(event, actor=actor)] += 1
        return ImportReport(
            results["added"], results["updated"], results["unchanged"], list(parsed.skipped)
        )
