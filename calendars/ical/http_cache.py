"""HTTP validators: the pure decision whether a client's copy is still current (RFC 9110)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from email.utils import parsedate_to_datetime

__all__ = ["is_not_modified"]


def _opaque(tag: str) -> str:
    tag = tag.strip()
    return tag[2:] if tag.startswith("W/") else tag


def is_not_modified(
    request_headers: Mapping[str, str], *, etag: str, last_modified: datetime
) -> bool:
    """True when a 304 may be sent instead of the body.

    If-None-Match wins over If-Modified-Since when both are present (weak comparison);
    an unparseable date is ignored, as the RFC says.
    """
    if_none_match = request_headers.get("if-none-match")
    if if_none_match is not None:
        wanted = if_none_match.strip()
        return wanted == "*" or _opaque(etag) in {_opaque(t) for t in wanted.split(",")}
    if_modified_since = request_headers.get("if-modified-since")
    if if_modified_since:
        try:
            since = parsedate_to_datetime(if_modified_since)
        except (TypeError, ValueError, IndexError):
            return False
        if since.tzinfo is None:
            return False
        return last_modified.replace(microsecond=0) <= since
    return False
