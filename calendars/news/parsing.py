"""RSS and Atom bytes in, plain articles out: the tolerant reading of other people's feeds.

Feeds in the wild are often broken, so a recoverable problem never loses the articles: it
is reported in ``ParsedArticles.problem`` for the admin, and only input with nothing of a feed
in it is refused. feedparser reads the XML; :mod:`calendars.news.xmlguard` settles the
encoding first and keeps entity expansion away from it (feedparser is told to use its
guarded SAX parser), and this module turns entries into articles.

Encodings: a byte-order mark wins; then UTF-8 whenever the bytes are valid UTF-8 (other
encodings' non-ASCII text essentially never is, and servers often label UTF-8 feeds
``iso-8859-1``); then the HTTP charset, the XML declaration, and windows-1252 last.
Overriding what the feed declared is noted in ``problem``.

Cost: the body is refused over :data:`~calendars.limits.NEWS_FEED_BYTES` before anything
copies it; feedparser's HTML sanitiser is off (the HTML is only ever turned into text here,
and the sanitiser cost seconds per megabyte of markup), and only the first
:data:`_MARKUP_PER_CHAR` characters of markup per character kept are turned into text.
The hard time and memory bound is the caller's: bot/news runs this in a worker process.

Dates more than a day in the future are dropped (``published=None``): they are clock or
time-zone mistakes in the feed, and the poller's first-seen time is the better guess.
"""

from __future__ import annotations

import io
import re
import warnings
import xml.sax
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import feedparser
import feedparser.api

from calendars.errors import InvalidInput
from calendars.limits import NEWS_FEED_BYTES
from calendars.news.articles import (
    MAX_SUMMARY,
    MAX_TITLE,
    Article,
    article_key,
    host_of,
    html_to_text,
    normalise_link,
    plain_text,
)
from calendars.news.xmlguard import XmlForbidden, create_parser, decode, for_feedparser

__all__ = ["ParsedArticles", "SourceUnreadable", "parse_articles"]

FUTURE_SLACK = timedelta(days=1)
_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
# Markup read per character of text kept: a summary of 1000 characters reads at most
# 64 KB of HTML, however long the feed's content is.
_MARKUP_PER_CHAR = 64
_HTML_RE = re.compile(r"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html)[\s>]", re.I | re.S)
# feedparser copies Atom content into ``summary`` without saying its type.
_LOOKS_LIKE_HTML_RE = re.compile(r"</?[A-Za-z][A-Za-z0-9]*[\s/>]|<!--|&#?\w+;")
_EXAMPLE = '<rss version="2.0"><channel><title>…</title><item>…</item></channel></rss>'


# feedparser's strict parser is whatever xml.sax.make_parser finds first in this list.
feedparser.api.PREFERRED_XML_PARSERS = [create_parser.__module__]


class SourceUnreadable(InvalidInput):
    """The bytes hold nothing that can be read as an RSS or Atom feed."""


@dataclass(frozen=True, slots=True)
class ParsedArticles:
    """What one fetch of a feed yielded; ``problem`` is None when the feed was clean."""

    title: str
    articles: tuple[Article, ...]
    problem: str | None


def parse_articles(
    content: bytes,
    *,
    source_url: str,
    content_type: str | None = None,
    max_items: int = 200,
    now: datetime | None = None,
) -> ParsedArticles:
    """Read RSS 0.9x/1.0/2.0 or Atom; raises :class:`SourceUnreadable` when it is neither.

    ``content_type`` is the HTTP Content-Type header (its charset is a hint);
    ``max_items`` keeps the first items (feeds put the newest first); ``now`` is for
    tests. Relative links are resolved against the feed's own link, else ``source_url``.
    """
    if len(content) > NEWS_FEED_BYTES:  # before anything copies the body
        raise _refused(f"it is {len(content):,} bytes; the limit is {NEWS_FEED_BYTES:,}")
    if not content or content.isspace():
        raise _refused("the response was empty")
    decoded = decode(content, charset=_charset(content_type))
    problems = [decoded.note] if decoded.note else []
    try:
        data = for_feedparser(decoded.text)
        del decoded  # the text copy is not needed while feedparser runs
        result = _feedparser(data)
    except XmlForbidden as exc:
        raise _refused(f"{exc}, which feeds do not need") from None
    entries = list(result.get("entries") or ())
    if not result.get("version") and not entries:
        raise _refused(_reason(data[:65_536].decode("utf-8", "replace"), result))
    channel: Mapping[str, Any] = result.get("feed") or {}
    base = normalise_link(str(channel.get("link") or ""), base=source_url) or source_url
    title = _text(channel, "title", MAX_TITLE) or host_of(base)
    now = now or datetime.now(UTC)
    articles = _articles(entries[: max(0, max_items)], source_url, base, title, now)
    if result.get("bozo"):
        problems.append(_bozo_problem(result.get("bozo_exception"), len(articles)))
    return ParsedArticles(title, articles, "; ".join(problems) or None)


