"""The detector: an article that announces a watched meeting to come, and nothing else."""

from __future__ import annotations

import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from calendars.news.announcements import WatchList, WatchName
from calendars.news.articles import Article
from calendars.news.detection import find_announcement
from calendars.time.precision import Precision
from config.watch import load_watch

AUG_20 = datetime(2025, 8, 20, 9, 0, tzinfo=UTC)
ROOT = Path(__file__).resolve().parents[3]


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


_FRAGMENTS = (
    "Putin", "मोदी", "Путина", "SCO", "New Delhi", "visit", "summit", "दौरे", "визит",
    "will", "met", "on December 4", "4-5", "next week", "в декабре", "4 декабря",
    "डिसेंबरमध्ये", "1 सितंबर", "अगले महीने", "tomorrow", "in 2026", "on Tuesday",
    "31 августа – 1 сентября", "21 से 23 नवंबर", "कल", "in seven years", ",", ":", ".",
    "9999", "0000", "12/31", "Dec.", "31 и 32", "February 30",
)  # fmt: skip


@given(
    parts=st.lists(st.sampled_from(_FRAGMENTS) | st.text(max_size=40), max_size=40),
    published=st.datetimes(
        min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30), timezones=st.just(UTC)
    ),
)
@settings(max_examples=150, deadline=None)
def test_any_text_is_an_announcement_after_its_publication_or_none(
    watch: WatchList, parts: list[str], published: datetime
) -> None:
    text = " ".join(parts)
    start = time.perf_counter()
    found = find_announcement(article(text[:150], text[150:], published=published), watch)
    assert time.perf_counter() - start < 3  # ~10 ms is usual; 3 s allows a loaded machine
    if found is not None:
        assert _period_end(found.when, found.precision) > published.date()
        assert found.people or found.places or found.organisations
        assert found.title


def _period_end(when: date, precision: Precision) -> date:
    if precision is Precision.DAY:
        return when
    if precision is Precision.YEAR:
        return date(when.year, 12, 31)
    return (when.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def test_a_whole_page_in_the_summary_is_read_only_as_far_as_its_lead(watch: WatchList) -> None:
    lead = "Putin will visit New Delhi. " + "Officials said the agenda is long. " * 3000
    slow = article("Kremlin news", lead + " The visit is on December 4.")
    start = time.perf_counter()
    assert find_announcement(slow, watch) is None  # the date is far past the lead
    assert time.perf_counter() - start < 3


@pytest.mark.parametrize(
    ("title", "published", "when", "precision"),
    [
        # dateparser's search loses dates in a clause that goes on after a comma
        ("Modi will attend the SCO summit on August 31 and September 1, officials said",
         AUG_20, date(2025, 8, 31), Precision.DAY),
        # a range joined by a word keeps its first day (not the year 2123)
        ("मोदी जी20 शिखर सम्मेलन के लिए 21 से 23 नवंबर तक जोहान्सबर्ग में रहेंगे",
         AUG_20, date(2025, 11, 21), Precision.DAY),
        # Marathi text read as Marathi: "केले" ("did") is no date
        ("पुतिन 4 डिसेंबरला भारत दौऱ्यावर येणार, क्रेमलिनने जाहीर केले",
         AUG_20, date(2025, 12, 4), Precision.DAY),
        # Hindi "कल" is yesterday and tomorrow: the named day decides
        ("जयशंकर कल लावरोव से करेंगे बातचीत, 21 अगस्त को मॉस्को में वार्ता",
         AUG_20, date(2025, 8, 21), Precision.DAY),
        # a duration is no date; the day named later is
        ("Modi to travel to Tianjin for the SCO summit, first visit in seven years, on August 31",
         AUG_20, date(2025, 8, 31), Precision.DAY),
        # "в 2026 году" is the year 2026, not 2026 years from now
        ("Путин пригласил Моди посетить Россию в 2026 году", AUG_20, date(2026, 1, 1),
         Precision.YEAR),
        # a headline's colon
        ("Putin arrives tomorrow: all you need to know about his New Delhi visit",
         datetime(2025, 12, 3, 2, 30, tzinfo=UTC), date(2025, 12, 4), Precision.DAY),
        # "later this year" is a year that has not ended
        ("Putin to visit India later this year, Doval says in Moscow", AUG_20, date(2025, 1, 1),
         Precision.YEAR),
    ],
)  # fmt: skip
def test_dates_are_read_as_a_reader_would(
    watch: WatchList, title: str, published: datetime, when: date, precision: Precision
) -> None:
    found = find_announcement(article(title, published=published), watch)
    assert found is not None
    assert (found.when, found.precision) == (when, precision)


def test_a_bare_number_of_this_year_announces_nothing(watch: WatchList) -> None:
    assert find_announcement(article("Putin and Modi to hold summit, 2025 trade up"), watch) is None


def test_articles_without_a_watched_name_and_a_meeting_word_never_load_dateparser() -> None:
    script = (
        "import sys\n"
        "from datetime import UTC, datetime\n"
        "from calendars.news.articles import Article\n"
        "from calendars.news.detection import find_announcement\n"
        "from config.watch import load_watch\n"
        "watch = load_watch()\n"
        "for title in ('Sensex rises on December 4', 'Putin says rouble will recover by May',"
        " 'Cricket: India to tour Australia in December'):\n"
        "    a = Article(key='k', title=title, link='https://x.example/', summary='',"
        " source='', published=datetime(2025, 8, 20, tzinfo=UTC), source_url='')\n"
        "    assert find_announcement(a, watch) is None\n"
        "print('dateparser' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert done.stdout.strip() == "False"


@pytest.mark.parametrize(
    ("title", "lead", "proposed"),
    [
        ("Putin to visit New Delhi on December 4, Ushakov tells reporters in Moscow", "",
         "Putin visit to New Delhi"),
        ("रूस के राष्ट्रपति पुतिन 4 दिसंबर को नई दिल्ली का दौरा करेंगे", "", "Putin visit to New Delhi"),
        ("Lavrov and Jaishankar to hold talks in Moscow on August 21",
         "The ministers will prepare the annual summit.", "Lavrov–Jaishankar talks in Moscow"),
        ("Саммит ШОС пройдет в Тяньцзине 31 августа", "Путин и Моди встретятся там.",
         "SCO summit in Tianjin"),
        ("Modi and Putin to meet on September 1", "", "Modi–Putin talks"),
    ],
)  # fmt: skip
def test_the_proposed_title_names_the_headline_meeting_and_its_place(
    watch: WatchList, title: str, lead: str, proposed: str
) -> None:
    found = find_announcement(article(title, lead), watch)
    assert found is not None
    assert found.title == proposed


def test_warming_up_loads_every_language_so_the_first_article_is_fast() -> None:
    script = (
        "import time\n"
        "from datetime import UTC, datetime\n"
        "from calendars.news.articles import Article\n"
        "from calendars.news.detection import find_announcement, warm_up\n"
        "from config.watch import load_watch\n"
        "watch = load_watch()\n"
        "warm_up(watch)\n"
        "a = Article(key='k', title='Путин посетит Нью-Дели 4 декабря', link='https://x.example/',"
        " summary='', source='', published=datetime(2025, 8, 20, tzinfo=UTC), source_url='')\n"
        "start = time.process_time()\n"
        "assert find_announcement(a, watch) is not None\n"
        "print(time.process_time() - start)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert float(done.stdout) < 0.08  # ~5 ms warm; cold (import + data) ~0.3 s
