"""The feeds' own name and description per ``?lang=``, over real HTTP from a real uvicorn;
without ``?lang=`` the bytes subscribers always had."""

from __future__ import annotations

import dataclasses

import httpx
import icalendar
import pytest

from config.seed import DEFAULT_SEED
from config.settings import Settings
from tests.conftest import running

pytestmark = pytest.mark.asyncio

ENGLISH_DESCRIPTION = "Summits, state visits and diplomatic meetings tracked by SummitWatch"


def header(body: bytes) -> dict[str, str]:
    calendar = icalendar.Calendar.from_ical(body)
    keys = ("X-WR-CALNAME", "NAME", "X-WR-CALDESC", "DESCRIPTION", "UID")
    return {key: str(calendar[key]) for key in keys}


async def test_lang_names_and_describes_the_feed_and_english_stays_byte_for_byte(
    settings: Settings,
) -> None:
    seeded = dataclasses.replace(settings, seed_path=DEFAULT_SEED)
    async with running(seeded) as app, httpx.AsyncClient(base_url=app.public_url) as http:
        plain = await http.get("/calendar.ics")
        english = await http.get("/calendar.ics", params={"lang": "en"})
        feeds = {
            lang: await http.get("/calendar.ics", params={"lang": lang})
            for lang in ["hi", "mr", "ru"]
        }
        topic = await http.get("/calendar/state-visit.ics", params={"lang": "hi"})
        topic_plain = await http.get("/calendar/state-visit.ics")
        region = await http.get("/calendar.ics", params={"lang": "ru-RU"})
    assert english.content == plain.content
    assert english.headers["etag"] == plain.headers["etag"]
    assert header(plain.content) == {
        "X-WR-CALNAME": "SummitWatch",
        "NAME": "SummitWatch",
        "X-WR-CALDESC": ENGLISH_DESCRIPTION,
        "DESCRIPTION": ENGLISH_DESCRIPTION,
        "UID": f"all@{app.meta.host}",
    }
    russian = header(feeds["ru"].content)
    assert russian["X-WR-CALNAME"] == russian["NAME"] == "SummitWatch: дипломатический календарь"
    assert russian["X-WR-CALDESC"] == russian["DESCRIPTION"]
    assert russian["DESCRIPTION"].startswith("Саммиты, государственные визиты")
    assert header(feeds["hi"].content)["NAME"] == "SummitWatch: राजनयिक कैलेंडर"
    assert header(feeds["mr"].content)["NAME"] == "SummitWatch: राजनैतिक कॅलेंडर"
    assert header(feeds["hi"].content)["DESCRIPTION"].startswith("शिखर सम्मेलन")
    assert header(feeds["mr"].content)["DESCRIPTION"].startswith("शिखर परिषदा")
    assert header(topic.content)["X-WR-CALNAME"] == "SummitWatch: विषय state-visit"
    assert header(topic_plain.content)["X-WR-CALNAME"] == "SummitWatch — state-visit"
    assert region.content == feeds["ru"].content
    # Each language its own validators, UID and file name; the same events in all.
    etags = {plain.headers["etag"], *(feed.headers["etag"] for feed in feeds.values())}
    assert len(etags) == 4
    assert feeds["hi"].headers["etag"].endswith('-hi"')
    assert header(feeds["hi"].content)["UID"] == f"all.hi@{app.meta.host}"
    assert 'filename="summitwatch.ru.ics"' in feeds["ru"].headers["content-disposition"]
    assert 'filename="state-visit.hi.ics"' in topic.headers["content-disposition"]
    for feed in feeds.values():
        assert feed.content.count(b"BEGIN:VEVENT") == plain.content.count(b"BEGIN:VEVENT") == 3


async def test_a_feeds_validators_hold_within_its_language_only(settings: Settings) -> None:
    async with running(settings) as app, httpx.AsyncClient(base_url=app.public_url) as http:
        english = await http.get("/calendar.ics")
        hindi = await http.get("/calendar.ics", params={"lang": "hi"})
        same = await http.get(
            "/calendar.ics", params={"lang": "hi"}, headers={"If-None-Match": hindi.headers["etag"]}
        )
        crossed = await http.get(
            "/calendar.ics",
            params={"lang": "hi"},
            headers={"If-None-Match": english.headers["etag"]},
        )
    assert (same.status_code, same.headers["etag"]) == (304, hindi.headers["etag"])
    assert crossed.status_code == 200
    assert crossed.content == hindi.content


async def test_a_language_we_do_not_speak_is_a_clear_400(settings: Settings) -> None:
    async with running(settings) as app, httpx.AsyncClient(base_url=app.public_url) as http:
        everything = await http.get("/calendar.ics", params={"lang": "de"})
        topic = await http.get("/calendar/sco.ics", params={"lang": "hindi"})
    for refused in (everything, topic):
        assert refused.status_code == 400
        assert refused.headers["content-type"].startswith("text/plain")
        assert "is not a language of this calendar" in refused.text
        assert "hi (हिन्दी), mr (मराठी), ru (Русский)" in refused.text
        assert "?lang=hi" in refused.text
    assert "lang='de'" in everything.text
