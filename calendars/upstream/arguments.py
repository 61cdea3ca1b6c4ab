"""What an admin types after /addsource: ``<url> [topics…] [tz=Area/City]``, checked."""

from __future__ import annotations

from dataclasses import dataclass

from calendars.errors import InvalidInput
from calendars.events import normalise_tag
from calendars.i18n import _
from calendars.time.zones import zone_or_none

__all__ = ["ADDSOURCE_USAGE", "MAX_TOPICS", "AddSource", "parse_addsource"]

ADDSOURCE_USAGE = "/addsource https://example.org/summits.ics sco india-russia tz=Asia/Kolkata"
MAX_TOPICS = 20  # each event of the source carries them as tags; an event takes at most 20


@dataclass(frozen=True, slots=True)
class AddSource:
    url: str
    topics: tuple[str, ...]
    zone: str | None


def parse_addsource(text: str) -> AddSource:
    """The URL (checked when the source is added), topics as tags, and the zone of
    floating times; every mistake is an InvalidInput with a correct example."""
    words = text.split()
    if not words:
        raise InvalidInput(
            _("which calendar? Give its .ics URL, then any topics and tz=Area/City"),
            example=ADDSOURCE_USAGE,
        )
    url, topics, zone = words[0], [], None
    for word in words[1:]:
        key, sep, value = word.partition("=")
        if not sep:
            try:
                topics.append(normalise_tag(word))
            except InvalidInput as exc:
                raise InvalidInput(exc.message, example=ADDSOURCE_USAGE) from None
            continue
        if key.lower() != "tz":
            raise InvalidInput(
                _(
                    "unknown option {option}: only tz=Area/City is known (after the topics)",
                    option=repr(key[:30]),
                ),
                example=ADDSOURCE_USAGE,
            )
        found = zone_or_none(value)
        if found is None:
            raise InvalidInput(
                _(
                    "unknown time zone {zone}: give an IANA name such as Asia/Kolkata",
                    zone=repr(value[:60]),
                ),
                example=ADDSOURCE_USAGE,
            )
        zone = found.key
    unique = tuple(dict.fromkeys(topics))
    if len(unique) > MAX_TOPICS:
        raise InvalidInput(
            _(
                "{count} topics: at most {limit}, since each event of the calendar carries "
                "them as its tags",
                count=len(unique),
                limit=MAX_TOPICS,
            ),
            example=ADDSOURCE_USAGE,
        )
    return AddSource(url, unique, zone)
