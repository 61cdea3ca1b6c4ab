"""When to poll an outside address again: one schedule for news sources and upstream calendars.

After an error the next poll backs off exponentially, up to a day, so a dead site is not
hammered at full rate; a source failing ``FAILING_AFTER`` times in a row is flagged in its
admin listing. Pure arithmetic, shared by ``calendars.news.sources`` and
``calendars.upstream``.
"""

from __future__ import annotations

from datetime import timedelta

__all__ = ["FAILING_AFTER", "MAX_BACKOFF", "backoff"]

MAX_BACKOFF = timedelta(days=1)
FAILING_AFTER = 3  # consecutive errors before the listing flags the source


def backoff(interval: timedelta, errors: int) -> timedelta:
    """The wait after ``errors`` failed polls in a row: interval × 2^errors, at most a day."""
    return min(interval * (1 << min(errors, 12)), MAX_BACKOFF)
