"""Upstream calendars end to end: the bot on the fake Bot API, a calendar on the feed
server, the real web server; time is the injected clock (time-machine)."""

from __future__ import annotations

import dataclasses
import html
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
import time_machine

from bot.app import SummitWatch
from calendars.events import Event, Status
from config.settings import Settings
from tests.conftest import until
from tests.fakes.feed_server import FeedServer
from tests.fakes.ical import Entry, calendar
from tests.fakes.telegram_api import FakeTelegram
from tests.handlers.conftest import ADMIN, USER, bot_running, bot_settings, say, texts

pytestmark = pytest.mark.asyncio

T0 = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
DAY = timedelta(days=1)
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


def summit(**changes: object) -> Entry:
    fields: dict[str, object] = {
        "uid": "summit-1@mea.example",
        "start": T0 + 5 * DAY,
        "title": "SCO summit",
        "location": "Tianjin",
    }
    return Entry(**{**fields, **changes})  # type: ignore[arg-type]


TALKS = Entry("talks-7@mea.example", T0 + 9 * DAY, "Modi–Putin talks", location="New Delhi")


def of_source(app: SummitWatch) -> dict[str, Event]:
    return {e.title: e for e in app.store.events.all() if e.origin is not None}


async def add(fake: FakeTelegram, site: FeedServer, path: str, rest: str = "sco") -> str:
    return await say(fake, ADMIN, f"/addsource {site.url(path)} {rest}")


async def repoll(app: SummitWatch, clock: time_machine.Coordinates) -> None:
    clock.shift(timedelta(minutes=31))
    await app.upstream.poller.poll_due()


def alerts(fake: FakeTelegram, chat_id: int) -> list[str]:
    return [t for t in texts(fake, chat_id) if t.startswith(("✏️ Changed", "❌ Cancelled"))]


async def test_a_source_fills_the_calendar_feed_and_upcoming_with_its_topics(
    settings: Settings, fake: FakeTelegram, site: FeedServer
) -> None:
    site.publish("mea.ics", calendar([summit(), TALKS]), content_type=ICS)
    with time_machine.travel(T0, tick=False):
        async with bot_running(configured(settings, fake)) as app:
            added = await add(fake, site, "mea.ics", "sco india-russia")
            upcoming = await say(fake, USER, "/upcoming sco")
            async with httpx.AsyncClient(base_url=app.public_url) as http:
                feed = (await http.get("/calendar.ics")).text
            events = of_source(app)
    assert "Watching <b>127.0.0.1/mea.ics</b>" in added
    assert "Events: 2 added." in added
    assert "SCO summit" in upcoming
    assert "Modi–Putin talks" in upcoming
    assert "SUMMARY:SCO summit" in feed
    assert "LOCATION:Tianjin" in feed
    origin = events["SCO summit"].origin
    assert origin is not None
    assert origin.uid == "summit-1@mea.example"
    assert events["SCO summit"].tags == ("india-russia", "sco")
    assert events["SCO summit"].id.startswith(f"{origin.source}-")


async def test_a_moved_time_alerts_followers_once_and_the_history_names_the_source(
    settings: Settings, fake: FakeTelegram, site: FeedServer
) -> None:
    site.publish("mea.ics", calendar([summit(), TALKS]), content_type=ICS)
    with time_machine.travel(T0, tick=False) as clock:
        async with bot_running(configured(settings, fake)) as app:
            await say(fake, USER, "/start")
            await add(fake, site, "mea.ics")
            site.publish("mea.ics", calendar([summit(start=T0 + 6 * DAY), TALKS]), content_type=ICS)
            await repoll(app, clock)
            moved = of_source(app)["SCO summit"]
            clock.shift(timedelta(seconds=30))
            app.reminders.wake()
            await until(lambda: len(alerts(fake, USER)) == 1, what="the change alert")
            await repoll(app, clock)  # the same calendar again: no second alert
            clock.shift(timedelta(seconds=30))
            app.reminders.wake()
            await app.wait_background()
            history = await say(fake, USER, f"/history {moved.id}")
    (alert,) = alerts(fake, USER)
    assert "SCO summit" in alert
    assert "Mon 7 Dec" in alert
    assert moved.start == T0 + 6 * DAY
    assert "source 127.0.0.1/mea.ics: 🗓 Time: Sun 6 Dec" in history


async def test_an_admins_title_stays_while_the_place_follows_the_source(
    settings: Settings, fake: FakeTelegram, site: FeedServer
) -> None:
    site.publish("mea.ics", calendar([summit()]), content_type=ICS)
    with time_machine.travel(T0, tick=False) as clock:
        async with bot_running(configured(settings, fake)) as app:
            await add(fake, site, "mea.ics")
            event_id = of_source(app)["SCO summit"].id
            edited = await say(fake, ADMIN, f'/editevent {event_id} title="SCO Heads of State"')
            changed = summit(title="SCO summit (25th)", location="Tianjin, Meijiang centre")
            site.publish("mea.ics", calendar([changed]), content_type=ICS)
            await repoll(app, clock)
            event = app.store.events.get(event_id)
    assert "SCO Heads of State" in edited
    assert event is not None
    assert event.title == "SCO Heads of State"
    assert event.location == "Tianjin, Meijiang centre"
    assert event.pinned == {"title"}
    assert event.history[-1].by == "source 127.0.0.1/mea.ics"


