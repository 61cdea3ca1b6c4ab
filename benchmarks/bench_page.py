"""Public page rendering: the index with 1,000 events (target: under 200 ms).

    .venv/bin/python benchmarks/bench_page.py [--events 1000] [--runs 20]

Times ``PageSite.render_index`` with its cache cleared before each run (a cold render,
as after any edit), and a cached hit.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.synthetic import TAGS, make_events  # noqa: E402
from bot.web.pages import PageSite  # noqa: E402
from calendars.ical.render import CalendarMeta  # noqa: E402

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    events = make_events(args.events, first=datetime(2026, 6, 1, 9, 0), every=timedelta(hours=11))
    version = [0]
    site = PageSite(
        meta=CalendarMeta(public_url="https://summitwatch.example.org"),
        events=lambda: events,
        version=lambda: version[0],
        topics=lambda: list(TAGS),
        clock=lambda: NOW,
    )
    timings, size = [], 0
    for _ in range(args.runs):
        version[0] += 1  # a change: the cached page is stale
        started = time.perf_counter()
        size = len(site.render_index(None))
        timings.append(time.perf_counter() - started)
    started = time.perf_counter()
    for _ in range(1000):
        site.render_index(None)
    hit = (time.perf_counter() - started) / 1000
    print(f"render / with {args.events} events ({size / 1e3:.0f} KB of HTML), {args.runs} runs")
    cold = statistics.median(timings) * 1e3
    spread = f"min {min(timings) * 1e3:.1f}, max {max(timings) * 1e3:.1f}"
    print(f"  cold render  median {cold:7.1f} ms  ({spread})   target < 200 ms")
    print(f"  cached hit          {hit * 1e6:7.1f} µs")


if __name__ == "__main__":
    main()
