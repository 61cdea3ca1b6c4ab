"""Does an article announce a meeting to come? Cheap word checks first, dateparser last.

An announcement needs three things in the title and lead: a watched person, place or
organisation, a meeting word, and a date expression whose period ends after the
article's publication. Words are found with the whole-word matcher (one pass over the
text); only articles that have both a name and a meeting word, and no cue of an opinion
piece or (without a cue of the future) of a report of the past, reach dateparser, which
is slow (~5 ms a clause; importing it ~0.3 s, each language's data ~0.1-0.3 s more).

Dates: dateparser's ``search_dates`` clause by clause (its search loses dates in long
sentences), in the language of the text's script (Hindi or Marathi by marker words),
preferring the future from the publication time; the period it reports gives the
precision (a week counts as its month). The first date whose period has not ended wins,
unless a finer one falls inside it ("in December ... on December 4"). Expressions that
depend on that preference by days only ("on Tuesday") are dropped: news uses them for
the day a thing was said. A day or month without a year more than ~10 months ahead is
read as the past ("met on September 1", published on September 2).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from calendars.news.announcement_title import propose_title
from calendars.news.announcements import Announcement, Hit, WatchList, WatchName
from calendars.news.articles import MAX_TITLE, Article
from calendars.news.matching import fold, found_phrases
from calendars.time.precision import Precision

__all__ = ["LEAD_CHARS", "find_announcement", "reading_text", "warm_up"]

LEAD_CHARS = 400  # of the summary read after the title: the lead says when, and dateparser
# takes ~1 ms per 100 characters, so a whole page is never handed to it
MAX_SEARCHES = 12  # clauses searched per article: "1, 2, 3, ..." costs no more
HORIZON_WITHOUT_YEAR = timedelta(days=300)
HORIZON = timedelta(days=5 * 366)
_WEEKS = timedelta(days=15)  # a weekday read both ways is 7 or 14 days apart, a date ~365
_PERIODS = {"day": Precision.DAY, "time": Precision.DAY, "week": Precision.MONTH}
_PERIODS |= {"month": Precision.MONTH, "year": Precision.YEAR}
# "December 4-5" -> "December 4": dateparser reads "4-5" as the 5th of April (and
# "21 से 23 नवंबर" as the year 2123); the words that join a range are data.
_RANGE = r"(?<![\d./-])(\d{1,2})(?:\s*[-–—]\s*|\s+(?:%s)\s+)\d{1,2}(?!\d|[./-]\d)"
_ABBREVIATION_DOT_RE = re.compile(r"\b([A-Za-z]{3,4})\.(?=\s*\d)")  # "Sept. 1"
_COLON_RE = re.compile(r":\s")  # dateparser misses "tomorrow: all you need to know"
_CLAUSE_END_RE = re.compile(r"[,;:.!?।|]+\s+")
_YEAR_RE = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")
_LETTER_RE = re.compile(r"[^\W\d_]")
_CYRILLIC_RE = re.compile(r"[\u0400-\u04ff]")
_DEVANAGARI_RE = re.compile(r"[\u0900-\u097f]")
_LATIN_RE = re.compile(r"[A-Za-z]")
# Russian writes "in December" as "в декабре" (locative), which dateparser 1.5 does not
# read; the nominative is tried: "декабре" -> "декабрь", "марте" -> "март", "мае" -> "май".
_RU_LOCATIVE_RE = re.compile(r"\bв\s+([а-яё]{2,}?)е\b", re.IGNORECASE)
_RU_ENDINGS = ("ь", "", "й")


@dataclass(frozen=True, slots=True)
class _Date:
    position: int
    phrase: str
    when: date
    precision: Precision


def reading_text(article: Article) -> str:
    """The title (at most ``MAX_TITLE``) and the lead, at most ``LEAD_CHARS`` of the
    summary, cut at a word: what dateparser reads is bounded, whatever a feed sends."""
    title, lead = article.title[:MAX_TITLE], article.summary
    if len(lead) > LEAD_CHARS:
        cut = lead[:LEAD_CHARS]
        lead = cut[: cut.rfind(" ")] if " " in cut else cut
    return f"{title}. {lead}" if lead else title


def find_announcement(
    article: Article, watch: WatchList, *, now: datetime | None = None
) -> Announcement | None:
    """The future meeting ``article`` announces, or None (the common case, decided fast).

    "Future" is relative to the article's publication (``now`` when it has none, else
    the current time): the period named -- a day, a month, a year -- ends after that day.
    Never raises on any text.
    """
    text = reading_text(article)
    hits = watch.scan(text)
    names = [hit for hit in hits if isinstance(hit.term, WatchName)]
    kinds = [h.term[1] for h in hits if isinstance(h.term, tuple) and h.term[0] == "meeting"]
    if not names or not kinds:
        return None
    cues = {hit.term[1] for hit in hits if isinstance(hit.term, tuple) and hit.term[0] == "cue"}
    if "opinion" in cues or ("past" in cues and "future" not in cues):
        return None
    base = article.published or now or datetime.now(UTC)
    found = _future_date(text, hits, watch, base.astimezone(UTC).replace(tzinfo=None))
    if found is None:
        return None
    people = _names(names, "person")
    places = _names(names, "place")
    organisations = _names(names, "organisation")
    topics = dict.fromkeys(t for hit in names for t in hit.term.topics)  # type: ignore[union-attr]
    return Announcement(
        article=article,
        title=propose_title(hits, watch.scan(article.title[:MAX_TITLE])),
        when=found.when,
        precision=found.precision,
        people=people,
        places=places,
        organisations=organisations,
        topics=tuple(topics),
        phrase=found.phrase,
    )


def warm_up(watch: WatchList) -> None:
    """Load dateparser and its data for every language now (~1 s of CPU), e.g. in a worker
    thread at start-up, so that the first announcement of the day does not pay for it."""
    base = datetime(2025, 8, 20, tzinfo=UTC)
    for title in ("Putin visit on 1 September", "Путин визит 1 сентября", "पुतिन दौरा 1 सितंबर"):
        _dates(title, watch.scan(title), watch, base.replace(tzinfo=None))
    _dates("पुतिन भेट 1 सप्टेंबर आहे", [], watch, base.replace(tzinfo=None))


def _names(hits: list[Hit], kind: str) -> tuple[str, ...]:
    names = (hit.term.name for hit in hits if isinstance(hit.term, WatchName))
    kinds = (hit.term.kind for hit in hits if isinstance(hit.term, WatchName))
    return tuple(dict.fromkeys(n for n, k in zip(names, kinds, strict=True) if k == kind))


def _future_date(text: str, hits: list[Hit], watch: WatchList, base: datetime) -> _Date | None:
    """The first date in ``text`` whose period ends after ``base`` (a finer one inside it wins)."""
    dates = sorted(_dates(text, hits, watch, base), key=lambda d: d.position)
    chosen: _Date | None = None
    for found in dates:
        if not _is_future(found, base.date()):
            continue
        if chosen is None or (_rank(found) < _rank(chosen) and _within(found.when, chosen)):
            chosen = found
    return chosen


def _rank(found: _Date) -> int:
    return list(Precision).index(found.precision)


def _within(day: date, period: _Date) -> bool:
    return period.when <= day <= _period_end(period)


def _period_end(found: _Date) -> date:
    when = found.when
    if found.precision is Precision.DAY:
        return when
    if found.precision is Precision.YEAR:
        return date(when.year, 12, 31)
    if when.year == date.max.year and when.month == 12:
        return date.max
    next_month = date(when.year + when.month // 12, when.month % 12 + 1, 1)
    return next_month - timedelta(days=1)


def _is_future(found: _Date, today: date) -> bool:
    if _period_end(found) <= today or found.when - today > HORIZON:
        return False
    if found.precision is Precision.YEAR and not _LETTER_RE.search(found.phrase):
        return found.when.year > today.year  # "2025" alone in a 2025 article: no news
    return found.when - today <= HORIZON_WITHOUT_YEAR or bool(_YEAR_RE.search(found.phrase))


def _dates(text: str, hits: list[Hit], watch: WatchList, base: datetime) -> list[_Date]:
    """Every date expression dateparser reads in ``text``, with its precision."""
    from calendars.news import dates  # lazy: importing dateparser costs ~0.1 s, its data more

    words = watch.vocabulary
    text = _COLON_RE.sub(". ", _ABBREVIATION_DOT_RE.sub(r"\1", text))
    text = _range_re(words.range_words).sub(r"\1", text)
    for suffix in words.detach:
        text = re.sub(rf"(?<=\S){re.escape(suffix)}(?!\w)", " " + suffix, text)
    languages = _languages(text, words.markers)
    found: list[_Date] = []
    clauses = [
        (start, clause)
        for start, clause in _clauses(text)
        if dates.may_hold_date(clause, tuple(languages))
    ]
    for start, clause in clauses[:MAX_SEARCHES]:
        for phrase, _when in dates.search(clause, languages, base):
            if not _LETTER_RE.search(phrase) and not _YEAR_RE.search(phrase):
                continue  # "4", "12/9": too little to be a date in prose
            if found_phrases(phrase, words.ignore):
                continue
            position = start + max(clause.find(phrase), 0)
            found.extend(_read(position, phrase, phrase, languages, base))
    if "ru" in languages:
        for match in _RU_LOCATIVE_RE.finditer(text):
            for ending in _RU_ENDINGS:
                nominative = f"{match.group(1)}{ending}"
                if nominative.casefold() in dates.month_names("ru"):
                    found.extend(_read(match.start(), match.group(), nominative, ["ru"], base))
                    break
    folded = fold(text)
    for hit in hits:
        if isinstance(hit.term, tuple) and hit.term[0] == "date":
            meaning = watch.vocabulary.date_phrases[hit.term[1]]
            position = max(folded.find(fold(hit.phrase)), 0)
            found.extend(_read(position, hit.phrase, meaning, ["en"], base))
    return found


def _read(
    position: int, phrase: str, text: str, languages: list[str], base: datetime
) -> list[_Date]:
    """``phrase`` (read as ``text``) as a dated period, unless it hangs on "prefer future"."""
    from calendars.news import dates

    future = dates.parse(text, languages, base)
    if future is None or future[1] not in _PERIODS:
        return []
    if abs(future[0] - base) < _WEEKS:  # else read the other way it is no weekday
        past = dates.parse(text, languages, base, prefer="past")
        if past is not None and past[0] != future[0] and abs(future[0] - past[0]) < _WEEKS:
            return []  # "on Tuesday": a weekday either side of today
    precision = _PERIODS[future[1]]
    when = future[0].date()
    if precision is Precision.MONTH:
        when = when.replace(day=1)
    elif precision is Precision.YEAR:
        years = _YEAR_RE.findall(phrase)  # "в 2026 году" reads as 2026 years from now
        when = date(int(years[0]) if len(years) == 1 else when.year, 1, 1)
    return [_Date(position, phrase, when, precision)]


def _clauses(text: str) -> list[tuple[int, str]]:
    """``text`` cut at commas and sentence ends, with where each part starts: dateparser's
    search loses "on August 31 and September 1, officials said" but reads each clause."""
    starts = [0, *(m.end() for m in _CLAUSE_END_RE.finditer(text))]
    ends = [*(m.start() for m in _CLAUSE_END_RE.finditer(text)), len(text)]
    return [(a, text[a:b]) for a, b in zip(starts, ends, strict=True) if text[a:b].strip()]


@functools.lru_cache(maxsize=8)
def _range_re(words: tuple[str, ...]) -> re.Pattern[str]:
    joined = "|".join(re.escape(word) for word in words) or "(?!)"
    return re.compile(_RANGE % joined, re.IGNORECASE)


def _languages(text: str, markers: Mapping[str, tuple[str, ...]]) -> list[str]:
    """dateparser's languages for the script most of ``text`` is written in; for
    Devanagari, Hindi or Marathi by their marker words (both when they tie)."""
    counts = {
        "ru": len(_CYRILLIC_RE.findall(text)),
        "hi": len(_DEVANAGARI_RE.findall(text)),
        "en": len(_LATIN_RE.findall(text)),
    }
    script = max(counts, key=counts.__getitem__)
    if script != "hi":
        return [script]
    hindi = len(found_phrases(text, markers.get("hi", ())))
    marathi = len(found_phrases(text, markers.get("mr", ())))
    return ["hi"] if hindi > marathi else ["mr"] if marathi > hindi else ["hi", "mr"]
