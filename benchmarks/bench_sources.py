"""Upstream calendar sync: a calendar of 5,000 VEVENTs (200 of them weekly series) polled
end to end over loopback.

    .venv/bin/python benchmarks/bench_sources.py [--events 5000] [--series 200]

The calendar is built here and served by the tests' feed server (uvicorn on loopback,
ETag and 304 like a real server). A real ``SummitWatch`` runs in this process (temporary
database, port 0, no seed, no Telegram: console notifier into a StringIO). Timed, each
through ``app.upstream.poller.poll`` (fetch, hash, parse in the worker, plan, apply):

* first sync: every event added (stored, audited, reminders scheduled);
* re-poll with one change: one event's place and time moved (one edit, one alert);
* unchanged re-poll, 304: the server answers the conditional GET with 304;
* unchanged re-poll, 200 with the same bytes: the server ignores validators; the body's
  hash matches, so nothing is parsed or written.

Reported: wall time, journal writes (each an fsync), the longest the event loop was
blocked (a 5 ms timer's worst lateness), peak RSS of this process and the parser worker
(``VmHWM`` of every descendant process), and how many events the sync produced
(series occurrences included when the parser expands them; skipped reasons otherwise).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import io
import os
import resource
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

os.environ.setdefault("PTB_TIMEDELTA", "true")  # before telegram is imported

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from bot.app import SummitWatch  # noqa: E402
from bot.delivery.notifier import ConsoleNotifier  # noqa: E402
from bot.store.journal import JournalStorage  # noqa: E402
from bot.upstream.poller import SyncOutcome  # noqa: E402
from calendars.urls import parse_fetch_allow  # noqa: E402
from config.settings import Settings  # noqa: E402
from tests.fakes.feed_server import FeedServer  # noqa: E402
from tests.fakes.ical import Entry, calendar  # noqa: E402

NOW = datetime.now(UTC).replace(microsecond=0)
PATH = "ministry.ics"


def entries(events: int, series: int, *, moved: int | None = None) -> list[Entry]:
    """``events`` VEVENTs over the next year; ``series`` of them weekly for a year."""
    built = []
    for n in range(events):
        start = NOW + timedelta(days=1 + n % 360, hours=n % 10)
        rrule = "FREQ=WEEKLY;COUNT=52" if n < series else ""
        place = f"Hall {n % 40}, City {n % 70}"
        if n == moved:
            start, place = start + timedelta(hours=3), "Moved venue"
        built.append(
            Entry(
                uid=f"{n}-{n * 7919 % 100000}@mfa.example",
                start=start,
                title=f"Consultations round {n}" if not rrule else f"Weekly briefing {n}",
                location=place,
                description=f"Delegations meet for round {n}. Agenda to follow.",
                rrule=rrule,
            )
        )
    return built


class LoopLag:
    """The longest the event loop was unable to run a 5 ms timer on time (blocked)."""

    def __init__(self) -> None:
        self.worst = 0.0

    async def watch(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            expected = loop.time() + 0.005
            await asyncio.sleep(0.005)
            self.worst = max(self.worst, loop.time() - expected)


def journal_writes(app: SummitWatch) -> int:
    storage = app.store._db.storage
    return storage._seq if isinstance(storage, JournalStorage) else 0


def descendants_hwm_mb() -> float:
    """Peak resident memory (VmHWM) of the biggest descendant: the parser worker."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError, IndexError, ValueError):
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(entry.name))
    peak, stack = 0.0, list(children.get(os.getpid(), []))
    while stack:
        pid = stack.pop()
        stack += children.get(pid, [])
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peak = max(peak, int(line.split()[1]) / 1024)
    return peak


@contextlib.asynccontextmanager
async def instance(folder: Path) -> AsyncIterator[SummitWatch]:
    settings = Settings(
        db_path=folder / "db.json",
        port=0,
        seed_path=None,
        news_sources_path=None,
        sources_path=None,
        fetch_allow=parse_fetch_allow("127.0.0.1"),
        fetch_timeout=30.0,
    )
    app = SummitWatch(settings, notifier=ConsoleNotifier(io.StringIO()), poll_news=False)
    async with app:
        yield app


async def timed(app: SummitWatch, name: str, source_id: str) -> SyncOutcome:
    lag = LoopLag()
    watcher = asyncio.create_task(lag.watch())
    writes = journal_writes(app)
    began = time.perf_counter()
    outcome = await app.upstream.poller.poll(source_id)
    took = time.perf_counter() - began
    watcher.cancel()
    await asyncio.gather(watcher, return_exceptions=True)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"{name:<34}{took:8.2f} s{journal_writes(app) - writes:8d}{lag.worst * 1e3:10.0f} ms"
        f"{rss:9.0f} MB{descendants_hwm_mb():9.0f} MB  {outcome.status} {dict(outcome.done)}"
    )
    return outcome


async def bench(args: argparse.Namespace) -> None:
    body = calendar(entries(args.events, args.series))
    print(
        f"calendar: {args.events:,} VEVENTs ({args.series} weekly series of 52), "
        f"{len(body) / 1e6:.1f} MB"
    )
    with tempfile.TemporaryDirectory() as tmp, FeedServer() as site:
        site.publish(PATH, body, content_type="text/calendar")
        async with instance(Path(tmp)) as app:
            source = app.upstream.sources.add(site.url(PATH), ["sco"], actor="bench")
            print(f"{'':<34}{'wall':>10}{'fsyncs':>8}{'loop lag':>13}{'RSS':>12}{'worker':>11}")
            await timed(app, "first sync", source.id)
            stored = app.store.upstream_sources.get(source.id)
            assert stored is not None
            print(f"  events: {len(app.store.events):,} stored; parse: {stored.summary}")
            moved = calendar(entries(args.events, args.series, moved=args.series + 1))
            site.publish(PATH, moved, content_type="text/calendar")
            await timed(app, "re-poll, one event moved", source.id)
            await timed(app, "unchanged re-poll (304)", source.id)
            site.without_validators(PATH)
            await timed(app, "unchanged re-poll (200, same bytes)", source.id)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=5000)
    parser.add_argument("--series", type=int, default=200)
    asyncio.run(bench(parser.parse_args()))


if __name__ == "__main__":
    main()
