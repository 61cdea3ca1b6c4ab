"""A farm of news feeds on loopback, in a process of its own, for ``bench_news.py``.

    .venv/bin/python benchmarks/feed_farm.py [--feeds 200] [--items 50]

Serves ``/feeds/<n>.xml`` (n = 0 .. feeds-1): distinct RSS 2.0 documents of ``items``
realistic items each (English headlines around Modi, Putin, S-400, Tianjin...; every tenth
feed in Hindi; half the items name someone, ``--mention``), pre-rendered to bytes, each with
a stable ETag (and Last-Modified), and a bodiless 304 when ``If-None-Match`` carries it.
The server is uvicorn (uvloop + httptools) running a bare ASGI callable: no framework
routing, so a request costs the server well under a millisecond and the client, not the
farm, is what a benchmark measures.

Why a process: a Python server in the bot's process would share its GIL and event loop.

Protocol: on start it prints one JSON line ``{"base_url": ..., "server": ...}`` (port 0,
loopback only). Control is over HTTP on the same port:

``GET /_farm/stats``           JSON counters: requests, 200s, 304s, bytes sent, farm CPU s;
``GET /_farm/publish?n=5``     every feed gains ``n`` new items (the oldest fall off), so
                               every ETag changes.

``--fail 0.1``: that share of feed requests fail at random, alike split between a 503, a
body cut off mid-document, and an answer held 20 s (past the bot's fetch timeout).

SIGTERM (``Popen.terminate``) stops it. The item generator (:func:`make_feed`,
:func:`article_text`) is importable, so the matching benchmark parses the same text.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import random
import socket
import sys
import time
from collections.abc import Awaitable, Callable, MutableMapping, Sequence
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from html import escape
from typing import Any
from urllib.parse import parse_qs

import uvicorn

__all__ = [
    "DEVANAGARI",
    "ENTITIES",
    "FeedFarm",
    "article_text",
    "make_feed",
]

# Names the news is about: what events carry as keywords (single words, multi-word,
# hyphenated, Devanagari). Articles mention 1-3 of them among ordinary words.
ENTITIES = (
    "Modi", "Putin", "Xi Jinping", "Jaishankar", "Lavrov", "Wang Yi", "Doval", "Shoigu",
    "Rajnath Singh", "Belousov", "Tianjin", "New Delhi", "Moscow", "Beijing", "Kazan",
    "Vladivostok", "Astana", "Goa", "S-400", "Su-57", "Su-30MKI", "BrahMos", "AK-203",
    "T-90", "MiG-29", "Ka-226", "Kudankulam", "Chennai-Vladivostok corridor",
    "SCO summit", "BRICS summit", "G20", "Quad", "Rosneft", "Gazprom", "rupee-rouble",
    "INSTC", "Arctic LNG 2", "Chabahar", "Galwan", "LAC",
)  # fmt: skip
DEVANAGARI = (
    "मोदी", "पुतिन", "शी जिनपिंग", "जयशंकर", "लावरोव", "तियानजिन", "मास्को", "नई दिल्ली",
    "एस-400", "ब्रह्मोस", "शंघाई सहयोग संगठन", "ब्रिक्स",
)  # fmt: skip
_WORDS = (
    "talks", "minister", "agreement", "meeting", "visit", "defence", "trade", "energy",
    "officials", "said", "on", "Tuesday", "the", "of", "and", "to", "in", "a", "for",
    "bilateral", "delegation", "deal", "ahead", "summit", "leaders", "joint", "statement",
    "deliveries", "payments", "oil", "sanctions", "border", "security", "cooperation",
    "foreign", "ministry", "week", "expected", "sign", "agenda", "after", "while", "with",
    "analysts", "warned", "new", "strategic", "partnership", "annual", "press", "briefing",
)  # fmt: skip
_HINDI_WORDS = (
    "वार्ता", "मंत्री", "समझौता", "बैठक", "यात्रा", "रक्षा", "व्यापार", "ऊर्जा", "अधिकारियों",
    "ने", "कहा", "के", "की", "में", "और", "से", "पर", "शिखर", "सम्मेलन", "द्विपक्षीय",
    "संयुक्त", "बयान", "तेल", "प्रतिबंध", "सहयोग", "सप्ताह",
)  # fmt: skip
_SECTIONS = ("world", "india", "asia", "defence", "business", "politics")
_EPOCH = datetime(2026, 1, 1, tzinfo=UTC)


def article_text(
    rng: random.Random,
    *,
    hindi: bool,
    mention: float = 0.5,
    names: Sequence[str] | None = None,
) -> tuple[str, str]:
    """(title, summary): ~10 + ~30 words; with probability ``mention`` 1-3 names among them
    (from ``names``, else :data:`ENTITIES`, or :data:`DEVANAGARI` for a Hindi feed)."""
    words = _HINDI_WORDS if hindi else _WORDS
    pool = names or (DEVANAGARI if hindi else ENTITIES)
    title = [rng.choice(words) for _ in range(rng.randint(7, 11))]
    summary = [rng.choice(words) for _ in range(rng.randint(26, 34))]
    if rng.random() < mention:
        for _ in range(rng.randint(1, 3)):
            target = title if rng.random() < 0.5 else summary
            name = rng.choice(pool) if rng.random() < 0.85 else rng.choice(DEVANAGARI)
            target.insert(rng.randrange(len(target) + 1), name)
    if not hindi and rng.random() < 0.3:
        summary[rng.randrange(len(summary))] += ","
    headline = " ".join(title)
    return headline[:1].upper() + headline[1:], " ".join(summary) + "."


def _item(
    feed: int,
    number: int,
    *,
    hindi: bool,
    html: bool,
    mention: float,
    names: Sequence[str] | None,
) -> str:
    rng = random.Random(f"{feed}:{number}")
    title, summary = article_text(rng, hindi=hindi, mention=mention, names=names)
    host = f"news{feed % 37}.example.org"
    link = f"https://{host}/{_SECTIONS[number % len(_SECTIONS)]}/{feed}-{number}-story"
    published = format_datetime(_EPOCH + timedelta(minutes=7 * number + feed), usegmt=True)
    if html:  # as many sites send it: escaped HTML with an entity or two
        description = escape(f"<p>{escape(summary)} <a href='{link}'>Read more</a></p>")
    else:
        description = escape(summary)
    return (
        f"<item><title>{escape(title)}</title><link>{link}?utm_source=rss</link>"
        f'<guid isPermaLink="true">{link}</guid><description>{description}</description>'
        f"<category>{_SECTIONS[feed % len(_SECTIONS)]}</category>"
        f"<pubDate>{published}</pubDate></item>\n"
    )


def make_feed(
    feed: int,
    items: int,
    *,
    newest: int | None = None,
    mention: float = 0.5,
    names: Sequence[str] | None = None,
) -> bytes:
    """RSS 2.0 bytes of feed ``feed``: items ``newest`` down to ``newest - items + 1``;
    ``mention`` and ``names`` as for :func:`article_text`."""
    top = items - 1 if newest is None else newest
    hindi, html = feed % 10 == 9, feed % 2 == 1
    entries = "".join(
        _item(feed, n, hindi=hindi, html=html, mention=mention, names=names)
        for n in range(top, max(top - items, -1), -1)
    )
    language = "hi" if hindi else "en"
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
        f"<title>Wire {feed}</title><link>https://news{feed % 37}.example.org/</link>"
        f"<description>News wire number {feed}</description><language>{language}</language>"
        f"{entries}</channel></rss>\n"
    ).encode()


Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]


class FeedFarm:
    """The ASGI callable: pre-rendered bodies, ETag/304, and the control endpoints."""

    def __init__(self, feeds: int, items: int, *, mention: float = 0.5, fail: float = 0.0) -> None:
        self.feeds, self.items, self.mention = feeds, items, mention
        self.fail, self._random = fail, random.Random(7)
        self.newest = items - 1
        self._bodies: dict[str, tuple[bytes, bytes, bytes]] = {}  # path: body, etag, date
        self.counts = {"requests": 0, "ok": 0, "not_modified": 0, "bytes": 0}
        self._render()

    def _render(self) -> None:
        modified = format_datetime(datetime.now(UTC), usegmt=True).encode()
        for feed in range(self.feeds):
            body = make_feed(feed, self.items, newest=self.newest, mention=self.mention)
            etag = b'"' + hashlib.sha1(body).hexdigest()[:16].encode() + b'"'
            self._bodies[f"/feeds/{feed}.xml"] = (body, etag, modified)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        path: str = scope["path"]
        if path.startswith("/_farm/"):
            await self._control(path, scope.get("query_string", b""), send)
            return
        found = self._bodies.get(path)
        if found is None:
            await _respond(send, 404, b"no such feed", b"text/plain")
            return
        body, etag, modified = found
        self.counts["requests"] += 1
        if self.fail and self._random.random() < self.fail:
            self.counts["failed"] = self.counts.get("failed", 0) + 1
            how = self._random.randrange(3)
            if how == 0:
                await _respond(send, 503, b"upstream unavailable", b"text/plain")
                return
            if how == 1:
                await _respond(send, 200, body[: len(body) // 3], b"application/rss+xml")
                return
            await asyncio.sleep(20)
        headers = [(b"etag", etag), (b"last-modified", modified)]
        if any(k == b"if-none-match" and v == etag for k, v in scope["headers"]):
            self.counts["not_modified"] += 1
            await send({"type": "http.response.start", "status": 304, "headers": headers})
            await send({"type": "http.response.body", "body": b""})
            return
        self.counts["ok"] += 1
        self.counts["bytes"] += len(body)
        await _respond(send, 200, body, b"application/rss+xml; charset=utf-8", headers)

    async def _control(self, path: str, query: bytes, send: Send) -> None:
        if path == "/_farm/publish":
            new = int(parse_qs(query.decode()).get("n", ["5"])[0])
            self.newest += new
            self._render()
        reply = {**self.counts, "cpu_seconds": time.process_time(), "newest": self.newest}
        await _respond(send, 200, json.dumps(reply).encode(), b"application/json")


async def _respond(
    send: Send,
    status: int,
    body: bytes,
    content_type: bytes,
    headers: list[tuple[bytes, bytes]] | None = None,
) -> None:
    head = [
        (b"content-type", content_type),
        (b"content-length", str(len(body)).encode()),
        *(headers or []),
    ]
    await send({"type": "http.response.start", "status": status, "headers": head})
    await send({"type": "http.response.body", "body": body})


SERVER = "uvicorn (uvloop, httptools) + bare ASGI app, pre-rendered bodies"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=200)
    parser.add_argument("--items", type=int, default=50)
    parser.add_argument("--mention", type=float, default=0.5, help="share of items naming someone")
    parser.add_argument("--fail", type=float, default=0.0, help="share of feed requests failing")
    args = parser.parse_args()
    farm = FeedFarm(args.feeds, args.items, mention=args.mention, fail=args.fail)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(1024)  # connections queue here until uvicorn starts accepting
    port = sock.getsockname()[1]
    config = uvicorn.Config(
        farm,
        loop="uvloop",
        http="httptools",
        lifespan="off",
        access_log=False,
        log_level="warning",
        backlog=1024,
    )
    print(json.dumps({"base_url": f"http://127.0.0.1:{port}", "server": SERVER}), flush=True)
    uvicorn.Server(config).run(sockets=[sock])
    sys.stdout.flush()


if __name__ == "__main__":
    main()
