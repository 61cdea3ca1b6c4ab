"""Importing .ics files that admins upload: other people's calendars, so untrusted bytes.

Google, Outlook, Apple and Thunderbird each export differently (Windows zone names,
floating times, X-WR-TIMEZONE). Every VEVENT becomes an :class:`Event` or a skipped entry
that says why; one bad event never spoils the file. Ids come from the UID alone, so
importing the same file again updates the same events instead of adding copies.
"""

from __future__ import annotations

import hashlib
import re
import warnings
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from icalendar import Calendar, Component
from icalendar.prop import vBroken
from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON

from calendars.errors import InvalidCalendarFile, InvalidEvent
from calendars.events import SLUG_RE, Event, Status, normalise_tag
from calendars.ical.render import STATUS_PROPERTY
from calendars.limits import ICAL_FILE_BYTES
from calendars.time.when import EARLIEST_YEAR, LATEST_YEAR
from calendars.time.zones import zone_or_none
from calendars.urls import is_http_url

__all__ = ["ImportReport", "parse_ics", "zone_for_tzid"]

_NOT_ICS = "the file is not an iCalendar file (it should start with BEGIN:VCALENDAR)"
_EXAMPLE = "an .ics file exported from Google Calendar, Outlook or Apple Calendar"
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_LIMITS = {"title": 200, "location": 300, "description": 4000}  # as calendars.events
_STATUSES = {"TENTATIVE": Status.ANNOUNCED, "CONFIRMED": Status.CONFIRMED}
_STATUSES |= {"CANCELLED": Status.CANCELLED}
# The title prefixes our own feed writes (calendars.ical.render.SUMMARY_PREFIX).
_PREFIXES = {"[postponed]": Status.POSTPONED, "[rumoured]": Status.RUMOURED}
# CLDR's Windows mapping still names a few zones by their pre-rename links.
_RENAMED = {
    "Asia/Calcutta": "Asia/Kolkata",
    "Asia/Katmandu": "Asia/Kathmandu",
    "Asia/Rangoon": "Asia/Yangon",
    "Asia/Saigon": "Asia/Ho_Chi_Minh",
    "America/Buenos_Aires": "America/Argentina/Buenos_Aires",
    "America/Godthab": "America/Nuuk",
    "America/Indianapolis": "America/Indiana/Indianapolis",
    "Europe/Kiev": "Europe/Kyiv",
    "Etc/UTC": "UTC",
    "Etc/GMT": "UTC",
}


@dataclass(frozen=True, slots=True)
class ImportReport:
    """The events read from a file, and why each of the others was left out."""

    events: tuple[Event, ...]
    skipped: tuple[str, ...]


class _Skip(Exception):
    """One VEVENT cannot be imported; the message says why."""


def zone_for_tzid(tzid: str) -> str | None:
    """The IANA zone a calendar's TZID means: IANA names, Windows names, ``/vendor/Area/City``."""
    cleaned = tzid.strip().strip('"').strip("/")
    candidates = [cleaned, WINDOWS_TO_OLSON.get(cleaned, "")]
    if tzid.strip().startswith("/"):  # RFC 5545 "globally unique" ids: try the tails
        parts = cleaned.split("/")
        candidates += ["/".join(parts[i:]) for i in range(1, len(parts))]
    for candidate in candidates:
        zone = zone_or_none(candidate) if candidate else None
        if zone is not None:
            return _RENAMED.get(zone.key, zone.key)
    return None


