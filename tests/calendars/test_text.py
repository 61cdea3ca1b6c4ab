from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from calendars.text import clean_text


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Summit \u202eexe.pdf", "Summit exe.pdf"),  # right-to-left override
        ("\u202aA\u202b\u202c\u202d\u2066B\u2067\u2068\u2069", "AB"),
        ("Mo\u200bdi\u200c\u200d\u2060–Putin\ufeff", "Modi–Putin"),
        ("मोदी–पुतिन talks, 北京", "मोदी–पुतिन talks, 北京"),
        ("plain ASCII\nkept", "plain ASCII\nkept"),
    ],
)
def test_invisible_format_characters_are_removed_and_nothing_else(
    value: str, expected: str
) -> None:
    assert clean_text(value) == expected


@given(st.text())
def test_no_format_character_survives_and_others_keep_their_order(value: str) -> None:
    cleaned = clean_text(value)
    assert all(unicodedata.category(char) != "Cf" for char in cleaned)
    assert cleaned == "".join(c for c in value if unicodedata.category(c) != "Cf")
