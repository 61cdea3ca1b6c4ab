from __future__ import annotations

import time

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from calendars.errors import InvalidInput
from calendars.news.articles import Article
from calendars.news.filters import MAX_TERM_LENGTH, MAX_TERMS, NewsFilter, parse_filter


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


def test_signs_quotes_and_bare_words() -> None:
    parsed = parse_filter('+S-400 +"rare earths" -cricket  Modi')
    assert parsed == NewsFilter(("S-400", "rare earths", "Modi"), ("cricket",))
    assert parsed.render() == '+S-400 +"rare earths" +Modi -cricket'


def test_phone_typography_is_read_as_plain_quotes_and_minus() -> None:
    assert parse_filter("+“rare  earths” −cricket") == NewsFilter(("rare earths",), ("cricket",))


def test_exclusions_alone_mean_everything_except() -> None:
    only_not = parse_filter("-cricket")
    assert only_not.accepts(article("Modi and Putin meet"))
    assert not only_not.accepts(article("Modi watches cricket"))


def test_every_required_term_must_appear_and_no_excluded_one() -> None:
    wanted = parse_filter('+S-400 +"rare earths" -cricket')
    assert wanted.accepts(article("S-400 deal", "Talks also covered rare  earths."))
    assert not wanted.accepts(article("S-400 deal"))  # one required term missing
    assert not wanted.accepts(article("S-400 and rare earths", "after the cricket"))
    assert not wanted.accepts(article("S-4000 and rare earths"))  # whole words only


def test_terms_match_whole_words_in_any_script() -> None:
    modi = parse_filter("मोदी")
    assert modi.accepts(article("मोदी, पुतिन भेट"))
    assert not modi.accepts(article("मोदींनी घोषणा केली"))  # Marathi "by Modi": another word
    assert parse_filter("modi").accepts(article("MODI visits"))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("-", "'-' alone"),
        ("+", "'+' alone"),
        ("+S-400 +", "'+' alone"),
        ('+"open', "a quote is not closed"),
        ('+""', "empty term"),
        ("++x", "one sign"),
        ('rare"earths', "put a phrase in quotes"),
        ('"rare earths"x', "space after the closing quote"),
        ("+!!!", "no letter or digit"),
        ("+x -X", "appears twice"),
        (" ".join(f"w{i}" for i in range(MAX_TERMS + 1)), f"at most {MAX_TERMS} terms"),
        ("x" * (MAX_TERM_LENGTH + 1), f"a term may have {MAX_TERM_LENGTH}"),
        ("x " * 2000, "a filter may have 2000"),
    ],
)
def test_bad_filters_are_refused_with_the_reason_and_an_example(text: str, expected: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_filter(text)
    assert expected in refused.value.user_message()
    assert 'Example: /filter +S-400 +"rare earths" -cricket' in refused.value.user_message()


_ALPHABET = st.sampled_from(list('ab S-4+−"“”„«»\t\nमोदीं\u200d_.,\x00'))


@given(st.text(_ALPHABET, max_size=80) | st.text(max_size=80))
def test_any_text_is_refused_or_parsed_and_a_parsed_filter_round_trips(text: str) -> None:
    try:
        parsed = parse_filter(text)
    except InvalidInput as refused:
        assert refused.example
        return
    assert parse_filter(parsed.render()) == parsed
    assert NewsFilter.from_record(parsed.to_record()) == parsed


_TERM = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=MAX_TERM_LENGTH)


@given(st.lists(_TERM, max_size=5), st.lists(_TERM, max_size=5))
def test_any_valid_filter_renders_to_text_that_parses_back_to_it(
    required: list[str], excluded: list[str]
) -> None:
    try:
        built = NewsFilter(tuple(required), tuple(excluded))
    except InvalidInput:
        assume(False)
        return
    assert parse_filter(built.render()) == built


@given(st.text(max_size=300), st.text(max_size=1000))
def test_matching_any_article_never_crashes(title: str, summary: str) -> None:
    news_filter = parse_filter('+S-400 "rare earths" -cricket मोदी -"U.S."')
    assert news_filter.accepts(article(title, summary)) in (True, False)


def test_matching_is_fast_on_long_articles() -> None:
    news_filter = parse_filter(" ".join(f"+term{i}" for i in range(MAX_TERMS - 1)) + " -x")
    summary = ("term1 term2 मोदी S-400 " * 5000)[:100_000]
    started = time.perf_counter()
    for _ in range(20):
        news_filter.accepts(article("term0 " * 50, summary))
    elapsed = time.perf_counter() - started
    assert elapsed / 20 < 0.1  # seconds per 100 kB article, with room to spare
