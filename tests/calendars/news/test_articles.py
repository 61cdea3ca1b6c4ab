from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from calendars.errors import InvalidInput
from calendars.news.articles import Article, article_key, html_to_text, normalise_link, plain_text

BASE = "https://news.example.com/world/index.html"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("/world/summit", "https://news.example.com/world/summit"),
        ("summit?id=3", "https://news.example.com/world/summit?id=3"),
        ("//cdn.example.com/a", "https://cdn.example.com/a"),
        ("HTTPS://News.Example.COM/A/B", "https://news.example.com/A/B"),
        ("https://example.com:443/x", "https://example.com/x"),
        ("http://example.com:80/x", "http://example.com/x"),
        ("http://example.com:8080/x", "http://example.com:8080/x"),
        ("https://example.com", "https://example.com/"),
        ("https://example.com/a?", "https://example.com/a"),
        ("https://example.com/a#comments", "https://example.com/a"),
        ("https://user:secret@example.com/a", "https://example.com/a"),
        ("https://example.com/a b/ä", "https://example.com/a%20b/%C3%A4"),
        ("https://[::1]:8443/a", "https://[::1]:8443/a"),
    ],
)
def test_links_are_resolved_and_put_in_one_canonical_form(url: str, expected: str) -> None:
    assert normalise_link(url, base=BASE) == expected


def test_tracking_parameters_go_and_the_others_keep_their_order() -> None:
    url = (
        "https://example.com/a?z=1&utm_source=rss&UTM_Medium=x&id=7&fbclid=abc&gclid=1"
        "&mc_cid=2&mc_eid=3&ref=tw&cmpid=4&ocid=5&_ga=6&igshid=7&a=&&b=2"
    )
    assert normalise_link(url) == "https://example.com/a?z=1&id=7&a=&b=2"
    assert normalise_link("https://example.com/a?utm_source=rss") == "https://example.com/a"


@pytest.mark.parametrize(
    "url",
    [
        "",
        "   ",
        "mailto:press@example.com",
        "javascript:alert(1)",
        "ftp://example.com/file",
        "https:///no-host",
        "http://[::1/broken",
        "http://example.com:99999/",
        "http://exa mple.com/",
        "https://" + "a" * 5000 + ".com/",
    ],
)
def test_unusable_links_become_empty(url: str) -> None:
    assert normalise_link(url) == ""


def test_an_empty_link_is_not_resolved_to_the_base() -> None:
    assert normalise_link("", base=BASE) == ""


@given(st.text(max_size=80), st.sampled_from([None, BASE, "https://a.example/x/", "junk"]))
def test_normalising_is_idempotent_and_never_raises(url: str, base: str | None) -> None:
    once = normalise_link(url, base=base)
    assert normalise_link(once) == once
    assert once == "" or once.startswith(("http://", "https://"))


@given(
    st.builds(
        "{}://{}/{}?{}#{}".format,
        st.sampled_from(["http", "HTTPS", "ftp"]),
        st.from_regex(r"[A-Za-z0-9.-]{1,20}(:[0-9]{1,5})?", fullmatch=True),
        st.text(max_size=20),
        st.text(max_size=20),
        st.text(max_size=5),
    )
)
def test_url_shaped_text_normalises_idempotently(url: str) -> None:
    once = normalise_link(url)
    assert normalise_link(once) == once


def test_a_uri_guid_is_the_same_story_in_every_feed() -> None:
    guid = "tag:news.example.com,2025:summit-1"
    assert article_key(guid=guid, link="", source_url="https://a.example/rss") == article_key(
        guid=guid, link="https://other.example/x", source_url="https://b.example/rss"
    )
    assert article_key(guid=guid, link="").startswith("guid:")


def test_a_bare_guid_only_identifies_an_item_within_its_feed() -> None:
    one = article_key(guid="12345", link="", source_url="https://a.example/rss")
    other = article_key(guid="12345", link="", source_url="https://b.example/rss")
    assert one != other
    assert one == article_key(guid=" 12345 ", link="x", source_url="https://a.example/rss")


def test_without_a_guid_the_cleaned_link_is_the_key() -> None:
    plain = article_key(guid=None, link="https://example.com/a")
    assert plain.startswith("link:")
    assert article_key(guid="", link="https://EXAMPLE.com/a?utm_source=x#top") == plain


def test_an_article_without_guid_or_link_has_no_key() -> None:
    with pytest.raises(InvalidInput, match="guid or an http"):
        article_key(guid="  ", link="mailto:x@example.com")


def test_html_becomes_one_line_of_plain_text() -> None:
    fragment = (
        "<p>Leaders of India &amp; Russia</p><p>met in <a href='/t'>Tianjin</a>.</p>"
        "<script>alert('x')</script><style>p{}</style>Done&nbsp;&#8212; ok<br>end"
    )
    assert html_to_text(fragment) == "Leaders of India & Russia met in Tianjin. Done — ok end"


def test_broken_html_still_gives_its_text() -> None:
    assert html_to_text("<b>Modi <i>meets</b> Putin <a href='x") == "Modi meets Putin"
    assert html_to_text("5 < 6 and 7 > 2") == "5 < 6 and 7 > 2"


def test_long_text_is_cut_at_a_word_with_an_ellipsis() -> None:
    text = plain_text("word " * 100, limit=50)
    assert len(text) <= 50
    assert text.endswith("word…")


def test_plain_text_decodes_entities_escaped_twice_and_drops_controls() -> None:
    assert plain_text("AT&amp;T\x00 \x1b[31m red\u2028line") == "AT&T [31m red line"


@given(st.text(max_size=300), st.integers(min_value=2, max_value=400))
def test_any_html_gives_bounded_single_line_text(fragment: str, limit: int) -> None:
    text = html_to_text(fragment, limit=limit)
    assert len(text) <= limit
    assert "\n" not in text
    assert text == text.strip()


def _article(**changes: object) -> Article:
    fields: dict[str, object] = {
        "key": "guid:abc",
        "title": "Modi and Putin meet",
        "link": "https://news.example.com/a",
        "summary": "Talks in Tianjin.",
        "source": "Diplomacy Daily",
        "published": datetime(2025, 9, 1, 10, tzinfo=timezone(timedelta(hours=5, minutes=30))),
        "source_url": "https://feeds.example.com/rss",
    }
    fields.update(changes)
    return Article(**fields)  # type: ignore[arg-type]


def test_articles_round_trip_through_their_records() -> None:
    for article in (_article(), _article(published=None)):
        assert Article.from_record(article.to_record()) == article


def test_published_is_kept_in_utc_and_must_be_aware() -> None:
    assert _article().published == datetime(2025, 9, 1, 4, 30, tzinfo=UTC)
    with pytest.raises(InvalidInput, match="aware"):
        _article(published=datetime(2025, 9, 1, 10))
