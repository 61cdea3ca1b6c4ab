"""Translated event fields over real uvicorn and httpx: ``?lang=`` on the JSON API, the
topic, full and per-event feeds (read back with icalendar) and the event page; without
``?lang`` everything is exactly what it was."""

from __future__ import annotations

import dataclasses
import re

import httpx
import icalendar
import markupsafe
import pytest

from calendars.commands import parse_editevent
from calendars.ical.render import IcalRenderer
from calendars.translations import NO_TRANSLATIONS
from config.seed import DEFAULT_SEED
from config.settings import Settings
from tests.bot.web.test_private_calendar_http import private_url
from tests.conftest import running

pytestmark = pytest.mark.asyncio

VISIT = "putin-new-delhi-2025"
ORIGINAL = "Putin's state visit to India – 23rd India–Russia Annual Summit"
HINDI = "पुतिन की भारत राजकीय यात्रा – 23वाँ भारत–रूस वार्षिक शिखर सम्मेलन"
RUSSIAN_PLACE = "Нью-Дели, Индия"


def seeded(settings: Settings) -> Settings:
    """The shipped events without their shipped translations: each test adds its own."""
    shipped = DEFAULT_SEED.read_text(encoding="utf-8")
    plain = re.sub(r"\n\[event\.translations\.[a-z]+\]\n(?:[a-z]+ = .*\n)+", "\n", shipped)
    assert "translations" not in plain.split('id = "', 1)[1]
    seed = settings.db_path.parent.with_name("untranslated-seed.toml")
    seed.write_text(plain, encoding="utf-8")
    return Settings(db_path=settings.db_path, port=0, seed_path=seed)


def summaries(body: bytes) -> dict[str, tuple[str, str]]:
    """SUMMARY and LOCATION by UID, as a calendar client reads them."""
    return {
        str(e["UID"]).split("@")[0]: (str(e["SUMMARY"]), str(e.get("LOCATION", "")))
        for e in icalendar.Calendar.from_ical(body).walk("VEVENT")
    }


async def translate(app: object, text: str) -> None:
    events = app.events  # type: ignore[attr-defined]
    event_id, changes = parse_editevent(text, current_lookup=events.find)
    await events.edit(event_id, actor="telegram:1001", **changes)


async def test_feeds_in_a_language_carry_its_translations_and_without_lang_the_originals(
    settings: Settings,
) -> None:
    async with running(seeded(settings)) as app, httpx.AsyncClient(base_url=app.public_url) as http:
        untranslated = await http.get("/calendar/india-russia.ics?lang=hi")
        plain_before = await http.get("/calendar/india-russia.ics")
        await translate(app, f'{VISIT} title.hi="{HINDI}" location.ru="{RUSSIAN_PLACE}"')
        hindi = await http.get("/calendar/india-russia.ics", params={"lang": "hi"})
        russian = await http.get("/calendar.ics", params={"lang": "ru-RU"})
        plain = await http.get("/calendar/india-russia.ics")
        english = await http.get("/calendar/india-russia.ics", params={"lang": "en"})
        one = await http.get(f"/events/{VISIT}.ics", params={"lang": "hi"})
        again = await http.get(
            "/calendar/india-russia.ics?lang=hi", headers={"If-None-Match": hindi.headers["etag"]}
        )
        event = app.events.get(VISIT)
        renderer = IcalRenderer(app.meta)

    # Before any translation, a language's feed has the original events (its own calendar
    # UID and ETag).
    assert summaries(untranslated.content) == summaries(plain_before.content)
    assert b"UID:tag-india-russia.hi@" in untranslated.content
    assert untranslated.headers["etag"] != plain_before.headers["etag"]

    assert hindi.status_code == 200
    assert hindi.headers["content-type"] == "text/calendar; charset=utf-8"
    summary, place = summaries(hindi.content)[VISIT]
    assert summary.endswith(HINDI)
    assert place == "New Delhi, India"  # no Hindi place: the original
    assert summaries(russian.content)[VISIT] == (ORIGINAL, RUSSIAN_PLACE)
    assert summaries(plain.content)[VISIT] == (ORIGINAL, "New Delhi, India")
    assert hindi.headers["etag"] != plain.headers["etag"] != russian.headers["etag"]
    assert again.status_code == 304

    # Without ?lang (or in English): the originals, byte for byte as they render for the
    # event with no translations at all.
    assert english.content == plain.content
    assert english.headers["etag"] == plain.headers["etag"]
    stripped = dataclasses.replace(event, translations=NO_TRANSLATIONS)
    expected = renderer.vevent(stripped)
    assert expected in plain.content
    assert HINDI.encode() not in plain.content

    calendar = icalendar.Calendar.from_ical(one.content)
    assert str(calendar["X-WR-CALNAME"]) == HINDI
    assert [str(e["SUMMARY"]) for e in calendar.walk("VEVENT")] == [summary]


async def test_api_events_in_a_language_say_which_fields_are_translated(
    settings: Settings,
) -> None:
    async with running(seeded(settings)) as app, httpx.AsyncClient(base_url=app.public_url) as http:
        await translate(app, f'{VISIT} title.hi="{HINDI}" location.ru="{RUSSIAN_PLACE}"')
        hindi = (await http.get("/api/events", params={"lang": "hi"})).json()
        plain = (await http.get("/api/events")).json()
        page = await http.get(f"/events/{VISIT}", params={"lang": "hi"})
        english_page = await http.get(f"/events/{VISIT}")

    by_id = {e["id"]: e for e in hindi["events"]}
    visit = by_id[VISIT]
    assert visit["title"] == HINDI
    assert visit["location"] == "New Delhi, India"
    assert visit["lang"] == "hi"
    assert visit["translated"] == ["title"]
    assert visit["original"]["title"] == ORIGINAL
    assert by_id["sco-tianjin-2025"]["translated"] == []
    original = {e["id"]: e for e in plain["events"]}[VISIT]
    assert original["title"] == ORIGINAL
    assert "lang" not in original
    assert "original" not in original
    assert original["translations"] == {"hi": {"title": HINDI}, "ru": {"location": RUSSIAN_PLACE}}

    assert page.status_code == 200
    assert f"<title>{HINDI} — SummitWatch</title>" in page.text
    assert f"<title>{markupsafe.escape(ORIGINAL)} — SummitWatch</title>" in english_page.text


async def test_a_private_feed_in_a_language_carries_its_translations(settings: Settings) -> None:
    async with running(seeded(settings)) as app, httpx.AsyncClient() as http:
        url = private_url(app, "42", topics={"india-russia"})
        await translate(app, f'{VISIT} location.ru="{RUSSIAN_PLACE}"')
        russian = await http.get(url, params={"lang": "ru"})
        plain = await http.get(url)
    assert summaries(russian.content)[VISIT] == (ORIGINAL, RUSSIAN_PLACE)
    assert summaries(plain.content)[VISIT] == (ORIGINAL, "New Delhi, India")
    assert russian.headers["cache-control"].startswith("private")
