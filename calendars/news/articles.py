"""A news article as SummitWatch keeps it: plain text, a clean link and a stable dedupe key.

Feeds repeat items on every poll and several feeds carry the same story, so each article
gets a ``key`` that stays the same between polls: its guid when the feed gives one, else
its link with tracking parameters removed (``?utm_source=...`` differs per newsletter).
"""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from html.parser import HTMLParser
from typing import Any
from urllib.parse import quote, unquote, urljoin, urlsplit, urlunsplit

from calendars.errors import InvalidInput
from calendars.text import clean_text

__all__ = [
    "MAX_LINK",
    "MAX_SUMMARY",
    "MAX_TITLE",
    "TRACKING_PARAMS",
    "Article",
    "article_key",
    "host_of",
    "html_to_text",
    "normalise_link",
    "plain_text",
]

MAX_TITLE = 300
MAX_SUMMARY = 1000
MAX_LINK = 4096
TRACKING_PARAMS = frozenset(
    {
        "fbclid", "gclid", "dclid", "msclkid", "yclid", "twclid", "igshid", "mc_cid",
        "mc_eid", "ref", "ref_src", "cmpid", "ocid", "_ga", "_gl", "_hsenc", "_hsmi",
        "mkt_tok", "wt.mc_id", "at_medium", "at_campaign", "ito", "smid", "sr_share",
    }
)  # fmt: skip
_TRACKING_PREFIXES = ("utm_",)
_DEFAULT_PORTS = {"http": 80, "https": 443}
# Characters a URL may carry unescaped (RFC 3986 reserved + unreserved, and "%" so that
# existing escapes are kept): everything else (spaces, non-ASCII, controls) is escaped.
_PATH_SAFE = "/:@!$&'()*+,;=-._~%"
_QUERY_SAFE = _PATH_SAFE + "?"
_HOST_RE = re.compile(r"^(?:[\w.-]+|[0-9a-f:.]*:[0-9a-f:.]*)$")  # a name, IPv4 or IPv6
_BLOCK_TAGS = frozenset(
    {"p", "div", "br", "li", "ul", "ol", "tr", "td", "th", "h1", "h2", "h3", "h4", "h5",
     "h6", "blockquote", "section", "article", "header", "footer", "table", "hr", "figure",
     "figcaption", "img", "dd", "dt", "pre"}
)  # fmt: skip
_CUT_TAG_RE = re.compile(r"<[A-Za-z/!][^<>]*\Z")
_SKIPPED_TAGS = frozenset({"script", "style", "noscript", "template", "head", "title"})


def normalise_link(url: str, *, base: str | None = None) -> str:
    """The canonical form of a link, or ``""`` when it is not a usable http(s) address.

    Relative links are resolved against ``base``; scheme and host are lower-cased, the
    default port, user info, fragment and tracking parameters (utm_*, fbclid, ...) are
    dropped; other parameters keep their order. Idempotent, and never raises.
    """
    try:
        return _normalised(url, base)
    except (ValueError, TypeError):  # urlsplit refuses e.g. "http://[::1" or a bad port
        return ""


def _normalised(url: str, base: str | None) -> str:
    url = url.strip()
    if not url:
        return ""  # urljoin(base, "") would be the base: a link to the home page
    if base:
        url = urljoin(base.strip(), url)
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if scheme not in _DEFAULT_PORTS or not host or not _HOST_RE.match(host):
        return ""
    if ":" in host:
        host = f"[{host}]"
    port = parts.port
    netloc = host if port is None or port == _DEFAULT_PORTS[scheme] else f"{host}:{port}"
    path = quote(parts.path, safe=_PATH_SAFE, errors="replace") or "/"
    query = "&".join(
        quote(pair, safe=_QUERY_SAFE, errors="replace")
        for pair in parts.query.split("&")
        if pair and not _is_tracking(pair)
    )
    link = urlunsplit((scheme, netloc, path, query, ""))
    return link if len(link) <= MAX_LINK else ""


def _is_tracking(pair: str) -> bool:
    name = unquote(pair.partition("=")[0]).strip().lower()
    return name in TRACKING_PARAMS or name.startswith(_TRACKING_PREFIXES)


