"""The public page, event pages, JSON API and metrics, over real HTTP from a real uvicorn."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Iterator
from datetime import date, datetime, timedelta

import httpx
import pytest

from calendars.events import Coverage, Event
from config.seed import DEFAULT_SEED
from config.settings import Settings
from tests.conftest import at, running, timed_event

pytestmark = pytest.mark.asyncio

HOSTILE = "<script>alert(1)</script>"


def seeded(settings: Settings) -> Settings:
    return dataclasses.replace(settings, seed_path=DEFAULT_SEED)


async def test_the_page_lists_upcoming_by_month_then_the_past_with_subscribe_links(
    settings: Settings,
) -> None:
    async with running(seeded(settings)) as app, httpx.AsyncClient(base_url=app.public_url) as http:
        start = (app.now() + timedelta(days=40)).replace(hour=4, minute=30)
        await app.events.add(
            timed_event("next-summit", start, title="Next summit", tags=("sco",)), actor="t"
        )
        page = await http.get("/")
    assert page.status_code == 200
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    html = page.text
    upcoming, past = html.split('id="past-heading"')
    assert "Next summit" in upcoming
    assert f"{start:%B %Y}" in upcoming
    assert "SCO Summit 2025 in Tianjin" in past
    assert "Putin&#39;s state visit" in past
    feed = f"{app.public_url}/calendar.ics"
    assert f'href="webcal://{feed.removeprefix("http://")}"' in html
    assert "calendar.google.com/calendar/r?cid=webcal" in html
    assert "outlook.live.com/calendar/0/addfromweb?url=" in html
    assert f'href="{app.public_url}/events/next-summit.ics" download' in html
    assert '<a href="/?topic=india-russia">india-russia</a>' in html


async def test_a_topic_filter_narrows_the_page_and_its_feed_links(settings: Settings) -> None:
    async with running(seeded(settings)) as app, httpx.AsyncClient(base_url=app.public_url) as http:
        page = (await http.get("/", params={"topic": "state-visit"})).text
        missing = await http.get("/", params={"topic": "no-such-topic"})
    assert "Putin&#39;s state visit" in page
    assert "SCO Summit 2025 in Tianjin" not in page
    assert f"{app.public_url}/calendar/state-visit.ics" in page
    assert 'aria-current="page">state-visit</a>' in page
    assert missing.status_code == 404
    assert "There is no topic" in missing.text


async def test_an_event_page_shows_its_coverage(settings: Settings) -> None:
    async with running(seeded(settings)) as app, httpx.AsyncClient(base_url=app.public_url) as http:
        coverage = Coverage(
            "Modi, Putin gear up for crucial Tianjin talks", "https://news.example.org/a", "Wire"
        )
        app.events.record_coverage("modi-putin-tianjin-2025", [coverage])
        page = await http.get("/events/modi-putin-tianjin-2025")
        missing = await http.get("/events/nope")
    assert page.status_code == 200
    link = '<a href="https://news.example.org/a" rel="noopener">'
    assert f"{link}Modi, Putin gear up for crucial Tianjin talks</a>" in page.text
    assert "— Wire" in page.text
    assert missing.status_code == 404
    assert "There is no event" in missing.text


async def test_every_field_is_escaped_so_markup_renders_as_text(settings: Settings) -> None:
    async with running(settings) as app, httpx.AsyncClient(base_url=app.public_url) as http:
        event = timed_event(
            "hostile",
            app.now() + timedelta(days=2),
            title=HOSTILE,
            location=HOSTILE,
            description=f"{HOSTILE}\nsecond line",
            keywords=(HOSTILE,),
        )
        await app.events.add(event, actor="t")
        app.events.record_coverage("hostile", [Coverage(HOSTILE, "https://x.example/", HOSTILE)])
        pages = [(await http.get(path)).text for path in ("/", "/events/hostile")]
    for html in pages:
        assert "<script>alert" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


async def test_the_api_filters_by_tag_and_time_and_refuses_bad_dates(settings: Settings) -> None:
    async with running(seeded(settings)) as app, httpx.AsyncClient(base_url=app.public_url) as http:
        by_tag = (await http.get("/api/events", params={"tag": "sco"})).json()
        december = (
            await http.get("/api/events", params={"from": "2025-12-01", "to": "2025-12-31"})
        ).json()
        bad = await http.get("/api/events", params={"to": "next week"})
    assert [e["id"] for e in by_tag["events"]] == ["sco-tianjin-2025", "modi-putin-tianjin-2025"]
    (visit,) = december["events"]
    assert visit["id"] == "putin-new-delhi-2025"
    assert (visit["start"], visit["end"], visit["all_day"]) == ("2025-12-04", "2025-12-06", True)
    assert visit["starts_at"] == "2025-12-03T18:30:00+00:00"  # midnight in New Delhi
    assert visit["ics_url"] == f"{app.public_url}/events/putin-new-delhi-2025.ics"
    assert bad.status_code == 400
    assert "is not a date" in bad.json()["error"]


async def test_metrics_speak_prometheus_text(settings: Settings) -> None:
    async with running(seeded(settings)) as app, httpx.AsyncClient(base_url=app.public_url) as http:
        await app.events.cancel("sco-tianjin-2025", actor="t")
        text = (await http.get("/metrics")).text
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    samples = dict(line.rsplit(" ", 1) for line in lines)
    assert samples["summitwatch_up"] == "1"
    assert samples['summitwatch_subscribers{kind="console"}'] == "1"
    assert samples['summitwatch_events{status="concluded"}'] == "2"  # the seed is past
    assert samples['summitwatch_events{status="cancelled"}'] == "1"
    assert "# TYPE summitwatch_messages_total counter" in text


@pytest.fixture(params=["Pacific/Kiritimati", "Pacific/Pago_Pago"])
def server_zone(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The server's own clock set far east or far west: bare dates must not depend on it."""
    monkeypatch.setenv("TZ", request.param)
    time.tzset()
    yield str(request.param)
    monkeypatch.undo()
    time.tzset()


