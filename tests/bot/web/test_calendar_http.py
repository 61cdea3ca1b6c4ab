"""The feeds as a calendar client sees them: a real uvicorn, real HTTP requests."""

from __future__ import annotations

from datetime import timedelta

import httpx
import icalendar
import pytest
import vobject

from calendars.events import Status
from config.seed import DEFAULT_SEED
from config.settings import Settings
from tests.conftest import running, timed_event

pytestmark = pytest.mark.asyncio


def uids(body: bytes) -> set[str]:
    """The events' UIDs, read by icalendar and by the independent vobject: both must agree."""
    by_icalendar = {str(e["UID"]) for e in icalendar.Calendar.from_ical(body).walk("VEVENT")}
    by_vobject = {e.uid.value for e in vobject.readOne(body.decode("utf-8")).vevent_list}
    assert by_icalendar == by_vobject
    return by_icalendar


def seeded(settings: Settings) -> Settings:
    return Settings(db_path=settings.db_path, port=0, seed_path=DEFAULT_SEED)


async def test_calendar_feed_serves_the_seeded_events_as_text_calendar(settings: Settings) -> None:
    async with running(seeded(settings)) as app, httpx.AsyncClient(base_url=app.public_url) as http:
        response = await http.get("/calendar.ics")  # like Google's fetcher: no Accept header
        assert response.status_code == 200
        assert response.headers["content-type"] == "text/calendar; charset=utf-8"
        assert response.headers["etag"]
        assert response.headers["last-modified"]
        assert uids(response.content) == {
            "sco-tianjin-2025@127.0.0.1",
            "modi-putin-tianjin-2025@127.0.0.1",
            "putin-new-delhi-2025@127.0.0.1",
        }


async def test_feed_304_when_etag_or_date_matches_and_head_has_no_body(settings: Settings) -> None:
    async with running(seeded(settings)) as app, httpx.AsyncClient(base_url=app.public_url) as http:
        first = await http.get("/calendar.ics")
        etag, modified = first.headers["etag"], first.headers["last-modified"]
        by_tag = await http.get("/calendar.ics", headers={"If-None-Match": etag})
        assert by_tag.status_code == 304
        assert by_tag.content == b""
        assert by_tag.headers["etag"] == etag
        assert "content-type" not in by_tag.headers
        by_date = await http.get("/calendar.ics", headers={"If-Modified-Since": modified})
        assert by_date.status_code == 304
        stale = await http.get("/calendar.ics", headers={"If-None-Match": '"stale"'})
        assert stale.status_code == 200
        assert stale.content == first.content
        head = await http.head("/calendar.ics")
        assert head.status_code == 200
        assert head.content == b""
        assert head.headers["etag"] == etag


async def test_topic_and_event_feeds_and_404s_for_unknown_ones(settings: Settings) -> None:
    async with running(seeded(settings)) as app, httpx.AsyncClient(base_url=app.public_url) as http:
        sco = uids((await http.get("/calendar/sco.ics")).content)
        assert sco == {"sco-tianjin-2025@127.0.0.1", "modi-putin-tianjin-2025@127.0.0.1"}
        trade = await http.get("/calendar/trade.ics")
        assert trade.status_code == 200
        one_body = (await http.get("/events/putin-new-delhi-2025.ics")).content
        assert uids(one_body) == {"putin-new-delhi-2025@127.0.0.1"}
        one = icalendar.Calendar.from_ical(one_body)
        assert [str(e["SUMMARY"]) for e in one.walk("VEVENT")] == [
            "Putin's state visit to India – 23rd India–Russia Annual Summit"
        ]
        for path, message in (
            ("/calendar/no-such-topic.ics", "No topic called 'no-such-topic'."),
            ("/events/no-such-event.ics", "No event with id 'no-such-event'."),
            ("/events/..%2Fetc.ics", "Not Found"),
        ):
            missing = await http.get(path)
            assert missing.status_code == 404
            assert message in missing.text
            assert missing.headers["content-type"].startswith("text/plain")


async def test_an_edit_changes_the_etag_and_bumps_sequence_and_a_cancel_stays_listed(
    settings: Settings,
) -> None:
    async with running(settings) as app, httpx.AsyncClient(base_url=app.public_url) as http:
        start = app.now() + timedelta(days=3)
        await app.events.add(timed_event("talks", start, tags=("sco",)), actor="test")
        before = await http.get("/calendar.ics")
        await app.events.edit("talks", actor="test", location="Tianjin")
        after = await http.get("/calendar.ics", headers={"If-None-Match": before.headers["etag"]})
        assert after.status_code == 200
        assert after.headers["etag"] != before.headers["etag"]
        (vevent,) = icalendar.Calendar.from_ical(after.content).walk("VEVENT")
        assert (vevent["SEQUENCE"], str(vevent["LOCATION"])) == (1, "Tianjin")
        await app.events.cancel("talks", actor="test")
        topic_feed = (await http.get("/calendar/sco.ics")).content
        (cancelled,) = icalendar.Calendar.from_ical(topic_feed).walk("VEVENT")
        assert str(cancelled["STATUS"]) == "CANCELLED"
        assert cancelled["SEQUENCE"] == 2
        assert app.store.events.get("talks").status is Status.CANCELLED  # type: ignore[union-attr]


async def test_healthz_reports_store_scheduler_and_counts(settings: Settings) -> None:
    async with running(seeded(settings)) as app, httpx.AsyncClient(base_url=app.public_url) as http:
        health = (await http.get("/healthz")).json()
        assert health["ok"] is True
        assert health["scheduler"] == "running"
        assert health["events"] == 3
        assert health["subscribers"] == 1


async def test_admin_edits_survive_a_restart_that_reloads_the_seed(settings: Settings) -> None:
    async with running(seeded(settings)) as app:
        edited = await app.events.edit(
            "sco-tianjin-2025", actor="admin", location="Meijiang Centre, Tianjin"
        )
    async with running(seeded(settings)) as app:
        event = app.store.events.get("sco-tianjin-2025")
        assert event is not None
        assert event.location == "Meijiang Centre, Tianjin"
        assert event.sequence == edited.sequence  # the restart changed nothing


async def test_validators_in_other_spellings_still_get_304(settings: Settings) -> None:
    """The route answers the exact ETag and date without parsing; every other form that
    names the same copy (weak tag, a list, a later date) must still get its 304."""
    async with running(seeded(settings)) as app, httpx.AsyncClient(base_url=app.public_url) as http:
        first = await http.get("/calendar.ics")
        etag = first.headers["etag"]
        for asked in (f"W/{etag}", f'"other", {etag}', "*"):
            assert (
                await http.get("/calendar.ics", headers={"If-None-Match": asked})
            ).status_code == 304
        later = "Fri, 01 Jan 2100 00:00:00 GMT"
        assert (
            await http.get("/calendar.ics", headers={"If-Modified-Since": later})
        ).status_code == 304
        earlier = "Mon, 01 Jan 2001 00:00:00 GMT"
        again = await http.get("/calendar.ics", headers={"If-Modified-Since": earlier})
        assert again.status_code == 200
        assert again.content == first.content
        both = {"If-None-Match": '"other"', "If-Modified-Since": later}  # the tag decides
        assert (await http.get("/calendar.ics", headers=both)).status_code == 200
