"""Feed performance: rendering 10,000 events, a cold start, and serving /calendar.ics.

    .venv/bin/python benchmarks/bench_feed.py [--events 10000] [--http-events 1000] [--seconds 5]

Render: a cold render (every VEVENT built by icalendar), one from VEVENTs kept from
before (what a restart does), a re-render after one event changed (the per-event cache at
work: the target is <= 0.5 s), and a cached hit.
Cold start: ``run.py`` started twice on a database of ``--events`` events (the first
start renders every VEVENT and keeps them in ``<db>.feeds``; the second reuses them):
seconds from launch until the app has started (its banner), and until the full feed has
been received (asked for right then; goal: within 1 s of the start).
HTTP: ``run.py`` in its own process on loopback, loaded with 32 connections for 200
responses and for 304s (If-None-Match): by wrk (Debian's ``wrk``) when installed, else by
an httpx client in this process (which then shares the two cores with the server and
measures mostly itself).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.synthetic import make_events  # noqa: E402
from bot.store import Store  # noqa: E402
from calendars.ical.feeds import CalendarFeeds  # noqa: E402
from calendars.ical.render import CalendarMeta, IcalRenderer  # noqa: E402


def bench_render(count: int) -> None:
    events = make_events(count, first=datetime(2026, 1, 1, 9, 0), every=timedelta(hours=7))
    version = [0]
    feeds = CalendarFeeds(
        IcalRenderer(CalendarMeta(public_url="https://summitwatch.example.org")),
        events=lambda: events,
        version=lambda: version[0],
    )
    started = time.perf_counter()
    body = feeds.everything().body
    cold = time.perf_counter() - started
    restarted = IcalRenderer(feeds.renderer.meta)
    restarted.keep(feeds.renderer.kept())
    again = CalendarFeeds(restarted, events=lambda: events, version=lambda: version[0])
    started = time.perf_counter()
    assert again.everything().body == body
    kept = time.perf_counter() - started
    timings = []
    for n in range(5):
        events[n * 7] = events[n * 7].revised(now=datetime.now(UTC), location=f"Venue {n}")
        version[0] += 1
        started = time.perf_counter()
        feeds.everything()
        timings.append(time.perf_counter() - started)
    started = time.perf_counter()
    for _ in range(100):
        feeds.everything()
    hit = (time.perf_counter() - started) / 100
    print(f"render {count} events")
    print(f"  cold (every VEVENT built)      {cold:8.3f} s   ({len(body) / 1e6:.1f} MB)")
    print(f"  from kept VEVENTs (a restart)  {kept:8.3f} s")
    print(f"  after one edit (median of 5)   {statistics.median(timings):8.3f} s   target <= 0.5 s")
    print(f"  unchanged (cached bytes)       {hit * 1e6:8.1f} µs")


def wrk(url: str, headers: dict[str, str], seconds: float, concurrency: int) -> float:
    """Requests/s as Debian's wrk measures them (one thread: the server gets the other core)."""
    command = ["wrk", "-t1", f"-c{concurrency}", f"-d{seconds:.0f}s"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    match = re.search(r"Requests/sec:\s+([\d.]+)", output)
    return float(match.group(1)) if match else 0.0


async def load(
    url: str, headers: dict[str, str], seconds: float, concurrency: int
) -> tuple[int, int]:
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    deadline = time.perf_counter() + seconds
    done = errors = 0
    async with httpx.AsyncClient(limits=limits, timeout=10) as client:

        async def worker() -> None:
            nonlocal done, errors
            while time.perf_counter() < deadline:
                response = await client.get(url, headers=headers)
                if response.status_code in (200, 304):
                    done += 1
                else:
                    errors += 1

        await asyncio.gather(*(worker() for _ in range(concurrency)))
    return done, errors


def bench_http(count: int, seconds: float) -> None:
    with tempfile.TemporaryDirectory() as folder:
        database = Path(folder) / "db.json"
        with Store(database) as store:
            for event in make_events(
                count, first=datetime(2026, 1, 1, 9, 0), every=timedelta(hours=7)
            ):
                store.events.save(event)
        env = {**os.environ, "SUMMITWATCH_DB": str(database), "SUMMITWATCH_PORT": "0"}
        env.update(SUMMITWATCH_SEED="off", SUMMITWATCH_LOG_LEVEL="WARNING", PYTHONPATH=str(ROOT))
        env.pop("TELEGRAM_BOT_TOKEN", None)
        server = subprocess.Popen(
            [sys.executable, str(ROOT / "run.py")], env=env, stdout=subprocess.PIPE, text=True
        )
        try:
            assert server.stdout is not None
            url = next(line.split()[-1] for line in server.stdout if "Calendar feed:" in line)
            first = httpx.get(url, timeout=60)
            size = len(first.content) / 1e3
            tool = "wrk" if shutil.which("wrk") else "httpx"
            print(f"serve /calendar.ics ({count} events, {size:.0f} KB) from run.py, load: {tool}")
            for label, headers in (("200", {}), ("304", {"If-None-Match": first.headers["etag"]})):
                if tool == "wrk":
                    rate = wrk(url, headers, seconds, concurrency=32)
                else:
                    done, _errors = asyncio.run(load(url, headers, seconds, concurrency=32))
                    rate = done / seconds
                print(f"  {label}: {rate:8.0f} requests/s   (32 connections, {seconds:.0f} s)")
        finally:
            server.terminate()
            server.wait(timeout=30)


def bench_cold_start(count: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        database = Path(folder) / "db.json"
        with Store(database) as store, store._db.storage.transaction():  # type: ignore[attr-defined]
            # From 2027: none is over, so none is concluded (changed) at the first start.
            for event in make_events(
                count, first=datetime(2027, 1, 1, 9, 0), every=timedelta(hours=7)
            ):
                store.events.save(event)
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        env = {**os.environ, "SUMMITWATCH_DB": str(database), "SUMMITWATCH_PORT": str(port)}
        env.update(SUMMITWATCH_SEED="off", SUMMITWATCH_FEEDS="off", SUMMITWATCH_LOG_LEVEL="WARNING")
        env.update(SUMMITWATCH_PUBLIC_URL="https://cal.example.org", PYTHONPATH=str(ROOT))
        env.pop("TELEGRAM_BOT_TOKEN", None)
        print(f"cold start with {count} events (run.py; seconds from launch)")
        for label in ("first start (renders all)", "restart (kept VEVENTs)"):
            launched = time.perf_counter()
            server = subprocess.Popen(
                [sys.executable, str(ROOT / "run.py")], env=env, stdout=subprocess.PIPE, text=True
            )
            try:
                assert server.stdout is not None
                for line in server.stdout:  # the banner ends once the app has started
                    if line.startswith("Press Ctrl+C"):
                        break
                ready = time.perf_counter() - launched
                response = httpx.get(f"http://127.0.0.1:{port}/calendar.ics", timeout=120)
                served = time.perf_counter() - launched
                assert response.status_code == 200
                time.sleep(3)  # the same GET once the start-up work is over, to compare
                again = time.perf_counter()
                httpx.get(f"http://127.0.0.1:{port}/calendar.ics", timeout=120)
                steady = time.perf_counter() - again
            finally:
                server.terminate()
                server.communicate(timeout=60)
            print(
                f"  {label:<28} started {ready:6.2f} s   full feed {served:6.2f} s"
                f"   ({served - ready:.2f} s after start; goal <= 1 s;"
                f" the same GET later: {steady:.2f} s)"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--http-events", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--cold-events", type=int, default=10_000)
    args = parser.parse_args()
    bench_render(args.events)
    bench_cold_start(args.cold_events)
    bench_http(args.http_events, args.seconds)


if __name__ == "__main__":
    main()
