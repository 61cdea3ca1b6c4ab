"""Delivery outcomes written in groups: still durable before a send counts, never lost.

The broadcaster records the outcomes of sends that finish together in one journal line
(``bot.delivery.recording``). What must hold, as with one line per outcome: once
``deliver_all`` returns, a crash (the store released without its closing snapshot)
repeats nothing; a key being written is not sent twice; a write that fails fails every
send waiting on it, and after the restart the store then asks for, none of them counts
as delivered: they are sent again rather than skipped.
"""

from __future__ import annotations

import asyncio
import io
import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.delivery.broadcaster import Broadcaster, Delivery
from bot.delivery.notifier import ConsoleNotifier, Outcome, Outgoing
from bot.store import Store
from calendars.errors import StoreError
from calendars.subscribers import Subscriber

pytestmark = pytest.mark.asyncio

AT = datetime(2026, 12, 1, tzinfo=UTC)
READERS = 40


def at() -> datetime:
    return AT


def deliveries(tag: str) -> list[Delivery]:
    message = Outgoing(f"<b>{tag}</b>")
    return [
        (f"test:{tag}/{n}", Subscriber(id=str(n), title=f"Reader {n}", subscribed_at=AT), message)
        for n in range(READERS)
    ]


def journal_lines(store: Store) -> int:
    return len(store.path.with_name(store.path.name + ".journal").read_bytes().splitlines())


async def test_outcomes_are_on_disk_when_deliver_all_returns_in_fewer_writes(
    tmp_path: Path,
) -> None:
    printed = io.StringIO()
    store = Store(tmp_path / "db.json")
    broadcaster = Broadcaster(store=store, notifier=ConsoleNotifier(printed), clock=at)
    outcomes = await broadcaster.deliver_all(deliveries("moved"))
    assert outcomes == {Outcome.SENT: READERS}
    assert journal_lines(store) < READERS / 4  # grouped: 32 sends in flight share a line
    store.release()  # a crash: no closing snapshot, only what the journal holds

    reopened = Store(tmp_path / "db.json")
    again = Broadcaster(store=reopened, notifier=ConsoleNotifier(printed), clock=at)
    assert await again.deliver_all(deliveries("moved")) == {Outcome.SENT: READERS}
    reopened.close()
    assert printed.getvalue().count("moved") == READERS  # nobody got it twice


async def test_a_key_whose_outcome_is_being_written_is_not_sent_twice(tmp_path: Path) -> None:
    printed = io.StringIO()
    with Store(tmp_path / "db.json") as store:
        broadcaster = Broadcaster(store=store, notifier=ConsoleNotifier(printed), clock=at)
        key, subscriber, message = deliveries("once")[0]
        both = await asyncio.gather(
            broadcaster.deliver(key, subscriber, message),
            broadcaster.deliver(key, subscriber, message),
        )
        assert both == [Outcome.SENT, Outcome.SENT]
        assert store.deliveries.is_done(key)
    assert printed.getvalue().count("once") == 1


async def test_a_failed_write_fails_every_waiting_send_and_a_restart_sends_them_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    printed = io.StringIO()

    def disk_error(fd: int) -> None:
        raise OSError(5, "Input/output error")

    store = Store(tmp_path / "db.json")
    broadcaster = Broadcaster(store=store, notifier=ConsoleNotifier(printed), clock=at)
    monkeypatch.setattr(os, "fsync", disk_error)
    with pytest.raises(StoreError, match="Input/output error"):
        await broadcaster.deliver_all(deliveries("retry"))
    monkeypatch.undo()
    with pytest.raises(StoreError, match="refuses writes until restarted"):
        store.deliveries.record("test:other/1", "sent", at=AT)  # memory is ahead of disk
    store.release()  # the restart the store asked for

    with Store(tmp_path / "db.json") as reopened:
        assert not any(reopened.deliveries.is_done(key) for key, _, _ in deliveries("retry"))
        again = Broadcaster(store=reopened, notifier=ConsoleNotifier(printed), clock=at)
        # The disk is back: every chat is sent to (again, at worst), none is skipped.
        assert await again.deliver_all(deliveries("retry")) == {Outcome.SENT: READERS}
        assert all(reopened.deliveries.is_done(key) for key, _, _ in deliveries("retry"))
