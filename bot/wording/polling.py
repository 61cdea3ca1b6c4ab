"""The words of a polled source's last failure, the same for news sources and calendars."""

from __future__ import annotations

from datetime import datetime
from html import escape
from typing import Protocol

from calendars.i18n import _, current_language
from calendars.time.timefmt import format_relative


class PolledSource(Protocol):
    """What a news source and an upstream calendar both keep about their polls."""

    @property
    def errors(self) -> int: ...
    @property
    def last_error(self) -> str | None: ...
    @property
    def last_error_at(self) -> datetime | None: ...
    @property
    def failing(self) -> bool: ...


def error_lines(source: PolledSource, *, now: datetime) -> list[str]:
    """ "Failing (3 in a row, 5 minutes ago): …", or nothing when the last poll went well."""
    if not (source.errors and source.last_error and source.last_error_at):
        return []
    fields = {
        "count": source.errors,
        "when": format_relative(source.last_error_at, now, current_language()),
        "error": escape(source.last_error),
    }
    if source.failing:
        return [_("Failing ({count} in a row, {when}): {error}", **fields)]
    return [_("Last error ({count} in a row, {when}): {error}", **fields)]
