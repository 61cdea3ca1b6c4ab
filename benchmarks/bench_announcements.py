"""The news-announcement detector: how right it is on a labelled set, and how fast.

    .venv/bin/python benchmarks/bench_announcements.py [--articles 10000] [--mention 0.3 0.1]
    .venv/bin/python benchmarks/bench_announcements.py --misses   # and list every error

Quality: ``tests/data/announcements.toml`` (headlines + leads in en/hi/mr/ru, labelled
by hand: announcements, reports of past meetings, opinion pieces, other news) is read
with the shipped ``config/watch.toml``. Printed per language and overall: the confusion
counts of "is an announcement", precision, recall, and exact-date accuracy -- the share
of labelled announcements found with the right first day AND precision (also given
among the ones found). The same for ``announcements_holdout.toml``, written after the
detector was tuned on the first set and never tuned on.

Speed: first, in a fresh interpreter, the cost of ``import dateparser`` and of the first
article that reaches it (dateparser loads a language's data on first use). Then a mix of
``--articles`` articles: generated news text from ``benchmarks/feed_farm.py`` (English,
every tenth Hindi; ``--mention`` of them name someone watched; their word pool is
diplomatic, so most carry a meeting word) with the labelled items mixed in at 5 %.
Printed: articles/s, the slowest article, how many reached dateparser, and the mean and
worst time of its searches (one per clause of title + lead that may hold a date).
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import time
import tomllib
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from benchmarks.feed_farm import article_text  # noqa: E402
from calendars.news.announcements import WatchList  # noqa: E402
from calendars.news.articles import Article  # noqa: E402
from calendars.news.detection import find_announcement  # noqa: E402
from config.watch import load_watch  # noqa: E402

LABELLED = ROOT / "tests" / "data" / "announcements.toml"
HOLDOUT = LABELLED.with_name("announcements_holdout.toml")
LANGUAGES = ("en", "hi", "mr", "ru")
_COLD = """
import time
start = time.perf_counter()
import dateparser.search
imported = time.perf_counter() - start
from datetime import UTC, datetime
from calendars.news.articles import Article
from calendars.news.detection import find_announcement
from config.watch import load_watch
watch = load_watch()
for title in ("Putin to visit New Delhi on December 4", "Путин посетит Нью-Дели 4 декабря",
              "पुतिन 4 दिसंबर को नई दिल्ली का दौरा करेंगे"):
    article = Article(key="k", title=title, link="https://x.example/", summary="", source="",
                      published=datetime(2025, 8, 20, tzinfo=UTC), source_url="")
    start = time.perf_counter()
    find_announcement(article, watch)
    print(f"  first {title[:30]!r}: {(time.perf_counter() - start) * 1000:.0f} ms")
    start = time.perf_counter()
    find_announcement(article, watch)
    print(f"  again: {(time.perf_counter() - start) * 1000:.1f} ms")
