"""Does an article announce a meeting to come? Cheap word checks first, dateparser last.

An announcement needs three things in the title and lead: a watched person, place or
organisation, a meeting word, and a date expression whose period ends after the
article's publication. Words are found with the whole-word matcher (one pass over the
text); only the few articles that have both a name and a meeting word, and no cue of an
opinion piece or of a report of the past, reach dateparser, which is slow.

Dates are read by dateparser (``search_dates``, languages by script: ``en``, ``hi`` +
``mr``, ``ru``) preferring the future from the publication time, with the period it
reports giving the precision (a week counts as its month). Expressions that depend on
that preference only by days ("on Tuesday", Hindi "कल") are dropped: news uses them for
the day a thing was said. A day or month without a year more than ~10 months ahead is
read as the past ("met on September 1", published on September 2).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from calendars.news.announcements import MEETING_KINDS, Announcement, Hit, WatchList, WatchName
from calendars.news.articles import Article
from calendars.news.matching import fold
from calendars.time.precision import Precision

__all__ = ["LEAD_CHARS", "find_announcement", "reading_text"]

LEAD_CHARS = 400  # of the summary read after the title: the lead says when, and dateparser
# takes ~1 ms per 100 characters, so a whole page is never handed to it
HORIZON_WITHOUT_YEAR = timedelta(days=300)
HORIZON = timedelta(days=5 * 366)
_PERIODS = {"day": Precision.DAY, "time": Precision.DAY, "week": Precision.MONTH}
_PERIODS |= {"month": Precision.MONTH, "year": Precision.YEAR}
# "December 4-5" -> "December 4": dateparser reads "4-5" as the 5th of April.
_RANGE_RE = re.compile(r"(?<![\d./-])(\d{1,2})\s*[-–—]\s*\d{1,2}(?![\d./-])")
_ABBREVIATION_DOT_RE = re.compile(r"\b([A-Za-z]{3,4})\.(?=\s*\d)")  # "Sept. 1"
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
    """The title and the lead, at most ``LEAD_CHARS`` of the summary, cut at a word."""
    lead = article.summary
    if len(lead) > LEAD_CHARS:
        cut = lead[:LEAD_CHARS]
        lead = cut[: cut.rfind(" ")] if " " in cut else cut
    return f"{article.title}. {lead}" if lead else article.title


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
        title=_title(kinds, people, places, organisations),
        when=found.when,
        precision=found.precision,
        people=people,
        places=places,
        organisations=organisations,
        topics=tuple(topics),
        phrase=found.phrase,
    )


def _names(hits: list[Hit], kind: str) -> tuple[str, ...]:
    names = (hit.term.name for hit in hits if isinstance(hit.term, WatchName))
    kinds = (hit.term.kind for hit in hits if isinstance(hit.term, WatchName))
    return tuple(dict.fromkeys(n for n, k in zip(names, kinds, strict=True) if k == kind))


def _title(
    kinds: list[str], people: tuple[str, ...], places: tuple[str, ...], orgs: tuple[str, ...]
) -> str:
    """ "SCO summit in Tianjin", "Putin visit to New Delhi", "Modi–Putin talks"."""
    kind = min(kinds, key=MEETING_KINDS.index) if set(kinds) <= set(MEETING_KINDS) else "talks"
    where = f" in {places[0]}" if places else ""
    pair = "–".join(people[:2])
    if kind == "summit":
        if orgs:
            return f"{orgs[0]} summit{where}"
        return f"{pair} summit{where}" if pair else f"Summit{where}"
    if kind == "visit" and people:
        return f"{people[0]} visit to {places[0]}" if places else f"{people[0]} visit"
    if kind == "visit":
        return f"Visit to {places[0]}" if places else f"{orgs[0]} visit"
    if people:
        return f"{pair} talks{where}"
    return f"{orgs[0]} meeting{where}" if orgs else f"Talks{where}"


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
    next_month = date(when.year + when.month // 12, when.month % 12 + 1, 1)
    return next_month - timedelta(days=1)


def _is_future(found: _Date, today: date) -> bool:
    if found.precision is Precision.YEAR:
        return found.when.year > today.year  # "2025" in a 2025 article names no meeting
    if _period_end(found) <= today or found.when - today > HORIZON:
        return False
    return found.when - today <= HORIZON_WITHOUT_YEAR or bool(_YEAR_RE.search(found.phrase))


def _dates(text: str, hits: list[Hit], watch: WatchList, base: datetime) -> list[_Date]:
    """Every date expression dateparser reads in ``text``, with its precision."""
    from calendars.news import dates  # lazy: importing dateparser costs ~0.1 s, its data more

    text = _RANGE_RE.sub(r"\1", _ABBREVIATION_DOT_RE.sub(r"\1", text))
    for suffix in watch.vocabulary.detach:
        text = re.sub(rf"(?<=\S){re.escape(suffix)}", " " + suffix, text)
    languages = _languages(text)
    found: list[_Date] = []
    for phrase, _when in dates.search(text, languages, base):
        if not _LETTER_RE.search(phrase) and not _YEAR_RE.search(phrase):
            continue  # "4", "12/9": too little to be a date in prose
        found.extend(_read(text.find(phrase), phrase, phrase, languages, base))
    if "ru" in languages:
        for match in _RU_LOCATIVE_RE.finditer(text):
            for ending in _RU_ENDINGS:
                nominative = f"{match.group(1)}{ending}"
                parsed = dates.parse(nominative, ["ru"], base)
                if parsed is not None and parsed[1] == "month":
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
    past = dates.parse(text, languages, base, prefer="past")
    if past is not None and past[0] != future[0] and abs(future[0] - past[0]) <= timedelta(8):
        return []  # "on Tuesday", "कल": a weekday either side of today
    precision = _PERIODS[future[1]]
    when = future[0].date()
    if precision is Precision.MONTH:
        when = when.replace(day=1)
    elif precision is Precision.YEAR:
        when = date(when.year, 1, 1)
    return [_Date(position, phrase, when, precision)]


def _languages(text: str) -> list[str]:
    """dateparser's languages for the script most of ``text`` is written in."""
    counts = {
        "ru": len(_CYRILLIC_RE.findall(text)),
        "hi": len(_DEVANAGARI_RE.findall(text)),
        "en": len(_LATIN_RE.findall(text)),
    }
    script = max(counts, key=counts.__getitem__)
    return ["hi", "mr"] if script == "hi" else [script]
