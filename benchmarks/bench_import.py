"""What importing an .ics file costs: time and peak Python memory (tracemalloc) per case.

    .venv/bin/python benchmarks/bench_import.py            # every case
    .venv/bin/python benchmarks/bench_import.py --only realistic

Cases: a realistic upstream calendar of 5,000 VEVENTs (4,800 single events over three
years, 200 weekly series in Europe/Berlin with an EXDATE and a moved occurrence each),
and hostile series (each beside one ordinary event): FREQ=SECONDLY without an end,
FREQ=MINUTELY for a year, COUNT=10^9, 20,000 RDATEs, a minutely rule since 2001, 1,000
rules that never match, 1,000 minutely rules since 2025, 60 hourly series (over the file
cap). Printed per case: seconds, peak MB, events kept and skips.
"""

from __future__ import annotations

import argparse
import time
import tracemalloc
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from calendars.ical.importer import ImportReport, parse_ics

NOW = datetime(2026, 2, 15, 12, 0, tzinfo=UTC)


def _calendar(lines: list[str]) -> bytes:
    head = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//bench//EN", "X-WR-TIMEZONE:Europe/Berlin"]
    return ("\r\n".join([*head, *lines, "END:VCALENDAR"]) + "\r\n").encode()


def _vevent(uid: str, title: str, *lines: str) -> list[str]:
    head = ["BEGIN:VEVENT", f"UID:{uid}", f"SUMMARY:{title}", "DTSTAMP:20260101T000000Z"]
    return [*head, *lines, "END:VEVENT"]


def realistic(vevents: int = 5_000, series: int = 200) -> bytes:
    """Single events every few hours over three years, and weekly series with overrides."""
    lines: list[str] = []
    first = datetime(2024, 6, 1, 9, 0)
    for n in range(vevents - 2 * series):
        start = first + timedelta(hours=5 * n)
        lines += _vevent(
            f"single-{n}@bench.example",
            f"Bilateral meeting {n}",
            f"DTSTART;TZID=Europe/Berlin:{start:%Y%m%dT%H%M%S}",
            "DURATION:PT1H30M",
            "LOCATION:Berlin",
            "DESCRIPTION:Agenda: trade\\, climate and security.",
        )
    for n in range(series):
        start = datetime(2023 + n % 4, 1 + n % 12, 2 + n % 20, 8 + n % 9, 0)
        uid = f"series-{n}@bench.example"
        lines += _vevent(
            uid,
            f"Weekly coordination {n}",
            f"DTSTART;TZID=Europe/Berlin:{start:%Y%m%dT%H%M%S}",
            "DURATION:PT1H",
            "RRULE:FREQ=WEEKLY",
            f"EXDATE;TZID=Europe/Berlin:{start + timedelta(weeks=160):%Y%m%dT%H%M%S}",
        )
        moved = start + timedelta(weeks=170)
        lines += _vevent(
            uid,
            f"Weekly coordination {n} (moved)",
            f"RECURRENCE-ID;TZID=Europe/Berlin:{moved:%Y%m%dT%H%M%S}",
            f"DTSTART;TZID=Europe/Berlin:{moved + timedelta(days=1):%Y%m%dT%H%M%S}",
            "DURATION:PT1H",
        )
    return _calendar(lines)


def _hostile(*rule_lines: str, copies: int = 1) -> bytes:
    lines = _vevent("fine@bench.example", "Fine", "DTSTART:20260301T100000Z")
    for n in range(copies):
        lines += _vevent(f"hostile-{n}@bench.example", "Hostile", *rule_lines)
    return _calendar(lines)


def _rdates(count: int) -> bytes:
    first = datetime(2026, 1, 20)
    values = [f"{first + timedelta(minutes=30 * n):%Y%m%dT%H%M%S}Z" for n in range(count)]
    folded = [f"RDATE:{','.join(values[i : i + 4])}" for i in range(0, count, 4)]
    return _hostile("DTSTART:20260120T000000Z", *folded)


CASES: dict[str, Callable[[], bytes]] = {
    "realistic": realistic,
    "secondly-no-end": lambda: _hostile("DTSTART:20260120T000000Z", "RRULE:FREQ=SECONDLY"),
    "minutely-a-year": lambda: _hostile(
        "DTSTART:20260120T000000Z", "RRULE:FREQ=MINUTELY;UNTIL=20270120T000000Z"
    ),
    "count-1e9-daily-since-1900": lambda: _hostile(
        "DTSTART:19000101T090000Z", "RRULE:FREQ=DAILY;COUNT=1000000000"
    ),
    "count-1e9-hourly": lambda: _hostile(
        "DTSTART:20260120T000000Z", "RRULE:FREQ=HOURLY;COUNT=1000000000"
    ),
    "20k-rdates": lambda: _rdates(20_000),
    "minutely-since-2001": lambda: _hostile("DTSTART:20010101T000000Z", "RRULE:FREQ=MINUTELY"),
    "1000x-never-matching": lambda: _hostile(
        "DTSTART:20260101T000000Z", "RRULE:FREQ=SECONDLY;BYMONTH=2;BYMONTHDAY=30", copies=1000
    ),
    "1000x-minutely-since-2025": lambda: _hostile(
        "DTSTART:20251101T000000Z", "RRULE:FREQ=MINUTELY", copies=1000
    ),
    "60x-hourly": lambda: _hostile("DTSTART:20260120T000000Z", "RRULE:FREQ=HOURLY", copies=60),
}


def _parse(body: bytes) -> ImportReport:
    return parse_ics(body, now=NOW, max_bytes=50_000_000, max_events=100_000, max_vevents=10_000)


def measure(name: str, body: bytes) -> None:
    """Timed alone, then again under tracemalloc (which slows Python 2-3x) for the peak."""
    started = time.perf_counter()
    report = _parse(body)
    seconds = time.perf_counter() - started
    tracemalloc.start()
    _parse(body)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    reasons = sorted({skip.reason[:60] for skip in report.skipped})
    print(
        f"{name:28} {len(body) / 1e6:6.2f} MB in  {seconds:6.2f} s  peak {peak / 1e6:7.1f} MB  "
        f"{len(report.events):6,} events  {len(report.skipped):5,} skipped  {reasons[:2]}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=sorted(CASES), help="run one case")
    args = parser.parse_args()
    parse_ics(realistic(10, 2), now=NOW)  # imports and caches warmed, not measured
    for name, build in CASES.items():
        if args.only in (None, name):
            measure(name, build())


if __name__ == "__main__":
    main()
