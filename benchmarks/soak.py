"""Soak under faults: two compressed days of reminders, news and failures, counted.

    .venv/bin/pip install -e '.[bench]'                 # matplotlib and psutil
    .venv/bin/python benchmarks/soak.py                  # ~8 minutes on 2 cores
    .venv/bin/python benchmarks/soak.py --minutes 3 --out /tmp/soak

What runs: the real app, ``SummitWatch(settings)`` with its python-telegram-bot Application
pointed at ``fake_bot_api_server.py --faults --limits`` (its own process: Telegram's flood
limits, plus 429 with retry_after, 500/502, responses held past the read timeout, and 403
for 2% of the chats that follow something), and 200 news sources served by
``feed_farm.py --fail 0.1`` (its own process: 503s, bodies cut short, answers held past the
fetch timeout), new items published every minute. The bot is paced as shipped (28.8/s).

The clock is compressed with time-machine: every 100 ms the app's clock is moved to
``T0 + elapsed x factor`` and the scheduler woken (the event loop, HTTP timeouts and
Telegram pacing keep real time). 10,000 chats; 500 events starting one every ~2.8 virtual
minutes from T0 + 1 day, each the topic of 5 chats, reminders at 1 day and 1 hour: so
reminders fall due all through the run, the 1-day ones in its first half and the 1-hour
ones in its second. 47 virtual hours in ``--minutes``; then the clock runs on until the
fake has had nothing new for 20 s (what was queued is delivered), and the app stops. The
retention margin is cut to ``--keep-hours`` (6) so that pruning reaches its steady state
within the run (7 days would outlast it); the rule is otherwise the shipped one.

Reported (``soak-report.json`` and ``soak-memory.png`` in ``--out``): reminders due
(followers x offsets, chats that blocked the bot excluded), sent (what the fake delivered,
per chat and event), lost, duplicated, and how late they arrived in virtual minutes (the
server's delivery time mapped onto the compressed clock); news notices delivered; faults
injected; the resident memory of this process over time; the event loop's lag (a 50 ms
probe).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import re
import statistics
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, cast

os.environ["PTB_TIMEDELTA"] = "true"  # before telegram is imported: RetryAfter as timedelta

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import psutil  # noqa: E402
import time_machine  # noqa: E402
from tinydb.table import Document  # noqa: E402

from benchmarks.feed_farm import ENTITIES  # noqa: E402
from bot.app import SummitWatch  # noqa: E402
from bot.store import Store  # noqa: E402
from calendars.events import Event  # noqa: E402
from calendars.subscribers import Subscriber  # noqa: E402
from calendars.urls import parse_fetch_allow  # noqa: E402
from config.settings import Settings  # noqa: E402

FIRST_CHAT = 10_000_000
TOPICS = 2000  # chat i follows topic t(i % 2000); event n is topic t(n): 5 chats each
OFFSETS = (timedelta(days=1), timedelta(hours=1))
SPAN = timedelta(hours=47)
EVENT_ID = re.compile(r"id <code>([^<]+)</code>")


async def launch(*argv: str) -> tuple[asyncio.subprocess.Process, dict[str, Any]]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        *argv,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
        limit=1 << 26,
    )
    assert process.stdout is not None
    return process, json.loads(await process.stdout.readline())


async def ask(process: asyncio.subprocess.Process, command: str) -> Any:
    assert process.stdin is not None
    assert process.stdout is not None
    process.stdin.write(command.encode() + b"\n")
    await process.stdin.drain()
    return json.loads(await process.stdout.readline())


def world(t0: datetime, events: int, chats: int) -> tuple[list[Event], list[Subscriber]]:
    made = t0 - timedelta(days=1)
    every = timedelta(hours=23) / events
    event_list = []
    for n in range(events):
        start = t0 + timedelta(days=1, minutes=10) + every * n
        event_list.append(
            Event(
                id=f"soak-{n}",
                title=f"Soak meeting {n}",
                start=start,
                end=start + timedelta(hours=1),
                timezone="UTC",
                tags=(f"t{n}",),
                keywords=(ENTITIES[n % len(ENTITIES)],) if n % 10 == 0 else (),
                created=made,
                updated=made,
            )
        )
    subscribers = [
        Subscriber(
            id=str(FIRST_CHAT + i),
            title=f"Reader {i}",
            topics=frozenset({f"t{i % TOPICS}"}),
            subscribed_at=made,
            reminders_since=made,
        )
        for i in range(chats)
    ]
    return event_list, subscribers


def prefill(path: Path, events: list[Event], subscribers: list[Subscriber]) -> None:
    with Store(path) as store:
        store._db.table("events").insert_multiple(
            Document(
                {"data": e.to_record(), "seed_digest": None, "admin_edited": True},
                doc_id=cast(Any, e.id),
            )
            for e in events
        )
        store._db.table("subscribers").insert_multiple(
            Document({"data": s.to_record()}, doc_id=cast(Any, s.id)) for s in subscribers
        )


def expected_reminders(
    events: list[Event], subscribers: list[Subscriber], blocked: set[str], until: datetime
) -> Counter[tuple[str, str]]:
    by_topic: dict[str, list[str]] = {}
    for s in subscribers:
        for topic in s.topics or ():
            by_topic.setdefault(topic, []).append(s.id)
    due: Counter[tuple[str, str]] = Counter()
    for event in events:
        for chat in by_topic.get(event.tags[0], []):
            if chat not in blocked:
                due[(chat, event.id)] = sum(1 for o in OFFSETS if event.starts_at - o <= until)
    return due


class Probe:
    """Loop lag (a 50 ms sleep's overshoot) and resident memory, sampled as it runs."""

    def __init__(self, t0: datetime) -> None:
        self.lags: list[float] = []
        self.memory: list[tuple[float, float, float]] = []  # real s, virtual h, RSS MB
        self._t0 = t0
        self._process = psutil.Process()

    async def lag(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            began = loop.time()
            await asyncio.sleep(0.05)
            self.lags.append(loop.time() - began - 0.05)

    async def rss(self, started: float) -> None:
        while True:
            virtual = (datetime.now(UTC) - self._t0).total_seconds() / 3600
            rss = self._process.memory_info().rss / 1e6
            self.memory.append((time.monotonic() - started, virtual, rss))
            await asyncio.sleep(2)


async def clock_driver(
    app: SummitWatch, traveller: Any, t0: datetime, factor: float, started: float
) -> None:
    while True:
        traveller.move_to(t0 + timedelta(seconds=(time.monotonic() - started) * factor))
        app.reminders.wake()
        await asyncio.sleep(0.1)


async def publisher(farm_url: str) -> None:
    import httpx

    async with httpx.AsyncClient() as client:
        while True:
            await asyncio.sleep(60)
            await client.get(f"{farm_url}/_farm/publish?n=3")


async def quiet(fake: asyncio.subprocess.Process, *, seconds: float, limit: float) -> float:
    """Wait until the fake has seen no new send for ``seconds`` (at most ``limit``)."""
    began = time.monotonic()
    last, since = -1, began
    while time.monotonic() - began < limit:
        count = (await ask(fake, "stats"))["send_message_requests"]
        if count != last:
            last, since = count, time.monotonic()
        elif time.monotonic() - since >= seconds:
            break
        await asyncio.sleep(1)
    return round(time.monotonic() - began, 1)


def plot(memory: list[tuple[float, float, float]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(8, 4))
    axes.plot([m[1] for m in memory], [m[2] for m in memory])
    axes.set_xlabel("virtual hours since start")
    axes.set_ylabel("resident memory (MB)")
    axes.set_title("SummitWatch soak: resident memory")
    axes.set_ylim(bottom=0)
    axes.grid(True)
    figure.tight_layout()
    figure.savefig(path, dpi=100)


async def soak(args: argparse.Namespace) -> dict[str, Any]:
    t0 = datetime.now(UTC).replace(second=0, microsecond=0)
    factor = SPAN.total_seconds() / (args.minutes * 60)
    events, subscribers = world(t0, args.events, args.chats)
    followers = [s.id for s in subscribers if int(s.id) - FIRST_CHAT < args.chats]
    following = [c for c in followers if (int(c) - FIRST_CHAT) % TOPICS < args.events]
    blocked = set(following[::50])
    fake, hello = await launch(
        str(ROOT / "benchmarks" / "fake_bot_api_server.py"),
        "--faults",
        "--limits",
        "--blocked",
        ",".join(sorted(blocked)),
    )
    farm, farm_hello = await launch(
        str(ROOT / "benchmarks" / "feed_farm.py"), "--feeds", str(args.sources), "--fail", "0.1"
    )
    probe = Probe(t0)
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "summitwatch.json"
        prefill(db, events, subscribers)
        sources = Path(folder) / "feeds.toml"
        sources.write_text(
            "".join(
                f'[[feed]]\nurl = "{farm_hello["base_url"]}/feeds/{n}.xml"\nenabled = true\n\n'
                for n in range(args.sources)
            )
        )
        settings = Settings(
            telegram_token=hello["token"],
            telegram_api_base_url=hello["base_url"],
            db_path=db,
            port=0,
            seed_path=None,
            news_sources_path=sources,
            fetch_allow=parse_fetch_allow("127.0.0.1"),
            reminder_offsets=OFFSETS,
            news_interval=timedelta(hours=2),
            log_level="WARNING",
        )
        with time_machine.travel(t0, tick=False) as traveller:
            app = SummitWatch(settings)
            await app.start()
            app.retention.keep = timedelta(hours=args.keep_hours)
            started = time.monotonic()
            tasks = [
                asyncio.create_task(probe.lag()),
                asyncio.create_task(probe.rss(started)),
                asyncio.create_task(clock_driver(app, traveller, t0, factor, started)),
                asyncio.create_task(publisher(str(farm_hello["base_url"]))),
            ]
            await asyncio.sleep(args.minutes * 60)
            end = datetime.now(UTC)
            drained = await quiet(fake, seconds=20, limit=300)
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            records = Counter(str(doc.get("status")) for doc in app.store._db.table("deliveries"))
            subscribed = len(app.store.subscribers)
            await app.stop()
    sent_rows = await ask(fake, "delivered")
    faults = await ask(fake, "faults")
    stats = await ask(fake, "stats")
    for process in (fake, farm):
        with contextlib.suppress(ProcessLookupError):
            process.terminate()
        await process.wait()
    got: Counter[tuple[str, str]] = Counter()
    notices = 0
    starts = {e.id: e.starts_at for e in events}
    late: list[float] = []  # virtual minutes after the reminder fell due
    after_start = 0
    for at, chat, text in sent_rows:
        found = EVENT_ID.search(text or "")
        if not (text or "").startswith("⏰") or not found:
            notices += 1
            continue
        pair = (str(chat), found.group(1))
        offset = OFFSETS[min(got[pair], len(OFFSETS) - 1)]  # 1 day first, then 1 hour
        got[pair] += 1
        delivered = t0 + timedelta(seconds=(at - started) * factor)
        late.append((delivered - (starts[pair[1]] - offset)).total_seconds() / 60)
        after_start += delivered >= starts[pair[1]]
    late.sort()
    due = expected_reminders(events, subscribers, blocked, end)
    pairs = set(due) | set(got)
    lags = sorted(probe.lags)
    memory = probe.memory
    warm = [m[2] for m in memory if m[0] >= args.minutes * 60 / 4]  # a quarter in
    return {
        "minutes": args.minutes,
        "factor": round(factor),
        "virtual_hours": round((end - t0).total_seconds() / 3600, 1),
        "retention_keep_hours": args.keep_hours,
        "chats": args.chats,
        "events": args.events,
        "news_sources": args.sources,
        "reminders_due": sum(due.values()),
        "reminders_sent": sum(got.values()),
        "reminders_lost": sum(max(0, due[p] - got[p]) for p in pairs),
        "reminders_duplicated": sum(max(0, got[p] - due[p]) for p in pairs),
        "late_virtual_minutes": {
            "p50": round(late[len(late) // 2], 1) if late else None,
            "p99": round(late[int(len(late) * 0.99)], 1) if late else None,
            "max": round(late[-1], 1) if late else None,
        },
        "late_real_seconds": {  # the same lateness on the real clock
            "p50": round(late[len(late) // 2] * 60 / factor, 1) if late else None,
            "max": round(late[-1] * 60 / factor, 1) if late else None,
        },
        "delivered_after_the_event_began": after_start,
        "drained_in_seconds": drained,
        "notices_sent": notices,
        "delivery_records": dict(records),
        "chats_left_subscribed": subscribed,
        "blocked_chats": len(blocked),
        "faults_injected": faults,
        "flood_429s": stats.get("flood_429s"),
        "send_requests": stats.get("send_message_requests"),
        "loop_lag_ms": {
            "p50": round(statistics.median(lags) * 1000, 1),
            "p99": round(lags[int(len(lags) * 0.99)] * 1000, 1),
            "max": round(lags[-1] * 1000, 1),
        },
        "rss_mb": {
            "start": round(memory[0][2], 1),
            "after_warm_up": round(warm[0], 1) if warm else None,
            "max": round(max(m[2] for m in memory), 1),
            "end": round(memory[-1][2], 1),
        },
        "rss_samples": [[round(a, 1), round(b, 2), round(c, 1)] for a, b, c in memory],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--minutes", type=float, default=8.0)
    parser.add_argument("--chats", type=int, default=10_000)
    parser.add_argument("--events", type=int, default=500)
    parser.add_argument("--sources", type=int, default=200)
    parser.add_argument("--keep-hours", type=float, default=6.0, help="retention margin")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results")
    args = parser.parse_args(argv)
    report = asyncio.run(soak(args))
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "soak-report.json").write_text(json.dumps(report, indent=2) + "\n")
    plot(report["rss_samples"], args.out / "soak-memory.png")
    summary = {k: v for k, v in report.items() if k != "rss_samples"}
    print(json.dumps(summary, indent=2))
    ok = report["reminders_lost"] == 0 and report["reminders_duplicated"] == 0
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
