"""The public page in English, Hindi, Marathi and Russian, over real HTTP from a real uvicorn:
chosen by ``?lang=`` or ``Accept-Language``, switched, kept apart in caches."""

from __future__ import annotations

import dataclasses
import html as htmlmod
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import httpx
import pytest
import time_machine
from babel.messages.extract import extract_from_dir

from calendars.events import Event
from calendars.i18n import LANGUAGE_NAMES, gettext_in
from calendars.time.precision import Precision
from config.seed import DEFAULT_SEED
from config.settings import Settings
from tests.conftest import at, running, timed_event

pytestmark = pytest.mark.asyncio

T0 = datetime(2026, 11, 1, 8, 0, tzinfo=UTC)
TEMPLATES = Path(__file__).resolve().parents[3] / "bot" / "web"


def visit() -> Event:
    """An event known only to its month: the page says "date to be announced"."""
    return Event(
        id="putin-visit",
        title="Putin visit to New Delhi",
        start=date(2026, 12, 1),
        end=date(2027, 1, 1),
        timezone="Asia/Kolkata",
        precision=Precision.MONTH,
        tags=("india-russia",),
    )


def page_messages() -> list[str]:
    """The English texts of the page's templates that read differently in translation."""
    found = extract_from_dir(TEMPLATES, [("templates/**.html", "jinja2")], keywords={"_": None})
    return sorted({m if isinstance(m, str) else m[0] for _f, _l, m, _c, _x in found})


def visible(text: str, lang: str) -> list[str]:
    """The fixed part of a message as it shows on a page in ``lang`` (between placeholders)."""
    translated = gettext_in(lang, text) if lang != "en" else text
    parts = [htmlmod.escape(p, quote=False) for p in translated.replace("}", "{").split("{")[::2]]
    return [p.strip() for p in parts if len(p.strip()) > 3]


async def test_lang_then_accept_language_then_english_pick_the_page_language(
    settings: Settings,
) -> None:
    asks = {
        "query hi": ({"lang": "hi"}, {}),
        "header ru": ({}, {"Accept-Language": "ru-RU,ru;q=0.9,en-US;q=0.8"}),
        "header mr after de": ({}, {"Accept-Language": "de-DE, mr;q=0.8, en;q=0.5"}),
        "query beats header": ({"lang": "ru"}, {"Accept-Language": "hi"}),
        "unknown query, header": ({"lang": "xx"}, {"Accept-Language": "mr"}),
        "hi refused": ({}, {"Accept-Language": "hi;q=0, en"}),
        "nothing": ({}, {}),
    }
    with time_machine.travel(T0, tick=False):
        async with running(settings) as app, httpx.AsyncClient(base_url=app.public_url) as http:
            await app.events.add(visit(), actor="t")
            talks = timed_event("talks", at("2026-12-04T10:00", "Asia/Kolkata"))
            await app.events.add(talks, actor="t")
            pages = {
                name: await http.get("/", params=params, headers=headers)
                for name, (params, headers) in asks.items()
            }
    langs = {name: page.headers["content-language"] for name, page in pages.items()}
    assert langs == {
        "query hi": "hi",
        "header ru": "ru",
        "header mr after de": "mr",
        "query beats header": "ru",
        "unknown query, header": "mr",
        "hi refused": "en",
        "nothing": "en",
    }
    for name, page in pages.items():
        assert f'<html lang="{langs[name]}">' in page.text
        assert page.headers["vary"] == "Accept-Language"
    hindi, russian, marathi = (
        pages[k].text for k in ("query hi", "header ru", "header mr after de")
    )
    assert '<h1 id="subscribe-heading">राजनयिक कैलेंडर</h1>' in hindi
    assert "Дипломатический календарь" in russian
    # Dates through calendars/time/language: Babel's month names, Marathi's own digits.
    assert "декабрь 2026" in russian
    assert "दिसंबर 2026 (तारीख़ की घोषणा बाक़ी)" in hindi
    assert "डिसेंबर २०२६ (तारीख अद्याप जाहीर नाही)" in marathi
    assert "तारीख़ घोषित होने तक कैलेंडर फ़ीड में नहीं।" in hindi
    assert "शुक्र, 4 दिस॰ 2026, 10:00 IST – 12:00" in hindi  # the talks, at the venue
    assert "शुक्र, ४ डिसें २०२६, १०:०० IST – १२:००" in marathi
    assert "пт, 4 дек. 2026, 10:00 IST – 12:00" in russian
    assert '<span class="count">२</span>' in marathi
    english = pages["nothing"].text
    assert "Diplomatic calendar" in english
    assert "December 2026 (date to be announced)" in english


