"""Broadcast throughput against Telegram's limits, and the bot's own cost per message.

    .venv/bin/python benchmarks/bench_broadcast.py                 # 10,000 subscribers, ~7 min
    .venv/bin/python benchmarks/bench_broadcast.py --quick         # 1,000 subscribers
    .venv/bin/python benchmarks/bench_broadcast.py --mode off      # only the overhead run
    .venv/bin/python benchmarks/bench_broadcast.py --mode paid     # SUMMITWATCH_PAID_BROADCAST=on

What runs: the real app, ``SummitWatch(settings)``, started as ``run.py`` starts it (port 0,
no seed, a temporary database) with its python-telegram-bot Application pointed at the
tests' fake Bot API server, and ``await app.broadcaster.broadcast(...)`` timed from call to
return. The fake runs in its own process (``benchmarks/fake_bot_api_server.py``), so its
CPU neither shares the GIL with the bot nor counts in the bot's ``process_time``.

Subscribers (private chats ``10_000_000 + i``) are written with the store's own table in
one ``insert_multiple`` (a single journal entry, as ``bench_store.py`` pre-fills) in the
exact record ``SubscriberRepository.save`` writes, then the store is closed; ``save`` one
by one would be 10,000 fsyncs of set-up.

Mode "on" (limits on): the fake enforces 30 messages/s overall, 1/s per chat and 20/min per
group and answers 429 with ``retry_after`` beyond them; the bot runs exactly as shipped
(``rate_limiter()`` at 29/s evenly spaced, ``ChatPacer`` at 1.05 s per chat). Reported:
messages sent, wall time, msg/s and its fraction of the 30/s cap (target >= 0.95), the
429s the fake answered (target 0), failures; plus the rate the server saw between its first
and last admitted send, its busiest one-second window, the event loop's lag, and the time
the loop spent blocked in delivery-log writes (each one an fsynced journal append).

Mode "paid": as "on", with ``SUMMITWATCH_PAID_BROADCAST=on``: every send carries
``allow_paid_broadcast`` and the fake admits those up to 1,000/s overall (per chat and per
group as before). Reported: msg/s and its fraction of 1,000/s, sends that carried the flag,
429s and when they came (as bursts: one after each pause is a cascade), the busiest
one-second window the server saw, the bot's CPU per message, loop lag.

Mode "off" (limits off): the bot's own overhead per message. The fake enforces nothing, and
the bot's pacing is switched off for this run only, with ``unittest.mock.patch.object``
while the app is built (nothing is edited, both are restored afterwards):

* ``bot.telegram.application.rate_limiter`` returns ``AIORateLimiter(overall_max_rate=0,
  group_max_rate=0)`` (PTB: 0 disables that limiter). The rate limiter stays installed,
  so its per-request bookkeeping is still measured, only its waiting is gone.
* ``bot.telegram.notifier.ChatPacer`` is a subclass with ``interval=0``; ``TelegramNotifier``
  builds its default pacer from that module-level name, so the per-chat lock is still
  taken, but never waited on.

``time.process_time()`` of this process around the broadcast is the bot's own CPU (user +
system, all threads) per message: the app's code, PTB's request building, the aiohttp
transport, and the delivery records (written in groups, fsynced from a worker thread).
The msg/s of this mode is bounded by the fake server (one Python process).

``--transport httpx:<pool size>`` runs the same with PTB's own ``HTTPXRequest``
(HTTP/1.1, that ``connection_pool_size``) in place of the aiohttp transport, to compare:

    .venv/bin/python benchmarks/bench_broadcast.py --mode off --subscribers 5000 --transport httpx:8
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import os
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import AsyncIterator, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast
from unittest.mock import patch

os.environ["PTB_TIMEDELTA"] = "true"  # before telegram is imported: RetryAfter as timedelta

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from telegram.ext import AIORateLimiter  # noqa: E402
from telegram.request import HTTPXRequest  # noqa: E402
from tinydb.table import Document  # noqa: E402

import bot.telegram.application as tg_application  # noqa: E402
import bot.telegram.notifier as tg_delivery  # noqa: E402
from bot.app import SummitWatch  # noqa: E402
from bot.delivery.notifier import Outcome  # noqa: E402
from bot.store import Store  # noqa: E402
from bot.store.logs import DeliveryLog  # noqa: E402
from calendars.subscribers import Subscriber  # noqa: E402
from config.settings import Settings  # noqa: E402

LAUNCHER = Path(__file__).resolve().with_name("fake_bot_api_server.py")
CAP = 30.0  # Telegram's ~30 messages/s overall
PAID_CAP = 1000.0  # with allow_paid_broadcast
FIRST_CHAT = 10_000_000
AT = datetime(2030, 1, 1, tzinfo=UTC)
TEXT = (
    "<b>SummitWatch</b>: the SCO Heads of State Council moves to <i>15 July</i>, "
    "Astana &amp; online. Reminders follow the new date."
)


# ---- the fake server, in its own process ---------------------------------------------------


class FakeServer:
    """Client side of ``fake_bot_api_server.py``: line commands over its stdin and stdout."""

    def __init__(self, process: asyncio.subprocess.Process, base_url: str, token: str) -> None:
        self.process = process
        self.base_url = base_url
        self.token = token
        self._lock = asyncio.Lock()

    @classmethod
    async def launch(cls, *, limits: bool) -> FakeServer:
        argv = [sys.executable, str(LAUNCHER), *(["--limits"] if limits else [])]
        process = await asyncio.create_subprocess_exec(
            *argv,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            limit=1 << 24,  # one line of JSON lists every admitted send (~40 B each)
        )
        assert process.stdout is not None
        line = await asyncio.wait_for(process.stdout.readline(), 30)
        if not line:
            raise RuntimeError("the fake Bot API server did not start; see its output above")
        hello = json.loads(line)
        return cls(process, str(hello["base_url"]), str(hello["token"]))

    async def stats(self) -> dict[str, Any]:
        assert self.process.stdin is not None
        assert self.process.stdout is not None
        async with self._lock:
            self.process.stdin.write(b"stats\n")
            await self.process.stdin.drain()
            reply: dict[str, Any] = json.loads(await self.process.stdout.readline())
            return reply

    async def ask(self, chat_id: int, text: str) -> float | None:
        """A user in ``chat_id`` sends ``text``; seconds until the bot's reply reached the
        server (the server's clock), None if it never came."""
        assert self.process.stdin is not None
        assert self.process.stdout is not None
        async with self._lock:
            self.process.stdin.write(f"ask {chat_id} {text}\n".encode())
            await self.process.stdin.drain()
            reply = json.loads(await self.process.stdout.readline())
        seconds = reply["seconds"]
        return None if seconds is None else float(seconds)

    async def admitted(self) -> list[tuple[float, str]]:
        """Every send the server admitted: (its monotonic time, chat id), in order."""
        assert self.process.stdin is not None
        assert self.process.stdout is not None
        async with self._lock:
            self.process.stdin.write(b"admitted\n")
            await self.process.stdin.drain()
            rows = json.loads(await self.process.stdout.readline())
        return [(float(at), str(chat)) for at, chat in rows]

    async def close(self) -> None:
        if self.process.returncode is None and self.process.stdin is not None:
            with contextlib.suppress(ConnectionError):
                self.process.stdin.write(b"quit\n")
                await self.process.stdin.drain()
                self.process.stdin.close()
        try:
            await asyncio.wait_for(self.process.wait(), 15)
        except TimeoutError:
            self.process.kill()
            await self.process.wait()


@contextlib.asynccontextmanager
async def fake_server(*, limits: bool) -> AsyncIterator[FakeServer]:
    server = await FakeServer.launch(limits=limits)
    try:
        yield server
    finally:
        await server.close()


# ---- set-up --------------------------------------------------------------------------------


def prefill(path: Path, count: int) -> None:
    """``count`` private-chat subscribers, in the records ``SubscriberRepository`` writes."""
    with Store(path) as store:
        table = store._db.table("subscribers")
        subscribers = (
            Subscriber(
                id=str(FIRST_CHAT + n),
                kind="private",
                title=f"Reader {n}",
                subscribed_at=AT,
                reminders_since=AT,
            )
            for n in range(count)
        )
        table.insert_multiple(
            Document({"data": s.to_record()}, doc_id=cast(Any, s.id)) for s in subscribers
        )
    with Store(path) as store:  # read back through the repository, as the app will
        if len(store.subscribers) != count:
            raise RuntimeError(f"pre-fill wrote {len(store.subscribers)} subscribers")


def settings_for(fake: FakeServer, db_path: Path, *, paid: bool = False) -> Settings:
    return Settings(
        paid_broadcast=paid,
        telegram_token=fake.token,
        telegram_api_base_url=fake.base_url,
        db_path=db_path,
        host="127.0.0.1",
        port=0,
        seed_path=None,
        log_level="WARNING",
    )


def unlimited_rate_limiter(*, paid_broadcast: bool = False) -> AIORateLimiter:
    """PTB's rate limiter with both limits disabled (0), for the overhead run."""
    return AIORateLimiter(overall_max_rate=0, group_max_rate=0)


class UnpacedChatPacer(tg_delivery.ChatPacer):
    """``ChatPacer`` with no per-chat interval: the lock is taken, the wait is zero."""

    def __init__(self, interval: float = 0.0, **kwargs: Any) -> None:
        super().__init__(0.0, **kwargs)


@contextlib.contextmanager
def bot_limits_off() -> Iterator[None]:
    with (
        patch.object(tg_application, "rate_limiter", unlimited_rate_limiter),
        patch.object(tg_delivery, "ChatPacer", UnpacedChatPacer),
    ):
        yield


@contextlib.contextmanager
def transport(name: str) -> Iterator[None]:
    """``aiohttp`` (as shipped) or ``httpx:<pool size>``: PTB's ``HTTPXRequest`` instead."""
    if name == "aiohttp":
        yield
        return
    kind, _, pool = name.partition(":")
    if kind != "httpx" or not pool.isdigit():
        raise SystemExit(f"--transport: aiohttp or httpx:<pool size>, not {name!r}")
    with patch.object(
        tg_application,
        "AiohttpRequest",
        lambda: HTTPXRequest(connection_pool_size=int(pool), http_version="1.1"),
    ):
        yield


# ---- measuring -----------------------------------------------------------------------------


@dataclass
class WriteMeter:
    """Counts delivery records and the time the event loop spent writing them.

    Outcomes are written in groups (``DeliveryLog.record_many``, one fsynced journal line
    per group); ``seconds`` has one entry per journal write, ``records`` its size.
    """

    outcomes: Counter[str] = field(default_factory=Counter)
    seconds: list[float] = field(default_factory=list)
    records: list[int] = field(default_factory=list)

    @contextlib.contextmanager
    def installed(self) -> Iterator[None]:
        original, original_many = DeliveryLog.record, DeliveryLog.record_many
        meter = self

        def record(
            self: DeliveryLog, key: str, status: str, *, at: datetime, detail: str = ""
        ) -> None:
            started = time.perf_counter()
            original(self, key, status, at=at, detail=detail)
            meter.seconds.append(time.perf_counter() - started)
            meter.records.append(1)
            meter.outcomes[status] += 1

        def record_many(self: DeliveryLog, outcomes: Mapping[str, tuple[str, datetime]]) -> None:
            started = time.perf_counter()
            original_many(self, outcomes)
            meter.seconds.append(time.perf_counter() - started)
            meter.records.append(len(outcomes))
            meter.outcomes.update(status for status, _ in outcomes.values())

        with (
            patch.object(DeliveryLog, "record", record),
            patch.object(DeliveryLog, "record_many", record_many),
        ):
            yield

    @property
    def done(self) -> int:
        return sum(self.outcomes.values())


@dataclass
class LagMeter:
    """How late a 10 ms sleep wakes up: the event loop's responsiveness during the run."""

    interval: float = 0.01
    lags: list[float] = field(default_factory=list)

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            started = loop.time()
            await asyncio.sleep(self.interval)
            self.lags.append(loop.time() - started - self.interval)


def percentile(values: list[float], fraction: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


@dataclass
class Result:
    mode: str
    subscribers: int
    outcomes: Counter[Outcome]
    wall: float
    cpu: float
    user: float
    system: float
    writes: WriteMeter
    lags: list[float]
    server: dict[str, Any]
    server_cpu: float

    @property
    def sent(self) -> int:
        return self.outcomes[Outcome.SENT]

    @property
    def rate(self) -> float:
        return self.sent / self.wall if self.wall else 0.0


async def progress(
    label: str,
    total: int,
    meter: WriteMeter,
    fake: FakeServer,
    every: float,
) -> None:
    started = time.perf_counter()
    last_done, last_at = 0, started
    while True:
        await asyncio.sleep(every)
        now = time.perf_counter()
        done = meter.done
        stats = await fake.stats()
        recent = (done - last_done) / (now - last_at)
        print(
            f"  [{label}] {now - started:6.1f} s  {done:6d}/{total} delivered  "
            f"{done / (now - started):5.1f} msg/s overall, {recent:5.1f} last {now - last_at:.0f} s"
            f"  429s so far: {stats['flood_429s']}",
            flush=True,
        )
        last_done, last_at = done, now


async def run_mode(
    *,
    limits: bool,
    subscribers: int,
    workdir: Path,
    every: float,
    label: str,
    paid: bool = False,
) -> Result:
    db_path = workdir / f"{label}.json"
    prefill(db_path, subscribers)
    async with fake_server(limits=limits) as fake:
        server_cpu_before = float((await fake.stats())["cpu_seconds"])
        meter, lag = WriteMeter(), LagMeter()
        pacing = contextlib.nullcontext() if limits else bot_limits_off()
        with pacing, meter.installed():
            async with SummitWatch(settings_for(fake, db_path, paid=paid)) as app:
                await app.wait_background()
                ticker = asyncio.create_task(progress(label, subscribers, meter, fake, every))
                lag_task = asyncio.create_task(lag.run()) if limits else None
                times_before = os.times()
                cpu_before, wall_before = time.process_time(), time.perf_counter()
                try:
                    outcomes = await app.broadcaster.broadcast(TEXT, actor="bench")
                finally:
                    wall = time.perf_counter() - wall_before
                    cpu = time.process_time() - cpu_before
                    times_after = os.times()
                    for task in (ticker, lag_task):
                        if task is not None:
                            task.cancel()
                            with contextlib.suppress(asyncio.CancelledError):
                                await task
        server = await fake.stats()
    return Result(
        mode=label,
        subscribers=subscribers,
        outcomes=outcomes,
        wall=wall,
        cpu=cpu,
        user=times_after.user - times_before.user,
        system=times_after.system - times_before.system,
        writes=meter,
        lags=lag.lags,
        server=server,
        server_cpu=float(server["cpu_seconds"]) - server_cpu_before,
    )


# ---- reporting -----------------------------------------------------------------------------


def describe_outcomes(result: Result) -> str:
    failures = sum(n for outcome, n in result.outcomes.items() if outcome is not Outcome.SENT)
    detail = ", ".join(f"{o.value} {n}" for o, n in sorted(result.outcomes.items()))
    return f"{failures} ({detail})"


def describe_writes(meter: WriteMeter) -> str:
    seconds = meter.seconds
    if not seconds:
        return "none"
    return (
        f"{len(seconds)} journal writes for {sum(meter.records)} records "
        f"(~{sum(meter.records) / len(seconds):.0f} per write), "
        f"{sum(seconds):.2f} s in total on the event loop; "
        f"median {statistics.median(seconds) * 1e3:.2f} ms, "
        f"p99 {percentile(seconds, 0.99) * 1e3:.2f} ms, max {max(seconds) * 1e3:.1f} ms"
    )


def describe_refusals(refused_at: list[float], gap: float = 0.5) -> str:
    """The fake's 429s as bursts (429s less than ``gap`` apart), in seconds from the first
    admitted send: one burst after each pause is a cascade, scattered ones are jitter."""
    if not refused_at:
        return "none"
    bursts: list[list[float]] = [[refused_at[0]]]
    for at in refused_at[1:]:
        if at - bursts[-1][-1] < gap:
            bursts[-1].append(at)
        else:
            bursts.append([at])
    shown = ", ".join(f"{len(b)} at {b[0]:.2f}-{b[-1]:.2f} s" for b in bursts[:8])
    more = f", … {len(bursts) - 8} more" if len(bursts) > 8 else ""
    return f"{len(bursts)} bursts: {shown}{more}"


def report_limits_on(result: Result) -> None:
    server = result.server
    admitted = int(server["admitted"])
    first, last = server["first_admitted"], server["last_admitted"]
    span = (last - first) if first is not None and last is not None else 0.0
    server_rate = (admitted - 1) / span if span > 0 else 0.0
    print(f"\nLimits ON: {result.subscribers} subscribers, fake enforcing 30/s, 1/s/chat, 20/min")
    print(f"  messages sent            {result.sent}")
    print(f"  failures                 {describe_outcomes(result)}")
    print(f"  wall time                {result.wall:.1f} s")
    print(f"  achieved                 {result.rate:.2f} msg/s")
    print(f"  fraction of 30/s cap     {result.rate / CAP:.3f}   (target >= 0.95)")
    print(f"  429s answered by fake    {server['flood_429s']}   (target 0)")
    print(
        f"  server saw               {admitted} sends admitted, "
        f"{server['send_message_requests']} sendMessage requests; "
        f"{server_rate:.2f} msg/s first to last admitted ({server_rate / CAP:.3f} of cap); "
        f"busiest 1 s window {server['busiest_second']}"
    )
    lags = result.lags
    if lags:
        print(
            f"  event loop lag           median {statistics.median(lags) * 1e3:.2f} ms, "
            f"p99 {percentile(lags, 0.99) * 1e3:.2f} ms, max {max(lags) * 1e3:.1f} ms "
            f"({len(lags)} samples of a 10 ms sleep)"
        )
    print(f"  delivery-log writes      {describe_writes(result.writes)}")
    print(
        f"  bot CPU                  {result.cpu:.2f} s ({result.cpu / result.wall:.1%} of a core,"
        " including the lag probe's ~1.6%)"
    )


def report_paid(result: Result) -> None:
    server = result.server
    admitted = int(server["admitted"])
    first, last = server["first_admitted"], server["last_admitted"]
    span = (last - first) if first is not None and last is not None else 0.0
    server_rate = (admitted - 1) / span if span > 0 else 0.0
    per_message = result.cpu / result.sent if result.sent else 0.0
    print(
        f"\nPaid broadcast: {result.subscribers} subscribers, SUMMITWATCH_PAID_BROADCAST=on, "
        "fake enforcing 1,000/s for allow_paid_broadcast (30/s without), 1/s/chat"
    )
    print(f"  messages sent            {result.sent}")
    print(f"  failures                 {describe_outcomes(result)}")
    print(f"  sends with the flag      {server['paid_sends']} of {admitted} admitted")
    print(f"  wall time                {result.wall:.1f} s")
    print(
        f"  achieved                 {result.rate:.0f} msg/s ({result.rate / PAID_CAP:.3f} of cap)"
    )
    print(f"  429s answered by fake    {server['flood_429s']}   (target 0)")
    print(f"  when (from first send)   {describe_refusals(server['refused_at'])}")
    if server["refused_at"]:
        print(
            f"  before the first 429     {server['admitted_before_first_429']} sends admitted "
            f"in {server['refused_at'][0]:.2f} s"
        )
    print(
        f"  server saw               {server_rate:.0f} msg/s first to last admitted; "
        f"busiest 1 s window {server['busiest_second']} (cap {PAID_CAP:.0f})"
    )
    print(
        f"  bot CPU per message      {per_message * 1e6:.0f} µs "
        f"({result.cpu:.2f} s CPU over {result.wall:.2f} s wall, {result.cpu / result.wall:.0%}"
        " of a core, the lag probe included)"
    )
    lags = result.lags
    if lags:
        print(
            f"  event loop lag           median {statistics.median(lags) * 1e3:.2f} ms, "
            f"p99 {percentile(lags, 0.99) * 1e3:.2f} ms, max {max(lags) * 1e3:.1f} ms"
        )
    print(f"  delivery-log writes      {describe_writes(result.writes)}")
    print(
        f"  fake server CPU          {result.server_cpu / max(result.sent, 1) * 1e6:.0f} µs per "
        f"message ({result.server_cpu:.2f} s over {result.wall:.1f} s: "
        f"{result.server_cpu / result.wall:.0%} of a core)"
    )


def report_limits_off(result: Result) -> None:
    per_message = result.cpu / result.sent if result.sent else 0.0
    write_share = sum(result.writes.seconds)
    print(f"\nLimits OFF: {result.subscribers} subscribers, no flood limits, no bot pacing")
    print(f"  messages sent            {result.sent}")
    print(f"  failures                 {describe_outcomes(result)}")
    print(f"  wall time                {result.wall:.2f} s")
    print(f"  achieved                 {result.rate:.0f} msg/s")
    print(
        f"  bot CPU per message      {per_message * 1e6:.0f} µs "
        f"(user {result.user / max(result.sent, 1) * 1e6:.0f} µs + "
        f"system {result.system / max(result.sent, 1) * 1e6:.0f} µs; "
        f"{result.cpu:.2f} s CPU over {result.wall:.2f} s wall)"
    )
    print(f"  delivery-log writes      {describe_writes(result.writes)}")
    print(
        f"  of the wall time         {write_share / result.wall:.0%} blocked in those writes"
        if result.wall
        else ""
    )
    fake_per_message = result.server_cpu / result.sent if result.sent else 0.0
    print(
        f"  fake server CPU          {fake_per_message * 1e6:.0f} µs per message "
        f"(own process; {result.server_cpu:.2f} s)"
    )
    print(f"  429s answered by fake    {result.server['flood_429s']}")


# ---- main ----------------------------------------------------------------------------------


async def main_async(args: argparse.Namespace) -> None:
    count = 1000 if args.quick and args.subscribers is None else (args.subscribers or 10_000)
    print(
        f"bench_broadcast: {count} subscribers, mode {args.mode}, python {sys.version.split()[0]}"
        f", {os.cpu_count()} CPUs, transport {args.transport}",
        flush=True,
    )
    base = Path(args.workdir) if args.workdir else None
    with tempfile.TemporaryDirectory(prefix="bench-broadcast-", dir=base) as name:
        workdir = Path(name)
        if args.mode in ("both", "on"):
            minutes = count / 29 / 60
            print(f"limits ON: about {minutes:.1f} min at 29 msg/s ...", flush=True)
            result = await run_mode(
                limits=True, subscribers=count, workdir=workdir, every=args.every, label="on"
            )
            report_limits_on(result)
        if args.mode in ("both", "paid"):
            print("\npaid broadcast ...", flush=True)
            result = await run_mode(
                limits=True,
                subscribers=count,
                workdir=workdir,
                every=args.every,
                label="paid",
                paid=True,
            )
            report_paid(result)
        if args.mode in ("both", "off"):
            print("\nlimits OFF ...", flush=True)
            result = await run_mode(
                limits=False, subscribers=count, workdir=workdir, every=args.every, label="off"
            )
            report_limits_off(result)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--subscribers", type=int, help="how many subscribers (default 10000)")
    parser.add_argument("--quick", action="store_true", help="1000 subscribers")
    parser.add_argument(
        "--mode",
        choices=("both", "on", "off", "paid"),
        default="both",
        help="limits on, paid broadcast, off, or all three (both)",
    )
    parser.add_argument("--every", type=float, default=10.0, help="progress every N seconds")
    parser.add_argument("--workdir", help="where the temporary database goes (default: $TMPDIR)")
    parser.add_argument("--log-level", default="WARNING", help="the app's log level")
    parser.add_argument(
        "--transport", default="aiohttp", help="aiohttp (default) or httpx:<pool size>"
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=args.log_level, format="%(levelname)s %(name)s %(message)s")
    with transport(args.transport):
        asyncio.run(main_async(args))


if __name__ == "__main__":
    main()
