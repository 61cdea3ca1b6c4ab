"""Every size and cost limit on outside input, in one table, each with the reason for it.

Fetchers, uploads and parsers read their limits from here, so a feed, an OPML file or a
calendar is never accepted by one layer and refused by the next.

| limit                   | value     | applies to                                            |
| ----------------------- | --------- | ----------------------------------------------------- |
| NEWS_FEED_BYTES         | 5,000,000 | one fetched RSS/Atom body (fetch and parse)           |
| NEWS_PARSE_SECONDS      | 5 s       | reading one feed in the parser worker (wall clock)    |
| NEWS_PARSE_MEMORY_BYTES | 1 GiB     | address space of the parser worker process            |
| OPML_FILE_BYTES         | 1,000,000 | one uploaded OPML feed list                           |
| ICAL_FILE_BYTES         | 1,000,000 | one uploaded or fetched .ics file                     |
| ICAL_SERIES_OCCURRENCES | 500       | occurrences one repeating event gives in the window   |
| ICAL_FILE_OCCURRENCES   | 20,000    | occurrences all repeating events of a file give       |
| ICAL_SERIES_RULE_STEPS  | 100,000   | repetitions worked through before one series' window  |
| ICAL_FILE_RULE_STEPS    | 250,000   | the same, for all series of a file together           |
| UPSTREAM_ICAL_BYTES     | 10,000,000| one polled upstream calendar (fetch and parse)        |
| UPSTREAM_MAX_VEVENTS    | 10,000    | VEVENTs read from one upstream calendar               |
| UPSTREAM_MAX_EVENTS     | 20,000    | events (occurrences included) kept from one calendar  |
| UPSTREAM_PARSE_SECONDS  | 30 s      | reading one upstream calendar in the parser worker    |
"""

from __future__ import annotations

__all__ = [
    "ICAL_FILE_BYTES",
    "ICAL_FILE_OCCURRENCES",
    "ICAL_FILE_RULE_STEPS",
    "ICAL_SERIES_OCCURRENCES",
    "ICAL_SERIES_RULE_STEPS",
    "NEWS_FEED_BYTES",
    "NEWS_PARSE_MEMORY_BYTES",
    "NEWS_PARSE_SECONDS",
    "OPML_FILE_BYTES",
    "UPSTREAM_ICAL_BYTES",
    "UPSTREAM_MAX_EVENTS",
    "UPSTREAM_MAX_VEVENTS",
    "UPSTREAM_PARSE_SECONDS",
]

# News sites' RSS/Atom feeds are 20 KB-2 MB (the 200 items we keep are far less); a
# full-text feed of 200 long articles is ~5 MB. Bigger is a podcast archive or an attack.
NEWS_FEED_BYTES = 5_000_000

# A legitimate 5 MB feed reads in ~1.5 s on one core; hostile markup costs feedparser
# ~20 µs a tag, so this stops a feed that would take a minute, with room for a busy host.
NEWS_PARSE_SECONDS = 5.0

# Reading a legitimate 5 MB feed peaks near 200 MB; an entity bomb that slipped through
# would need gigabytes. The worker, not the bot, hits the wall (it counts address space).
NEWS_PARSE_MEMORY_BYTES = 1024 * 1024 * 1024

# Imports stop at 500 feeds; an outline is ~300 bytes, so 500 feeds are ~150 KB.
# 1 MB leaves room for readers that export descriptions, and refuses anything else.
OPML_FILE_BYTES = 1_000_000

# Imports stop at 500 events of ~1-2 KB each (a long DESCRIPTION included).
ICAL_FILE_BYTES = 1_000_000

# A repeating event becomes its occurrences within the window (1 month back, 12 ahead):
# a daily meeting is ~400 of them, so 500 keeps any daily series whole and stops an
# hourly or FREQ=SECONDLY one at the first 500 (the import reply says so).
ICAL_SERIES_OCCURRENCES = 500

# 5,000 VEVENTs with 200 weekly series give ~16,000 events; one file gives at most this
# many occurrences (~2 KB each as events), whatever its rules say.
ICAL_FILE_OCCURRENCES = 20_000

# dateutil walks a rule from its DTSTART (4-6 µs a step) even to reach a window years
# later: a daily series since 1900 is 46,000 steps, an hourly one since 2015 100,000, a
# minutely one since last year 500,000. Beyond these a series (or the rest of the file)
# is skipped with the reason instead of costing seconds: a file's steps cost 1-1.5 s at
# most. 200 weekly series since 2023 take ~50,000.
ICAL_SERIES_RULE_STEPS = 100_000
ICAL_FILE_RULE_STEPS = 250_000

# Upstream calendars (issue 12): a ministry's or summit's whole calendar, polled. 5,000
# events with descriptions are ~1-5 MB; 10 MB leaves room and refuses a 50 MB body at the
# fetch (it is counted as it is decompressed, never held whole).
UPSTREAM_ICAL_BYTES = 10_000_000

# At most this many VEVENTs are read from one calendar, and at most this many events
# (occurrences of series included) are kept from it: the rest are left out, upcoming first.
UPSTREAM_MAX_VEVENTS = 10_000
UPSTREAM_MAX_EVENTS = 20_000

# Parsing 5,000 events takes ~1 s on one core; this stops a calendar that would take
# minutes (in the shared parser worker, which is then replaced), with room for a busy host.
UPSTREAM_PARSE_SECONDS = 30.0
