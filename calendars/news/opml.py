"""OPML feed lists: importing the ones people export from their readers, and exporting ours.

An uploaded OPML file is untrusted XML. ``xml.etree`` does not fetch external entities,
but it does expand internal ones, so a file with a DOCTYPE is refused outright ("billion
laughs"); no reader writes one into OPML. :mod:`calendars.news.xmlguard` decodes the file
and finds the DOCTYPE with expat, as it does for feeds, wherever comments hide it.

Topics come from the ``category`` attribute (``"/sco,/india-russia"`` or
``"sco,india-russia"``; a path such as ``/news/sco`` gives each of its parts) and from
the folders (parent outlines) a feed sits in, made into tags like ``india-russia``.
"""

from __future__ import annotations

import re
import unicodedata
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass

from calendars.errors import InvalidInput
from calendars.events import SLUG_RE
from calendars.i18n import _
from calendars.limits import OPML_FILE_BYTES
from calendars.news.articles import host_of
from calendars.news.xmlguard import XmlForbidden, XmlUndecodable, decode, parse_tree
from calendars.urls import is_http_url

__all__ = ["MAX_OPML_BYTES", "OpmlInvalid", "OpmlSource", "export_opml", "parse_opml"]

MAX_OPML_BYTES = OPML_FILE_BYTES
MAX_TAGS = 20
_EXAMPLE = (
    '<opml version="2.0"><body><outline text="SCO news" category="sco" '
    'xmlUrl="https://example.org/rss.xml"/></body></opml>'
)
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")


class OpmlInvalid(InvalidInput):
    """An OPML file could not be imported; the message says why."""


@dataclass(frozen=True, slots=True)
class OpmlSource:
    """One feed of an OPML list: where it is, what it is called, which topics it covers."""

    url: str
    title: str
    tags: tuple[str, ...] = ()


def parse_opml(data: bytes, *, max_feeds: int = 500) -> list[OpmlSource]:
    """The http(s) feeds an OPML file lists, in order, each URL once.

    Outlines whose ``xmlUrl`` is not an http(s) address are skipped; a file with none
    left, or with more than ``max_feeds``, is refused with :class:`OpmlInvalid`.
    """
    root = _parse_xml(_decode(data))
    kind = _local(root.tag)
    if kind != "opml":
        document = f"<{kind[:40]}>"
        if kind in ("rss", "feed", "RDF"):
            problem = _(
                "not an OPML file: the document is {document} (a feed itself, not a list of feeds)",
                document=document,
            )
        else:
            problem = _("not an OPML file: the document is {document}", document=document)
        raise OpmlInvalid(problem, example=_EXAMPLE)
    body = next((child for child in root if _local(child.tag) == "body"), root)
    feeds: dict[str, OpmlSource] = {}
    stack: list[tuple[ET.Element, tuple[str, ...]]] = [
        (child, ()) for child in reversed(list(body))
    ]
    while stack:  # iterative: nesting depth is chosen by whoever wrote the file
        element, folders = stack.pop()
        if _local(element.tag) != "outline":
            continue
        attrs = {_local(name).lower(): value for name, value in element.attrib.items()}
        label = _clean(attrs.get("title") or attrs.get("text") or "", 200)
        xml_url = attrs.get("xmlurl")
        inner = folders
        if xml_url is None:
            inner = (*folders, *_tags(label, paths=False))
        else:
            _add(feeds, xml_url, label, (*folders, *_tags(attrs.get("category", ""))))
            if len(feeds) > max_feeds:
                raise OpmlInvalid(
                    _(
                        "the file lists more than {limit} feeds; import at most {limit} at a time",
                        limit=max_feeds,
                    )
                )
        stack.extend((child, inner) for child in reversed(list(element)))
    if not feeds:
        raise OpmlInvalid(
            _("the OPML file lists no http(s) feeds (outlines with an xmlUrl attribute)"),
            example=_EXAMPLE,
        )
    return list(feeds.values())


def export_opml(feeds: Iterable[OpmlSource], *, title: str = "SummitWatch feeds") -> bytes:
    """An OPML 2.0 document (UTF-8) of ``feeds``; :func:`parse_opml` reads it back."""
    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = _clean(title, 200)
    body = ET.SubElement(root, "body")
    for feed in feeds:
        name = _clean(feed.title, 200) or host_of(feed.url)
        attrs = {"type": "rss", "text": name, "title": name, "xmlUrl": _clean(feed.url, 2000)}
        if feed.tags:
            attrs["category"] = ",".join(_clean(tag, 64) for tag in feed.tags)
        ET.SubElement(body, "outline", attrs)
    ET.indent(root)
    body_bytes: bytes = ET.tostring(root, encoding="UTF-8", xml_declaration=True)
    return body_bytes + b"\n"


# ---- reading ----------------------------------------------------------------------


def _decode(data: bytes) -> str:
    if not isinstance(data, bytes | bytearray) or not data or data.isspace():
        raise OpmlInvalid(_("the OPML file is empty"), example=_EXAMPLE)
    if len(data) > MAX_OPML_BYTES:  # before anything copies the file
        raise OpmlInvalid(
            _(
                "the OPML file is {size} bytes; the limit is {limit}",
                size=f"{len(data):,}",
                limit=f"{MAX_OPML_BYTES:,}",
            )
        )
    try:
        return decode(bytes(data), fallback=False).text
    except XmlUndecodable as exc:
        raise OpmlInvalid(
            _(
                "the OPML file is not readable as {encoding}; save it as UTF-8",
                encoding=exc.encoding[:40],
            ),
            example=_EXAMPLE,
        ) from None


def _parse_xml(text: str) -> ET.Element:
    try:
        return parse_tree(text)
    except XmlForbidden as exc:
        raise OpmlInvalid(
            f"OPML files must not contain a DOCTYPE or entity declarations ({exc})"
        ) from None
    except ET.ParseError as exc:
        line, column = exc.position
        raise OpmlInvalid(
            _("not well-formed XML at line {line}, column {column}", line=line, column=column + 1),
            example=_EXAMPLE,
        ) from None
    except (ValueError, RecursionError) as exc:  # characters expat cannot take
        raise OpmlInvalid(f"not readable as XML ({type(exc).__name__})") from None


def _local(tag: object) -> str:
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def _add(feeds: dict[str, OpmlSource], raw_url: str, label: str, tags: tuple[str, ...]) -> None:
    url = _source_url(raw_url)
    if not url:
        return
    known = feeds.get(url)
    if known is not None:
        merged = tuple(dict.fromkeys((*known.tags, *tags)))[:MAX_TAGS]
        feeds[url] = OpmlSource(url, known.title, merged)
        return
    feeds[url] = OpmlSource(url, label or host_of(url), tuple(dict.fromkeys(tags))[:MAX_TAGS])


def _source_url(raw: str) -> str:
    url = raw.strip()
    return url if is_http_url(url) else ""


def _tags(text: str, *, paths: bool = True) -> tuple[str, ...]:
    """Topic slugs from a category attribute, or from one folder's name."""
    parts = re.split(r"[,/]", text) if paths else [text]
    slugs = (_slug(part) for part in parts)
    return tuple(dict.fromkeys(slug for slug in slugs if slug))


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:64].strip("-")
    return slug if SLUG_RE.match(slug) else ""


def _clean(text: str, limit: int) -> str:
    return " ".join(_CONTROL_RE.sub(" ", text).split())[:limit].rstrip()