async def test_bare_dates_in_the_api_mean_the_events_own_day_at_the_venue(
    settings: Settings, server_zone: str
) -> None:
    events = [
        timed_event("delhi-morning", at("2026-12-04T10:00", "Asia/Kolkata")),
        timed_event("delhi-small-hours", at("2026-12-04T02:00", "Asia/Kolkata")),  # 3 Dec UTC
        timed_event("new-york-late", at("2026-12-04T23:00", "America/New_York")),  # 5 Dec UTC
        timed_event("delhi-next-day", at("2026-12-05T10:00", "Asia/Kolkata")),
        # 22:00-24:00 on 3 Dec in Los Angeles, 11:30-13:30 on 4 Dec in Delhi
        timed_event("la-day-before", at("2026-12-03T22:00", "America/Los_Angeles")),
        Event(
            id="visit",
            title="Visit",
            start=date(2026, 12, 4),
            end=date(2026, 12, 5),
            timezone="Asia/Kolkata",
        ),
    ]
    async with running(settings) as app, httpx.AsyncClient(base_url=app.public_url) as http:
        for event in events:
            await app.events.add(event, actor="t")
        one_day = await http.get("/api/events", params={"from": "2026-12-04", "to": "2026-12-04"})
        basic_form = await http.get("/api/events", params={"from": "20261204", "to": "20261204"})
        from_only = await http.get("/api/events", params={"from": "2026-12-05"})
        instants = await http.get(
            "/api/events",
            params={"from": "2026-12-04T00:00:00+05:30", "to": "2026-12-05T00:00:00+05:30"},
        )
    assert datetime.now().astimezone().tzname() != "UTC"  # the server really is elsewhere
    assert [e["id"] for e in one_day.json()["events"]] == [
        "visit",
        "delhi-small-hours",
        "delhi-morning",
        "new-york-late",
    ]
    assert basic_form.json() == one_day.json()  # ISO's basic form is the same bare day
    assert [e["id"] for e in from_only.json()["events"]] == ["new-york-late", "delhi-next-day"]
    assert [e["id"] for e in instants.json()["events"]] == [
        "visit",
        "delhi-small-hours",
        "delhi-morning",
        "la-day-before",  # not on 4 Dec where it happens, but in these instants
    ]


async def test_the_status_is_a_badge_and_the_event_page_shows_its_history(
    settings: Settings,
) -> None:
    async with running(settings) as app, httpx.AsyncClient(base_url=app.public_url) as http:
        start = app.now() + timedelta(days=3)
        await app.events.add(timed_event("talks", start, location="Delhi"), actor="t")
        await app.events.edit(
            "talks",
            actor="telegram:1001",
            status="postponed",
            location=HOSTILE,
            note=f"MEA {HOSTILE}",
            source="https://www.mea.gov.in/r.htm",
        )
        index, page = [(await http.get(path)).text for path in ("/", "/events/talks")]
    assert '<span class="badge badge-postponed">Postponed</span>' in index
    assert '<span class="badge badge-postponed">Postponed</span>' in page
    assert "<h2>History</h2>" in page
    assert 'an admin: <span class="field">Status</span> confirmed → postponed' in page
    assert "telegram:1001" not in page  # admins' Telegram ids stay private
    assert '<span class="field">Place</span> Delhi → &lt;script&gt;' in page
    assert '(<a href="https://www.mea.gov.in/r.htm" rel="noopener">source</a>)' in page
    assert "<script>alert" not in page
