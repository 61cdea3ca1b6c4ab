"""The watch list from ``config/watch.toml``: names, meeting words and cues for the detector.

Every problem is a ConfigError naming the file and the TOML key ("person 3 (Putin):
aliases must be a list of strings"), raised at start-up rather than an article later.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from calendars.errors import ConfigError, InvalidInput
from calendars.events import normalise_tag
from calendars.news.announcements import (
    MEETING_KINDS,
    WATCH_KINDS,
    Vocabulary,
    WatchList,
    WatchName,
)

__all__ = ["DEFAULT_WATCH", "load_watch", "parse_watch"]

DEFAULT_WATCH = Path(__file__).with_name("watch.toml")
_TOP_KEYS = {*WATCH_KINDS, "meeting", "cues", "dates", "languages"}
_CUES = ("future", "past", "opinion")
_DATE_KEYS = ("detach", "ignore", "phrases", "range_words")


def load_watch(path: Path = DEFAULT_WATCH) -> WatchList:
    """The watch list in ``path``."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(str(path), f"cannot read it: {exc}") from exc
    return parse_watch(text, where=str(path))


def parse_watch(text: str, *, where: str = "watch.toml") -> WatchList:
    """The watch list written in ``text`` (TOML laid out as ``config/watch.toml``)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(where, f"not valid TOML: {exc}") from exc
    unknown = sorted(set(data) - _TOP_KEYS)
    if unknown:
        known = ", ".join(sorted(_TOP_KEYS))
        raise ConfigError(where, f"unknown key {unknown[0]!r}; known: {known}")
    names = [
        _name(raw, kind, number, where)
        for kind in WATCH_KINDS
        for number, raw in enumerate(_tables(data, kind, where), start=1)
    ]
    meeting = _section(data, "meeting", where)
    for kind in meeting:
        if kind not in MEETING_KINDS:
            raise ConfigError(where, f"meeting.{kind}: a meeting kind is one of {MEETING_KINDS}")
    cues = _section(data, "cues", where)
    for role in cues:
        if role not in _CUES:
            raise ConfigError(where, f"cues.{role}: a cue is one of {_CUES}")
    dates = _section(data, "dates", where)
    unknown = sorted(set(dates) - set(_DATE_KEYS))
    if unknown:
        raise ConfigError(where, f"dates.{unknown[0]}: unknown; known: {', '.join(_DATE_KEYS)}")
    phrases = dates.get("phrases", {})
    if not isinstance(phrases, dict) or not all(
        isinstance(v, str) and v.strip() for v in phrases.values()
    ):
        raise ConfigError(where, 'dates.phrases: write "phrase" = "English dateparser reads"')
    vocabulary = Vocabulary(
        meeting={kind: _words(meeting, kind, where) for kind in meeting},
        future=_words(cues, "future", where),
        past=_words(cues, "past", where),
        opinion=_words(cues, "opinion", where),
        date_phrases={str(k): str(v) for k, v in phrases.items()},
        detach=_strings(dates.get("detach", []), "dates.detach", where),
        ignore=_strings(dates.get("ignore", []), "dates.ignore", where),
        range_words=_strings(dates.get("range_words", []), "dates.range_words", where),
        markers={
            str(language): _strings(words, f"languages.{language}", where)
            for language, words in _section(data, "languages", where).items()
        },
    )
    return WatchList(names, vocabulary)


def _tables(data: dict[str, Any], kind: str, where: str) -> list[dict[str, Any]]:
    tables = data.get(kind, [])
    if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
        raise ConfigError(where, f"{kind}: write each one as a [[{kind}]] table")
    return tables


def _name(raw: dict[str, Any], kind: str, number: int, where: str) -> WatchName:
    name = raw.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ConfigError(where, f'{kind} {number}: name must be a text, e.g. name = "Putin"')
    label = f"{kind} {number} ({name})"
    unknown = sorted(set(raw) - {"name", "aliases", "topics"})
    if unknown:
        raise ConfigError(where, f"{label}: unknown key {unknown[0]!r} (name, aliases, topics)")
    aliases = _strings(raw.get("aliases", []), f"{label}: aliases", where)
    try:
        topics = tuple(
            normalise_tag(t) for t in _strings(raw.get("topics", []), f"{label}: topics", where)
        )
    except InvalidInput as exc:
        raise ConfigError(where, f"{label}: topics: {exc.message}") from exc
    return WatchName(name.strip(), kind, aliases, topics)


def _section(data: dict[str, Any], key: str, where: str) -> dict[str, Any]:
    section = data.get(key, {})
    if not isinstance(section, dict):
        raise ConfigError(where, f"{key} must be a table: [{key}]")
    return section


def _words(section: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
    """The words of ``key``: a list, or a table of lists by language (``visit.en = [...]``)."""
    value = section.get(key, [])
    if isinstance(value, dict):
        return tuple(
            word
            for language, words in value.items()
            for word in _strings(words, f"{key}.{language}", where)
        )
    return _strings(value, key, where)


def _strings(value: object, what: str, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ConfigError(where, f'{what} must be a list of texts, e.g. ["Putin", "पुतिन"]')
    return tuple(v.strip() for v in value)
