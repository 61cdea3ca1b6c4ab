"""Upstream calendars, attacked: what a review of issue 12 found, each through the bot on
the fake Bot API with the calendar on the real feed server (time: time-machine)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from bot.app import SummitWatch
from bot.upstream.sync import apply_plan
from calendars.events import Event, Status
from calendars.ical.importer import parse_ics
from calendars.upstream.plan import plan_sync
from config.settings import Settings
from tests.fakes.feed_server import FeedServer
from tests.fakes.ical import Entry, calendar
from tests.fakes.telegram_api import FakeTelegram
from tests.handlers.conftest import ADMIN, bot_running, say
from tests.handlers.test_source_commands import configured

pytestmark = pytest.mark.asyncio

T0 = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
DAY = timedelta(days=1)
ICS = "text/calendar; charset=utf-8"


@pytest.fixture
def site() -> Iterator[FeedServer]:
    with FeedServer() as server:
        yield server


def of_source(app: SummitWatch) -> dict[str, Event]:
    return {e.title: e for e in app.store.events.all() if e.origin is not None}


async def test_events_without_a_uid_each_become_an_event(
    settings: Settings, fake: FakeTelegram, site: FeedServer
) -> None:
    """RFC 5545 requires a UID, but hand-written calendars leave it out: each such event is
    still its own event, not all of them one (the first) with the rest silently lost."""
    entries = [
        Entry("", T0 + 5 * DAY, "SCO summit"),
        Entry("", T0 + 6 * DAY, "BRICS summit"),
        Entry("", T0 + 7 * DAY, "G20 summit"),
    ]
    site.publish("mea.ics", calendar(entries), content_type=ICS)
    with time_machine.travel(T0, tick=False):
        async with bot_running(configured(settings, fake)) as app:
            added = await say(fake, ADMIN, f"/addsource {site.url('mea.ics')}")
            events = of_source(app)
    assert "Events: 3 added." in added
    assert set(events) == {"SCO summit", "BRICS summit", "G20 summit"}
    assert len({e.id for e in events.values()}) == 3


async def test_an_admins_edit_while_a_sync_is_planned_is_not_overwritten_by_it(
    settings: Settings, fake: FakeTelegram, site: FeedServer
) -> None:
    """The plan is made from the events as they were (in a thread) and applied batch by
    batch with the loop free in between: an admin's /editevent landing in that gap pins
    the title, and the sync's stale change of it must not overwrite the admin's title."""
    site.publish(
        "mea.ics", calendar([Entry("summit-1", T0 + 5 * DAY, "SCO summit")]), content_type=ICS
    )
    with time_machine.travel(T0, tick=False):
        async with bot_running(configured(settings, fake)) as app:
            await say(fake, ADMIN, f"/addsource {site.url('mea.ics')}")
            (source,) = app.upstream.sources.all()
            (event,) = of_source(app).values()
            moved = Entry("summit-1", T0 + 6 * DAY, "SCO summit (25th)", location="Tianjin")
            report = parse_ics(calendar([moved]), now=T0)
            existing = list(of_source(app).values())
            plan = plan_sync(source, existing, report, now=T0)  # the poll's plan ...
            edited = await say(fake, ADMIN, f'/editevent {event.id} title="SCO Heads of State"')
            done = await apply_plan(plan, source, events=app.events, store=app.store)  # ... applied
            after = app.store.events.get(event.id)
    assert "SCO Heads of State" in edited
    assert after is not None
    assert after.title == "SCO Heads of State"  # the admin's
    assert after.location == "Tianjin"  # the source's, not pinned
    assert after.start == T0 + 6 * DAY
    assert done["updated"] == 1


async def test_a_status_an_admin_set_is_not_cancelled_when_the_source_drops_the_event(
    settings: Settings, fake: FakeTelegram, site: FeedServer
) -> None:
    """A field an admin edited stays the admin's: one who confirmed a source's event
    (status pinned) keeps it confirmed when the source drops it; the unpinned one goes."""
    talks = Entry("talks-7", T0 + 9 * DAY, "Modi–Putin talks")
    summit = Entry("summit-1", T0 + 5 * DAY, "SCO summit")
    site.publish("mea.ics", calendar([summit, talks]), content_type=ICS)
    with time_machine.travel(T0, tick=False) as clock:
        async with bot_running(configured(settings, fake)) as app:
            await say(fake, ADMIN, f"/addsource {site.url('mea.ics')}")
            ids = {title: event.id for title, event in of_source(app).items()}
            await say(fake, ADMIN, f"/editevent {ids['Modi–Putin talks']} status=postponed")
            site.publish(
                "mea.ics", calendar([Entry("other", T0 + 3 * DAY, "G20")]), content_type=ICS
            )
            for _ in range(3):
                clock.shift(timedelta(minutes=31))
                await app.upstream.poller.poll_due()
            events = of_source(app)
    assert events["Modi–Putin talks"].status is Status.POSTPONED  # the admin's
    assert events["SCO summit"].status is Status.CANCELLED  # the source's


async def test_a_source_removed_while_its_sync_applies_changes_nothing_more(
    settings: Settings, fake: FakeTelegram, site: FeedServer
) -> None:
    """/rmsource answered in a gap of a running sync (it yields to the loop between
    changes): a removed source's events stop updating, so the rest of the plan is dropped."""
    site.publish(
        "mea.ics", calendar([Entry("summit-1", T0 + 5 * DAY, "SCO summit")]), content_type=ICS
    )
    with time_machine.travel(T0, tick=False):
        async with bot_running(configured(settings, fake)) as app:
            await say(fake, ADMIN, f"/addsource {site.url('mea.ics')}")
            (source,) = app.upstream.sources.all()
            (event,) = of_source(app).values()
            moved = Entry("summit-1", T0 + 6 * DAY, "SCO summit", location="Tianjin")
            report = parse_ics(calendar([moved]), now=T0)
            plan = plan_sync(source, list(of_source(app).values()), report, now=T0)
            removed = await say(fake, ADMIN, f"/rmsource {source.id}")
            done = await apply_plan(plan, source, events=app.events, store=app.store)
            after = app.store.events.get(event.id)
    assert "Its 1 event stays in the calendar" in removed
    assert after is not None
    assert (after.start, after.location) == (T0 + 5 * DAY, "")
    assert sum(done.values()) == 0


