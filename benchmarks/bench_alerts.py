"""Change-alert latency: from an admin's edit to the last follower's message, at Telegram's limits.

    .venv/bin/python benchmarks/bench_alerts.py                   # 10,000 followers, ~6.5 min
    .venv/bin/python benchmarks/bench_alerts.py --followers 1000  # ~1 min

What runs: the real app (``SummitWatch``, as ``run.py`` starts it) with its Telegram side
pointed at the fake Bot API server in its own process (``fake_bot_api_server.py``), which
enforces Telegram's limits (30 messages/s overall, 1/s per chat, 20/min per group) and
answers 429 beyond them. ``--followers`` private chats follow every topic (pre-filled as
``bench_broadcast.py`` does). One upcoming event is added, then moved to a new place with
``EventService.edit``: the call ``/editevent`` makes. The edit waits out the alert window
(``ALERT_WINDOW``: several edits in it make one message), then one alert per follower goes
through the broadcaster.

Latency per chat is the server's admission time of its alert minus the moment of the
edit, on the one monotonic clock both processes share. Printed: the window, p50 / p90 /
max latency per chat, the total (edit to last admitted alert), the send phase alone and
its rate against the 30/s cap, and the 429s the server answered.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

os.environ["PTB_TIMEDELTA"] = "true"  # before telegram is imported: RetryAfter as timedelta

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.bench_broadcast import (
    CAP,
    FIRST_CHAT,
    fake_server,
    percentile,
    prefill,
    settings_for,
)
from bot.app import SummitWatch
from bot.services.alerts import ALERT_WINDOW
from calendars.events import Event


async def run(followers: int, workdir: Path) -> None:
    db_path = workdir / "alerts.json"
    prefill(db_path, followers)
    async with fake_server(limits=True) as fake, SummitWatch(settings_for(fake, db_path)) as app:
        await app.wait_background()
        start = datetime.now(UTC).replace(second=0, microsecond=0) + timedelta(days=20)
        event = Event(
            id="sco-astana",
            title="SCO Heads of State Council",
            start=start,
            end=start + timedelta(hours=6),
            timezone="Asia/Almaty",
            location="Astana",
            tags=("sco",),
        )
        await app.events.add(event, actor="bench")
        before = len(await fake.admitted())
        edited_at = time.monotonic()
        await app.events.edit("sco-astana", actor="bench", location="Astana, Palace of Peace")
        done = before
        give_up = edited_at + ALERT_WINDOW.total_seconds() + followers / 20 + 120
        while done < before + followers:
            if time.monotonic() > give_up:
                raise SystemExit(f"only {done - before:,} of {followers:,} alerts arrived")
            await asyncio.sleep(1.0)
            done = int((await fake.stats())["admitted"])
            print(f"  {done - before:>6,} / {followers:,} alerts", end="\r", flush=True)
        print()
        admitted = (await fake.admitted())[before:]
        flood = int((await fake.stats())["flood_429s"])
    chats = {chat for _, chat in admitted}
    latencies = sorted(at - edited_at for at, _ in admitted)
    first, last = latencies[0], latencies[-1]
    send_phase = last - first
    print(f"followers {followers:,}; alerts admitted {len(admitted):,} to {len(chats):,} chats")
    print(f"  alert window (edits merged)  {ALERT_WINDOW.total_seconds():.0f} s")
    print(
        f"  latency per chat: p50 {statistics.median(latencies):.1f} s, "
        f"p90 {percentile(latencies, 0.9):.1f} s, max {last:.1f} s (first {first:.1f} s)"
    )
    print(f"  total, edit to last alert    {last:.1f} s")
    rate = (len(admitted) - 1) / send_phase if send_phase > 0 else float("nan")
    print(
        f"  send phase                   {send_phase:.1f} s, {rate:.1f} msg/s "
        f"({rate / CAP:.3f} of the {CAP:.0f}/s cap); 429s answered: {flood}"
    )
    if len(chats) != followers or not all(
        FIRST_CHAT <= int(c) < FIRST_CHAT + followers for c in chats
    ):
        raise SystemExit("not every follower got exactly its alert")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--followers", type=int, default=10_000, help="chats following (10,000)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="summitwatch-alerts-") as folder:
        asyncio.run(run(args.followers, Path(folder)))


if __name__ == "__main__":
    main()
