"""``/watch add`` read into a watched name: the first word is the name, the rest aliases.

A name or alias of several words goes in double quotes (``"New Delhi"``); ``kind=`` and
``topics=`` may stand anywhere. Every refusal says what was wrong and shows the right form.
"""

from __future__ import annotations

import shlex

from calendars.errors import InvalidEvent, InvalidInput
from calendars.events import normalise_tag
from calendars.i18n import _
from calendars.news.announcements import WatchName
from calendars.news.matching import can_match

__all__ = ["MAX_ALIASES", "MAX_NAME", "WATCH_ADD_EXAMPLE", "WATCH_KINDS", "parse_watch_add"]

WATCH_KINDS = ("person", "place", "organisation")
MAX_NAME = 80
MAX_ALIASES = 20
WATCH_ADD_EXAMPLE = (
    '/watch add Zelensky Зеленський ज़ेलेंस्की  ·  /watch add "New Delhi" "नई दिल्ली" '
    "kind=place topics=india"
)
_KIND_WORDS = {"organization": "organisation", "org": "organisation", "people": "person"}


def parse_watch_add(text: str) -> WatchName:
    """``Zelensky Зеленський kind=person topics=ukraine,europe`` → a person named Zelensky."""
    if len(text) > 2000:
        raise InvalidInput(
            _("that is too long for one name and its aliases"), example=WATCH_ADD_EXAMPLE
        )
    try:
        words = shlex.split(text)
    except ValueError:  # "No closing quotation"
        raise InvalidInput(
            _('the quotes do not match: put each name of several words in one pair of "quotes"'),
            example=WATCH_ADD_EXAMPLE,
        ) from None
    kind, topics, written = "person", tuple[str, ...](), list[str]()
    for word in words:
        key, equals, value = word.partition("=")
        if equals and key.lower() == "kind":
            kind = _kind(value)
        elif equals and key.lower() == "topics":
            topics = _topics(value)
        else:
            written.append(" ".join(word.split()))
    if not written:
        raise InvalidInput(
            _("which name? Give it first, then its aliases"), example=WATCH_ADD_EXAMPLE
        )
    for word in written:
        if len(word) > MAX_NAME or not can_match(word):
            raise InvalidInput(
                _(
                    "{word} cannot be a name: it needs a letter and at most {limit} characters",
                    word=repr(word[:40]),
                    limit=MAX_NAME,
                ),
                example=WATCH_ADD_EXAMPLE,
            )
    aliases = tuple(dict.fromkeys(w for w in written[1:] if w.casefold() != written[0].casefold()))
    if len(aliases) > MAX_ALIASES:
        raise InvalidInput(
            _("at most {limit} aliases per name", limit=MAX_ALIASES), example=WATCH_ADD_EXAMPLE
        )
    return WatchName(name=written[0], kind=kind, aliases=aliases, topics=topics)


def _kind(value: str) -> str:
    kind = _KIND_WORDS.get(value.lower(), value.lower())
    if kind not in WATCH_KINDS:
        raise InvalidInput(
            _(
                "{kind} is not one of {kinds}",
                kind=f"kind={value[:30]}",
                kinds=", ".join(WATCH_KINDS),
            ),
            example=WATCH_ADD_EXAMPLE,
        )
    return kind


def _topics(value: str) -> tuple[str, ...]:
    try:
        return tuple(dict.fromkeys(normalise_tag(t) for t in value.split(",") if t.strip()))
    except InvalidEvent as exc:
        raise InvalidInput(f"topics: {exc.message}", example=WATCH_ADD_EXAMPLE) from None
