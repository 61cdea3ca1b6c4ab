"""Suggestion detection: articles per second, and the event loop's lag, over a 10,000-article cycle.

    .venv/bin/python benchmarks/bench_suggestions.py [--feeds 200] [--items 50]
    .venv/bin/python benchmarks/bench_suggestions.py --quick      # 40 feeds
    .venv/bin/python benchmarks/bench_suggestions.py --modes process thread

A farm of ``--feeds`` RSS feeds of ``--items`` items runs in a process of its own (this
script, ``--farm``): the text of ``benchmarks/feed_farm.py`` (names, meeting words, "week",
"Tuesday": many items reach dateparser, the detector's costly step) plus, every
``--every``-th item, a real announcement ("Putin to visit New Delhi on December 4 for
talks") of one of 40 meetings, so suggestions are created, merged and noticed.

For each ``--modes`` (``off`` = no detector, the intake alone, as a baseline; then
``process``, ``thread``, ``slices``: see ``bot/news/detection.py``) a fresh ``SummitWatch``
(temporary database, console notifier, one admin) watches every feed and runs one cycle
through the real poller and intake: ``poll_due()``, then until the suggestion worker is
idle. A probe timer every 5 ms records how late it ran (the loop lag). Printed per mode:
the wall time of the cycle and of its tail (detection still running after the last poll),
articles/s through intake and detector, the lag's max and p99 over the whole cycle and
over the tail alone, suggestions, articles merged into them, and admin notices.

Then the detector alone on this process's core: ``detect_batch`` over the same articles.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import hashlib
import io
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from html import escape
from pathlib import Path
from typing import Any

os.environ.setdefault("PTB_TIMEDELTA", "true")  # before telegram is imported

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

import uvicorn  # noqa: E402

from benchmarks.feed_farm import FeedFarm, make_feed  # noqa: E402
from bot.app import SummitWatch  # noqa: E402
from bot.delivery.notifier import ConsoleNotifier  # noqa: E402
from bot.news.detection import DetectionRunner, detect_batch  # noqa: E402
from calendars.news.parsing import parse_articles  # noqa: E402
from calendars.urls import parse_fetch_allow  # noqa: E402
from config.settings import Settings  # noqa: E402
from config.watch import load_watch  # noqa: E402

NOW = datetime(2026, 1, 2, 12, tzinfo=UTC)  # the farm's items are published from 2026-01-01
WHO = ("Putin", "Modi", "Jaishankar", "Lavrov", "Xi Jinping", "Wang Yi", "SCO", "BRICS")
WHERE = ("New Delhi", "Moscow", "Beijing", "Tianjin", "Kazan", "Vladivostok", "Astana", "Goa")
TEMPLATES = (
    "{who} to visit {where} on {day} for talks",
    "{who} will travel to {where} in {month} for a bilateral summit",
    "{who} expected to meet counterparts in {where} on {day}, officials say",
)


def announcement(feed: int, number: int) -> tuple[str, str]:
    """(title, summary) of one of 40 meetings, in one of three wordings."""
    rng = random.Random(f"a{feed}:{number}")
    meeting = rng.randrange(40)
    day = datetime(2026, 2 + meeting % 10, 1 + meeting % 27, tzinfo=UTC)
    title = rng.choice(TEMPLATES).format(
        who=WHO[meeting % len(WHO)],
        where=WHERE[meeting // len(WHO) % len(WHERE)],
        day=f"{day:%B} {day.day}",
        month=f"{day:%B}",
    )
    return title, "Officials said the agenda includes trade, energy and defence."


class AnnouncingFarm(FeedFarm):
    """The feed farm, with every ``every``-th item an announcement."""

    every = 10

    def _render(self) -> None:
        modified = format_datetime(datetime.now(UTC), usegmt=True).encode()
        for feed in range(self.feeds):
            body = make_feed(feed, self.items, newest=self.newest, mention=self.mention)
            head, _, rest = body.partition(b"<item>")
            items = (b"<item>" + rest).split(b"</item>\n")
            for n in range(0, len(items) - 1, self.every):
                title, summary = announcement(feed, n)
                host = f"https://announce{feed % 13}.example.org/{feed}-{n}"
                published = format_datetime(NOW - timedelta(hours=n % 24), usegmt=True)
                items[n] = (
                    f"<item><title>{escape(title)}</title><link>{host}</link><guid>{host}</guid>"
                    f"<description>{escape(summary)}</description><pubDate>{published}</pubDate>"
                ).encode()
            body = head + b"</item>\n".join(items)
            etag = b'"' + hashlib.sha1(body).hexdigest()[:16].encode() + b'"'
            self._bodies[f"/feeds/{feed}.xml"] = (body, etag, modified)


def serve_farm(feeds: int, items: int, every: int) -> None:
    AnnouncingFarm.every = every
    farm = AnnouncingFarm(feeds, items, mention=0.5)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(1024)
    config = uvicorn.Config(farm, lifespan="off", access_log=False, log_level="warning")
    print(json.dumps({"base_url": f"http://127.0.0.1:{sock.getsockname()[1]}"}), flush=True)
    uvicorn.Server(config).run(sockets=[sock])


@contextmanager
def farm_process(feeds: int, items: int, every: int) -> Iterator[str]:
    argv = [sys.executable, __file__, "--farm", "--feeds", str(feeds), "--items", str(items)]
    process = subprocess.Popen([*argv, "--every", str(every)], stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        yield str(json.loads(process.stdout.readline())["base_url"])
    finally:
        process.terminate()
        process.wait(timeout=30)


class LoopLag:
    """How late a 5 ms timer ran, every time: the loop was busy for that long."""

    def __init__(self) -> None:
        self.samples: list[tuple[float, float]] = []  # (when, how late)

    async def watch(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            expected = loop.time() + 0.005
            await asyncio.sleep(0.005)
            self.samples.append((time.perf_counter(), loop.time() - expected))

    def worst(self, since: float = 0.0) -> tuple[float, float]:
        """(max, p99) of the lateness measured after ``since`` (perf_counter)."""
        late = [lag for at, lag in self.samples if at >= since]
        if len(late) < 3:
            return max(late, default=0.0), max(late, default=0.0)
        return max(late), statistics.quantiles(late, n=100)[98]


class NoDetection(DetectionRunner):
    """The baseline: articles are queued and handed over, nothing is detected."""

    async def detect(self, *args: Any, **kwargs: Any) -> list[Any]:
        return []


@dataclasses.dataclass
class Result:
    mode: str
    articles: int
    cycle: float
    detection: float
    max_lag: float
    p99_lag: float
    tail_max: float
    tail_p99: float
    suggestions: int
    sources: int
    notices: int


async def one_cycle(mode: str, base_url: str, feeds: int, folder: Path) -> Result:
    settings = Settings(
        db_path=folder / mode / "db.json",
        port=0,
        seed_path=None,
        news_sources_path=None,
        fetch_allow=parse_fetch_allow("127.0.0.1"),
        fetch_timeout=60.0,
        admin_ids=frozenset({1}),
    )
    console = io.StringIO()
    app = SummitWatch(
        settings, notifier=ConsoleNotifier(console), poll_news=False, clock=lambda: NOW
    )
    async with app:
        await app.wait_background()
        await app.suggestions.runner.close()
        runner = NoDetection() if mode == "off" else DetectionRunner(mode)  # type: ignore[arg-type]
        app.suggestions.runner = runner
        for n in range(feeds):
            app.news.sources.add(f"{base_url}/feeds/{n}.xml", actor="bench")
        lag = LoopLag()
        probe = asyncio.create_task(lag.watch())
        started = time.perf_counter()
        results = await app.news.poller.poll_due()
        polled = time.perf_counter()
        await app.suggestions.settled()
        done = time.perf_counter()
        probe.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await probe
        await app.suggestions.runner.close()
        stored = app.store.suggestions.all()
    tail = lag.worst(since=polled)
    return Result(
        mode=mode,
        articles=sum(r.new_articles for r in results),
        cycle=done - started,
        detection=done - polled,
        max_lag=lag.worst()[0],
        p99_lag=lag.worst()[1],
        tail_max=tail[0],
        tail_p99=tail[1],
        suggestions=len(stored),
        sources=sum(s.sources for s in stored),
        notices=console.getvalue().count("New from the news"),
    )


def detector_alone(feeds: int, items: int, every: int) -> tuple[int, float, int]:
    AnnouncingFarm.every = every
    farm = AnnouncingFarm(feeds, items)
    articles = [
        a
        for path, (body, _, _) in farm._bodies.items()
        for a in parse_articles(body, source_url=f"http://farm{path}").articles
    ]
    watch_list = load_watch()
    started = time.perf_counter()
    found = detect_batch(articles, watch_list, NOW)
    return len(articles), time.perf_counter() - started, len(found)


async def main_async(args: argparse.Namespace) -> None:
    with (
        farm_process(args.feeds, args.items, args.every) as base_url,
        tempfile.TemporaryDirectory() as folder,
    ):
        print(
            f"farm: {args.feeds} feeds × {args.items} items, every {args.every}th an "
            f"announcement; cpu count {os.cpu_count()}"
        )
        header = (
            f"{'mode':>8}{'articles':>10}{'cycle s':>9}{'tail s':>8}{'art/s':>7}"
            f"{'lag max':>9}{'p99':>8}{'tail max':>10}{'p99':>8}{'sugg.':>7}{'merged':>8}"
            f"{'notices':>9}"
        )
        print(header)
        for mode in args.modes:
            r = await one_cycle(mode, base_url, args.feeds, Path(folder))
            rate = r.articles / r.cycle if r.cycle else 0.0
            print(
                f"{r.mode:>8}{r.articles:>10}{r.cycle:>9.2f}{r.detection:>8.2f}{rate:>7.0f}"
                f"{r.max_lag * 1e3:>7.0f}ms{r.p99_lag * 1e3:>6.0f}ms{r.tail_max * 1e3:>8.0f}ms"
                f"{r.tail_p99 * 1e3:>6.0f}ms{r.suggestions:>7}{r.sources:>8}{r.notices:>9}"
            )
    count, seconds, found = detector_alone(args.feeds, args.items, args.every)
    print(
        f"detector alone (one core, in process): {count} articles in {seconds:.2f} s = "
        f"{count / seconds:,.0f} articles/s, {found} announcements"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=200)
    parser.add_argument("--items", type=int, default=50)
    parser.add_argument("--every", type=int, default=10, help="one item in this many announces")
    parser.add_argument("--quick", action="store_true", help="40 feeds")
    parser.add_argument("--modes", nargs="+", default=["off", "process", "thread", "slices"])
    parser.add_argument("--farm", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.farm:
        serve_farm(args.feeds, args.items, args.every)
        return
    if args.quick:
        args.feeds = 40
    asyncio.run(main_async(args))


if __name__ == "__main__":
    main()
