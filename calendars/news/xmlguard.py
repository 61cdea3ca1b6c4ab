"""Untrusted XML made safe to parse: one decoder and one entity guard for feeds and OPML.

Entity expansion is the danger: a "billion laughs", or one large entity used a million
times, makes expat build hundreds of megabytes from a few. Entities can only be declared
in a DOCTYPE's internal subset, so one policy, :func:`_entity_declared`, is enforced by
the parser itself wherever a declaration is read:

- :func:`guard` runs expat over the prolog (up to the root element) before anything else
  parses the document, so comments or processing instructions cannot hide a DOCTYPE from
  it as they hide it from a regex. OPML may have no DOCTYPE at all.
- :func:`create_parser` is the SAX parser feedparser is told to use; it applies the same
  policy to whatever feedparser's own DOCTYPE rewriting hands it.
- :func:`for_feedparser` defangs what feedparser would copy into its tolerant parser.

The policy, like defusedxml's, refuses parameter and external entities; unlike it, it
lets through small internal entities (``<!ENTITY nbsp "&#160;">``, which some feeds
declare), since at most :data:`MAX_ENTITY_CHARS` per reference cannot amplify.
defusedxml is not used because it refuses those feeds outright.
"""

from __future__ import annotations

import codecs
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Any
from xml.parsers import expat
from xml.sax.expatreader import ExpatParser

from feedparser.sanitizer import RE_ENTITY_PATTERN, RE_SAFE_ENTITY_PATTERN

__all__ = [
    "MAX_ENTITY_CHARS",
    "Decoded",
    "XmlForbidden",
    "XmlUndecodable",
    "create_parser",
    "decode",
    "for_feedparser",
    "guard",
    "parse_tree",
]

MAX_ENTITY_CHARS = 10
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
_FEEDPARSER_HEAD_END_RE = re.compile(rb"<\w")  # where feedparser's replace_doctype stops


class XmlForbidden(ValueError):
    """The document declares what no feed or feed list needs; the message says what."""


class XmlUndecodable(ValueError):
    """The bytes are not text in any encoding tried; ``encoding`` names the first."""

    def __init__(self, encoding: str) -> None:
        super().__init__(f"not readable as {encoding}")
        self.encoding = encoding


@dataclass(frozen=True, slots=True)
class Decoded:
    """The document as text; ``note`` says when the bytes contradicted what was declared."""

    text: str
    note: str | None = None


# ---- bytes to text ------------------------------------------------------------------


def decode(data: bytes, *, charset: str | None = None, fallback: bool = True) -> Decoded:
    """A byte-order mark wins; then UTF-8 whenever the bytes are valid UTF-8 (servers
    label UTF-8 feeds ``iso-8859-1``); then ``charset`` (HTTP) and the XML declaration;
    then windows-1252 when ``fallback``, else :class:`XmlUndecodable`."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            text = _try_decode(data, encoding)
            if text is not None:
                return Decoded(text)
            if not fallback:
                raise XmlUndecodable(encoding)
            break
    found = _XML_ENCODING_RE.match(data)
    in_xml = found.group(1).decode("ascii").lower() if found else None
    declared = [name for name in dict.fromkeys((charset, in_xml)) if name]
    utf8 = _try_decode(data, "utf-8")
    if utf8 is not None:  # ASCII reads the same in every encoding a feed would declare
        lied = [name for name in declared if _codec(name) != "utf-8"]
        if lied and len(lied) == len(declared) and not data.isascii():
            return Decoded(utf8, f"declared as {lied[0]} but the bytes are UTF-8; read as UTF-8")
        return Decoded(utf8)
    for name in declared:
        text = _try_decode(data, name)
        if text is not None:
            return Decoded(text)
    if not fallback:
        raise XmlUndecodable(declared[0] if declared else "utf-8")
    said = (
        f"declared as {declared[0]} but the bytes do not fit it"
        if declared
        else "no encoding declared and the bytes are not UTF-8"
    )
    text = _try_decode(data, "windows-1252")
    if text is not None:
        return Decoded(text, f"{said}; read as windows-1252")
    return Decoded(data.decode("latin-1"), f"{said}; read as latin-1")


def _try_decode(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except (LookupError, ValueError):  # unknown codec, bytes that do not fit, non-text codec
        return None


def _codec(encoding: str) -> str | None:
    try:
        return codecs.lookup(encoding).name
    except LookupError:
        return None


# ---- the policy -----------------------------------------------------------------------


def _entity_declared(
    name: str,
    is_parameter_entity: bool,
    value: str | None,
    base: str | None,
    system_id: str | None,
    public_id: str | None,
    notation_name: str | None,
) -> None:
    """expat's EntityDeclHandler: refuse every entity that could fetch or amplify."""
    if is_parameter_entity:
        raise XmlForbidden("it declares parameter entities (<!ENTITY % ...>)")
    if value is None or system_id is not None or notation_name is not None:
        raise XmlForbidden(f"it declares an external entity ({name[:40]})")
    if len(value) > MAX_ENTITY_CHARS or "&" in value or "<" in value:
        raise XmlForbidden(
            f"it declares an entity ({name[:40]}) longer than {MAX_ENTITY_CHARS} characters"
            " or built from other entities"
        )


