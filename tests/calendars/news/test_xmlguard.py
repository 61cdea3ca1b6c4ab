"""The one XML guard: entity declarations wherever they hide, for feeds and OPML alike."""

from __future__ import annotations

import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from calendars.news.opml import OpmlInvalid, parse_opml
from calendars.news.parsing import SourceUnreadable, parse_articles
from calendars.news.xmlguard import MAX_ENTITY_CHARS, XmlForbidden, decode, guard

FEED_URL = "https://feeds.example.com/rss"
BIG = "Z" * 200  # no small entity value contains "Z"
ITEM = (
    '<rss version="2.0"><channel><title>Wire</title><item><title>{refs}</title>'
    "<link>https://x.example/1</link></item></channel></rss>"
)


def feed(prolog: str, refs: str = "&a;&a;&a;") -> bytes:
    return (prolog + ITEM.format(refs=refs)).encode()


def titles(content: bytes) -> list[str]:
    return [a.title for a in parse_articles(content, source_url=FEED_URL).articles]


def test_a_doctype_behind_a_comment_that_looks_like_a_tag_is_refused() -> None:
    # The security review's case: a regex took "<a" for the root and missed the entities.
    content = feed(f'<?xml version="1.0"?><!DOCTYPE rss [<!-- <a --> <!ENTITY a "{BIG}">]>')
    started = time.monotonic()
    with pytest.raises(SourceUnreadable, match=r"declares an entity \(a\) longer than 10"):
        parse_articles(content, source_url=FEED_URL)
    assert time.monotonic() - started < 0.5


@pytest.mark.parametrize(
    "doctype",
    [
        '<!DOCTYPE rss [\n<!ENTITY a "S-400">\n]>',
        '<!DOCTYPE rss [<!ENTITY a "S-400">]>',  # one line: feedparser left a stray "]>"
        '<!DOCTYPE rss [ <!ENTITY nbsp "&#160;"> <!ENTITY a "S-400"> ]>',
    ],
)
def test_small_entities_that_feeds_declare_are_read(doctype: str) -> None:
    content = feed(f'<?xml version="1.0"?>\n{doctype}\n')
    parsed = parse_articles(content, source_url=FEED_URL)
    assert [a.title for a in parsed.articles] == ["S-400S-400S-400"]
    assert parsed.problem is None  # read as well-formed, not recovered


@pytest.mark.parametrize(
    "prolog",
    [
        # feedparser lifts "<!ENTITY" lines from comments into a DOCTYPE of its own ...
        f'<?xml version="1.0"?>\n<!DOCTYPE rss>\n<!--\n<!ENTITY a "{BIG}">\n-->\n',
        # ... into its tolerant parser when the strict one fails ...
        f'junk\n<!--\n<!ENTITY a "{BIG}" -->\n<!--\n<!DOCTYPE rss -->\n',
        # ... and passes on a DOCTYPE after a line the guard cannot read.
        f'<!ENTITY junk>\n<!DOCTYPE rss [<!-- <a --> <!ENTITY a "{BIG}">]>\n',
    ],
)
def test_entities_feedparser_would_lift_are_never_expanded(prolog: str) -> None:
    try:
        read = titles(feed(prolog))
    except SourceUnreadable as exc:
        assert exc.user_message()
    else:
        assert not any(BIG[:50] in title for title in read)


@pytest.mark.parametrize(
    ("declaration", "reason"),
    [
        ('<!ENTITY % p "x">', "parameter entities"),
        ('<!ENTITY a SYSTEM "file:///etc/passwd">', "external entity"),
        ('<!ENTITY a SYSTEM "http://x.example/f" NDATA gif>', "external entity"),
        ('<!ENTITY a "&#38;b;">', "built from other entities"),
        ('<!ENTITY a "<b>x</b>">', "built from other entities"),
    ],
)
def test_entities_that_fetch_or_nest_are_refused(declaration: str, reason: str) -> None:
    with pytest.raises(SourceUnreadable, match=reason):
        parse_articles(feed(f"<!DOCTYPE rss [{declaration}]>"), source_url=FEED_URL)


def test_opml_and_feeds_share_the_decoder() -> None:
    text = "<opml><body><outline text='Новости' xmlUrl='https://ru.example/r'/></body></opml>"
    assert decode(text.encode("utf-16")).text == text
    assert parse_opml(text.encode("utf-16"))[0].title == "Новости"
    assert decode(b"caf\xe9").note == (
        "no encoding declared and the bytes are not UTF-8; read as windows-1252"
    )


_names = st.sampled_from(["a", "b", "lol", "x1"])
_values = st.sampled_from(["", "x", "S-400", "&#160;", BIG, "&a;&a;", "&#38;a;", "<b/>"])
_decls = st.builds('<!ENTITY {}{} "{}">'.format, st.sampled_from(["", "% "]), _names, _values)
_noise = st.sampled_from(["", "<!-- <a -->", "<?pi <b?>", "\n", "<!-- <!ENTITY a 'y'> -->"])


@st.composite
def entity_laden(draw: st.DrawFn) -> bytes:
    """A prolog with a DOCTYPE whose subset mixes declarations, comments and PIs, and a
    body that references the entities thousands of times."""
    subset = "".join(
        draw(
            st.lists(st.tuples(_noise, _decls), max_size=6).map(
                lambda pairs: [n + d for n, d in pairs]
            )
        )
    )
    before = draw(_noise)
    refs = "".join(f"&{draw(_names)};" for _ in range(draw(st.integers(1, 5)))) * 2000
    doctype = draw(
        st.sampled_from([f"<!DOCTYPE rss [{subset}]>", f"<!DOCTYPE rss [\n{subset}\n]>"])
    )
    return feed(f'<?xml version="1.0"?>{before}{doctype}{draw(_noise)}', refs=refs)


@settings(suppress_health_check=[HealthCheck.too_slow], max_examples=150, deadline=None)
@given(entity_laden())
def test_entity_laden_feeds_are_read_or_refused_quickly_and_never_expanded(content: bytes) -> None:
    started = time.monotonic()
    try:
        read = titles(content)
    except SourceUnreadable as exc:
        assert exc.user_message()
    else:
        # At most MAX_ENTITY_CHARS per reference: ~3x the body, never megabytes.
        assert all(len(title) <= 300 for title in read)
        assert not any(BIG[: MAX_ENTITY_CHARS + 1] in title for title in read)
    assert time.monotonic() - started < 2


@settings(suppress_health_check=[HealthCheck.too_slow], max_examples=150, deadline=None)
@given(entity_laden())
def test_opml_refuses_every_doctype_however_it_is_hidden(content: bytes) -> None:
    opml = content.replace(b"<rss", b"<opml").replace(b"</rss>", b"</opml>")
    with pytest.raises(OpmlInvalid):
        parse_opml(opml)


@given(st.binary(max_size=300), st.booleans())
def test_the_guard_refuses_or_passes_any_bytes_never_crashes(data: bytes, doctype: bool) -> None:
    try:
        guard(data, allow_doctype=doctype)
    except XmlForbidden as exc:
        assert str(exc)
