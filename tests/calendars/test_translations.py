"""Translations of an event's fields: stored, checked, edited with ``field.lang=``, shown
in the reader's language, recorded in the history without an alert, rendered per
language in the feeds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import icalendar
import pytest
from hypothesis import given
from hypothesis import strategies as st

from calendars.briefing_content import ChangeEntry, changes_since
from calendars.commands import TRANSLATION_EXAMPLE, parse_editevent
from calendars.errors import InvalidEvent, InvalidInput, NotFound
from calendars.events import Event
from calendars.history import tracked_changes
from calendars.ical.render import CalendarMeta, IcalRenderer
from calendars.translations import (
    NO_TRANSLATIONS,
    TRANSLATABLE,
    Translations,
    localized,
    translated_fields,
)
from tests.conftest import at, timed_event

NOW = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
HINDI = "पुतिन की भारत यात्रा"


def visit(**fields: object) -> Event:
    return timed_event(
        "putin-new-delhi-2026",
        at("2026-12-04T10:00", "Asia/Kolkata"),
        title="Putin visits New Delhi",
        location="Hyderabad House",
        description="Annual summit.",
        created=NOW,
        updated=NOW,
        **fields,
    )


def edited(text: str, event: Event | None = None) -> Event:
    current = event or visit()
    _id, changes = parse_editevent(f"{current.id} {text}", current_lookup=lambda _: current)
    return current.revised(now=NOW + timedelta(minutes=1), by="telegram:1", **changes)


# ---- the stored form -------------------------------------------------------------------


def test_a_record_from_before_translations_loads_with_none_and_is_written_as_before() -> None:
    record = visit().to_record()
    assert "translations" not in record  # records and seed digests of untranslated events
    event = Event.from_record(record)
    assert event.translations is NO_TRANSLATIONS or not event.translations
    assert localized(event, "hi") is event


def test_translations_survive_the_round_trip_through_the_record() -> None:
    event = edited(f'title.hi="{HINDI}" location.ru="Дом Хайдарабада"')
    record = event.to_record()
    assert record["translations"] == {
        "hi": {"title": HINDI},
        "ru": {"location": "Дом Хайдарабада"},
    }
    assert Event.from_record(record) == event


@pytest.mark.parametrize(
    ("record", "problem"),
    [
        ({"de": {"title": "Besuch"}}, "language must be one of hi, mr, ru"),
        ({"en": {"title": "Visit"}}, "language must be one of hi, mr, ru"),
        ({"hi": {"tags": "x"}}, "only title, location, description have translations"),
        ({"hi": {"title": "a" * 201}}, "title.hi is 201 characters long; the limit is 200"),
        ({"hi": {"location": "a\x07b"}}, "location.hi contains control characters"),
        ({"hi": {"title": 5}}, "title.hi must be text"),
        ({"hi": "title"}, "must map fields to text"),
    ],
)
def test_a_bad_translation_is_refused_naming_it(record: dict[str, object], problem: str) -> None:
    with pytest.raises(InvalidEvent, match=problem):
        Translations.from_mapping(record)


def test_texts_are_cleaned_as_the_original_fields_are() -> None:
    translations = Translations.from_mapping(
        {
            "hi": {"title": "  मोदी \u200b पुतिन  ", "location": "   "},
            "ru": {"description": "Первый абзац.\n\nВторой."},
        }
    )
    assert translations.get("hi", "title") == "मोदी पुतिन"
    assert translations.get("hi", "location") is None  # empty: no translation
    assert translations.get("ru", "description") == "Первый абзац.\n\nВторой."


# ---- what readers see ------------------------------------------------------------------


def test_a_reader_sees_their_language_where_it_exists_and_the_original_otherwise() -> None:
    event = edited(f'title.hi="{HINDI}" location.mr="हैदराबाद हाऊस"')
    hindi, marathi = localized(event, "hi"), localized(event, "mr-IN")
    assert (hindi.title, hindi.location) == (HINDI, "Hyderabad House")
    assert (marathi.title, marathi.location) == ("Putin visits New Delhi", "हैदराबाद हाऊस")
    for other in ("ru", "en", "de", None):
        assert localized(event, other) is event
    assert translated_fields(event, "hi") == {
        "title": (HINDI, "hi"),
        "location": ("Hyderabad House", None),
        "description": ("Annual summit.", None),
    }


# ---- /editevent ------------------------------------------------------------------------


def test_editevent_sets_and_removes_translations_beside_other_fields() -> None:
    event = edited(f'title.hi="{HINDI}" location.ru=Дели status=announced')
    assert event.translations.named() == {"title.hi": HINDI, "location.ru": "Дели"}
    assert event.status.value == "announced"
    removed = edited('title.hi=- location.ru=""', event)
    assert not removed.translations
    assert removed.sequence == event.sequence + 1  # calendars must take the new version


def test_a_translation_goes_into_the_history_but_is_no_change_to_alert_about() -> None:
    before = visit()
    after = edited(f'title.hi="{HINDI}" note="from the MEA Hindi release"', before)
    (change,) = after.history
    assert (change.field, change.old, change.new) == ("title.hi", "", HINDI)
    assert change.note == "from the MEA Hindi release"
    assert tracked_changes(before, after, at=NOW, by="") == ()
    again = edited('title.hi="पुतिन की यात्रा"', after)
    assert (again.history[-1].old, again.history[-1].new) == (HINDI, "पुतिन की यात्रा")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("title.de=Besuch", "'title.de': translations are into hi (हिन्दी), mr (मराठी), ru"),
        ("title.en=Visit", "the text of title= itself is the English original"),
        ("tags.hi=x", "'tags.hi': only title, location, description have translations"),
        ("title.hi=a title.hi=b", "title.hi is given twice"),
        (f'title.hi="{"x" * 201}"', "title.hi is 201 characters long; the limit is 200"),
    ],
)
def test_editevent_refuses_a_bad_translation_saying_how_to_write_it(
    text: str, message: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        edited(text)
    assert message in refused.value.message
    assert refused.value.example is not None
    assert "title.hi=" in refused.value.example or refused.value.example == TRANSLATION_EXAMPLE


_KEYS = st.sampled_from(
    [
        *(f"{f}.{lang}=" for f in (*TRANSLATABLE, "tags", "when", "") for lang in ("hi", "ru", "")),
        "title.hi.ru=",
        ".=",
        "title.",
        "TITLE.HI=",
        "location.mr-IN=",
    ]
)
_TEXTS = st.sampled_from(['"', "-", '""', HINDI, "\x00", "\u202e", "a" * 250, " ", "\n", "\\"])


@given(st.lists(st.one_of(_KEYS, _TEXTS, st.text(max_size=12)), max_size=12))
def test_any_translation_text_is_taken_or_refused_never_a_crash(pieces: list[str]) -> None:
    event = visit()
    text = f"{event.id} " + "".join(pieces)
    try:
        _id, changes = parse_editevent(text, current_lookup=lambda _: event)
    except Exception as exc:
        assert isinstance(exc, InvalidInput | NotFound), repr(exc)
        assert str(exc)
    else:
        revised = event.revised(now=NOW, **changes)  # never refused later
        assert Event.from_record(revised.to_record()) == revised


# ---- briefings and feeds ---------------------------------------------------------------


def test_a_briefing_does_not_count_an_edit_of_translations_alone() -> None:
    event = edited(f'title.hi="{HINDI}"')
    since = NOW + timedelta(seconds=30)  # after it was added, before the edit
    only_translations = [ChangeEntry(event.id, "edit", ("translations",), NOW + timedelta(1))]
    assert changes_since([event], only_translations, since) == {}
    with_title = [ChangeEntry(event.id, "edit", ("title", "translations"), NOW + timedelta(1))]
    assert changes_since([event], with_title, since)[event.id].fields == ("title",)


def test_the_renderer_keeps_one_vevent_per_language_and_forgets_them_with_the_event() -> None:
    renderer = IcalRenderer(CalendarMeta(public_url="https://cal.example.org"))
    event = edited(f'title.hi="{HINDI}" description.ru="Ежегодный саммит."')
    plain, hindi, russian = (renderer.vevent(event, lang) for lang in ("en", "hi", "ru"))
    assert renderer.vevent(event, "mr") == plain  # nothing in Marathi: the original
    assert str(icalendar.Event.from_ical(hindi)["SUMMARY"]) == HINDI
    assert str(icalendar.Event.from_ical(plain)["SUMMARY"]) == "Putin visits New Delhi"
    assert "Ежегодный саммит." in str(icalendar.Event.from_ical(russian)["DESCRIPTION"])
    assert set(renderer.kept()) == {event.id, f"{event.id}.hi", f"{event.id}.ru"}
    renderer.forget([])
    assert renderer.kept() == {}


def test_the_history_keeps_a_long_translated_description_short() -> None:
    text = "Ежегодный саммит. " * 200
    event = edited(f'description.ru="{text.strip()}"')
    (change,) = event.history
    assert change.field == "description.ru"
    assert len(change.new) == 300
    assert change.new.endswith("…")
    assert event.translations.get("ru", "description") == text.strip()  # the whole of it
