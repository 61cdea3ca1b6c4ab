from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from calendars.news.opml import OpmlInvalid, OpmlSource, export_opml, parse_opml

FEEDS = Path(__file__).resolve().parents[2] / "data" / "feeds"


def opml(outlines: str, *, prolog: str = '<?xml version="1.0" encoding="UTF-8"?>') -> bytes:
    return f'{prolog}<opml version="2.0"><body>{outlines}</body></opml>'.encode()


def test_feeds_are_read_with_tags_from_folders_and_categories() -> None:
    feeds = parse_opml((FEEDS / "subscriptions.opml").read_bytes())
    assert feeds == [
        OpmlSource(
            "https://feeds.example.com/diplomacy.xml",
            "Diplomacy Daily",
            ("sco", "india-russia", "summits", "2025", "quad"),  # the duplicate adds "quad"
        ),
        OpmlSource("https://marathi.example.in/rss.xml", "मराठी बातम्या", ("sco", "india-russia")),
        OpmlSource("https://atom.example.org/feed.atom", "Foreign Affairs Wire", ("brics", "g20")),
    ]


def test_feeds_that_are_not_http_are_skipped() -> None:
    feeds = parse_opml(
        opml(
            '<outline text="a" xmlUrl="ftp://example.com/a.xml"/>'
            '<outline text="b" xmlUrl="javascript:alert(1)"/>'
            '<outline text="c" xmlUrl="https://exa mple.com/rss"/>'
            '<outline text="d" xmlUrl="https://example.com:port/rss"/>'
            '<outline text="e" xmlUrl=" https://example.com/ok.xml "/>'
        )
    )
    assert feeds == [OpmlSource("https://example.com/ok.xml", "e", ())]


def test_without_a_title_the_host_names_the_feed() -> None:
    assert parse_opml(opml('<outline xmlUrl="https://news.example.com/rss"/>'))[0].title == (
        "news.example.com"
    )


def test_folder_names_become_slugs_and_unusable_ones_are_dropped() -> None:
    (feed,) = parse_opml(
        opml(
            '<outline text="Sécurité &amp; Défense"><outline text="भारत">'
            '<outline text="x" xmlUrl="https://example.com/rss" category="/World/Asia, ,//"/>'
            "</outline></outline>"
        )
    )
    assert feed.tags == ("securite-defense", "world", "asia")


def test_deeply_nested_folders_do_not_exhaust_the_stack() -> None:
    depth = 5000
    nested = '<outline text="f">' * depth + '<outline xmlUrl="https://e.example/r"/>'
    (feed,) = parse_opml(opml(nested + "</outline>" * depth))
    assert feed.tags == ("f",)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"not xml at all", "not well-formed XML at line 1"),
        (b"<opml><body>", "not well-formed XML"),
        (b'<rss version="2.0"><channel/></rss>', "a feed itself, not a list of feeds"),
        (b"<html><body/></html>", "not an OPML file: the document is <html>"),
        (opml('<outline text="folder only"/>'), "lists no http"),
        (b'<?xml version="1.0" encoding="no-such-codec"?><opml>\xff</opml>', "as no-such-codec"),
        (b"<opml>\xff\xfe\xfd</opml>", "not readable as utf-8"),
    ],
)
def test_bad_files_are_refused_with_a_reason_and_an_example(data: bytes, message: str) -> None:
    with pytest.raises(OpmlInvalid, match=message) as caught:
        parse_opml(data)
    assert caught.value.user_message()


@pytest.mark.parametrize(
    "prolog",
    [
        '<!DOCTYPE opml [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>',
        '<!DOCTYPE opml SYSTEM "file:///etc/passwd">',
        '<!-- <a --><!DOCTYPE opml [<!-- <b --> <!ENTITY b "bbbbbbbbbbbbbbbbbbbb">]>',
        '<?pi <a?><!DOCTYPE opml [<!ENTITY b "b">]>',
    ],
)
def test_doctypes_and_entities_are_refused(prolog: str) -> None:
    with pytest.raises(OpmlInvalid, match="must not contain a DOCTYPE"):
        parse_opml(opml('<outline xmlUrl="https://e.example/r" text="&b;"/>', prolog=prolog))


@pytest.mark.parametrize(
    "prolog", ['<!ENTITY x SYSTEM "http://attacker.example/">', "<!doctype opml>"]
)
def test_declarations_that_are_not_xml_are_refused_as_malformed(prolog: str) -> None:
    with pytest.raises(OpmlInvalid, match="not well-formed XML at line 1"):
        parse_opml(opml('<outline xmlUrl="https://e.example/r"/>', prolog=prolog))


