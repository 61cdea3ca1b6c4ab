"""Seeded events keep their digest across the upgrade that added ``precision``."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, date, datetime

from bot.store.repositories import _seed_digest
from calendars.events import Event
from calendars.time.precision import Precision

STAMP = datetime(2026, 1, 1, tzinfo=UTC)


def digest_before_precision(event: Event) -> str:
    """The digest as written by the version before ``precision`` was stored."""
    record = event.to_record()
    for key in ("sequence", "created", "updated", "history", "precision"):
        record.pop(key)
    return hashlib.sha256(json.dumps(record, sort_keys=True).encode()).hexdigest()[:16]


def test_a_day_event_seeded_before_precision_is_not_seeded_again() -> None:
    event = Event(
        id="sco", title="SCO", start=date(2026, 8, 31), end=date(2026, 9, 2), created=STAMP
    )
    assert _seed_digest(event) == digest_before_precision(event)


def test_a_month_event_digests_its_precision() -> None:
    month = Event(
        id="sco",
        title="SCO",
        start=date(2026, 8, 1),
        end=date(2026, 9, 1),
        precision=Precision.MONTH,
        created=STAMP,
    )
    day = Event(id="sco", title="SCO", start=date(2026, 8, 1), end=date(2026, 9, 1), created=STAMP)
    assert _seed_digest(month) != _seed_digest(day)
