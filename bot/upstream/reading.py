"""Reading a fetched upstream calendar in the shared parser worker, within a deadline.

icalendar is pure Python: 5,000 events take a second, and a hostile file (a series that
never ends, deep nesting) could take far longer, so the parse runs in the app's worker
pool (``SourceReader.run``), killed at :data:`~calendars.limits.UPSTREAM_PARSE_SECONDS`.
Obvious non-calendars are refused before that, with a status an admin can act on.
"""

from __future__ import annotations

import asyncio
import dataclasses
import pickle
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.news.reading import SourceReader
from calendars import limits
from calendars.errors import InvalidCalendarFile
from calendars.ical.importer import ImportReport, Skipped, parse_ics

__all__ = ["read_calendar"]

_EXAMPLE = "the calendar's .ics address (Google: Settings → Integrate calendar → iCal)"


async def read_calendar(
    reader: SourceReader,
    body: bytes,
    *,
    now: datetime,
    zone: str | None,
    our_host: str | None = None,
) -> ImportReport:
    """The calendar's events; raises :class:`InvalidCalendarFile` (or ``SourceTooCostly``)."""
    head = body[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"<"):  # a login page, an error page, an RSS feed: markup
        raise InvalidCalendarFile(
            "the address serves a web page or other markup (HTML or XML), not an "
            "iCalendar file; "
            "use the calendar's .ics link",
            example=_EXAMPLE,
        )
    outcome = await reader.run(
        _parse,
        body,
        now,
        zone,
        our_host,
        seconds=limits.UPSTREAM_PARSE_SECONDS,
        what="the calendar",
        why="too many or too complex events for one calendar",
    )
    if isinstance(outcome, _Packed):
        return await asyncio.to_thread(outcome.unpack)
    message, example = outcome
    raise InvalidCalendarFile(message, example=example)


@dataclass(frozen=True, slots=True)
class _Packed:
    """A report on its way back from the worker, each event pickled on its own.

    Unpickling 12,000 events in one ``pickle.loads`` holds the GIL for ~0.4 s, and the
    bot's loop with it; one small loads per event, in a thread, lets the loop run between.
    """

    rest: ImportReport
    events: tuple[bytes, ...]
    left_out: tuple[bytes, ...]

    @classmethod
    def pack(cls, report: ImportReport) -> _Packed:
        events = tuple(pickle.dumps(event) for event in report.events)
        left_out = tuple(pickle.dumps(event) for event in report.left_out)
        return cls(dataclasses.replace(report, events=(), left_out=()), events, left_out)

    def unpack(self) -> ImportReport:
        return dataclasses.replace(
            self.rest,
            events=tuple(pickle.loads(event) for event in self.events),
            left_out=tuple(pickle.loads(event) for event in self.left_out),
        )


def _parse(
    body: bytes, now: datetime, zone: str | None, our_host: str | None = None
) -> _Packed | tuple[str, str | None]:
    """In the worker: the report, or the refusal's message and example (an exception would
    lose its ``example`` on the way back). ``zone`` None: floating times are skipped."""
    options: dict[str, Any] = {"default_zone": zone}
    try:
        report = parse_ics(
            body,
            now=now,
            max_bytes=limits.UPSTREAM_ICAL_BYTES,
            max_events=limits.UPSTREAM_MAX_EVENTS,
            max_vevents=limits.UPSTREAM_MAX_VEVENTS,
            **options,
        )
    except InvalidCalendarFile as exc:
        return exc.message, exc.example
    return _Packed.pack(_without_ours(report, our_host))


def _without_ours(report: ImportReport, our_host: str | None) -> ImportReport:
    """Our own feed read back (UID ``<id>@<our host>``) would add a copy of each event,
    and the next poll copies of the copies (they are in our feed too): skipped, saying so."""
    if not our_host:
        return report
    suffix = "@" + our_host.lower()
    ours = {eid for eid, key in report.keys.items() if key.uid.lower().endswith(suffix)}
    if not ours:
        return report
    reason = f"it is one of this bot's own events (UID …{suffix}): not read back as a copy"
    skipped = [
        Skipped(f"{e.title[:60]!r} (UID {report.keys[e.id].uid[:60]})", reason)
        for e in report.events
        if e.id in ours
    ]
    return dataclasses.replace(
        report,
        events=tuple(e for e in report.events if e.id not in ours),
        skipped=(*report.skipped, *skipped),
        keys={eid: key for eid, key in report.keys.items() if eid not in ours},
    )
