"""The one http(s) URL check that settings, feeds, OPML, iCal import and fetches share."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from html import escape
from pathlib import Path

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.fetch.client import fetch_limited
from calendars.errors import ConfigError, InvalidEvent, InvalidInput
from calendars.events import Event
from calendars.news.opml import parse_opml
from calendars.urls import (
    check_http_url,
    http_url_problem,
    is_http_url,
    parse_fetch_allow,
)
from config.news_sources import load_news_sources
from config.settings import load_settings


@pytest.mark.parametrize(
    "url",
    [
        "https://calendar.example.org/summits.ics",
        "http://127.0.0.1:8080/feed.xml",
        "HTTPS://News.Example.org/rss?x=1#top",
        "http://[::1]:80/",
        "  https://example.org/padded  ",
    ],
)
def test_http_urls_with_a_host_pass(url: str) -> None:
    assert is_http_url(url)
    assert check_http_url(url) == url.strip()


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("ftp://example.org/x.ics", "is not an http:// or https:// URL"),
        ("file:///etc/passwd", "is not an http:// or https:// URL"),
        ("not a url", "is not an http:// or https:// URL"),
        ("https://", "is not an http:// or https:// URL"),
        ("http:///path-only", "is not an http:// or https:// URL"),
        ("http://example.org:http/", "is not an http:// or https:// URL"),
        ("http://[::1/", "is not an http:// or https:// URL"),
        (
            "https://example.org/a b",
            "contains U+0020 (SPACE) at character 22; a URL is one line with no spaces or "
            "control characters (write a space as %20)",
        ),
        (
            "https://example.org/\x00",
            "contains U+0000 (a control character) at character 21; a URL is one line with no "
            "spaces or control characters (write a space as %20)",
        ),
        ("https://example.org/" + "a" * 2000, "is 2,020 characters long; the limit is 2,000"),
    ],
)
def test_anything_else_is_refused_saying_why(url: str, problem: str) -> None:
    assert http_url_problem(url) == problem
    with pytest.raises(InvalidInput) as caught:
        check_http_url(url, example="https://example.org/feed.xml")
    assert problem in caught.value.message
    assert caught.value.example == "https://example.org/feed.xml"


@given(st.text(max_size=300))
def test_any_text_is_judged_never_crashes(text: str) -> None:
    """Outside input: an answer for every string, and a URL that passes is http(s)."""
    if is_http_url(text):
        assert text.strip().lower().startswith(("http://", "https://"))


@given(st.text(max_size=200))
def test_any_allow_list_text_parses_or_is_refused_with_a_value_error(text: str) -> None:
    try:
        parse_fetch_allow(text)
    except ValueError as exc:
        assert "127.0.0.1,feeds.internal,10.8.0.0/16" in str(exc)


@pytest.mark.parametrize(
    "url", ["https://", "ftp://example.org/feed.xml", "https://example.org/a b", "http://x:port/"]
)
def test_every_place_that_takes_a_url_refuses_the_same_ones(url: str, tmp_path: Path) -> None:
    """Settings, the feeds file, OPML, event sources and fetches share one check."""
    with pytest.raises(ConfigError):
        load_settings({"SUMMITWATCH_PUBLIC_URL": url})
    feeds_file = tmp_path / "feeds.toml"
    feeds_file.write_text(f"[[feed]]\nurl = {url!r}\n", encoding="utf-8")
    with pytest.raises(ConfigError):
        load_news_sources(feeds_file)
    outline = f'<opml version="2.0"><body><outline xmlUrl="{escape(url)}"/></body></opml>'
    with pytest.raises(InvalidInput):
        parse_opml(outline.encode())
    with pytest.raises(InvalidEvent):
        Event(
            id="talks",
            title="Talks",
            start=datetime(2026, 12, 4, 10, tzinfo=UTC),
            end=datetime(2026, 12, 4, 12, tzinfo=UTC),
            urls=(url,),
        )
    with pytest.raises(InvalidInput):  # the fetcher, before any connection
        asyncio.run(fetch_limited(httpx.AsyncClient(), url, max_bytes=1000))
