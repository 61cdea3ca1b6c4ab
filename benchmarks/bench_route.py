"""The calendar route at the floor: /calendar.ics vs a bare Starlette endpoint, same bytes.

    .venv/bin/python benchmarks/bench_route.py [--events 50] [--seconds 5] [--rounds 3]

One server process (``--serve``, started by this script) runs the app's web stack as
``run.py`` does (``build_web_app``, ``WebServer`` on uvicorn with httptools, uvloop) with
the real calendar routes and one more route, ``/bare.ics``: a plain Starlette endpoint
returning the same cached bytes with the same headers (and a 304 when If-None-Match
matches). wrk (Debian's ``wrk``, one thread, 32 connections) loads each in turn, 200s
and 304s, for ``--rounds`` alternating rounds; the table shows the medians and the ratio
route/bare (goal: >= 0.95). Then the app's own time per request without server or
network (ASGI calls in process), which wrk's figures include beside uvicorn's.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import statistics
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.bench_feed import wrk  # noqa: E402
from benchmarks.synthetic import TAGS, make_events  # noqa: E402


def build(count: int) -> tuple[Any, str]:
    """The app's web stack with the calendar routes and ``/bare.ics``; and the feed's ETag."""
    from email.utils import format_datetime

    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import Route

    from bot.web.server import build_web_app
    from calendars.ical.feeds import CalendarFeeds
    from calendars.ical.render import CalendarMeta, IcalRenderer
    from calendars.ical.routes import calendar_routes

    events = make_events(count, first=datetime(2026, 1, 1, 9, 0), every=timedelta(hours=7))
    feeds = CalendarFeeds(
        IcalRenderer(CalendarMeta(public_url="https://summitwatch.example.org")),
        events=lambda: events,
        version=lambda: 0,
        topics=lambda: TAGS,
    )
    feed = feeds.everything()
    headers = {
        "etag": feed.etag,
        "last-modified": format_datetime(feed.last_modified, usegmt=True),
        "cache-control": "public, max-age=300",
        "access-control-allow-origin": "*",
        "content-disposition": f'inline; filename="{feed.filename}"',
    }
    kept = {k: v for k, v in headers.items() if k != "content-disposition"}

    async def bare(request: Request) -> Response:
        if request.headers.get("if-none-match") == feed.etag:
            return Response(status_code=304, headers=kept)
        return Response(feed.body, headers=headers, media_type="text/calendar; charset=utf-8")

    routes = [*calendar_routes(feeds), Route("/bare.ics", bare, methods=["GET", "HEAD"])]
    return build_web_app(routes, health=lambda: {"ok": True}, metrics=lambda: ""), feed.etag


def serve(port: int, count: int) -> None:
    from bot.web.server import WebServer, bind_socket
    from run import run_event_loop

    app, _etag = build(count)

    async def main() -> None:
        server = WebServer(app, bind_socket("127.0.0.1", port))
        await server.start()
        print("ready", flush=True)
        await asyncio.Event().wait()

    run_event_loop(main())


def in_process(count: int, runs: int = 10, calls: int = 3000) -> None:
    """The app's own time per request, without server or network: ASGI calls in a loop."""
    app, etag = build(count)

    async def call(path: str, asked: str | None) -> None:
        headers = [(b"host", b"bench"), (b"user-agent", b"wrk")]
        if asked:
            headers.append((b"if-none-match", asked.encode()))
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "GET",
            "scheme": "http",
            "path": path,
            "raw_path": path.encode(),
            "query_string": b"",
            "root_path": "",
            "headers": headers,
            "client": ("127.0.0.1", 1),
            "server": ("127.0.0.1", 2),
        }

        async def receive() -> dict[str, Any]:
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message: dict[str, Any]) -> None:
            pass

        await app(scope, receive, send)

    async def measure() -> dict[tuple[str, str], float]:
        best: dict[tuple[str, str], float] = {}
        for _ in range(runs):
            for label, asked in (("200", None), ("304", etag)):
                for path in ("/calendar.ics", "/bare.ics"):
                    started = time.perf_counter()
                    for _ in range(calls):
                        await call(path, asked)
                    took = (time.perf_counter() - started) / calls
                    best[(path, label)] = min(best.get((path, label), took), took)
        return best

    best = asyncio.run(measure())
    print(f"the app's own time per request, in process (min of {runs} x {calls} calls)")
    print(f"  {'':6} {'route µs':>12} {'bare µs':>12} {'bare/route':>11}")
    for label in ("200", "304"):
        route, bare = best[("/calendar.ics", label)], best[("/bare.ics", label)]
        print(f"  {label:6} {route * 1e6:12.1f} {bare * 1e6:12.1f} {bare / route:11.2f}")


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def measure(count: int, seconds: float, rounds: int) -> dict[tuple[str, str], float]:
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, __file__, "--serve", str(port), "--events", str(count)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        assert server.stdout.readline().strip() == "ready"
        base = f"http://127.0.0.1:{port}"
        first, bare = httpx.get(f"{base}/calendar.ics"), httpx.get(f"{base}/bare.ics")
        assert first.content == bare.content
        assert first.headers["etag"] == bare.headers["etag"]
        etag = first.headers["etag"]
        rates: dict[tuple[str, str], list[float]] = {}
        for _ in range(rounds):
            for path in ("/calendar.ics", "/bare.ics"):
                for label, headers in (("200", {}), ("304", {"If-None-Match": etag})):
                    rate = wrk(base + path, headers, seconds, concurrency=32)
                    rates.setdefault((path, label), []).append(rate)
        size = len(first.content) / 1e3
        print(
            f"/calendar.ics vs a bare Starlette endpoint ({count} events, {size:.0f} KB), "
            f"wrk -t1 -c32, median of {rounds} x {seconds:.0f} s"
        )
        return {key: statistics.median(values) for key, values in rates.items()}
    finally:
        server.terminate()
        server.wait(timeout=30)


def report(medians: dict[tuple[str, str], float]) -> None:
    print(f"  {'':6} {'route req/s':>12} {'bare req/s':>12} {'route/bare':>11}")
    for label in ("200", "304"):
        route, bare = medians[("/calendar.ics", label)], medians[("/bare.ics", label)]
        print(f"  {label:6} {route:12.0f} {bare:12.0f} {route / bare:11.2f}   goal >= 0.95")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--events", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.events)
        return
    if not shutil.which("wrk"):
        sys.exit("bench_route needs wrk: apt-get install -y wrk")
    report(measure(args.events, args.seconds, args.rounds))
    in_process(args.events)


if __name__ == "__main__":
    main()
