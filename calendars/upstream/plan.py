"""What a poll of an upstream calendar changes: the sync plan, decided without any I/O.

Given the events a source gave us before and a fresh parse of what it serves now:

- an entry we do not have yet is added, with the source's topics as tags and its origin;
- an entry we have gets every followed field (``calendars.origins.FOLLOWED_FIELDS``) that
  differs, except fields an admin pinned by editing them (start, end and zone are one
  time: pinning one pins all three). Events over in both versions are left alone;
- an event missing from the poll is counted; missing from ``CANCEL_AFTER`` successful
  polls in a row it is cancelled (kept, with a history note); reappearing resets the
  count. Events already over or cancelled are not counted, nor one whose status an
  admin set (pinned: theirs to end), and nothing is counted when the parse left events
  out over the limit (we could not tell which were there);
- a plan that changes more than ``HOLD_SHARE`` of the source's live events, and at least
  ``HOLD_MIN`` of them, is *held*: reported to admins, applied only by /applysource. A
  calendar that re-issues every UID, or a publisher's botched export, must not become a
  flood of adds, cancels and alerts. A source's first poll is never held (an admin just
  added it, and it has nothing to flood yet).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from calendars.events import Event, Status, same_moment
from calendars.ical.importer import ImportReport, SourceKey
from calendars.origins import FOLLOWED_FIELDS, Origin, upstream_event_id
from calendars.upstream.source import HeldChange, PollSummary, UpstreamSource

__all__ = [
    "CANCEL_AFTER",
    "HOLD_MIN",
    "HOLD_SHARE",
    "FieldChanges",
    "SyncPlan",
    "plan_sync",
    "plan_unchanged",
    "summary_of",
    "unpinned",
]

CANCEL_AFTER = 2  # successful polls in a row an event must be missing from
HOLD_SHARE = 0.5  # a poll changing more than half of a source's live events ...
HOLD_MIN = 20  # ... and at least this many of them is held for an admin

_TIME = frozenset({"start", "end", "timezone"})
_UNSETTLED = frozenset({Status.RUMOURED, Status.ANNOUNCED, Status.CONFIRMED})


@dataclass(frozen=True, slots=True)
class FieldChanges:
    event_id: str
    changes: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class SyncPlan:
    """Adds, field changes and cancels for one poll, and the missing counts to keep."""

    adds: tuple[Event, ...] = ()
    updates: tuple[FieldChanges, ...] = ()
    cancels: tuple[str, ...] = ()
    missing: Mapping[str, int] = field(default_factory=dict)  # the counts after this poll
    newly_missing: int = 0
    unchanged: int = 0
    base: int = 0  # the source's live events (not over, not cancelled) before the poll

    @property
    def changed(self) -> int:
        return len(self.adds) + len(self.updates) + len(self.cancels) + self.newly_missing

    def held(self, *, share: float = HOLD_SHARE, minimum: int = HOLD_MIN) -> bool:
        """Too large to apply unseen (never on a source's first poll: ``base`` 0)."""
        return self.base > 0 and self.changed >= minimum and self.changed > share * self.base

    def held_change(self, *, at: datetime, body_hash: str) -> HeldChange:
        return HeldChange(
            at=at,
            body_hash=body_hash,
            adds=len(self.adds),
            updates=len(self.updates),
            cancels=len(self.cancels),
            missing=self.newly_missing,
            base=self.base,
        )


def summary_of(report: ImportReport, *, shown: int = 5) -> PollSummary:
    """The poll's counts for /sources: events, and skip reasons grouped, commonest first."""
    reasons: dict[str, int] = {}
    for skipped in report.skipped:
        reasons[skipped.reason] = reasons.get(skipped.reason, 0) + 1
    grouped = sorted(reasons.items(), key=lambda pair: (-pair[1], pair[0]))
    return PollSummary(len(report.events), tuple(grouped[:shown]), len(report.left_out))


def incoming_events(source: UpstreamSource, report: ImportReport) -> dict[str, Event]:
    """The report's events as ours: stable ids, the source's topics, their origin."""
    return {
        our_id: as_ours(source, event, key)
        for our_id, (event, key) in _by_our_id(source, report).items()
    }


def as_ours(source: UpstreamSource, event: Event, key: SourceKey) -> Event:
    """A parsed event as the source's: its stable id, the source's topics, its origin."""
    return dataclasses.replace(
        event,
        id=upstream_event_id(source.id, key.uid, key.recurrence_id),
        tags=source.topics,
        keywords=(),
        coverage=(),
        history=(),
        origin=Origin(source.id, key.uid, key.recurrence_id),
        pinned=frozenset(),
    )


def _by_our_id(source: UpstreamSource, report: ImportReport) -> dict[str, tuple[Event, SourceKey]]:
    """Parsed events by the id they have here (built into events only when added: a
    re-poll of 5,000 events compares fields, it need not rebuild and re-validate them)."""
    found: dict[str, tuple[Event, SourceKey]] = {}
    for event in report.events:
        key = report.keys.get(event.id)
        if key is None:
            continue
        our_id = upstream_event_id(source.id, key.uid, key.recurrence_id)
        found.setdefault(our_id, (event, key))  # the same entry twice: the first wins
    return found


def plan_sync(
    source: UpstreamSource, existing: Iterable[Event], report: ImportReport, *, now: datetime
) -> SyncPlan:
    """What to do with this poll (see the module's docstring); ``existing``: the events
    whose origin is ``source``."""
    incoming = _by_our_id(source, report)
    counting = not report.left_out
    updates: list[FieldChanges] = []
    cancels: list[str] = []
    missing: dict[str, int] = {}
    newly_missing = unchanged = base = 0
    known: set[str] = set()
    for event in existing:
        known.add(event.id)
        live = not event.cancelled and not event.is_over(now)
        base += live
        fresh = incoming.get(event.id)
        if fresh is not None:
            changes = _changes(event, fresh[0], now=now)
            if changes:
                updates.append(FieldChanges(event.id, changes))
            else:
                unchanged += 1
            continue
        if not live or "status" in event.pinned:  # an admin's status is theirs to end
            continue
        count = source.missing.get(event.id, 0) + (1 if counting else 0)
        if count >= CANCEL_AFTER:
            cancels.append(event.id)
        elif count:
            missing[event.id] = count
            if counting and count == 1:
                newly_missing += 1
    adds = tuple(
        as_ours(source, event, key)
        for our_id, (event, key) in incoming.items()
        if our_id not in known
    )
    return SyncPlan(
        adds=adds,
        updates=tuple(updates),
        cancels=tuple(cancels),
        missing=missing,
        newly_missing=newly_missing,
        unchanged=unchanged,
        base=base,
    )


def plan_unchanged(source: UpstreamSource, existing: Iterable[Event], *, now: datetime) -> SyncPlan:
    """A poll that found the same calendar (304, or the same bytes): nothing to read, but
    the events missing from it are missing once more."""
    if not source.missing:
        return SyncPlan()
    cancels: list[str] = []
    missing: dict[str, int] = {}
    for event in existing:
        count = source.missing.get(event.id)
        if count is None or event.cancelled or event.is_over(now) or "status" in event.pinned:
            continue
        if count + 1 >= CANCEL_AFTER:
            cancels.append(event.id)
        else:
            missing[event.id] = count + 1
    return SyncPlan(cancels=tuple(cancels), missing=missing)


def unpinned(changes: Mapping[str, Any], pinned: Iterable[str]) -> dict[str, Any]:
    """``changes`` without the fields an admin pinned (one of start, end, zone pins all)."""
    held = _pinned(pinned)
    return {name: value for name, value in changes.items() if name not in held}


def _pinned(names: Iterable[str]) -> set[str]:
    pinned = set(names)
    if pinned & _TIME:
        pinned |= _TIME
    return pinned


def _changes(ours: Event, theirs: Event, *, now: datetime) -> dict[str, Any]:
    """The followed fields that differ and are not pinned."""
    if ours.is_over(now) and theirs.is_over(now):
        return {}  # a past event's changes are no news
    pinned = _pinned(ours.pinned)
    changes: dict[str, Any] = {}
    for name in FOLLOWED_FIELDS:
        if name in pinned:
            continue
        mine, new = getattr(ours, name), getattr(theirs, name)
        if name in ("start", "end"):
            same = same_moment(mine, new)
        elif name == "status":  # "concluded" is ours to say, once it is over
            ended = mine is Status.CONCLUDED and new in _UNSETTLED and theirs.is_over(now)
            same = mine == new or ended
        else:
            same = mine == new
        if not same:
            changes[name] = new
    return changes