async def test_an_event_missing_once_stays_and_missing_twice_is_cancelled_with_a_note(
    settings: Settings, fake: FakeTelegram, site: FeedServer
) -> None:
    site.publish("mea.ics", calendar([summit(), TALKS]), content_type=ICS)
    with time_machine.travel(T0, tick=False) as clock:
        async with bot_running(configured(settings, fake)) as app:
            await add(fake, site, "mea.ics")
            site.publish("mea.ics", calendar([summit()]), content_type=ICS)
            await repoll(app, clock)
            once = of_source(app)["Modi–Putin talks"]
            status = await say(fake, ADMIN, "/sources")
            site.publish("mea.ics", calendar([summit(), TALKS]), content_type=ICS)
            await repoll(app, clock)  # back: the count starts again
            site.publish("mea.ics", calendar([summit()]), content_type=ICS)
            await repoll(app, clock)
            still = of_source(app)["Modi–Putin talks"]
            await repoll(app, clock)  # 304: missing from a second successful poll
            gone = of_source(app)["Modi–Putin talks"]
    assert once.status is Status.CONFIRMED
    assert "Missing from the last poll: 1" in status
    assert still.status is Status.CONFIRMED
    assert gone.status is Status.CANCELLED
    assert gone.history[-1].note == "gone from the source calendar in 2 polls in a row"
    assert len(app.store.events) == 2  # kept


async def test_a_removed_sources_events_stay_and_stop_updating(
    settings: Settings, fake: FakeTelegram, site: FeedServer
) -> None:
    site.publish("mea.ics", calendar([summit()]), content_type=ICS)
    with time_machine.travel(T0, tick=False) as clock:
        async with bot_running(configured(settings, fake)) as app:
            await add(fake, site, "mea.ics")
            (source,) = app.store.upstream_sources.all()
            removed = await say(fake, ADMIN, f"/rmsource {source.id}")
            site.publish("mea.ics", calendar([summit(location="Beijing")]), content_type=ICS)
            hits = len(site.requests_to("mea.ics"))
            await repoll(app, clock)
            listed = await say(fake, ADMIN, "/sources")
            event = of_source(app)["SCO summit"]
    assert "Its 1 event stays in the calendar" in removed
    assert len(site.requests_to("mea.ics")) == hits
    assert event.location == "Tianjin"
    assert "No upstream calendars yet" in listed


WATCHED = {"events", "audit", "change_alerts", "deliveries"}


@pytest.mark.parametrize("validators", [True, False], ids=["304", "same-bytes"])
async def test_an_unchanged_calendar_is_neither_read_nor_written(
    settings: Settings, fake: FakeTelegram, site: FeedServer, validators: bool
) -> None:
    site.publish("mea.ics", calendar([summit(), TALKS]), content_type=ICS)
    if not validators:
        site.without_validators("mea.ics")
    with time_machine.travel(T0, tick=False) as clock:
        async with bot_running(configured(settings, fake)) as app:
            await add(fake, site, "mea.ics")
            before = {k: v for k, v in app.store.dump().items() if k in WATCHED}
            clock.shift(timedelta(minutes=31))
            (outcome,) = await app.upstream.poller.poll_due()
            after = {k: v for k, v in app.store.dump().items() if k in WATCHED}
            (source,) = app.store.upstream_sources.all()
    assert outcome.status == "unchanged"
    assert after == before  # no event, audit entry or alert written
    assert source.last_success == T0 + timedelta(minutes=31)
    request = site.requests_to("mea.ics")[-1]
    assert ("if-none-match" in request) is validators


async def test_a_configured_source_is_polled_and_an_admins_removal_sticks(
    settings: Settings, fake: FakeTelegram, site: FeedServer, tmp_path: Path
) -> None:
    site.publish("mea.ics", calendar([summit()]), content_type=ICS)
    path = tmp_path / "sources.toml"
    path.write_text(
        f'[[source]]\nurl = "{site.url("mea.ics")}"\nname = "MEA"\ntopics = ["sco"]\n'
        "enabled = true\n",
        encoding="utf-8",
    )
    with_file = dataclasses.replace(configured(settings, fake), sources_path=path)
    with time_machine.travel(T0, tick=False):
        async with bot_running(with_file) as app:
            (outcome,) = await app.upstream.poller.poll_due()
            listed = await say(fake, ADMIN, "/sources")
            await say(fake, ADMIN, "/rmsource MEA")  # not an id or URL
            await say(fake, ADMIN, f"/rmsource {site.url('mea.ics')}")
        async with bot_running(with_file) as app:
            restarted = app.store.upstream_sources.all()
    assert outcome.done["added"] == 1
    assert "<b>MEA</b>" in listed
    assert "1 in the calendar, 1 events here" in listed
    assert restarted == []


