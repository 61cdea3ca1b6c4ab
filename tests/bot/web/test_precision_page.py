"""An event known only to its month on the public page, the JSON API and the feeds, over
real HTTP from a real uvicorn; and an import that brings its day."""

from __future__ import annotations

from datetime import UTC, date, datetime

import httpx
import icalendar
import pytest
import time_machine

from calendars.events import Event
from calendars.time.precision import Precision
from config.settings import Settings
from tests.conftest import at, running, timed_event

pytestmark = pytest.mark.asyncio

T0 = datetime(2026, 11, 1, 8, 0, tzinfo=UTC)
NOTE = "Not in the calendar feed until the day is announced."


def visit() -> Event:
    return Event(
        id="putin-visit",
        title="Putin visit to New Delhi",
        start=date(2026, 12, 1),
        end=date(2027, 1, 1),
        timezone="Asia/Kolkata",
        precision=Precision.MONTH,
        tags=("india-russia",),
    )


def uids(body: str) -> set[str]:
    return {str(c["UID"]).split("@")[0] for c in icalendar.Calendar.from_ical(body).walk("VEVENT")}


async def test_the_page_shows_the_month_and_the_note_and_the_feeds_leave_it_out(
    settings: Settings,
) -> None:
    talks = timed_event("talks", at("2026-12-04T10:00", "Asia/Kolkata"), tags=("india-russia",))
    with time_machine.travel(T0, tick=False):
        async with running(settings) as app, httpx.AsyncClient(base_url=app.public_url) as http:
            await app.events.add(visit(), actor="t")
            await app.events.add(talks, actor="t")
            index = (await http.get("/")).text
            page = await http.get("/events/putin-visit")
            api = (await http.get("/api/events", params={"from": "2026-12-02"})).json()
            everything = (await http.get("/calendar.ics")).text
            topic = (await http.get("/calendar/india-russia.ics")).text
            alone = await http.get("/events/putin-visit.ics")
    upcoming = index.split('id="upcoming-heading"')[1]
    card = upcoming.split('id="event-putin-visit"')[1].split("</article>")[0]
    assert '<time datetime="2026-12">December 2026 (date to be announced)</time>' in card
    assert NOTE in card
    assert "data-start" not in card  # no "your time" line for a month
    assert "1 Dec" not in card
    assert NOTE not in upcoming.split('id="event-talks"')[1]
    assert page.status_code == 200
    assert "December 2026 (date to be announced)" in page.text
    assert NOTE in page.text
    shown = {item["id"]: item for item in api["events"]}
    assert shown["putin-visit"]["precision"] == "month"  # not over on the 2nd
    assert (shown["putin-visit"]["start"], shown["putin-visit"]["end"]) == (
        "2026-12-01",
        "2027-01-01",
    )
    assert shown["talks"]["precision"] == "day"
    assert uids(everything) == {"talks"}
    assert uids(topic) == {"talks"}
    assert alone.status_code == 200
    assert alone.headers["content-type"] == "text/calendar; charset=utf-8"
    calendar = icalendar.Calendar.from_ical(alone.text)
    assert calendar.walk("VEVENT") == []
    assert str(calendar["X-WR-CALNAME"]) == "Putin visit to New Delhi"


async def test_an_import_with_the_day_gives_a_month_event_its_day(settings: Settings) -> None:
    dated = Event(
        id="putin-visit",
        title="Putin visit to New Delhi",
        start=date(2026, 12, 4),
        end=date(2026, 12, 6),
        timezone="Asia/Kolkata",
        tags=("india-russia",),
    )
    with time_machine.travel(T0, tick=False):
        async with running(settings) as app:
            await app.events.add(visit(), actor="t")
            assert await app.events.upsert(dated, actor="import") == "updated"
            event = app.store.events.get("putin-visit")
    assert event is not None
    assert (event.precision, event.start, event.end) == (
        Precision.DAY,
        date(2026, 12, 4),
        date(2026, 12, 6),
    )
    assert [(c.field, c.by) for c in event.history] == [("time", "import")]
