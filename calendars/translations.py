"""An event's own words in the readers' languages: title, place and description.

The event's fields are the original text (written in English, the bot's source language);
an admin may add a translation of each for Hindi, Marathi and Russian
(``/editevent <id> title.hi="…"``). A reader sees their language where it exists and the
original otherwise (:func:`localized`). Translations are admin data: neither an upstream
calendar, an import nor the shipped seed ever writes them.

Each translation is checked as the original field is (the same length limit, control
characters refused, invisible ones removed) and is escaped where it is shown by the same
code, since readers get a copy of the event with the translated text in its fields.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from calendars.errors import InvalidEvent
from calendars.event_fields import TEXT_LIMITS, clean_field
from calendars.i18n import DEFAULT_LANGUAGE, LANGUAGES, language_of

if TYPE_CHECKING:
    from calendars.events import Event

__all__ = [
    "NO_TRANSLATIONS",
    "TRANSLATABLE",
    "TRANSLATION_LANGUAGES",
    "Translations",
    "is_translation_key",
    "localized",
    "translated_fields",
    "translation_key",
]

# The fields a reader sees, in the order they are listed.
TRANSLATABLE: Final = ("title", "location", "description")
# The original is the English text: a translation is into one of the other languages.
TRANSLATION_LANGUAGES: Final = tuple(lang for lang in LANGUAGES if lang != DEFAULT_LANGUAGE)
_EXAMPLE = '/editevent putin-new-delhi-2025 title.hi="पुतिन की भारत यात्रा"'


def translation_key(field: str, lang: str) -> str:
    """``title.hi``: how a translation is named in commands and in the history."""
    return f"{field}.{lang}"


def is_translation_key(name: str) -> bool:
    """Whether ``name`` is ``<translatable field>.<language>``."""
    field, dot, lang = name.partition(".")
    return bool(dot) and field in TRANSLATABLE and lang in TRANSLATION_LANGUAGES


@dataclass(frozen=True, slots=True)
class Translations:
    """(language, field, text) triples, sorted, at most one per language and field.

    A tuple, not a dict, so an ``Event`` stays immutable and hashable; built through
    :meth:`from_mapping` or :meth:`with_text`, which check every text.
    """

    texts: tuple[tuple[str, str, str], ...] = ()

    def __post_init__(self) -> None:
        checked: dict[tuple[str, str], str] = {}
        for lang, field, text in self.texts:
            key = (_checked_language(lang), _checked_field(field))
            cleaned = _checked_text(field, lang, text)
            if cleaned:
                checked[key] = cleaned
            else:
                checked.pop(key, None)
        object.__setattr__(
            self, "texts", tuple((lg, f, t) for (lg, f), t in sorted(checked.items()))
        )

    def __bool__(self) -> bool:
        return bool(self.texts)

    def get(self, lang: str, field: str) -> str | None:
        """The text of ``field`` in ``lang``, if an admin wrote one."""
        return next((t for lg, f, t in self.texts if lg == lang and f == field), None)

    def fields_in(self, lang: str) -> dict[str, str]:
        """Every translated field of ``lang``."""
        return {f: t for lg, f, t in self.texts if lg == lang}

    def named(self) -> dict[str, str]:
        """``{"title.hi": text, …}``, as the history names them."""
        return {translation_key(f, lg): t for lg, f, t in self.texts}

    def with_text(self, lang: str, field: str, text: str) -> Translations:
        """A copy with ``field`` in ``lang`` set to ``text`` (removed when it is empty)."""
        kept = [(lg, f, t) for lg, f, t in self.texts if (lg, f) != (lang, field)]
        return Translations((*kept, (lang, field, text)))

    def to_record(self) -> dict[str, dict[str, str]]:
        record: dict[str, dict[str, str]] = {}
        for lang, field, text in self.texts:
            record.setdefault(lang, {})[field] = text
        return record

    @classmethod
    def from_mapping(cls, record: Mapping[str, Any] | None) -> Translations:
        """From ``{"hi": {"title": "…"}}`` (a stored record: none before issue 14)."""
        if not record:
            return cls()
        if not isinstance(record, Mapping):
            raise InvalidEvent("translations must map a language to its fields")
        texts = []
        for lang, fields in record.items():
            if not isinstance(fields, Mapping):
                raise InvalidEvent(f"translations of {str(lang)[:10]!r} must map fields to text")
            texts += [(str(lang), str(field), text) for field, text in fields.items()]
        return cls(tuple(texts))


NO_TRANSLATIONS: Final = Translations()


def _checked_language(lang: str) -> str:
    if lang not in TRANSLATION_LANGUAGES:
        raise InvalidEvent(
            f"a translation's language must be one of {', '.join(TRANSLATION_LANGUAGES)}",
            example=_EXAMPLE,
        )
    return lang


def _checked_field(field: str) -> str:
    if field not in TRANSLATABLE:
        raise InvalidEvent(f"only {', '.join(TRANSLATABLE)} have translations", example=_EXAMPLE)
    return field


def _checked_text(field: str, lang: str, text: object) -> str:
    """As the original field is checked: its limit, its control characters refused."""
    if not isinstance(text, str):
        raise InvalidEvent(f"{translation_key(field, lang)} must be text", example=_EXAMPLE)
    return clean_field(
        translation_key(field, lang),
        text,
        limit=TEXT_LIMITS[field],
        multiline=field == "description",
        example=_EXAMPLE,
    )


def localized(event: Event, lang: str | None) -> Event:
    """The event as a reader of ``lang`` sees it: each translated field in that language,
    the original where there is none. A copy for showing, never for saving."""
    code = language_of(lang)
    if code is None or code == DEFAULT_LANGUAGE or not event.translations:
        return event
    fields = event.translations.fields_in(code)
    if not fields:
        return event
    # A copy without building it again: the texts were checked as the event was built
    # (re-validating the whole event cost ~90 µs, per reader, per message).
    shown = object.__new__(type(event))
    for field in dataclasses.fields(event):
        object.__setattr__(shown, field.name, fields.get(field.name, getattr(event, field.name)))
    return shown


def translated_fields(event: Event, lang: str | None) -> dict[str, tuple[str, str | None]]:
    """Each translatable field as ``lang`` reads it, with the language it is in (None:
    the original's): what ``/api/events?lang=`` reports."""
    code = language_of(lang)
    fields = event.translations.fields_in(code) if code else {}
    return {
        name: (fields[name], code) if name in fields else (getattr(event, name), None)
        for name in TRANSLATABLE
    }
