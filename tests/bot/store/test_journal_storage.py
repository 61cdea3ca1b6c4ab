"""The database as an operator meets it: writes kept across restarts and crashes, damaged
files refused without being touched, a journal that stays short.

"Crash" here means: copy the snapshot and journal while the store is still open, and open
the copy. Every acknowledged write has been appended and fsynced, so the copy is exactly
what a SIGKILL at that moment would leave on disk (``test_store_crash`` kills for real).
"""

from __future__ import annotations

import gc
import json
import logging
import os
import shutil
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from tinydb import Query, TinyDB
from tinydb.operations import add
from tinydb.table import Document

import bot.store.journal as journal_module
from bot.store import Store
from bot.store.journal import JournalStorage, JournalTable
from calendars.errors import StoreCorrupted, StoreError
from calendars.events import Event
from calendars.subscribers import Subscriber

AT = datetime(2030, 5, 1, 9, 30, tzinfo=UTC)
KOLKATA = ZoneInfo("Asia/Kolkata")
FORMAT = "summitwatch-store"


class _Database(TinyDB):
    table_class = JournalTable


@contextmanager
def opened(path: Path, **options: Any) -> Iterator[TinyDB]:
    """The raw TinyDB API over JournalStorage, as ``Store`` builds it."""
    db = _Database(path, storage=JournalStorage, **options)
    try:
        yield db
    finally:
        db.close()


def journal_of(path: Path) -> Path:
    return path.with_name(path.name + ".journal")


def journal_entries(path: Path) -> list[dict[str, Any]]:
    journal = journal_of(path)
    if not journal.exists():
        return []
    return [json.loads(line) for line in journal.read_bytes().splitlines()]


def crash_copy(path: Path, directory: Path) -> Path:
    """What a SIGKILL now would leave on disk: the snapshot and journal, copied."""
    directory.mkdir(parents=True)
    for source in (path, journal_of(path)):
        if source.exists():
            shutil.copyfile(source, directory / source.name)
    return directory / path.name


def reopen_path(close: Callable[[], None], path: Path, tmp_path: Path, how: str) -> Path:
    """Close cleanly (``how == "close"``) or "crash" first; return the path to reopen."""
    if how == "crash":
        copy = crash_copy(path, tmp_path / "after-crash")
        close()
        return copy
    close()
    return path


def files_in(directory: Path) -> dict[str, bytes]:
    """The database's files; the lock file only names whoever last opened it."""
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir()) if p.suffix != ".lock"}


def rows(db: TinyDB, table: str) -> dict[str, dict[str, Any]]:
    return {str(doc.doc_id): dict(doc) for doc in db.table(table)}


def make_event(event_id: str = "sco-summit-2030", **changes: Any) -> Event:
    fields: dict[str, Any] = {
        "id": event_id,
        "title": "SCO Summit",
        "start": datetime(2030, 7, 1, 10, tzinfo=KOLKATA),
        "end": datetime(2030, 7, 2, 18, tzinfo=KOLKATA),
        "timezone": "Asia/Kolkata",
        "tags": ("sco",),
        "created": AT,
        "updated": AT,
    }
    fields.update(changes)
    return Event(**fields)


def make_subscriber(subscriber_id: str = "chat-1") -> Subscriber:
    return Subscriber(
        id=subscriber_id,
        zone="Asia/Kolkata",
        topics=frozenset({"sco"}),
        offsets=(timedelta(days=1), timedelta(hours=1)),
        subscribed_at=AT,
        reminders_since=AT,
    )


def three_line_journal(tmp_path: Path) -> Path:
    """A crashed database whose journal holds exactly three entries (seq 1, 2, 3)."""
    path = tmp_path / "live" / "db.json"
    with opened(path) as db:
        table = db.table("t")
        for value in (1, 2, 3):
            table.insert({"value": value})
        crashed = crash_copy(path, tmp_path / "crashed")
    assert [entry["seq"] for entry in journal_entries(crashed)] == [1, 2, 3]
    return crashed


# ---- writes survive a restart -------------------------------------------------------------


