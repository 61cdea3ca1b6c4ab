"""SIGKILL a writing process again and again: the database must always load and hold
every write acknowledged before the kill.

``crash_writer.py`` writes into a Store (deliveries with new keys, audit entries, an event
revised each time) and prints ``ack <n>`` after each write returns. Its compaction threshold
is small, so snapshots are written during the run. This test kills it with SIGKILL at
moments picked by a seeded random generator: after some acks plus a random sub-millisecond
delay; during start-up; as soon as a snapshot's temporary file appears; as soon as the
snapshot file changes (after the rename, before the journal is truncated). After each kill
the files are copied and opened: the store must load and equal the database after exactly
the acknowledged writes, or after one more (the write in flight may have reached the disk).
The next run continues on the files the kill left behind.
"""

from __future__ import annotations

import importlib.util
import json
import os
import queue
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from types import ModuleType

from bot.store import Store

ROOT = Path(__file__).resolve().parents[3]
WRITER = Path(__file__).with_name("crash_writer.py")
SEED = 20250611
DATABASES = 7
KILLS_PER_DATABASE = 4  # 28 kills in all; small databases compact often
STRATEGIES = (
    ["at-start"] * 4 + ["after-acks"] * 12 + ["in-snapshot-write"] * 7 + ["snapshot-changed"] * 5
)
WAIT = 10.0  # seconds; only reached if the writer is stuck or broken


def _load_writer() -> ModuleType:
    """crash_writer by file path, so this works whatever pytest's import mode."""
    spec = importlib.util.spec_from_file_location("summitwatch_crash_writer", WRITER)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)
    return module


crash_writer = _load_writer()


class WriterProcess:
    """One crash_writer run; a thread collects its stdout lines as they arrive."""

    def __init__(self, path: Path, stderr_path: Path) -> None:
        self._stderr = stderr_path.open("w+b")
        self.proc = subprocess.Popen(
            [sys.executable, str(WRITER), str(path)],
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            stdout=subprocess.PIPE,
            stderr=self._stderr,
        )
        self.lines: queue.Queue[bytes | None] = queue.Queue()
        self.received: list[bytes] = []
        self._pump = threading.Thread(target=self._read, daemon=True)
        self._pump.start()

    def __enter__(self) -> WriterProcess:
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(timeout=WAIT)
        self._pump.join(timeout=WAIT)
        assert self.proc.stdout is not None
        self.proc.stdout.close()
        self._stderr.close()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put(line)
        self.lines.put(None)

    def errors(self) -> str:
        self._stderr.flush()
        self._stderr.seek(0)
        return self._stderr.read().decode(errors="replace")

    def wait_for_acks(self, count: int) -> None:
        deadline = time.monotonic() + WAIT
        while sum(line.startswith(b"ack ") for line in self.received) < count:
            line = self.lines.get(timeout=max(0.0, deadline - time.monotonic()))
            if line is None:
                self.proc.wait(timeout=WAIT)
                raise AssertionError(f"writer ended before {count} acks:\n{self.errors()}")
            self.received.append(line)

    def wait_until_changed(self, path: Path, before: tuple[int, ...] | None) -> None:
        """Busy-poll, for at most 1.5 s, until ``path`` differs from ``before``."""
        deadline = time.monotonic() + 1.5
        while time.monotonic() < deadline and self.proc.poll() is None:
            if _identity(path) != before:
                return

    def kill(self) -> tuple[int | None, list[int], int]:
        """SIGKILL, then everything it printed: (start, acknowledged writes, return code)."""
        self.proc.send_signal(signal.SIGKILL)
        returncode = self.proc.wait(timeout=WAIT)
        self._pump.join(timeout=WAIT)
        while (line := self.lines.get(timeout=WAIT)) is not None:
            self.received.append(line)
        start, acks = None, []
        for line in self.received:
            if not line.endswith(b"\n"):
                continue  # the kill cut this line short; its write was not acknowledged
            word, number = line.decode().split()
            if word == "start":
                start = int(number)
            else:
                assert word == "ack", line
                acks.append(int(number))
        return start, acks, returncode


