from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from calendars.news.articles import article_key
from calendars.news.parsing import ParsedArticles, SourceUnreadable, parse_articles

FEEDS = Path(__file__).resolve().parents[2] / "data" / "feeds"
FEED_URL = "https://feeds.example.com/diplomacy.xml"
NOW = datetime(2025, 9, 2, 12, tzinfo=UTC)


def parse(name: str, content_type: str | None = None, **options: object) -> ParsedArticles:
    return parse_articles(
        (FEEDS / name).read_bytes(),
        source_url=FEED_URL,
        content_type=content_type,
        now=NOW,
        **options,  # type: ignore[arg-type]
    )


def rss(items: str, *, channel: str = "<title>Wire</title>") -> bytes:
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>{channel}'
        f"{items}</channel></rss>"
    ).encode()


def test_rss2_items_become_clean_articles() -> None:
    feed = parse("rss2.xml")
    assert feed.title == "Diplomacy Daily"
    assert feed.problem is None
    first, second, undated = feed.articles
    assert first.title == "Modi and Putin to meet at the SCO summit"
    assert first.link == "https://news.example.com/world/modi-putin-sco?id=42"
    assert first.summary == (
        "Leaders of India & Russia will hold talks in Tianjin. S-400 deliveries are on the agenda."
    )
    assert first.key == article_key(guid="dd-2025-0901-001", link="", source_url=FEED_URL)
    assert first.published == datetime(2025, 9, 1, 4, 30, tzinfo=UTC)
    assert (first.source, first.source_url) == ("Diplomacy Daily", FEED_URL)
    assert second.link == "https://news.example.com/world/xi-hosts?page=2"
    assert second.key == article_key(guid=None, link=second.link)
    assert second.summary == "Plain text summary with an & double-escaped ampersand."
    assert (undated.link, undated.published) == ("https://news.example.com/world/undated", None)


def test_items_with_neither_link_nor_guid_are_skipped() -> None:
    titles = [a.title for a in parse("rss2.xml").articles]
    assert "An item with neither link nor guid is skipped" not in titles


def test_atom_entries_resolve_links_against_xml_base_and_prefer_the_published_date() -> None:
    feed = parse("atom.xml")
    assert feed.title == "Foreign Affairs Wire"
    brics, g20 = feed.articles
    assert brics.link == "https://atom.example.org/articles/brics-rio"
    assert brics.summary == "Foreign ministers of the BRICS group met on Monday."
    assert brics.published == datetime(2025, 9, 1, 7, 15, tzinfo=UTC)
    assert g20.title == "G20 sherpas agree text"
    assert g20.summary == "Negotiators agreed the draft communiqué."
    assert g20.link == "https://atom.example.org/articles/g20-sherpas"
    assert g20.published == datetime(2025, 8, 30, 8, tzinfo=UTC)


def test_rss1_rdf_items_are_read_with_their_dublin_core_dates() -> None:
    feed = parse("rss1.xml")
    (asean,) = feed.articles
    assert asean.title == "ASEAN foreign ministers gather in Kuala Lumpur"
    assert asean.published == datetime(2025, 7, 7, 22, tzinfo=UTC)


def test_rss091_with_its_netscape_doctype_is_read() -> None:
    content = b"""<?xml version="1.0"?>
<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN"
  "http://my.netscape.com/publish/formats/rss-0.91.dtd">
<rss version="0.91"><channel><title>Old Wire</title><link>http://old.example.com/</link>
<item><title>Summit ends</title><link>http://old.example.com/summit</link></item>
</channel></rss>"""
    feed = parse_articles(content, source_url=FEED_URL)
    assert [(a.title, a.link) for a in feed.articles] == [
        ("Summit ends", "http://old.example.com/summit")
    ]


@pytest.mark.parametrize(
    "content_type", [None, "application/rss+xml", "text/xml", "application/xml; charset=UTF-8"]
)
def test_devanagari_survives_whatever_the_server_says(content_type: str | None) -> None:
    feed = parse("marathi.xml", content_type)
    assert feed.title == "मराठी बातम्या"
    assert feed.articles[0].title == "मोदी आणि पुतिन यांची तियानजिनमध्ये भेट"
    assert feed.problem is None


def test_utf8_served_as_latin1_is_still_utf8() -> None:
    feed = parse("marathi.xml", "text/html; charset=ISO-8859-1")
    assert feed.articles[1].title == "मोदींनी घेतली पुतिन यांची भेट"
    assert feed.problem is None  # the XML declaration got it right


