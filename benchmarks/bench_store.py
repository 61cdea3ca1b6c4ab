"""How the store's cost grows with its size: per-write latency and start-up time.

    python benchmarks/bench_store.py            # full run, well under two minutes
    python benchmarks/bench_store.py --quick    # smaller sizes and fewer samples

Pre-fill goes through the real code: records are added to the store's own tables with
``Table.insert_multiple`` (a single journal entry), events with ``EventRepository.save``
(one fsynced write each), and ``close()`` makes ``JournalStorage`` write the snapshot.
The stock TinyDB file is pre-filled with ``insert_multiple`` on a stock ``TinyDB``. Only
the worst-case journal (one line per delivery) is written directly, in the journal format.
Every timed write is a real one: appended to the journal and fsynced before it returns.
"""

from __future__ import annotations

import argparse
import json
import math
import platform
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, cast
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tinydb import TinyDB
from tinydb.table import Document

from bot.store import Store
from bot.store.journal import JournalStorage
from calendars.events import Event, Status

AT = datetime(2030, 1, 1, tzinfo=UTC)
ZONES = (
    "Asia/Kolkata",
    "Asia/Shanghai",
    "Asia/Tokyo",
    "Asia/Kathmandu",
    "Europe/Moscow",
    "Europe/Brussels",
    "Europe/London",
    "Africa/Addis_Ababa",
    "America/New_York",
    "America/Sao_Paulo",
    "America/St_Johns",
    "Australia/Sydney",
    "Pacific/Auckland",
    "UTC",
)
TAGS = (
    "sco",
    "brics",
    "g20",
    "quad",
    "asean",
    "un",
    "unga",
    "india-russia",
    "india-china",
    "india-us",
    "india-japan",
    "eu",
    "nato",
    "au",
    "saarc",
    "bimstec",
    "climate",
    "trade",
    "defence",
    "energy",
)


@dataclass(frozen=True)
class Sizes:
    write_sizes: tuple[int, ...]
    writes: int
    stock_sizes: tuple[tuple[int, int], ...]  # (records, writes)
    events: int
    deliveries: int
    journal_lines: int
    startup_runs: int


FULL = Sizes(
    write_sizes=(1_000, 10_000, 100_000),
    writes=2_000,
    stock_sizes=((1_000, 300), (10_000, 60)),
    events=10_000,
    deliveries=100_000,
    journal_lines=10_000,
    startup_runs=3,
)
QUICK = Sizes(
    write_sizes=(1_000, 10_000, 100_000),
    writes=300,
    stock_sizes=((1_000, 50), (10_000, 15)),
    events=2_000,
    deliveries=20_000,
    journal_lines=2_000,
    startup_runs=1,
)


# ---- data ----------------------------------------------------------------------------------


def delivery(n: int) -> dict[str, Any]:
    at = (AT + timedelta(seconds=n)).isoformat()
    return {"status": "sent" if n % 7 else "failed", "at": at, "detail": f"message {n}"}


def make_events(count: int, rng: random.Random) -> list[Event]:
    """Realistic events: timed and all-day, many zones, 1-4 tags, some prose and links."""
    events = []
    for n in range(count):
        zone = rng.choice(ZONES)
        day = date(2026, 1, 1) + timedelta(days=rng.randrange(1500))
        if n % 3 == 0:
            start: date | datetime = day
            end: date | datetime = day + timedelta(days=rng.randint(1, 4))
        else:
            start = datetime(
                day.year, day.month, day.day, rng.randint(6, 18), tzinfo=ZoneInfo(zone)
            )
            end = start + timedelta(hours=rng.randint(1, 30))
        tags = tuple(rng.sample(TAGS, rng.randint(1, 4)))
        events.append(
            Event(
                id=f"event-{n:05d}",
                title=f"{tags[0].upper()} meeting {n}",
                start=start,
                end=end,
                timezone=zone,
                location=f"Venue {n % 97}, {zone.split('/')[-1].replace('_', ' ')}",
                description=" ".join(["Talks on trade, energy and security."] * rng.randint(1, 12)),
                tags=tags,
                keywords=tuple(f"keyword {k}" for k in range(rng.randint(0, 5))),
                urls=(f"https://www.mea.gov.in/press/{n}",),
                status=Status.TENTATIVE if n % 11 == 0 else Status.CONFIRMED,
                sequence=rng.randint(0, 3),
                created=AT,
                updated=AT,
            )
        )
    return events


