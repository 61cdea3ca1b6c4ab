"""What suggestions keep across restarts, and what they forget."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime

import pytest
import time_machine

from calendars.events import Coverage
from calendars.news.announcements import WatchName
from calendars.news.suggestions import Suggestion, SuggestionState
from calendars.time.precision import Precision
from config.settings import Settings
from tests.conftest import running

pytestmark = pytest.mark.asyncio

T0 = datetime(2026, 3, 15, 9, tzinfo=UTC)


def suggestion(suggestion_id: str, when: date, precision: Precision) -> Suggestion:
    return Suggestion(
        id=suggestion_id,
        title="Putin visit to New Delhi",
        when=when,
        precision=precision,
        people=("Putin",),
        articles=(Coverage("Putin to visit", f"https://news.example.org/{suggestion_id}"),),
        created=T0,
    )


async def test_suggestions_and_watched_names_outlive_a_restart_and_old_ones_go(
    settings: Settings,
) -> None:
    with time_machine.travel(T0, tick=False):
        async with running(settings) as app:
            old = suggestion("old", date(2026, 1, 1), Precision.MONTH)  # January: long past
            ignored = dataclasses.replace(
                suggestion("later", date(2026, 12, 4), Precision.DAY),
                state=SuggestionState.IGNORED,
            )
            for kept in (old, ignored):
                app.store.suggestions.save(kept)
            app.suggestions.watch(WatchName("Stubb", "person", ("Стубб",)), actor="t")
        async with running(settings) as app:  # start-up forgets what is long past
            remaining = app.store.suggestions.all()
            names = {n.name for n in app.suggestions.watch_list.names}
            assert app.suggestions.new() == []
    assert remaining == [ignored]
    assert {"Stubb", "Putin"} <= names
