"""The page's language on the web: chosen per request, kept in links, told to caches.

The choice itself is ``calendars.language_choice.request_language`` (``?lang=``, then
``Accept-Language``, then English). Here: the links that keep a ``?lang=`` the reader
chose, the switcher, the templates' ``_`` (escaped, so a translation can hold links passed
in as markup), and the headers that keep caches from serving one language for another
(``Vary: Accept-Language``, an ETag of the very bytes, ``Content-Language``).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache, lru_cache
from urllib.parse import urlencode

from markupsafe import Markup, escape
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from calendars.i18n import LANGUAGE_NAMES, current_language, translator
from calendars.ical.http_cache import is_not_modified
from calendars.language_choice import feed_in_language, request_language
from calendars.time.language import digits

__all__ = ["Choice", "PageLanguage", "html_response", "page_digits", "page_gettext"]

CACHE_CONTROL = "public, max-age=60"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Choice:
    """One language of the switcher: its code, its own name and the link to it."""

    code: str
    name: str
    href: str
    current: bool


@dataclass(frozen=True, slots=True)
class PageLanguage:
    """The language of one request's page and what its links must keep."""

    lang: str
    explicit: bool  # chosen by ?lang=: the site's links keep it
    path: str
    others: tuple[tuple[str, str], ...]  # the request's other query parameters

    @classmethod
    def of(cls, request: Request) -> PageLanguage:
        lang, explicit = request_language(
            request.query_params.get("lang"), request.headers.get("accept-language")
        )
        others = tuple((k, v) for k, v in request.query_params.multi_items() if k != "lang")
        return cls(lang, explicit, request.url.path, others)

    @property
    def key(self) -> tuple[str, bool]:
        """What the page's bytes depend on besides the data (a render cache's key part)."""
        return self.lang, self.explicit

    def href(self, path: str, **params: str) -> str:
        """A link within the site; it keeps ``?lang=`` when the reader chose it so."""
        query = (*params.items(), *([("lang", self.lang)] if self.explicit else []))
        return _link(path, query) if query else path

    def feed(self, url: str) -> str:
        """A feed URL whose calendar is named in this language (English: unchanged)."""
        return feed_in_language(url, self.lang)

    def choices(self) -> list[Choice]:
        """This very page in each language, its other query parameters kept."""
        return [
            Choice(
                code,
                name,
                f"{self.path}?{urlencode([*self.others, ('lang', code)])}",
                code == self.lang,
            )
            for code, name in LANGUAGE_NAMES.items()
        ]


@lru_cache(maxsize=4096)
def _link(path: str, query: tuple[tuple[str, str], ...]) -> str:
    """A page lists thousands of links to few targets (topics, events): each built once."""
    return f"{path}?{urlencode(query)}"


@cache
def _escaped(lang: str, message: str) -> Markup:
    """A template's message in ``lang``, escaped once (the catalogs are fixed at start)."""
    return Markup(escape(translator(lang).gettext(message)))


def page_gettext(message: str, /, **fields: object) -> Markup:
    """The templates' ``_``: ``message`` in the language being spoken, escaped; a field
    passed as ``Markup`` (a link built in the template) stays markup, others are escaped."""
    text = _escaped(current_language(), message)
    return text.format(**fields) if fields else text


def page_digits(value: object) -> str:
    """A number as the page's language writes it (Devanagari digits in Marathi)."""
    return digits(str(value), current_language())


def html_response(request: Request, body: bytes, lang: str, status_code: int = 200) -> Response:
    """The page with headers that keep each language's bytes apart in every cache.

    The ETag is a digest of the bytes, so an English copy never validates for a Hindi
    request; ``Vary`` tells shared caches the header that chose the language.
    """
    etag = f'"{hashlib.blake2b(body, digest_size=12).hexdigest()}"'
    headers = {
        "cache-control": CACHE_CONTROL,
        "vary": "Accept-Language",
        "content-language": lang,
        "etag": etag,
    }
    asked = request.headers.get("if-none-match")
    if (
        status_code == 200
        and asked is not None
        and is_not_modified({"if-none-match": asked}, etag=etag, last_modified=_EPOCH)
    ):
        return Response(status_code=304, headers=headers)
    return HTMLResponse(body, status_code=status_code, headers=headers)
