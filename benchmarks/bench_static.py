"""nginx serving the exported feed files vs the app's own route: the same feed, one run.

    .venv/bin/python benchmarks/bench_static.py [--events 50 10000] [--seconds 5]

For each size: a database of synthetic events, ``export-feeds`` into a folder, ``run.py``
in its own process and Debian's nginx with ``deploy/nginx.conf`` (only its ADAPT lines
changed: port, folders, the app's address), both on loopback. After checking that both
send the same bytes and ETag for ``/calendar.ics``, wrk (one thread, 32 connections)
loads each with plain GETs (200) and with the ETag in If-None-Match (304). Needs
``apt-get install -y nginx-light wrk``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.bench_feed import wrk  # noqa: E402
from benchmarks.synthetic import make_events  # noqa: E402
from bot.store import Store  # noqa: E402
from bot.web.publishing import export_feeds  # noqa: E402
from config.settings import load_settings  # noqa: E402

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
PUBLIC_URL = "https://cal.example.org"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def wait_listening(port: int, within: float = 120.0) -> None:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"nothing listens on {port}")


@contextmanager
def app_process(env: dict[str, str], port: int) -> Iterator[str]:
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "run.py")], env=env, stdout=subprocess.DEVNULL
    )
    try:
        wait_listening(port)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=60)


@contextmanager
def nginx_process(folder: Path, static: Path, app_port: int) -> Iterator[str]:
    port = free_port()
    text = (ROOT / "deploy" / "nginx.conf").read_text()
    for shipped, here in (
        ("pid /run/nginx.pid;", f"pid {folder}/nginx.pid;"),
        ("error_log /var/log/nginx/error.log warn;", f"error_log {folder}/error.log warn;"),
        ("/var/lib/nginx/", f"{folder}/"),
        ("server 127.0.0.1:8080;", f"server 127.0.0.1:{app_port};"),
        ("listen 80;", f"listen 127.0.0.1:{port};"),
        ("root /var/www/summitwatch;", f"root {static};"),
    ):
        text = text.replace(shipped, here)
    conf = folder / "nginx.conf"
    conf.write_text(text)
    command = [NGINX, "-p", f"{folder}/", "-e", f"{folder}/error.log", "-c", str(conf)]
    process = subprocess.Popen([*command, "-g", "daemon off;"])
    try:
        wait_listening(port)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.send_signal(signal.SIGQUIT)
        process.wait(timeout=30)


def bench(count: int, seconds: float) -> list[tuple[str, str, float]]:
    folder = Path(tempfile.mkdtemp(prefix="summitwatch-bench-static-"))
    folder.chmod(0o755)  # nginx's workers (www-data, when run as root) read the files
    try:
        database, static, port = folder / "db.json", folder / "www", free_port()
        with Store(database) as store, store._db.storage.transaction():  # type: ignore[attr-defined]
            # From 2027: none is over, so the app concludes none at start (bytes unchanged).
            for event in make_events(
                count, first=datetime(2027, 1, 1, 9), every=timedelta(hours=7)
            ):
                store.events.save(event)
        env = {
            k: v for k, v in os.environ.items() if not k.startswith(("SUMMITWATCH_", "TELEGRAM_"))
        }
        env.update(
            SUMMITWATCH_DB=str(database),
            SUMMITWATCH_PORT=str(port),
            SUMMITWATCH_PUBLIC_URL=PUBLIC_URL,
            SUMMITWATCH_SEED="off",
            SUMMITWATCH_FEEDS="off",
            SUMMITWATCH_LOG_LEVEL="WARNING",
            PYTHONPATH=str(ROOT),
        )
        started = time.perf_counter()
        report = export_feeds(load_settings(env), static)
        print(f"{count} events: export-feeds {report} in {time.perf_counter() - started:.1f} s")
        rows = []
        with app_process(env, port) as app, nginx_process(folder, static, port) as edge:
            ours = httpx.get(f"{app}/calendar.ics", timeout=120)
            theirs = httpx.get(f"{edge}/calendar.ics", headers={"Accept-Encoding": "identity"})
            assert theirs.content == ours.content, "nginx and the app differ"
            assert theirs.headers["etag"] == ours.headers["etag"]
            etag, size = ours.headers["etag"], len(ours.content)
            for name, base in (("nginx (files)", edge), ("app route", app)):
                for label, headers in (("200", {}), ("304", {"If-None-Match": etag})):
                    rate = wrk(f"{base}/calendar.ics", headers, seconds, concurrency=32)
                    rows.append((f"{count} ({size / 1e6:.2f} MB)", f"{name} {label}", rate))
        return rows
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--events", type=int, nargs="+", default=[50, 10_000])
    parser.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args()
    for tool in ("wrk", NGINX):
        if not shutil.which(tool):
            sys.exit(f"bench_static needs {tool}: apt-get install -y nginx-light wrk")
    rows = [row for count in args.events for row in bench(count, args.seconds)]
    print(f"\n/calendar.ics, wrk -t1 -c32, {args.seconds:.0f} s each")
    print(f"  {'events (feed size)':<22} {'server':<20} {'requests/s':>11}")
    for events, server, rate in rows:
        print(f"  {events:<22} {server:<20} {rate:11.0f}")


if __name__ == "__main__":
    main()
