from __future__ import annotations

import time
import unicodedata
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from calendars.events import Event, Status
from calendars.news.articles import Article
from calendars.news.matching import Match, Matcher, PhraseIndex, is_word_char

START = datetime(2025, 8, 31, 9, tzinfo=UTC)


def event(event_id: str, *keywords: str, tags: tuple[str, ...] = (), **fields: object) -> Event:
    return Event(
        id=event_id,
        title=f"Event {event_id}",
        start=START,
        end=START + timedelta(hours=8),
        keywords=keywords,
        tags=tags,
        **fields,  # type: ignore[arg-type]
    )


def article(title: str, summary: str = "") -> Article:
    return Article(
        key="link:x",
        title=title,
        link="https://news.example.com/a",
        summary=summary,
        source="Wire",
        published=None,
        source_url="https://feeds.example.com/rss",
    )


def matched(keyword: str, text: str) -> bool:
    return bool(Matcher([event("e", keyword)]).matches(article(text)))


@pytest.mark.parametrize(
    ("keyword", "text", "expected"),
    [
        ("Modi", "MODI's visit to Tianjin", True),
        ("Modi", "PM modi, Putin and Xi", True),
        ("Modi", "Modification of the tariff", False),
        ("Modi", "NaMo-Modi rally", True),
        ("Modi", "Modi2025 hashtag", False),
        ("straße", "Gipfel in der STRASSE", True),  # case folding, not just lower-casing
        ("SCO", "ｓｃｏ summit", True),  # full-width forms fold to ASCII
    ],
)
def test_keywords_match_whole_words_in_any_case(keyword: str, text: str, expected: bool) -> None:
    assert matched(keyword, text) is expected


@pytest.mark.parametrize(
    "text",
    [
        "मोदी",
        "पंतप्रधान मोदी, पुतिन",
        "पंतप्रधान मोदी.",
        "(मोदी)",
        "भेट मोदी। पुढे",
        "“मोदी”",
        "मोदी-पुतिन भेट",
    ],
)
def test_devanagari_keywords_match_between_punctuation_and_spaces(text: str) -> None:
    assert matched("मोदी", text)


@pytest.mark.parametrize(
    "text",
    [
        "मोदींनी घेतली भेट",  # Marathi "by Modi": the suffix starts with a mark (anusvara)
        "मोदींच्या दौऱ्यात",
        "नमोदी",
    ],
)
def test_inflected_devanagari_forms_need_their_own_keywords(text: str) -> None:
    assert not matched("मोदी", text)
    assert matched(text.split()[0], text)


def test_a_consonant_final_keyword_does_not_match_when_a_vowel_sign_follows() -> None:
    assert matched("पुतिन", "पुतिन यांची भेट")
    assert not matched("पुतिन", "पुतिना भेटले")  # ा is a mark, so the word goes on
    assert not matched("पुतिन", "पुतिन्")  # as does a virama


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("the annual summit opens", True),
        ("the ANNUAL\n  Summit opens", True),
        ("the annual\u00a0summit opens", True),
        ("the annual-summit opens", False),
        ("the annualsummit opens", False),
        ("the annual summits open", False),
    ],
)
def test_multi_word_keywords_match_across_any_white_space(text: str, expected: bool) -> None:
    assert matched("annual summit", text) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("India buys S-400 systems", True),
        ("india buys s-400.", True),
        ("India buys S\u2011400 systems", True),  # a non-breaking hyphen is still a hyphen
        ("India buys S 400 systems", False),
        ("India buys S400 systems", False),
        ("India buys S-4000 systems", False),
        ("India buys MS-400 systems", False),
    ],
)
def test_hyphenated_keywords_match_exactly(text: str, expected: bool) -> None:
    assert matched("S-400", text) is expected


@pytest.mark.parametrize(
    ("keyword", "text", "expected"),
    [
        ("U.S.", "the U.S. said", True),
        ("U.S.", "the U.S.A said", False),
        ("U.S.", "the US said", False),
        ("C++", "written in C++ today", True),
        ("(G7)", "leaders (G7) met", True),
        ("G7", "leaders (G7) met", True),
        ("#G20", "trending #g20 now", True),
        ("#G20", "trending a#g20 now", False),
        (".*", "anything at all", False),
        ("a+b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa+c", False),
    ],
)
def test_keywords_are_plain_text_never_patterns(keyword: str, text: str, expected: bool) -> None:
    assert matched(keyword, text) is expected


def test_matches_list_events_in_order_with_the_keywords_that_hit() -> None:
    matcher = Matcher(
        [
            event("sco-2025", "SCO", "Tianjin", "annual summit", tags=("sco",)),
            event("putin-india", "Putin", "S-400", "पुतिन", tags=("india-russia",)),
            event("g20", "G20", tags=("g20",)),
        ]
    )
    found = matcher.matches(
        article("Putin arrives in Tianjin for SCO", "S-400 deal and पुतिन यांची भेट")
    )
    assert found == [
        Match("sco-2025", ("SCO", "Tianjin")),
        Match("putin-india", ("Putin", "S-400", "पुतिन")),
    ]


