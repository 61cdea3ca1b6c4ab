"""Splitting Telegram HTML: every part is accepted by Telegram's rules, nothing is lost."""

from __future__ import annotations

import re
from html import escape

import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from bot.wording.notices import article_notice, split_message
from bot.wording.telegram_html import MAX_LINK_URL, TELEGRAM_LIMIT, utf16_length
from calendars.news.articles import Article
from tests.fakes.telegram_rules import check_text, html_to_plain

LONG_LINK = "https://news.example/story?" + "&".join(f"p{i}=v&w" for i in range(700))

SIMPLE = ["b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "code", "pre"]
SIMPLE += ["tg-spoiler", "blockquote"]
START_TAGS = st.one_of(
    st.sampled_from([f"<{name}>" for name in SIMPLE]).map(lambda t: (t, t[1:-1])),
    st.just(('<span class="tg-spoiler">', "span")),
    st.sampled_from(["https://x.org/?a=1&b=<2>", LONG_LINK, 'https://y.org/"q"']).map(
        lambda url: (f'<a href="{escape(url, quote=True)}">', "a")
    ),
    st.just(('<pre><code class="language-python">', "pre-code")),
    st.just(('<tg-time unix="1764822600" format="wdt">', "tg-time")),
)
TEXT = st.text(
    alphabet=st.one_of(
        st.characters(codec="utf-8", exclude_categories=("Cs",)),
        st.sampled_from("\n\n  &<>\"'😀"),
    ),
    max_size=60,
).map(escape)


def _close(name: str) -> str:
    return "</code></pre>" if name == "pre-code" else f"</{name}>"


markup = st.recursive(
    TEXT,
    lambda inner: st.one_of(
        st.lists(inner, min_size=1, max_size=6).map("".join),
        st.tuples(START_TAGS, inner).map(lambda pair: pair[0][0] + pair[1] + _close(pair[0][1])),
    ),
    max_leaves=40,
)


def visible(part: str) -> str:
    """The text Telegram shows, by the fake Bot API's rules (raises on bad HTML)."""
    return html_to_plain(part)


@settings(max_examples=400, deadline=None)
@given(markup, st.integers(min_value=8, max_value=300))
@example('0000000\U00010000000000\r<tg-time unix="1764822600" format="wdt">00000000</tg-time>', 8)
def test_every_part_is_well_formed_within_the_limit_and_nothing_is_lost(
    html: str, limit: int
) -> None:
    original = visible(html)
    assume(original.strip())
    assume(not re.search(rf"\s{{{limit}}}", original))  # only such a run makes a blank part
    parts = split_message(html, limit=limit)
    texts = [visible(part) for part in parts]
    assert all(utf16_length(text) <= limit for text in texts)
    assert all(text.strip() for text in texts)
    # Only blanks may go, and only where a cut leaves them a part of their own (a line
    # break between a full part and an unbreakable time, say): Telegram trims them anyway.
    assert re.sub(r"\s", "", "".join(texts)) == re.sub(r"\s", "", original)
    assert "".join(texts) == original or len(texts) > 1


@settings(max_examples=50, deadline=None)
@given(st.lists(markup, min_size=30, max_size=60).map("\n".join))
def test_at_telegrams_limit_every_part_is_accepted_by_the_fake_bot_api(html: str) -> None:
    assume(visible(html).strip())
    for part in split_message(html):
        check_text(part, "HTML")


def test_a_link_of_kilobytes_of_parameters_is_shown_as_its_text() -> None:
    html = "\n".join([f'<a href="{escape(LONG_LINK, quote=True)}">Story</a>', "x" * 5000])
    assert len(LONG_LINK) > 4000
    assert len(escape(LONG_LINK, quote=True)) > 10_000
    parts = split_message(html)
    for part in parts:
        check_text(part, "HTML")
    assert "href" not in "".join(parts)
    assert parts[0].startswith("Story\n")


def test_a_cut_inside_formatting_closes_and_reopens_it() -> None:
    link = '<a href="https://x.org/?a=1&amp;b=2">'
    parts = split_message(f"<b>{link}{'word ' * 30}</a></b>", limit=64)
    assert len(parts) == 3
    assert all(part.startswith(f"<b>{link}word") for part in parts)
    assert all(part.endswith("</a></b>") for part in parts)


def test_line_breaks_are_preferred_to_spaces_and_spaces_to_anywhere() -> None:
    lines = [f"<b>line {n}</b> " + "a b " * 5 for n in range(20)]
    parts = split_message("\n".join(lines), limit=100)
    assert all(visible(part).endswith("\n") for part in parts[:-1])
    unbroken = split_message("word " * 100, limit=64)
    assert all(visible(part).endswith(" ") for part in unbroken[:-1])


def test_a_blank_run_longer_than_the_limit_makes_no_blank_message() -> None:
    parts = split_message("start" + "\n" * 300 + "end", limit=100)
    assert [visible(part).strip() for part in parts] == ["start", "end"]


def test_short_messages_are_sent_as_written() -> None:
    html = "<b>Talks</b> &amp; <i>more</i>"
    assert split_message(html) == [html]


def test_emoji_count_twice_as_telegram_counts_them() -> None:
    parts = split_message("😀" * 3000)
    assert [utf16_length(visible(part)) for part in parts] == [TELEGRAM_LIMIT, 6000 - 4096]


@pytest.mark.parametrize("link_length", [MAX_LINK_URL - 100, MAX_LINK_URL + 100])
def test_an_article_notice_links_its_title_unless_the_address_is_too_long(
    link_length: int,
) -> None:
    link = "https://news.example/?" + "a" * (link_length - 22)
    notice = article_notice(
        Article(
            key="k",
            title="Summit",
            link=link,
            summary="",
            source="Wire",
            published=None,
            source_url="",
        ),
        [],
        zone="UTC",
    )
    for part in split_message(notice):
        check_text(part, "HTML")
    assert ("href" in notice) is (link_length <= MAX_LINK_URL)
    assert "Summit" in notice


def test_a_cut_never_falls_inside_a_date_entity() -> None:
    entity = '<tg-time unix="1764822600" format="wdt">Fri 4 Dec 2026, 04:30 UTC</tg-time>'
    words = "word " * 7
    for padding in range(0, 40):
        parts = split_message(f"<b>{'x' * padding} {words}{entity} after</b>", limit=40)
        joined = "".join(html_to_plain(part, now=1764000000) for part in parts)
        assert joined == f"{'x' * padding} {words}Fri 4 Dec 2026, 04:30 UTC after"
        assert sum(part.count("<tg-time") for part in parts) == 1, parts
        assert any(entity in part for part in parts), parts
