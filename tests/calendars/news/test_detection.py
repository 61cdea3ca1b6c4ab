"""The detector: an article that announces a watched meeting to come, and nothing else."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from calendars.news.announcements import WatchList, WatchName
from calendars.news.articles import Article
from calendars.news.detection import find_announcement
from calendars.time.precision import Precision
from config.watch import load_watch

AUG_20 = datetime(2025, 8, 20, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def watch() -> WatchList:
    return load_watch()


def article(title: str, summary: str = "", published: datetime | None = AUG_20) -> Article:
    return Article(
        key="guid:1",
        title=title,
        link="https://news.example/a",
        summary=summary,
        source="Example News",
        published=published,
        source_url="https://news.example/rss",
    )


@pytest.mark.parametrize(
    ("title", "when", "precision", "proposed"),
    [
        (
            "Putin to visit New Delhi on December 4-5, Kremlin says",
            date(2025, 12, 4),
            Precision.DAY,
            "Putin visit to New Delhi",
        ),
        (
            "Ahead of Putin's much-anticipated December visit to New Delhi",
            date(2025, 12, 1),
            Precision.MONTH,
            "Putin visit to New Delhi",
        ),
        ("मोदी 31 अगस्त को तियानजिन में एससीओ शिखर सम्मेलन में जाएंगे", date(2025, 8, 31),
         Precision.DAY, "SCO summit in Tianjin"),
        ("पुतिन डिसेंबरमध्ये भारत दौऱ्यावर येणार", date(2025, 12, 1), Precision.MONTH, "Putin visit"),
        ("Визит Путина в Нью-Дели состоится в декабре", date(2025, 12, 1), Precision.MONTH,
         "Putin visit to New Delhi"),
        ("Лавров на следующей неделе проведет переговоры с Джайшанкаром", date(2025, 8, 1),
         Precision.MONTH, "Lavrov–Jaishankar talks"),
    ],
)  # fmt: skip
def test_an_announcement_gives_its_date_precision_and_a_title(
    watch: WatchList, title: str, when: date, precision: Precision, proposed: str
) -> None:
    found = find_announcement(article(title), watch)
    assert found is not None
    assert (found.when, found.precision, found.title) == (when, precision, proposed)


def test_the_people_places_organisations_and_topics_come_from_the_watch_list(
    watch: WatchList,
) -> None:
    found = find_announcement(
        article(
            "Modi will travel to Tianjin for the SCO summit on August 31", "He will meet Putin."
        ),
        watch,
    )
    assert found is not None
    assert found.people == ("Modi", "Putin")
    assert (found.places, found.organisations) == (("Tianjin",), ("SCO",))
    assert {"sco", "india-russia"} <= set(found.topics)
    assert found.phrase == "on August 31"


@pytest.mark.parametrize(
    "title",
    [
        "Modi met Putin on August 19 in Moscow",  # a report: the day is past
        "Opinion | Why Putin's December visit to New Delhi matters",
        "Putin to visit New Delhi, Kremlin says",  # no date
        "Cricket: India to tour Australia in December",  # nobody watched, no meeting word
        "Putin says the rouble will recover by December",  # no meeting word
        "Путин и Моди провели переговоры в Тяньцзине",
    ],
)
def test_reports_opinions_and_undated_news_are_not_announcements(
    watch: WatchList, title: str
) -> None:
    assert find_announcement(article(title), watch) is None


def test_a_weekday_names_the_day_something_was_said_not_a_meeting(watch: WatchList) -> None:
    assert (
        find_announcement(article("Putin will visit New Delhi, the Kremlin said on Tuesday"), watch)
        is None
    )


def test_without_a_publication_time_now_is_the_reference(watch: WatchList) -> None:
    title = "Putin to visit New Delhi on December 4"
    assert find_announcement(article(title, published=None), watch, now=AUG_20) is not None
    late = datetime(2025, 12, 5, tzinfo=UTC)
    assert find_announcement(article(title, published=None), watch, now=late) is None


def test_an_added_name_is_watched(watch: WatchList) -> None:
    title = "Erdogan to visit New Delhi on December 4"
    assert find_announcement(article("Lula to visit Brasília in December"), watch) is None
    wider = watch.with_names([WatchName("Lula", "person", ("Лула",), ("brazil",))])
    found = find_announcement(article("Lula to visit Brasília in December"), wider)
    assert found is not None
    assert (found.people, found.topics) == (("Lula",), ("brazil",))
    assert find_announcement(article(title), wider) is not None  # New Delhi is watched
