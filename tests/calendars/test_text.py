from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from calendars.text import clean_text

_HIDDEN = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200b\u2060\ufeff\u00ad"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Summit moved to \u202etxt.exe", "Summit moved to txt.exe"),
        ("\u2067Modi\u2069 meets \u2066Putin\u2069", "Modi meets Putin"),
        ("Mo\u200bdi\u2060 and Pu\ufefftin", "Modi and Putin"),
        ("tag\U000e0041\U000e0042 smuggled", "tag smuggled"),
        ("line one\nline two\ttab", "line one\nline two\ttab"),
        ("bell\x07and\x00nul\x85c1", "bell and nul c1"),
    ],
)
def test_reordering_and_invisible_characters_are_removed(text: str, expected: str) -> None:
    assert clean_text(text) == expected


def test_what_real_scripts_need_is_kept() -> None:
    devanagari = "क्\u200dष और र\u200cश"  # ZWJ/ZWNJ shape conjuncts
    family = "👩\u200d👩\u200d👧"  # an emoji ZWJ sequence
    hebrew = "שלום\u200f!"  # RLM places the punctuation
    for text in (devanagari, family, hebrew):
        assert clean_text(text) == text


def test_joiners_at_word_edges_or_repeated_go() -> None:
    assert clean_text("\u200dModi \u200cPutin\u200d") == "Modi Putin"
    assert clean_text("क्\u200d\u200d\u200dष") == "क्\u200dष"


@given(st.text(max_size=200) | st.text(alphabet=_HIDDEN + "ab \u200c\u200d", max_size=60))
def test_cleaning_is_idempotent_and_leaves_nothing_hidden(text: str) -> None:
    cleaned = clean_text(text)
    assert clean_text(cleaned) == cleaned
    assert not any(c in _HIDDEN for c in cleaned)
    assert len(cleaned) <= len(text)
