"""What our feed writes so that importing it again changes nothing.

The feed is read by calendar apps, so sources and coverage go into DESCRIPTION as text
blocks people can read. The importer recognises those blocks (they are text we wrote,
always in this form) and takes the URLs back as URLs instead of growing the description.
All-day events carry the zone where their days begin in ``X-SUMMITWATCH-TZID`` (DATE
values have none), and timed events carry it too, since some of their times are written
in UTC (see :func:`calendars.time.wallclock.needs_utc`).

iCalendar knows three statuses; ours map onto them (``ICAL_STATUS``), the exact one
travels in ``X-SUMMITWATCH-STATUS``, and postponed and rumoured events say so in the title
(``[Postponed] ``), where everyone looks: :func:`read_status` takes the prefix off again.
"""

from __future__ import annotations

from collections.abc import Sequence

from calendars.events import Status

__all__ = [
    "COVERAGE_HEADER",
    "ICAL_STATUS",
    "SOURCES_HEADER",
    "STATUS_PROPERTY",
    "SUMMARY_PREFIX",
    "ZONE_PROPERTY",
    "compose_description",
    "read_status",
    "split_description",
]

ZONE_PROPERTY = "X-SUMMITWATCH-TZID"
SOURCES_HEADER = "Sources:"
COVERAGE_HEADER = "Related coverage:"
_WEB = ("http://", "https://")

ICAL_STATUS = {
    Status.RUMOURED: "TENTATIVE",
    Status.ANNOUNCED: "TENTATIVE",
    Status.POSTPONED: "TENTATIVE",
    Status.CONFIRMED: "CONFIRMED",
    Status.CONCLUDED: "CONFIRMED",
    Status.CANCELLED: "CANCELLED",
}
# Most calendar apps never show STATUS, so these say it where everyone looks: the title.
SUMMARY_PREFIX = {Status.POSTPONED: "[Postponed] ", Status.RUMOURED: "[Rumoured] "}
STATUS_PROPERTY = "X-SUMMITWATCH-STATUS"
_FROM_ICAL = {"TENTATIVE": Status.ANNOUNCED, "CONFIRMED": Status.CONFIRMED}
_FROM_ICAL |= {"CANCELLED": Status.CANCELLED}
_PREFIXES = {prefix.strip().lower(): status for status, prefix in SUMMARY_PREFIX.items()}


def read_status(title: str, ical_status: str, exact: str | None) -> tuple[str, Status]:
    """The title without a status prefix, and the status: ours exactly when the file says
    it (``exact``, from X-SUMMITWATCH-STATUS), else STATUS, refined by a title prefix."""
    status = _FROM_ICAL.get(ical_status.strip().upper(), Status.CONFIRMED)
    head, _space, rest = title.partition(" ")
    prefixed = _PREFIXES.get(head.lower())
    if prefixed is not None and rest.strip():
        title = rest.strip()
        if status is Status.ANNOUNCED:
            status = prefixed
    try:
        found = Status.parse(exact) if exact is not None else None
    except ValueError:
        found = None
    return title, found or status


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
