"""Which tracked events an article is about: whole-word keyword matching in any script.

A keyword matches where it stands as whole words: not preceded or followed by a letter,
a combining mark or a digit. Marks count as part of the word because Indic scripts write
vowels and viramas as marks: ``\\b`` would find "मोदी" inside "मोदींनी" (Marathi "by Modi"),
whose suffix begins with a mark. So inflected forms do NOT match -- "मोदींनी" needs its
own keyword -- while "मोदी," "(मोदी)" and "मोदी।" do.

Case, width and compatibility forms are folded (casefold + NFKC) on both sides. Spaces
in a keyword match any run of white space; other characters ("S-400", "U.S.") must be
there exactly. Keywords are plain text, never patterns, so matching cannot be made slow.

Speed: the article is split into words once, and each word is looked up in an index of
keywords by their first word (first two, for longer keywords), so the cost grows with
the article, not with the number of events.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from calendars.events import Event
from calendars.news.articles import Article

__all__ = ["Match", "Matcher", "PhraseIndex", "can_match", "fold", "found_phrases", "is_word_char"]

T = TypeVar("T")


def _mark_class(*, astral: bool) -> str:
    """A character class body of the combining marks (Mn, Mc, Me) in or beyond the BMP."""
    # Marks live in planes 0 and 1, plus the variation selectors of plane 14.
    codes = (*range(0x10000, 0x20000), *range(0xE0100, 0xE01F0)) if astral else range(0x10000)
    ranges: list[list[int]] = []
    for code in codes:
        if not unicodedata.category(chr(code)).startswith("M"):
            continue
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1][1] = code
        else:
            ranges.append([code, code])
    return "".join(f"{chr(a)}-{chr(b)}" for a, b in ranges)


# A word character: a letter or digit (``[^\W_]``), a combining mark, or ZWNJ/ZWJ, which
# sit inside Indic words.
_BMP_MARKS, _ASTRAL_MARKS = _mark_class(astral=False), _mark_class(astral=True)
_WORD_CLASS = f"[^\\W_]|[{_BMP_MARKS}{_ASTRAL_MARKS}\u200c\u200d]"
_WORD_RE = re.compile(f"(?:{_WORD_CLASS})+")
_WORD_CHAR_RE = re.compile(_WORD_CLASS)
# Faster equivalents where they give the same words. One class of BMP characters is a
# table lookup in ``re``; a class reaching beyond the BMP is a scan of its ranges.
_ASCII_WORD_RE = re.compile(r"[^\W_]+")
_BMP_WORD_RE = re.compile(f"[\\w{_BMP_MARKS}\u200c\u200d]+")  # wrong only for "_"
_NEEDS_EXACT_RE = re.compile("[_\U00010000-\U0010ffff]")
_SPACE_RE = re.compile(r"\s+")


def fold(text: str) -> str:
    """The form both keywords and articles are compared in."""
    if text.isascii():
        return text.lower()  # the same result, ten times sooner
    once = unicodedata.normalize("NFKC", text).casefold()
    # NFKC has made U+2011 (non-breaking hyphen) U+2010; both are a hyphen to a reader.
    return unicodedata.normalize("NFKC", once).replace("\u2010", "-")


def _words(folded: str) -> Iterable[re.Match[str]]:
    if folded.isascii():
        return _ASCII_WORD_RE.finditer(folded)
    if _NEEDS_EXACT_RE.search(folded):
        return _WORD_RE.finditer(folded)
    return _BMP_WORD_RE.finditer(folded)


def is_word_char(char: str) -> bool:
    """True for letters, digits and combining marks: what a whole word may not touch."""
    return bool(_WORD_CHAR_RE.fullmatch(char))


@dataclass(slots=True, eq=False)  # compared by identity: hashing stays cheap
class _Keyword:
    """A folded keyword: its words, what stands between them and around them, and the
    (event id, keyword as written) pairs it stands for."""

    words: tuple[str, ...]
    between: tuple[str, ...]
    prefix: str
    suffix: str
    owners: list[tuple[str, str]] = field(default_factory=list)

    @classmethod
    def parse(cls, keyword: str) -> _Keyword | None:
        folded = _SPACE_RE.sub(" ", fold(keyword)).strip()
        spans = [m.span() for m in _words(folded)]
        if not spans:
            return None  # nothing but punctuation: it cannot stand as a word
        return cls(
            words=tuple(folded[a:b] for a, b in spans),
            between=tuple(folded[spans[i][1] : spans[i + 1][0]] for i in range(len(spans) - 1)),
            prefix=folded[: spans[0][0]],
            suffix=folded[spans[-1][1] :],
        )

    @property
    def form(self) -> tuple[object, ...]:
        return (self.words, self.between, self.prefix, self.suffix)


@dataclass(frozen=True, slots=True)
class Match:
    """An article is about ``event_id``, because these of its keywords appear in it."""

    event_id: str
    keywords: tuple[str, ...]


class Matcher:
    """Compiled once per set of events (rebuild when events change); matches articles fast.

    Every event is matched, cancelled and past ones too: news of a cancellation, and
    coverage after a summit, are what subscribers follow.
    """

    def __init__(self, events: Iterable[Event]) -> None:
        self._events: dict[str, Event] = {}
        for event in events:
            self._events.pop(event.id, None)  # a later copy of an id replaces the earlier
            self._events[event.id] = event
        self._order = {event_id: i for i, event_id in enumerate(self._events)}
        # One-word keywords by their word; longer ones by their first two words, so a
        # common first word ("summit ...") does not make every article check them all.
        self._single: dict[str, list[_Keyword]] = {}
        self._pairs: dict[tuple[str, str], list[_Keyword]] = {}
        self._first: set[str] = set()
        compiled: dict[tuple[object, ...], _Keyword] = {}
        for event in self._events.values():
            for written in event.keywords:
                parsed = _Keyword.parse(written)
                if parsed is None:
                    continue
                keyword = compiled.setdefault(parsed.form, parsed)
                if keyword is parsed:
                    self._index(keyword)
                keyword.owners.append((event.id, written))

    def _index(self, keyword: _Keyword) -> None:
        words = keyword.words
        if len(words) == 1:
            self._single.setdefault(words[0], []).append(keyword)
        else:
            self._first.add(words[0])
            self._pairs.setdefault((words[0], words[1]), []).append(keyword)

    def __len__(self) -> int:
        return len(self._events)

    def matches(self, article: Article, *, source_tags: Iterable[str] = ()) -> list[Match]:
        """The events ``article`` is about, in the order the events were given.

        With ``source_tags``, only events sharing one of those topics qualify; a feed
        without tags is about everything, so keywords alone decide.
        """
        topics = {_tag(t) for t in source_tags} - {""}
        found = self._found(article.title) | self._found(article.summary)
        hits: dict[str, set[str]] = {}
        for keyword in found:
            for event_id, original in keyword.owners:
                hits.setdefault(event_id, set()).add(original)
        result = []
        for event_id in sorted(hits, key=self._order.__getitem__):
            event = self._events[event_id]
            if topics and topics.isdisjoint(event.tags):
                continue
            hit = hits[event_id]
            result.append(Match(event_id, tuple(k for k in event.keywords if k in hit)))
        return result

    def _found(self, text: str) -> set[_Keyword]:
        if not text:
            return set()
        folded = fold(text)
        spans, words = [], []
        for token in _words(folded):
            spans.append(token.span())
            words.append(token.group())
        found: set[_Keyword] = set()
        last = len(words) - 1
        for i, word in enumerate(words):
            for keyword in self._single.get(word, ()):
                if keyword not in found and _stands_at(keyword, folded, spans, words, i):
                    found.add(keyword)
            if word in self._first and i < last:
                for keyword in self._pairs.get((word, words[i + 1]), ()):
                    if keyword not in found and _stands_at(keyword, folded, spans, words, i):
                        found.add(keyword)
        return found


def _stands_at(
    keyword: _Keyword, text: str, spans: list[tuple[int, int]], words: list[str], i: int
) -> bool:
    """Whether ``keyword`` occurs as whole words starting at the ``i``-th word of ``text``."""
    last = i + len(keyword.words) - 1
    if last >= len(words) or tuple(words[i : last + 1]) != keyword.words:
        return False
    for j, between in enumerate(keyword.between):
        gap = text[spans[i + j][1] : spans[i + j + 1][0]]
        if gap != between and _SPACE_RE.sub(" ", gap) != between:
            return False
    start, end = spans[i][0], spans[last][1]
    if keyword.prefix:
        start -= len(keyword.prefix)
        if start < 0 or text[start : spans[i][0]] != keyword.prefix:
            return False
        if start > 0 and _WORD_CHAR_RE.match(text, start - 1):
            return False
    if keyword.suffix:
        if text[end : end + len(keyword.suffix)] != keyword.suffix:
            return False
        end += len(keyword.suffix)
        if _WORD_CHAR_RE.match(text, end):
            return False
    return True


@functools.lru_cache(maxsize=4096)
def _phrase(text: str) -> _Keyword | None:
    # Never handed to a Matcher (which adds owners to its keywords): safe to share.
    return _Keyword.parse(text)


def can_match(phrase: str) -> bool:
    """Whether ``phrase`` has a letter or digit, so it can stand as a whole word."""
    return _phrase(phrase) is not None


@dataclass(frozen=True, slots=True)
class _Tokens:
    folded: str
    spans: list[tuple[int, int]]
    words: list[str]
    where: dict[str, list[int]]  # word -> its positions


@functools.lru_cache(maxsize=64)
def _tokens(text: str) -> _Tokens:
    # Cached: one article is checked against the filter of every chat in turn.
    folded = fold(text)
    spans: list[tuple[int, int]] = []
    words: list[str] = []
    where: dict[str, list[int]] = {}
    for i, token in enumerate(_words(folded)):
        spans.append(token.span())
        words.append(token.group())
        where.setdefault(token.group(), []).append(i)
    return _Tokens(folded, spans, words, where)


def found_phrases(text: str, phrases: Iterable[str]) -> set[str]:
    """Which ``phrases`` occur in ``text`` as whole words, by the same rules as keywords.

    For a handful of phrases (a chat's news filter); the text is split into words once
    and reused for the next chat's phrases.
    """
    found: set[str] = set()
    if not text:
        return found
    tokens: _Tokens | None = None
    for phrase in phrases:
        keyword = _phrase(phrase)
        if keyword is None or phrase in found:
            continue
        tokens = tokens or _tokens(text)
        for i in tokens.where.get(keyword.words[0], ()):
            if _stands_at(keyword, tokens.folded, tokens.spans, tokens.words, i):
                found.add(phrase)
                break
    return found


def _tag(tag: str) -> str:
    return tag.strip().strip("/").lstrip("#").lower()


class PhraseIndex(Generic[T]):
    """Many phrases, each standing for an owner, found in one pass over a text's words.

    For a watch list of hundreds of names and words: built once, then the cost of a text
    grows with its words, not with the phrases (the same rules as :class:`Matcher`).
    """

    def __init__(self, phrases: Iterable[tuple[str, T]]) -> None:
        self._single: dict[str, list[_Keyword]] = {}
        self._pairs: dict[tuple[str, str], list[_Keyword]] = {}
        self._owners: dict[_Keyword, list[tuple[T, str]]] = {}
        compiled: dict[tuple[object, ...], _Keyword] = {}
        for written, owner in phrases:
            parsed = _Keyword.parse(written)
            if parsed is None:
                continue
            keyword = compiled.setdefault(parsed.form, parsed)
            if keyword is parsed:
                words = keyword.words
                if len(words) == 1:
                    self._single.setdefault(words[0], []).append(keyword)
                else:
                    self._pairs.setdefault((words[0], words[1]), []).append(keyword)
            self._owners.setdefault(keyword, []).append((owner, written))

    def found(self, text: str) -> list[tuple[int, T, str]]:
        """(word position, owner, phrase as written) of each phrase in ``text``, in order."""
        if not text:
            return []
        tokens = _tokens(text)
        words, hits = tokens.words, list[tuple[int, T, str]]()
        single, pairs, last = self._single, self._pairs, len(words) - 1
        for i, word in enumerate(words):
            keywords = single.get(word, ())
            if i < last and (word, words[i + 1]) in pairs:
                keywords = [*keywords, *pairs[(word, words[i + 1])]]
            for keyword in keywords:
                if _stands_at(keyword, tokens.folded, tokens.spans, words, i):
                    hits.extend((i, owner, written) for owner, written in self._owners[keyword])
        return hits
