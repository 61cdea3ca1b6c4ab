from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from calendars.commands import (
    ADDEVENT_USAGE,
    EDITABLE_FIELDS,
    EDITEVENT_EXAMPLE,
    parse_addevent,
    parse_editevent,
)
from calendars.errors import InvalidEvent, InvalidInput, InvalidWhen, NotFound
from calendars.events import SLUG_RE, Event, Status
from calendars.slugs import slugify
from calendars.text import clean_text
from tests.conftest import at, timed_event

NOW = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


def current_event() -> Event:
    return timed_event(
        "putin-new-delhi-2025",
        at("2025-12-04T10:00", "Asia/Kolkata"),
        hours=3,
        title="Putin visits New Delhi",
        location="Rashtrapati Bhavan",
        tags=("india-russia",),
        urls=("https://www.mea.gov.in/",),
        created=NOW,
        updated=NOW,
    )


def lookup(event_id: str) -> Event | None:
    event = current_event()
    return event if event_id == event.id else None


def add(text: str, taken: frozenset[str] = frozenset()) -> Event:
    return parse_addevent(text, default_zone="Asia/Kolkata", now=NOW, taken=taken)


# ---- slugify -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Modi–Putin talks in Delhi", "modi-putin-talks-in-delhi-2026"),
        ("Xi's state visit to Brasília", "xis-state-visit-to-brasilia-2026"),
        ("Straße der Diplomatie: Ærø", "strasse-der-diplomatie-aero-2026"),
        ("SCO Summit 2026", "sco-summit-2026"),
        ("मोदी–पुतिन वार्ता", "event-2026"),
        ("  !!  ", "event-2026"),
    ],
)
def test_titles_become_ascii_slugs_ending_in_the_year(title: str, slug: str) -> None:
    assert slugify(title, year=2026, taken=()) == slug


def test_a_taken_slug_gets_the_next_free_number() -> None:
    taken = {"g20-summit-2026", "g20-summit-2026-2"}
    assert slugify("G20 Summit", year=2026, taken=taken) == "g20-summit-2026-3"


def test_long_titles_are_cut_to_64_characters_keeping_year_and_number() -> None:
    title = "A very long title about a ministerial meeting " * 4
    first = slugify(title, year=2026, taken=())
    second = slugify(title, year=2026, taken={first})
    assert len(first) <= 64
    assert len(second) <= 64
    assert first.endswith("-2026")
    assert second.endswith("-2026-2")


@given(st.text(max_size=300), st.integers(1900, 2199), st.sets(st.text(max_size=70), max_size=5))
def test_any_title_gives_a_valid_free_slug(title: str, year: int, taken: set[str]) -> None:
    slug = slugify(title, year=year, taken=taken)
    assert SLUG_RE.match(slug)
    assert slug not in taken


# ---- /addevent -----------------------------------------------------------------------


def test_addevent_builds_a_confirmed_new_event() -> None:
    event = add(
        "2026-12-04 10:00 - 2026-12-05 18:00 Asia/Kolkata | Modi–Putin talks | "
        "Hyderabad House, New Delhi | India-Russia, #defence | Annual summit | with a pipe"
    )
    assert event.id == "modi-putin-talks-2026"
    assert event.title == "Modi–Putin talks"
    assert event.start == at("2026-12-04T10:00", "Asia/Kolkata")
    assert event.end == at("2026-12-05T18:00", "Asia/Kolkata")
    assert event.location == "Hyderabad House, New Delhi"
    assert event.tags == ("india-russia", "defence")
    assert event.description == "Annual summit | with a pipe"
    assert event.status is Status.CONFIRMED
    assert (event.sequence, event.created, event.updated) == (0, NOW, NOW)


def test_addevent_uses_the_default_zone_and_allows_no_location() -> None:
    event = add("2026-12-04 | Diwali reception | - | ")
    assert (event.start, event.end, event.timezone) == (
        date(2026, 12, 4),
        date(2026, 12, 5),
        "Asia/Kolkata",
    )
    assert event.location == ""
    assert event.tags == ()


def test_addevent_avoids_taken_ids() -> None:
    event = add("2026-12-04 | Talks | | x", taken=frozenset({"talks-2026"}))
    assert event.id == "talks-2026-2"


