"""Dates and clock times in a reader's language: CLDR's names (Babel) and its digits.

English keeps the house form (``Thu 4 Dec 2026``). Hindi, Marathi and Russian use CLDR's
abbreviated weekday and month names in the order each language writes them
(``пт, 4 дек. 2026``, ``शुक्र, 4 दिस॰ 2026``).

Digits follow each language's default numbering system in CLDR (``calendars.i18n.digits``:
Devanagari for Marathi, ``४ डिसें २०२६, १०:००``; Latin for the others). Only shown dates
and times change; ids, commands and zone abbreviations stay as typed.
"""

from __future__ import annotations

from datetime import date, datetime

from babel.dates import format_date

from calendars.i18n import DEFAULT_LANGUAGE, digits, language_of

__all__ = ["day_text", "digits", "hours_minutes", "month_text", "weekday_and_day"]


def _lang(lang: str) -> str:
    return language_of(lang) or DEFAULT_LANGUAGE


def hours_minutes(moment: datetime, lang: str = DEFAULT_LANGUAGE) -> str:
    """``10:00`` (``१०:००`` in Marathi): 24-hour, as news in all four languages writes it."""
    return digits(f"{moment:%H:%M}", lang)


def day_text(value: date, *, year: bool = True, lang: str = DEFAULT_LANGUAGE) -> str:
    """``Thu 10 Dec 2026``, ``чт, 10 дек. 2026``, ``गुरु, 10 दिस॰ 2026`` (no year: without)."""
    lang = _lang(lang)
    if lang == DEFAULT_LANGUAGE:
        return f"{value:%a} {value.day} {value:%b}" + (f" {value:%Y}" if year else "")
    return digits(format_date(value, "EEE, d MMM y" if year else "EEE, d MMM", locale=lang), lang)


def weekday_and_day(value: date, lang: str = DEFAULT_LANGUAGE) -> str:
    """``Thu 4`` (``чт, 4``): the first day of a range within one month."""
    lang = _lang(lang)
    if lang == DEFAULT_LANGUAGE:
        return f"{value:%a} {value.day}"
    return digits(format_date(value, "EEE, d", locale=lang), lang)


def month_text(value: date, lang: str = DEFAULT_LANGUAGE) -> str:
    """``December 2025``, ``декабрь 2025``, ``दिसंबर 2025``: a month on its own."""
    lang = _lang(lang)
    if lang == DEFAULT_LANGUAGE:
        return f"{value:%B} {value.year}"
    return digits(format_date(value, "LLLL y", locale=lang), lang)
