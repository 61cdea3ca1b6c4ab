"""What our feed writes so that importing it again changes nothing.

The feed is read by calendar apps, so sources and coverage go into DESCRIPTION as text
blocks people can read. The importer recognises those blocks (they are text we wrote,
always in this form) and takes the URLs back as URLs instead of growing the description.
All-day events carry the zone where their days begin in ``X-SUMMITWATCH-TZID`` (DATE
values have none), and timed events carry it too, since some of their times are written
in UTC (see :func:`calendars.time.wallclock.needs_utc`).
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = [
    "COVERAGE_HEADER",
    "SOURCES_HEADER",
    "ZONE_PROPERTY",
    "compose_description",
    "split_description",
]

ZONE_PROPERTY = "X-SUMMITWATCH-TZID"
SOURCES_HEADER = "Sources:"
COVERAGE_HEADER = "Related coverage:"
_WEB = ("http://", "https://")


def compose_description(description: str, urls: Sequence[str], coverage: Sequence[str]) -> str:
    """The feed's DESCRIPTION: the event's own text, then its sources and coverage lines."""
    parts = [description] if description else []
    if urls:
        parts.append(SOURCES_HEADER + "\n" + "\n".join(urls))
    if coverage:
        parts.append(COVERAGE_HEADER + "\n" + "\n".join(" ".join(c.split()) for c in coverage))
    return "\n\n".join(parts)


def _sources(block: str) -> list[str] | None:
    header, _, rest = block.partition("\n")
    lines = rest.split("\n")
    if header != SOURCES_HEADER or not all(line.startswith(_WEB) for line in lines):
        return None
    return lines


def _is_coverage(block: str) -> bool:
    header, _, rest = block.partition("\n")
    return header == COVERAGE_HEADER and all(
        line.startswith("- ") and ": http" in line for line in rest.split("\n")
    )


def split_description(text: str) -> tuple[str, tuple[str, ...]]:
    """The event's own text and the source URLs of a DESCRIPTION that
    :func:`compose_description` wrote; other text comes back as it is, with no URLs."""
    blocks = text.split("\n\n")
    urls: list[str] = []
    while blocks:
        sources = _sources(blocks[-1])
        if sources is not None:
            urls[:0] = sources
        elif not _is_coverage(blocks[-1]):
            break
        blocks.pop()
    return "\n\n".join(blocks), tuple(urls)