def _unparsed_entity(*_: Any) -> None:
    raise XmlForbidden("it declares an external entity (NDATA)")


# ---- the guard ------------------------------------------------------------------------


class _PrologOver(Exception):
    """Raised from a handler to stop expat at the root element: the guard is done."""


def guard(data: bytes, *, allow_doctype: bool) -> None:
    """Refuse a document whose DOCTYPE the policy forbids; raises :class:`XmlForbidden`.

    Reads only the prolog, so it costs next to nothing. ``data`` is read as UTF-8 whatever
    its XML declaration says, as the parsers after it read it. A document that is not
    well-formed before its root passes: expat-based parsers stop at the same error.
    """
    parser = expat.ParserCreate("utf-8")

    def doctype(name: str, *_: object) -> None:
        if not allow_doctype:
            raise XmlForbidden(f"it has a DOCTYPE ({name[:40]})")

    def root(*_: object) -> None:
        raise _PrologOver

    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = _entity_declared
    parser.UnparsedEntityDeclHandler = _unparsed_entity
    parser.StartElementHandler = root
    try:
        parser.Parse(data, True)
    except (_PrologOver, expat.ExpatError):
        return


_SUBSET_BREAK_RE = re.compile(rb"[ \t]*(<!ENTITY|\]\s*>)")


def for_feedparser(text: str) -> bytes:
    """``text`` as UTF-8 bytes feedparser can be given: guarded, its XML declaration saying
    UTF-8, without characters XML forbids, and with nothing for feedparser's own regexes to
    lift into its tolerant parser (which expands entities without any limit)."""
    text = _XML_INVALID_RE.sub("", text.lstrip("\ufeff \t\r\n"))
    # The bytes are UTF-8 from here on; the declaration must not claim otherwise.
    text = _XML_DECLARATION_RE.sub('<?xml version="1.0" encoding="utf-8"?>', text, count=1)
    data = text.encode("utf-8")
    guard(data, allow_doctype=True)
    found = _FEEDPARSER_HEAD_END_RE.search(data)
    head_end = found.start() + 1 if found else len(data)
    # feedparser finds declarations only at the start of a line, and ends a DOCTYPE at its
    # first ">": a one-line internal subset would leave a stray "]>" (not well-formed).
    # The guard has passed the head, so only whitespace between declarations changes.
    head = _SUBSET_BREAK_RE.sub(b"\n\\1", data[:head_end])
    data, head_end = head + data[head_end:], len(head)
    lifted = RE_ENTITY_PATTERN.findall(data, 0, head_end)
    if any(_too_big(declaration) for declaration in lifted):
        # A declaration the guard never saw (in a comment, say): feedparser would copy it.
        data = data[:head_end].replace(b"<!ENTITY", b"<!entity") + data[head_end:]
    return data


def _too_big(declaration: bytes) -> bool:
    safe = RE_SAFE_ENTITY_PATTERN.match(declaration)
    return safe is not None and len(safe.group(2)) > MAX_ENTITY_CHARS


def parse_tree(text: str) -> ET.Element:
    """An element tree of a document that must have no DOCTYPE (OPML).

    Raises :class:`XmlForbidden` or ``ET.ParseError`` (not well-formed).
    """
    text = text.lstrip("\ufeff \t\r\n")
    guard(text.encode("utf-8", "replace"), allow_doctype=False)
    # From text, expat ignores the declared encoding: the caller decoded it already.
    return ET.fromstring(text)


# ---- feedparser's SAX parser ----------------------------------------------------------


class _GuardedExpatParser(ExpatParser):
    """The standard SAX driver with the entity policy installed on its expat parser."""

    def reset(self) -> None:
        super().reset()
        parser = self._parser  # type: ignore[attr-defined]
        parser.EntityDeclHandler = _entity_declared
        parser.UnparsedEntityDeclHandler = _unparsed_entity


def create_parser() -> ExpatParser:
    """What ``xml.sax.make_parser([__name__])`` calls: feedparser gets the guarded parser."""
    return _GuardedExpatParser()
