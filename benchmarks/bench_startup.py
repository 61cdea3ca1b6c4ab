"""Start-up after a simulated year: from process start until the feed and the bot answer.

    .venv/bin/python benchmarks/bench_startup.py               # the year below, 3 starts
    .venv/bin/python benchmarks/bench_startup.py --runs 5 --profile

The database is what a year leaves behind once pruned (``bot.store.retention``): 500
events, one every ~17.5 hours from 330 days ago to 35 days ahead (those over marked
concluded, as the running app marks them); 10,000 private chats, each following one of
five topics (an event carries two, so ~4,000 follow each); 100,000 articles seen over the
last 90 days (the news retention), 5% matched to an event; and the delivery records the
rule keeps: every reminder already due (7 d, 1 d, 1 h) of each event not ended more than
7 days ago, and the notices of ``--notices-per-day`` matched articles a day for the last 7
days, each to its ~4,000 followers. The store's own pruner then runs once over it and must
find no record to remove (it is checked, not assumed); it cuts the text of articles older
than 7 days, as it does every few hours in a running app. The last pruning pass is left
unrecorded, so every start finds one due (the worst case: a restart after a long stop).

As a restart finds them, the kept renders of an earlier run (``<db>.feeds``, made once in
process; the app runs with a fixed ``SUMMITWATCH_PUBLIC_URL`` so they stay valid) lie beside
it, and the app's modules are compiled to bytecode (as pip leaves them in the image).
Each run copies that database afresh (so every start finds the same year), starts the
fake Telegram Bot API (``fake_bot_api_server.py``, its own process), then starts ``run.py``
as a process with a bot token pointed at the fake (no seed, no news sources), and at once
a subscriber sends ``/upcoming``; it polls ``/healthz`` and ``/calendar.ics``. Start-up is
the time from ``Popen`` until ``/calendar.ics`` answered 200 *and* the bot's reply to the
command reached the fake Bot API (``--console``: no Telegram, the feed alone). Reported
with the CPU time the app's process had used by then (user + system, via psutil when
installed: on a shared machine the wall time includes waiting for a core, the CPU time
does not). ``--profile`` runs the app's start once more under cProfile (in-process,
console mode) and prints the top functions.

Last results (2-core machine shared with other jobs, load average 4-8): see the README's
benchmark table.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import os
import pstats
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.synthetic import TAGS, ZONES  # noqa: E402
from bot.store import Store  # noqa: E402
from bot.store.files import feed_state_path  # noqa: E402
from bot.store.retention import KEEP  # noqa: E402
from calendars.events import Event, Status  # noqa: E402
from calendars.news.articles import Article  # noqa: E402
from calendars.reminders import reminder_key  # noqa: E402
from calendars.subscribers import Subscriber  # noqa: E402

OFFSETS = (timedelta(days=7), timedelta(days=1), timedelta(hours=1))
FIRST_CHAT = 10_000_000
PUBLIC_URL = "https://summitwatch.example.org"


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


def year_tables(
    now: datetime, *, events: int, chats: int, articles: int, notices_per_day: int
) -> dict[str, dict[str, dict[str, Any]]]:
    """The store's tables after a year, in the exact records the repositories write."""
    first = now - timedelta(days=330)
    every = timedelta(days=365) / events
    made = now - timedelta(days=366)
    event_list: list[Event] = []
    for n in range(events):
        zone = "UTC"
        start = (first + every * n).replace(microsecond=0)
        event_list.append(
            Event(
                id=f"event-{n}",
                title=f"Bilateral meeting number {n}: defence, energy and trade",
                start=start,
                end=start + timedelta(hours=2),
                timezone=zone,
                location="Hyderabad House, New Delhi",
                description="Talks on deliveries, payments and the annual summit. " * 3,
                tags=(TAGS[n % 5], TAGS[(n + 2) % 5]),
                urls=(f"https://news.example.org/{n}",),
                created=made,
                updated=made,
                # The running app concludes an event once it is over (every 5 minutes).
                status=Status.CONCLUDED if start + timedelta(hours=2) <= now else Status.CONFIRMED,
            )
        )
    subscribers = [
        Subscriber(
            id=str(FIRST_CHAT + i),
            title=f"Reader {i}",
            zone=ZONES[i % len(ZONES)],
            topics=frozenset({TAGS[i % 5]}),
            subscribed_at=made,
            reminders_since=made,
        )
        for i in range(chats)
    ]
    followers = {tag: [s.id for s in subscribers if s.topics and tag in s.topics] for tag in TAGS}
    deliveries: dict[str, dict[str, Any]] = {}
    cutoff = now - KEEP
    for event in event_list:
        if event.ends_at <= cutoff:
            continue  # pruned
        chat_ids = sorted({c for tag in event.tags for c in followers[tag]})
        for offset in OFFSETS:
            due = event.starts_at - offset
            if due > now:
                continue
            record = {"status": "sent", "at": iso(due), "detail": ""}
            for chat in chat_ids:
                deliveries[reminder_key(event, offset, chat)] = record
    article_docs: dict[str, dict[str, Any]] = {}
    span = timedelta(days=90) / articles
    for n in range(articles):
        seen = now - span * (articles - n)
        article = Article(
            key=f"https://news.example.org/a/{n}",
            title=f"Ministers meet on trade and energy, round {n}",
            link=f"https://news.example.org/a/{n}",
            summary="Officials said talks would continue next week. " * 2,
            source="Example News",
            published=seen,
            source_url=f"https://news.example.org/feed/{n % 200}.xml",
        )
        matched = [f"event-{n % events}"] if n % 20 == 0 else []
        article_docs[article.key] = {
            **article.to_record(),
            "events": matched,
            "pending": False,
            "seen_at": iso(seen),
        }
    by_id = {e.id: e for e in event_list}
    matched_recent = [
        (key, doc)
        for key, doc in article_docs.items()
        if doc["events"] and doc["seen_at"] > iso(cutoff)
    ]
    wanted = notices_per_day * KEEP.days
    for key, doc in matched_recent[-wanted:]:
        event = by_id[doc["events"][0]]
        record = {"status": "sent", "at": doc["seen_at"], "detail": ""}
        for chat in sorted({c for tag in event.tags for c in followers[tag]}):
            deliveries[f"news:{key}/{chat}"] = record
    return {
        "events": {
            e.id: {"data": e.to_record(), "seed_digest": None, "admin_edited": True}
            for e in event_list
        },
        "subscribers": {s.id: {"data": s.to_record()} for s in subscribers},
        "articles": article_docs,
        "deliveries": deliveries,
    }


