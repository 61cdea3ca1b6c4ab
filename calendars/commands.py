"""The arguments of admin commands (``/addevent``, ``/editevent``), read into events.

Text in, validated values out: handlers only send the reply. Every refusal names the part
that is wrong and carries an example of the command written correctly.
"""

from __future__ import annotations

import difflib
import re
import shlex
from collections.abc import Callable, Container, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from calendars.errors import InvalidEvent, InvalidInput, InvalidWhen, NotFound
from calendars.events import Event, Status, normalise_tag
from calendars.i18n import LANGUAGE_NAMES, N_, _
from calendars.slugs import slugify
from calendars.time.when import parse_when
from calendars.time.zones import zone_or_none
from calendars.translations import TRANSLATABLE, TRANSLATION_LANGUAGES, translation_key

__all__ = [
    "ADDEVENT_EXAMPLE",
    "ADDEVENT_USAGE",
    "EDITABLE_FIELDS",
    "EDITEVENT_EXAMPLE",
    "IMPORTICS_EXAMPLE",
    "MAX_COMMAND_LENGTH",
    "TRANSLATION_EXAMPLE",
    "EventDraft",
    "build_event",
    "parse_addevent",
    "parse_editevent",
    "parse_importics",
]

MAX_COMMAND_LENGTH = 5000  # a Telegram message holds 4096 characters; more is not typed
ADDEVENT_EXAMPLE = (
    "/addevent 2026-12-04 10:00 - 2026-12-05 18:00 Asia/Kolkata | Modi–Putin talks | "
    "Hyderabad House, New Delhi | india-russia defence | Annual summit"
)
ADDEVENT_USAGE = f"""\
/addevent <when> | <title> | <location> | <tags> [| <description>]
<when> is one of:
  2026-12-04 10:00 Asia/Kolkata  (one hour)
  2026-12-04 10:00 - 12:00 Asia/Kolkata
  2026-12-04 10:00 - 2026-12-05 18:00 Asia/Kolkata
  2026-12-04 Asia/Kolkata  (all day)
  2026-12-04..2026-12-05 Asia/Kolkata  (all day, both days)
  2026-12 Asia/Kolkata  (in December 2026, date to be announced)
  2027 Asia/Kolkata  (in 2027, date to be announced)
Without a time zone, the bot's default zone is used.
<location> may be - for none; <tags> are separated by spaces or commas.
Example: {ADDEVENT_EXAMPLE}"""
EDITABLE_FIELDS = ("title", "when", "location", "tags", "keywords", "description", "status", "url")
# Not fields of the event: why it changed, kept in its history with the change.
HISTORY_FIELDS = ("note", "source")
EDITEVENT_EXAMPLE = (
    "/editevent putin-new-delhi-2025 status=confirmed "
    'source=https://www.mea.gov.in/press-releases.htm note="MEA readout"'
)
TRANSLATION_EXAMPLE = (
    '/editevent putin-new-delhi-2025 title.hi="पुतिन की भारत यात्रा" location.ru="Нью-Дели"'
)
_PARTS = ("when", "title", "location", "tags", "description")
_NONE = frozenset({"", "-"})


def parse_addevent(text: str, *, default_zone: str, now: datetime, taken: Container[str]) -> Event:
    """``<when> | <title> | <location> | <tags> [| <description>]`` → a new event."""
    _check_length(text, ADDEVENT_EXAMPLE)
    parts = [part.strip() for part in text.split("|", len(_PARTS) - 1)]
    if len(parts) < 4:
        raise InvalidInput(
            _(
                "expected 4 or 5 parts separated by |, got {count}: {parts}",
                count=len(parts),
                parts="<when> | <title> | <location> | <tags> [| <description>]",
            ),
            example=ADDEVENT_EXAMPLE,
        )
    when_text, title, location, tag_text = parts[:4]
    return build_event(
        EventDraft(
            when=when_text,
            title=title,
            location=location,
            tags=tag_text,
            description=parts[4] if len(parts) > 4 else "",
        ),
        default_zone=default_zone,
        now=now,
        taken=taken,
        labels=_PART_LABELS,
    )


@dataclass(frozen=True, slots=True)
class EventDraft:
    """The answers of an ``/addevent``, as typed: one line split at ``|``, or a dialogue."""

    when: str
    title: str
    location: str = ""
    tags: str = ""
    description: str = ""


