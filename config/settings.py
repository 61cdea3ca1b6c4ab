"""Settings: read from an environment mapping passed in, then an optional TOML file.

Precedence: command-line flags > environment variables > config file > defaults. Every
problem raises ``ConfigError`` naming the key, so an operator knows what to fix.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from datetime import timedelta
from pathlib import Path
from typing import Any, TypeVar

from calendars.errors import ConfigError, InvalidInput
from calendars.events import normalise_tag
from calendars.time.offsets import parse_offsets
from calendars.time.zones import zone_or_none
from calendars.urls import FetchAllow, is_http_url, parse_fetch_allow
from config.news_sources import DEFAULT_NEWS_SOURCES
from config.seed import DEFAULT_SEED
from config.upstream_sources import DEFAULT_UPSTREAM_SOURCES

__all__ = ["SETTINGS_DOC", "Settings", "load_settings"]

T = TypeVar("T")

DEFAULT_TOPICS = ("sco", "india-russia", "india-china", "defence", "energy", "trade", "state-visit")


@dataclass(frozen=True, slots=True, kw_only=True)
class Settings:
    telegram_token: str | None = None
    telegram_api_base_url: str | None = None
    webhook_url: str | None = None
    webhook_secret: str | None = None
    admin_ids: frozenset[int] = frozenset()
    public_url: str = ""
    db_path: Path = Path("data/summitwatch.json")
    host: str = "127.0.0.1"
    port: int = 8080
    reminder_offsets: tuple[timedelta, ...] = (
        timedelta(days=7),
        timedelta(days=1),
        timedelta(hours=1),
    )
    timezone: str = "UTC"
    topics: tuple[str, ...] = DEFAULT_TOPICS
    seed_path: Path | None = DEFAULT_SEED
    news_sources_path: Path | None = DEFAULT_NEWS_SOURCES
    news_interval: timedelta = timedelta(minutes=10)
    news_digest_over: int = 5
    news_retention: timedelta = timedelta(days=90)
    sources_path: Path | None = DEFAULT_UPSTREAM_SOURCES
    source_interval: timedelta = timedelta(minutes=30)
    fetch_timeout: float = 15.0
    fetch_allow: FetchAllow = field(default_factory=FetchAllow)  # private hosts allowed anyway
    calendar_name: str = "SummitWatch"
    feed_refresh: timedelta = timedelta(hours=1)
    log_level: str = "INFO"
    metrics_token: str | None = None
    http_keep_alive: int = 5
    http_header_timeout: float = 10.0
    http_max_connections: int = 1000
    static_dir: Path | None = None
    paid_broadcast: bool = False

    def public_url_for(self, port: int) -> str:
        """Where people reach the server: the configured URL, else the address bound.

        A wildcard address (0.0.0.0, ::) is not a place to link to: this machine is.
        """
        if self.public_url:
            return self.public_url
        host = "127.0.0.1" if self.host in ("0.0.0.0", "::", "") else self.host
        return f"http://{'[' + host + ']' if ':' in host else host}:{port}"


# key, attribute, parser, help text — the one list behind the loader, --help and README.
def _text(value: str) -> str:
    return value.strip()


def _url(value: str) -> str:
    if not is_http_url(value):
        raise ValueError("must be an http:// or https:// URL")
    return value.strip().rstrip("/")


def _ids(value: str) -> frozenset[int]:
    try:
        return frozenset(int(v) for v in value.replace(",", " ").split())
    except ValueError:
        raise ValueError(
            "must be Telegram user ids separated by commas, e.g. 12345,67890"
        ) from None


def _port(value: str) -> int:
    port = int(value) if value.strip().isdigit() else -1
    if not 0 <= port <= 65535:
        raise ValueError("must be a port number 0-65535")
    return port


def _offsets(value: str) -> tuple[timedelta, ...]:
    try:
        return parse_offsets(value)
    except InvalidInput as exc:
        raise ValueError(exc.user_message()) from exc


def _zone(value: str) -> str:
    zone = zone_or_none(value)
    if zone is None:
        raise ValueError("must be an IANA time zone name such as Europe/Berlin")
    return zone.key


def _topics(value: str) -> tuple[str, ...]:
    try:
        return tuple(normalise_tag(t) for t in value.replace(",", " ").split())
    except InvalidInput as exc:
        raise ValueError(exc.message) from exc


def _path(value: str) -> Path:
    return Path(value.strip()).expanduser()


def _optional_path(value: str) -> Path | None:
    return None if value.strip().lower() in ("", "none", "off") else _path(value)


def _duration(value: str) -> timedelta:
    offsets = _offsets(value)
    if len(offsets) != 1:
        raise ValueError("must be one duration such as 1h")
    return offsets[0]


def _days(value: str) -> timedelta:
    text = value.strip().lower().removesuffix("d")
    if not text.isdigit() or not 1 <= int(text) <= 3650:
        raise ValueError("must be a number of days from 1 to 3650, such as 90d")
    return timedelta(days=int(text))


def _count(value: str) -> int:
    if not value.strip().isdigit() or not 1 <= int(value) <= 1000:
        raise ValueError("must be a whole number from 1 to 1000")
    return int(value)


def _seconds(value: str) -> float:
    try:
        seconds = float(value.strip().lower().removesuffix("s"))
    except ValueError:
        seconds = -1.0
    if not 0.1 <= seconds <= 300:
        raise ValueError("must be seconds from 0.1 to 300, such as 15")
    return seconds


def _whole_seconds(value: str) -> int:
    text = value.strip().lower().removesuffix("s")
    if not text.isdigit() or not 1 <= int(text) <= 300:
        raise ValueError("must be whole seconds from 1 to 300, such as 5")
    return int(text)


def _connections(value: str) -> int:
    if not value.strip().isdigit() or not 10 <= int(value) <= 100_000:
        raise ValueError("must be a whole number from 10 to 100000")
    return int(value)


def _switch(value: str) -> bool:
    text = value.strip().lower()
    if text not in ("on", "off", "true", "false", "1", "0", "yes", "no"):
        raise ValueError("must be on or off")
    return text in ("on", "true", "1", "yes")


def _level(value: str) -> str:
    level = value.strip().upper()
    if level not in ("DEBUG", "INFO", "WARNING", "ERROR"):
        raise ValueError("must be DEBUG, INFO, WARNING or ERROR")
    return level


_SPEC: tuple[tuple[str, str, Callable[[str], Any], str], ...] = (
    (
        "TELEGRAM_BOT_TOKEN",
        "telegram_token",
        _text,
        "Bot token from @BotFather; unset: console only",
    ),
    ("TELEGRAM_API_BASE_URL", "telegram_api_base_url", _url, "Self-hosted Bot API server URL"),
    ("SUMMITWATCH_WEBHOOK_URL", "webhook_url", _url, "Public URL for Telegram webhooks"),
    ("SUMMITWATCH_WEBHOOK_SECRET", "webhook_secret", _text, "Secret token Telegram echoes back"),
    ("SUMMITWATCH_ADMIN_IDS", "admin_ids", _ids, "Telegram user ids allowed to edit"),
    ("SUMMITWATCH_PUBLIC_URL", "public_url", _url, "Base URL in links (default: host:port)"),
    ("SUMMITWATCH_DB", "db_path", _path, "Database file (default data/summitwatch.json)"),
    ("SUMMITWATCH_HOST", "host", _text, "Address the web server listens on (127.0.0.1)"),
    ("SUMMITWATCH_PORT", "port", _port, "Port of the web server (8080; 0 picks a free one)"),
    ("SUMMITWATCH_REMINDER_OFFSETS", "reminder_offsets", _offsets, "Default offsets (7d 1d 1h)"),
    ("SUMMITWATCH_TIMEZONE", "timezone", _zone, "Zone of the console subscriber (UTC)"),
    ("SUMMITWATCH_TOPICS", "topics", _topics, "Topics offered to subscribers"),
    ("SUMMITWATCH_SEED", "seed_path", _optional_path, "Seed events file; 'off' to skip"),
    ("SUMMITWATCH_FEEDS", "news_sources_path", _optional_path, "News feeds file; 'off' to skip"),
    ("SUMMITWATCH_NEWS_INTERVAL", "news_interval", _duration, "How often a feed is polled (10m)"),
    ("SUMMITWATCH_NEWS_DIGEST", "news_digest_over", _count, "More new articles: one digest (5)"),
    ("SUMMITWATCH_NEWS_RETENTION", "news_retention", _days, "Keep seen articles this long (90d)"),
    ("SUMMITWATCH_SOURCES", "sources_path", _optional_path, "Upstream calendars file; 'off'"),
    ("SUMMITWATCH_SOURCE_INTERVAL", "source_interval", _duration, "Calendar poll interval (30m)"),
    ("SUMMITWATCH_FETCH_TIMEOUT", "fetch_timeout", _seconds, "Seconds to wait for a feed (15)"),
    (
        "SUMMITWATCH_FETCH_ALLOW",
        "fetch_allow",
        parse_fetch_allow,
        "Private hosts, IPs, CIDRs fetches may reach (none)",
    ),
    ("SUMMITWATCH_CALENDAR_NAME", "calendar_name", _text, "Name calendars show (SummitWatch)"),
    ("SUMMITWATCH_FEED_REFRESH", "feed_refresh", _duration, "Suggested feed refresh (1h)"),
    ("SUMMITWATCH_LOG_LEVEL", "log_level", _level, "DEBUG, INFO, WARNING or ERROR"),
    (
        "SUMMITWATCH_METRICS_TOKEN",
        "metrics_token",
        _text,
        "If set, /metrics wants Authorization: Bearer <token>",
    ),
    (
        "SUMMITWATCH_HTTP_KEEPALIVE",
        "http_keep_alive",
        _whole_seconds,
        "Seconds an idle HTTP connection is kept open (5)",
    ),
    (
        "SUMMITWATCH_HTTP_HEADER_TIMEOUT",
        "http_header_timeout",
        _seconds,
        "Seconds a request's headers may take to arrive (10)",
    ),
    (
        "SUMMITWATCH_HTTP_MAX_CONNECTIONS",
        "http_max_connections",
        _connections,
        "Connections and requests at once; more get 503 (1000)",
    ),
    (
        "SUMMITWATCH_STATIC_DIR",
        "static_dir",
        _optional_path,
        "Also write public calendar feeds here, for nginx (off)",
    ),
    (
        "SUMMITWATCH_PAID_BROADCAST",
        "paid_broadcast",
        _switch,
        "on: sends use allow_paid_broadcast (paid, in Stars) and up to 1,000 msg/s (off)",
    ),
)

SETTINGS_DOC = tuple((key, text) for key, _attr, _parse, text in _SPEC)


def _parse(key: str, parser: Callable[[str], T], raw: object) -> T:
    text = ",".join(map(str, raw)) if isinstance(raw, list) else str(raw)
    try:
        return parser(text)
    except ValueError as exc:
        raise ConfigError(key, str(exc) or "has an invalid value") from exc


def _read_file(path: Path) -> dict[str, Any]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError("SUMMITWATCH_CONFIG", f"file {path} does not exist") from None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError("SUMMITWATCH_CONFIG", f"cannot read {path}: {exc}") from exc
    section = data.get("summitwatch", data)
    known = {key for key, *_ in _SPEC}
    unknown = sorted(k for k in section if k.upper() not in known)
    if unknown:
        raise ConfigError("SUMMITWATCH_CONFIG", f"unknown keys in {path}: {', '.join(unknown)}")
    return {k.upper(): v for k, v in section.items()}


def load_settings(
    environ: Mapping[str, str],
    *,
    config_file: Path | None = None,
    overrides: Mapping[str, str] | None = None,
) -> Settings:
    """Settings from ``overrides`` > ``environ`` > the config file > defaults."""
    if config_file is None and environ.get("SUMMITWATCH_CONFIG"):
        config_file = Path(environ["SUMMITWATCH_CONFIG"])
    sources: dict[str, object] = _read_file(config_file) if config_file else {}
    sources.update({k: v for k, v in environ.items() if v != ""})
    sources.update(overrides or {})
    values = {
        attr: _parse(key, parse, sources[key]) for key, attr, parse, _ in _SPEC if key in sources
    }
    names = {f.name for f in fields(Settings)}
    return Settings(**{k: v for k, v in values.items() if k in names})