def test_a_doctype_hidden_in_utf16_is_still_refused() -> None:
    data = opml(
        '<outline xmlUrl="https://e.example/r"/>', prolog='<!DOCTYPE opml [<!ENTITY a "b">]>'
    )
    with pytest.raises(OpmlInvalid, match="DOCTYPE"):
        parse_opml(data.decode().encode("utf-16"))


def test_utf8_is_read_as_utf8_whatever_the_file_declares() -> None:
    data = opml('<outline text="मराठी" xmlUrl="https://mr.example/rss"/>')
    assert parse_opml(data.replace(b"UTF-8", b"UTF-16"))[0].title == "मराठी"


def test_other_encodings_are_read() -> None:
    data = opml('<outline text="Новости" xmlUrl="https://ru.example/rss"/>').decode()
    encoded = data.replace("UTF-8", "windows-1251").encode("windows-1251")
    assert parse_opml(encoded)[0].title == "Новости"
    assert parse_opml(data.encode("utf-16"))[0].title == "Новости"


def test_attribute_names_are_matched_in_any_case() -> None:
    (feed,) = parse_opml(opml('<outline TEXT="t" XMLURL="https://e.example/r" Category="sco"/>'))
    assert feed == OpmlSource("https://e.example/r", "t", ("sco",))


def test_too_many_feeds_are_refused() -> None:
    outlines = "".join(f'<outline xmlUrl="https://e.example/{n}"/>' for n in range(4))
    assert len(parse_opml(opml(outlines), max_feeds=4)) == 4
    with pytest.raises(OpmlInvalid, match="more than 3 feeds"):
        parse_opml(opml(outlines), max_feeds=3)


def test_export_is_opml_2_with_everything_escaped() -> None:
    feeds = [
        OpmlSource(
            "https://e.example/rss?a=1&b=2", 'Tom & "Jerry" <news>', ("sco", "india-russia")
        ),
        OpmlSource("https://e.example/other", "", ()),
    ]
    data = export_opml(feeds, title="My <feeds>")
    assert data.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    root = ET.fromstring(data)
    assert (root.tag, root.get("version"), root.findtext("head/title")) == (
        "opml",
        "2.0",
        "My <feeds>",
    )
    first, second = root.iter("outline")
    assert first.attrib == {
        "type": "rss",
        "text": 'Tom & "Jerry" <news>',
        "title": 'Tom & "Jerry" <news>',
        "xmlUrl": "https://e.example/rss?a=1&b=2",
        "category": "sco,india-russia",
    }
    assert second.get("text") == "e.example"
    assert parse_opml(data)[0] == feeds[0]


def test_export_drops_characters_xml_cannot_hold() -> None:
    data = export_opml([OpmlSource("https://e.example/r", "bell\x07 and\x00 nul", ())])
    assert parse_opml(data)[0].title == "bell and nul"


_slugs = st.from_regex(r"[a-z0-9](?:[a-z0-9-]{0,10}[a-z0-9])?", fullmatch=True).filter(
    lambda s: "--" not in s
)
_titles = st.text(
    st.characters(
        blacklist_categories=("Cc", "Cs", "Zl", "Zp", "Zs"), blacklist_characters="\ufffe\uffff"
    ),
    min_size=1,
    max_size=40,
)
_feeds = st.builds(
    OpmlSource,
    url=st.builds("https://{}.example/{}".format, _slugs, st.text("abc/?=&%", max_size=10)),
    title=st.lists(_titles, min_size=1, max_size=4).map(" ".join),
    tags=st.lists(_slugs, max_size=5, unique=True).map(tuple),
)


@given(st.lists(_feeds, max_size=6, unique_by=lambda f: f.url))
def test_exported_feeds_import_back_unchanged(feeds: list[OpmlSource]) -> None:
    if not feeds:
        with pytest.raises(OpmlInvalid, match="no http"):
            parse_opml(export_opml(feeds))
    else:
        assert parse_opml(export_opml(feeds)) == feeds


@given(st.binary(max_size=400))
def test_any_bytes_are_imported_or_refused_never_crash(data: bytes) -> None:
    try:
        feeds = parse_opml(data)
    except OpmlInvalid as exc:
        assert exc.user_message()
    else:
        assert all(f.url.startswith(("http://", "https://")) for f in feeds)


@given(st.text(max_size=200))
def test_any_text_inside_an_outline_never_crashes(text: str) -> None:
    try:
        parse_opml(opml(f'<outline text="x" xmlUrl="https://e.example/r">{text}</outline>'))
    except OpmlInvalid as exc:
        assert exc.user_message()