@pytest.mark.parametrize(
    ("text", "error", "message"),
    [
        ("2026-12-04 | Talks", InvalidInput, "expected 4 or 5 parts"),
        ("tomorrow | Talks | Delhi | x", InvalidWhen, "part 1 \\(when\\): 'tomorrow'"),
        ("2026-12-04 |   | Delhi | x", InvalidEvent, "part 2 \\(title\\) is empty"),
        ("2026-12-04 | Talks | Delhi | ok not!ok", InvalidEvent, "part 4 \\(tags\\): tag 'not!ok'"),
        ("2026-12-04 | " + "x" * 201 + " | Delhi | x", InvalidEvent, "title is 201 characters"),
        ("2026-12-04 | Talks | Delhi | x | " + "d" * 5000, InvalidInput, "the limit is 5000"),
    ],
)
def test_addevent_refusals_name_the_part_and_show_an_example(
    text: str, error: type[InvalidInput], message: str
) -> None:
    with pytest.raises(error, match=message) as caught:
        add(text)
    assert caught.value.example


def test_addevent_usage_shows_every_form_of_when() -> None:
    forms = ("10:00 Asia", "10:00 - 12:00", "10:00 - 2026-12-05 18:00", "2026-12-04..2026-12-05")
    for form in forms:
        assert form in ADDEVENT_USAGE


# ---- /editevent ----------------------------------------------------------------------


def test_editevent_returns_changes_ready_for_revised() -> None:
    event_id, changes = parse_editevent(
        'putin-new-delhi-2025 location="Hyderabad House, New Delhi" status=tentative '
        'title="Putin–Modi talks" keywords="S-400, oil deal" tags=india-russia,defence '
        "description='Two days.' url=https://kremlin.ru/",
        current_lookup=lookup,
    )
    assert event_id == "putin-new-delhi-2025"
    assert changes == {
        "location": "Hyderabad House, New Delhi",
        "status": Status.ANNOUNCED,
        "title": "Putin–Modi talks",
        "keywords": ("S-400", "oil deal"),
        "tags": ("india-russia", "defence"),
        "description": "Two days.",
        "urls": ("https://kremlin.ru/",),
    }
    revised = current_event().revised(now=NOW, **changes)
    assert revised.status is Status.ANNOUNCED  # "tentative" is still understood
    assert revised.sequence == 1


def test_editevent_note_and_source_go_into_the_history_with_the_change() -> None:
    _event_id, changes = parse_editevent(
        "putin-new-delhi-2025 status=postponed source=https://www.mea.gov.in/r.htm "
        'note="MEA readout"',
        current_lookup=lookup,
    )
    revised = current_event().revised(now=NOW, by="telegram:1", **changes)
    (change,) = revised.history
    assert (change.field, change.old, change.new, change.at) == (
        "status",
        "confirmed",
        "postponed",
        NOW,
    )
    assert (change.by, change.note, change.source) == (
        "telegram:1",
        "MEA readout",
        "https://www.mea.gov.in/r.htm",
    )


def test_editevent_when_defaults_to_the_events_zone_and_keeps_its_length() -> None:
    _, changes = parse_editevent(
        "putin-new-delhi-2025 when='2025-12-05 11:00'", current_lookup=lookup
    )
    assert changes == {
        "start": at("2025-12-05T11:00", "Asia/Kolkata"),
        "end": at("2025-12-05T14:00", "Asia/Kolkata"),
        "timezone": "Asia/Kolkata",
    }


def test_editevent_when_may_change_zone_and_become_all_day() -> None:
    _, changes = parse_editevent(
        "putin-new-delhi-2025 when=2025-12-05..2025-12-06", current_lookup=lookup
    )
    assert (changes["start"], changes["end"]) == (date(2025, 12, 5), date(2025, 12, 7))
    _, changes = parse_editevent(
        'putin-new-delhi-2025 when="2025-12-05 09:00 - 10:00 Europe/Moscow"', current_lookup=lookup
    )
    assert changes["timezone"] == "Europe/Moscow"
    assert changes["end"] - changes["start"] == timedelta(hours=1)


def test_editevent_empty_values_clear_url_and_location() -> None:
    _, changes = parse_editevent("putin-new-delhi-2025 url= location=-", current_lookup=lookup)
    assert changes == {"urls": (), "location": ""}


