"""A day of briefings: 10,000 chats in 50 zones, the minute check and the sends.

    .venv/bin/python benchmarks/bench_briefings.py            # 10,000 chats, a full day
    .venv/bin/python benchmarks/bench_briefings.py --quick    # 1,000 chats

What runs: the real ``BriefingService`` over a real ``Store`` (journal, fsync) in a
temporary directory, the real ``Broadcaster`` and the ``ConsoleNotifier`` writing to a
discarded buffer, and a clock this script moves one minute at a time through a whole UTC
day (1,440 checks, as the app's interval job makes them). Chats: 10,000 subscribers in
50 zones, briefings at random quarter hours (one in seven weekly, on a random weekday),
set at the start of the day (so none is "missed"), a third with a news filter, each
following two topics; 200 events over a month, three coverage items each, five edited
by an admin.

Reported: the due check alone (``BriefingService.owed``) per minute — mean, worst, and
the first check of the day, which computes every chat's next due moment — in CPU time;
then building and sending (``check`` minus its due check): messages, CPU and wall time,
messages per CPU second. Each message's delivery record and the chat's "last period"
mark are fsynced journal appends, part of the sending cost.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, cast
from zoneinfo import available_timezones

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tinydb.table import Document  # noqa: E402

from benchmarks.synthetic import TAGS, make_events  # noqa: E402
from bot.delivery.broadcaster import Broadcaster  # noqa: E402
from bot.delivery.notifier import ConsoleNotifier  # noqa: E402
from bot.services.briefings import BriefingService  # noqa: E402
from bot.store import Store  # noqa: E402
from calendars.briefings import BriefingSetting, settled_period  # noqa: E402
from calendars.events import Coverage  # noqa: E402
from calendars.ical.render import CalendarMeta  # noqa: E402
from calendars.news.filters import parse_filter  # noqa: E402
from calendars.subscribers import Subscriber  # noqa: E402

DAY = datetime(2027, 3, 10, tzinfo=UTC)  # a Wednesday
FIRST_CHAT = 10_000_000


def zones(count: int) -> list[str]:
    rng = random.Random(7)
    usual = ["Europe/Berlin", "Asia/Kolkata", "America/New_York", "Australia/Lord_Howe", "UTC"]
    rest = sorted(z for z in available_timezones() if "/" in z and not z.startswith("Etc/"))
    return usual + rng.sample([z for z in rest if z not in usual], count - len(usual))


def prefill(path: Path, chats: int, zone_names: list[str]) -> None:
    rng = random.Random(1)
    since = DAY - timedelta(days=1)
    news_filter = parse_filter("+Putin -cricket")
    with Store(path) as store:
        for event in make_events(200, first=datetime(2027, 3, 1, 9), every=timedelta(hours=3)):
            coverage = tuple(
                Coverage(
                    f"Putin and Modi, report {k}",
                    f"https://news.example/{event.id}/{k}",
                    "Wire",
                    DAY - timedelta(hours=k),
                )
                for k in range(3)
            )
            store.events.save(event.revised(now=since, coverage=coverage), by_admin=False)
        for n in range(5):
            store.audit.append(
                actor="admin",
                action="event.edit",
                detail=f"event-{60 + n} ['location']",
                at=DAY - timedelta(hours=2),
            )
        subscribers = []
        for n in range(chats):
            weekly = rng.random() < 1 / 7
            setting = BriefingSetting(
                (datetime(2000, 1, 1) + timedelta(minutes=15 * rng.randrange(96))).time(),
                rng.randrange(7) if weekly else None,
            )
            zone = zone_names[n % len(zone_names)]
            subscribers.append(
                Subscriber(
                    id=str(FIRST_CHAT + n),
                    title=f"Reader {n}",
                    zone=zone,
                    topics=frozenset(rng.sample(TAGS, 2)),
                    news_filter=news_filter if n % 3 == 0 else None,
                    subscribed_at=since,
                    reminders_since=since,
                    briefing=setting,
                    briefing_sent=settled_period(setting, None, DAY, zone),  # set at midnight
                    briefing_since=since,
                )
            )
        table = store._db.table("subscribers")
        table.insert_multiple(
            Document({"data": s.to_record()}, doc_id=cast(Any, s.id)) for s in subscribers
        )


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


async def run(chats: int) -> None:
    zone_names = zones(50)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "db.json"
        prefill(path, chats, zone_names)
        clock = Clock(DAY)
        with Store(path) as store:
            broadcaster = Broadcaster(
                store=store, notifier=ConsoleNotifier(io.StringIO()), clock=clock
            )
            meta = CalendarMeta(public_url="https://summitwatch.example", name="SummitWatch")
            service = BriefingService(store=store, broadcaster=broadcaster, meta=meta, clock=clock)
            check_cpu: list[float] = []
            total_cpu = sent = 0.0
            wall = time.perf_counter()
            for minute in range(24 * 60):
                clock.now = DAY + timedelta(minutes=minute)
                started = time.process_time()
                service.owed(clock.now)
                check_cpu.append(time.process_time() - started)
                started = time.process_time()
                sent += await service.check()
                total_cpu += time.process_time() - started
            wall = time.perf_counter() - wall
    send_cpu = total_cpu - sum(check_cpu)
    print(f"chats {chats}, zones {len(zone_names)}, checks {len(check_cpu)} (one per minute)")
    print(
        f"due check CPU: first {check_cpu[0] * 1000:.1f} ms, then mean "
        f"{statistics.mean(check_cpu[1:]) * 1000:.2f} ms, worst {max(check_cpu[1:]) * 1000:.1f}"
        f" ms per minute; {sum(check_cpu):.2f} s for the day"
    )
    print(
        f"briefings sent {int(sent)}; building and sending CPU {send_cpu:.2f} s "
        f"({sent / send_cpu:.0f} messages per CPU second); wall time for the day {wall:.1f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1,000 chats")
    args = parser.parse_args()
    asyncio.run(run(1_000 if args.quick else 10_000))


if __name__ == "__main__":
    main()