@pytest.mark.parametrize("how", ["close", "crash"])
def test_store_writes_are_all_there_after_a_restart(tmp_path: Path, how: str) -> None:
    path = tmp_path / "data" / "summitwatch.json"  # the directory is created on demand
    store = Store(path)
    event = make_event()
    store.events.save(event)
    moved = event.revised(now=AT + timedelta(hours=1), title="SCO Summit (moved)")
    store.events.save(moved)
    store.events.save(make_event("g20-2030", title="G20 Summit"))
    assert store.events.remove("g20-2030")
    subscriber = make_subscriber()
    store.subscribers.save(subscriber)
    store.deliveries.record("rem:sco:1d:chat-1", "sent", at=AT)
    store.deliveries.record("rem:sco:1h:chat-1", "failed", at=AT, detail="timeout")
    store.deliveries.record("rem:sco:1h:chat-1", "sent", at=AT)  # upsert by key
    store.audit.append(actor="admin:42", action="event.edit", detail="moved", at=AT)

    with Store(reopen_path(store.close, path, tmp_path, how)) as again:
        assert again.events.get("sco-summit-2030") == moved
        assert again.events.get("sco-summit-2030").sequence == 1
        assert "g20-2030" not in again.events
        assert again.subscribers.get("chat-1") == subscriber
        assert again.deliveries.is_done("rem:sco:1d:chat-1")
        assert again.deliveries.is_done("rem:sco:1h:chat-1")
        assert again.deliveries.counts() == {"sent": 2}
        assert again.audit.recent() == [
            {
                "actor": "admin:42",
                "action": "event.edit",
                "detail": "moved",
                "at": "2030-05-01T09:30:00+00:00",
            }
        ]


@pytest.mark.parametrize("how", ["close", "crash"])
def test_every_kind_of_table_write_survives_a_restart(tmp_path: Path, how: str) -> None:
    path = tmp_path / "db.json"
    thing = Query()
    with opened(path) as db:
        things = db.table("things")
        things.insert({"name": "a", "n": 1})  # id "1"
        things.insert_multiple([{"name": "b", "n": 2}, {"name": "c", "n": 3}])  # "2", "3"
        things.upsert(Document({"name": "keyed", "n": 10}, doc_id="k-1"))
        things.upsert(Document({"n": 11}, doc_id="k-1"))
        things.update({"n": 20}, thing.name == "b")
        things.update(lambda doc: doc.update(flag=True), doc_ids=["3"])
        things.remove(thing.name == "a")
        scratch = db.table("scratch")
        scratch.insert_multiple({"i": i} for i in range(5))
        scratch.truncate()
        expected = {
            "2": {"name": "b", "n": 20},
            "3": {"name": "c", "n": 3, "flag": True},
            "k-1": {"name": "keyed", "n": 11},
        }
        assert rows(db, "things") == expected
        reopened = crash_copy(path, tmp_path / "crashed") if how == "crash" else path
    with opened(reopened) as again:
        assert rows(again, "things") == expected
        assert rows(again, "scratch") == {}


def test_audit_entries_written_after_a_restart_never_overwrite_earlier_ones(
    tmp_path: Path,
) -> None:
    path = tmp_path / "db.json"
    with Store(path) as store:
        store.audit.append(actor="admin", action="a", detail="first", at=AT)
        store.audit.append(actor="admin", action="b", detail="second", at=AT)
    with Store(path) as store:
        store.audit.append(actor="admin", action="c", detail="third", at=AT)
    with Store(path) as store:
        assert [entry["detail"] for entry in store.audit.recent()] == ["third", "second", "first"]


# ---- a crash in the middle of an append ---------------------------------------------------