def build(path: Path, now: datetime, args: argparse.Namespace) -> dict[str, int]:
    tables = year_tables(
        now,
        events=args.events,
        chats=args.chats,
        articles=args.articles,
        notices_per_day=args.notices_per_day,
    )
    store = Store(path)
    store.load(tables)  # one atomic snapshot
    pruned = sum(store.pruner.chunks(now))
    store.close()
    if pruned:
        raise SystemExit(f"the pruner removed {pruned} records the year was built without")
    return {name: len(docs) for name, docs in tables.items()}


def leave_feed_state(year: Path, folder: Path) -> None:
    """The kept renders an earlier run leaves beside the database (``<db>.feeds``), as any
    restart finds them: one start, in process, on a scratch copy of the year."""
    scratch = Path(tempfile.mkdtemp(dir=folder))
    db = scratch / year.name
    shutil.copyfile(year, db)
    asyncio.run(profiled_start(db))
    shutil.copyfile(feed_state_path(db), feed_state_path(year))
    shutil.rmtree(scratch)


def compile_sources() -> None:
    """Bytecode for the app's own modules, as the image has it (pip compiles at install):
    with ``PYTHONDONTWRITEBYTECODE`` set and none on disk, each start would compile ~170
    modules again (~0.2 s) and measure that instead."""
    folders = [str(ROOT / name) for name in ("bot", "calendars", "handlers", "config")]
    subprocess.run([sys.executable, "-m", "compileall", "-q", *folders], check=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def environment(db: Path, port: int, telegram: dict[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SUMMITWATCH_", "TELEGRAM_"))}
    env.update(
        SUMMITWATCH_DB=str(db),
        SUMMITWATCH_PORT=str(port),
        SUMMITWATCH_SEED="off",
        SUMMITWATCH_FEEDS="off",
        SUMMITWATCH_LOG_LEVEL="WARNING",
        # As deployed: one public address, so the kept renders stay valid across restarts.
        SUMMITWATCH_PUBLIC_URL=PUBLIC_URL,
    )
    if telegram is not None:
        env.update(TELEGRAM_BOT_TOKEN=telegram["token"], TELEGRAM_API_BASE_URL=telegram["base_url"])
    return env


def cpu_seconds(pid: int) -> float | None:
    try:
        import psutil  # the [bench] extra
    except ImportError:
        return None
    times = psutil.Process(pid).cpu_times()
    return float(times.user + times.system)


class FakeBotApi:
    """``fake_bot_api_server.py`` in its own process, over its stdin/stdout line protocol."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, str(ROOT / "benchmarks" / "fake_bot_api_server.py")],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,  # the bot's long poll cut at its exit is noise here
            text=True,
        )
        assert self.process.stdout is not None
        self.hello: dict[str, str] = json.loads(self.process.stdout.readline())

    def ask(self, chat: int, text: str) -> None:
        """Push a user's message; ``answered`` waits for the bot's reply."""
        assert self.process.stdin is not None
        self.process.stdin.write(f"ask {chat} {text}\n")
        self.process.stdin.flush()

    def answered(self) -> bool:
        """Blocks until the fake saw the bot's reply (or its 30 s wait ran out)."""
        assert self.process.stdout is not None
        return json.loads(self.process.stdout.readline())["seconds"] is not None

    def close(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()  # end of input: the fake stops
        self.process.wait(30)


@dataclass
class Start:
    health: float
    feed: float
    reply: float | None  # None in console mode
    cpu: float | None

    @property
    def ready(self) -> float:
        return max(self.feed, self.reply or 0.0)


def one_start(year: Path, folder: Path, *, console: bool) -> Start:
    """Seconds from Popen to /healthz 200, /calendar.ics 200 and the bot's reply to a
    command; the app's CPU once all had answered."""
    run = Path(tempfile.mkdtemp(dir=folder))
    db = run / year.name
    shutil.copyfile(year, db)  # every start finds the same year (a start writes to it)
    shutil.copyfile(feed_state_path(year), feed_state_path(db))
    fake = None if console else FakeBotApi()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    replied: list[float] = []
    began = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "run.py")],
        env=environment(db, port, None if fake is None else fake.hello),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    waiter = None
    if fake is not None:
        fake.ask(FIRST_CHAT, "/upcoming")  # sent at once: it waits at Telegram for the bot

        def wait_reply() -> None:
            if fake.answered():
                replied.append(time.perf_counter() - began)

        waiter = threading.Thread(target=wait_reply, daemon=True)
        waiter.start()
    health = feed = None
    try:
        with httpx.Client(timeout=30) as client:
            while health is None or feed is None:
                if process.poll() is not None:
                    raise SystemExit(process.stderr.read().decode() if process.stderr else "died")
                try:
                    if health is None and client.get(f"{base}/healthz").status_code == 200:
                        health = time.perf_counter() - began
                    if health is not None and client.get(f"{base}/calendar.ics").status_code == 200:
                        feed = time.perf_counter() - began
                except httpx.TransportError:
                    time.sleep(0.01)
        if waiter is not None:
            waiter.join(60)
            if not replied:
                raise SystemExit("the bot did not answer /upcoming within 30 s")
        cpu = cpu_seconds(process.pid)
    finally:
        process.terminate()
        process.wait(30)
        if fake is not None:
            fake.close()
        shutil.rmtree(run, ignore_errors=True)
    return Start(health, feed, replied[0] if replied else None, cpu)


async def profiled_start(db: Path) -> None:
    from bot.app import SummitWatch
    from config.settings import load_settings

    settings = load_settings(environment(db, 0))
    app = SummitWatch(settings, poll_news=False)
    await app.start()
    app.calendar_feeds.warm()
    await app.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--events", type=int, default=500)
    parser.add_argument("--chats", type=int, default=10_000)
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--notices-per-day", type=int, default=5)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--console", action="store_true", help="no Telegram: the feed alone")
    parser.add_argument("--profile", action="store_true", help="also profile one start")
    args = parser.parse_args(argv)
    now = datetime.now(UTC)
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "summitwatch.json"
        began = time.perf_counter()
        sizes = build(db, now, args)
        leave_feed_state(db, Path(folder))
        compile_sources()
        print(f"built in {time.perf_counter() - began:.1f} s: {sizes}")
        print(
            f"snapshot {db.stat().st_size / 1e6:.1f} MB after the pruner's pass (no record removed)"
        )
        for run in range(1, args.runs + 1):
            start = one_start(db, Path(folder), console=args.console)
            used = "" if start.cpu is None else f"; the app's CPU by then {start.cpu:.2f} s"
            reply = "" if start.reply is None else f", reply to /upcoming {start.reply:.2f} s"
            print(
                f"run {run}: ready after {start.ready:.2f} s (/healthz {start.health:.2f} s, "
                f"/calendar.ics {start.feed:.2f} s{reply}){used}; load {os.getloadavg()[0]:.1f}"
            )
        if args.profile:
            profile = cProfile.Profile()
            profile.enable()
            asyncio.run(profiled_start(db))
            profile.disable()
            pstats.Stats(profile).sort_stats("cumulative").print_stats(25)
    return 0


if __name__ == "__main__":
    sys.exit(main())
