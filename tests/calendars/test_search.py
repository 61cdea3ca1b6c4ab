"""Finding events by typed words: folded, substring, every word, never slow or crashing."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from benchmarks.synthetic import make_events
from calendars.search import MAX_QUERY_WORDS, SearchIndex, query_words, search_events
from tests.conftest import timed_event

NOW = datetime(2026, 12, 1, 9, tzinfo=UTC)
EVENTS = [
    timed_event(
        "modi-putin-talks",
        NOW + timedelta(days=3),
        title="Modi–Putin talks",
        location="Hyderabad House, New Delhi",
        tags=("india-russia",),
        keywords=("मोदी", "S-400"),
    ),
    timed_event(
        "sco-summit", NOW + timedelta(days=1), title="SCO Summit", location="Tianjin", tags=("sco",)
    ),
    timed_event("past-visit", NOW - timedelta(days=1), title="Putin visit"),
]


def ids(text: str, limit: int = 20) -> list[str]:
    return [e.id for e in search_events(EVENTS, text, now=NOW, limit=limit)]


def test_every_word_must_appear_somewhere_as_typed_so_far() -> None:
    assert ids("put") == ["modi-putin-talks"]  # not the visit: it is over
    assert ids("putin delhi") == ["modi-putin-talks"]
    assert ids("putin tianjin") == []
    assert ids("hyderabad") == ["modi-putin-talks"]
    assert ids("india-russia") == ids("#india") == ["modi-putin-talks"]
    assert ids("s-400") == ["modi-putin-talks"]


def test_case_width_and_script_are_folded() -> None:
    assert ids("ＳＣＯ") == ["sco-summit"]  # full-width letters
    assert ids("TIANJIN") == ["sco-summit"]
    assert ids("मोदी") == ["modi-putin-talks"]
    assert ids("modi–putin") == ["modi-putin-talks"]


def test_an_empty_query_lists_in_the_given_order_up_to_the_limit() -> None:
    assert ids("") == ["modi-putin-talks", "sco-summit"]
    assert ids(" \n ", limit=1) == ["modi-putin-talks"]


def test_queries_are_bounded() -> None:
    assert len(query_words(" ".join(f"w{n}" for n in range(100)))) == MAX_QUERY_WORDS
    assert query_words("a " * 1000) == ("a",)
    assert query_words("x" * 10_000) == ("x" * 256,)


@given(st.text(max_size=400))
def test_any_text_is_a_query_that_may_find_nothing_but_never_crashes(text: str) -> None:
    found = search_events(EVENTS, text, now=NOW, limit=20)
    assert {e.id for e in found} <= {"modi-putin-talks", "sco-summit"}


def test_ten_thousand_events_are_searched_within_a_keystroke() -> None:
    events = make_events(10_000, first=datetime(2027, 1, 1, 9), every=timedelta(hours=3))
    index = SearchIndex(events)  # built once per change of the data (~40 ms)
    started = time.perf_counter()
    found = index.search("putin delhi energy nothing-like-this", now=NOW, limit=20)
    elapsed = time.perf_counter() - started
    assert found == []  # the worst case: every event is looked at (~3 ms when idle)
    assert elapsed < 0.1, f"{elapsed:.3f}s"
    assert [e.id for e in index.search("putin", now=NOW, limit=3)] == [
        "event-0",
        "event-1",
        "event-2",
    ]
