"""The upstream calendars table: kept across restarts; databases from before it still open."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.store import Store
from calendars.events import Event
from calendars.upstream.source import UpstreamSource

NOW = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)


def test_sources_survive_a_restart_and_a_removed_one_is_not_written_back(tmp_path: Path) -> None:
    path = tmp_path / "db.json"
    source = UpstreamSource(
        id="s1", url="https://x.example/c.ics", name="x", added_at=NOW, next_poll=NOW
    )
    with Store(path) as store:
        store.upstream_sources.save(source)
        polled = source.succeeded(at=NOW, interval=timedelta(minutes=30), missing={"s1-a": 1})
        assert store.upstream_sources.update(polled)
    with Store(path) as store:
        assert store.upstream_sources.all() == [polled]
        assert store.upstream_sources.remove("s1")
        assert not store.upstream_sources.update(polled)  # removed while it was polled
        assert store.upstream_sources.all() == []


def test_a_database_from_before_upstream_calendars_opens_with_its_events(tmp_path: Path) -> None:
    path = tmp_path / "db.json"
    start = NOW + timedelta(days=3)
    record = Event(id="talks", title="Talks", start=start, end=start + timedelta(hours=1))
    with Store(path) as store:
        store.events.save(record, by_admin=True)
    snapshot = json.loads(path.read_bytes())  # closed: one snapshot, no journal
    for doc in snapshot["tables"]["events"].values():  # as written before issue 12
        del doc["data"]["origin"], doc["data"]["pinned"]
    snapshot["tables"].pop("upstream_sources", None)
    path.write_text(json.dumps(snapshot), encoding="utf-8")
    with Store(path) as store:
        (event,) = store.events.all()
        assert (event.origin, event.pinned) == (None, frozenset())
        assert store.upstream_sources.all() == []
        assert dataclasses.replace(event, updated=record.updated) == record
