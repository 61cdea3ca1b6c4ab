"""Writes acknowledged records into a Store until it is killed (run by test_store_crash).

Usage: python tests/bot/store/crash_writer.py DB_PATH [MAX_WRITES]

Write number n (1, 2, 3, ...) is decided by n % 3, so the whole database after any number
of writes is known in advance (:func:`problems` compares a store with it):

    0  DeliveryLog.record("d-<n>", "sent", detail=n)       a new key every time
    1  AuditLog.append(detail=n)                           a new entry every time
    2  EventRepository.save(the summit, revised so that    the same event, changed
       description == "revision <n>")

On start the writer prints ``start <n>``: one past the last write it finds, so successive
runs build on each other. After each write returns it prints ``ack <n>`` and flushes.
A small ``compact_min`` makes compactions happen during the run, and a slow disk (each
snapshot's fsync takes SNAPSHOT_FSYNC_PAUSE) keeps the snapshot window open long enough for
the test's kill to land in it even on a loaded machine.
"""

from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.store import Store
from calendars.events import Event

COMPACT_MIN = 50
SUMMIT_ID = "crash-test-summit"
BASE = datetime(2031, 1, 1, tzinfo=UTC)
EVERYTHING = 10**9
FILLER = "x" * 1000  # in each audit entry: a snapshot takes a while to write
SNAPSHOT_FSYNC_PAUSE = 0.05  # seconds: a slow disk, only for snapshot temp files


def delivery_key(n: int) -> str:
    return f"d-{n:07d}"


def revision_of(event: Event) -> int:
    return int(event.description.removeprefix("revision "))


def first_summit(n: int) -> Event:
    shanghai = ZoneInfo("Asia/Shanghai")
    return Event(
        id=SUMMIT_ID,
        title="Crash Test Summit",
        start=datetime(2031, 6, 10, 9, tzinfo=shanghai),
        end=datetime(2031, 6, 11, 17, tzinfo=shanghai),
        timezone="Asia/Shanghai",
        tags=("crash-test", "sco"),
        description=f"revision {n}",
        created=BASE,
        updated=BASE,
    )


def write(store: Store, n: int) -> None:
    at = BASE + timedelta(seconds=n)
    kind = n % 3
    if kind == 0:
        store.deliveries.record(delivery_key(n), "sent", at=at, detail=str(n))
    elif kind == 1:
        store.audit.append(actor="crash-writer", action=f"write {FILLER}", detail=str(n), at=at)
    else:
        current = store.events.get(SUMMIT_ID)
        if current is None:
            store.events.save(first_summit(n))
        else:
            store.events.save(current.revised(now=at, description=f"revision {n}"))


def next_write(store: Store) -> int:
    """One past the last write in the store: each kind's newest entry carries its number."""
    last = [3 * len(store.deliveries)]  # deliveries are writes 3, 6, 9, ...
    newest_audit = store.audit.recent(limit=1)
    if newest_audit:
        last.append(int(newest_audit[0]["detail"]))
    summit = store.events.get(SUMMIT_ID)
    if summit is not None:
        last.append(revision_of(summit))
    return max(last) + 1


@dataclass(frozen=True)
class Expected:
    delivery_keys: tuple[str, ...]
    audit: tuple[int, ...]
    summit: tuple[int, int] | None  # (revision, sequence)


def expected_after(m: int) -> Expected:
    """The database after writes 1..m, and nothing else."""
    summit_saves = [n for n in range(1, m + 1) if n % 3 == 2]
    return Expected(
        delivery_keys=tuple(delivery_key(n) for n in range(1, m + 1) if n % 3 == 0),
        audit=tuple(n for n in range(1, m + 1) if n % 3 == 1),
        summit=(summit_saves[-1], len(summit_saves) - 1) if summit_saves else None,
    )


def problems(store: Store, m: int) -> list[str]:
    """How ``store`` differs from the database after exactly writes 1..m (empty: it matches)."""
    expected, found = expected_after(m), []
    if len(store.deliveries) != len(expected.delivery_keys):
        found.append(f"{len(store.deliveries)} deliveries, expected {len(expected.delivery_keys)}")
    missing = [key for key in expected.delivery_keys if not store.deliveries.is_done(key)]
    if missing:
        found.append(f"{len(missing)} acknowledged deliveries missing, e.g. {missing[:3]}")
    audit = tuple(int(entry["detail"]) for entry in reversed(store.audit.recent(EVERYTHING)))
    if audit != expected.audit:
        lost = sorted(set(expected.audit) - set(audit))
        found.append(
            f"audit has {len(audit)} entries, expected {len(expected.audit)}; "
            f"missing {lost[:3]}, last {audit[-3:]}"
        )
    summit = store.events.get(SUMMIT_ID)
    state = None if summit is None else (revision_of(summit), summit.sequence)
    if state != expected.summit:
        found.append(f"summit (revision, sequence) is {state}, expected {expected.summit}")
    return found


def slow_snapshot_disk() -> None:
    """Make each fsync of a snapshot's temporary file take a while, as on a slow disk.

    The kill is sent once the temporary file appears; without this the snapshot is often
    renamed before the signal arrives, so no kill would test the snapshot window.
    """
    fsync = os.fsync

    def slow_fsync(fd: int) -> None:
        try:
            name = str(Path(f"/proc/self/fd/{fd}").readlink())
        except OSError:
            name = ""
        if name.endswith(".tmp"):
            time.sleep(SNAPSHOT_FSYNC_PAUSE)
        fsync(fd)

    os.fsync = slow_fsync


def main(argv: list[str]) -> int:
    slow_snapshot_disk()
    path = Path(argv[1])
    limit = int(argv[2]) if len(argv) > 2 else 1_000_000
    store = Store(path, compact_min=COMPACT_MIN)  # never closed: this process gets killed
    start = next_write(store)
    print(f"start {start}", flush=True)
    for n in range(start, start + limit):
        write(store, n)
        print(f"ack {n}", flush=True)
    store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
