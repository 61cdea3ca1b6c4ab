"""Crash-safe TinyDB storage whose cost per write does not grow with the database.

TinyDB's ``JSONStorage`` truncates and rewrites the whole file on every write: a crash
can leave half a file, and a write at 100k records costs a hundred times one at 1k.
Here the data lives in memory and on disk as two files:

``<path>``          a snapshot ``{"format": "summitwatch-store", "version": 1, "seq": N,
                    "tables": {...}}``, only ever replaced whole: written to a temporary
                    file, fsynced, renamed over the old one, directory fsynced;
``<path>.journal``  one JSON line per write ``{"seq": n, "table": t, "set": {...},
                    "delete": [...]}``, appended and fsynced before the write returns.

A write that returned is on disk. On open the snapshot is loaded and the journal replayed;
a torn last line (the process died mid-append, so that write was never acknowledged) is
cut off; anything else unreadable stops the open with :class:`StoreCorrupted` and the
files are left untouched. When the journal outgrows the data it is folded into a new
snapshot (compaction), so replay stays short.

``JournalTable`` replaces TinyDB's ``Table._update_table`` (which copies the whole table on
every write) with one that records just the documents an operation touched.
"""

from __future__ import annotations

import contextlib
import contextvars
import copy
import json
import logging
import os
import threading
from collections.abc import Callable, Iterator, Mapping, MutableMapping
from pathlib import Path
from typing import Any

from tinydb import Storage
from tinydb.table import Table

from bot.store.files import DatabaseLock, open_private
from bot.store.files import atomic_write as _atomic_write
from calendars.errors import StoreCorrupted, StoreError

__all__ = ["JournalStorage", "JournalTable", "Transaction"]

logger = logging.getLogger(__name__)

FORMAT = "summitwatch-store"
VERSION = 1
Doc = dict[str, Any]
Tables = dict[str, dict[str, Doc]]


