"""Feeds written as files for nginx: the same bytes and validators as the app's own route."""

from __future__ import annotations

import asyncio
import gzip
import stat
from email.utils import parsedate_to_datetime
from pathlib import Path

import httpx
import pytest

from bot.app import SummitWatch
from bot.web.static_feeds import SyncReport
from calendars.ical.feeds import nginx_etag
from config.settings import Settings
from tests.conftest import at, running, timed_event

pytestmark = pytest.mark.asyncio


def with_static(settings: Settings, folder: Path, url: str = "") -> Settings:
    """``url``: a fixed public URL (else it names the port, which changes each start)."""
    return Settings(
        db_path=settings.db_path, port=0, seed_path=None, static_dir=folder, public_url=url
    )


async def publish(app: SummitWatch) -> SyncReport:
    await app.wait_background()  # the start-up publish: its counts are not this one's
    report = await asyncio.to_thread(app.publisher.publish)
    assert report is not None
    return report


async def add_events(app: SummitWatch) -> None:
    start = at("2026-12-04 10:00", "Asia/Kolkata")
    await app.events.add(timed_event("summit", start, tags=("sco", "energy")), actor="t")
    await app.events.add(timed_event("talks", start, tags=("sco",)), actor="t")
    await app.events.add(timed_event("lonely", start, tags=("one-off",)), actor="t")


def files(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()}


async def test_every_public_feed_is_a_file_at_its_url_path_with_the_apps_validators(
    settings: Settings, tmp_path: Path
) -> None:
    folder = tmp_path / "www"
    async with running(with_static(settings, folder)) as app:
        await add_events(app)
        await publish(app)
        async with httpx.AsyncClient(base_url=app.public_url) as http:
            for path in (
                "calendar.ics",
                "calendar/sco.ics",
                "calendar/one-off.ics",
                "events/summit.ics",
                "events/lonely.ics",
                "calendar/trade.ics",
            ):
                served = await http.get(f"/{path}")
                assert served.status_code == 200, path
                written = folder / path
                assert written.read_bytes() == served.content, path
                assert gzip.decompress((folder / f"{path}.gz").read_bytes()) == served.content
                modified = parsedate_to_datetime(served.headers["last-modified"])
                assert written.stat().st_mtime == modified.timestamp()
                assert served.headers["etag"] == nginx_etag(modified, written.stat().st_size)
                # nginx's workers are another user: readable by all, writable by the app only
                assert stat.S_IMODE(written.stat().st_mode) == 0o644
        assert stat.S_IMODE((folder / "events").stat().st_mode) == 0o755
        # the feed of a chat stays dynamic: its URL is its secret
        assert not any("private" in name for name in files(folder))


async def test_a_file_is_rewritten_only_when_its_bytes_change(
    settings: Settings, tmp_path: Path
) -> None:
    folder = tmp_path / "www"
    async with running(with_static(settings, folder)) as app:
        await add_events(app)
        await publish(app)
        inode = {name: (folder / name).stat().st_ino for name in files(folder)}
        again = await publish(app)
        assert again.written == 0
        await app.events.edit("summit", actor="t", location="Hyderabad House")
        report = await publish(app)
        changed = {n for n in files(folder) if (folder / n).stat().st_ino != inode[n]}
        # the event, the full feed and its two topics; nothing of "talks" or "one-off"
        assert {n.removesuffix(".gz") for n in changed} == {
            "events/summit.ics",
            "calendar.ics",
            "calendar/sco.ics",
            "calendar/energy.ics",
        }
        assert report.written == 4
        assert b"Hyderabad House" in (folder / "events/summit.ics").read_bytes()


async def test_gone_events_and_topics_take_their_files_with_them(
    settings: Settings, tmp_path: Path
) -> None:
    folder = tmp_path / "www"
    async with running(with_static(settings, folder)) as app:
        await add_events(app)
        (folder / "events" / "notes.txt").parent.mkdir(parents=True, exist_ok=True)
        (folder / "events" / "notes.txt").write_text("not ours")
        await publish(app)
        app.store.events.remove("lonely")  # as a restore of an older backup would
        report = await publish(app)
        assert report.removed == 2  # its own feed and its topic's
        assert not (folder / "events/lonely.ics").exists()
        assert not (folder / "events/lonely.ics.gz").exists()
        assert not (folder / "calendar/one-off.ics").exists()
        assert (folder / "calendar/sco.ics").exists()  # still used
        assert (folder / "calendar/trade.ics").exists()  # configured: kept, even empty
        assert (folder / "events" / "notes.txt").read_text() == "not ours"


async def test_an_event_leaving_a_topic_moves_the_topic_feeds_validators(
    settings: Settings, tmp_path: Path
) -> None:
    """No event in the topic got newer, yet its bytes changed: a client holding the old
    copy must not be told 304, by the app or by nginx (which compares mtime and size)."""
    folder = tmp_path / "www"
    async with running(with_static(settings, folder)) as app:
        await add_events(app)
        async with httpx.AsyncClient(base_url=app.public_url) as http:
            before = await http.get("/calendar/sco.ics")
            await app.events.edit("summit", actor="t", tags=("energy",))
            after = await http.get("/calendar/sco.ics")
            assert after.content != before.content
            assert after.headers["etag"] != before.headers["etag"]
            assert parsedate_to_datetime(after.headers["last-modified"]) > parsedate_to_datetime(
                before.headers["last-modified"]
            )
            stale = await http.get(
                "/calendar/sco.ics", headers={"If-Modified-Since": before.headers["last-modified"]}
            )
            assert stale.status_code == 200


async def test_the_app_writes_a_change_at_its_next_check(
    settings: Settings, tmp_path: Path
) -> None:
    """The check the scheduler runs every PUBLISH_EVERY: nothing to do until the events
    change, then one publish in the background."""
    folder = tmp_path / "www"
    async with running(with_static(settings, folder)) as app:
        await add_events(app)
        await publish(app)
        assert not app.publisher.due()
        await app.events.edit("talks", actor="t", title="Talks moved to Kazan")
        assert app.publisher.due()
        app._publish_if_changed()
        await app.wait_background()
        assert b"SUMMARY:Talks moved to Kazan" in (folder / "events/talks.ics").read_bytes()
        assert not app.publisher.due()


async def test_a_restart_renders_no_unchanged_event_feed(
    settings: Settings, tmp_path: Path
) -> None:
    folder, url = tmp_path / "www", "https://cal.example.org"
    async with running(with_static(settings, folder, url)) as app:
        await add_events(app)
        await publish(app)
    before = {name: (folder / name).stat().st_ino for name in files(folder)}
    async with running(with_static(settings, folder, url)) as app:
        await app.wait_background()  # the start-up publish
        started = app.publisher.last
        await app.events.edit("lonely", actor="t", location="Kazan")
        edited = await publish(app)
    # At start: the full feed and the topic feeds are checked (the store's version starts
    # again at 0, so their keys cannot carry over), none of the event feeds.
    topics = {"sco", "energy", "one-off", *settings.topics}
    assert started is not None
    assert (started.rendered, started.written) == (1 + len(topics), 0)
    assert (edited.rendered, edited.written) == (1 + 1 + len(topics), 3)
    changed = {
        n.removesuffix(".gz") for n in files(folder) if (folder / n).stat().st_ino != before[n]
    }
    assert changed == {"calendar.ics", "events/lonely.ics", "calendar/one-off.ics"}
