"""Store.handling: an update's writes and its "handled" mark are durable together or not at all."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.store import Store
from bot.store.journal import JournalStorage
from tests.bot.store.test_journal_storage import crash_copy, journal_of

AT = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)


def clock() -> datetime:
    return AT


def journal_lines(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in journal_of(path).read_bytes().splitlines()]


def test_writes_are_visible_at_once_and_durable_in_one_line_with_the_done_mark(
    tmp_path: Path,
) -> None:
    path = tmp_path / "db.json"
    with Store(path) as store:
        store.updates.receive(7, {"update_id": 7}, at=AT)
        before = len(journal_lines(path))
        with store.handling(7, clock=clock):
            store.deliveries.record("k", "sent", at=AT)
            store.audit.append(actor="a", action="event.add", detail="x", at=AT)
            assert store.deliveries.is_done("k")  # the handler reads its own writes
            assert len(journal_lines(path)) == before  # ... which are not on disk yet
            crashed = crash_copy(path, tmp_path / "crashed")
        lines = journal_lines(path)
        assert len(lines) == before + 1
        tables = {change["table"] for change in lines[-1]["changes"]}  # type: ignore[union-attr]
        assert tables == {"deliveries", "audit", "updates"}
        assert store.updates.is_done(7)
        assert store.updates.unfinished() == []

    with Store(crashed) as again:  # a crash inside the block: nothing of it, and it replays
        assert not again.deliveries.is_done("k")
        assert again.audit.recent() == []
        assert again.updates.unfinished() == [{"update_id": 7}]
    with Store(path) as again:
        assert again.deliveries.is_done("k")
        assert again.updates.is_done(7)
        assert again.updates.next_offset() == 8


def test_a_failing_handler_still_commits_and_is_not_handled_again(tmp_path: Path) -> None:
    path = tmp_path / "db.json"
    with Store(path) as store:
        store.updates.receive(8, {"update_id": 8}, at=AT)

        def failing_handler() -> None:
            with store.handling(8, clock=clock):
                store.deliveries.record("k", "sent", at=AT)
                raise RuntimeError("handler bug")

        with pytest.raises(RuntimeError):
            failing_handler()
    with Store(path) as again:
        assert again.deliveries.is_done("k")
        assert again.updates.unfinished() == []


@pytest.mark.asyncio
async def test_other_tasks_write_straight_through_while_a_handler_is_open(tmp_path: Path) -> None:
    path = tmp_path / "db.json"
    release = asyncio.Event()
    with Store(path, compact_min=2) as store:

        async def handler() -> None:
            with store.handling(9, clock=clock):
                store.deliveries.record("handler", "sent", at=AT)
                await release.wait()

        running = asyncio.create_task(handler())
        await asyncio.sleep(0)  # the handler is inside its block now
        for n in range(20):  # a reminder job writing meanwhile, enough to want compaction
            store.deliveries.record("reminder", "sent", at=AT, detail=str(n))
        crashed = crash_copy(path, tmp_path / "crashed")
        release.set()
        await running
    with Store(crashed) as copy:
        assert copy.deliveries.is_done("reminder")  # durable when it returned
        assert not copy.deliveries.is_done("handler")  # no snapshot took it early
    with Store(path) as again:
        assert again.deliveries.is_done("handler")


def test_handled_updates_are_pruned_but_the_offset_is_kept(tmp_path: Path) -> None:
    with Store(tmp_path / "db.json") as store:
        for update_id in (1, 2, 3):
            store.updates.receive(update_id, {"update_id": update_id}, at=AT)
            with store.handling(update_id, clock=clock):
                pass
        store.updates.receive(4, {"update_id": 4}, at=AT)  # not handled yet: kept
        assert store.updates.prune(older_than=datetime(2027, 1, 1, tzinfo=UTC)) == 3
        assert store.updates.next_offset() == 5
        assert store.updates.unfinished() == [{"update_id": 4}]
        assert not store.updates.receive(4, {"update_id": 4}, at=AT)  # a resend is ignored
        with store.handling(4, clock=clock):
            pass
        assert store.updates.prune(older_than=datetime(2027, 1, 1, tzinfo=UTC)) == 0
        assert store.updates.next_offset() == 5  # the newest stays: polling resumes after it


def test_a_batched_write_reads_back_as_a_restart_reads_it(tmp_path: Path) -> None:
    """What a batch holds in memory is what the journal replays: tuples become lists, and
    keys that are not strings (which the fast path refuses, so json decides) strings."""
    path = tmp_path / "db.json"
    record = {"n": 7, "pair": ("a", "b"), "by": {1: "x"}, "text": "मोदी ✓"}
    with Store(path) as store:
        storage = store._db.storage
        assert isinstance(storage, JournalStorage)
        with storage.transaction():
            store.articles.add("k", record, at=AT)
            in_memory = store.articles.get("k")
        crashed = crash_copy(path, tmp_path / "crashed")
    with Store(crashed) as store:
        replayed = store.articles.get("k")
    assert in_memory == replayed
    assert replayed is not None
    assert replayed["pair"] == ["a", "b"]
    assert replayed["by"] == {"1": "x"}
    assert replayed["text"] == "मोदी ✓"
