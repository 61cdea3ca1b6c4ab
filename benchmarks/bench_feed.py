"""Feed performance: rendering 10,000 events, and serving /calendar.ics over real HTTP.

    .venv/bin/python benchmarks/bench_feed.py [--events 10000] [--http-events 1000] [--seconds 5]

Render: a cold render (every VEVENT built by icalendar), a re-render after one event
changed (the per-event cache at work: the target is <= 0.5 s), and a cached hit.
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--http-events", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args()
    bench_render(args.events)
    bench_http(args.http_events, args.seconds)


if __name__ == "__main__":
    main()
