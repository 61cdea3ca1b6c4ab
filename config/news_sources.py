"""News sources from the config file (``config/feeds.toml`` by default)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from calendars.errors import ConfigError, InvalidInput
from calendars.events import normalise_tag
from calendars.urls import is_http_url

__all__ = ["DEFAULT_NEWS_SOURCES", "ConfiguredSource", "load_news_sources"]

DEFAULT_NEWS_SOURCES = Path(__file__).with_name("feeds.toml")
_KEY = "SUMMITWATCH_FEEDS"


@dataclass(frozen=True, slots=True)
class ConfiguredSource:
    url: str
    title: str
    tags: tuple[str, ...]
    enabled: bool


def load_news_sources(path: Path) -> list[ConfiguredSource]:
    """The news sources listed in ``path``; any problem is a ConfigError naming the entry."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(_KEY, f"cannot read {path}: {exc}") from exc
    sources = []
    for number, raw in enumerate(data.get("feed", []), start=1):
        url, tags = raw.get("url"), raw.get("tags", [])
        if not isinstance(url, str) or not is_http_url(url):
            raise ConfigError(_KEY, f"feed {number} in {path}: url must be an http(s) URL")
        if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
            raise ConfigError(_KEY, f"feed {number} in {path}: tags must be a list of strings")
        try:
            topics = tuple(normalise_tag(t) for t in tags)
        except InvalidInput as exc:
            raise ConfigError(_KEY, f"feed {number} in {path}: {exc.message}") from exc
        sources.append(
            ConfiguredSource(
                url, str(raw.get("title", "")), topics, bool(raw.get("enabled", False))
            )
        )
    return sources