@pytest.mark.parametrize(
    ("command", "answer"),
    [
        ("/addsource", "which calendar? Give its .ics URL"),
        ("/addsource file:///etc/passwd", "is not an http:// or https:// URL"),
        ("/addsource https://x.example/c.ics tz=Nowhere", "unknown time zone 'Nowhere'"),
        ("/addsource http://10.1.2.3/c.ics", "not polling http://10.1.2.3/c.ics: "),
        ("/rmsource", "which calendar? Give its id from /sources or its URL"),
        ("/rmsource s00000000", "no upstream calendar 's00000000'"),
        ("/applysource s00000000", "no upstream calendar"),
        ("/discardsource", "which calendar?"),
    ],
)
async def test_bad_source_commands_say_what_to_write(
    settings: Settings, fake: FakeTelegram, command: str, answer: str
) -> None:
    async with bot_running(configured(settings, fake)) as app:
        reply = await say(fake, ADMIN, command)
        refused = await say(fake, USER, command)
        kept = app.store.upstream_sources.all()
    assert kept == []
    assert reply.startswith("❗")
    assert answer in html.unescape(reply)
    assert "only SummitWatch admins" in refused


FLOATING = (
    b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//y//EN\r\nBEGIN:VEVENT\r\nUID:f1@x.example\r\n"
    b"DTSTAMP:20261201T000000Z\r\nDTSTART:20261210T100000\r\nDTEND:20261210T120000\r\n"
    b"SUMMARY:Floating talks\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
)


@pytest.mark.parametrize("zone", ["Asia/Kolkata", None])
async def test_floating_times_are_read_in_the_sources_zone_or_skipped_with_a_reason(
    settings: Settings, fake: FakeTelegram, site: FeedServer, zone: str | None
) -> None:
    site.publish("f.ics", FLOATING, content_type=ICS)
    with time_machine.travel(T0, tick=False):
        async with bot_running(configured(settings, fake)) as app:
            added = await add(fake, site, "f.ics", f"sco tz={zone}" if zone else "sco")
            listed = await say(fake, ADMIN, "/sources")
            events = list(of_source(app).values())
    if zone:
        (event,) = events
        assert event.timezone == "Asia/Kolkata"
        assert event.starts_at == datetime(2026, 12, 10, 4, 30, tzinfo=UTC)
        assert "Zoneless times read in Asia/Kolkata" in listed
    else:
        assert events == []
        assert "Skipped 1: " in added
        assert "Skipped 1: " in listed


def weekly(*overrides: str) -> bytes:
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//x//y//EN",
        "BEGIN:VEVENT",
        "UID:weekly@x.example",
        "DTSTAMP:20261201T000000Z",
        "DTSTART:20261207T090000Z",
        "DTEND:20261207T100000Z",
        "RRULE:FREQ=WEEKLY;COUNT=4",
        "SUMMARY:Weekly briefing",
        "END:VEVENT",
        *overrides,
        "END:VCALENDAR",
    ]
    return ("\r\n".join(lines) + "\r\n").encode()


MOVED_THIRD = [
    "BEGIN:VEVENT",
    "UID:weekly@x.example",
    "DTSTAMP:20261201T000000Z",
    "RECURRENCE-ID:20261221T090000Z",
    "DTSTART:20261222T150000Z",
    "DTEND:20261222T160000Z",
    "SUMMARY:Weekly briefing (moved)",
    "END:VEVENT",
]


async def test_a_series_becomes_occurrences_and_an_override_moves_only_its_own(
    settings: Settings, fake: FakeTelegram, site: FeedServer
) -> None:
    site.publish("w.ics", weekly(), content_type=ICS)
    with time_machine.travel(T0, tick=False) as clock:
        async with bot_running(configured(settings, fake)) as app:
            await add(fake, site, "w.ics")
            first = {e.id: e for e in app.store.events.all() if e.origin}
            site.publish("w.ics", weekly(*MOVED_THIRD), content_type=ICS)
            await repoll(app, clock)
            second = {e.id: e for e in app.store.events.all() if e.origin}
    assert len(first) == 4
    assert sorted(e.origin.recurrence_id or "" for e in first.values() if e.origin) == [
        "20261207T090000Z",
        "20261214T090000Z",
        "20261221T090000Z",
        "20261228T090000Z",
    ]
    assert first.keys() == second.keys()  # the same ids: occurrences map to themselves
    changed = [i for i in first if first[i].sequence != second[i].sequence]
    (moved,) = changed
    assert second[moved].title == "Weekly briefing (moved)"
    assert second[moved].starts_at == datetime(2026, 12, 22, 15, 0, tzinfo=UTC)
