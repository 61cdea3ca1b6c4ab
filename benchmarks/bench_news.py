"""News performance: polling 200 feeds end to end, and matching articles against events.

    .venv/bin/python benchmarks/bench_news.py [--feeds 200] [--items 50] [--events 1000]
    .venv/bin/python benchmarks/bench_news.py --quick        # 40 feeds, 200 events
    .venv/bin/python benchmarks/bench_news.py --profile      # and a cProfile of each cycle
    .venv/bin/python benchmarks/bench_news.py --probe        # where each cycle's loop lag went

Polling: ``benchmarks/feed_farm.py`` serves ``--feeds`` distinct RSS 2.0 feeds of
``--items`` items each from its own process (uvicorn + a bare ASGI app; its CPU is
reported so one can see the farm is not the bottleneck). A real ``SummitWatch`` runs in
this process (temporary database, port 0, no seed, no Telegram: the console notifier
writes to a StringIO) with ``--app-events`` upcoming events whose keywords the articles
mention, and watches every feed (``backfill=False``). Timed: ``await app.news.poller.poll_due()``,

* cycle 1: every feed new (items parsed, stored, matched, coverage recorded; the first
  poll of a feed sends no notices);
* cycle 2: every feed due again (``next_poll`` set to now) and every one answers 304;
* cycle 3: every feed has ``--new-items`` new items: stored, matched, notices printed.

During each cycle a user sends ``/upcoming`` through the fake Bot API (its own process,
``fake_bot_api_server.py``) every 0.25 s; the time to each reply is reported.

Reported per cycle: wall time, feeds/s, new articles/s, requests the farm answered, the
bot's CPU time (``process_time``) and the farm's, the store's journal writes (each an
fsync), the loop lag measured by ``benchmarks/loop_probe.py``: a 5 ms timer's worst and
p99 lateness (wall clock: it includes time the OS ran other processes), the most CPU the
loop thread used between two ticks (what the bot itself held the loop for), the longest
single loop step by its own CPU time, the longest garbage-collector pause (wall and CPU),
peak RSS (``ru_maxrss``, the process's high-water mark) after the cycle and,
with ``--tracemalloc`` (which roughly triples the cycle times), the Python heap peak.
Wall minus CPU is mostly time spent waiting in fsync: the median/mean latency of an
append + fsync on the database's disk is printed, to read the wall times against.
``--probe`` names each loop step by where its task resumed and suspended, and splits the
worst late ticks into the loop's CPU, its wait in the OS run queue (another process had
the core: the machine, not the bot) and the rest (idle, GIL, locks, disk).

Matching: ``Matcher`` over ``--events`` events of ~5 keywords each (single words,
multi-word, hyphenated, Devanagari), run over ``--articles`` articles parsed with
``parse_articles`` from the farm's own generator (titles + summaries of ~40 words);
``parse_articles`` itself is timed on the way (feeds/s).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import dataclasses
import io
import json
import os
import pstats
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

os.environ.setdefault("PTB_TIMEDELTA", "true")  # before telegram is imported

import httpx

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from benchmarks.bench_broadcast import FakeServer, fake_server  # noqa: E402
from benchmarks.feed_farm import DEVANAGARI, ENTITIES, make_feed  # noqa: E402
from benchmarks.loop_probe import LoopProbe, percentile, summary  # noqa: E402
from bot.app import SummitWatch  # noqa: E402
from bot.delivery.notifier import ConsoleNotifier  # noqa: E402
from bot.store.journal import JournalStorage  # noqa: E402
from calendars.events import Event  # noqa: E402
from calendars.news.articles import Article  # noqa: E402
from calendars.news.matching import Matcher  # noqa: E402
from calendars.news.parsing import parse_articles  # noqa: E402
from calendars.urls import parse_fetch_allow  # noqa: E402
from config.settings import DEFAULT_TOPICS, Settings  # noqa: E402

FARM = HERE / "feed_farm.py"
LEADERS = ("Modi", "Putin", "Xi Jinping", "Jaishankar", "Lavrov", "मोदी", "पुतिन")


# ---- events ------------------------------------------------------------------------------


def app_events(count: int, now: datetime) -> list[Event]:
    """Upcoming events as the seed writes them: a leader or two plus specific keywords."""
    rng = random.Random(7)
    specific = [e for e in ENTITIES if e not in LEADERS] + [
        d for d in DEVANAGARI if d not in LEADERS
    ]
    events = []
    for n in range(count):
        start = (now + timedelta(days=3 + n, hours=n % 9)).replace(microsecond=0)
        keywords = rng.sample(LEADERS, rng.randint(1, 2)) + rng.sample(specific, 3)
        events.append(
            Event(
                id=f"summit-{n}",
                title=f"Summit {n}: {' and '.join(keywords[:2])}",
                start=start,
                end=start + timedelta(hours=3),
                timezone="Asia/Kolkata",
                tags=tuple(rng.sample(DEFAULT_TOPICS, 2)),
                keywords=tuple(keywords),
            )
        )
    return events


_SYLLABLES = tuple("कखगघचजटडतदनपबमयरलवसह")
_MARKS = ("", "ा", "ि", "ी", "ु", "े", "ो")


def _devanagari_word(n: int) -> str:
    """A distinct made-up Devanagari word for ``n`` (three syllables with vowel marks)."""
    syllables = []
    for _ in range(3):
        n, pick = divmod(n, len(_SYLLABLES) * len(_MARKS))
        syllables.append(_SYLLABLES[pick % len(_SYLLABLES)] + _MARKS[pick // len(_SYLLABLES)])
    return "".join(syllables)


def matcher_events(count: int) -> list[Event]:
    """``count`` events of 5 keywords: one shared name (Modi, S-400, SCO summit...) for half
    of them, and event-specific ones: multi-word, hyphenated, a single word, and for every
    fifth a Devanagari word."""
    rng = random.Random(11)
    now = datetime(2026, 1, 1, tzinfo=UTC)
    events = []
    for n in range(count):
        city = rng.choice(ENTITIES).split()[0]
        keywords = [f"{city} forum {n}", f"Op-{n}", f"Accord{n}", f"Dialogue {n} round"]
        if n % 5 == 0:
            keywords[3] = _devanagari_word(n)
        if n % 2 == 0:
            keywords.append(rng.choice(ENTITIES + DEVANAGARI))
        else:
            keywords.append(f"Track-{n} talks")
        start = now + timedelta(days=n % 700, hours=n % 24)
        events.append(
            Event(
                id=f"event-{n}",
                title=f"Meeting {n}",
                start=start,
                end=start + timedelta(hours=2),
                tags=(DEFAULT_TOPICS[n % len(DEFAULT_TOPICS)],),
                keywords=tuple(keywords),
                created=now,
                updated=now,
            )
        )
    return events


# ---- the farm ----------------------------------------------------------------------------


@contextmanager
def feed_farm(feeds: int, items: int, mention: float) -> Iterator[dict[str, str]]:
    """Start ``feed_farm.py`` in its own process; yields its hello line."""
    argv = ["--feeds", str(feeds), "--items", str(items), "--mention", str(mention)]
    process = subprocess.Popen(
        [sys.executable, str(FARM), *argv],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        hello: dict[str, str] = json.loads(process.stdout.readline())
        yield hello
    finally:
        process.terminate()
        process.wait(timeout=30)


async def farm_call(client: httpx.AsyncClient, path: str) -> dict[str, Any]:
    response = await client.get(path, timeout=60)
    response.raise_for_status()
    reply: dict[str, Any] = response.json()
    return reply


# ---- polling -----------------------------------------------------------------------------


@dataclasses.dataclass
class Cycle:
    name: str
    wall: float
    cpu: float
    farm_cpu: float
    feeds: int
    errors: Counter[str]
    new_articles: int
    matched: int
    ok: int
    not_modified: int
    megabytes: float
    peak_rss: float
    heap_peak: float | None
    notices: int
    writes: int
    max_lag: float
    p99_lag: float
    window_cpu: float  # the most CPU the loop thread used between two ticks
    replies: list[float | None]
    step_cpu: float
    step_wall: float
    step_what: str
    gc_worst: float
    gc_worst_cpu: float
    probe: str  # the loop probe's findings (printed with --probe)


USER_CHAT = 2002  # a user who asks /upcoming while the cycle runs


async def ask_meanwhile(fake: FakeServer, replies: list[float | None], stop: asyncio.Event) -> None:
    """A user's /upcoming through the fake Bot API every 0.25 s until ``stop``: how long
    each reply took. Never cancelled mid-question (the answer would be left in the pipe)."""
    while not stop.is_set():
        replies.append(await fake.ask(USER_CHAT, "/upcoming"))
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(0.25):
                await stop.wait()


def journal_writes(app: SummitWatch) -> int:
    """Journal appends so far: each one is a write + fsync."""
    storage = app.store._db.storage
    return storage._seq if isinstance(storage, JournalStorage) else 0


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


async def timed_cycle(
    name: str,
    app: SummitWatch,
    farm: httpx.AsyncClient,
    console: io.StringIO,
    *,
    telegram: FakeServer,
    trace: bool,
    detail: bool = False,
    profile: cProfile.Profile | None = None,
) -> Cycle:
    before = await farm_call(farm, "/_farm/stats")
    notices_before = console.getvalue().count("📰")
    writes = journal_writes(app)
    if trace:
        tracemalloc.start()
    probe = LoopProbe(detail=detail)
    watcher = asyncio.create_task(probe.watch())
    replies: list[float | None] = []
    stop_asking = asyncio.Event()
    asker = asyncio.create_task(ask_meanwhile(telegram, replies, stop_asking))
    cpu = time.process_time()
    started = time.perf_counter()
    if profile is not None:
        profile.enable()
    with probe.installed():
        results = await app.news.poller.poll_due()
    if profile is not None:
        profile.disable()
    wall = time.perf_counter() - started
    cpu = time.process_time() - cpu
    watcher.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await watcher
    probe.close()
    stop_asking.set()
    await asker  # the question under way, if any, is answered (and counted) first
    heap_peak = None
    if trace:
        heap_peak = tracemalloc.get_traced_memory()[1] / 1e6
        tracemalloc.stop()
    after = await farm_call(farm, "/_farm/stats")
    lates = [t.late for t in probe.ticks]
    worst = max(probe.steps, key=lambda s: s.cpu)
    gc_worst = max(probe.collections, key=lambda c: c.wall, default=None)
    return Cycle(
        name=name,
        wall=wall,
        cpu=cpu,
        farm_cpu=after["cpu_seconds"] - before["cpu_seconds"],
        feeds=len(results),
        errors=Counter(r.error for r in results if r.error),
        new_articles=sum(r.new_articles for r in results),
        matched=sum(r.matched for r in results),
        ok=after["ok"] - before["ok"],
        not_modified=after["not_modified"] - before["not_modified"],
        megabytes=(after["bytes"] - before["bytes"]) / 1e6,
        peak_rss=rss_mb(),
        heap_peak=heap_peak,
        notices=console.getvalue().count("📰") - notices_before,
        writes=journal_writes(app) - writes,
        max_lag=max(lates, default=0.0),
        p99_lag=percentile(lates, 0.99),
        window_cpu=max((t.cpu for t in probe.ticks), default=0.0),
        replies=replies,
        step_cpu=worst.cpu,
        step_wall=worst.wall,
        step_what=worst.where,
        gc_worst=gc_worst.wall if gc_worst else 0.0,
        gc_worst_cpu=gc_worst.cpu if gc_worst else 0.0,
        probe=summary(probe),
    )


def make_all_due(app: SummitWatch) -> None:
    now = app.now()
    for source in app.store.news_sources.all():
        app.store.news_sources.save(dataclasses.replace(source, next_poll=now))


def fsync_latency(folder: Path, count: int = 200) -> tuple[float, float]:
    """(median, mean) seconds of an append + fsync in ``folder``: a journal write's wait."""
    probe = folder / "fsync-probe"
    timings = []
    with probe.open("ab", buffering=0) as handle:
        for _ in range(count):
            started = time.perf_counter()
            handle.write(b"x" * 400 + b"\n")
            os.fsync(handle.fileno())
            timings.append(time.perf_counter() - started)
    probe.unlink()
    return statistics.median(timings), statistics.fmean(timings)