print(f"  import dateparser: {imported * 1000:.0f} ms")
"""


@dataclass(frozen=True, slots=True)
class Item:
    article: Article
    lang: str
    kind: str
    when: date | None
    precision: str | None


def load_items(path: Path = LABELLED) -> list[Item]:
    """The labelled set as articles with their labels."""
    items = []
    for number, raw in enumerate(tomllib.loads(path.read_text("utf-8"))["item"], start=1):
        published = raw["published"]
        if not isinstance(published, datetime) or published.tzinfo is None:
            raise ValueError(f"item {number}: published needs a date, time and offset")
        article = Article(
            key=f"item:{number}",
            title=raw["title"],
            link=f"https://news.example/{number}",
            summary=raw.get("lead", ""),
            source=raw["lang"],
            published=published,
            source_url="",
        )
        items.append(Item(article, raw["lang"], raw["kind"], raw.get("when"), raw.get("precision")))
    return items


@dataclass(slots=True)
class Scores:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0
    exact: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def exact_share(self) -> float:
        return self.exact / (self.tp + self.fn) if self.tp + self.fn else 1.0


def score(items: list[Item], watch: WatchList, *, misses: bool = False) -> dict[str, Scores]:
    """Scores per language and ``"all"``; with ``misses``, print each error."""
    scores = {lang: Scores() for lang in (*LANGUAGES, "all")}
    for item in items:
        found = find_announcement(item.article, watch)
        wanted = item.kind == "announcement"
        right = found is not None and (found.when, found.precision.value) == (
            item.when,
            item.precision,
        )
        for key in (item.lang, "all"):
            s = scores[key]
            if wanted and found:
                s.tp += 1
                s.exact += right
            elif found:
                s.fp += 1
            elif wanted:
                s.fn += 1
            else:
                s.tn += 1
        if misses and (bool(found) != wanted or (wanted and not right)):
            got = f"{found.when} {found.precision.value} ({found.phrase!r})" if found else "None"
            print(f"  [{item.lang} {item.kind}] {item.article.title[:70]}")
            print(f"      expected {item.when} {item.precision}, got {got}")
    return scores


def print_scores(scores: dict[str, Scores]) -> None:
    print(f"{'':5} {'TP':>3} {'FP':>3} {'FN':>3} {'TN':>3}  precision  recall  exact-date")
    for key, s in scores.items():
        found = f"({s.exact}/{s.tp} found)" if s.tp else ""
        print(
            f"{key:5} {s.tp:3} {s.fp:3} {s.fn:3} {s.tn:3}  {s.precision:9.2f}  {s.recall:6.2f}"
            f"  {s.exact_share:10.2f} {found}"
        )


def speed(watch: WatchList, items: list[Item], count: int, mention: float) -> None:
    rng = random.Random(12)
    articles = []
    for number in range(count):
        if number % 20 == 0:
            articles.append(items[(number // 20) % len(items)].article)
            continue
        title, summary = article_text(rng, hindi=number % 10 == 3, mention=mention)
        articles.append(
            Article(
                key=f"gen:{number}",
                title=title,
                link=f"https://news.example/gen/{number}",
                summary=summary,
                source="farm",
                published=items[number % len(items)].article.published,
                source_url="",
            )
        )
    from calendars.news import dates

    calls: list[float] = []
    search = dates.search

    def timed(*args: object, **kwargs: object) -> object:
        start = time.perf_counter()
        try:
            return search(*args, **kwargs)  # type: ignore[arg-type]
        finally:
            calls.append(time.perf_counter() - start)

    dates.search = timed  # type: ignore[assignment]
    found = reached = 0
    worst = 0.0
    try:
        start = time.perf_counter()
        for article in articles:
            before, began = len(calls), time.perf_counter()
            found += find_announcement(article, watch) is not None
            worst = max(worst, time.perf_counter() - began)
            reached += len(calls) > before
        elapsed = time.perf_counter() - start
    finally:
        dates.search = search
    print(
        f"{count} articles, {mention:.0%} naming someone watched: {elapsed:.2f} s, "
        f"{count / elapsed:,.0f} articles/s, {found} announcements, "
        f"worst article {worst * 1000:.0f} ms"
    )
    if calls:
        print(
            f"  reached dateparser: {reached} articles ({reached / count:.0%}), "
            f"{len(calls)} clause searches of mean {sum(calls) / len(calls) * 1000:.1f} ms "
            f"(worst {max(calls) * 1000:.1f} ms): {sum(calls) / elapsed:.0%} of the time"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--mention", type=float, nargs="+", default=[0.3, 0.1])
    parser.add_argument("--misses", action="store_true")
    args = parser.parse_args()
    print("cold start (fresh interpreter):")
    subprocess.run([sys.executable, "-c", _COLD], cwd=ROOT, check=True)
    watch = load_watch()
    items = load_items()
    langs = Counter(item.lang for item in items)
    print(f"\nlabelled set: {len(items)} items; " + ", ".join(f"{k} {langs[k]}" for k in LANGUAGES))
    print_scores(score(items, watch, misses=args.misses))
    held_out = load_items(HOLDOUT)
    print(f"\nheld-out set (written after tuning, never tuned on): {len(held_out)} items")
    print_scores(score(held_out, watch, misses=args.misses))
    print()
    for mention in args.mention:
        speed(watch, items, args.articles, mention)


if __name__ == "__main__":
    main()
