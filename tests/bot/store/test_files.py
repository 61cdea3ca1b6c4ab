"""One process per database, and files only their owner can read."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.store import Store
from bot.store.backup import export_database
from bot.store.files import atomic_write
from calendars.errors import StoreLocked

AT = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(params=[0o022, 0o000, 0o077], ids=["umask-022", "umask-000", "umask-077"])
def umask(request: pytest.FixtureRequest) -> Iterator[int]:
    old = os.umask(request.param)
    try:
        yield request.param
    finally:
        os.umask(old)


def test_a_second_store_on_the_same_database_is_refused_naming_the_lock_and_the_pid(
    tmp_path: Path,
) -> None:
    path = tmp_path / "summitwatch.json"
    with Store(path) as first:
        first.deliveries.record("kept", "sent", at=AT)
        with pytest.raises(StoreLocked) as refused:
            Store(path)
        message = str(refused.value)
        assert f"{path}.lock" in message
        assert f"process {os.getpid()}" in message
        assert refused.value.pid == os.getpid()
        first.deliveries.record("after-the-refusal", "sent", at=AT)  # the first one carries on
    with Store(path) as again:  # closing released the lock
        assert again.deliveries.is_done("kept")
        assert again.deliveries.is_done("after-the-refusal")


def test_a_refused_start_leaves_the_database_files_alone(tmp_path: Path) -> None:
    path = tmp_path / "summitwatch.json"
    with Store(path) as first:
        first.deliveries.record("a", "sent", at=AT)
        before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
        with pytest.raises(StoreLocked):
            Store(path)
        assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


def test_export_refuses_while_the_database_is_open(tmp_path: Path) -> None:
    path = tmp_path / "summitwatch.json"
    with Store(path) as store:
        store.deliveries.record("a", "sent", at=AT)
        with pytest.raises(StoreLocked, match="is locked by process"):
            export_database(path, tmp_path / "backup.json")
    assert not (tmp_path / "backup.json").exists()
    export_database(path, tmp_path / "backup.json")  # stopped: now it works
    assert (tmp_path / "backup.json").exists()


def test_every_database_file_is_private_whatever_the_umask(tmp_path: Path, umask: int) -> None:
    path = tmp_path / "db" / "summitwatch.json"
    with Store(path, compact_min=2) as store:
        for n in range(10):  # enough to compact: a snapshot is written while open
            store.deliveries.record("latest", "sent", at=AT, detail=str(n))
        assert path.exists()
        for name in ("summitwatch.json", "summitwatch.json.journal", "summitwatch.json.lock"):
            assert mode(path.parent / name) == 0o600, name
    assert mode(path) == 0o600  # the snapshot written at close
    export_database(path, tmp_path / "backup.json")
    assert mode(tmp_path / "backup.json") == 0o600


def test_files_an_older_version_left_world_readable_are_made_private(tmp_path: Path) -> None:
    path = tmp_path / "summitwatch.json"
    with Store(path) as store:
        store.deliveries.record("a", "sent", at=AT)
    for name in ("summitwatch.json", "summitwatch.json.journal", "summitwatch.json.lock"):
        (tmp_path / name).chmod(0o644)
    with Store(path) as store:
        for name in ("summitwatch.json", "summitwatch.json.journal", "summitwatch.json.lock"):
            assert mode(tmp_path / name) == 0o600, name
        assert store.deliveries.is_done("a")


def test_atomic_write_replaces_a_file_whole_and_private(tmp_path: Path, umask: int) -> None:
    target = tmp_path / "backup.json"
    target.write_bytes(b"old")
    target.chmod(0o644)
    atomic_write(target, b"new contents")
    assert target.read_bytes() == b"new contents"
    assert mode(target) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["backup.json"]  # no temporary left over


def test_a_symlinked_database_path_locks_and_writes_the_file_it_points_to(
    tmp_path: Path,
) -> None:
    (tmp_path / "real").mkdir()
    target = tmp_path / "real" / "summitwatch.json"
    link = tmp_path / "link.json"
    link.symlink_to(target)
    with Store(link) as through_link:
        through_link.deliveries.record("kept", "sent", at=AT)
        with pytest.raises(StoreLocked):
            Store(target)  # the same database by its own name: one process only
    with Store(link) as again:  # a snapshot replaced the target, not the link
        assert again.deliveries.is_done("kept")
    assert link.is_symlink()
    assert target.is_file()
    with Store(target) as direct:
        assert direct.deliveries.is_done("kept")