async def test_more_topics_than_an_event_may_carry_are_refused_at_addsource(
    settings: Settings, fake: FakeTelegram, site: FeedServer
) -> None:
    """Every event of a source carries its topics as tags, and an event takes at most 20:
    /addsource with 21 must say so, not keep a source whose every event is refused."""
    site.publish(
        "mea.ics", calendar([Entry("summit-1", T0 + 5 * DAY, "SCO summit")]), content_type=ICS
    )
    topics = " ".join(f"topic-{n}" for n in range(21))
    with time_machine.travel(T0, tick=False):
        async with bot_running(configured(settings, fake)) as app:
            refused = await say(fake, ADMIN, f"/addsource {site.url('mea.ics')} {topics}")
            sources = app.upstream.sources.all()
    assert "at most 20" in refused
    assert "/addsource" in refused  # the example
    assert sources == []


async def test_the_bots_own_calendar_as_a_source_adds_no_copies(
    settings: Settings, fake: FakeTelegram
) -> None:
    """An admin who adds this bot's own /calendar.ics (or another copy of it) as a source:
    its events are ours (UID <id>@<our host>), and reading them back would add a copy of
    each -- then copies of the copies at the next poll, which are in the feed too."""
    with time_machine.travel(T0, tick=False):
        async with bot_running(configured(settings, fake)) as app:
            await say(fake, ADMIN, "/addevent 2026-12-10 10:00 UTC | SCO summit | Tianjin | sco")
            added = await say(fake, ADMIN, f"/addsource {app.public_url}/calendar.ics")
            events = [e.title for e in app.store.events.all()]
    assert events == ["SCO summit"]
    assert "Events: nothing changed." in added
    assert "this bot&#x27;s own events" in added