class JournalStorage(Storage):
    """TinyDB storage: in-memory state, fsynced append-only journal, atomic snapshots."""

    def __init__(self, path: str | os.PathLike[str], *, compact_min: int = 10_000) -> None:
        self.path = Path(path)
        self.journal_path = self.path.with_name(self.path.name + ".journal")
        self._compact_min = compact_min
        self._lock = threading.RLock()
        self._tables: Tables = {}
        self._seq = 0
        self._journal_lines = 0
        self._records = 0
        self._next_compaction = compact_min
        self._closed = False
        self._broken: str | None = None
        self._open_transactions: set[Transaction] = set()
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
        with self._lock:
            self._journal.close()
            self._closed = True
            self._lock_file.release()

    # ---- what JournalTable calls ---------------------------------------------------------

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
                self._apply_entry(json.loads(json.dumps(change, ensure_ascii=False)))
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
        self._apply_entry(json.loads(line))
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
        transaction = Transaction(self)
        token = _current.set(transaction)
        try:
            yield transaction
        finally:
            _current.reset(token)
            self.commit(transaction)

    def commit(self, transaction: Transaction) -> None:
        """Write every document ``transaction`` touched, as it is now, in ONE journal line.

        The current value, not the transaction's own: a later write by someone else to the
        same document must not be undone by replaying this line after it.
        """
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
                changes.append({"table": table, "set": sets, "delete": sorted(ids - set(live))})
            line = json.dumps({"seq": self._seq + 1, "changes": changes}, ensure_ascii=False)
            try:
                self._append((line + "\n").encode("utf-8"))
            except StoreError as exc:
                # Memory is ahead of the disk now: refuse further writes; a restart replays
                # the transaction's update from the last durable state.
                self._broken = f"a transaction could not be written ({exc})"
                raise
            self._seq += 1
            self._journal_lines += 1
            self._maybe_compact()

    def _append(self, payload: bytes) -> None:
        """Append and fsync, or leave the journal exactly as it was and raise StoreError."""
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
            _atomic_write(self.path, json.dumps(snapshot, ensure_ascii=False).encode("utf-8"))
            # Replay skips entries at or below the snapshot's seq, so a crash between
            # the rename above and this truncation loses nothing and repeats nothing.
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
            self._load_snapshot()
        if self.journal_path.exists():
            self._replay_journal()
        self._records = sum(len(t) for t in self._tables.values())

    def _load_snapshot(self) -> None:
        try:
            data = json.loads(self.path.read_bytes())
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise StoreCorrupted(str(self.path), f"not readable JSON ({exc})") from exc
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise StoreCorrupted(str(self.path), "not a SummitWatch database file")
        if data.get("version") != VERSION:
            raise StoreCorrupted(str(self.path), f"unsupported version {data.get('version')!r}")
        tables, seq = data.get("tables"), data.get("seq")
        if not isinstance(tables, dict) or not isinstance(seq, int):
            raise StoreCorrupted(str(self.path), "missing 'tables' or 'seq'")
        for name, docs in tables.items():
            if not isinstance(docs, dict) or not all(isinstance(d, dict) for d in docs.values()):
                raise StoreCorrupted(str(self.path), f"table {name!r} is malformed")
        self._tables, self._seq = tables, seq

    def _replay_journal(self) -> None:
        """Apply every entry after the snapshot's; never skip one silently.

        Lines must number consecutively. Leading lines the snapshot already holds are
        passed over (a compaction stopped before truncating the journal); an unreadable
        last line is a torn append and is cut with a warning; anything else out of place
        stops the open with StoreCorrupted naming the file and the line.
        """
        raw = self.journal_path.read_bytes()
        offset, number, previous = 0, 0, None
        journal = str(self.journal_path)
        while offset < len(raw):
            number += 1
            newline = raw.find(b"\n", offset)
            entry = None if newline == -1 else _decode_entry(raw[offset:newline])
            if entry is None:
                if newline in (-1, len(raw) - 1):
                    self._cut_torn_tail(offset, number)  # an append that never finished
                    return
                raise StoreCorrupted(journal, f"line {number} is not a valid entry")
            offset = newline + 1
            seq = entry["seq"]
            if previous is not None and seq != previous + 1:
                raise StoreCorrupted(
                    journal, f"line {number} has seq {seq}, expected {previous + 1}"
                )
            previous = seq
            if seq <= self._seq:
                continue  # already in the snapshot: compaction stopped before truncating
            if seq != self._seq + 1:
                raise StoreCorrupted(
                    journal, f"line {number} has seq {seq}, expected {self._seq + 1}"
                )
            self._seq = seq
            self._journal_lines += 1
            self._apply_entry(entry)

    def _cut_torn_tail(self, offset: int, number: int) -> None:
        """Drop a last line cut short by a crash: its write was never acknowledged."""
        logger.warning(
            "store.torn_write path=%s line=%d bytes=%d action=truncated "
            "(the last write before a crash never finished; it was not acknowledged)",
            self.journal_path,
            number,
            self.journal_path.stat().st_size - offset,
        )
        with self.journal_path.open("r+b") as handle:
            handle.truncate(offset)
            os.fsync(handle.fileno())

    def _apply_entry(self, entry: dict[str, Any]) -> None:
        for change in entry.get("changes", [entry]):
            table = self._tables.setdefault(change["table"], {})
            before = len(table)
            table.update(change["set"])
            for doc_id in change["delete"]:
                table.pop(doc_id, None)
            self._records += len(table) - before


def _decode_entry(line: bytes) -> dict[str, Any] | None:
    """A journal entry, checked down to each document; None for anything else."""
    try:
        entry = json.loads(line)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        return None
    if not isinstance(entry, dict) or type(entry.get("seq")) is not int:
        return None
    changes = entry.get("changes", [entry])
    valid = isinstance(changes, list) and all(_valid_change(c) for c in changes)
    return entry if valid else None


