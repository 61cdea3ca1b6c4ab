"""Crash-safe TinyDB storage whose cost per write does not grow with the database.

TinyDB's ``JSONStorage`` truncates and rewrites the whole file on every write: a crash
can leave half a file, and a write at 100k records costs a hundred times one at 1k.
Here the data lives in memory and on disk as two files, guarded by a third:

``<path>``          a snapshot ``{"format": "summitwatch-store", "version": 1, "seq": N,
                    "tables": {...}}``, only ever replaced whole: written to a temporary
                    file, fsynced, renamed over the old one, directory fsynced;
``<path>.journal``  one JSON line per write ``{"seq": n, "table": t, "set": {...},
                    "delete": [...]}``, appended and fsynced before the write returns;
                    a transaction's line holds several: ``{"seq": n, "changes": [...]}``;
``<path>.lock``     held (flock) while open, naming the pid: one process per database.

All three are 0600 (see ``bot.store.files``). A write that returned is on disk. On open
the snapshot is loaded and the journal replayed (``bot.store.loading``): a torn last line
(the process died mid-append, so that write was never acknowledged) is cut off with a
warning; anything else unreadable or out of order stops the open with
:class:`StoreCorrupted` and the files are left untouched. When the journal outgrows the
data it is folded into a new snapshot (compaction), so replay stays short.

``JournalTable`` (``bot.store.tables``) replaces TinyDB's ``Table._update_table`` (which
copies the whole table on every write) with one that records just the documents an
operation touched. Reading the files back is ``bot.store.loading``.
"""

from __future__ import annotations

import contextlib
import contextvars
import json
import logging
import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import orjson
from tinydb import Storage

from bot.store.files import DatabaseLock, open_private
from bot.store.files import atomic_write as _atomic_write
from bot.store.loading import FORMAT, VERSION, apply_entry, load_snapshot, replay_journal
from bot.store.tables import JournalTable
from calendars.errors import StoreError

__all__ = ["JournalStorage", "JournalTable", "Transaction"]

logger = logging.getLogger(__name__)

Doc = dict[str, Any]
Tables = dict[str, dict[str, Doc]]
# Told of each change to a table before it is applied: (the table now, sets, deletes).
Watcher = Callable[[dict[str, Doc], dict[str, Doc], list[str]], None]


