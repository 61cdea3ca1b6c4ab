"""The sync plan, attacked (review of issue 12)."""

from __future__ import annotations

import dataclasses

from calendars.events import Status
from calendars.upstream.plan import plan_sync
from tests.calendars.upstream.test_sync_plan import NOW, SOURCE, parsed, report, stored


def test_a_concluded_event_the_source_moves_into_the_future_is_no_longer_concluded() -> None:
    """'Concluded' is ours to say once an event is over; a publisher who corrects a date
    into the future makes it upcoming again, not a concluded meeting next week."""
    (ended,) = stored(parsed("a", days=-1))
    ended = dataclasses.replace(ended, status=Status.CONCLUDED)
    plan = plan_sync(SOURCE, [ended], report(parsed("a", days=6)), now=NOW)
    (update,) = plan.updates
    assert update.changes["status"] is Status.CONFIRMED
    assert update.changes["start"] == parsed("a", days=6).start