def parse_ics(
    data: bytes,
    *,
    now: datetime,
    our_host: str | None = None,
    max_bytes: int = ICAL_FILE_BYTES,
    max_events: int = 500,
) -> ImportReport:
    """The events in an .ics file; raises :class:`InvalidCalendarFile` for the whole file."""
    if len(data) > max_bytes:
        raise InvalidCalendarFile(
            f"the file is {len(data):,} bytes; the limit is {max_bytes:,}", example=_EXAMPLE
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:  # older Outlook versions export in the Windows code page
        text = data.decode("cp1252", errors="replace")
    text = text.lstrip("\ufeff \t\r\n")
    if not text[:15].upper() == "BEGIN:VCALENDAR":
        raise InvalidCalendarFile(_NOT_ICS, example=_EXAMPLE)
    if len(re.findall(r"^BEGIN:VEVENT\s*$", text, re.IGNORECASE | re.MULTILINE)) > max_events:
        raise InvalidCalendarFile(_too_many(max_events), example=_EXAMPLE)
    vevents = [
        (vevent, _calendar_zone(cal))
        for cal in _parsed(text)
        for vevent in cal.subcomponents
        if vevent.name == "VEVENT"
    ]
    if not vevents:
        raise InvalidCalendarFile("the file has no events (no VEVENT)", example=_EXAMPLE)
    if len(vevents) > max_events:
        raise InvalidCalendarFile(_too_many(max_events), example=_EXAMPLE)
    events: dict[str, Event] = {}
    skipped: list[str] = []
    for number, (vevent, cal_zone) in enumerate(vevents, 1):
        label = _label(vevent, number)
        try:
            event = _event(vevent, cal_zone, now=now, our_host=our_host)
        except (_Skip, InvalidEvent) as exc:
            skipped.append(f"{label}: {exc}")
        except OverflowError:  # a DURATION of a million days, say
            skipped.append(f"{label}: its times are out of range")
        else:
            if event.id in events:
                skipped.append(f"{label}: its UID appears twice in the file; the first was kept")
            else:
                events[event.id] = event
    return ImportReport(events=tuple(events.values()), skipped=tuple(skipped))


def _too_many(max_events: int) -> str:
    return f"the file has more than {max_events} events; import at most {max_events} at once"


def _parsed(text: str) -> list[Component]:
    try:
        # icalendar warns when it guesses a zone; we read TZIDs ourselves (zone_for_tzid).
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            calendars = Calendar.from_ical(text, multiple=True)
    except Exception as exc:  # the parser raises assorted errors on malformed files
        reason = " ".join(_CONTROL_RE.sub("", str(exc)).split())[:120]
        raise InvalidCalendarFile(
            f"the file could not be read as iCalendar: {reason}", example=_EXAMPLE
        ) from exc
    if not calendars:
        raise InvalidCalendarFile(
            "the file is incomplete: END:VCALENDAR is missing", example=_EXAMPLE
        )
    if any(cal.name != "VCALENDAR" for cal in calendars):
        raise InvalidCalendarFile(_NOT_ICS, example=_EXAMPLE)
    return list(calendars)


def _calendar_zone(cal: Component) -> str | None:
    """X-WR-TIMEZONE: where Google and Apple say floating times and all-day dates are."""
    value = _text(cal, "X-WR-TIMEZONE")
    return zone_for_tzid(value) if value else None


def _label(vevent: Component, number: int) -> str:
    title = " ".join(_text(vevent, "SUMMARY").split())
    uid = " ".join(_text(vevent, "UID").split())
    name = repr(title[:60]) if title else f"event #{number} (no title)"
    return f"{name} (UID {uid[:60]})" if uid else name


def _text(component: Component, name: str) -> str:
    """A property as plain text: the first when repeated, "" when missing or unreadable."""
    value = component.get(name)
    if isinstance(value, list):
        value = value[0] if value else None
    if value is None or isinstance(value, vBroken):
        return ""
    return str(value)


def _clean(value: str, field: str) -> str:
    """Text as Event accepts it: no control characters, cut (not refused) at its limit."""
    value = _CONTROL_RE.sub("", value.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " "))
    limit = _LIMITS[field]
    return value if len(value) <= limit else value[: limit - 1].rstrip() + "…"


def _event(
    vevent: Component, cal_zone: str | None, *, now: datetime, our_host: str | None
) -> Event:
    if "RRULE" in vevent or "RDATE" in vevent:
        raise _Skip("recurring events are not imported")
    if "RECURRENCE-ID" in vevent:
        raise _Skip("changed occurrences of recurring events are not imported")
    title, status = _title_and_status(vevent)
    if not title:
        raise _Skip("it has no title (SUMMARY)")
    start, zone = _moment(vevent, "DTSTART", cal_zone)
    return Event(
        id=_event_id(vevent, start, our_host),
        title=title,
        start=start,
        end=_end(vevent, start, cal_zone),
        timezone=zone,
        location=_clean(_text(vevent, "LOCATION"), "location"),
        description=_clean(_text(vevent, "DESCRIPTION"), "description"),
        tags=_tags(vevent),
        urls=_urls(vevent, our_host),
        status=status,
        created=now,
        updated=now,
    )