def store_size(path: Path) -> str:
    files = [path, path.with_name(path.name + ".journal")]
    size = sum(f.stat().st_size for f in files if f.exists())
    return f"{size / 1e6:.1f} MB"


async def bench_polling(args: argparse.Namespace, base_url: str) -> tuple[list[Cycle], str]:
    async with fake_server(limits=False) as telegram:
        return await _bench_polling(args, base_url, telegram)


async def _bench_polling(
    args: argparse.Namespace, base_url: str, telegram: FakeServer
) -> tuple[list[Cycle], str]:
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(
            telegram_token=telegram.token,
            telegram_api_base_url=telegram.base_url,
            db_path=Path(folder) / "db" / "summitwatch.json",
            port=0,
            seed_path=None,
            news_sources_path=None,
            log_level="WARNING",
            fetch_allow=parse_fetch_allow("127.0.0.1"),  # the feed farm is on loopback
        )
        console = io.StringIO()
        app = SummitWatch(settings, notifier=ConsoleNotifier(console), poll_news=False)
        cycles: list[Cycle] = []
        profiles = {n: cProfile.Profile() for n in (1, 2, 3)} if args.profile else {}
        trace = args.tracemalloc
        async with app, httpx.AsyncClient(base_url=base_url) as farm:
            await app.wait_background()
            for event in app_events(args.app_events, app.now()):
                await app.events.add(event, actor="bench")
            for n in range(args.feeds):
                tags = (DEFAULT_TOPICS[n % len(DEFAULT_TOPICS)],) if n % 4 == 0 else ()
                app.news.sources.add(f"{base_url}/feeds/{n}.xml", tags, actor="bench")
            rss_start = rss_mb()
            fsync_s = fsync_latency(Path(folder))
            cycles.append(
                await timed_cycle(
                    "1 new",
                    app,
                    farm,
                    console,
                    telegram=telegram,
                    trace=trace,
                    detail=args.probe,
                    profile=profiles.get(1),
                )
            )
            make_all_due(app)
            cycles.append(
                await timed_cycle(
                    "2 all 304",
                    app,
                    farm,
                    console,
                    telegram=telegram,
                    trace=trace,
                    detail=args.probe,
                    profile=profiles.get(2),
                )
            )
            await farm_call(farm, f"/_farm/publish?n={args.new_items}")
            make_all_due(app)
            name = f"3 +{args.new_items}/feed"
            cycles.append(
                await timed_cycle(
                    name,
                    app,
                    farm,
                    console,
                    telegram=telegram,
                    trace=trace,
                    detail=args.probe,
                    profile=profiles.get(3),
                )
            )
            counts = (
                f"articles {len(app.store.articles):,}, events {len(app.store.events)}, "
                f"deliveries {len(app.store.deliveries):,}"
            )
            coverage = sum(len(e.coverage) for e in app.store.events.all())
        size = store_size(settings.db_path)  # after close: the journal folded in
        summary = (
            f"  store after: {size} on disk (compacted at stop); {counts}; "
            f"coverage entries {coverage}\n  RSS before cycle 1: {rss_start:.0f} MB; "
            f"append + fsync on this disk: median {fsync_s[0] * 1e3:.2f} ms, "
            f"mean {fsync_s[1] * 1e3:.2f} ms (200 probes)"
        )
        for number, profile in profiles.items():
            out = io.StringIO()
            stats = pstats.Stats(profile, stream=out).strip_dirs()
            stats.sort_stats("cumulative").print_stats(35)
            stats.sort_stats("tottime").print_stats(15)
            summary += f"\n\ncProfile of cycle {number}:\n" + out.getvalue()
    return cycles, summary


