"""Behind deploy/nginx.conf, a feed asked in a language (``?lang=hi``) comes from the app,
with the translations, while the plain feed is still nginx's file."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import icalendar
import pytest

from calendars.commands import parse_editevent
from config.settings import Settings
from tests.deploy.test_nginx_conf import NGINX, behind_nginx

pytestmark = [
    pytest.mark.asyncio,
    pytest.mark.skipif(NGINX is None, reason="Debian's nginx is not installed"),
]

HINDI = "एससीओ शिखर सम्मेलन"


@pytest.fixture
def folder() -> Iterator[Path]:
    """World-traversable, as tests/deploy/test_nginx_conf.py's (nginx's workers reach it)."""
    made = Path(tempfile.mkdtemp(prefix="summitwatch-nginx-"))
    made.chmod(0o755)
    yield made
    shutil.rmtree(made, ignore_errors=True)


def summary_of(body: bytes, event_id: str) -> str:
    (event,) = [
        e
        for e in icalendar.Calendar.from_ical(body).walk("VEVENT")
        if str(e["UID"]).startswith(f"{event_id}@")
    ]
    return str(event["SUMMARY"])


async def test_a_feed_in_a_language_goes_to_the_app_and_the_plain_one_stays_a_file(
    settings: Settings, folder: Path
) -> None:
    async with behind_nginx(settings, folder) as (app, url):
        _id, changes = parse_editevent(f'summit title.hi="{HINDI}"', current_lookup=app.events.find)
        await app.events.edit("summit", actor="t", **changes)
        paths = ("/calendar.ics", "/calendar/sco.ics", "/events/summit.ics")
        async with httpx.AsyncClient(base_url=url) as http:
            hindi = [await http.get(path, params={"lang": "hi"}) for path in paths]
            plain = await http.get("/calendar/sco.ics")
        async with httpx.AsyncClient(base_url=app.public_url) as http:
            direct = await http.get("/calendar/sco.ics", params={"lang": "hi"})
    for response in hindi:
        assert response.status_code == 200
        assert summary_of(response.content, "summit") == HINDI
    # The app's ETag (weak once nginx gzips what the app sent), not a file's.
    assert hindi[1].headers["etag"].removeprefix("W/") == direct.headers["etag"]
    assert hindi[1].headers["etag"].endswith('-hi"')
    assert HINDI.encode() not in plain.content