def _refused(reason: str) -> SourceUnreadable:
    return SourceUnreadable(f"not an RSS or Atom feed: {reason}", example=_EXAMPLE)


# ---- bytes to text ------------------------------------------------------------------


def _charset(content_type: str | None) -> str | None:
    for param in (content_type or "").split(";")[1:]:
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset":
            return value.strip().strip("\"'").lower() or None
    return None


def _feedparser(data: bytes) -> Any:
    """feedparser on bytes that are certainly UTF-8: a result, :class:`XmlForbidden`, or
    MemoryError (the worker's memory limit: reported as over budget, not as a bad feed)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # feedparser's own deprecations are not ours
            return feedparser.parse(
                io.BytesIO(data),  # a str or bytes would be opened as a path or URL
                response_headers={"content-type": "application/xml; charset=utf-8"},
                resolve_relative_uris=False,
                sanitize_html=False,  # the HTML becomes text here; sanitising it is wasted
            )
    except (XmlForbidden, MemoryError):  # the caller's to report; not a parser bug
        raise
    except Exception as exc:  # feedparser's loose parser has bugs on hostile input
        return {"bozo": True, "bozo_exception": exc, "entries": [], "version": ""}


def _reason(text: str, result: Mapping[str, Any]) -> str:
    exc = result.get("bozo_exception")
    if _HTML_RE.match(text):
        return "this is an HTML page (look for the site's RSS link)"
    if isinstance(exc, xml.sax.SAXParseException):
        return _xml_error(exc)
    if isinstance(exc, Exception) and not isinstance(exc, xml.sax.SAXException):
        return f"the feed parser failed ({type(exc).__name__})"
    return "no <rss>, <feed> or <rdf:RDF> element found"


def _bozo_problem(exc: object, recovered: int) -> str:
    items = f"recovered {recovered} item{'s' if recovered != 1 else ''}"
    if isinstance(exc, xml.sax.SAXParseException):
        return f"{_xml_error(exc)}: {items}"
    return f"{type(exc).__name__}: {plain_text(str(exc), limit=120, unescape=False)}: {items}"


def _xml_error(exc: xml.sax.SAXParseException) -> str:
    return f"not well-formed XML (line {exc.getLineNumber()}: {exc.getMessage()})"


# ---- entries to articles ----------------------------------------------------------------


def _articles(
    entries: list[Any], source_url: str, base: str, source: str, now: datetime
) -> tuple[Article, ...]:
    articles: dict[str, Article] = {}
    for entry in entries:
        if not isinstance(entry, Mapping):
            continue
        link = normalise_link(str(entry.get("link") or ""), base=base)
        guid = str(entry.get("id") or "")
        if not guid and not link:
            continue  # nothing to point to and nothing to recognise it by next time
        key = article_key(guid=guid, link=link, source_url=source_url)
        if key in articles:
            continue
        summary = _summary(entry)
        entry_source = entry.get("source")
        articles[key] = Article(
            key=key,
            title=_text(entry, "title", MAX_TITLE) or plain_text(summary, limit=120) or source,
            link=link,
            summary=summary,
            source=(_text(entry_source, "title", 200) if isinstance(entry_source, Mapping) else "")
            or source,
            published=_published(entry, now),
            source_url=source_url,
        )
    return tuple(articles.values())


def _text(item: Mapping[str, Any], name: str, limit: int) -> str:
    detail = item.get(f"{name}_detail")
    return _as_text(
        item.get(name), detail.get("type") if isinstance(detail, Mapping) else None, limit
    )


def _summary(entry: Mapping[str, Any]) -> str:
    contents = [c for c in entry.get("content") or () if isinstance(c, Mapping)]
    return _text(entry, "summary", MAX_SUMMARY) or next(
        (text for c in contents if (text := _as_text(c.get("value"), c.get("type"), MAX_SUMMARY))),
        "",
    )


def _as_text(value: object, kind: object, limit: int) -> str:
    if not isinstance(value, str):
        return ""
    value = value[: limit * _MARKUP_PER_CHAR]
    if kind in _HTML_TYPES or (kind is None and _LOOKS_LIKE_HTML_RE.search(value)):
        return html_to_text(value, limit=limit)
    return plain_text(value, limit=limit)


def _published(entry: Mapping[str, Any], now: datetime) -> datetime | None:
    for name in ("published_parsed", "updated_parsed", "created_parsed"):
        stamp = entry.get(name)
        if stamp is None:
            continue
        try:
            year, month, day, hour, minute, second = (int(part) for part in stamp[:6])
            when = datetime(year, month, day, hour, minute, min(second, 59), tzinfo=UTC)
        except (TypeError, ValueError, IndexError, OverflowError):
            continue
        return None if when > now + FUTURE_SLACK else when
    return None