@pytest.mark.parametrize(
    "tail",
    [
        b'{"seq":4,"table":"t","set":{"4":{"val',  # half a line, no newline
        b'{"seq":4,"table":"t","set":{},"delete":[]}',  # whole entry, newline never written
        b"\x00\x00\x00\x00\x00\x00",  # zero-filled block after a crash
        b"#!garbage\n",  # unreadable last line
    ],
    ids=["half-line", "missing-newline", "zero-bytes", "garbage-line"],
)
def test_a_torn_last_journal_line_is_cut_off_and_earlier_writes_are_kept(
    tmp_path: Path, tail: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    crashed = three_line_journal(tmp_path)
    journal = journal_of(crashed)
    intact = journal.read_bytes()
    journal.write_bytes(intact + tail)

    with caplog.at_level(logging.WARNING, logger="bot.store.journal"), opened(crashed) as db:
        assert [doc["value"] for doc in db.table("t")] == [1, 2, 3]
        assert journal.read_bytes() == intact  # the torn bytes are gone from disk
        db.table("t").insert({"value": 4})
        assert [entry["seq"] for entry in journal_entries(crashed)] == [1, 2, 3, 4]
        after_append = crash_copy(crashed, tmp_path / "after-append")
    assert "store.torn_write" in caplog.text
    assert "line=4" in caplog.text

    with opened(after_append) as again:
        assert [doc["value"] for doc in again.table("t")] == [1, 2, 3, 4]


def test_a_torn_first_write_leaves_an_empty_database(tmp_path: Path) -> None:
    path = tmp_path / "db.json"
    journal_of(path).write_bytes(b'{"seq":1,"table":"t","se')
    with opened(path) as db:
        assert rows(db, "t") == {}
        assert journal_of(path).read_bytes() == b""
        db.table("t").insert({"value": 1})
    with opened(path) as again:
        assert rows(again, "t") == {"1": {"value": 1}}


# ---- damage anywhere else: refuse to start, touch nothing ---------------------------------


@pytest.mark.parametrize(
    "bad_line",
    [
        b"#!garbage",
        b'{"seq":2,"table":"t"}',  # JSON, but not an entry
        b"[1, 2, 3]",
        b"\xff\xfe\x00\x01",  # not UTF-8
        b"",  # an empty line
    ],
    ids=["garbage", "incomplete-entry", "json-list", "binary", "empty"],
)
def test_a_corrupt_line_inside_the_journal_stops_the_start_and_changes_no_file(
    tmp_path: Path, bad_line: bytes
) -> None:
    crashed = three_line_journal(tmp_path)
    journal = journal_of(crashed)
    lines = journal.read_bytes().splitlines(keepends=True)
    journal.write_bytes(lines[0] + bad_line + b"\n" + lines[2])
    before = files_in(crashed.parent)

    with pytest.raises(StoreCorrupted) as raised:
        Store(crashed)

    assert raised.value.path == str(journal)
    assert str(journal) in str(raised.value)
    assert "line 2" in str(raised.value)
    assert files_in(crashed.parent) == before


SNAPSHOT_DAMAGE = {
    "truncated-json": (b'{"format": "summitwatch-store", "version": 1, "se', "not readable JSON"),
    "empty-file": (b"", "not readable JSON"),
    "binary": (b"\x89PNG\r\n\x1a\n\x00\x00", "not readable JSON"),
    "stock-tinydb-file": (b'{"_default": {"1": {"a": 1}}}', "not a SummitWatch database file"),
    "json-list": (b"[]", "not a SummitWatch database file"),
    "newer-version": (
        json.dumps({"format": FORMAT, "version": 2, "seq": 0, "tables": {}}).encode(),
        "unsupported version 2",
    ),
    "no-seq": (json.dumps({"format": FORMAT, "version": 1, "tables": {}}).encode(), "'seq'"),
    "malformed-table": (
        json.dumps({"format": FORMAT, "version": 1, "seq": 0, "tables": {"t": [1]}}).encode(),
        "table 't' is malformed",
    ),
}


@pytest.mark.parametrize("damage", SNAPSHOT_DAMAGE.values(), ids=SNAPSHOT_DAMAGE.keys())
def test_a_damaged_snapshot_refuses_the_start_names_the_file_and_changes_nothing(
    tmp_path: Path, damage: tuple[bytes, str]
) -> None:
    content, problem = damage
    path = tmp_path / "summitwatch.json"
    path.write_bytes(content)
    journal_of(path).write_bytes(b'{"seq":1,"table":"t","set":{"1":{"a":1}},"delete":[]}\n')
    before = files_in(tmp_path)

    with pytest.raises(StoreCorrupted) as raised:
        Store(path)

    assert raised.value.path == str(path)
    assert str(path) in str(raised.value)
    assert problem in str(raised.value)
    assert files_in(tmp_path) == before  # no rewrite, no temporary file, journal untouched


def test_a_damaged_snapshot_without_a_journal_does_not_create_one(tmp_path: Path) -> None:
    path = tmp_path / "summitwatch.json"
    path.write_bytes(b"{oops")
    with pytest.raises(StoreCorrupted):
        Store(path)
    assert files_in(tmp_path) == {"summitwatch.json": b"{oops"}


def test_a_missing_journal_entry_is_reported_rather_than_skipped(tmp_path: Path) -> None:
    crashed = three_line_journal(tmp_path)
    journal = journal_of(crashed)
    first, _, third = journal.read_bytes().splitlines(keepends=True)
    journal.write_bytes(first + third)
    before = files_in(crashed.parent)

    with pytest.raises(StoreCorrupted) as raised:
        Store(crashed)

    assert raised.value.path == str(journal)
    assert "line 2 has seq 3, expected 2" in str(raised.value)
    assert files_in(crashed.parent) == before


def test_a_journal_that_does_not_continue_the_snapshot_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "db.json"
    with opened(path) as db:
        for value in (1, 2, 3):
            db.table("t").insert({"value": value})
    assert json.loads(path.read_bytes())["seq"] == 3
    journal_of(path).write_bytes(b'{"seq":5,"table":"t","set":{"9":{"value":9}},"delete":[]}\n')
    before = files_in(tmp_path)

    with pytest.raises(StoreCorrupted, match="line 1 has seq 5, expected 4"):
        Store(path)
    assert files_in(tmp_path) == before


# ---- compaction ---------------------------------------------------------------------------


def test_the_journal_stays_short_and_the_snapshot_holds_everything(tmp_path: Path) -> None:
    path = tmp_path / "db.json"
    with opened(path, compact_min=8) as db:
        counters = db.table("counters")
        for i in range(5):
            counters.insert(Document({"n": -1}, doc_id=f"c{i}"))
        for step in range(300):
            counters.update({"n": step}, doc_ids=[f"c{step % 5}"])
            assert len(journal_entries(path)) <= 8
        expected = {f"c{i}": {"n": 295 + i} for i in range(5)}
        assert rows(db, "counters") == expected
        snapshot = json.loads(path.read_bytes())
        entries = journal_entries(path)
        assert snapshot["seq"] + len(entries) == 305
        assert snapshot["seq"] >= 305 - 8
        state = snapshot["tables"]["counters"]
        for entry in entries:  # the snapshot plus the few journal lines is the whole state
            state.update(entry["set"])
        assert state == expected
        crashed = crash_copy(path, tmp_path / "crashed")
    with opened(crashed, compact_min=8) as again:
        assert rows(again, "counters") == expected


def test_the_journal_never_grows_much_beyond_the_data(tmp_path: Path) -> None:
    path = tmp_path / "db.json"
    with Store(path, compact_min=10) as store:
        for n in range(200):
            store.deliveries.record(f"d-{n}", "sent", at=AT)  # one more record
            store.deliveries.record("latest", "sent", at=AT, detail=str(n))  # a rewrite
            assert len(journal_entries(path)) <= max(10, len(store.deliveries))
        assert json.loads(path.read_bytes())["seq"] > 200  # it did compact along the way


def test_a_crash_between_snapshot_and_journal_truncation_loses_and_repeats_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "db.json"
    crashed = tmp_path / "crashed" / "db.json"
    write_snapshot = journal_module._atomic_write

    def snapshot_then_crash(target: Path, payload: bytes) -> None:
        write_snapshot(target, payload)
        if not crashed.parent.exists():  # the first compaction: "crash" right after rename
            crash_copy(path, crashed.parent)

    monkeypatch.setattr(journal_module, "_atomic_write", snapshot_then_crash)
    with opened(path, compact_min=4) as db:
        table, audit = db.table("t"), db.table("audit")
        table.insert(Document({"v": 1}, doc_id="a"))  # seq 1
        table.remove(doc_ids=["a"])  # seq 2
        table.insert(Document({"v": 2}, doc_id="a"))  # seq 3
        audit.insert({"n": 1})  # seq 4
        audit.insert({"n": 2})  # seq 5: 5 lines > max(4, 3 records): compaction
        expected = {"t": rows(db, "t"), "audit": rows(db, "audit")}
    monkeypatch.undo()

    assert json.loads(crashed.read_bytes())["seq"] == 5
    assert [e["seq"] for e in journal_entries(crashed)] == [1, 2, 3, 4, 5]  # not truncated
    with opened(crashed) as again:
        assert {"t": rows(again, "t"), "audit": rows(again, "audit")} == expected
        again.table("audit").insert({"n": 3})  # seq 6, appended after the stale lines
        assert [e["seq"] for e in journal_entries(crashed)] == [1, 2, 3, 4, 5, 6]
        twice = crash_copy(crashed, tmp_path / "crashed-again")
    with opened(twice) as third:
        assert rows(third, "t") == {"a": {"v": 2}}
        assert rows(third, "audit") == {"1": {"n": 1}, "2": {"n": 2}, "3": {"n": 3}}


def test_journal_entries_older_than_the_snapshot_are_not_applied_again(tmp_path: Path) -> None:
    path = tmp_path / "db.json"
    with opened(path) as db:
        table = db.table("t")
        table.insert(Document({"v": 1}, doc_id="a"))  # seq 1
        table.remove(doc_ids=["a"])  # seq 2
        old_journal = journal_of(path).read_bytes()
        table.insert(Document({"v": 2}, doc_id="a"))  # seq 3
    assert json.loads(path.read_bytes())["seq"] == 3
    journal_of(path).write_bytes(old_journal)  # seqs 1-2, both already in the snapshot

    with opened(path) as again:  # replaying them would delete "a" again
        assert rows(again, "t") == {"a": {"v": 2}}


def test_closing_folds_the_journal_into_the_snapshot(tmp_path: Path) -> None:
    path = tmp_path / "db.json"
    store = Store(path)
    store.events.save(make_event())
    store.deliveries.record("rem:1", "sent", at=AT)
    assert len(journal_entries(path)) == 2
    store.close()
    store.close()  # a second close is harmless

    assert journal_of(path).read_bytes() == b""
    snapshot = json.loads(path.read_bytes())
    assert set(snapshot["tables"]["events"]) == {"sco-summit-2030"}
    assert set(snapshot["tables"]["deliveries"]) == {"rem:1"}
    with Store(path) as again:
        assert again.events.get("sco-summit-2030") == make_event()
        assert again.deliveries.is_done("rem:1")


def test_writes_that_change_nothing_add_no_journal_line(tmp_path: Path) -> None:
    path = tmp_path / "db.json"
    journal = journal_of(path)
    with Store(path) as store:
        store.deliveries.record("rem:1", "sent", at=AT)
        store.events.save(make_event())
        size = journal.stat().st_size

        store.deliveries.record("rem:1", "sent", at=AT)
        store.events.save(make_event())
        table = store._db.table("deliveries")
        table.update({"status": "sent"}, doc_ids=["rem:1"])
        table.update({"status": "failed"}, Query().status == "no such status")
        table.remove(doc_ids=["no-such-key"])
        assert journal.stat().st_size == size

        store.deliveries.record("rem:1", "skipped", at=AT)
        assert journal.stat().st_size > size
        assert len(journal_entries(path)) == 3


def test_searches_see_the_latest_writes(tmp_path: Path) -> None:
    delivery = Query()
    with opened(tmp_path / "db.json") as db:
        table = db.table("deliveries")
        assert table.search(delivery.status == "failed") == []  # now cached
        table.insert(Document({"status": "failed"}, doc_id="k1"))
        assert [doc.doc_id for doc in table.search(delivery.status == "failed")] == ["k1"]
        table.update({"status": "sent"}, doc_ids=["k1"])
        assert table.search(delivery.status == "failed") == []
        assert table.count(delivery.status == "sent") == 1
        table.remove(doc_ids=["k1"])
        assert table.count(delivery.status == "sent") == 0


# ---- refusing writes ----------------------------------------------------------------------


def test_a_closed_store_refuses_writes_and_keeps_its_files(tmp_path: Path) -> None:
    path = tmp_path / "db.json"
    store = Store(path)
    store.deliveries.record("rem:1", "sent", at=AT)
    store.close()
    before = files_in(tmp_path)

    writes: list[Callable[[], object]] = [
        lambda: store.deliveries.record("rem:2", "sent", at=AT),
        lambda: store.audit.append(actor="admin", action="x", detail="", at=AT),
        lambda: store.events.save(make_event()),
        lambda: store.subscribers.save(make_subscriber()),
    ]
    for write in writes:
        with pytest.raises(StoreError, match="closed"):
            write()

    assert store.events.get("sco-summit-2030") is None  # memory agrees with the disk
    assert store.subscribers.get("chat-1") is None
    assert files_in(tmp_path) == before


def test_a_failed_journal_append_is_reported_and_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Store(tmp_path / "db.json") as store:
        store.deliveries.record("rem:1", "failed", at=AT)

        def disk_error(fd: int) -> None:
            raise OSError(5, "Input/output error")

        monkeypatch.setattr(os, "fsync", disk_error)
        with pytest.raises(StoreError, match="Input/output error"):
            store.deliveries.record("rem:1", "sent", at=AT)
        with pytest.raises(StoreError):
            store.events.save(make_event())
        monkeypatch.undo()

        assert not store.deliveries.is_done("rem:1")
        assert store.events.get("sco-summit-2030") is None


# ---- failure paths: a failed write, a nested update, a failed compaction, a refused start ----


def test_an_acknowledged_write_after_a_failed_one_survives_a_restart(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "db.json"
    with Store(path) as store:
        store.deliveries.record("rem:1", "failed", at=AT)

        def disk_error(fd: int) -> None:
            raise OSError(5, "Input/output error")

        monkeypatch.setattr(os, "fsync", disk_error)
        with pytest.raises(StoreError):
            store.deliveries.record("rem:1", "sent", at=AT, detail="reported as failed")
        monkeypatch.undo()
        store.deliveries.record("rem:1", "skipped", at=AT, detail="acknowledged")
        crashed = crash_copy(path, tmp_path / "crashed")

    with Store(crashed) as again:
        doc = again._db.table("deliveries").get(doc_id="rem:1")
        assert doc is not None
        assert doc["detail"] == "acknowledged"


def test_an_in_place_update_of_a_list_field_survives_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "db.json"
    with opened(path) as db:
        table = db.table("t")
        table.insert({"tags": ["a"]})
        table.update(add("tags", ["b"]), doc_ids=["1"])
        assert rows(db, "t") == {"1": {"tags": ["a", "b"]}}
        crashed = crash_copy(path, tmp_path / "crashed")
    with opened(crashed) as again:
        assert rows(again, "t") == {"1": {"tags": ["a", "b"]}}


def test_a_write_is_not_reported_failed_when_only_the_compaction_failed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def disk_full(path: Path, payload: bytes) -> None:
        raise StoreError(f"cannot write {path}: [Errno 28] No space left on device")

    with Store(tmp_path / "db.json", compact_min=3) as store:
        with monkeypatch.context() as patched:
            patched.setattr(journal_module, "_atomic_write", disk_full)
            for n in range(5):  # the 4th journal line asks for a compaction
                store.events.save(make_event(description=f"revision {n}"))
        saved = store.events.get("sco-summit-2030")
        assert saved is not None
        assert saved.description == "revision 4"


def test_a_refused_start_leaves_no_file_open(tmp_path: Path) -> None:
    path = tmp_path / "db.json"
    bad = {"format": FORMAT, "version": 1, "seq": 0, "tables": {"events": {"x": {"data": {}}}}}
    path.write_text(json.dumps(bad))

    def refused() -> str:
        try:
            Store(path)
        except StoreCorrupted as exc:
            return str(exc)
        return ""

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert "cannot be read" in refused()
        gc.collect()
    assert [w for w in caught if issubclass(w.category, ResourceWarning)] == []


# ---- short writes, aliasing between memory and disk, and reads that are written to ----


@contextmanager
def file_size_limit(limit: int) -> Iterator[None]:
    """Let this process's files grow to ``limit`` bytes: write() then stops short, as on
    a disk that fills up mid-line (SIGXFSZ ignored, so the kernel returns a short count)."""
    resource = pytest.importorskip("resource")
    signal = pytest.importorskip("signal")
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    previous = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        signal.signal(signal.SIGXFSZ, previous)


def test_a_write_the_disk_took_only_part_of_is_not_acknowledged(tmp_path: Path) -> None:
    path = tmp_path / "db.json"
    with Store(path) as store:
        store.deliveries.record("rem:1", "sent", at=AT)
        acknowledged = ["rem:1"]
        with file_size_limit(journal_of(path).stat().st_size + 20):
            try:
                store.deliveries.record("rem:2", "sent", at=AT)
                acknowledged.append("rem:2")
            except StoreError:
                pass  # refused: fine, as long as it is not acknowledged
        store.deliveries.record("rem:3", "sent", at=AT)  # the disk has room again
        acknowledged.append("rem:3")
        crashed = crash_copy(path, tmp_path / "crashed")

    with Store(crashed) as again:
        assert [key for key in acknowledged if not again.deliveries.is_done(key)] == []


def test_the_database_after_a_restart_is_the_one_written_before_it(tmp_path: Path) -> None:
    path = tmp_path / "db.json"
    with opened(path) as db:
        table = db.table("t")
        written = {"tags": ["a"], "pair": ("x", "y")}
        table.insert(written)
        written["tags"].append("changed by the caller afterwards")
        before = rows(db, "t")
        crashed = crash_copy(path, tmp_path / "crashed")
    with opened(crashed) as again:
        assert rows(again, "t") == before == {"1": {"tags": ["a"], "pair": ["x", "y"]}}


def test_modifying_a_document_that_was_read_does_not_change_the_database(
    tmp_path: Path,
) -> None:
    with opened(tmp_path / "db.json") as db:
        table = db.table("t")
        table.insert({"tags": ["a"]})
        read = table.get(doc_id="1")
        assert read is not None
        read["tags"].append("changed by a reader")
        assert rows(db, "t") == {"1": {"tags": ["a"]}}