class JournalStorage(Storage):
    """TinyDB storage: in-memory state, fsynced append-only journal, atomic snapshots."""

    def __init__(self, path: str | os.PathLike[str], *, compact_min: int = 10_000) -> None:
        self.path = Path(path)
        self.journal_path = self.path.with_name(self.path.name + ".journal")
        self._compact_min = compact_min
        self._lock = threading.RLock()  # memory and sequence numbers
        # The journal file: taken inside ``_lock`` (never the other way round); a commit
        # from a worker thread keeps it, not ``_lock``, while it waits for fsync, so the
        # event loop can go on reading and writing memory meanwhile.
        self._io = threading.Lock()
        self._committers = threading.Lock()  # one commit at a time past the memory part
        self._tables: Tables = {}
        self._seq = 0
        self._journal_lines = 0
        self._records = 0
        self._next_compaction = compact_min
        self._closed = False
        self._broken: str | None = None
        self._open_transactions: set[Transaction] = set()
        self._watchers: dict[str, Watcher] = {}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock_file = DatabaseLock(self.path)
        self._lock_file.acquire()  # before reading: another process may be writing
        try:
            self._load()
            fd = open_private(self.journal_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT)
            self._journal = os.fdopen(fd, "ab", buffering=0)
            if self.path.exists():
                self.path.chmod(0o600)  # a snapshot written 0644 by an older version
        except BaseException:
            self._lock_file.release()
            raise

    # ---- TinyDB's Storage interface ----------------------------------------------------

    def read(self) -> Tables:
        return self._tables

    def write(self, data: Tables) -> None:
        """Whole-database writes (TinyDB's ``drop_table(s)``): rare, so a snapshot."""
        with self._lock:
            self._tables = {name: dict(docs) for name, docs in data.items()}
            self._records = sum(len(t) for t in self._tables.values())
            self.compact()

    def close(self) -> None:
        """Fold the journal into the snapshot, so the next start has nothing to replay."""
        with self._lock:
            if self._closed:
                return
            try:
                # Uncommitted transactions must not reach a snapshot: their updates replay.
                if self._journal_lines and self._broken is None and not self._open_transactions:
                    self.compact()
            finally:
                self.release()

    def release(self) -> None:
        """Close the files without writing anything (a refused start must change nothing)."""
        with self._lock, self._io:
            self._journal.close()
            self._closed = True
            self._lock_file.release()

    # ---- what JournalTable calls ---------------------------------------------------------

    def watch(self, table: str, watcher: Watcher) -> None:
        """Tell ``watcher`` of every change to ``table`` from now on, however it is written
        (one write, a transaction, a batch): running counts stay right without a scan."""
        self._watchers[table] = watcher

    def table_data(self, name: str) -> dict[str, Doc]:
        return self._tables.get(name, {})

    def apply(self, table: str, sets: dict[str, Doc], deletes: list[str]) -> None:
        """Make one change durable, then visible; on failure raise StoreError, change nothing.

        Inside an open :class:`Transaction` of this storage the change is visible at once
        and becomes durable with the transaction's commit.
        """
        with self._lock:
            self._check_writable()
            change = {"table": table, "set": sets, "delete": deletes}
            transaction = _current.get()
            if transaction is not None and transaction.storage is self and transaction.open:
                # Round-trip through JSON as a journal line would, so memory holds the same.
                self._apply_entry(_round_trip(change))
                transaction.touch(table, [*sets, *deletes])
                self._open_transactions.add(transaction)
                return
            self._write_entry(change)

    def _check_writable(self) -> None:
        if self._closed:
            raise StoreError(f"database {self.path} is closed")
        if self._broken is not None:
            raise StoreError(f"database {self.path} refuses writes until restarted: {self._broken}")

    def _write_entry(self, change: dict[str, Any]) -> None:
        entry = {"seq": self._seq + 1, **change}
        line = json.dumps(entry, ensure_ascii=False, separators=(",", ":")) + "\n"
        self._append(line.encode("utf-8"))
        self._seq += 1
        self._journal_lines += 1
        # Apply what was written, not the caller's objects: memory then holds exactly
        # what a restart will read (no shared lists, no tuples that come back as lists).
        self._apply_entry(_parsed(line))
        self._maybe_compact()

    def _maybe_compact(self) -> None:
        if self._open_transactions:
            return  # a snapshot would hold their uncommitted changes
        if self._journal_lines > max(self._next_compaction, self._records):
            try:
                self.compact()
            except StoreError as exc:
                # The write above is durable; only the tidy-up failed. Try again later.
                self._next_compaction = self._journal_lines * 2
                logger.warning("store.compaction_failed path=%s error=%s", self.path, exc)

    # ---- transactions ------------------------------------------------------------------

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Transaction]:
        """Writes made in this context (this task, and tasks it starts meanwhile) commit
        together when the block ends, however it ends; see :class:`Transaction`."""
        transaction = self.begin()
        try:
            yield transaction
        finally:
            self.end(transaction)
            self.commit(transaction)

    def begin(self) -> Transaction:
        """Open a transaction for this context; ``end`` it, then ``commit`` it (any thread)."""
        transaction = Transaction(self)
        transaction.token = _current.set(transaction)
        return transaction

    def end(self, transaction: Transaction) -> None:
        """Stop adding this context's writes to ``transaction`` (the same context as ``begin``)."""
        if transaction.token is not None:
            _current.reset(transaction.token)
            transaction.token = None

    def commit(self, transaction: Transaction) -> None:
        """Write every document ``transaction`` touched, as it is now, in ONE journal line.

        The current value, not the transaction's own: a later write by someone else to the
        same document must not be undone by replaying this line after it. Safe from a
        worker thread: ``_lock`` is held only to read memory and number the line; the
        append and fsync hold ``_io``, which keeps lines in order (documents are replaced,
        never changed in place, so the ones read here stay as they were).
        """
        with self._committers:
            with self._lock:
                transaction.open = False
                self._open_transactions.discard(transaction)
                if not transaction.touched:
                    return
                self._check_writable()
                changes = []
                for table, ids in transaction.touched.items():
                    live = self._tables.get(table, {})
                    sets = {i: live[i] for i in ids if i in live}
                    deletes = sorted(ids - set(live))
                    changes.append({"table": table, "set": sets, "delete": deletes})
                self._seq += 1
                self._journal_lines += 1
                entry = {"seq": self._seq, "changes": changes}
                self._io.acquire()  # free: writers take it only inside _lock, one committer
            try:
                self._append_now(_line(entry))
            except StoreError as exc:
                # Memory is ahead of the disk now: refuse further writes; a restart replays
                # the transaction's update from the last durable state.
                self._broken = f"a transaction could not be written ({exc})"
                raise
            finally:
                self._io.release()
        with self._lock:
            self._maybe_compact()

    def _append(self, payload: bytes) -> None:
        """Append and fsync, or leave the journal exactly as it was and raise StoreError."""
        with self._io:
            self._append_now(payload)

    def _append_now(self, payload: bytes) -> None:
        """``_append`` with ``_io`` held; refuses once a line numbered before was lost."""
        if self._broken is not None:
            raise StoreError(f"database {self.path} refuses writes until restarted: {self._broken}")
        fileno = self._journal.fileno()
        size = os.fstat(fileno).st_size
        try:
            remaining = memoryview(payload)
            while remaining:  # a filling disk may take only part of the line
                written = self._journal.write(remaining)
                if not written:
                    raise OSError(28, "No space left on device")
                remaining = remaining[written:]
            os.fsync(fileno)
        except OSError as exc:
            try:
                # An unacknowledged line must never replay. The next successful fsync makes
                # this truncation durable too, so only a failed truncate is fatal.
                os.ftruncate(fileno, size)
            except OSError as undo:
                self._broken = f"could not undo a failed write ({undo})"
            raise StoreError(f"cannot write to {self.journal_path}: {exc}") from exc

    def compact(self) -> None:
        """Write the whole state as a new snapshot and start an empty journal."""
        with self._lock:
            snapshot = {"format": FORMAT, "version": VERSION, "seq": self._seq}
            snapshot["tables"] = self._tables
            # orjson: ~5x json's speed; the loop waits on it (UTF-8, as json wrote it here).
            _atomic_write(self.path, orjson.dumps(snapshot))
            # Replay skips entries at or below the snapshot's seq, so a crash between
            # the rename above and this truncation loses nothing and repeats nothing.
            with self._io:  # a committer's line (numbered, so in the snapshot) lands first
                if not self._closed and not self._journal.closed:
                    try:
                        self._journal.truncate(0)
                        os.fsync(self._journal.fileno())
                    except OSError as exc:
                        raise StoreError(f"cannot truncate {self.journal_path}: {exc}") from exc
            self._journal_lines = 0
            self._next_compaction = self._compact_min

    # ---- loading ---------------------------------------------------------------------

    def _load(self) -> None:
        for leftover in self.path.parent.glob(f".{self.path.name}.*.tmp"):
            leftover.unlink(missing_ok=True)  # a snapshot that was never renamed into place
        if self.path.exists():
            self._tables, self._seq = load_snapshot(self.path)
        if self.journal_path.exists():
            self._seq, self._journal_lines = replay_journal(
                self.journal_path, self._tables, self._seq
            )
        self._records = sum(len(t) for t in self._tables.values())

    def _apply_entry(self, entry: dict[str, Any]) -> None:
        if self._watchers:
            for change in entry.get("changes", [entry]):
                watcher = self._watchers.get(change["table"])
                if watcher is not None:
                    watcher(self._tables.get(change["table"], {}), change["set"], change["delete"])
        self._records += apply_entry(self._tables, entry)


