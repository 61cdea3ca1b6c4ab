"""RSS and Atom bytes in, plain articles out: the tolerant reading of other people's feeds.

Feeds in the wild are often broken, so a recoverable problem never loses the articles: it
is reported in ``ParsedFeed.problem`` for the admin, and only input with nothing of a feed
in it is refused. feedparser reads the XML; this module settles the encoding first,
keeps entity declarations away from the parser, and turns entries into articles.

Encodings: a byte-order mark wins; then UTF-8 whenever the bytes are valid UTF-8 (other
encodings' non-ASCII text essentially never is, and servers often label UTF-8 feeds
``iso-8859-1``); then the HTTP charset, the XML declaration, and windows-1252 last.
Overriding what the feed declared is noted in ``problem``.

Dates more than a day in the future are dropped (``published=None``): they are clock or
time-zone mistakes in the feed, and the poller's first-seen time is the better guess.
"""

from __future__ import annotations

import codecs
import io
import re
import warnings
import xml.sax
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import feedparser

from calendars.errors import InvalidInput
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

__all__ = ["MAX_FEED_BYTES", "FeedUnreadable", "ParsedFeed", "parse_feed"]

MAX_FEED_BYTES = 10 * 1024 * 1024
FUTURE_SLACK = timedelta(days=1)
_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE: it starts with the same bytes
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_XML_ENCODING_RE = re.compile(
    rb"""^\s*<\?xml[^>]{0,200}?encoding\s*=\s*["']([A-Za-z0-9._:-]{1,40})"""
)
_XML_DECLARATION_RE = re.compile(r"^\s*<\?xml[^>]*>")
# Characters XML 1.0 forbids; feeds pasted from word processors carry them.
_XML_INVALID_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_FIRST_ELEMENT_RE = re.compile(r"<[A-Za-z_]")
_SUBSET_RE = re.compile(r"(<!DOCTYPE[^\[>]*)\[.*?\]\s*>", re.DOTALL | re.IGNORECASE)
_HTML_RE = re.compile(r"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html)[\s>]", re.I | re.S)
# feedparser copies Atom content into ``summary`` without saying its type.
_LOOKS_LIKE_HTML_RE = re.compile(r"</?[A-Za-z][A-Za-z0-9]*[\s/>]|<!--|&#?\w+;")
_EXAMPLE = '<rss version="2.0"><channel><title>…</title><item>…</item></channel></rss>'


class FeedUnreadable(InvalidInput):
    """The bytes hold nothing that can be read as an RSS or Atom feed."""


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    """What one fetch of a feed yielded; ``problem`` is None when the feed was clean."""

    title: str
    articles: tuple[Article, ...]
    problem: str | None


def parse_feed(
    content: bytes,
    *,
    feed_url: str,
    content_type: str | None = None,
    max_items: int = 200,
    now: datetime | None = None,
) -> ParsedFeed:
    """Read RSS 0.9x/1.0/2.0 or Atom; raises :class:`FeedUnreadable` when it is neither.

    ``content_type`` is the HTTP Content-Type header (its charset is a hint);
    ``max_items`` keeps the first items (feeds put the newest first); ``now`` is for
    tests. Relative links are resolved against the feed's own link, else ``feed_url``.
    """
    if not content.strip():
        raise _refused("the response was empty")
    if len(content) > MAX_FEED_BYTES:
        raise _refused(f"it is larger than {MAX_FEED_BYTES // 1_048_576} MB")
    decoded, problems = _decode(content, _charset(content_type))
    text = _defused(decoded)
    if text is None:
        raise _refused("it declares XML entities, which feeds do not need")
    result = _feedparser(text)
    entries = list(result.get("entries") or ())
    if not result.get("version") and not entries:
        raise _refused(_reason(text, result))
    channel: Mapping[str, Any] = result.get("feed") or {}
    base = normalise_link(str(channel.get("link") or ""), base=feed_url) or feed_url
    title = _text(channel, "title", MAX_TITLE) or host_of(base)
    now = now or datetime.now(UTC)
    articles = _articles(entries[: max(0, max_items)], feed_url, base, title, now)
    if result.get("bozo"):
        problems.append(_bozo_problem(result.get("bozo_exception"), len(articles)))
    return ParsedFeed(title, articles, "; ".join(problems) or None)