def test_utf8_declared_as_latin1_everywhere_is_read_as_utf8_and_the_lie_reported() -> None:
    content = rss("<item><title>मोदी</title><link>https://x.example/1</link></item>")
    content = content.replace(b'encoding="utf-8"', b'encoding="ISO-8859-1"')
    feed = parse_articles(content, source_url=FEED_URL, content_type="text/xml; charset=iso-8859-1")
    assert feed.articles[0].title == "मोदी"
    assert feed.problem == "declared as iso-8859-1 but the bytes are UTF-8; read as UTF-8"


@pytest.mark.parametrize("content_type", [None, "application/xml; charset=utf-8", "text/xml"])
def test_windows_1251_declared_in_the_prolog_is_honoured(content_type: str | None) -> None:
    feed = parse("cp1251.xml", content_type)
    assert feed.title == "Новости дипломатии"
    assert feed.articles[0].title == "Путин и Моди обсудили поставки С-400"
    assert feed.problem is None


def test_the_http_charset_decodes_an_undeclared_feed() -> None:
    content = rss("<item><title>Путин</title><link>https://ru.example/1</link></item>")
    content = content.replace(b' encoding="utf-8"', b"").decode().encode("koi8-r")
    feed = parse_articles(content, source_url=FEED_URL, content_type="text/xml; charset=KOI8-R")
    assert feed.articles[0].title == "Путин"
    assert feed.problem is None


def test_undeclared_latin1_is_read_as_windows_1252_with_a_note() -> None:
    feed = parse("latin1-undeclared.xml")
    assert feed.title == "Diplomatie française"
    assert feed.articles[0].title == "Sommet à Genève : les négociateurs réunis"
    assert feed.problem == "no encoding declared and the bytes are not UTF-8; read as windows-1252"


def test_byte_order_marks_settle_the_encoding() -> None:
    text = (FEEDS / "marathi.xml").read_text(encoding="utf-8")
    for encoded in ("\ufeff" + text).encode("utf-16"), ("\ufeff" + text).encode("utf-8"):
        feed = parse_articles(encoded, source_url=FEED_URL)
        assert feed.articles[0].title.startswith("मोदी")


def test_broken_xml_still_yields_its_items_and_says_what_was_wrong() -> None:
    feed = parse("broken.xml")
    assert [a.title for a in feed.articles] == [
        "Quad leaders issue joint statement",
        "G7 & partners meet in Canada",
        "A truncated download ends here",
    ]
    assert feed.articles[0].summary == "Line one Line two"
    assert feed.problem == "not well-formed XML (line 9: mismatched tag): recovered 3 items"


def test_an_html_page_is_refused_with_a_hint() -> None:
    with pytest.raises(SourceUnreadable, match="not an RSS or Atom feed: this is an HTML page"):
        parse("not-a-feed.html")


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "empty"),
        (b"  \n ", "empty"),
        (b"<note><to>Tove</to></note>", "no <rss>, <feed> or <rdf:RDF> element"),
        (b"\x00\xff\xfe garbage", "not an RSS or Atom feed"),
        (b'{"items": []}', "not an RSS or Atom feed"),
        (b"/etc/passwd", "not an RSS or Atom feed"),  # never opened as a file name
        (b"https://example.com/rss", "not an RSS or Atom feed"),  # never fetched
    ],
)
def test_what_is_not_a_feed_is_refused_clearly(content: bytes, reason: str) -> None:
    with pytest.raises(SourceUnreadable, match=reason) as caught:
        parse_articles(content, source_url=FEED_URL)
    assert "<rss" in caught.value.user_message()


def test_an_empty_channel_is_a_feed_with_no_articles() -> None:
    feed = parse_articles(rss(""), source_url=FEED_URL)
    assert (feed.title, feed.articles, feed.problem) == ("Wire", (), None)


def test_relative_links_fall_back_to_the_feed_url_without_a_channel_link() -> None:
    feed = parse_articles(
        rss("<item><title>A</title><link>../a?utm_campaign=x</link></item>"),
        source_url="https://feeds.example.com/world/rss.xml",
    )
    assert feed.articles[0].link == "https://feeds.example.com/a"


def test_without_a_feed_title_the_host_names_the_source() -> None:
    feed = parse_articles(
        rss("<item><link>https://news.example.com/a</link></item>", channel=""),
        source_url="https://feeds.example.com/rss",
    )
    assert feed.title == "feeds.example.com"
    assert feed.articles[0].source == "feeds.example.com"


def test_an_items_own_source_names_it() -> None:
    feed = parse_articles(
        rss(
            "<item><title>A</title><link>https://x.example/a</link>"
            '<source url="https://wire.example/rss">Wire Service</source></item>'
        ),
        source_url=FEED_URL,
    )
    assert feed.articles[0].source == "Wire Service"


