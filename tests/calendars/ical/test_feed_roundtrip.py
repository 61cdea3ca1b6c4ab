"""Our feed read back: by our importer (nothing changes) and by other parsers (same instants)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import vobject
from icalendar import Calendar

from bot.services.events import IMPORTED_FIELDS
from calendars.events import Coverage, Event, Status
from calendars.ical.importer import parse_ics
from calendars.ical.render import CalendarMeta, IcalRenderer
from calendars.ical.roundtrip import split_description
from config.seed import load_seed
from tests.conftest import at, timed_event

NOW = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)
SEED = Path(__file__).resolve().parents[3] / "config" / "events.toml"
META = CalendarMeta(public_url="https://summitwatch.example")


def extra_events() -> list[Event]:
    """Events that exercise every part of the feed format a round trip must survive."""
    berlin = timed_event(
        "berlin-fall-back-2026",
        at("2026-10-25T01:00", "Europe/Berlin"),
        hours=1.5,  # until 02:30 CET: the second pass of the repeated hour
        title="Night session in Berlin",
        urls=("https://a.example/one", "https://b.example/two?x=1&y=2", "http://c.example/"),
        description="Line one.\n\nSources:\nnot a URL, so this stays\n\nLast paragraph.",
    )
    coverage = (
        Coverage(title="Modi, Putin\ngear up: talks", url="https://news.example/a", source="Wire"),
        Coverage(title="Second: item", url="https://news.example/b"),
    )
    delhi = timed_event(
        "delhi-talks-2026",
        at("2026-12-04T10:00", "Asia/Kolkata"),
        title="Delhi talks",
        urls=("https://www.mea.gov.in/",),
        coverage=coverage,
        tags=("india-russia", "defence"),
        location="Hyderabad House, New Delhi",
    )
    spring = timed_event(
        "ny-spring-2026", at("2026-03-08T01:30", "America/New_York"), status=Status.TENTATIVE
    )
    return [
        berlin,
        delhi,
        spring,
        Event(
            id="sco-summit-2026",
            title="SCO Summit",
            start=date(2026, 8, 31),
            end=date(2026, 9, 2),
            timezone="Asia/Shanghai",
            description="No sources.",
            coverage=coverage[:1],
        ),
        Event(
            id="nuuk-new-year-2026",
            title="Nuuk new year",
            start=datetime(2026, 12, 31, 22, 0, tzinfo=UTC).astimezone(UTC),
            end=datetime(2027, 1, 1, 1, 0, tzinfo=UTC),
            timezone="America/Nuuk",
            status=Status.CANCELLED,
        ),
        timed_event("utc-call-2026", at("2026-05-01T12:00", "UTC")),
        *(  # every status, the ones iCalendar has no word for too
            timed_event(f"{status.value}-talks-2026", at("2026-07-01T10:00"), status=status)
            for status in Status
        ),
    ]


def all_events() -> list[Event]:
    return [*load_seed(SEED, now=NOW), *extra_events()]


def test_importing_our_feed_gives_back_every_imported_field_unchanged() -> None:
    events = all_events()
    feed = IcalRenderer(META).calendar(events)
    report = parse_ics(feed, now=NOW, our_host=META.host, default_zone="Asia/Kolkata")
    assert report.skipped == ()
    assert report.floating_zone is None
    back = {event.id: event for event in report.events}
    assert set(back) == {event.id for event in events}
    for original in events:
        for name in IMPORTED_FIELDS:
            assert getattr(back[original.id], name) == getattr(original, name), (original.id, name)
        assert back[original.id].starts_at == original.starts_at
        assert back[original.id].ends_at == original.ends_at


def test_feed_writes_the_zone_of_all_day_events_and_each_source_url() -> None:
    feed = IcalRenderer(META).calendar(extra_events()).decode()
    vevents = list(Calendar.from_ical(feed).walk("VEVENT"))
    sco = next(v for v in vevents if str(v["UID"]).startswith("sco-summit-2026@"))
    assert str(sco["X-SUMMITWATCH-TZID"]) == "Asia/Shanghai"
    berlin = next(v for v in vevents if str(v["UID"]).startswith("berlin-fall-back-2026@"))
    assert str(berlin["URL"]) == "https://a.example/one"
    _, urls = split_description(str(berlin["DESCRIPTION"]))
    assert urls == ("https://a.example/one", "https://b.example/two?x=1&y=2", "http://c.example/")


def test_descriptions_we_did_not_write_keep_their_text() -> None:
    text = "Agenda\n\nSources:\nthe ministry's website"
    assert split_description(text) == (text, ())
    assert split_description("Sources:\nhttps://x.example/") == ("", ("https://x.example/",))


# ---- 7. wall times repeated or skipped by DST are written as UTC -----------------------


def _instants_icalendar(feed: bytes) -> dict[str, tuple[datetime, datetime]]:
    found = {}
    for vevent in Calendar.from_ical(feed).walk("VEVENT"):
        start, end = vevent["DTSTART"].dt, vevent["DTEND"].dt
        if isinstance(start, datetime):
            found[str(vevent["UID"]).split("@")[0]] = (start.astimezone(UTC), end.astimezone(UTC))
    return found


def _instants_vobject(feed: bytes) -> dict[str, tuple[datetime, datetime]]:
    # vobject keeps the first VTIMEZONE it saw for a TZID for the life of the process;
    # read each feed through its own definitions, as a calendar client would.
    getattr(vobject.icalendar, "__tzidMap").clear()
    found = {}
    for vevent in vobject.readOne(feed.decode()).vevent_list:
        start, end = vevent.dtstart.value, vevent.dtend.value
        if isinstance(start, datetime):
            found[vevent.uid.value.split("@")[0]] = (start.astimezone(UTC), end.astimezone(UTC))
    return found


def expected_instants() -> dict[str, tuple[datetime, datetime]]:
    return {e.id: (e.starts_at, e.ends_at) for e in extra_events() if not e.all_day}


@pytest.mark.parametrize("reader", [_instants_icalendar, _instants_vobject])
def test_icalendar_and_vobject_read_every_time_of_the_feed_as_the_same_instant(
    reader: object,
) -> None:
    feed = IcalRenderer(META).calendar(extra_events())
    assert b"DTEND:20261025T003000Z" in feed  # the second 02:30 of 25 October in Berlin
    assert reader(feed) == expected_instants()  # type: ignore[operator]


def test_a_90_minute_event_ending_in_the_repeated_hour_stays_90_minutes() -> None:
    feed = IcalRenderer(META).calendar(extra_events()[:1])
    for reader in (_instants_icalendar, _instants_vobject):
        start, end = reader(feed)["berlin-fall-back-2026"]
        assert end - start == timedelta(minutes=90)


# ---- 8. the VTIMEZONE begins before the earliest local time ----------------------------


# Zones whose rules change within the feed's years get one observance per change
# (``vtimezone._explicit``), starting where the definition starts.
NEW_YEARS_EVE = [
    ("America/Nuuk", datetime(2022, 12, 31, 22, 30), datetime(2024, 6, 1, 10, 0)),  # 2023 change
    ("America/Santiago", datetime(2021, 12, 31, 21, 0), datetime(2022, 10, 1, 10, 0)),  # 2022
]


def new_years_eve_events(zone: str, eve: datetime, later: datetime) -> list[Event]:
    return [
        timed_event(f"eve-{zone.split('/')[1].lower()}", eve.replace(tzinfo=ZoneInfo(zone))),
        timed_event(f"later-{zone.split('/')[1].lower()}", later.replace(tzinfo=ZoneInfo(zone))),
    ]


@pytest.mark.parametrize(("zone", "eve", "later"), NEW_YEARS_EVE)
def test_a_new_years_eve_event_west_of_greenwich_is_inside_its_vtimezone(
    zone: str, eve: datetime, later: datetime
) -> None:
    events = new_years_eve_events(zone, eve, later)
    assert events[0].starts_at.year == eve.year + 1  # already next year in UTC
    feed = IcalRenderer(META).calendar(events)
    (vtimezone,) = Calendar.from_ical(feed).walk("VTIMEZONE")
    onsets = [sub["DTSTART"].dt for sub in vtimezone.subcomponents]
    assert len(onsets) > 2  # one observance per change: the form the bug was in
    assert min(onsets) <= eve
    expected = {e.id: (e.starts_at, e.ends_at) for e in events}
    assert _instants_vobject(feed) == expected


# ---- ical.js (Thunderbird, Nextcloud...) when node and the package are at hand ---------

_ICALJS_SCRIPT = """
import ICAL from "ical.js";
let text = "";
for await (const chunk of process.stdin) text += chunk;
const out = {};
for (const sub of new ICAL.Component(ICAL.parse(text)).getAllSubcomponents("vevent")) {
  const event = new ICAL.Event(sub);
  if (event.startDate.isDate) continue;
  out[event.uid.split("@")[0]] = [event.startDate.toUnixTime(), event.endDate.toUnixTime()];
}
process.stdout.write(JSON.stringify(out));
"""


def _icaljs_dir() -> Path | None:
    """Where ``npm install ical.js`` was run: ICALJS_DIR, else /tmp/icaljs."""
    for folder in (os.environ.get("ICALJS_DIR"), "/tmp/icaljs"):
        if folder and (Path(folder) / "node_modules" / "ical.js").is_dir():
            return Path(folder)
    return None


def test_icaljs_reads_every_time_of_the_feed_as_the_same_instant() -> None:
    folder, node = _icaljs_dir(), shutil.which("node")
    if folder is None or node is None:
        pytest.skip("needs node and `npm install ical.js` in ICALJS_DIR (default /tmp/icaljs)")
    events = [*extra_events(), *(e for case in NEW_YEARS_EVE for e in new_years_eve_events(*case))]
    feed = IcalRenderer(META).calendar(events)
    result = subprocess.run(
        [node, "--input-type=module", "-e", _ICALJS_SCRIPT],
        input=feed,
        capture_output=True,
        cwd=folder,
        timeout=60,
        check=True,
    )
    read = {
        uid: tuple(datetime.fromtimestamp(t, UTC) for t in pair)
        for uid, pair in json.loads(result.stdout).items()
    }
    assert read == {e.id: (e.starts_at, e.ends_at) for e in events if not e.all_day}