# What orjson must refuse so that json decides (and raises, as it always did).
_STRICT = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS


def _round_trip(change: dict[str, Any]) -> dict[str, Any]:
    """``change`` as a journal line reads back: ``json.loads(json.dumps(change))``.

    orjson first: ~20x json's speed, and every article and event a poll takes in passes
    here on the event loop (json's round trip was a fifth of a poll's CPU). What orjson
    refuses (keys that are not strings, integers past 64 bits, lone surrogates, dates)
    goes through json as before. One difference: a float NaN comes back None here, as
    it does from a snapshot (also orjson), where json would keep NaN.
    """
    try:
        result: dict[str, Any] = orjson.loads(orjson.dumps(change, option=_STRICT))
    except TypeError:  # orjson.JSONEncodeError is one
        result = json.loads(json.dumps(change, ensure_ascii=False))
    return result


def _line(entry: dict[str, Any]) -> bytes:
    """A transaction's journal line. orjson: a poll's line is ~100 KB, and json held the
    GIL ~5 ms writing it in the committing thread, time the event loop waited for."""
    try:
        return orjson.dumps(entry) + b"\n"
    except TypeError:  # what orjson refuses (see _round_trip): json, as before
        return (json.dumps(entry, ensure_ascii=False) + "\n").encode("utf-8")


def _parsed(line: str) -> dict[str, Any]:
    """A journal line json wrote, parsed: orjson, or json for what only json reads (NaN)."""
    try:
        result: dict[str, Any] = orjson.loads(line)
    except orjson.JSONDecodeError:
        result = json.loads(line)
    return result


class Transaction:
    """Writes that become durable together, in one journal line, or not at all.

    Used around one Telegram update's handling (see ``bot.telegram.intake``): its effects
    and the mark that it was handled commit at once, so a crash leaves either both or
    neither. Changes are visible in memory at once (the handler reads its own writes);
    until the commit no snapshot is taken, so a crash loses them and the update replays.
    """

    def __init__(self, storage: JournalStorage) -> None:
        self.storage = storage
        self.open = True
        self.touched: dict[str, set[str]] = {}
        self.token: contextvars.Token[Transaction | None] | None = None

    def touch(self, table: str, doc_ids: list[str]) -> None:
        self.touched.setdefault(table, set()).update(doc_ids)


_current: contextvars.ContextVar[Transaction | None] = contextvars.ContextVar(
    "summitwatch_transaction", default=None
)
