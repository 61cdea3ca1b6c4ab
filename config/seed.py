"""Seed events: the TOML file shipped in ``config/`` (or an operator's own), read into events.

Format (one ``[[event]]`` table per event):

    [[event]]
    id = "sco-tianjin-2025"          # slug: lower-case letters, digits, dashes
    title = "SCO Summit 2025"
    start = 2025-08-31               # a date: all-day; a local date-time: timed
    end = 2025-09-01                 # all-day: the LAST day (inclusive); timed: the end time
    timezone = "Asia/Shanghai"       # IANA zone of the venue
    location = "Tianjin, China"
    tags = ["sco"]
    keywords = ["SCO", "Tianjin"]
    urls = ["https://eng.sectsco.org/"]
    status = "confirmed"   # rumoured | announced | confirmed | postponed | cancelled
    description = "..."

    [event.translations.hi]          # optional, per language (hi, mr, ru): what readers
    title = "एससीओ शिखर सम्मेलन 2025"   # of that language see instead of the original
    location = "तियानजिन, चीन"           # (title, location, description)

Timed values are local date-times (``2026-12-04T10:00:00``) in ``timezone``; a TOML
date-time with an offset is refused, since the zone name is what keeps DST right. Clock
changes follow the rule of ``/addevent`` (calendars/time/wallclock.py): a time skipped when
clocks jump forward is refused, naming the file and the event; a time that happens twice
when clocks go back means its first pass (summer time).
"""

from __future__ import annotations

import tomllib
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from calendars.errors import ConfigError, InvalidInput, InvalidWhen
from calendars.events import EARLIEST_YEAR, LATEST_YEAR, Event
from calendars.time.wallclock import wall_time
from calendars.time.zones import zone_or_none
from calendars.translations import Translations

__all__ = ["DEFAULT_SEED", "load_seed", "parse_seed"]

DEFAULT_SEED = Path(__file__).with_name("events.toml")
_KEY = "SUMMITWATCH_SEED"
_FIELDS = {"id", "title", "start", "end", "timezone", "location", "description"}
_FIELDS |= {"tags", "keywords", "urls", "status", "translations"}


def _when(value: object, zone_name: str, *, field: str, event_id: str) -> date | datetime:
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            raise ConfigError(
                _KEY, f"event {event_id}: {field} must be a local time, not an offset"
            )
        zone = zone_or_none(zone_name)
        if zone is None:
            raise ConfigError(_KEY, f"event {event_id}: unknown time zone {zone_name!r}")
        if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
            return value.replace(tzinfo=zone)  # refused by Event, before zone maths overflows
        try:
            return wall_time(value.date(), value.time(), zone)
        except InvalidWhen as exc:
            raise ConfigError(_KEY, f"event {event_id}: {field} {exc.message}") from exc
    if isinstance(value, date):
        return value
    if isinstance(value, time):
        raise ConfigError(_KEY, f"event {event_id}: {field} needs a date")
    raise ConfigError(_KEY, f"event {event_id}: {field} must be a TOML date or date-time")


def _event(raw: dict[str, Any], now: datetime) -> Event:
    event_id = str(raw.get("id", "?"))
    unknown = sorted(set(raw) - _FIELDS)
    if unknown:
        raise ConfigError(_KEY, f"event {event_id}: unknown fields {', '.join(unknown)}")
    zone = str(raw.get("timezone", "UTC"))
    start = _when(raw.get("start"), zone, field="start", event_id=event_id)
    end = _when(raw.get("end", raw.get("start")), zone, field="end", event_id=event_id)
    if not isinstance(end, datetime):
        end = end + timedelta(days=1)  # people write the last day; iCal wants the day after
    fields: dict[str, Any] = {k: v for k, v in raw.items() if k not in ("start", "end")}
    for name in ("tags", "keywords", "urls"):
        values = raw.get(name, [])
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise ConfigError(_KEY, f"event {event_id}: {name} must be a list of strings")
        fields[name] = tuple(values)
    try:
        fields["translations"] = Translations.from_mapping(raw.get("translations"))
        return Event(**fields, start=start, end=end, created=now, updated=now)
    except InvalidInput as exc:
        raise ConfigError(_KEY, f"event {event_id}: {exc.message}") from exc
    except TypeError as exc:
        raise ConfigError(_KEY, f"event {event_id}: {exc}") from exc


def parse_seed(text: str, *, now: datetime | None = None) -> list[Event]:
    """Events from seed TOML text; any problem is a ConfigError naming the event."""
    now = now or datetime.now(UTC)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(_KEY, f"not valid TOML: {exc}") from exc
    events = [_event(raw, now) for raw in data.get("event", [])]
    ids = [e.id for e in events]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise ConfigError(_KEY, f"duplicate event ids: {', '.join(duplicates)}")
    return events


def load_seed(path: Path, *, now: datetime | None = None) -> list[Event]:
    """Events from the seed file at ``path``; errors name the file as well as the event."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(_KEY, f"cannot read {path}: {exc}") from exc
    try:
        return parse_seed(text, now=now)
    except ConfigError as exc:
        problem = str(exc).removeprefix(f"{_KEY}: ")
        raise ConfigError(_KEY, f"{path}: {problem}") from exc
