"""iCalendar text for upstream-calendar tests and benchmarks: a publisher's file, built."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

__all__ = ["Entry", "calendar"]


@dataclass(frozen=True)
class Entry:
    """One VEVENT, in UTC; ``rrule`` makes it a series (e.g. ``FREQ=WEEKLY;COUNT=10``)."""

    uid: str
    start: datetime
    title: str = "Meeting"
    hours: float = 2
    location: str = ""
    description: str = ""
    status: str = ""
    rrule: str = ""
    url: str = ""

    def lines(self) -> list[str]:
        end = self.start + timedelta(hours=self.hours)
        lines = [
            "BEGIN:VEVENT",
            f"UID:{self.uid}",
            "DTSTAMP:20261201T000000Z",
            f"DTSTART:{_utc(self.start)}",
            f"DTEND:{_utc(end)}",
            f"SUMMARY:{self.title}",
        ]
        lines += [f"LOCATION:{self.location}"] if self.location else []
        lines += [f"DESCRIPTION:{self.description}"] if self.description else []
        lines += [f"STATUS:{self.status}"] if self.status else []
        lines += [f"RRULE:{self.rrule}"] if self.rrule else []
        lines += [f"URL:{self.url}"] if self.url else []
        return [*lines, "END:VEVENT"]


def calendar(entries: Iterable[Entry], *, name: str = "Summits") -> bytes:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//tests//upstream//EN"]
    lines.append(f"X-WR-CALNAME:{name}")
    for entry in entries:
        lines += entry.lines()
    lines.append("END:VCALENDAR")
    return ("\r\n".join(lines) + "\r\n").encode()


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