def _refused(reason: str) -> FeedUnreadable:
    return FeedUnreadable(f"not an RSS or Atom feed: {reason}", example=_EXAMPLE)


# ---- bytes to text ------------------------------------------------------------------


def _charset(content_type: str | None) -> str | None:
    for param in (content_type or "").split(";")[1:]:
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset":
            return value.strip().strip("\"'").lower() or None
    return None


def _decode(content: bytes, http_charset: str | None) -> tuple[str, list[str]]:
    """The document as text, and notes on any encoding the bytes contradicted."""
    for bom, encoding in _BOMS:
        if content.startswith(bom):
            decoded = _try_decode(content, encoding)
            if decoded is not None:
                return decoded, []
    found = _XML_ENCODING_RE.match(content)
    in_xml = found.group(1).decode("ascii").lower() if found else None
    declared = [name for name in dict.fromkeys((http_charset, in_xml)) if name]
    utf8 = _try_decode(content, "utf-8")
    if utf8 is not None:  # ASCII reads the same in every encoding a feed would declare
        lied = [name for name in declared if _codec(name) != "utf-8"]
        if lied and len(lied) == len(declared) and not content.isascii():
            return utf8, [f"declared as {lied[0]} but the bytes are UTF-8; read as UTF-8"]
        return utf8, []
    for name in declared:
        decoded = _try_decode(content, name)
        if decoded is not None:
            return decoded, []
    said = (
        f"declared as {declared[0]} but the bytes do not fit it"
        if declared
        else "no encoding declared and the bytes are not UTF-8"
    )
    for fallback in ("windows-1252", "latin-1"):
        decoded = _try_decode(content, fallback)
        if decoded is not None:
            return decoded, [f"{said}; read as {fallback}"]
    raise AssertionError("latin-1 decodes any bytes")  # pragma: no cover


def _try_decode(content: bytes, encoding: str) -> str | None:
    try:
        return content.decode(encoding)
    except (LookupError, ValueError):  # unknown codec, bytes that do not fit, non-text codec
        return None


def _codec(encoding: str) -> str | None:
    try:
        return codecs.lookup(encoding).name
    except LookupError:
        return None


def _defused(text: str) -> str | None:
    """The text ready for an XML parser: no BOM, no forbidden characters, no entity
    declarations (a "billion laughs" would make expat expand millions of characters).
    None when declarations remain that cannot be taken out."""
    text = _XML_INVALID_RE.sub("", text.lstrip("\ufeff \t\r\n"))
    first = _FIRST_ELEMENT_RE.search(text)
    split = first.start() if first else len(text)
    prolog, body = text[:split], text[split:]
    if "<!entity" in prolog.lower():
        prolog = _SUBSET_RE.sub(r"\1>", prolog)
        if "<!entity" in prolog.lower():
            return None
    # The text is UTF-8 from here on; the declaration must not claim otherwise.
    prolog = _XML_DECLARATION_RE.sub('<?xml version="1.0" encoding="utf-8"?>', prolog)
    return prolog + body


def _feedparser(text: str) -> Any:
    """feedparser on text that is certainly UTF-8; never anything but a result."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # feedparser's own deprecations are not ours
            return feedparser.parse(
                io.BytesIO(text.encode("utf-8", "replace")),  # a str would be opened as a path
                response_headers={"content-type": "application/xml; charset=utf-8"},
                resolve_relative_uris=False,
                sanitize_html=True,
            )
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
    entries: list[Any], feed_url: str, base: str, source: str, now: datetime
) -> tuple[Article, ...]:
    articles: dict[str, Article] = {}
    for entry in entries:
        if not isinstance(entry, Mapping):
            continue
        link = normalise_link(str(entry.get("link") or ""), base=base)
        guid = str(entry.get("id") or "")
        if not guid and not link:
            continue  # nothing to point to and nothing to recognise it by next time
        key = article_key(guid=guid, link=link, feed_url=feed_url)
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
            feed_url=feed_url,
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
