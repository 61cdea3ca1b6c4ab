"""What a hostile feed costs: parse time, CPU and peak memory per case, in a fresh process.

    .venv/bin/python benchmarks/bench_hostile_feeds.py            # every case, both ways
    .venv/bin/python benchmarks/bench_hostile_feeds.py --quick    # the 1 MB cases only
    PYTHONPATH=/path/to/old/checkout python benchmarks/bench_hostile_feeds.py --direct

Cases (RSS 2.0 with one item): a title of 1 MB and 4 MB of unclosed ``<p>`` markup (not
well-formed, so feedparser reads it twice: strict, then tolerant); a 6.3 MB and a 4.9 MB
description of ``<b>x</b>``; a 4.9 MB entity bomb whose DOCTYPE hides behind a comment
(``<!DOCTYPE rss [<!-- <a --> <!ENTITY a "...">]>``, ~470 MB once expanded);
a legitimate 5 MB full-text feed (200 items of 24 KB HTML) for comparison.

Each case runs in its own process, so ``ru_maxrss`` is that case's peak. Two ways:
``direct`` calls ``parse_articles`` in that process (what a thread did before; works on an
old checkout too); ``worker`` reads through ``bot.news.reading.SourceReader``, as the poller does
(worker process, deadline, memory limit); its CPU and RSS are then the bot's side only
(the worker's memory is capped at NEWS_PARSE_MEMORY_BYTES by the worker itself).
Printed: wall and CPU seconds, peak RSS in MB, and the outcome (articles or refusal).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

FEED_URL = "https://hostile.example/rss"
_PARA = (
    "<p>The foreign ministers met in <a href='https://x.example/a'>Tianjin</a> on "
    "<b>Monday</b> to discuss trade &amp; security.</p>\n"
)


def _rss(items: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>Hostile</title>'
        f"{items}</channel></rss>"
    ).encode()


def _item(title: str, description: str = "", n: int = 1) -> str:
    return (
        f"<item><title>{title}</title><link>https://hostile.example/{n}</link>"
        f"<description>{description}</description></item>"
    )


def _fill(unit: str, size: int) -> str:
    return unit * (size // len(unit))


def _bomb(size: int) -> bytes:
    """Just under expat's amplification limit (100x the input): a 1 KB entity used ~470,000
    times, in ``size`` bytes padded with a comment, expands to ~470 MB."""
    refs = "&a;" * (size * 96 // 1000)
    padding = "<!--" + "p" * (size - len(refs) - 1300) + "-->"
    return (
        '<?xml version="1.0"?><!DOCTYPE rss [<!-- <a --> <!ENTITY a "'
        + "x" * 1000
        + '">]><rss version="2.0"><channel><title>Bomb</title>'
        + padding
        + _item(refs)
        + "</channel></rss>"
    ).encode()


def _legit(items: int, html_bytes: int) -> bytes:
    html = _fill(_PARA, html_bytes)
    return _rss(
        "".join(
            f"<item><title>Summit item {n}</title><link>https://x.example/{n}</link>"
            f"<guid>https://x.example/{n}</guid><pubDate>Tue, 01 Dec 2026 08:00:00 GMT</pubDate>"
            f"<description><![CDATA[{html[:600]}]]></description>"
            f"<content:encoded><![CDATA[{html}]]></content:encoded></item>"
            for n in range(items)
        )
    )


CASES: dict[str, Callable[[], bytes]] = {
    "title-1MB-markup": lambda: _rss(_item(_fill("<p>", 1_000_000))),
    "title-4MB-markup": lambda: _rss(_item(_fill("<p>", 4_000_000))),
    "body-6.3MB-markup": lambda: _rss(_item("t", _fill("<b>x</b>", 6_300_000))),
    "body-4.9MB-markup": lambda: _rss(_item("t", _fill("<b>x</b>", 4_900_000))),
    "entity-bomb-4.9MB": lambda: _bomb(4_900_000),
    "legit-5MB-fulltext": lambda: _legit(200, 24_000),
}
QUICK = ("title-1MB-markup", "entity-bomb-4.9MB")


def _run_case(case: str, way: str) -> dict[str, object]:
    """In the child: one case, one way; the numbers as a dict."""
    from calendars.news.parsing import SourceUnreadable, parse_articles

    content = CASES[case]()
    wall, cpu = time.monotonic(), time.process_time()
    try:
        if way == "direct":
            feed = parse_articles(content, source_url=FEED_URL)
        else:
            from bot.news.reading import SourceReader

            feed = asyncio.run(_read_once(SourceReader(), content))
        outcome = f"{len(feed.articles)} articles" + (
            f"; {feed.problem[:60]}" if feed.problem else ""
        )
    except (SourceUnreadable, ValueError, MemoryError) as exc:
        outcome = f"refused: {str(exc)[:90]}"
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    return {
        "case": case,
        "way": way,
        "mb": round(len(content) / 1e6, 2),
        "wall": round(time.monotonic() - wall, 2),
        "cpu": round(time.process_time() - cpu, 2),
        "rss": own,
        "outcome": outcome,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="the 1 MB title and the bomb")
    parser.add_argument("--direct", action="store_true", help="only parse_articles in-process")
    parser.add_argument("--child", nargs=2, metavar=("CASE", "WAY"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(_run_case(*args.child)))
        return
    ways = ("direct",) if args.direct else ("direct", "worker")
    print(f"{'case':20} {'way':7} {'MB':>5} {'wall s':>7} {'cpu s':>6} {'RSS MB':>7}  outcome")
    for case in QUICK if args.quick else CASES:
        for way in ways:
            child = subprocess.run(
                [sys.executable, __file__, "--child", case, way],
                capture_output=True,
                text=True,
                timeout=600,
                check=False,
            )
            if child.returncode != 0:
                print(f"{case:20} {way:7} failed: {child.stderr.strip().splitlines()[-1:]}")
                continue
            r = json.loads(child.stdout.strip().splitlines()[-1])
            print(
                f"{case:20} {way:7} {r['mb']:>5} {r['wall']:>7} {r['cpu']:>6} {r['rss']:>7}  "
                f"{r['outcome']}",
                flush=True,
            )


if __name__ == "__main__":
    main()


async def _read_once(reader: Any, content: bytes) -> Any:
    """One read through a fresh worker pool, stopped afterwards (start-up included)."""
    try:
        return await reader.read(content, source_url=FEED_URL, content_type=None)
    finally:
        await reader.close()