def _valid_change(change: object) -> bool:
    return (
        isinstance(change, dict)
        and isinstance(change.get("table"), str)
        and isinstance(change.get("set"), dict)
        and all(isinstance(doc, dict) for doc in change["set"].values())
        and isinstance(change.get("delete"), list)
        and all(isinstance(doc_id, str) for doc_id in change["delete"])
    )


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

    def touch(self, table: str, doc_ids: list[str]) -> None:
        self.touched.setdefault(table, set()).update(doc_ids)


_current: contextvars.ContextVar[Transaction | None] = contextvars.ContextVar(
    "summitwatch_transaction", default=None
)


class _ChangeView(MutableMapping[str, Doc]):
    """The table as an updater sees it: reads give copies, and every change is recorded.

    TinyDB's updaters mutate documents in place (``table[id].update(fields)``); handing out
    copies lets us compare afterwards and journal only what really changed.
    """

    def __init__(self, live: dict[str, Doc]) -> None:
        self._live = live
        self._touched: dict[str, Doc] = {}
        self._deleted: set[str] = set()

    def __getitem__(self, key: str) -> Doc:
        key = str(key)
        if key in self._touched:
            return self._touched[key]
        if key in self._deleted or key not in self._live:
            raise KeyError(key)
        # Deep: tinydb.operations mutate nested lists in place, and those changes must show.
        self._touched[key] = document = copy.deepcopy(self._live[key])
        return document

    def __setitem__(self, key: str, value: Doc) -> None:
        key = str(key)
        self._deleted.discard(key)
        self._touched[key] = value

    def __delitem__(self, key: str) -> None:
        key = str(key)
        if key not in self:
            raise KeyError(key)
        self._touched.pop(key, None)
        self._deleted.add(key)

    def __contains__(self, key: object) -> bool:
        key = str(key)
        if key in self._touched:
            return True
        return key not in self._deleted and key in self._live

    def __iter__(self) -> Iterator[str]:
        for key in self._live:
            if key not in self._deleted:
                yield key
        for key in self._touched:
            if key not in self._live:
                yield key

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def clear(self) -> None:
        self._touched.clear()
        self._deleted = set(self._live)

    def changes(self) -> tuple[dict[str, Doc], list[str]]:
        sets = {k: v for k, v in self._touched.items() if self._live.get(k) != v}
        deletes = [k for k in self._deleted if k in self._live]
        return sets, deletes


class JournalTable(Table):
    """A TinyDB table with string document ids whose writes journal only what changed.

    Natural keys (an event's slug, a delivery's key) are the document ids, so reads by id
    are dictionary look-ups. Inserts without an id get the next free number, as strings.
    """

    document_id_class = str  # type: ignore[assignment]  # natural keys, not numbers

    def _get_next_id(self) -> str:
        cached: int | None = self._next_id
        if cached is None:
            cached = max((int(k) for k in self._read_table() if k.isdigit()), default=0) + 1
        self._next_id = cached + 1  # type: ignore[assignment]  # tinydb types it as None
        return str(cached)

    def get(self, *args: Any, **kwargs: Any) -> Any:
        """As TinyDB's, but a document read by id is a deep copy: changing it changes nothing.

        (``search`` and iteration hand out TinyDB's shallow copies: treat them as read-only.)
        """
        found = super().get(*args, **kwargs)
        return copy.deepcopy(found) if isinstance(found, dict) else found

    def peek(self, doc_id: str) -> Mapping[str, Any] | None:
        """The stored document itself, without a copy: for reading a field, never for changing.

        Hot paths (has this article been seen? was this reminder sent?) ask this thousands
        of times per poll; a deep copy each time was most of their cost.
        """
        return self._read_table().get(str(doc_id))

    def _update_table(self, updater: Callable[[Any], None]) -> None:
        storage = self._storage
        assert isinstance(storage, JournalStorage), "JournalTable needs a JournalStorage"
        view = _ChangeView(storage.table_data(self.name))
        updater(view)
        sets, deletes = view.changes()
        if sets or deletes:
            storage.apply(self.name, sets, deletes)
        self.clear_cache()