# ---- measuring -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Latency:
    median_ms: float
    p99_ms: float
    max_ms: float

    @classmethod
    def of(cls, seconds: list[float]) -> Latency:
        ordered = sorted(s * 1000 for s in seconds)
        p99 = ordered[max(0, math.ceil(0.99 * len(ordered)) - 1)]
        return cls(statistics.median(ordered), p99, ordered[-1])


def timed(write: Callable[[int], None], count: int) -> list[float]:
    samples = []
    for n in range(count):
        started = time.perf_counter()
        write(n)
        samples.append(time.perf_counter() - started)
    return samples


@contextmanager
def workdir(base: Path | None) -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="bench-store-", dir=base) as name:
        yield Path(name)


def journal_of(path: Path) -> Path:
    return path.with_name(path.name + ".journal")


def fill_deliveries(store: Store, count: int) -> None:
    table = store._db.table("deliveries")
    table.insert_multiple(
        Document(delivery(n), doc_id=cast(Any, f"prefill:{n}")) for n in range(count)
    )


def journal_write_costs(root: Path, records: int, writes: int) -> tuple[Latency, float]:
    """DeliveryLog.record with a new key on a store holding ``records`` records."""
    path = root / f"journal-{records}" / "db.json"
    with Store(path) as store:
        fill_deliveries(store, records)
    with Store(path) as store:
        samples = timed(
            lambda n: store.deliveries.record(f"new:{n}", "sent", at=AT, detail="ok"), writes
        )
        storage = cast(JournalStorage, store._db.storage)
        started = time.perf_counter()
        storage.compact()  # the pause of the one write in max(10k, records) that compacts
        compaction = time.perf_counter() - started
    return Latency.of(samples), compaction


def stock_write_costs(root: Path, records: int, writes: int) -> Latency:
    """TinyDB's own JSONStorage: every write rewrites the whole file (and never fsyncs)."""
    path = root / f"stock-{records}.json"
    with TinyDB(path) as db:
        db.table("deliveries").insert_multiple(delivery(n) for n in range(records))
    with TinyDB(path) as db:
        table = db.table("deliveries")
        return Latency.of(timed(lambda n: table.insert(delivery(n)), writes))


@dataclass(frozen=True)
class Startup:
    label: str
    seconds: list[float]
    snapshot_mb: float
    journal_mb: float


def startup_times(root: Path, sizes: Sizes) -> tuple[list[Startup], float]:
    """Open a Store of events and deliveries: compacted, and with journals to replay."""
    base = root / "startup"
    events = make_events(sizes.events, random.Random(7))
    build = time.perf_counter()
    events_only = base / "events-only" / "db.json"
    with Store(events_only) as store:
        for event in events:
            store.events.save(event)  # one fsynced write each, as the admin commands do

    compacted = copy_store(events_only, base / "compacted" / "db.json")
    with Store(compacted) as store:
        fill_deliveries(store, sizes.deliveries)

    scratch = copy_store(compacted, base / "journal-build" / "db.json")
    with Store(scratch) as store:
        for n in range(sizes.journal_lines):
            if n % 2:
                store.deliveries.record(f"journal:{n}", "sent", at=AT)
            else:
                event = events[n % len(events)]
                store.events.save(event.revised(now=AT, title=f"{event.title} (rev {n})"))
        replayed = copy_store(scratch, base / "with-journal" / "db.json")  # as a crash leaves it

    # The longest journal compaction allows: one line per record (lines > records compacts),
    # here every delivery written one by one since the last compaction. Written directly
    # in the journal format for speed: the same lines DeliveryLog.record would append.
    worst = copy_store(events_only, base / "worst" / "db.json")
    seq = json.loads(worst.read_bytes())["seq"]
    with journal_of(worst).open("w", encoding="utf-8") as lines:
        for n in range(sizes.deliveries):
            entry = {
                "seq": seq + n + 1,
                "table": "deliveries",
                "set": {f"prefill:{n}": delivery(n)},
                "delete": [],
            }
            lines.write(json.dumps(entry, separators=(",", ":")) + "\n")
    building = time.perf_counter() - build

    results = []
    for case, (label, source) in enumerate(
        [
            ("compacted snapshot, empty journal", compacted),
            (f"snapshot + {sizes.journal_lines:,}-line journal", replayed),
            (f"worst: {sizes.deliveries:,}-line journal", worst),
        ]
    ):
        seconds = []
        for run in range(sizes.startup_runs):
            path = copy_store(source, base / f"run-{case}-{run}" / "db.json")
            started = time.perf_counter()
            store = Store(path)
            seconds.append(time.perf_counter() - started)
            assert len(store.events) == sizes.events
            assert len(store.deliveries) >= sizes.deliveries
            store.close()
        journal = journal_of(source)
        results.append(
            Startup(
                label,
                seconds,
                source.stat().st_size / 1e6,
                journal.stat().st_size / 1e6 if journal.exists() else 0.0,
            )
        )
    return results, building


