"""Merging announcements of one meeting, and telling coverage of a known event from news."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from calendars.errors import InvalidInput
from calendars.events import Event, Status
from calendars.news.announcements import Announcement, WatchName
from calendars.news.articles import Article
from calendars.news.suggested_events import suggested_draft, suggested_event
from calendars.news.suggestions import EventIndex, Suggestion, SuggestionState, same_meeting
from calendars.news.watch_commands import parse_watch_add
from calendars.time.precision import Precision

NOW = datetime(2025, 11, 1, 8, tzinfo=UTC)
NAMES = (
    WatchName("Putin", "person", ("पुतिन", "Путин")),
    WatchName("Modi", "person", ("मोदी",)),
    WatchName("New Delhi", "place", ("नई दिल्ली", "Delhi")),
    WatchName("Moscow", "place", ("मास्को",)),
)


def announced(
    key: str,
    when: date,
    precision: Precision = Precision.DAY,
    *,
    people: tuple[str, ...] = ("Putin",),
    places: tuple[str, ...] = ("New Delhi",),
    organisations: tuple[str, ...] = (),
    topics: tuple[str, ...] = ("india-russia",),
) -> Announcement:
    article = Article(
        key=f"guid:{key}",
        title=f"Putin to visit New Delhi ({key})",
        link=f"https://news.example.org/{key}",
        summary="",
        source="Wire",
        published=NOW,
        source_url="https://news.example.org/rss",
    )
    return Announcement(
        article=article,
        title="Putin visit to New Delhi",
        when=when,
        precision=precision,
        people=people,
        places=places,
        organisations=organisations,
        topics=topics,
    )


def test_a_second_article_about_the_visit_merges_and_counts_as_a_source() -> None:
    first = Suggestion.from_announcement(announced("a1", date(2025, 12, 4)), now=NOW)
    second = announced("a2", date(2025, 12, 4), people=("Putin", "Modi"))
    assert same_meeting(first, second)
    merged = first.merged(second)
    assert merged.sources == 2
    assert [a.url for a in merged.articles] == [
        "https://news.example.org/a1",
        "https://news.example.org/a2",
    ]
    assert merged.people == ("Putin", "Modi")
    assert merged.id == first.id
    assert merged.merged(second) == merged  # the same article twice counts once


def test_a_day_refines_a_month_and_a_month_does_not_blur_a_day() -> None:
    month = Suggestion.from_announcement(
        announced("a1", date(2025, 12, 1), Precision.MONTH), now=NOW
    )
    day = announced("a2", date(2025, 12, 4))
    assert same_meeting(month, day)
    refined = month.merged(day)
    assert (refined.when, refined.precision) == (date(2025, 12, 4), Precision.DAY)
    vaguer = refined.merged(announced("a3", date(2025, 12, 1), Precision.MONTH))
    assert (vaguer.when, vaguer.precision) == (date(2025, 12, 4), Precision.DAY)


@pytest.mark.parametrize(
    ("other", "why"),
    [
        (announced("b", date(2025, 12, 5)), "another day"),
        (announced("b", date(2026, 1, 1), Precision.MONTH), "another month"),
        (announced("b", date(2025, 12, 4), places=("Moscow",)), "another place"),
        (announced("b", date(2025, 12, 4), people=("Modi",)), "nobody in common"),
    ],
)
def test_different_meetings_stay_apart(other: Announcement, why: str) -> None:
    first = Suggestion.from_announcement(announced("a1", date(2025, 12, 4)), now=NOW)
    assert not same_meeting(first, other), why


def test_a_suggestion_survives_its_record() -> None:
    merged = Suggestion.from_announcement(announced("a1", date(2025, 12, 4)), now=NOW).merged(
        announced("a2", date(2025, 12, 4))
    )
    ignored = dataclasses.replace(merged, state=SuggestionState.IGNORED, event_id="x")
    assert Suggestion.from_record(ignored.id, ignored.to_record()) == ignored


def talks(**fields: object) -> Event:
    values: dict[str, object] = {
        "id": "modi-putin-talks",
        "title": "Modi–Putin talks",
        "start": datetime(2025, 12, 4, 10, tzinfo=UTC),
        "end": datetime(2025, 12, 4, 12, tzinfo=UTC),
        "location": "Hyderabad House, New Delhi",
    }
    return Event(**(values | fields))  # type: ignore[arg-type]


def test_an_announcement_of_a_calendar_event_is_its_coverage_in_any_script() -> None:
    index = EventIndex([talks()], NAMES)
    assert index.covered(announced("a", date(2025, 12, 4))) is not None
    assert index.covered(announced("m", date(2025, 12, 1), Precision.MONTH)) is not None
    hindi_event = talks(title="पुतिन-मोदी वार्ता", location="नई दिल्ली")
    assert EventIndex([hindi_event], NAMES).covered(announced("a", date(2025, 12, 4)))


@pytest.mark.parametrize(
    "other",
    [
        announced("a", date(2025, 12, 5)),
        announced("a", date(2025, 12, 4), places=("Moscow",)),
        announced("a", date(2025, 12, 4), people=("Xi",)),
    ],
)
def test_a_different_meeting_is_not_coverage(other: Announcement) -> None:
    assert EventIndex([talks()], NAMES).covered(other) is None
    assert (
        EventIndex([talks(status=Status.CANCELLED)], NAMES).covered(
            announced("a", date(2025, 12, 4))
        )
        is None
    )


def test_add_builds_a_rumoured_all_day_event_and_edit_fills_the_dialogue() -> None:
    suggestion = Suggestion.from_announcement(
        announced("a1", date(2025, 12, 4), topics=("india-russia", "not a tag!")), now=NOW
    )
    event = suggested_event(suggestion, zone="Asia/Kolkata", now=NOW, taken=set())
    assert (event.id, event.status, event.start, event.all_day) == (
        "putin-visit-to-new-delhi-2025",
        Status.RUMOURED,
        date(2025, 12, 4),
        True,
    )
    assert event.tags == ("india-russia",)
    draft = suggested_draft(suggestion, zone="Asia/Kolkata")
    assert (draft.when, draft.location, draft.tags) == (
        "2025-12-04 Asia/Kolkata",
        "New Delhi",
        "india-russia",
    )
    month = Suggestion.from_announcement(
        announced("m", date(2025, 12, 1), Precision.MONTH), now=NOW
    )
    assert suggested_draft(month, zone="UTC").when == "2025-12 UTC"
    undated = suggested_event(month, zone="UTC", now=NOW, taken={event.id})
    assert (undated.id, undated.precision, undated.start, undated.end) == (
        "putin-visit-to-new-delhi-2025-2",
        Precision.MONTH,
        date(2025, 12, 1),
        date(2026, 1, 1),
    )


def test_watch_add_reads_names_aliases_quotes_kind_and_topics() -> None:
    zelensky = parse_watch_add("Zelensky Зеленський ज़ेलेंस्की")
    assert (zelensky.name, zelensky.kind, zelensky.aliases) == (
        "Zelensky",
        "person",
        ("Зеленський", "ज़ेलेंस्की"),
    )
    delhi = parse_watch_add('"New Delhi" "नई दिल्ली" kind=place topics=india,India-Russia')
    assert (delhi.name, delhi.kind, delhi.aliases, delhi.topics) == (
        "New Delhi",
        "place",
        ("नई दिल्ली",),
        ("india", "india-russia"),
    )


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("", "which name"),
        ('"New Delhi', "quotes"),
        ("Xi kind=planet", "kind=planet"),
        ("Xi topics=a!b", "topics"),
        ("---", "cannot be a name"),
    ],
)
def test_watch_add_refusals_say_how_to_write_it(text: str, says: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_watch_add(text)
    assert says in refused.value.user_message()
    assert "/watch add" in refused.value.user_message()


@given(st.text(max_size=300))
def test_watch_add_refuses_or_reads_never_crashes(text: str) -> None:
    try:
        name = parse_watch_add(text)
    except InvalidInput:
        return
    assert name.name
    assert len(name.name) <= 80