_PART_LABELS = {  # worded where they are shown
    "when": N_("part 1 (when)"),
    "title": N_("part 2 (title)"),
    "tags": N_("part 4 (tags)"),
}
_ANSWER_LABELS = {"when": N_("when"), "title": N_("the title"), "tags": N_("the topics")}


def build_event(
    draft: EventDraft,
    *,
    default_zone: str,
    now: datetime,
    taken: Container[str],
    labels: Mapping[str, str] = _ANSWER_LABELS,
) -> Event:
    """A new event from its typed parts; a refusal names the part (``labels``) that is wrong."""
    try:
        when = parse_when(draft.when.strip(), default_zone=default_zone, periods=True)
    except InvalidWhen as exc:
        raise InvalidWhen(f"{_(labels['when'])}: {exc.message}", example=exc.example) from exc
    title = draft.title.strip()
    if not title:
        raise InvalidEvent(_("{part} is empty", part=_(labels["title"])), example=ADDEVENT_EXAMPLE)
    location = draft.location.strip()
    return _new_event(
        id=slugify(title, year=when.start.year, taken=taken),
        title=title,
        start=when.start,
        end=when.end,
        timezone=when.timezone,
        precision=when.precision,
        location="" if location in _NONE else location,
        description=draft.description.strip(),
        tags=_tags(draft.tags, _(labels["tags"])),
        created=now,
        updated=now,
    )


IMPORTICS_EXAMPLE = "/importics https://calendar.example.org/summits.ics tz=Asia/Kolkata"


def parse_importics(text: str) -> tuple[str, str | None]:
    """The URL (or "") and the ``tz=`` zone of ``/importics [URL] [tz=Area/City]``."""
    words = text.split()
    zones = [word[3:] for word in words if word.lower().startswith("tz=")]
    url = " ".join(word for word in words if not word.lower().startswith("tz="))
    if not zones:
        return url, None
    zone = zone_or_none(zones[-1])
    if zone is None:
        raise InvalidInput(
            _(
                "{zone} is not a time zone; use an IANA name such as Asia/Kolkata",
                zone=repr(zones[-1]),
            ),
            example=IMPORTICS_EXAMPLE,
        )
    return url, zone.key


def parse_editevent(
    text: str, *, current_lookup: Callable[[str], Event | None]
) -> tuple[str, dict[str, Any]]:
    """``<id> field=value field="value with spaces"`` → the id and the changes to make.

    The changes are :class:`Event` field names, plus ``note`` and ``source`` (the why of
    the change, for its history), checked by building the revised event, so
    ``Event.revised(**changes)`` will not refuse them later.
    """
    _check_length(text, EDITEVENT_EXAMPLE)
    try:
        words = shlex.split(text)
    except ValueError as exc:  # "No closing quotation", "No escaped character"
        raise InvalidInput(
            _(
                "the quotes do not match ({why}): put each value with spaces in one pair of "
                '"double quotes"',
                why=str(exc).lower(),
            ),
            example=EDITEVENT_EXAMPLE,
        ) from exc
    if not words:
        raise InvalidInput(
            _("give the event id and the fields to change"), example=EDITEVENT_EXAMPLE
        )
    event_id, assignments = words[0].lower(), words[1:]
    if all(_assignment(word)[0] in HISTORY_FIELDS for word in assignments):
        raise InvalidInput(
            _(
                "nothing to change: after the id, write field=value ({fields})",
                fields=", ".join(EDITABLE_FIELDS),
            ),
            example=EDITEVENT_EXAMPLE,
        )
    current = current_lookup(event_id)
    if current is None:
        raise NotFound(_("no event with id {id}; /upcoming lists the ids", id=repr(event_id[:64])))
    changes: dict[str, Any] = {}
    seen: set[str] = set()
    translations = current.translations
    for assignment in assignments:
        name, value = _assignment(assignment)
        if name in seen:
            example = TRANSLATION_EXAMPLE if "." in name else EDITEVENT_EXAMPLE
            raise InvalidInput(_("{name} is given twice", name=name), example=example)
        seen.add(name)
        if "." in name:  # title.hi="…"; "" or - removes it
            field, _dot, lang = name.partition(".")
            text = "" if value in _NONE else value
            translations = translations.with_text(lang, field, text)
            changes["translations"] = translations
        else:
            changes.update(_change(name, value, current))
    try:
        current.revised(now=current.updated, **changes)
    except InvalidEvent as exc:
        raise InvalidEvent(exc.message, example=exc.example or EDITEVENT_EXAMPLE) from exc
    return current.id, changes


