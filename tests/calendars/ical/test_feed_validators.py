"""A feed's validators (nginx's formula) move with its bytes, whatever happens to events."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from calendars.events import Event
from calendars.ical.feeds import CalendarFeeds, nginx_etag
from calendars.ical.render import CalendarMeta, IcalRenderer
from tests.conftest import timed_event

START = datetime(2026, 12, 4, 10, tzinfo=UTC)
STAMP = datetime(2026, 11, 1, tzinfo=UTC)

# What can happen to the events between two fetches of the "sco" feed.
steps = st.lists(
    st.tuples(
        st.sampled_from(["delete", "retag", "edit", "add", "nothing"]),
        st.integers(min_value=0, max_value=5),
    ),
    max_size=12,
)


def event(number: int) -> Event:
    made = timed_event(f"e{number}", START + timedelta(days=number), tags=("sco",))
    return made.as_new(now=STAMP)


@settings(max_examples=100, deadline=None)
@given(steps=steps)
def test_different_bytes_never_share_validators_and_dates_never_go_back(
    steps: list[tuple[str, int]],
) -> None:
    events = {n: event(n) for n in range(4)}
    version = [0]
    feeds = CalendarFeeds(
        IcalRenderer(CalendarMeta(public_url="https://cal.example.org")),
        events=lambda: sorted(events.values(), key=lambda e: e.id),
        version=lambda: version[0],
        topics=lambda: ("sco",),
    )
    seen: dict[str, bytes] = {}
    before = feeds.topic("sco")
    assert before is not None
    for step, (what, number) in enumerate(steps):
        now = STAMP + timedelta(seconds=step)  # within seconds: dates alone cannot tell
        if what == "delete":
            events.pop(number, None)
        elif what == "retag" and number in events:
            events[number] = events[number].revised(now=now, tags=("energy",))
        elif what == "edit" and number in events:
            events[number] = events[number].revised(now=now, location=f"Hall {step}")
        elif what == "add":
            events.setdefault(number, event(number))
        version[0] += 1
        after = feeds.topic("sco")
        assert after is not None
        assert after.etag == nginx_etag(after.last_modified, len(after.body))
        assert seen.setdefault(after.etag, after.body) == after.body  # one ETag, one body
        assert after.last_modified >= before.last_modified
        if after.body != before.body:
            assert after.last_modified > before.last_modified  # If-Modified-Since sees it
        before = after
