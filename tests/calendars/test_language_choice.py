"""``?lang=`` and ``Accept-Language``: which of our languages a web request asks for."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from calendars.errors import InvalidInput
from calendars.i18n import LANGUAGES
from calendars.language_choice import (
    MAX_RANGES,
    accepted_language,
    asked_language,
    language_ranges,
    request_language,
)


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("hi-IN,hi;q=0.9,en-US;q=0.8,en;q=0.7", "hi"),
        ("ru-RU,ru;q=0.9,en-US;q=0.8", "ru"),
        ("de-DE, mr;q=0.5, en;q=0.4", "mr"),  # German is not ours: the next one that is
        ("en;q=0.5, ru;q=0.8", "ru"),  # weights, not order, decide
        ("hi;q=0, en", "en"),  # q=0: "not Hindi"
        ("mr;q=0.7, hi;q=0.7", "mr"),  # equal weights: the header's order
        ("hi;q=2, ru;q=0.1", "ru"),  # not a qvalue: that range is skipped, not the header
        ("*", None),
        ("de, fr", None),
        ("", None),
        (",,;;q=,=", None),
    ],
)
def test_accept_language_picks_the_heaviest_of_ours(header: str, expected: str | None) -> None:
    assert accepted_language(header) == expected


def test_lang_takes_our_codes_in_any_case_or_region_and_refuses_others_with_the_choices() -> None:
    assert asked_language("RU-ru") == "ru"
    assert asked_language(None) is None
    assert asked_language(" ") is None
    with pytest.raises(InvalidInput) as refused:
        asked_language("de")
    message = refused.value.user_message()
    assert "lang='de'" in message
    assert "hi (हिन्दी), mr (मराठी), ru (Русский)" in message
    assert "?lang=hi" in message


def test_the_page_takes_lang_first_then_the_header_then_english() -> None:
    assert request_language("ru", "hi") == ("ru", True)
    assert request_language(None, "hi, en;q=0.5") == ("hi", False)
    assert request_language("klingon", "mr") == ("mr", False)  # a person still gets a page
    assert request_language(None, None) == ("en", False)


@given(st.text(max_size=3000))
def test_any_header_gives_one_of_ours_or_none_and_never_raises(header: str) -> None:
    assert accepted_language(header) in (*LANGUAGES, None)
    ranges = language_ranges(header)
    assert len(ranges) <= MAX_RANGES
    weights = [weight for _tag, weight in ranges]
    assert all(0 < weight <= 1 for weight in weights)
    assert weights == sorted(weights, reverse=True)


_TAGS = st.sampled_from(["en", "en-GB", "hi", "hi-IN", "mr", "ru-RU", "de", "fr-CA", "zh-Hant"])


@given(st.lists(st.tuples(_TAGS, st.integers(min_value=1, max_value=1000)), max_size=8))
def test_a_well_formed_header_gives_the_first_heaviest_of_ours(
    entries: list[tuple[str, int]],
) -> None:
    header = ", ".join(f"{tag};q={weight / 1000:.3f}" for tag, weight in entries)
    ours = [(tag, weight) for tag, weight in entries if tag.split("-")[0] in LANGUAGES]
    expected = None
    if ours:
        best = max(weight for _tag, weight in ours)
        expected = next(tag for tag, weight in ours if weight == best).split("-")[0]
    assert accepted_language(header) == expected


@given(st.text(max_size=200))
def test_any_lang_value_is_ours_absent_or_refused_clearly(value: str) -> None:
    try:
        lang = asked_language(value)
    except InvalidInput as refused:
        assert "?lang=hi" in refused.user_message()
    else:
        assert lang in (*LANGUAGES, None)
