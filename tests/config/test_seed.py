from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from calendars.errors import ConfigError
from calendars.translations import localized
from config.seed import DEFAULT_SEED, load_seed, parse_seed

NOW = datetime(2026, 11, 25, tzinfo=UTC)


def test_shipped_seed_has_the_three_tracked_events_in_the_past() -> None:
    events = {e.id: e for e in load_seed(DEFAULT_SEED, now=NOW)}
    assert set(events) == {"sco-tianjin-2025", "modi-putin-tianjin-2025", "putin-new-delhi-2025"}
    sco = events["sco-tianjin-2025"]
    assert (sco.start, sco.last_day, sco.timezone) == (
        date(2025, 8, 31),
        date(2025, 9, 1),
        "Asia/Shanghai",
    )
    visit = events["putin-new-delhi-2025"]
    assert (visit.start, visit.last_day, visit.timezone) == (
        date(2025, 12, 4),
        date(2025, 12, 5),
        "Asia/Kolkata",
    )
    assert events["modi-putin-tianjin-2025"].start == date(2025, 9, 1)
    assert {"Modi", "Putin", "S-400", "मोदी"} <= set(events["modi-putin-tianjin-2025"].keywords)
    assert all(e.is_over(NOW) for e in events.values())


def test_a_timed_seed_event_is_read_in_its_zone() -> None:
    (event,) = parse_seed(
        '[[event]]\nid = "talks"\ntitle = "Talks"\nstart = 2026-12-04T10:00:00\n'
        'end = 2026-12-04T12:00:00\ntimezone = "Asia/Kolkata"\n',
        now=NOW,
    )
    assert event.starts_at == datetime(2026, 12, 4, 4, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        (
            '[[event]]\nid = "a"\ntitle = "A"\nstart = 2026-01-02\nend = 2026-01-01\n',
            "event a: the event must end",
        ),
        (
            '[[event]]\nid = "a"\ntitle = "A"\nstart = 2026-01-01\ncolour = "red"\n',
            "unknown fields colour",
        ),
        (
            '[[event]]\nid = "a"\ntitle = "A"\nstart = 2026-01-01T10:00:00Z\n',
            "local time, not an offset",
        ),
        ('[[event]]\nid = "a"\ntitle = "A"\nstart = "soon"\n', "must be a TOML date"),
        (
            '[[event]]\nid = "a"\ntitle = "A"\nstart = 2026-01-01\ntags = [1]\n',
            "tags must be a list of strings",
        ),
        ("[[event]\n", "not valid TOML"),
        (
            '[[event]]\nid = "a"\ntitle = "A"\nstart = 2026-01-01\n'
            '[event.translations.de]\ntitle = "B"\n',
            "event a: a translation's language must be one of hi, mr, ru",
        ),
        (
            '[[event]]\nid = "a"\ntitle = "A"\nstart = 2026-01-01\ntranslations = "hi"\n',
            "event a: translations must map a language",
        ),
    ],
)
def test_seed_errors_name_the_event_and_the_problem(toml: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_seed(toml, now=NOW)


def toml_value(value: object) -> str:
    if isinstance(value, date):  # dates and datetimes: TOML literals
        return value.isoformat()
    return json.dumps(value)  # JSON strings, numbers and lists are valid TOML values


values = st.one_of(
    st.text(max_size=20),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.dates(),
    st.datetimes(),
    st.lists(st.text(max_size=10), max_size=3),
    st.lists(st.integers(min_value=0, max_value=9), max_size=2),
)
fields = st.sampled_from(
    ["id", "title", "start", "end", "timezone", "tags", "urls", "status", "translations", "x"]
)


@given(st.dictionaries(fields, values))
def test_any_seed_entry_loads_or_is_refused_with_a_config_error(entry: dict[str, object]) -> None:
    text = "[[event]]\n" + "".join(f"{key} = {toml_value(v)}\n" for key, v in entry.items())
    try:
        parse_seed(text, now=NOW)
    except ConfigError as exc:
        assert str(exc).startswith("SUMMITWATCH_SEED")


@given(st.text(max_size=200))
def test_any_text_as_a_seed_file_is_loaded_or_refused(text: str) -> None:
    try:
        parse_seed(text, now=NOW)
    except ConfigError as exc:
        assert str(exc).startswith("SUMMITWATCH_SEED")


def berlin_seed(start: str, end: str) -> str:
    return (
        f'[[event]]\nid = "night-talks"\ntitle = "Night talks"\nstart = {start}\n'
        f'end = {end}\ntimezone = "Europe/Berlin"\n'
    )


def test_a_seed_time_skipped_by_daylight_saving_is_refused_naming_file_and_event(
    tmp_path: Path,
) -> None:
    seed = tmp_path / "events.toml"
    seed.write_text(berlin_seed("2027-03-28T02:30:00", "2027-03-28T04:00:00"), encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_seed(seed, now=NOW)
    assert str(caught.value) == (
        f"SUMMITWATCH_SEED: {seed}: event night-talks: start 02:30 does not exist on "
        "2027-03-28 in Europe/Berlin: clocks jump forward; try 03:30"
    )


def test_a_seed_time_in_the_repeated_hour_means_its_first_pass_as_addevent_does() -> None:
    (event,) = parse_seed(berlin_seed("2027-10-31T02:30:00", "2027-10-31T03:30:00"), now=NOW)
    assert event.starts_at == datetime(2027, 10, 31, 0, 30, tzinfo=UTC)  # 02:30 CEST
    assert (event.ends_at - event.starts_at).total_seconds() == 2 * 3600  # to 03:30 CET


def test_a_seed_file_saying_tentative_loads_as_announced() -> None:
    (event,) = parse_seed(
        '[[event]]\nid = "talks"\ntitle = "Talks"\nstart = 2026-12-04\nstatus = "tentative"\n',
        now=NOW,
    )
    assert event.status.value == "announced"


def test_the_shipped_events_carry_their_titles_and_places_in_hindi_marathi_and_russian() -> None:
    visit = {e.id: e for e in load_seed(DEFAULT_SEED)}["putin-new-delhi-2025"]
    assert localized(visit, "ru").title.startswith("Государственный визит Путина в Индию")
    assert localized(visit, "mr").location == "नवी दिल्ली, भारत"
    assert localized(visit, "hi").title.startswith("पुतिन की भारत की राजकीय यात्रा")
    assert localized(visit, "en").title == visit.title
