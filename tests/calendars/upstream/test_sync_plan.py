"""The sync plan: what a poll adds, changes, cancels and holds, decided without I/O."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from calendars.events import Event, Status
from calendars.ical.importer import ImportReport, Skipped, SourceKey
from calendars.origins import Origin, upstream_event_id
from calendars.upstream.plan import (
    HOLD_MIN,
    incoming_events,
    plan_sync,
    plan_unchanged,
    summary_of,
)
from calendars.upstream.source import UpstreamSource

NOW = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
SOURCE = UpstreamSource(
    id="s0a1b2c3",
    url="https://x.example/c.ics",
    name="x",
    topics=("sco",),
    added_at=NOW,
    next_poll=NOW,
)


def parsed(uid: str, *, days: float = 3, title: str = "Talks", **fields: object) -> Event:
    start = NOW + timedelta(days=days)
    return Event(
        id="ics-" + uid,
        title=title,
        start=start,
        end=start + timedelta(hours=2),
        **fields,  # type: ignore[arg-type]
    )


def report(*events: Event, left_out: tuple[Event, ...] = ()) -> ImportReport:
    keys = {e.id: SourceKey(e.id.removeprefix("ics-")) for e in events}
    return ImportReport(events=events, keys=keys, left_out=left_out)


def stored(*events: Event) -> list[Event]:
    """What a first poll of ``events`` stored."""
    return list(incoming_events(SOURCE, report(*events)).values())


def test_new_entries_are_added_with_the_sources_topics_origin_and_stable_ids() -> None:
    plan = plan_sync(SOURCE, [], report(parsed("a"), parsed("b")), now=NOW)
    first = plan.adds[0]
    assert [e.id for e in plan.adds] == [
        upstream_event_id(SOURCE.id, "a", None),
        upstream_event_id(SOURCE.id, "b", None),
    ]
    assert first.tags == ("sco",)
    assert first.origin == Origin(SOURCE.id, "a", None)
    assert upstream_event_id(SOURCE.id, "a", "20261204") != first.id
    assert not plan.held()  # a first poll is never held


def test_followed_fields_change_but_pinned_ones_stay_and_time_is_pinned_whole() -> None:
    (ours,) = stored(parsed("a"))
    ours = dataclasses.replace(ours, pinned=frozenset({"title", "end"}))
    theirs = parsed("a", days=4, title="New title", location="Delhi", status=Status.CANCELLED)
    plan = plan_sync(SOURCE, [ours], report(theirs), now=NOW)
    (update,) = plan.updates
    assert dict(update.changes) == {"location": "Delhi", "status": Status.CANCELLED}


def test_past_events_and_concluded_status_are_left_alone() -> None:
    (past,) = stored(parsed("a", days=-3))
    concluded = dataclasses.replace(stored(parsed("b", days=-0.2))[0], status=Status.CONCLUDED)
    incoming = report(parsed("a", days=-3, title="Renamed"), parsed("b", days=-0.2))
    plan = plan_sync(SOURCE, [past, concluded], incoming, now=NOW)
    assert plan.updates == ()
    assert plan.unchanged == 2


def test_missing_twice_in_a_row_cancels_and_a_parse_over_the_limit_counts_nothing() -> None:
    ours = stored(parsed("a"), parsed("b"))
    once = plan_sync(SOURCE, ours, report(parsed("a")), now=NOW)
    assert (once.cancels, dict(once.missing), once.newly_missing) == ((), {ours[1].id: 1}, 1)
    counted = dataclasses.replace(SOURCE, missing=once.missing)
    twice = plan_sync(counted, ours, report(parsed("a")), now=NOW)
    assert twice.cancels == (ours[1].id,)
    truncated = plan_sync(counted, ours, report(parsed("a"), left_out=(parsed("z"),)), now=NOW)
    assert truncated.cancels == ()
    assert dict(truncated.missing) == {ours[1].id: 1}
    back = plan_sync(counted, ours, report(parsed("a"), parsed("b")), now=NOW)
    assert dict(back.missing) == {}
    assert plan_unchanged(counted, ours, now=NOW).cancels == (ours[1].id,)
    assert plan_unchanged(SOURCE, ours, now=NOW).cancels == ()


def test_a_poll_is_held_over_half_and_at_least_the_minimum() -> None:
    ours = stored(*(parsed(f"a{n}") for n in range(HOLD_MIN)))
    small = stored(*(parsed(f"s{n}") for n in range(5)))
    churn = report(*(parsed(f"b{n}") for n in range(HOLD_MIN)))
    assert plan_sync(SOURCE, ours, churn, now=NOW).held()
    assert not plan_sync(
        SOURCE, small, report(*(parsed(f"b{n}") for n in range(10))), now=NOW
    ).held()
    grown = report(
        *(parsed(f"a{n}") for n in range(HOLD_MIN)), *(parsed(f"c{n}") for n in range(10))
    )
    assert not plan_sync(SOURCE, ours, grown, now=NOW).held()  # 10 new of 20: half, not over


def test_skip_reasons_are_grouped_commonest_first() -> None:
    skipped = (*(Skipped(f"e{n}", "no title") for n in range(3)), Skipped("x", "odd"))
    summary = summary_of(ImportReport(events=(), skipped=skipped))
    assert summary.skipped == (("no title", 3), ("odd", 1))


@settings(deadline=None)  # a loaded CI host must not fail a correct parse
@given(st.lists(st.sampled_from(["a", "b", "c", "d"]), max_size=4), st.integers(0, 3))
def test_a_plan_never_touches_one_event_twice(present: list[str], days: int) -> None:
    ours = stored(parsed("a"), parsed("b"), parsed("c"))
    incoming = report(*(parsed(uid, days=days + 1) for uid in dict.fromkeys(present)))
    plan = plan_sync(SOURCE, ours, incoming, now=NOW)
    touched = [e.id for e in plan.adds] + [u.event_id for u in plan.updates] + list(plan.cancels)
    assert len(touched) == len(set(touched))
    assert plan.changed + plan.unchanged >= len(touched)
