"""The upstream source record and what admins type after /addsource."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from calendars.errors import InvalidInput
from calendars.events import Event
from calendars.origins import Origin
from calendars.upstream.arguments import parse_addsource
from calendars.upstream.source import HeldChange, PollSummary, UpstreamSource

NOW = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)


def test_a_source_survives_its_record_with_everything_polling_learnt() -> None:
    source = UpstreamSource(
        id="s0a1b2c3",
        url="https://x.example/c.ics",
        name="x",
        topics=("sco",),
        zone="Asia/Kolkata",
        interval=timedelta(hours=1),
        added_at=NOW,
        next_poll=NOW,
        etag='"e"',
        body_hash="ab",
        summary=PollSummary(3, (("no title", 2),), 1),
        missing={"s0a1b2c3-aa": 1},
        held=HeldChange(at=NOW, body_hash="cd", adds=30, updates=0, cancels=0, missing=30, base=30),
    )
    assert UpstreamSource.from_record(source.id, source.to_record()) == source


def test_backoff_doubles_from_the_sources_interval_and_success_resets_it() -> None:
    source = UpstreamSource(
        id="s1", url="https://x.example/c.ics", name="x", added_at=NOW, next_poll=NOW
    )
    failed = source.failed("HTTP 500", at=NOW, interval=timedelta(minutes=30)).failed(
        "HTTP 500", at=NOW, interval=timedelta(minutes=30)
    )
    assert failed.next_poll == NOW + timedelta(hours=2)
    recovered = failed.succeeded(at=NOW, interval=timedelta(minutes=30))
    assert (recovered.errors, recovered.next_poll) == (0, NOW + timedelta(minutes=30))


def test_an_event_keeps_its_origin_and_pinned_fields_and_old_records_load() -> None:
    event = Event(
        id="s1-abc",
        title="Talks",
        start=NOW,
        end=NOW + timedelta(hours=1),
        origin=Origin("s1", "uid@x", "20261201T080000Z"),
        pinned=frozenset({"title"}),
    )
    record = event.to_record()
    assert Event.from_record(record) == event
    old = {k: v for k, v in record.items() if k not in ("origin", "pinned")}
    assert Event.from_record(old).origin is None


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("", "which calendar? Give its .ics URL"),
        ("https://x.example/c.ics tz=Mars/Olympus", "unknown time zone 'Mars/Olympus'"),
        ("https://x.example/c.ics every=1h", "unknown option 'every'"),
        ("https://x.example/c.ics Not_A_Tag!", "must be 1-64 lower-case letters"),
    ],
)
def test_addsource_arguments_refuse_with_an_example(text: str, error: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_addsource(text)
    assert error in refused.value.message
    assert refused.value.example is not None
    assert refused.value.example.startswith("/addsource https://")


def test_addsource_arguments_read_topics_and_zone() -> None:
    wanted = parse_addsource("https://x.example/c.ics SCO india-russia sco tz=asia/kolkata")
    assert wanted.topics == ("sco", "india-russia")
    assert wanted.zone == "Asia/Kolkata"


@settings(deadline=None)  # a loaded CI host must not fail a correct parse
@given(st.text(max_size=200))
def test_addsource_arguments_refuse_or_parse_never_crash(text: str) -> None:
    try:
        parse_addsource(text)
    except InvalidInput as exc:
        assert exc.example
