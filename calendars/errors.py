"""Every error SummitWatch raises on purpose, in one tree.

    SummitWatchError
    ├── InvalidInput (ValueError)        untrusted text could not be understood
    │   ├── InvalidEvent                 an event breaks a rule (end before start, ...)
    │   ├── InvalidWhen                  a date/time expression could not be parsed
    │   ├── InvalidOffsets               a reminder offset list could not be parsed
    │   └── InvalidCalendarFile          an .ics file could not be imported
    ├── NotFound (LookupError)           no event / feed / subscriber with that id
    ├── ConfigError (ValueError)         a setting is missing or malformed; names the key
    ├── FetchFailed (OSError)            an outside URL could not be fetched; says why
    └── StoreError (OSError)             the database cannot be used
        ├── StoreCorrupted               a database file is unreadable; never overwritten
        └── StoreLocked                  another process has the database open

Each ``InvalidInput`` carries an ``example`` of correct input, so the user is told
both what was wrong and how to write it right.
"""

from __future__ import annotations

from calendars.i18n import _

__all__ = [
    "ConfigError",
    "FetchFailed",
    "InvalidCalendarFile",
    "InvalidEvent",
    "InvalidInput",
    "InvalidOffsets",
    "InvalidWhen",
    "NotFound",
    "StoreCorrupted",
    "StoreError",
    "StoreLocked",
    "SummitWatchError",
]


class SummitWatchError(Exception):
    """Base of every deliberate SummitWatch error."""


class InvalidInput(SummitWatchError, ValueError):
    """Outside input was refused; ``str(err)`` is safe to show to the person who sent it."""

    def __init__(self, message: str, *, example: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.example = example

    def user_message(self) -> str:
        """The message plus a correct example, as a user should see it."""
        if self.example:
            return f"{self.message}\n" + _("Example: {example}", example=self.example)
        return self.message


class InvalidEvent(InvalidInput):
    """An event's fields break a rule."""


class InvalidWhen(InvalidInput):
    """A date/time expression could not be parsed."""


class InvalidOffsets(InvalidInput):
    """A list of reminder offsets could not be parsed."""


class InvalidCalendarFile(InvalidInput):
    """An iCalendar file could not be imported."""


class NotFound(SummitWatchError, LookupError):
    """Nothing has the requested id."""


class ConfigError(SummitWatchError, ValueError):
    """A setting is missing or malformed."""

    def __init__(self, key: str, problem: str) -> None:
        super().__init__(f"{key}: {problem}")
        self.key = key
        self.problem = problem


class FetchFailed(SummitWatchError, OSError):
    """An outside URL could not be fetched (refused, too big, unreachable, ...).

    ``str(err)`` is the reason alone (a feed's status shows it beside the URL);
    ``user_message()`` names the URL too, for the admin who asked for it.
    """

    def __init__(self, reason: str, *, url: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.url = url

    def user_message(self) -> str:
        if not self.url:
            return self.reason
        return _("could not fetch {url}: {reason}", url=self.url[:200], reason=self.reason)


class StoreError(SummitWatchError, OSError):
    """The database cannot be used."""


class StoreCorrupted(StoreError):
    """A database file cannot be read; the file is left exactly as it was found."""

    def __init__(self, path: str, problem: str) -> None:
        super().__init__(f"cannot load database file {path}: {problem}")
        self.path = path
        self.problem = problem


class StoreLocked(StoreError):
    """Another process (or another Store in this one) has the database open."""

    def __init__(self, lock_path: str, pid: int | None) -> None:
        holder = f"process {pid}" if pid is not None else "another process"
        super().__init__(
            f"database is in use: {lock_path} is locked by {holder}; "
            "stop that SummitWatch first (two at once would lose each other's writes)"
        )
        self.lock_path = lock_path
        self.pid = pid
