"""The text of an imported VEVENT as Event accepts it: title and status, tags, links.

Other people's files carry control characters, over-long descriptions, categories that
cannot be tags and addresses that are not web links; each is cleaned or dropped here,
never a reason to refuse the event.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from icalendar import Component

from calendars.errors import InvalidEvent
from calendars.events import TEXT_LIMITS, Status, normalise_tag
from calendars.ical.moments import text_of
from calendars.ical.roundtrip import STATUS_PROPERTY, read_status
from calendars.text import clean_text
from calendars.urls import is_http_url

__all__ = ["clean", "tags_of", "title_and_status", "urls_of"]


def clean(value: str, field: str) -> str:
    """Text as Event accepts it: no control or format characters, cut at its limit."""
    value = value.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    value = clean_text(value)
    limit = TEXT_LIMITS[field]
    return value if len(value) <= limit else value[: limit - 1].rstrip() + "…"


def title_and_status(vevent: Component) -> tuple[str, Status]:
    """The title without our status prefix, and the status (see ``roundtrip.read_status``)."""
    exact = text_of(vevent, STATUS_PROPERTY) if STATUS_PROPERTY in vevent else None
    title = clean(text_of(vevent, "SUMMARY"), "title").strip()
    return read_status(title, text_of(vevent, "STATUS"), exact)


def tags_of(vevent: Component) -> tuple[str, ...]:
    """CATEGORIES as tags; names that cannot be tags are dropped, not refused."""
    props: Any = vevent.get("CATEGORIES", [])
    tags: dict[str, None] = {}
    for prop in props if isinstance(props, list) else [props]:
        for category in getattr(prop, "cats", ()):
            try:
                tags[normalise_tag("-".join(clean_text(str(category)).split()))] = None
            except InvalidEvent:
                continue
    return tuple(tags)[:20]


def urls_of(candidates: list[str], our_host: str | None) -> tuple[str, ...]:
    """http(s) addresses elsewhere (our own feed links back to itself), each once."""
    urls: dict[str, None] = {}
    for url in (candidate.strip() for candidate in candidates):
        if not is_http_url(url):
            continue
        if our_host and (urlsplit(url).hostname or "").lower() == our_host.lower():
            continue
        urls[url] = None
    return tuple(urls)[:20]
