"""The bot's languages: gettext catalogs (``calendars/locale``) looked up by language.

English is the source text; Hindi, Marathi and Russian are catalogs managed with Babel
(README, "Languages"). This is pure: the compiled catalogs are read-only data shipped with
the package, read as ``zoneinfo`` reads tzdata, so ``calendars/time`` can format in a
language without knowing any chat.

Two ways to ask:

- ``translator(lang)``: the catalog of one language, for code that is given a language
  (``gettext_in(lang, ...)`` and ``ngettext_in(lang, ...)``).
- ``_`` and ``ngettext``: in the language being spoken (:func:`speaking`), set once where a
  message is addressed to a chat (a handler's update, a delivery to a subscriber), so the
  wording modules only wrap their strings and need no language parameter threaded through.

Placeholders are named, ``{title}``, filled with ``str.format`` after the lookup; a value
is never read as a format string, so outside text cannot inject one. A whole number filled
in is written in the language's own digits (Marathi prose prints ``१२``): pass a number
that must be typed back (an id, a chat number) as text.
"""

from __future__ import annotations

import gettext
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path
from typing import Final, ParamSpec, TypeVar

from babel import Locale

__all__ = [
    "DEFAULT_LANGUAGE",
    "LANGUAGES",
    "LANGUAGE_NAMES",
    "N_",
    "_",
    "current_language",
    "digits",
    "gettext_in",
    "language_of",
    "ngettext",
    "ngettext_in",
    "parse_language",
    "speaking",
    "translator",
    "worded_in",
]

DEFAULT_LANGUAGE: Final = "en"
LANGUAGES: Final = ("en", "hi", "mr", "ru")
# Each language in its own words, as /lang lists them.
LANGUAGE_NAMES: Final = {"en": "English", "hi": "हिन्दी", "mr": "मराठी", "ru": "Русский"}
LOCALE_DIR: Final = Path(__file__).resolve().parent / "locale"
DOMAIN: Final = "messages"

_DEVANAGARI: Final = str.maketrans("0123456789", "०१२३४५६७८९")

_spoken: ContextVar[str] = ContextVar("summitwatch_language", default=DEFAULT_LANGUAGE)


def language_of(code: str | None) -> str | None:
    """``ru-RU`` → ``ru``, ``HI`` → ``hi``; None for a language we do not speak."""
    if not code:
        return None
    base = code.strip().replace("_", "-").split("-", 1)[0].lower()
    return base if base in LANGUAGES else None


def parse_language(text: str) -> str:
    """``/lang`` text (``ru``, ``RU``, ``ru-RU``) → ``ru``; anything else is refused."""
    from calendars.errors import InvalidInput  # errors word their messages with this module

    lang = language_of(text)
    if lang is None:
        choices = ", ".join(f"{code} ({name})" for code, name in LANGUAGE_NAMES.items())
        raise InvalidInput(_("choose one of {choices}", choices=choices), example="/lang ru")
    return lang


@cache
def translator(lang: str) -> gettext.NullTranslations:
    """The catalog of ``lang`` (English, the source text, for any other value)."""
    if language_of(lang) in (None, DEFAULT_LANGUAGE):
        return gettext.NullTranslations()
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=[lang])


@cache
def _native_digits(lang: str) -> bool:
    """CLDR's default numbering system: Devanagari for Marathi, Latin for the others.

    Latin for Hindi is the "international form of Indian numerals" of the Constitution
    (Art. 343) and what Hindi news sites print; Marathi papers print ``४ डिसें, १०:००``.
    """
    return Locale.parse(lang).default_numbering_system == "deva"


def digits(text: str, lang: str) -> str:
    """``text`` with its ASCII digits written as ``lang`` writes them in prose."""
    lang = language_of(lang) or DEFAULT_LANGUAGE
    return text.translate(_DEVANAGARI) if _native_digits(lang) else text


def _filled(lang: str, text: str, fields: dict[str, object]) -> str:
    if not fields:
        return text
    numbers = {
        name: digits(str(value), lang)
        for name, value in fields.items()
        if isinstance(value, int) and not isinstance(value, bool)
    }
    return text.format(**{**fields, **numbers})


def gettext_in(lang: str, message: str, /, **fields: object) -> str:
    """``message`` in ``lang``, its ``{placeholders}`` filled from ``fields``."""
    return _filled(lang, translator(lang).gettext(message), fields)


def ngettext_in(lang: str, singular: str, plural: str, count: int, /, **fields: object) -> str:
    """The form of ``count`` in ``lang`` (Russian has three); ``{count}`` is filled too."""
    form = translator(lang).ngettext(singular, plural, count)
    return _filled(lang, form, {"count": count, **fields})


def current_language() -> str:
    """The language of the message being worded (English unless :func:`speaking` says)."""
    return _spoken.get()


@contextmanager
def speaking(lang: str | None) -> Iterator[str]:
    """Word everything inside in ``lang`` (English when it is not one of ours)."""
    token = _spoken.set(language_of(lang) or DEFAULT_LANGUAGE)
    try:
        yield _spoken.get()
    finally:
        _spoken.reset(token)


_P = ParamSpec("_P")
_R = TypeVar("_R")


def worded_in(
    lang: str | None, word: Callable[_P, _R], /, *args: _P.args, **kwargs: _P.kwargs
) -> _R:
    """``word(*args, **kwargs)`` spoken in ``lang``: a message built for one subscriber."""
    with speaking(lang):
        return word(*args, **kwargs)


def _(message: str, /, **fields: object) -> str:
    """``message`` in the language being spoken, placeholders filled."""
    return gettext_in(_spoken.get(), message, **fields)


def ngettext(singular: str, plural: str, count: int, /, **fields: object) -> str:
    """The plural form of ``count`` in the language being spoken."""
    return ngettext_in(_spoken.get(), singular, plural, count, **fields)


def N_(message: str) -> str:
    """Marks a constant for extraction; it is translated where it is used (``_(NAME)``)."""
    return message