def copy_store(source: Path, target: Path) -> Path:
    """Copy the snapshot and journal (not the whole directory) to a new directory."""
    target.parent.mkdir(parents=True)
    for name in (source.name, journal_of(source).name):
        if (source.parent / name).exists():
            shutil.copyfile(source.parent / name, target.parent / name)
    return target


# ---- report --------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="smaller sizes, fewer samples")
    parser.add_argument("--dir", type=Path, default=None, help="where to put the files")
    args = parser.parse_args(argv)
    sizes = QUICK if args.quick else FULL
    began = time.perf_counter()

    with workdir(args.dir) as root:
        print(f"SummitWatch store benchmark  (Python {platform.python_version()}, files in {root})")
        print("pre-fill: Table.insert_multiple + close() (JournalStorage writes the snapshot)")
        print("every JournalStorage write below is appended and fsynced before it returns\n")
        print("Cost of one acknowledged write, in ms")
        header = f"{'storage':<44}{'records':>9}{'writes':>8}{'median':>8}{'p99':>8}{'max':>8}"
        print(f"{header}{'compact':>10}")
        for records in sizes.write_sizes:
            latency, compaction = journal_write_costs(root, records, sizes.writes)
            print(
                f"{'JournalStorage: DeliveryLog.record, new key':<44}{records:>9,}"
                f"{sizes.writes:>8}{latency.median_ms:>8.3f}{latency.p99_ms:>8.3f}"
                f"{latency.max_ms:>8.2f}{compaction * 1000:>10.1f}"
            )
        for records, writes in sizes.stock_sizes:
            latency = stock_write_costs(root, records, writes)
            print(
                f"{'stock TinyDB JSONStorage: insert, no fsync':<44}{records:>9,}{writes:>8}"
                f"{latency.median_ms:>8.3f}{latency.p99_ms:>8.3f}{latency.max_ms:>8.2f}"
                f"{'-':>10}"
            )
        print(
            "compact = the snapshot rewrite one write pays when the journal outgrows the data"
            " (once per max(10,000, records) writes)\n"
        )

        startups, building = startup_times(root, sizes)
        print(
            f"Start-up: Store() over {sizes.events:,} events + {sizes.deliveries:,} deliveries"
            f" (built in {building:.1f} s)"
        )
        print(f"{'state':<40}{'snapshot MB':>12}{'journal MB':>11}{'runs':>6}{'median s':>10}")
        # the worst journal: every delivery written one by one since the last compaction
        # (a journal no longer than the data never triggers one); lines written directly
        for startup in startups:
            print(
                f"{startup.label:<40}{startup.snapshot_mb:>12.1f}{startup.journal_mb:>11.1f}"
                f"{len(startup.seconds):>6}{statistics.median(startup.seconds):>10.3f}"
            )
    print(f"\ntotal {time.perf_counter() - began:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
