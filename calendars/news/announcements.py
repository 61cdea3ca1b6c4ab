"""An article that announces a meeting to come: what the news tells before anyone types it.

This module holds the shape both halves agree on: the detector (which reads one article
against the watch list) and the suggestions (which merge announcements of the same meeting
and put them before admins).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from calendars.news.articles import Article
from calendars.news.matching import PhraseIndex
from calendars.time.precision import Precision

__all__ = [
    "MEETING_KINDS",
    "WATCH_KINDS",
    "Announcement",
    "Hit",
    "Term",
    "Vocabulary",
    "WatchKind",
    "WatchList",
    "WatchName",
]

WatchKind = str  # "person", "place" or "organisation"
WATCH_KINDS = ("person", "place", "organisation")
# What a meeting word says the meeting is; the proposed title follows it.
MEETING_KINDS = ("summit", "visit", "talks")


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


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """The words that make an article an announcement, in every language we read.

    All of it is data (``config/watch.toml``): a meeting word of each kind, cues that a
    text announces the future, reports the past or gives an opinion, and the date
    phrases dateparser does not read (``date_phrases``: "अगले महीने" -> "next month"),
    suffixes written onto a date ("डिसेंबरमध्ये": ``detach`` "मध्ये") and the like.
    """

    meeting: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # kind -> words
    future: tuple[str, ...] = ()
    past: tuple[str, ...] = ()
    opinion: tuple[str, ...] = ()
    date_phrases: Mapping[str, str] = field(default_factory=dict)
    detach: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()  # date words that say nothing: Hindi "कल" is both ways
    range_words: tuple[str, ...] = ()  # "4 and 5 December", "21 से 23 नवंबर"
    # Words common in one language and not another of the same script (Hindi, Marathi),
    # to read dates in the right one: dateparser's own guess takes Marathi for Hindi.
    markers: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


# What a phrase stands for: a watched name, or (role, value) such as ("meeting", "visit")
# or ("cue", "past").
Term = WatchName | tuple[str, str]


@dataclass(frozen=True, slots=True)
class Hit:
    """One watched name or word found in a text, at its word position."""

    position: int
    term: Term
    phrase: str


class WatchList:
    """The watched names and the vocabulary, compiled once into one phrase index.

    Rebuild (``with_names``) when admins add a name; reading an article costs one pass
    over its words however long the list grows.
    """

    def __init__(self, names: Iterable[WatchName], vocabulary: Vocabulary | None = None) -> None:
        by_name: dict[tuple[str, str], WatchName] = {}
        for name in names:  # a later entry of the same name and kind replaces the earlier
            by_name.pop((name.kind, name.name.casefold()), None)
            by_name[(name.kind, name.name.casefold())] = name
        self.names: tuple[WatchName, ...] = tuple(by_name.values())
        self.vocabulary = vocabulary or Vocabulary()
        terms: list[tuple[str, Term]] = []
        for name in self.names:
            terms.extend((alias, name) for alias in (name.name, *name.aliases))
        words = self.vocabulary
        for kind, phrases in words.meeting.items():
            terms.extend((phrase, ("meeting", kind)) for phrase in phrases)
        for role, phrases in (("future", words.future), ("past", words.past)):
            terms.extend((phrase, ("cue", role)) for phrase in phrases)
        terms.extend((phrase, ("cue", "opinion")) for phrase in words.opinion)
        terms.extend((phrase, ("date", phrase)) for phrase in words.date_phrases)
        self._index: PhraseIndex[Term] = PhraseIndex(terms)

    def with_names(self, extra: Iterable[WatchName]) -> WatchList:
        """This list with ``extra`` names added (an entry of the same name replaces ours)."""
        return WatchList((*self.names, *extra), self.vocabulary)

    def __len__(self) -> int:
        return len(self.names)

    def scan(self, text: str) -> list[Hit]:
        """Every watched name, meeting word, cue and date phrase in ``text``, in order."""
        return [Hit(position, term, phrase) for position, term, phrase in self._index.found(text)]