def _identity(path: Path) -> tuple[int, ...] | None:
    """Changes whenever the file is replaced or rewritten in place."""
    try:
        info = path.stat()
    except FileNotFoundError:
        return None
    return (info.st_ino, info.st_size, info.st_mtime_ns)


def _where_it_died(path: Path, pid: int, snapshot_before: tuple[int, ...] | None) -> str:
    """Which window the kill hit, judged from the files it left."""
    if path.with_name(f".{path.name}.{pid}.tmp").exists():
        return "while writing a snapshot"
    journal = path.with_name(path.name + ".journal")
    raw = journal.read_bytes() if journal.exists() else b""
    if _identity(path) != snapshot_before and raw.endswith(b"\n"):
        first = json.loads(raw.split(b"\n", 1)[0])
        if first["seq"] <= json.loads(path.read_bytes())["seq"]:
            return "after a snapshot rename, before the journal truncation"
    if raw and not raw.endswith(b"\n"):
        return "mid-append (torn journal line)"
    return "between writes or during start-up"


def _check_copy(path: Path, directory: Path, last_ack: int) -> int:
    """Open a copy of what the kill left; return how many writes it holds (last_ack or +1)."""
    directory.mkdir()
    for name in (path.name, path.name + ".journal"):
        if (path.parent / name).exists():
            shutil.copyfile(path.parent / name, directory / name)
    with Store(directory / path.name) as store:  # must load without error
        if not crash_writer.problems(store, last_ack + 1):
            return last_ack + 1  # the write in flight reached the disk too
        problems = crash_writer.problems(store, last_ack)
        assert not problems, f"acknowledged writes 1..{last_ack} not all there: {problems}"
        return last_ack


def test_sigkill_mid_write_never_loses_an_acknowledged_write(tmp_path: Path) -> None:
    rng = random.Random(SEED)
    strategies = rng.sample(STRATEGIES, len(STRATEGIES))
    outcomes: Counter[str] = Counter()
    total_acks = 0
    for database in range(DATABASES):
        path = tmp_path / f"db{database}" / "summitwatch.json"
        path.parent.mkdir()
        durable = 0  # writes 1..durable are in the files
        for kill in range(KILLS_PER_DATABASE):
            strategy = strategies[database * KILLS_PER_DATABASE + kill]
            snapshot_before = _identity(path)
            with WriterProcess(path, tmp_path / f"stderr-{database}-{kill}.txt") as writer:
                if strategy == "at-start":
                    time.sleep(rng.uniform(0.0, 0.15))
                elif strategy == "after-acks":
                    writer.wait_for_acks(rng.randint(1, 150))
                    time.sleep(rng.uniform(0.0, 0.001))
                elif strategy == "in-snapshot-write":  # its temporary file appears
                    writer.wait_until_changed(
                        path.with_name(f".{path.name}.{writer.proc.pid}.tmp"), None
                    )
                else:
                    writer.wait_until_changed(path, snapshot_before)
                start, acks, returncode = writer.kill()
                errors = writer.errors()

            assert returncode == -signal.SIGKILL, f"writer died on its own: {errors}"
            if start is not None:
                assert start == durable + 1, f"writer resumed at {start}, expected {durable + 1}"
            assert acks == list(range(durable + 1, durable + 1 + len(acks))), "acks out of order"
            total_acks += len(acks)
            last_ack = acks[-1] if acks else durable
            durable = _check_copy(path, tmp_path / f"check-{database}-{kill}", last_ack)
            outcomes[_where_it_died(path, writer.proc.pid, snapshot_before)] += 1

    print(f"\n{sum(outcomes.values())} kills, {total_acks} acknowledged writes: {dict(outcomes)}")
    assert total_acks >= 300, "the writer hardly wrote anything: the test proves little"
    in_compaction = sum(n for where, n in outcomes.items() if "snapshot" in where)
    assert in_compaction >= 1, "no kill landed inside a compaction (temp-file name changed?)"