def _title_and_status(vevent: Component) -> tuple[str, Status]:
    """The title without a status prefix, and the status: ours exactly when the file says
    it (X-SUMMITWATCH-STATUS), else STATUS, refined by a ``[Postponed]`` title prefix."""
    title = _clean(_text(vevent, "SUMMARY"), "title").strip()
    status = _STATUSES.get(_text(vevent, "STATUS").strip().upper(), Status.CONFIRMED)
    head, _space, rest = title.partition(" ")
    prefixed = _PREFIXES.get(head.lower())
    if prefixed is not None and rest.strip():
        title = rest.strip()
        if status is Status.ANNOUNCED:
            status = prefixed
    try:
        exact = Status.parse(_text(vevent, STATUS_PROPERTY)) if STATUS_PROPERTY in vevent else None
    except ValueError:
        exact = None
    return title, exact or status


def _moment(vevent: Component, name: str, cal_zone: str | None) -> tuple[date | datetime, str]:
    """A DTSTART/DTEND value and the IANA zone it is in (all-day dates: the calendar's)."""
    prop = vevent.get(name)
    if isinstance(prop, list):
        raise _Skip(f"it has more than one {name}")
    if prop is None:
        raise _Skip(f"it has no {'start' if name == 'DTSTART' else 'end'} ({name})")
    if isinstance(prop, vBroken) or not isinstance(getattr(prop, "dt", None), date):
        raise _Skip(f"its {name} could not be read")
    value: date = prop.dt
    if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise _Skip(f"its {name} is outside the years {EARLIEST_YEAR}-{LATEST_YEAR}")
    if not isinstance(value, datetime):
        return value, cal_zone or "UTC"
    tzid = str(prop.params.get("TZID", "")).strip()
    if tzid:
        zone = zone_for_tzid(tzid) or cal_zone
        if zone is None:
            raise _Skip(f"its time zone {tzid[:60]!r} is not one we know")
    elif value.tzinfo is not None:  # a UTC time, written with Z
        return value.astimezone(UTC), "UTC"
    else:  # floating: "the same wall time everywhere"; the calendar's zone is the best guess
        zone = cal_zone or "UTC"
    # The wall time in the named zone: icalendar may have attached a zone from the file's
    # VTIMEZONE, cached under that TZID by an earlier file.
    return value.replace(tzinfo=ZoneInfo(zone), fold=0), zone


def _end(vevent: Component, start: date | datetime, cal_zone: str | None) -> date | datetime:
    """DTEND, else start + DURATION, else one day (dates) or one hour (times)."""
    if "DTEND" in vevent:
        return _moment(vevent, "DTEND", cal_zone)[0]
    duration = getattr(vevent.get("DURATION"), "dt", None)
    if not isinstance(start, datetime):
        days = duration.days if isinstance(duration, timedelta) else 1
        return start + timedelta(days=days)
    if not isinstance(duration, timedelta):
        duration = timedelta(hours=1)
    # Days are calendar days (wall clock); hours are exact (RFC 5545 §3.3.6).
    wall = start + timedelta(days=duration.days)
    return wall.astimezone(UTC) + (duration - timedelta(days=duration.days))


def _event_id(vevent: Component, start: date | datetime, our_host: str | None) -> str:
    uid = _text(vevent, "UID").strip()
    if our_host and uid.lower().endswith("@" + our_host.lower()):
        slug = uid[: -len(our_host) - 1]
        if SLUG_RE.match(slug):
            return slug  # one of ours: keep its id, so the import updates it
    if not uid:  # RFC 5545 requires a UID; without one, the same file still gives the same id
        uid = f"{_text(vevent, 'SUMMARY')}|{start.isoformat()}"
    return "ics-" + hashlib.sha256(uid.encode("utf-8", "replace")).hexdigest()[:16]


def _tags(vevent: Component) -> tuple[str, ...]:
    """CATEGORIES as tags; names that cannot be tags are dropped, not refused."""
    props: Any = vevent.get("CATEGORIES", [])
    tags: dict[str, None] = {}
    for prop in props if isinstance(props, list) else [props]:
        for category in getattr(prop, "cats", ()):
            try:
                tags[normalise_tag("-".join(str(category).split()))] = None
            except InvalidEvent:
                continue
    return tuple(tags)[:20]


def _urls(vevent: Component, our_host: str | None) -> tuple[str, ...]:
    """URL when it is an http(s) address elsewhere (our own feed links back to itself)."""
    url = _text(vevent, "URL").strip()
    if not is_http_url(url):
        return ()
    if our_host and (urlsplit(url).hostname or "").lower() == our_host.lower():
        return ()
    return (url,)