def test_a_multi_word_keyword_does_not_span_title_and_summary() -> None:
    assert not Matcher([event("e", "annual summit")]).matches(article("The annual", "Summit"))


def test_source_tags_restrict_matches_to_events_of_those_topics() -> None:
    matcher = Matcher(
        [
            event("sco", "Modi", tags=("sco",)),
            event("bilateral", "Modi", tags=("india-russia", "sco")),
            event("untagged", "Modi"),
        ]
    )
    text = article("Modi speaks")
    assert [m.event_id for m in matcher.matches(text)] == ["sco", "bilateral", "untagged"]
    assert [m.event_id for m in matcher.matches(text, source_tags=["/India-Russia"])] == [
        "bilateral"
    ]
    assert [m.event_id for m in matcher.matches(text, source_tags=("#sco", "quad"))] == [
        "sco",
        "bilateral",
    ]
    assert matcher.matches(text, source_tags=["quad"]) == []


def test_cancelled_and_past_events_still_match() -> None:
    long_ago = datetime(2019, 6, 13, tzinfo=UTC)
    matcher = Matcher(
        [
            event("off", "Summit", status=Status.CANCELLED),
            Event(id="old", title="Bishkek", start=long_ago, end=long_ago + timedelta(days=1),
                  keywords=("Bishkek",)),
        ]
    )  # fmt: skip
    found = matcher.matches(article("Summit cancelled", "Recalling Bishkek"))
    assert [m.event_id for m in found] == ["off", "old"]


def test_a_later_copy_of_an_event_replaces_the_earlier() -> None:
    matcher = Matcher([event("e", "old word"), event("f", "other"), event("e", "new word")])
    assert len(matcher) == 2
    assert matcher.matches(article("old word")) == []
    assert matcher.matches(article("a new word")) == [Match("e", ("new word",))]


def test_events_without_keywords_never_match() -> None:
    assert Matcher([event("e")]).matches(article("Event e")) == []


def test_a_thousand_events_are_matched_quickly() -> None:
    events = [
        event(f"ev-{i}", f"Leader{i}", f"City{i}", f"summit {i} talks", f"S-{i}", f"नेता{i}")
        for i in range(1000)
    ]
    matcher = Matcher(events)
    articles = [
        article(
            f"Leader{i} visits City{i * 7 % 1000} for the summit {i} talks",
            "Ministers and delegations met to discuss trade, energy and security. " * 4
            + f"S-{i} नेता{i}।",
        )
        for i in range(300)
    ]
    started = time.perf_counter()
    results = [matcher.matches(a) for a in articles]
    elapsed = time.perf_counter() - started
    assert all(len(found) == 2 for found in results[1:])
    assert len(articles) / elapsed > 2000  # articles per second, with room to spare


_LETTERS = "abcxyz09मोदीपुतिनक्षं\U00011013\U00011038"  # Brahmi: a letter and a mark beyond the BMP
_OTHERS = " _,.()-।\n\"'!?"


@given(st.text(max_size=200))
def test_any_text_is_matched_without_crashing(text: str) -> None:
    matcher = Matcher([event("e", "Modi", "S-400", "annual summit", "मोदी", "U.S.")])
    for found in matcher.matches(article(text[:300], text)):
        assert found.event_id == "e"
        assert found.keywords


def _occurs_as_whole_word(keyword: str, text: str) -> bool:
    start = text.find(keyword)
    while start >= 0:
        end = start + len(keyword)
        before = text[start - 1] if start else " "
        after = text[end] if end < len(text) else " "
        if not {unicodedata.category(before)[0], unicodedata.category(after)[0]} & set("LMN"):
            return True
        start = text.find(keyword, start + 1)
    return False


@given(
    st.text(_LETTERS, min_size=1, max_size=6),
    st.text(_LETTERS + _OTHERS, max_size=12),
    st.text(_LETTERS + _OTHERS, max_size=12),
)
def test_an_embedded_keyword_matches_iff_no_letter_mark_or_digit_touches_it(
    keyword: str, left: str, right: str
) -> None:
    text = left + keyword + right
    assert matched(keyword, text) is _occurs_as_whole_word(keyword, text)


def test_word_characters_are_letters_marks_and_digits() -> None:
    assert all(is_word_char(c) for c in "aZ9मोंद्\u200d٣")
    assert not any(is_word_char(c) for c in " -_.,।()\u00a0")


def test_a_phrase_index_finds_whole_words_in_order_with_their_owners() -> None:
    index = PhraseIndex([("Putin", "putin"), ("Путина", "putin"), ("New Delhi", "delhi"),
                         ("मोदी", "modi"), ("मोदींनी", "modi"), ("visit", "visit")])  # fmt: skip
    text = "Путина ждут в New  Delhi: визит; मोदींनी, Putinism, revisit, visit."
    assert index.found(text) == [
        (0, "putin", "Путина"),
        (3, "delhi", "New Delhi"),
        (6, "modi", "मोदींनी"),
        (9, "visit", "visit"),
    ]
    assert index.found("मोदींनी") == [(0, "modi", "मोदींनी")]  # not "मोदी" inside it
    assert index.found("") == []
