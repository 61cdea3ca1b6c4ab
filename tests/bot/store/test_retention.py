"""The retention rule: records go once they can no longer stop a duplicate, counts stay right."""

from __future__ import annotations

import tempfile
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.store import Store
from bot.store.alerts import PendingAlert
from bot.store.retention import KEEP
from calendars.reminders import reminder_key
from tests.conftest import timed_event

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def prune(store: Store, now: datetime) -> int:
    return sum(store.pruner.chunks(now))


def scan(store: Store) -> Counter[str]:
    return Counter(doc["status"] for doc in store._db.table("deliveries"))


def test_a_reminder_record_lives_until_its_event_has_been_over_for_the_margin(
    tmp_path: Path,
) -> None:
    with Store(tmp_path / "db.json") as store:
        talks = timed_event("talks", T0 + timedelta(days=2))
        store.events.save(talks)
        key = reminder_key(talks, timedelta(days=1), "42")
        store.deliveries.record(key, "sent", at=T0 + timedelta(days=1))
        assert prune(store, talks.ends_at + KEEP - timedelta(seconds=1)) == 0
        assert store.deliveries.is_done(key)
        assert prune(store, talks.ends_at + KEEP) == 1
        assert not store.deliveries.is_done(key)


def test_an_event_moved_later_keeps_the_records_of_its_earlier_start(tmp_path: Path) -> None:
    """The planner consults an earlier start's records after a move: they must stay."""
    with Store(tmp_path / "db.json") as store:
        first = timed_event("talks", T0 + timedelta(days=2))
        store.events.save(first)
        key = reminder_key(first, timedelta(days=1), "42")
        store.deliveries.record(key, "sent", at=T0 + timedelta(days=1))
        moved = first.revised(
            now=T0 + timedelta(days=1, hours=1),
            by="admin",
            start=first.start + timedelta(days=60),
            end=first.end + timedelta(days=60),
        )
        store.events.save(moved)
        assert prune(store, T0 + timedelta(days=30)) == 0
        assert store.deliveries.is_done(key)
        assert prune(store, moved.ends_at + KEEP) == 1


def test_a_deleted_events_records_go_after_the_margin(tmp_path: Path) -> None:
    with Store(tmp_path / "db.json") as store:
        talks = timed_event("talks", T0 + timedelta(days=2))
        store.deliveries.record(reminder_key(talks, timedelta(hours=1), "1"), "sent", at=T0)
        assert prune(store, talks.starts_at + KEEP - timedelta(seconds=1)) == 0
        assert prune(store, talks.starts_at + KEEP) == 1


def test_records_of_unfinished_work_stay_however_old(tmp_path: Path) -> None:
    """A broadcast, a change alert or a news notice still being sent resumes after a
    restart: its records are what keep it from repeating anyone."""
    late = T0 + timedelta(days=365)
    with Store(tmp_path / "db.json") as store:
        store.broadcasts.start("b1", html="hi", actor="admin", at=T0)
        store.deliveries.record("broadcast:b1/1", "sent", at=T0)
        talks = timed_event("talks", T0)
        store.events.save(talks)
        store.pending_alerts.put("talks", PendingAlert(talks, T0, T0, sending=1))
        store.deliveries.record("change:talks@20260301T090000.000000Z/1", "sent", at=T0)
        store.articles.add("a1", {"pending": True}, at=T0)
        store.deliveries.record("news:a1/1", "sent", at=T0)
        store.articles.add("a2", {"pending": False}, at=T0)
        store.held_notices.hold("2", "a2", at=T0)
        store.deliveries.record("news:a2/2", "skipped", at=T0)
        store.deliveries.record("someday:new-kind/1", "sent", at=T0)
        assert prune(store, late) == 0
        assert len(store.deliveries) == 5

        store.broadcasts.finish("b1")
        store.pending_alerts.remove("talks")
        store.articles.settle("a1")
        store.held_notices.release("2", ["a2"])
        assert prune(store, late) == 5  # the four settled ones, and the finished broadcast
        assert store.deliveries.is_done("someday:new-kind/1")  # an unknown kind is kept
        assert store.broadcasts.unfinished() == []


