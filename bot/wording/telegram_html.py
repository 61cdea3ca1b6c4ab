"""Splitting Telegram HTML into messages Telegram accepts, on the rendered structure.

Telegram's limit is on the text *after* entities are parsed (1-4096 characters, counted in
UTF-16 code units like its entity offsets), so tags and ``&amp;`` cost nothing, while a cut
inside ``<a href="…">`` or ``&amp;`` makes the whole message fail. The markup is read with
the stdlib's ``html.parser``; a cut closes the open tags at the end of one part and opens
them again at the start of the next, so every part is well-formed and the parts' visible
texts join up to the original's.

The markup must be ours: tags of Telegram's subset around text escaped with
``html.escape`` (Telegram reads only ``&lt; &gt; &amp; &quot;`` and numeric references).
A ``<tg-time>`` (a date each reader's app shows on their own clock) or ``<tg-emoji>`` is
one thing whose text only stands in for it: a cut never falls inside one.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from html import escape
from html.parser import HTMLParser

__all__ = ["MAX_LINK_URL", "TELEGRAM_LIMIT", "link", "split_message", "utf16_length"]

TELEGRAM_LIMIT = 4096
# A link longer than this is shown as its text only: a URL of kilobytes of parameters is
# no use to a reader, and its size must not depend on what a news site puts in its links.
MAX_LINK_URL = 2000
# Elements whose text is a stand-in for one thing: halves of a date would be two dates.
_WHOLE = frozenset({"tg-time", "tg-emoji"})


def link(url: str, text: str) -> str:
    """``text`` linked to ``url``, both escaped; over ``MAX_LINK_URL`` the text alone, as
    the splitter would leave it (Telegram refuses a message with such a link)."""
    if not url or len(url) > MAX_LINK_URL:
        return escape(text)
    return f'<a href="{escape(url, quote=True)}">{escape(text)}</a>'


def utf16_length(text: str) -> int:
    """Length as Telegram counts it: characters beyond the BMP take two units."""
    return len(text) + sum(1 for char in text if ord(char) > 0xFFFF)


@dataclass(frozen=True, slots=True)
class _Open:
    name: str
    raw: str  # the start tag exactly as written, attributes and all


@dataclass(frozen=True, slots=True)
class _Close:
    name: str


_Token = _Open | _Close | str  # str: visible text, entities decoded


class _Tokenizer(HTMLParser):
    """Tags and decoded text, balanced: stray end tags are dropped, open ones closed at the
    end, and a link whose URL is over ``MAX_LINK_URL`` keeps its text but loses its tag."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tokens: list[_Token] = []
        self._open: list[tuple[str, bool]] = []  # (name, kept)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        href = dict(attrs).get("href") or ""
        kept = not (tag == "a" and len(href) > MAX_LINK_URL)
        self._open.append((tag, kept))
        if kept:
            self.tokens.append(_Open(tag, self.get_starttag_text() or f"<{tag}>"))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """``<b/>`` holds no text, and Telegram has no empty elements: nothing to keep."""

    def handle_endtag(self, tag: str) -> None:
        if not any(name == tag for name, _kept in self._open):
            return
        while self._open:
            name, kept = self._open.pop()
            if kept:
                self.tokens.append(_Close(name))
            if name == tag:
                return

    def handle_data(self, data: str) -> None:
        if data:
            self.tokens.append(data)

    def finish(self) -> list[_Token]:
        self.close()
        while self._open:
            name, kept = self._open.pop()
            if kept:
                self.tokens.append(_Close(name))
        return self.tokens


def _fit(text: str, start: int, limit: int) -> int:
    """The furthest end such that ``text[start:end]`` is at most ``limit`` UTF-16 units."""
    end = min(len(text), start + limit)
    while (over := utf16_length(text[start:end]) - limit) > 0:
        end -= (over + 1) // 2  # each character removed is worth one or two units
    return end


def _cut(text: str, start: int, end: int) -> int:
    """Where to end the part ``text[start:end]``: after a line break in its second half,
    else after a space there, else after any line break, else at ``end``."""
    half = start + (end - start) // 2
    for chars, floor in (("\n", half), (" \t", half), ("\n", start)):
        best = max(text.rfind(char, floor, end) for char in chars)
        if best >= start and text[start : best + 1].strip():
            return best + 1
    return end


def _outside(cut: int, start: int, text: str, limit: int, wholes: list[tuple[int, int]]) -> int:
    """``cut``, moved before (or, at the start of a part, after) a whole it falls inside."""
    for _ in range(len(wholes)):  # wholes may nest: move until no whole holds the cut
        inside = [(first, end) for first, end in wholes if first < cut < end]
        if not inside:
            break
        first, end = min(inside)  # the outermost
        if first > start:
            cut = first
        elif utf16_length(text[start:end]) <= limit:
            cut = end
        else:
            break  # a whole longer than a message: cut it where it must be
    return cut


