"""Hostile upstream calendars: each gets a clear status in /sources, in bounded time and
memory, and none floods anyone with alerts; a big change is held for an admin."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from calendars import limits
from calendars.events import Status
from config.settings import Settings
from tests.fakes.feed_server import FeedServer
from tests.fakes.ical import Entry, calendar
from tests.fakes.telegram_api import FakeTelegram
from tests.handlers.conftest import ADMIN, USER, bot_running, bot_settings, say, texts

pytestmark = pytest.mark.asyncio

T0 = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
ICS = "text/calendar; charset=utf-8"


@pytest.fixture
def site() -> Iterator[FeedServer]:
    with FeedServer() as server:
        yield server


def configured(settings: Settings, fake: FakeTelegram) -> Settings:
    return bot_settings(
        dataclasses.replace(settings, fetch_timeout=2.0, news_sources_path=None, sources_path=None),
        fake,
    )


def meetings(count: int, *, prefix: str) -> bytes:
    return calendar(
        Entry(f"{prefix}-{n}@x.example", T0 + timedelta(days=2, hours=n), f"Meeting {n}")
        for n in range(count)
    )


HTML = b"<!DOCTYPE html><html><head><title>Sign in</title></head><body>Login</body></html>"
BROKEN = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nSUMMARY:Talks\r\nDTSTART:2026"
SECONDLY = calendar(
    [
        Entry("forever@x.example", T0 + timedelta(days=1), "Every second", rrule="FREQ=SECONDLY"),
        Entry("talks@x.example", T0 + timedelta(days=3), "Talks"),
    ]
)


@pytest.mark.parametrize(
    ("setup", "status"),
    [
        (
            lambda site: site.publish("c.ics", HTML, content_type="text/html"),
            "the address serves a web page or other markup (HTML or XML), not an iCalendar file",
        ),
        (
            lambda site: site.enormous("c.ics", 50_000_000, declare_length=True),
            "the response is 50,000,000 bytes; the limit is 10,000,000",
        ),
        (
            lambda site: site.enormous("c.ics", 50_000_000, declare_length=False),
            "the response is over the 10,000,000-byte limit",
        ),
        (
            lambda site: site.publish("c.ics", BROKEN, content_type=ICS),
            "the file",
        ),
        (lambda site: site.fail("c.ics", 503), "HTTP 503"),
    ],
    ids=["html", "50mb-declared", "50mb-streamed", "broken", "http-503"],
)
async def test_a_calendar_that_is_not_one_gets_a_clear_status(
    settings: Settings, fake: FakeTelegram, site: FeedServer, setup: object, status: str
) -> None:
    setup(site)  # type: ignore[operator]
    with time_machine.travel(T0, tick=False):
        async with bot_running(configured(settings, fake)) as app:
            added = await say(fake, ADMIN, f"/addsource {site.url('c.ics')} sco")
            listed = await say(fake, ADMIN, "/sources")
            events = len(app.store.events)
    assert "Poll failed: " in added
    assert status in added
    assert "I will retry with backoff" in added
    assert f"Last error (1 in a row, just now): {status}" in listed
    assert "Next poll in 1 hour" in listed  # backed off from 30 minutes
    assert events == 0


async def test_a_series_of_a_million_occurrences_is_bounded_and_reported(
    settings: Settings, fake: FakeTelegram, site: FeedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """FREQ=SECONDLY without an end is 34 million occurrences in the window: the parser
    keeps the first 500 and says so (were it ever slower, the worker's deadline, here
    5 s, would end the poll with that as its error instead)."""
    monkeypatch.setattr(limits, "UPSTREAM_PARSE_SECONDS", 5.0)
    site.publish("c.ics", SECONDLY, content_type=ICS)
    # Real time here: the worker's deadline is pebble's, on the wall clock.
    async with bot_running(configured(settings, fake)) as app:
        began = time.monotonic()
        fake.push_message(chat_id=ADMIN, text=f"/addsource {site.url('c.ics')} sco")
        await fake.wait_for_messages(ADMIN, 1, timeout=30)
        (added,) = texts(fake, ADMIN)
        took = time.monotonic() - began
        listed = await say(fake, ADMIN, "/sources")
        events = len(app.store.events)
    assert took < 20
    assert events == 501  # the first 500 occurrences, and the other event
    assert "Events: 501 added." in added
    assert "Skipped 1: repeats more than 500 times within the 13-month window" in added
    assert "Skipped 1: repeats more than 500 times" in listed


def held_notices(fake: FakeTelegram) -> list[str]:
    return [t for t in texts(fake, ADMIN) if t.startswith("Upstream calendar")]


async def test_a_calendar_that_changes_every_uid_is_held_reported_once_then_applied(
    settings: Settings, fake: FakeTelegram, site: FeedServer
) -> None:
    site.publish("c.ics", meetings(30, prefix="a"), content_type=ICS)
    with time_machine.travel(T0, tick=False) as clock:
        async with bot_running(configured(settings, fake)) as app:
            await say(fake, USER, "/start")
            await say(fake, ADMIN, f"/addsource {site.url('c.ics')} sco")
            (source,) = app.store.upstream_sources.all()
            for prefix in ("b", "c"):  # every UID new, twice: one notice, nothing applied
                site.publish("c.ics", meetings(30, prefix=prefix), content_type=ICS)
                clock.shift(timedelta(minutes=31))
                (outcome,) = await app.upstream.poller.poll_due()
                assert outcome.status == "held"
            await fake.wait_for_messages(ADMIN, 2)
            listed = await say(fake, ADMIN, "/sources")
            titles_held = sorted(e.origin.uid for e in app.store.events.all() if e.origin)
            applied = await say(fake, ADMIN, f"/applysource {source.id}")
            uids = {e.origin.uid[0] for e in app.store.events.all() if e.origin and not e.cancelled}
            again = await say(fake, ADMIN, f"/applysource {source.id}")
            clock.shift(timedelta(minutes=5))
            app.reminders.wake()
            await app.wait_background()
    (notice,) = held_notices(fake)
    assert (
        "would make 60 changes to its 30 events (30 new, 0 changed, 0 cancelled, 30 missing)"
        in notice
    )
    assert f"/applysource {source.id}" in notice
    assert f"/discardsource {source.id}" in notice
    assert "⏸ Held" in listed
    assert titles_held == sorted(f"a-{n}@x.example" for n in range(30))
    assert "Events: 30 added, 30 missing (cancelled if missing again)." in applied
    assert uids == {"a", "c"}  # the old ones stay until missing from a second poll
    assert "has no held change" in again
    assert texts(fake, USER)[1:] == []  # followers were not flooded


async def test_a_discarded_change_is_not_read_again_and_a_new_one_is_held_afresh(
    settings: Settings, fake: FakeTelegram, site: FeedServer
) -> None:
    site.publish("c.ics", meetings(25, prefix="a"), content_type=ICS)
    with time_machine.travel(T0, tick=False) as clock:
        async with bot_running(configured(settings, fake)) as app:
            await say(fake, ADMIN, f"/addsource {site.url('c.ics')}")
            (source,) = app.store.upstream_sources.all()
            site.publish("c.ics", meetings(25, prefix="b"), content_type=ICS)
            clock.shift(timedelta(minutes=31))
            await app.upstream.poller.poll_due()
            await fake.wait_for_messages(ADMIN, 2)
            discarded = await say(fake, ADMIN, f"/discardsource {source.id}")
            clock.shift(timedelta(minutes=31))
            (unchanged,) = await app.upstream.poller.poll_due()
            site.publish("c.ics", meetings(25, prefix="c"), content_type=ICS)
            clock.shift(timedelta(minutes=31))
            (held,) = await app.upstream.poller.poll_due()
            await fake.wait_for_messages(ADMIN, 4)
            live = {e.origin.uid[0] for e in app.store.events.all() if e.origin}
    assert "Discarded the held change" in discarded
    assert unchanged.status == "unchanged"
    assert held.status == "held"
    assert len(held_notices(fake)) == 2
    assert live == {"a"}
    assert all(e.status is Status.CONFIRMED for e in app.store.events.all())


async def test_a_calendar_over_the_reading_budget_fails_its_poll_saying_so(
    settings: Settings, fake: FakeTelegram, site: FeedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(limits, "UPSTREAM_PARSE_SECONDS", 0.05)
    site.publish("c.ics", meetings(3000, prefix="a"), content_type=ICS)
    # Real time here: the worker's deadline is pebble's, on the wall clock.
    async with bot_running(configured(settings, fake)) as app:
        added = await say(fake, ADMIN, f"/addsource {site.url('c.ics')}")
        listed = await say(fake, ADMIN, "/sources")
        events = len(app.store.events)
    expected = "reading the calendar took over 0.05 s (too many or too complex events"
    assert expected in added
    assert expected in listed
    assert events == 0
