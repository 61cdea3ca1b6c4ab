"""One event that cannot be rendered never takes the whole feed down with it."""

from __future__ import annotations

import logging
from datetime import timedelta

import httpx
import icalendar
import pytest

from calendars.events import Event
from config.settings import Settings
from tests.conftest import running, timed_event

pytestmark = pytest.mark.asyncio


def uids(body: bytes) -> set[str]:
    return {str(e["UID"]) for e in icalendar.Calendar.from_ical(body).walk("VEVENT")}


def with_bad_url(event: Event) -> Event:
    """An event as validation would never build it: how a record from older rules looks."""
    object.__setattr__(event, "urls", ("https://mea.gov.in/a\nb",))
    return event


async def test_calendar_feed_serves_the_other_events_when_one_fails_to_render(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    async with running(settings) as app, httpx.AsyncClient(base_url=app.public_url) as http:
        soon = app.now() + timedelta(days=3)
        app.store.events.save(timed_event("good", soon))
        app.store.events.save(with_bad_url(timed_event("bad", soon)))
        with caplog.at_level(logging.ERROR, logger="calendars.ical.render"):
            everything = await http.get("/calendar.ics")
            own = await http.get("/events/bad.ics")
            other = await http.get("/events/good.ics")
    assert everything.status_code == 200
    assert uids(everything.content) == {"good@127.0.0.1"}
    assert (own.status_code, uids(own.content)) == (200, set())
    assert uids(other.content) == {"good@127.0.0.1"}
    assert any("ical.event_failed event=bad" in r.getMessage() for r in caplog.records)


async def test_a_stored_bad_url_loads_without_the_url_and_the_event_stays_in_the_feed(
    settings: Settings,
) -> None:
    async with running(settings) as app:
        soon = app.now() + timedelta(days=3)
        app.store.events.save(timed_event("good", soon))
        app.store.events.save(with_bad_url(timed_event("bad", soon)))
    async with running(settings) as app, httpx.AsyncClient(base_url=app.public_url) as http:
        loaded = app.store.events.get("bad")
        response = await http.get("/calendar.ics")
    assert loaded is not None
    assert loaded.urls == ()
    assert response.status_code == 200
    assert uids(response.content) == {"good@127.0.0.1", "bad@127.0.0.1"}