def test_dates_more_than_a_day_ahead_are_not_believed() -> None:
    def item(n: int, when: datetime) -> str:
        stamp = when.strftime("%a, %d %b %Y %H:%M:%S +0000")
        return f"<item><link>https://x.example/{n}</link><pubDate>{stamp}</pubDate></item>"

    soon, later = NOW + timedelta(hours=20), NOW + timedelta(days=3)
    feed = parse_articles(rss(item(1, soon) + item(2, later)), source_url=FEED_URL, now=NOW)
    assert [a.published for a in feed.articles] == [soon, None]


def test_only_the_first_items_are_kept_and_repeats_once() -> None:
    items = "".join(f"<item><guid>https://x.example/{n % 5}</guid></item>" for n in range(10))
    assert len(parse_articles(rss(items), source_url=FEED_URL).articles) == 5
    assert len(parse_articles(rss(items), source_url=FEED_URL, max_items=3).articles) == 3


def test_a_billion_laughs_is_refused_at_once() -> None:
    lol = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol" + str(i - 1 if i > 1 else "") + ";") * 10}">'
        for i in range(1, 10)
    )
    content = (
        f'<?xml version="1.0"?><!DOCTYPE rss [{lol}]><rss version="2.0"><channel>'
        "<title>&lol9;</title><item><title>&lol9;</title><link>https://x.example/a</link>"
        "</item></channel></rss>"
    ).encode()
    started = time.monotonic()
    with pytest.raises(SourceUnreadable, match="built from other entities, which feeds do not"):
        parse_articles(content, source_url=FEED_URL)
    assert time.monotonic() - started < 1


def test_entity_declarations_outside_a_doctype_are_never_expanded() -> None:
    content = (
        b'<!ENTITY x "expanded"><rss version="2.0"><channel><item><title>&x;</title>'
        b"<link>https://x.example/a</link></item></channel></rss>"
    )
    (article,) = parse_articles(content, source_url=FEED_URL).articles
    assert "expanded" not in article.title


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=600))
def test_any_bytes_are_read_or_refused_never_crash(content: bytes) -> None:
    try:
        feed = parse_articles(content, source_url=FEED_URL)
    except SourceUnreadable as exc:
        assert exc.user_message()
    else:
        assert all(a.link == "" or a.link.startswith("http") for a in feed.articles)


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=300))
def test_any_text_inside_rss_tags_never_crashes(text: str) -> None:
    content = f'<rss version="2.0"><channel><item>{text}</item></channel></rss>'.encode()
    try:
        feed = parse_articles(content, source_url=FEED_URL)
    except SourceUnreadable as exc:
        assert exc.user_message()
    else:
        for article in feed.articles:
            assert len(article.title) <= 300
            assert len(article.summary) <= 1000


def _in_xml(text: str, cdata: bool) -> str:
    if cdata:  # "]]>" cannot appear inside CDATA: split it across two sections
        return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"
    return escape(text)


@settings(suppress_health_check=[HealthCheck.too_slow], max_examples=60)
@given(
    st.lists(
        st.tuples(
            st.text(max_size=60) | st.sampled_from(["]]>", "<b>x</b>", "\x0b\x00\x1f", "&amp;"]),
            st.text(max_size=120),
            st.booleans(),
        ),
        max_size=8,
    )
)
def test_generated_items_all_come_back_with_plain_bounded_text(
    items: list[tuple[str, str, bool]],
) -> None:
    body = "".join(
        f"<item><title>{_in_xml(title, cdata)}</title>"
        f"<description>{_in_xml(summary, not cdata)}</description>"
        f"<link>https://news.example.com/{n}</link></item>"
        for n, (title, summary, cdata) in enumerate(items)
    )
    feed = parse_articles(rss(body), source_url=FEED_URL)
    assert [a.link for a in feed.articles] == [
        f"https://news.example.com/{n}" for n in range(len(items))
    ]
    for article in feed.articles:
        assert len(article.title) <= 300
        assert len(article.summary) <= 1000
        assert not any(ord(c) < 32 for c in article.title + article.summary)


def test_bidi_overrides_and_zero_width_characters_never_reach_an_article() -> None:
    feed = parse_articles(
        rss(
            "<item><title>Summit \u202egnp.exe\u202c in Mo\u200bdi&#8238;s town</title>"
            "<description>&lt;b&gt;Talks&lt;/b&gt;\u2066 resume\u2069\ufeff</description>"
            "<source url='https://w.example/'>Wire\u200b</source>"
            "<link>https://x.example/1</link></item>"
        ),
        source_url=FEED_URL,
    )
    (article,) = feed.articles
    assert (article.title, article.summary, article.source) == (
        "Summit gnp.exe in Modis town",
        "Talks resume",
        "Wire",
    )