def _check_length(text: str, example: str) -> None:
    if len(text) > MAX_COMMAND_LENGTH:
        raise InvalidInput(
            _(
                "the command is {length} characters long; the limit is {limit}",
                length=len(text),
                limit=MAX_COMMAND_LENGTH,
            ),
            example=example,
        )


def _tags(text: str, part: str) -> tuple[str, ...]:
    tags = []
    for word in re.split(r"[\s,]+", text.strip()):
        if word in _NONE:
            continue
        try:
            tags.append(normalise_tag(word))
        except InvalidEvent as exc:
            raise InvalidEvent(f"{part}: {exc.message}", example=exc.example) from exc
    return tuple(tags)


def _assignment(word: str) -> tuple[str, str]:
    name, equals, value = word.partition("=")
    name = name.strip().lower()
    if not equals:
        raise InvalidInput(
            _(
                "{word} is not field=value; put values with spaces in quotes, as in {example}",
                word=repr(word[:40]),
                example='title="Modi Putin talks"',
            ),
            example=EDITEVENT_EXAMPLE,
        )
    if "." in name:
        return _translation_name(name), value.strip()
    if name not in EDITABLE_FIELDS + HISTORY_FIELDS:
        close = difflib.get_close_matches(name, EDITABLE_FIELDS + HISTORY_FIELDS, n=1)
        hint = _("did you mean {field}?", field=close[0]) + " " if close else ""
        raise InvalidInput(
            _(
                "{name} cannot be edited; {hint}editable fields: {fields} (and note, source: "
                "why it changed)",
                name=repr(name[:30]),
                hint=hint,
                fields=", ".join(EDITABLE_FIELDS),
            ),
            example=EDITEVENT_EXAMPLE,
        )
    return name, value.strip()


def _translation_name(name: str) -> str:
    """``title.hi`` as typed, checked: a translatable field and one of our languages."""
    field, _dot, lang = name.partition(".")
    if field not in TRANSLATABLE:
        raise InvalidInput(
            _(
                "{name}: only {fields} have translations (field.language=text)",
                name=repr(name[:30]),
                fields=", ".join(TRANSLATABLE),
            ),
            example=TRANSLATION_EXAMPLE,
        )
    if lang not in TRANSLATION_LANGUAGES:
        choices = ", ".join(f"{code} ({LANGUAGE_NAMES[code]})" for code in TRANSLATION_LANGUAGES)
        raise InvalidInput(
            _(
                "{name}: translations are into {choices}; the text of {field}= itself is "
                "the English original",
                name=repr(name[:30]),
                choices=choices,
                field=field,
            ),
            example=TRANSLATION_EXAMPLE,
        )
    return translation_key(field, lang)


def _change(name: str, value: str, current: Event) -> dict[str, Any]:
    if name == "when":
        # Moving a timed event keeps its length unless a new end is given.
        duration = current.ends_at - current.starts_at if not current.all_day else None
        try:
            when = parse_when(
                value,
                default_zone=current.timezone,
                default_duration=duration or timedelta(hours=1),
                periods=True,
            )
        except InvalidWhen as exc:
            raise InvalidWhen(f"when: {exc.message}", example=exc.example) from exc
        moved = {"start": when.start, "end": when.end, "timezone": when.timezone}
        if when.precision is not current.precision:  # a day given sets precision to day
            moved["precision"] = when.precision
        return moved
    if name == "tags":
        return {"tags": _tags(value, "tags")}
    if name == "keywords":
        return {"keywords": tuple(k.strip() for k in value.split(",") if k.strip())}
    if name == "url":
        return {"urls": (value,) if value else ()}
    if name == "location" and value in _NONE:
        return {"location": ""}
    if name == "status":
        try:
            return {"status": Status.parse(value)}
        except ValueError:
            choices = ", ".join(s.value for s in Status)
            raise InvalidEvent(
                _(
                    "status {value} is not one of {choices}",
                    value=repr(value[:40]),
                    choices=choices,
                ),
                example=EDITEVENT_EXAMPLE,
            ) from None
    return {name: value}


def _new_event(**fields: Any) -> Event:
    try:
        return Event(**fields)
    except InvalidEvent as exc:
        raise InvalidEvent(exc.message, example=exc.example or ADDEVENT_EXAMPLE) from exc
