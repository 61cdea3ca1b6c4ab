"""Importing .ics files (uploaded, or polled from upstream calendars): untrusted bytes.

Google, Outlook, Apple and Thunderbird each export differently (Windows zone names, custom
VTIMEZONEs, floating times, X-WR-TIMEZONE). Every VEVENT becomes an :class:`Event` or a
skipped entry that says why; one bad event, or one bad property, never spoils the file:
only a file that is not iCalendar at all is refused. A repeating event (RRULE, RDATE,
EXDATE, RECURRENCE-ID overrides) becomes its occurrences within a window around ``now``
(1 month back, 12 ahead by default; see ``recurrence``), capped per series and per file.

Ids are stable: a single event's comes from its UID alone, an occurrence's from its UID
and RECURRENCE-ID (its original start, which an override that moves it keeps), so
importing the same file again updates the same events instead of adding copies, and
importing our own feed gives back exactly the events it was written from.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from icalendar import Component

from calendars.errors import InvalidCalendarFile, InvalidEvent
from calendars.events import SLUG_RE, Event
from calendars.i18n import N_, _
from calendars.ical.moments import (
    FileContext,
    SkipEvent,
    event_end,
    gap_end,
    moment,
    placed,
    text_of,
)
from calendars.ical.reading import FileZones, parse_calendars, zone_for_tzid
from calendars.ical.recurrence import Allowance, Window, expand, series_of
from calendars.ical.roundtrip import ZONE_PROPERTY, split_description
from calendars.ical.selection import within_limit
from calendars.ical.vevent_text import clean, tags_of, title_and_status, urls_of
from calendars.limits import ICAL_FILE_BYTES
from calendars.text import clean_text

__all__ = ["ImportReport", "Skipped", "SourceKey", "parse_ics", "zone_for_tzid"]

# Worded where they are used (_(...)): an admin's import is worded in their language.
_NOT_ICS = N_("the file is not an iCalendar file (it should start with BEGIN:VCALENDAR)")
_EXAMPLE = N_("an .ics file exported from Google Calendar, Outlook or Apple Calendar")
_TWICE = N_("its UID appears twice in the file; the first was kept")


@dataclass(frozen=True, slots=True)
class Skipped:
    """An event left out: which one (title and UID) and why."""

    label: str
    reason: str

    def __str__(self) -> str:
        return f"{self.label}: {self.reason}"


@dataclass(frozen=True, slots=True)
class SourceKey:
    """Which entry of the file an event came from: what an upstream calendar keeps stable.

    ``recurrence_id`` is the occurrence's original start as iCalendar text (``20251201`` or
    ``20251201T090000Z``), None for an event that does not repeat. A VEVENT without a UID
    gets its import id here instead (from its title and start), so that two of them are
    two entries, not one.
    """

    uid: str
    recurrence_id: str | None = None


@dataclass(frozen=True, slots=True)
class ImportReport:
    """The events to import, why the others were left out, and which zone filled gaps.

    ``left_out`` are events that could be imported but are over the per-import limit;
    ``floating_zone`` is the zone used for times given without any (None when none were).
    """

    events: tuple[Event, ...]
    skipped: tuple[Skipped, ...] = ()
    limit: int = 500
    left_out: tuple[Event, ...] = ()
    floating_zone: str | None = None
    keys: Mapping[str, SourceKey] = field(default_factory=dict)  # event id -> file entry


def parse_ics(
    data: bytes,
    *,
    now: datetime,
    our_host: str | None = None,
    default_zone: str | None = "UTC",
    max_bytes: int = ICAL_FILE_BYTES,
    max_events: int = 500,
    max_vevents: int = 5000,
    months_back: int = 1,
    months_ahead: int = 12,
) -> ImportReport:
    """The events in an .ics file; raises :class:`InvalidCalendarFile` for the whole file.

    At most ``max_events`` are returned, occurrences of series counted one by one
    (upcoming first, see ``selection``); the file may hold up to ``max_vevents`` VEVENTs
    (a bound on parsing time) of which the rest are skipped with reasons or left out over
    the limit. ``default_zone`` reads times given in no zone (when the file names none);
    None skips such events saying how to name one. Series give their occurrences from
    ``months_back`` before ``now`` to ``months_ahead`` after.
    """
    if len(data) > max_bytes:
        raise InvalidCalendarFile(
            _(
                "the file is {size} bytes; the limit is {limit}",
                size=f"{len(data):,}",
                limit=f"{max_bytes:,}",
            ),
            example=_(_EXAMPLE),
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:  # older Outlook versions export in the Windows code page
        text = data.decode("cp1252", errors="replace")
    text = text.lstrip("\ufeff \t\r\n")
    if not text[:15].upper() == "BEGIN:VCALENDAR":
        raise InvalidCalendarFile(_(_NOT_ICS), example=_(_EXAMPLE))
    count = len(re.findall(r"^BEGIN:VEVENT\s*$", text, re.IGNORECASE | re.MULTILINE))
    if count > max_vevents:
        raise InvalidCalendarFile(
            _(
                "the file has {count} events; at most {limit} are read from one file: export "
                "a shorter date range, or split the file at an END:VEVENT line",
                count=f"{count:,}",
                limit=f"{max_vevents:,}",
            ),
            example=_(_EXAMPLE),
        )
    files: list[FileContext] = []
    vevents: list[tuple[Component, FileContext]] = []
    for cal in _parsed(text):
        value = text_of(cal, "X-WR-TIMEZONE")
        read = FileContext(
            zone_for_tzid(value) if value else None, default_zone, FileZones(cal), our_host
        )
        files.append(read)
        vevents += [(vevent, read) for vevent in cal.subcomponents if vevent.name == "VEVENT"]
    if not vevents:
        raise InvalidCalendarFile(_("the file has no events (no VEVENT)"), example=_(_EXAMPLE))
    window = Window.around(now, months_back=months_back, months_ahead=months_ahead)
    series = series_of(vevents)
    allowance = Allowance()
    events: dict[str, Event] = {}
    keys: dict[str, SourceKey] = {}
    skipped: list[Skipped] = []
    mastered: set[int] = set()  # series whose master VEVENT was seen
    for number, (vevent, read) in enumerate(vevents, 1):
        label = _label(vevent, number)
        group = series.get(id(vevent))
        if group is not None:
            if "RECURRENCE-ID" not in vevent:  # a series has one master; the first is read
                if id(group) in mastered:
                    skipped.append(Skipped(label, _(_TWICE)))
                mastered.add(id(group))
            if group[0] is vevent:  # a series is read once, at its first VEVENT
                found = _occurrences(group, read, label, window, allowance, now=now)
                for event, key in found[0]:
                    events.setdefault(event.id, event)
                    keys.setdefault(event.id, key)
                skipped += found[1]
            continue
        try:
            event = _event(vevent, read, now=now)
        except _SKIPS as exc:
            skipped.append(Skipped(label, _reason(exc)))
        else:
            if event.id in events:
                skipped.append(Skipped(label, _(_TWICE)))
            else:
                events[event.id] = event
                keys[event.id] = SourceKey(text_of(vevent, "UID").strip() or event.id)
    in_series = {eid: key.uid or eid for eid, key in keys.items() if key.recurrence_id}
    kept, left_out = within_limit(
        tuple(events.values()), now=now, limit=max_events, series=in_series
    )
    used_default = any(read.used_default for read in files)
    return ImportReport(
        events=kept,
        skipped=tuple(skipped),
        limit=max_events,
        left_out=left_out,
        floating_zone=default_zone if used_default else None,
        keys={event.id: keys[event.id] for event in kept},
    )


# What one event's odd values raise; never the whole file's failure.
_SKIPS: tuple[type[Exception], ...] = (SkipEvent, InvalidEvent, ArithmeticError, ValueError)
_SKIPS += (TypeError, LookupError, AttributeError)


def _reason(exc: BaseException) -> str:
    """Why an event was skipped, from what stopped it."""
    if isinstance(exc, SkipEvent | InvalidEvent):
        return str(exc)
    if isinstance(exc, ArithmeticError):  # a DURATION of a million days, say
        return _("its times are out of range")
    return _("it could not be read ({why})", why=_short(exc))  # odd values


def _occurrences(
    group: list[Component],
    read: FileContext,
    label: str,
    window: Window,
    allowance: Allowance,
    *,
    now: datetime,
) -> tuple[list[tuple[Event, SourceKey]], list[Skipped]]:
    """One series as events with their keys, and what was skipped or cut, and why."""
    uid = text_of(group[0], "UID").strip()
    entry = uid or _occurrence_id(group[0], uid, "")  # without a UID: one key per title
    try:
        expanded = expand(group, read, window, allowance)
    except _SKIPS as exc:
        return [], [Skipped(label, _reason(exc))]
    found: list[tuple[Event, SourceKey]] = []
    skipped = [Skipped(label, expanded.trimmed)] if expanded.trimmed else []
    if not expanded.occurrences and not expanded.trimmed:
        when = f"{window.start:%Y-%m-%d} to {window.end:%Y-%m-%d}"
        skipped.append(
            Skipped(label, _("it does not occur within the import window ({when})", when=when))
        )
    made: dict[int, Event | None] = {}  # by source VEVENT: its fields, read once
    for occurrence in expanded.occurrences:
        rid, source = occurrence.recurrence_id, occurrence.source
        try:
            if id(source) not in made:
                made[id(source)] = None
                made[id(source)] = _event(source, read, now=now, occurrence=(uid, rid))
            template = made[id(source)]
            if template is None:
                continue  # skipped once, with the reason, for all of its occurrences
            ours = _ours(source)
            start, zone = placed(occurrence.start, read, ours)
            event = replace(
                template,
                id=_occurrence_id(source, uid, rid),
                start=start,
                end=gap_end(
                    start, placed(occurrence.end, read, ours)[0], occurrence.start, occurrence.end
                ),
                timezone=ours or zone,
            )
        except _SKIPS as exc:
            skipped.append(Skipped(f"{label} on {rid}", _reason(exc)))
        else:
            found.append((event, SourceKey(entry, rid)))
    return found, skipped


def _short(exc: BaseException) -> str:
    return " ".join(clean_text(str(exc)).split())[:120]


def _parsed(text: str) -> list[Component]:
    try:
        calendars = parse_calendars(text)
    except Exception as exc:  # the parser raises assorted errors on malformed files
        raise InvalidCalendarFile(
            _("the file could not be read as iCalendar: {why}", why=_short(exc)),
            example=_(_EXAMPLE),
        ) from exc
    if not calendars:
        raise InvalidCalendarFile(
            _("the file is incomplete: END:VCALENDAR is missing"), example=_(_EXAMPLE)
        )
    if any(cal.name != "VCALENDAR" for cal in calendars):
        raise InvalidCalendarFile(_(_NOT_ICS), example=_(_EXAMPLE))
    return calendars


def _label(vevent: Component, number: int) -> str:
    title = " ".join(clean_text(text_of(vevent, "SUMMARY")).split())
    uid = " ".join(clean_text(text_of(vevent, "UID")).split())
    name = repr(title[:60]) if title else f"event #{number} (no title)"
    return f"{name} (UID {uid[:60]})" if uid else name


def _event(
    vevent: Component,
    read: FileContext,
    *,
    now: datetime,
    occurrence: tuple[str, str] | None = None,  # (UID, RECURRENCE-ID) of a series' one
) -> Event:
    title, status = title_and_status(vevent)
    if not title:
        raise SkipEvent("it has no title (SUMMARY)")
    ours = _ours(vevent)
    start, zone = moment(vevent, "DTSTART", read, ours)
    description, listed = split_description(text_of(vevent, "DESCRIPTION"))
    if occurrence is not None:
        event_id = _occurrence_id(vevent, *occurrence)
    else:
        event_id = _event_id(vevent, start, read.our_host)
    return Event(
        id=event_id,
        title=title,
        start=start,
        end=event_end(vevent, start, read, ours),
        timezone=ours or zone,
        location=clean(text_of(vevent, "LOCATION"), "location"),
        description=clean(description, "description"),
        tags=tags_of(vevent),
        urls=urls_of([text_of(vevent, "URL"), *listed], read.our_host),
        status=status,
        created=now,
        updated=now,
    )


def _ours(vevent: Component) -> str | None:
    """The zone our own feed names for an event (where its all-day dates begin)."""
    return zone_for_tzid(text_of(vevent, ZONE_PROPERTY)) if ZONE_PROPERTY in vevent else None


def _event_id(vevent: Component, start: date | datetime, our_host: str | None) -> str:
    uid = text_of(vevent, "UID").strip()
    if our_host and uid.lower().endswith("@" + our_host.lower()):
        slug = uid[: -len(our_host) - 1]
        if SLUG_RE.match(slug):
            return slug  # one of ours: keep its id, so the import updates it
    if not uid:  # RFC 5545 requires a UID; without one, the same file still gives the same id
        uid = f"{text_of(vevent, 'SUMMARY')}|{start.isoformat()}"
    return "ics-" + hashlib.sha256(uid.encode("utf-8", "replace")).hexdigest()[:16]


def _occurrence_id(vevent: Component, uid: str, recurrence_id: str) -> str:
    """One occurrence's id: the same for the same UID and original start, in every import."""
    if not uid:
        uid = f"{text_of(vevent, 'SUMMARY')}|"
    key = f"{uid}\n{recurrence_id}"
    return "ics-" + hashlib.sha256(key.encode("utf-8", "replace")).hexdigest()[:16]
