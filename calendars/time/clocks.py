"""One line of clocks for when an event starts: the reader's, the venue's and UTC.

Every message shows times the same way, by one rule:

1. The reader's clock first, with the date (and year) and, for a timed event, the end:
   ``Thu 4 Dec 2026, 07:30–09:30 MSK``. People act on their own clock, and the date they
   read first is theirs.
2. Then the venue's clock, with its place: ``10:00 IST (Kolkata)``.
3. Then UTC, the clock everybody can convert from: ``04:30 UTC``.

A clock that shows the same time as one before it (same offset at that moment) is left out,
so a reader at the venue or in UTC sees two clocks, not three. A date holds until the next
one: a later clock shows its date only when its day is not the date said before it
(``Thu 3 Dec 2026, 17:30 SST · Fri 4 Dec, 10:00 IST (Kolkata) · 04:30 UTC``). When a later
clock's abbreviation is already taken by another offset (IST is India and Ireland), it is
shown as a number (``UTC+05:30``) instead.

All-day events are dates at the venue, so the line says so and adds when the first day
begins on the reader's clock and in UTC:
``Thu 4 – Fri 5 Dec 2026, all day in Kolkata · from Wed 3 Dec, 21:30 MSK · 18:30 UTC``.

The line is one line of at most ``MAX_LINE`` characters: when the full form is longer,
the end time is left out, then the place name.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from calendars.events import Event
from calendars.i18n import DEFAULT_LANGUAGE, gettext_in
from calendars.time.language import hours_minutes, weekday_and_day
from calendars.time.timefmt import format_day, place_name, undated_when
from calendars.time.zones import format_offset, zone_label, zone_or_none

__all__ = ["MAX_LINE", "event_clocks", "format_days", "three_clocks"]

MAX_LINE = 120
_UTC = ZoneInfo("UTC")
_SEPARATOR = " · "


@dataclass(frozen=True, slots=True)
class _Clock:
    local: datetime
    label: str
    place: str | None


def _zone(name: str) -> ZoneInfo:
    return zone_or_none(name) or _UTC  # never None: that would be the server's own zone


def _place(zone: ZoneInfo) -> str | None:
    """``Kolkata`` for Asia/Kolkata; None for names that are not places (UTC, Etc/GMT-5)."""
    key = zone.key
    return place_name(key) if "/" in key and not key.startswith("Etc/") else None


def _pick(
    moment: datetime,
    zones: Sequence[tuple[ZoneInfo, bool]],
    *,
    shown: set[timedelta],
    labels: set[str],
) -> list[_Clock]:
    """Clocks for ``moment`` in ``zones`` (with the place name when flagged), skipping an
    offset already ``shown`` and relabelling an abbreviation already in ``labels``."""
    clocks = []
    for zone, with_place in zones:
        local = moment.astimezone(zone)
        offset = local.utcoffset() or timedelta()
        if offset in shown:
            continue
        shown.add(offset)
        label = zone_label(local)
        if label in labels:
            label = format_offset(offset)
        labels.add(label)
        clocks.append(_Clock(local, label, _place(zone) if with_place else None))
    return clocks


def _render(clocks: Sequence[_Clock], day: date, lang: str) -> list[str]:
    """Each clock; a date holds until the next one, so a clock shows its date only when
    it is not the date before it (``day`` is the one the line has just said)."""
    texts = []
    for clock in clocks:
        text = f"{hours_minutes(clock.local, lang)} {clock.label}"
        if clock.local.date() != day:
            shown = format_day(clock.local.date(), year=clock.local.year != day.year, lang=lang)
            text, day = f"{shown}, {text}", clock.local.date()
        texts.append(f"{text} ({clock.place})" if clock.place else text)
    return texts


def format_days(first: date, last: date, lang: str = DEFAULT_LANGUAGE) -> str:
    """``Thu 4 Dec 2026``, ``Thu 4 – Fri 5 Dec 2026``, ``Wed 31 Dec 2025 – Thu 1 Jan 2026``."""
    if first >= last:
        return format_day(first, lang=lang)
    if first.year != last.year:
        return f"{format_day(first, lang=lang)} – {format_day(last, lang=lang)}"
    if first.month != last.month:
        return f"{format_day(first, year=False, lang=lang)} – {format_day(last, lang=lang)}"
    return f"{weekday_and_day(first, lang)} – {format_day(last, lang=lang)}"


def _reader_part(
    start: _Clock, end: datetime | None, labels: set[str], lang: str
) -> tuple[str, date]:
    """``Thu 4 Dec 2026, 07:30–09:30 MSK`` (the end in the reader's zone when given), and
    the last date it says."""
    day, said = format_day(start.local.date(), lang=lang), start.local.date()
    hm = hours_minutes(start.local, lang)
    # In UTC: within one zone, Python compares wall clocks and ignores ``fold`` (PEP 495).
    if end is None or end.astimezone(UTC) <= start.local.astimezone(UTC):
        return f"{day}, {hm} {start.label}", said
    local_end = end.astimezone(start.local.tzinfo)
    end_label = zone_label(local_end)
    if local_end.utcoffset() == start.local.utcoffset():
        end_label = start.label
    elif end_label in labels - {start.label}:
        end_label = format_offset(local_end.utcoffset() or timedelta())
    labels.add(end_label)
    end_hm = hours_minutes(local_end, lang)
    if local_end.date() != start.local.date():
        end_year = local_end.year != start.local.year
        end_day = format_day(local_end.date(), year=end_year, lang=lang)
        starts = hm + (f" {start.label}" if end_label != start.label else "")
        return f"{day}, {starts} – {end_day}, {end_hm} {end_label}", local_end.date()
    if end_label != start.label:
        return f"{day}, {hm} {start.label} – {end_hm} {end_label}", said
    return f"{day}, {hm}–{end_hm} {start.label}", said


def _timed(
    start: datetime,
    end: datetime | None,
    reader: ZoneInfo,
    venue: ZoneInfo,
    *,
    full: int,
    lang: str,
) -> str:
    moment = start.astimezone(UTC)
    labels: set[str] = set()
    first, *others = _pick(
        moment, [(reader, False), (venue, full > 0), (_UTC, False)], shown=set(), labels=labels
    )
    head, said = _reader_part(first, end if full > 1 else None, labels, lang)
    # The later clocks' labels are chosen first: an end label repeating one of them with
    # another offset is made numeric, so each label names one offset.
    return _SEPARATOR.join([head, *_render(others, said, lang)])


def _all_day(
    first: date, last: date, venue: ZoneInfo, reader: ZoneInfo, *, full: int, lang: str
) -> str:
    midnight = datetime.combine(first, datetime.min.time(), tzinfo=venue)
    moment = midnight.astimezone(UTC)
    offset = midnight.utcoffset() or timedelta()
    venue_label = zone_label(midnight)
    where = _place(venue) if full > 0 else None
    what = (
        gettext_in(lang, "all day in {place}", place=where)
        if where
        else gettext_in(lang, "all day ({zone})", zone=venue_label)
    )
    labels = set() if where else {venue_label}  # the venue's abbreviation, when it is shown
    clocks = _pick(moment, [(reader, False), (_UTC, False)], shown={offset}, labels=labels)
    parts = [f"{format_days(first, last, lang)}, {what}"]
    if clocks:
        later = _SEPARATOR.join(_render(clocks, first, lang))
        parts.append(gettext_in(lang, "from {clocks}", clocks=later))
    return _SEPARATOR.join(parts)


def three_clocks(
    start: date | datetime,
    *,
    reader_zone: str,
    venue_zone: str,
    end: date | datetime | None = None,
    lang: str = DEFAULT_LANGUAGE,
) -> str:
    """The start on the reader's clock, the venue's and UTC's, as one line (see above).

    ``start`` is an aware datetime for a timed event, a date for an all-day one (its days
    begin at midnight in ``venue_zone``); ``end`` is exclusive, as in iCalendar. Unknown
    zone names are read as UTC.
    """
    reader, venue = _zone(reader_zone), _zone(venue_zone)
    line = ""
    for full in (2, 1, 0):  # everything; without the end time; without the place name too
        if isinstance(start, datetime):
            timed_end = end if isinstance(end, datetime) else None
            if any(t is not None and t.utcoffset() is None for t in (start, timed_end)):
                raise ValueError("an event's start and end must carry a time zone")
            line = _timed(start, timed_end, reader, venue, full=full, lang=lang)
        else:
            dates_end = end if isinstance(end, date) and not isinstance(end, datetime) else None
            last = dates_end - timedelta(days=1) if dates_end and dates_end > start else start
            line = _all_day(start, last, venue, reader, full=full, lang=lang)
        if len(line) <= MAX_LINE:
            break
    return line


def event_clocks(event: Event, reader_zone: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """The clocks line for ``event``, read in ``reader_zone``; for an event known only to
    its month or year, that period "(date to be announced)": no clock applies to it."""
    if (undated := undated_when(event, lang)) is not None:
        return undated
    return three_clocks(
        event.start, end=event.end, reader_zone=reader_zone, venue_zone=event.timezone, lang=lang
    )