def report_polling(
    args: argparse.Namespace, server: str, cycles: list[Cycle], summary: str
) -> None:
    print(
        f"poll {args.feeds} feeds x {args.items} items, {args.app_events} events "
        f"(farm: {server}, own process)"
    )
    print(
        f"  {'cycle':<12}{'wall s':>8}{'feeds/s':>9}{'new':>7}{'new/s':>8}{'matched':>8}"
        f"{'200s':>6}{'304s':>6}{'MB in':>7}{'notices':>8}"
    )
    for c in cycles:
        print(
            f"  {c.name:<12}{c.wall:8.2f}{c.feeds / c.wall:9.0f}{c.new_articles:7}"
            f"{c.new_articles / c.wall:8.0f}{c.matched:8}{c.ok:6}{c.not_modified:6}"
            f"{c.megabytes:7.1f}{c.notices:8}"
        )
        for error, times in c.errors.items():
            print(f"    {times} feed(s) failed: {error}")
    heap = "  heap peak" if args.tracemalloc else ""
    print(
        f"  {'cycle':<12}{'bot cpu s':>10}{'farm cpu s':>11}{'fsyncs':>8}"
        f"{'max loop lag':>14}{'p99':>8}{'peak RSS':>10}{heap}{'longest step: CPU (wall)':>27}"
    )
    for c in cycles:
        line = (
            f"  {c.name:<12}{c.cpu:10.2f}{c.farm_cpu:11.2f}{c.writes:8}"
            f"{c.max_lag * 1e3:11.0f} ms{c.p99_lag * 1e3:5.0f} ms{c.peak_rss:7.0f} MB"
        )
        if c.heap_peak is not None:
            line += f"{c.heap_peak:8.0f} MB"
        line += f"{c.step_cpu * 1e3:16.0f} ms ({c.step_wall * 1e3:.0f} ms)"
        print(line)
    for c in cycles:
        print(
            f"  {c.name:<12}  longest GC pause {c.gc_worst * 1e3:.0f} ms "
            f"({c.gc_worst_cpu * 1e3:.0f} ms CPU); most loop CPU between two lag ticks "
            f"{c.window_cpu * 1e3:.0f} ms; longest step: {c.step_what}"
        )
    if args.probe:
        for c in cycles:
            print(f"  loop probe, cycle {c.name}:")
            print("    " + c.probe.replace("\n", "\n    "))
    print(f"  {'cycle':<12}  a user's /upcoming during the cycle (fake Bot API, reply time)")
    for c in cycles:
        answered = [r for r in c.replies if r is not None]
        unanswered = len(c.replies) - len(answered)
        if answered:
            print(
                f"  {c.name:<12}  {len(answered)} answered, median "
                f"{statistics.median(answered) * 1e3:.0f} ms, max {max(answered) * 1e3:.0f} ms"
                + (f", {unanswered} unanswered within 30 s" if unanswered else "")
            )
        else:
            print(f"  {c.name:<12}  none answered ({unanswered} asked)")
    print(summary)


