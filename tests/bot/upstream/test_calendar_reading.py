"""Reading an upstream calendar in the worker: any bytes give a report or a refusal."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.upstream.reading import _Packed, _parse

NOW = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
HEAD = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"


@settings(deadline=None, max_examples=150)
@given(st.one_of(st.binary(max_size=400), st.binary(max_size=400).map(lambda b: HEAD + b)))
def test_any_bytes_are_read_or_refused_with_a_message_never_a_crash(body: bytes) -> None:
    outcome = _parse(body, NOW, None)
    if isinstance(outcome, _Packed):
        report = outcome.unpack()
        assert len(report.events) == len(outcome.events)
    else:
        message, _example = outcome
        assert message