def test_digests_and_briefings_go_by_their_own_age(tmp_path: Path) -> None:
    with Store(tmp_path / "db.json") as store:
        for key in ("digest:abc/1", "quiet:def/1", "briefing:2026-03-01/1"):
            store.deliveries.record(key, "sent", at=T0)
        assert prune(store, T0 + KEEP - timedelta(seconds=1)) == 0
        assert prune(store, T0 + KEEP) == 3


def test_audit_entries_go_after_a_year_but_a_removed_source_is_remembered(
    tmp_path: Path,
) -> None:
    with Store(tmp_path / "db.json") as store:
        store.audit.append(actor="a", action="event.add", detail="talks", at=T0)
        store.audit.append(actor="a", action="feed.remove", detail="src", at=T0)
        prune(store, T0 + timedelta(days=366))
        assert [e["action"] for e in store.audit.recent()] == ["feed.remove"]
        assert store.audit.has("feed.remove", "src")


def test_counts_match_a_scan_and_totals_survive_pruning_and_restarts(tmp_path: Path) -> None:
    path = tmp_path / "db.json"
    with Store(path) as store:
        for n in range(5):
            store.deliveries.record(f"digest:{n}/1", "failed", at=T0)
            store.deliveries.record(f"digest:{n}/1", "sent", at=T0)  # a retry replaces it
        store.deliveries.record("digest:x/2", "gone", at=T0 + KEEP)
        assert store.delivery_tally.live == scan(store)
        assert store.delivery_tally.totals() == {"sent": 5, "gone": 1}
        assert prune(store, T0 + KEEP) == 5
        assert +store.delivery_tally.live == scan(store) == {"gone": 1}
        assert store.delivery_tally.totals() == {"sent": 5, "gone": 1}
    with Store(path) as again:  # restored at start: the scan, and what was pruned
        assert +again.delivery_tally.live == scan(again)
        assert again.delivery_tally.totals() == {"sent": 5, "gone": 1}
        assert again.deliveries.counts() == {"gone": 1}


@settings(max_examples=30, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(0, 6),
            st.sampled_from(["sent", "failed", "gone", "skipped"]),
            st.integers(0, 20),
        ),
        max_size=40,
    ),
    st.integers(0, 30),
    st.integers(0, 40),
)
def test_live_counts_always_equal_a_scan(
    writes: list[tuple[int, str, int]], prune_day: int, first_count: int
) -> None:
    with tempfile.TemporaryDirectory() as folder, Store(Path(folder) / "db.json") as store:
        for index, (n, status, day) in enumerate(writes):
            if index == first_count:  # counted when first asked, then kept right by watching
                assert +store.delivery_tally.live == scan(store)
            store.deliveries.record(f"briefing:{n}/1", status, at=T0 + timedelta(days=day))
        before = sum(scan(store).values())
        removed = prune(store, T0 + timedelta(days=prune_day))
        assert +store.delivery_tally.live == scan(store)
        assert sum(store.delivery_tally.totals().values()) == before
        assert sum(store.delivery_tally.pruned.values()) == removed


def test_an_articles_text_goes_once_nothing_can_send_it_but_it_is_still_known(
    tmp_path: Path,
) -> None:
    with Store(tmp_path / "db.json") as store:
        record = {"key": "a1", "title": "Talks", "link": "https://x.example/1", "pending": False}
        store.articles.add("a1", record, at=T0)
        store.articles.add("a2", {**record, "key": "a2", "pending": True}, at=T0)
        store.articles.add("a3", {**record, "key": "a3"}, at=T0)
        store.held_notices.hold("7", "a3", at=T0)
        store.articles.add("a4", {**record, "key": "a4"}, at=T0 + timedelta(days=1))
        prune(store, T0 + KEEP)
        assert store.articles.get("a1") == {"seen_at": T0.isoformat()}
        assert store.articles.seen("a1")  # never taken for new while the news retention lasts
        for kept in ("a2", "a3", "a4"):  # pending, held, or too recent: its text stays
            assert (store.articles.get(kept) or {}).get("title") == "Talks"
        assert [key for key, _ in store.articles.pending()] == ["a2"]
