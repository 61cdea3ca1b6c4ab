"""A chat's news filter: words and phrases an article must have, and ones it must not.

Written as ``+S-400 +"rare earths" -cricket``: ``+`` marks a required term, ``-`` an
excluded one, and a term without a sign is required too (as in search engines, so
``/filter S-400`` does what it looks like). Every required term must appear and no
excluded one may; a filter of exclusions only means "everything except".

Terms are plain text, never patterns, and are found as whole words by the keyword rules
of :mod:`calendars.news.matching` (folded case, any script: "मोदी" does not match inside
"मोदींनी"), in the article's title and in its summary. Typographic quotes (“…”, „…“) and
the minus sign (−) are read as ``"`` and ``-``: phones type them for you. (``/filter off``
clears a filter before this module sees it; ``+off`` looks for the word.)

Bounds: at most 20 terms of at most 60 characters, and 2,000 characters of input.
"""

from __future__ import annotations

from dataclasses import dataclass

from calendars.errors import InvalidInput
from calendars.i18n import _
from calendars.news.articles import Article
from calendars.news.matching import can_match, fold, found_phrases

__all__ = ["EXAMPLE", "MAX_TERMS", "MAX_TERM_LENGTH", "NewsFilter", "parse_filter"]

MAX_TERMS = 20
MAX_TERM_LENGTH = 60
MAX_TEXT = 2000  # longer input is refused before it is read
EXAMPLE = '/filter +S-400 +"rare earths" -cricket'

_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "‟": '"', "«": '"', "»": '"'})
_SIGNS = {"+": True, "-": False, "−": False}


def _refuse(message: str) -> InvalidInput:
    """A /filter text could not be read: say why, and show one that can."""
    return InvalidInput(message, example=EXAMPLE)


@dataclass(frozen=True, slots=True)
class NewsFilter:
    """Required and excluded terms, as written (spaces collapsed), in the order given.

    Built only from valid terms: the constructor checks what ``parse_filter`` checks.
    """

    required: tuple[str, ...] = ()
    excluded: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        terms = (*self.required, *self.excluded)
        if not terms:
            raise _refuse(_("a filter needs at least one term"))
        if len(terms) > MAX_TERMS:
            raise _refuse(
                _(
                    "a filter may have at most {limit} terms, not {count}",
                    limit=MAX_TERMS,
                    count=len(terms),
                )
            )
        for term in terms:
            _check_term(term)
        seen: dict[str, str] = {}
        for term in terms:
            key = fold(term)
            if key in seen:
                raise _refuse(
                    _(
                        "{term} appears twice (as {other} too)",
                        term=repr(term),
                        other=repr(seen[key]),
                    )
                )
            seen[key] = term

    def accepts(self, article: Article) -> bool:
        """Whether a chat with this filter wants to hear about ``article``."""
        terms = (*self.required, *self.excluded)
        found = found_phrases(article.title, terms) | found_phrases(article.summary, terms)
        return all(t in found for t in self.required) and not any(t in found for t in self.excluded)

    def render(self) -> str:
        """The filter as /filter takes it: ``parse_filter(f.render()) == f``."""
        return " ".join(
            [*(f"+{_quoted(t)}" for t in self.required), *(f"-{_quoted(t)}" for t in self.excluded)]
        )

    def to_record(self) -> dict[str, list[str]]:
        return {"required": list(self.required), "excluded": list(self.excluded)}

    @classmethod
    def from_record(cls, record: dict[str, list[str]]) -> NewsFilter:
        return cls(tuple(record.get("required", ())), tuple(record.get("excluded", ())))


def _quoted(term: str) -> str:
    plain = not any(c.isspace() for c in term) and term[0] not in _SIGNS
    return term if plain else f'"{term}"'


def _check_term(term: str) -> None:
    if not term or term != " ".join(term.split()):
        raise _refuse(_("a term is empty or has stray spaces"))
    if '"' in term.translate(_QUOTES):
        raise _refuse(
            _("{term}: a term cannot contain a quote mark", term=repr(term[:MAX_TERM_LENGTH]))
        )
    if len(term) > MAX_TERM_LENGTH:
        raise _refuse(
            _(
                "{term}… is {count} characters; a term may have {limit}",
                term=repr(term[:20]),
                count=len(term),
                limit=MAX_TERM_LENGTH,
            )
        )
    if not can_match(term):
        raise _refuse(_("{term} has no letter or digit to look for", term=repr(term)))


def parse_filter(text: str) -> NewsFilter:
    """Read ``+word -word "a phrase" +"a phrase"``; InvalidInput says what is wrong."""
    if len(text) > MAX_TEXT:
        raise _refuse(
            _(
                "that is {count} characters; a filter may have {limit}",
                count=len(text),
                limit=MAX_TEXT,
            )
        )
    text = text.translate(_QUOTES)
    required: list[str] = []
    excluded: list[str] = []
    i, n = 0, len(text)
    while i < n:
        if text[i].isspace():
            i += 1
            continue
        sign = text[i] if text[i] in _SIGNS else ""
        i += len(sign)
        if i >= n or text[i].isspace():
            raise _refuse(
                _("{sign} alone: write the word right after it, as in +S-400", sign=repr(sign))
            )
        if text[i] in _SIGNS:
            raise _refuse(
                _("{signs}: give each term one sign, + or -", signs=repr(text[i - 1 : i + 1]))
            )
        if text[i] == '"':
            close = text.find('"', i + 1)
            if close == -1:
                raise _refuse(_('a quote is not closed: put phrases in "…"'))
            term, i = " ".join(text[i + 1 : close].split()), close + 1
            if not term:
                raise _refuse(_('"" is an empty term: put a word or phrase in the quotes'))
            if i < n and not text[i].isspace():
                raise _refuse(
                    _("put a space after the closing quote of {term}", term=repr(term[:20]))
                )
        else:
            end = i
            while end < n and not text[end].isspace():
                end += 1
            term, i = text[i:end], end
            if '"' in term:
                raise _refuse(
                    _('{term}: put a phrase in quotes, as "rare earths"', term=repr(term[:20]))
                )
        (required if _SIGNS.get(sign, True) else excluded).append(term)
        if len(required) + len(excluded) > MAX_TERMS:
            raise _refuse(_("a filter may have at most {limit} terms", limit=MAX_TERMS))
    return NewsFilter(tuple(required), tuple(excluded))
