"""Upstream calendars from the config file (``config/sources.toml`` by default)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from calendars.errors import ConfigError, InvalidInput
from calendars.events import normalise_tag
from calendars.time.zones import zone_or_none
from calendars.upstream.arguments import MAX_TOPICS
from calendars.urls import is_http_url

__all__ = ["DEFAULT_UPSTREAM_SOURCES", "ConfiguredUpstream", "load_upstream_sources"]

DEFAULT_UPSTREAM_SOURCES = Path(__file__).with_name("sources.toml")
_KEY = "SUMMITWATCH_SOURCES"


@dataclass(frozen=True, slots=True)
class ConfiguredUpstream:
    url: str
    name: str
    topics: tuple[str, ...]
    zone: str | None
    interval: timedelta | None
    enabled: bool


def load_upstream_sources(path: Path) -> list[ConfiguredUpstream]:
    """The calendars listed in ``path``; any problem is a ConfigError naming the entry."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(_KEY, f"cannot read {path}: {exc}") from exc
    return [_entry(raw, number, path) for number, raw in enumerate(data.get("source", []), 1)]


def _entry(raw: dict[str, object], number: int, path: Path) -> ConfiguredUpstream:
    where = f"source {number} in {path}"
    url, topics, zone = raw.get("url"), raw.get("topics", []), raw.get("tz")
    minutes = raw.get("interval_minutes")
    if not isinstance(url, str) or not is_http_url(url):
        raise ConfigError(_KEY, f"{where}: url must be an http(s) URL")
    if not isinstance(topics, list) or not all(isinstance(t, str) for t in topics):
        raise ConfigError(_KEY, f"{where}: topics must be a list of strings")
    if zone is not None and (not isinstance(zone, str) or zone_or_none(zone) is None):
        raise ConfigError(_KEY, f"{where}: tz must be an IANA zone name such as Asia/Kolkata")
    enabled, name = raw.get("enabled", False), raw.get("name", "")
    if not isinstance(enabled, bool):  # "false" in quotes would be true
        raise ConfigError(_KEY, f"{where}: enabled must be true or false (without quotes)")
    if not isinstance(name, str) or len(name) > 100:
        raise ConfigError(_KEY, f"{where}: name must be text of at most 100 characters")
    if minutes is not None and (not isinstance(minutes, int) or not 5 <= minutes <= 10080):
        raise ConfigError(_KEY, f"{where}: interval_minutes must be a whole number, 5-10080")
    try:
        tags = tuple(normalise_tag(t) for t in topics)
    except InvalidInput as exc:
        raise ConfigError(_KEY, f"{where}: {exc.message}") from exc
    if len(set(tags)) > MAX_TOPICS:
        raise ConfigError(_KEY, f"{where}: at most {MAX_TOPICS} topics (its events' tags)")
    return ConfiguredUpstream(
        url=url,
        name=name,
        topics=tags,
        zone=zone,
        interval=timedelta(minutes=minutes) if minutes else None,
        enabled=enabled,
    )