# ---- parsing and matching ----------------------------------------------------------------


def bench_matching(events: int, articles: int, items: int, mention: float) -> None:
    catalogue = matcher_events(events)
    specific = [k for e in catalogue for k in e.keywords if k not in ENTITIES + DEVANAGARI]
    # Articles name event-specific keywords three times as often as the shared names.
    names = specific + list(ENTITIES + DEVANAGARI) * max(1, len(specific) // 156)
    feeds = max(1, -(-articles // items))
    documents = [
        make_feed(n, items, newest=1000 + items, mention=mention, names=names) for n in range(feeds)
    ]
    started = time.perf_counter()
    parsed: list[Article] = []
    for n, document in enumerate(documents):
        parsed += parse_articles(document, source_url=f"http://127.0.0.1/feeds/{n}.xml").articles
    parse_s = time.perf_counter() - started
    parsed = parsed[:articles]
    words = sum(len(a.title.split()) + len(a.summary.split()) for a in parsed) / len(parsed)
    size = sum(len(d) for d in documents) / len(documents) / 1e3
    print(f"parse_articles: {feeds} RSS 2.0 feeds of {items} items ({size:.0f} KB each)")
    print(
        f"  {parse_s:6.2f} s   {feeds / parse_s:8.1f} feeds/s   "
        f"{feeds * items / parse_s:8.0f} items/s   {parse_s / feeds * 1e3:6.1f} ms/feed"
    )

    keywords = sum(len(e.keywords) for e in catalogue)
    started = time.perf_counter()
    matcher = Matcher(catalogue)
    build_s = time.perf_counter() - started
    print(
        f"Matcher: {events} events, {keywords} keywords; {len(parsed):,} articles of "
        f"~{words:.0f} words, {mention:.0%} naming 1-3 keywords"
    )
    print(f"  build              {build_s * 1e3:8.1f} ms")
    for label, tags in (("no feed tags", ()), ("feed tags (sco)", ("sco",))):
        started = time.perf_counter()
        found = [matcher.matches(article, source_tags=tags) for article in parsed]
        match_s = time.perf_counter() - started
        total = sum(len(m) for m in found)
        hit = sum(1 for m in found if m)
        print(
            f"  {label:<18} {len(parsed) / match_s:8.0f} articles/s   "
            f"{match_s / len(parsed) * 1e6:6.1f} µs/article   "
            f"{total / len(parsed):5.2f} matches/article   {hit / len(parsed):4.0%} matched"
        )


# ---- main --------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=200)
    parser.add_argument("--items", type=int, default=50)
    parser.add_argument("--app-events", type=int, default=50, help="events in the polling app")
    parser.add_argument("--new-items", type=int, default=5, help="new items per feed, cycle 3")
    parser.add_argument("--events", type=int, default=1000, help="events for the Matcher")
    parser.add_argument("--articles", type=int, default=20_000, help="articles to match")
    parser.add_argument("--mention", type=float, default=0.5, help="share of items naming one")
    parser.add_argument("--quick", action="store_true", help="40 feeds, 200 events, 4,000 art.")
    parser.add_argument("--tracemalloc", action="store_true", help="heap peak (slows cycles)")
    parser.add_argument("--profile", action="store_true", help="cProfile each cycle")
    parser.add_argument("--probe", action="store_true", help="name loop steps; where lag went")
    parser.add_argument("--skip-matching", action="store_true")
    args = parser.parse_args()
    if args.quick:
        args.feeds, args.events, args.articles = 40, 200, 4000
    with feed_farm(args.feeds, args.items, args.mention) as hello:
        cycles, summary = asyncio.run(bench_polling(args, hello["base_url"]))
    report_polling(args, hello["server"], cycles, summary)
    if not args.skip_matching:
        print()
        bench_matching(args.events, args.articles, args.items, args.mention)


if __name__ == "__main__":
    main()
