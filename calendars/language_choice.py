"""Which language a web request asks for: ``?lang=`` first, then ``Accept-Language``.

One home for this choice, so the page, the feeds and the JSON API read ``?lang=`` the same
way: ``asked_language`` for the query parameter (``ru-RU`` → ``ru``; a language we do not
speak is refused with the choices), ``accepted_language`` for the header, and
``request_language`` for both, as the page uses them.

``Accept-Language`` is outside input of any shape: the parser is bounded (the first
``MAX_HEADER`` characters, at most ``MAX_RANGES`` ranges), never raises, and skips a range
whose weight is not a qvalue (RFC 9110 §12.4.2) instead of refusing the whole header.
"""

from __future__ import annotations

import re
from typing import Final
from urllib.parse import urlencode

from calendars.errors import InvalidInput
from calendars.i18n import DEFAULT_LANGUAGE, LANGUAGE_NAMES, _, language_of

__all__ = [
    "accepted_language",
    "asked_language",
    "feed_in_language",
    "language_ranges",
    "request_language",
]

MAX_HEADER: Final = 1024
MAX_RANGES: Final = 32
_RANGE = re.compile(r"[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*|\*")
_QVALUE = re.compile(r"q=(0(?:\.[0-9]{0,3})?|1(?:\.0{0,3})?)", re.IGNORECASE)


def asked_language(value: str | None) -> str | None:
    """``?lang=`` → one of ours (``ru-RU`` → ``ru``); None when absent or empty.

    Raises ``InvalidInput`` naming the choices for a language we do not speak.
    """
    if value is None or not value.strip():
        return None
    lang = language_of(value)
    if lang is None:
        choices = ", ".join(f"{code} ({name})" for code, name in LANGUAGE_NAMES.items())
        raise InvalidInput(
            _(
                "lang={value} is not a language of this calendar; choose one of {choices}",
                value=repr(value[:20]),
                choices=choices,
            ),
            example="?lang=hi",
        )
    return lang


def feed_in_language(url: str, lang: str) -> str:
    """``url`` of a feed served in ``lang`` (``?lang=hi`` added); English: unchanged, the
    bytes every subscriber always had."""
    if lang == DEFAULT_LANGUAGE:
        return url
    return f"{url}{'&' if '?' in url else '?'}{urlencode({'lang': lang})}"


def language_ranges(header: str) -> list[tuple[str, float]]:
    """``Accept-Language`` as (range, weight), heaviest first, ties in the header's order.

    Ranges with weight 0 ("not this one") and malformed ones are left out.
    """
    ranges: list[tuple[str, float]] = []
    for item in header[:MAX_HEADER].split(",")[:MAX_RANGES]:
        tag, _sep, params = item.partition(";")
        tag = tag.strip()
        if not _RANGE.fullmatch(tag):
            continue
        weight = 1.0
        for param in params.split(";") if params else ():
            param = param.strip()
            if param[:2].lower() != "q=":
                continue  # RFC 9110 has no other parameter here; ignore it
            found = _QVALUE.fullmatch(param)
            weight = float(found.group(1)) if found else -1.0
        if weight > 0:
            ranges.append((tag, weight))
    ranges.sort(key=lambda pair: -pair[1])  # stable: equal weights keep the header's order
    return ranges


def accepted_language(header: str | None) -> str | None:
    """The first of our languages the header accepts (``hi-IN`` counts as ``hi``), or None.

    ``*`` (anything) picks none: the default then speaks for itself.
    """
    if not header:
        return None
    for tag, _weight in language_ranges(header):
        lang = language_of(tag) if tag != "*" else None
        if lang is not None:
            return lang
    return None


def request_language(query: str | None, header: str | None) -> tuple[str, bool]:
    """The page's language and whether ``?lang=`` chose it (links then keep it).

    A ``?lang=`` we do not speak falls back to the header here: a person sees the page, in
    some language, with the switcher to pick another.
    """
    try:
        asked = asked_language(query)
    except InvalidInput:
        asked = None
    if asked is not None:
        return asked, True
    return accepted_language(header) or DEFAULT_LANGUAGE, False
