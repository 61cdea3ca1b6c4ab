"""Rendered VEVENTs kept across a restart: reused while valid, rendered again when not."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from bot.store import Store
from bot.store.backup import export_database, import_database
from bot.store.feed_state import feed_state_path
from config.settings import Settings
from tests.conftest import at, running, timed_event

pytestmark = pytest.mark.asyncio

MARK = "X-KEPT-FROM-LAST-RUN:yes"


def public(settings: Settings, url: str = "https://cal.example.org") -> Settings:
    return Settings(db_path=settings.db_path, port=0, seed_path=None, public_url=url)


async def feed_of(settings: Settings) -> httpx.Response:
    async with running(settings) as app:
        await app.wait_background()  # the start-up render
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{app.port}") as http:
            return await http.get("/calendar.ics")


def mark_kept_vevents(db_path: Path) -> None:
    """Put a line into every kept VEVENT, so a feed shows which ones were reused."""
    path = feed_state_path(db_path.resolve())
    state = json.loads(path.read_bytes())
    for kept in state["vevents"].values():
        kept[2] = kept[2].replace("END:VEVENT", f"{MARK}\r\nEND:VEVENT")
    path.write_text(json.dumps(state))


async def test_a_restart_reuses_unchanged_vevents_and_renders_changed_ones(
    settings: Settings,
) -> None:
    settings = public(settings)
    async with running(settings) as app:
        start = at("2026-12-04 10:00", "Asia/Kolkata")
        for name in ("summit", "talks"):
            await app.events.add(timed_event(name, start, tags=("sco",)), actor="t")
    first = await feed_of(settings)
    mark_kept_vevents(settings.db_path)
    with Store(settings.db_path) as store:  # changed while the app was down
        talks = store.events.get("talks")
        assert talks is not None
        store.events.save(talks.revised(now=at("2026-12-01 12:00"), location="Moscow"))
    second = await feed_of(settings)
    summit, talks_text = second.text.split("BEGIN:VEVENT")[1:]
    assert "UID:summit@" in summit
    assert MARK in summit
    assert "UID:talks@" in talks_text
    assert MARK not in talks_text
    assert "LOCATION:Moscow" in talks_text
    assert second.headers["etag"] != first.headers["etag"]


async def test_validators_survive_a_restart_and_a_new_public_url_renders_everything(
    settings: Settings,
) -> None:
    settings = public(settings)
    async with running(settings) as app:
        start = at("2026-12-04 10:00", "Asia/Kolkata")
        await app.events.add(timed_event("summit", start, tags=("sco",)), actor="t")
    first = await feed_of(settings)
    again = await feed_of(settings)
    assert (again.headers["etag"], again.headers["last-modified"]) == (
        first.headers["etag"],
        first.headers["last-modified"],
    )
    mark_kept_vevents(settings.db_path)
    moved = await feed_of(public(settings, "https://calendar.example.net"))
    assert MARK not in moved.text
    assert "UID:summit@calendar.example.net" in moved.text
    assert "example.org" not in moved.text


@pytest.mark.parametrize("garbage", [b"", b"{not json", b'{"format": "other"}', b"[1, 2]"])
async def test_an_unreadable_state_file_costs_a_render_not_the_feed(
    settings: Settings, garbage: bytes
) -> None:
    settings = public(settings)
    async with running(settings) as app:
        start = at("2026-12-04 10:00", "Asia/Kolkata")
        await app.events.add(timed_event("summit", start), actor="t")
    feed_state_path(settings.db_path.resolve()).write_bytes(garbage)
    served = await feed_of(settings)
    assert served.status_code == 200
    assert "UID:summit@cal.example.org" in served.text


async def test_restoring_a_backup_drops_the_kept_renders(
    settings: Settings, tmp_path: Path
) -> None:
    """The kept VEVENTs belong to the events that were there: a restore starts afresh."""
    settings = public(settings)
    async with running(settings) as app:
        await app.events.add(timed_event("summit", at("2026-12-04 10:00")), actor="t")
    kept = feed_state_path(settings.db_path.resolve())
    assert kept.exists()
    backup = tmp_path / "backup.json"
    export_database(settings.db_path, backup)
    import_database(settings.db_path, str(backup), replace=True)
    assert not kept.exists()
    assert "UID:summit@cal.example.org" in (await feed_of(settings)).text
