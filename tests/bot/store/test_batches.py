"""``Store.batch``: writes that become durable together, fsynced from a worker thread.

Lines written by batches (in threads) and by direct writes (on the loop) at once must
land in order, each whole: a restart then reads back exactly what memory held.
"""

from __future__ import annotations

import asyncio
import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.store import Store
from calendars.errors import StoreError

pytestmark = pytest.mark.asyncio

AT = datetime(2026, 12, 1, tzinfo=UTC)


async def test_batches_from_threads_and_direct_writes_replay_exactly(tmp_path: Path) -> None:
    store = Store(tmp_path / "db.json")

    async def batched(tag: str) -> None:
        for i in range(30):
            async with store.batch():
                store.deliveries.record_many({f"{tag}/{i}/{j}": ("sent", AT) for j in range(5)})
                await asyncio.sleep(0)  # others write meanwhile, inside and outside batches
                store.deliveries.record(f"{tag}/{i}/late", "failed", at=AT)

    async def direct() -> None:
        for i in range(100):
            store.deliveries.record(f"direct/{i}", "sent", at=AT)
            await asyncio.sleep(0)

    await asyncio.gather(batched("a"), batched("b"), direct())
    held = store.dump()
    store.release()  # a crash: nothing folded into a snapshot, the journal replays
    with Store(tmp_path / "db.json") as again:
        assert again.dump() == held
        assert again.deliveries.counts() == {"sent": 2 * 30 * 5 + 100, "failed": 2 * 30}


async def test_a_batch_is_visible_at_once_and_on_disk_when_it_ends(tmp_path: Path) -> None:
    store = Store(tmp_path / "db.json")
    async with store.batch():
        store.deliveries.record("k/1", "sent", at=AT)
        assert store.deliveries.is_done("k/1")  # visible at once
        journal = tmp_path / "db.json.journal"
        assert journal.read_bytes() == b""  # not on disk yet: a crash now loses it whole
    store.release()  # a crash right after the batch ended
    with Store(tmp_path / "db.json") as again:
        assert again.deliveries.is_done("k/1")


async def test_a_batch_that_cannot_be_written_raises_and_stops_further_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def disk_error(fd: int) -> None:
        raise OSError(28, "No space left on device")

    store = Store(tmp_path / "db.json")

    async def record_in_a_batch() -> None:
        async with store.batch():
            store.deliveries.record("k/1", "sent", at=AT)
            monkeypatch.setattr(os, "fsync", disk_error)

    with pytest.raises(StoreError, match="No space left"):
        await record_in_a_batch()
    monkeypatch.undo()
    with pytest.raises(StoreError, match="refuses writes until restarted"):
        store.deliveries.record("k/2", "sent", at=AT)
    store.release()
    with Store(tmp_path / "db.json") as again:
        assert len(again.deliveries) == 0  # nothing half-written replays