@pytest.mark.parametrize("lang", ["en", "hi", "mr", "ru"])
async def test_every_text_of_the_page_is_in_its_language(settings: Settings, lang: str) -> None:
    seeded = dataclasses.replace(settings, seed_path=DEFAULT_SEED)
    async with running(seeded) as app, httpx.AsyncClient(base_url=app.public_url) as http:
        await app.events.edit(
            "sco-tianjin-2025",
            actor="telegram:1",
            location="Meijiang",
            source="https://news.example.org/venue",
        )
        talks = timed_event("talks", at("2025-06-01T10:00", "Asia/Kolkata"))  # a timed one
        await app.events.add(talks, actor="t")
        pages = [
            (await http.get("/", params={"lang": lang})).text,  # nothing upcoming yet
            (await http.get("/", params={"lang": lang, "topic": "trade"})).text,
            (await http.get("/events/sco-tianjin-2025", params={"lang": lang})).text,
            (await http.get("/events/nope", params={"lang": lang})).text,
        ]
        await app.events.add(visit(), actor="t")  # no history; its day still to be announced
        pages.append((await http.get("/events/putin-visit", params={"lang": lang})).text)
        shown = "".join(pages)
    # What a reader reads: text, and the attributes that are read out or shown (not URLs).
    read = re.sub(r'\s(?!aria-label=|title=|content=)[\w-]+="[^"]*"', "", shown)
    read = re.sub(r"<code>[^<]*</code>", "", read)
    messages = page_messages()
    assert len(messages) > 40
    untranslated = [m for m in messages if lang != "en" and visible(m, "en") == visible(m, lang)]
    # Names kept as written: Google's own menu labels stay English in Hindi and Marathi
    # (as the bot's /calendar reply has them: what most readers' Google shows).
    assert set(untranslated) <= {"JSON API", "Settings → Add calendar → From URL"}
    assert ("JSON API" in untranslated) == (lang != "en")
    for kept in untranslated:
        read = read.replace(kept, "")
    for message in messages:
        for part in visible(message, lang):
            assert part in shown, f"{lang}: {part!r} ({message!r}) is not on the page"
        if lang != "en" and message not in untranslated:
            for part in visible(message, "en"):
                where = read[max(read.find(part) - 80, 0) : read.find(part) + 40]
                assert part not in read, f"{lang}: English {part!r} is left: {where!r}"


async def test_the_switcher_names_each_language_in_its_own_words_and_keeps_the_query(
    settings: Settings,
) -> None:
    seeded = dataclasses.replace(settings, seed_path=DEFAULT_SEED)
    async with running(seeded) as app, httpx.AsyncClient(base_url=app.public_url) as http:
        chosen = (await http.get("/", params={"topic": "state-visit", "lang": "hi"})).text
        by_header = (await http.get("/", headers={"Accept-Language": "ru"})).text
        event = (await http.get("/events/sco-tianjin-2025", params={"lang": "mr"})).text
    for code, name in LANGUAGE_NAMES.items():
        current = ' aria-current="true"' if code == "hi" else ""
        link = f'<a href="/?topic=state-visit&amp;lang={code}" hreflang="{code}" lang="{code}"'
        assert f"{link}{current}>{name}</a>" in chosen
    # Chosen by ?lang=: the site's own links keep it; the feed is named in Hindi too.
    assert '<a href="/?topic=india-russia&amp;lang=hi">india-russia</a>' in chosen
    assert '<a href="/events/putin-new-delhi-2025?lang=hi">' in chosen
    assert "/calendar/state-visit.ics?lang=hi" in chosen
    # Chosen by the browser: links stay plain (the header keeps choosing).
    assert '<a href="/?topic=india-russia">india-russia</a>' in by_header
    assert (
        '<a href="/?lang=ru" hreflang="ru" lang="ru" aria-current="true">Русский</a>' in by_header
    )
    assert "/calendar.ics?lang=ru" in by_header
    assert '<a href="/events/sco-tianjin-2025?lang=en" hreflang="en" lang="en">English</a>' in event
    assert '<a href="/?lang=mr">← सर्व कार्यक्रम</a>' in event


async def test_a_cached_page_in_one_language_is_never_served_for_another(
    settings: Settings,
) -> None:
    seeded = dataclasses.replace(settings, seed_path=DEFAULT_SEED)
    async with running(seeded) as app, httpx.AsyncClient(base_url=app.public_url) as http:
        english = await http.get("/", headers={"Accept-Language": "en"})
        etag = english.headers["etag"]
        # A shared cache revalidating its English copy for a Hindi reader gets Hindi.
        hindi = await http.get("/", headers={"Accept-Language": "hi", "If-None-Match": etag})
        again = await http.get(
            "/", headers={"Accept-Language": "hi", "If-None-Match": hindi.headers["etag"]}
        )
        still_english = await http.get("/", headers={"If-None-Match": etag})
        russian_event = await http.get(
            "/events/sco-tianjin-2025", headers={"Accept-Language": "ru"}
        )
    assert hindi.status_code == 200
    assert hindi.headers["etag"] != etag
    assert '<html lang="hi">' in hindi.text
    assert (again.status_code, again.content) == (304, b"")
    assert again.headers["vary"] == "Accept-Language"
    assert again.headers["content-language"] == "hi"
    assert still_english.status_code == 304
    assert english.headers["cache-control"] == "public, max-age=60"
    assert '<html lang="ru">' in russian_event.text
    assert russian_event.headers["vary"] == "Accept-Language"


async def test_not_found_pages_speak_the_readers_language(settings: Settings) -> None:
    async with running(settings) as app, httpx.AsyncClient(base_url=app.public_url) as http:
        topic = await http.get("/", params={"topic": "nope", "lang": "ru"})
        event = await http.get("/events/nope", headers={"Accept-Language": "hi"})
    assert topic.status_code == event.status_code == 404
    assert "Темы «nope» нет." in topic.text
    assert '<html lang="ru">' in topic.text
    assert "“nope” नाम का कोई कार्यक्रम नहीं है।" in event.text
    assert event.headers["vary"] == "Accept-Language"


async def test_an_event_pages_history_is_in_the_readers_language(settings: Settings) -> None:
    async with running(settings) as app, httpx.AsyncClient(base_url=app.public_url) as http:
        talks = timed_event("talks", app.now() + timedelta(days=9), tags=("sco",))
        await app.events.add(talks, actor="t")
        await app.events.edit("talks", actor="telegram:1", status="postponed")
        russian = (await http.get("/events/talks", params={"lang": "ru"})).text
        english = (await http.get("/events/talks")).text
    line = russian.split('<ol class="history" reversed>')[1].split("</li>")[0]
    assert 'администратор: <span class="field">Статус</span> подтверждено → перенесено' in line
    assert "UTC" in line
    assert 'an admin: <span class="field">Status</span> confirmed → postponed' in english