@pytest.mark.parametrize(
    ("text", "error", "message"),
    [
        ("", InvalidInput, "give the event id"),
        ("putin-new-delhi-2025", InvalidInput, "nothing to change"),
        ("no-such-event title=x", NotFound, "no event with id 'no-such-event'; /upcoming"),
        ('putin-new-delhi-2025 title="Putin', InvalidInput, "the quotes do not match"),
        ("putin-new-delhi-2025 titel=x", InvalidInput, "did you mean title\\?"),
        ("putin-new-delhi-2025 sequence=9", InvalidInput, "'sequence' cannot be edited"),
        ("putin-new-delhi-2025 title=Modi Putin", InvalidInput, "'Putin' is not field=value"),
        ("putin-new-delhi-2025 title=a title=b", InvalidInput, "title is given twice"),
        ("putin-new-delhi-2025 title=", InvalidEvent, "title must not be empty"),
        ("putin-new-delhi-2025 status=maybe", InvalidEvent, "not one of rumoured, announced"),
        ("putin-new-delhi-2025 note=x", InvalidInput, "nothing to change"),
        (
            "putin-new-delhi-2025 status=confirmed source=javascript:alert(1)",
            InvalidEvent,
            "source 'javascript:alert\\(1\\)' is not an http",
        ),
        ("putin-new-delhi-2025 url=ftp://x.example", InvalidEvent, "http:// or https://"),
        ("putin-new-delhi-2025 tags=a,b!", InvalidEvent, "tags: tag 'b!'"),
        ("putin-new-delhi-2025 when=2025-13-01", InvalidWhen, "when: 2025-13-01 is not a date"),
    ],
)
def test_editevent_refusals_say_what_is_wrong(
    text: str, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        parse_editevent(text, current_lookup=lookup)


def test_editevent_unknown_field_lists_the_editable_ones() -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_editevent("putin-new-delhi-2025 colour=red", current_lookup=lookup)
    assert all(field in caught.value.message for field in EDITABLE_FIELDS)
    assert caught.value.example == EDITEVENT_EXAMPLE


# ---- untrusted text --------------------------------------------------------------------


def _refused_properly(exc: Exception) -> bool:
    return isinstance(exc, InvalidInput | NotFound) and bool(str(exc))


@given(st.text(max_size=200))
def test_any_addevent_text_builds_an_event_or_is_refused(text: str) -> None:
    try:
        event = add(text)
    except Exception as exc:
        assert _refused_properly(exc), repr(exc)
    else:
        assert event.created == NOW


_FIELD_WORDS = st.sampled_from([*EDITABLE_FIELDS, "id", "sequence", "when"]).map(lambda f: f + "=")
_VALUES = st.sampled_from(
    ['"', "'", "x", "2025-12-05", "10:00", "tentative", "https://a.example", "-", "a,b", "\\", " "]
)


@given(st.lists(st.one_of(_FIELD_WORDS, _VALUES, st.text(max_size=10)), max_size=12))
def test_any_editevent_text_gives_changes_or_is_refused(pieces: list[str]) -> None:
    text = "putin-new-delhi-2025 " + "".join(pieces)
    try:
        event_id, changes = parse_editevent(text, current_lookup=lookup)
    except Exception as exc:
        assert _refused_properly(exc), repr(exc)
    else:
        current_event().revised(now=NOW, **changes)  # never refused later
        assert event_id == "putin-new-delhi-2025"


@given(st.text(max_size=100))
def test_any_editevent_text_for_any_id_is_handled(text: str) -> None:
    try:
        parse_editevent(text, current_lookup=lambda _: current_event())
    except Exception as exc:
        assert _refused_properly(exc), repr(exc)


@given(
    st.text(min_size=1, max_size=80).filter(lambda t: "|" not in t and t.strip()),
    st.sets(st.sampled_from(["g20", "brics", "india-russia", "sco"]), max_size=3),
)
def test_addevent_keeps_any_printable_title_and_tags(title: str, tags: set[str]) -> None:
    text = f"2026-12-04 10:00 | {title} | - | {' '.join(sorted(tags))}"
    try:
        event = add(text)
    except InvalidEvent as exc:
        # Refused only for control characters, or for a title of nothing but invisible ones.
        assert "control characters" in exc.message or not clean_text(title).split()
        return
    assert event.title == " ".join(clean_text(title).split())
    assert set(event.tags) == tags
    assert SLUG_RE.match(event.id)


@given(st.lists(st.text(max_size=40), min_size=3, max_size=5))
def test_any_parts_after_a_valid_when_build_an_event_or_are_refused(parts: list[str]) -> None:
    try:
        add("2026-12-04 10:00 Europe/Berlin | " + " | ".join(parts))
    except Exception as exc:
        assert _refused_properly(exc), repr(exc)


def test_addevent_in_the_repeated_hour_of_a_fall_back_night_is_one_real_hour() -> None:
    event = add("2027-10-31 02:30 Europe/Berlin | Talks | Berlin | germany")
    assert event.starts_at == datetime(2027, 10, 31, 0, 30, tzinfo=UTC)  # the first pass
    assert event.ends_at - event.starts_at == timedelta(hours=1)  # 02:30 CEST → 02:30 CET