def _cuts(text: str, limit: int, wholes: list[tuple[int, int]]) -> list[int]:
    """Positions in the visible text where one message ends and the next begins; never
    inside one of ``wholes`` (ranges of the text) unless it is longer than a message."""
    cuts, start, remaining = [], 0, utf16_length(text)
    last = len(text.rstrip()) - 1  # the last character that is not blank
    while remaining > limit:
        end = max(_fit(text, start, limit), start + 1)
        if end > last > start:  # leave the last part something to show, not only blanks
            end = last
        cut = _outside(_cut(text, start, end), start, text, limit, wholes)
        remaining -= utf16_length(text[start:cut])
        cuts.append(start := cut)
    return cuts


class _Parts:
    """Markup written part by part; at a cut, open tags are closed and reopened."""

    def __init__(self) -> None:
        self.done: list[str] = []
        self._pieces: list[str] = []
        self._open: list[tuple[_Open, int]] = []  # tag, index of its piece (-1: not yet)

    def open(self, tag: _Open) -> None:
        self._start_pending()  # parents first, or the tags would nest the wrong way round
        self._open.append((tag, len(self._pieces)))
        self._pieces.append(tag.raw)

    def close(self, tag: _Close) -> None:
        _opened, index = self._open.pop()
        if index == -1:
            return  # closed before the part had text inside it: never reopened
        if index == len(self._pieces) - 1:
            self._pieces.pop()  # an element left empty by a cut: drop it
        else:
            self._pieces.append(f"</{tag.name}>")

    def text(self, text: str) -> None:
        self._start_pending()
        self._pieces.append(escape(text, quote=False))

    def _start_pending(self) -> None:
        for number, (tag, index) in enumerate(self._open):
            if index == -1:
                self._open[number] = (tag, len(self._pieces))
                self._pieces.append(tag.raw)

    def end_part(self) -> None:
        """Close what is open, and leave it to open again before the next part's text."""
        for number in reversed(range(len(self._open))):
            tag, index = self._open[number]
            if index == len(self._pieces) - 1:
                self._pieces.pop()  # opened just before the cut: belongs to the next part
            elif index != -1:
                self._pieces.append(f"</{tag.name}>")
            self._open[number] = (tag, -1)
        self.done.append("".join(self._pieces))
        self._pieces = []

    def finish(self) -> list[str]:
        if any(piece for piece in self._pieces):
            self.done.append("".join(self._pieces))
        return self.done


@functools.lru_cache(maxsize=64)  # a broadcast splits the same message for every chat
def _split(markup: str, limit: int) -> tuple[str, ...]:
    tokenizer = _Tokenizer()
    tokenizer.feed(markup)
    tokens = tokenizer.finish()
    visible = "".join(token for token in tokens if isinstance(token, str))
    cuts, position = _cuts(visible, limit, _wholes(tokens)), 0
    parts = _Parts()
    for token in tokens:
        if isinstance(token, _Open):
            parts.open(token)
        elif isinstance(token, _Close):
            parts.close(token)
        else:
            while cuts and position + len(token) > cuts[0]:
                take = cuts.pop(0) - position
                if take:
                    parts.text(token[:take])
                parts.end_part()
                token, position = token[take:], position + take
            if token:
                parts.text(token)
            position += len(token)
    return tuple(part for part in parts.finish() if _visible(part).strip())


def _wholes(tokens: list[_Token]) -> list[tuple[int, int]]:
    """Where in the visible text each ``_WHOLE`` element's text begins and ends."""
    wholes, opened, position = [], [], 0
    for token in tokens:
        if isinstance(token, str):
            position += len(token)
        elif isinstance(token, _Open):
            opened.append(position)
        else:
            first = opened.pop()
            if token.name in _WHOLE and position > first:
                wholes.append((first, position))
    return wholes


def _visible(part: str) -> str:
    tokenizer = _Tokenizer()
    tokenizer.feed(part)
    return "".join(token for token in tokenizer.finish() if isinstance(token, str))


def split_message(markup: str, *, limit: int = TELEGRAM_LIMIT) -> list[str]:
    """Parts of at most ``limit`` characters of visible text, each well-formed on its own.

    Cuts fall at line breaks where possible, else at spaces, else anywhere in the text, but
    never inside a tag or an entity. A part with no visible text is left out (Telegram
    refuses one); only a run of ``limit`` blank characters makes one.
    """
    if utf16_length(markup) <= min(limit, MAX_LINK_URL):
        return [markup]  # short enough that neither the text nor any link can be too long
    return list(_split(markup, limit)) or [markup]
