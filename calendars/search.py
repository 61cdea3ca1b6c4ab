"""Finding events by what people type: every word somewhere in title, place, tags or keywords.

Typed as you go (Telegram's inline mode asks on every keystroke), so a word matches
anywhere inside the text, not only whole words: "put" finds Putin. Case, width and
compatibility forms are folded as for news matching, in any script. The query is
bounded (Telegram sends at most 256 characters) and its words are plain text, never
patterns, so no query can make a search slow.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from calendars.events import Event
from calendars.news.matching import fold

__all__ = ["MAX_QUERY_CHARS", "MAX_QUERY_WORDS", "SearchIndex", "query_words", "search_events"]

MAX_QUERY_CHARS = 256
MAX_QUERY_WORDS = 10


def query_words(text: str) -> tuple[str, ...]:
    """The folded words of a query, at most ``MAX_QUERY_WORDS``; "#sco" means "sco"."""
    words = (word.lstrip("#") for word in fold(text[:MAX_QUERY_CHARS]).split())
    return tuple(dict.fromkeys(word for word in words if word))[:MAX_QUERY_WORDS]


def _haystack(event: Event) -> str:
    translated = [text for _lang, field, text in event.translations.texts if field != "description"]
    return fold("\n".join([event.title, event.location, *translated, *event.tags, *event.keywords]))


class SearchIndex:
    """Events with their folded text, built once per change of the data.

    Folding 10,000 events' text takes tens of milliseconds; a search over the index takes
    a few, which is what every keystroke of an inline query costs the event loop.
    """

    def __init__(self, events: Iterable[Event]) -> None:
        # End times as POSIX seconds: comparing floats is five times quicker than aware
        # datetimes, and the same instant whatever the zone.
        self._entries = [(event, event.ends_at.timestamp(), _haystack(event)) for event in events]

    def search(self, text: str, *, now: datetime, limit: int) -> list[Event]:
        """Events not over yet whose text holds every word of ``text``, in index order.

        An empty query matches every event, so it lists the next ones. Cancelled events
        are found too: someone searching for a summit should learn it was called off.
        """
        words, moment = query_words(text), now.timestamp()
        found: list[Event] = []
        for event, ends_at, haystack in self._entries:
            if ends_at <= moment:
                continue
            for word in words:
                if word not in haystack:
                    break
            else:
                found.append(event)
                if len(found) >= limit:
                    break
        return found


def search_events(events: Iterable[Event], text: str, *, now: datetime, limit: int) -> list[Event]:
    """``SearchIndex(events).search(...)``, for a one-off search."""
    return SearchIndex(events).search(text, now=now, limit=limit)
