"""An article that announces a meeting to come: what the news tells before anyone types it.

This module holds the shape both halves agree on: the detector (which reads one article
against the watch list) and the suggestions (which merge announcements of the same meeting
and put them before admins).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from calendars.news.articles import Article
from calendars.time.precision import Precision

__all__ = ["Announcement", "WatchKind", "WatchName"]

WatchKind = str  # "person", "place" or "organisation"


@dataclass(frozen=True, slots=True)
class WatchName:
    """One watched name and every way the news writes it (Latin, Devanagari, Cyrillic)."""

    name: str  # how we show it: "Putin", "New Delhi", "SCO"
    kind: WatchKind
    aliases: tuple[str, ...] = ()  # "पुतिन", "Путин", "पुतिन ने" ...
    topics: tuple[str, ...] = ()  # tags an event about this name is likely to carry


@dataclass(frozen=True, slots=True)
class Announcement:
    """A future meeting one article announces.

    ``when`` is the first day the article's date expression names: with ``precision``
    ``month`` "in December" is 1 December, with ``year`` "next year" is 1 January.
    """

    article: Article
    title: str  # proposed: "Putin visit to New Delhi"
    when: date
    precision: Precision
    people: tuple[str, ...] = ()  # WatchName.name of each person found
    places: tuple[str, ...] = ()
    organisations: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    phrase: str = ""  # the date expression as the article wrote it, for admins to check