def host_of(url: str) -> str:
    """The host a URL points to, to name a source that has no name; the URL if none."""
    try:
        return urlsplit(url).hostname or url
    except ValueError:
        return url


def article_key(*, guid: str | None, link: str, source_url: str = "") -> str:
    """The dedupe key: ``guid:<sha1>`` when there is a guid, else ``link:<sha1>``.

    A guid that is a URI (``https://...``, ``tag:...``, ``urn:...``) is unique worldwide,
    so the same story in two feeds gets one key; a bare guid such as ``"12345"`` is only
    unique inside its feed, so it is hashed together with ``source_url``.
    """
    guid = (guid or "").strip()
    if guid:
        scoped = guid if _looks_like_uri(guid) else f"{source_url.strip()}\n{guid}"
        return "guid:" + hashlib.sha1(scoped.encode("utf-8", "replace")).hexdigest()
    normalised = normalise_link(link)
    if not normalised:
        raise InvalidInput(
            "an article needs a guid or an http(s) link",
            example="https://news.example.com/world/summit",
        )
    return "link:" + hashlib.sha1(normalised.encode("utf-8")).hexdigest()


def _looks_like_uri(guid: str) -> bool:
    scheme, colon, rest = guid.partition(":")
    return bool(colon and rest and re.fullmatch(r"[A-Za-z][A-Za-z0-9+.-]{1,30}", scheme))


class _TextExtractor(HTMLParser):
    """Collects the text of an HTML fragment; block elements become spaces."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED_TAGS:
            self._skipping += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append(" ")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK_TAGS:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED_TAGS:
            self._skipping = max(0, self._skipping - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


def html_to_text(fragment: str, *, limit: int = MAX_SUMMARY) -> str:
    """The readable text of an HTML fragment: tags dropped, entities decoded, one line."""
    extractor = _TextExtractor()
    fragment = _CUT_TAG_RE.sub("", fragment)  # summaries are often cut inside a tag
    try:
        extractor.feed(fragment)
        extractor.close()
        text = "".join(extractor.parts)
    except Exception:  # html.parser is lenient, but this text comes from strangers
        text = html.unescape(re.sub(r"<[^>]*>", " ", fragment))
    return plain_text(text, limit=limit, unescape=False)


def plain_text(text: str, *, limit: int = MAX_SUMMARY, unescape: bool = True) -> str:
    """One line of text at most ``limit`` long; feeds often escape entities twice.

    Bidi overrides and zero-width characters go (:func:`calendars.text.clean_text`).
    """
    if unescape:
        text = html.unescape(text)
    text = " ".join(clean_text(text).split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit * 2 // 3:  # end on a whole word unless that loses too much
        cut = cut[:space]
    return cut.rstrip() + "…"


@dataclass(frozen=True, slots=True, kw_only=True)
class Article:
    """One feed item, ready to match against events and to show in a notice."""

    key: str
    title: str
    link: str
    summary: str
    source: str
    published: datetime | None
    source_url: str

    def __post_init__(self) -> None:
        for name in ("title", "summary", "source"):  # records stored before cleaning too
            object.__setattr__(self, name, clean_text(getattr(self, name)))
        if self.published is not None and self.published.tzinfo is None:
            raise InvalidInput("published must be an aware datetime")
        if self.published is not None:
            object.__setattr__(self, "published", self.published.astimezone(UTC))

    def to_record(self) -> dict[str, Any]:
        """A JSON-ready dict; ``from_record`` reads it back."""
        return {
            "key": self.key,
            "title": self.title,
            "link": self.link,
            "summary": self.summary,
            "source": self.source,
            "published": self.published.isoformat() if self.published else None,
            "source_url": self.source_url,
        }

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> Article:
        published = record.get("published")
        return cls(
            key=str(record["key"]),
            title=str(record.get("title", "")),
            link=str(record.get("link", "")),
            summary=str(record.get("summary", "")),
            source=str(record.get("source", "")),
            published=datetime.fromisoformat(published) if published else None,
            # Records written before the news vocabulary settled call it "feed_url".
            source_url=str(record.get("source_url", record.get("feed_url", ""))),
        )
