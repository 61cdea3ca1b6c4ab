"""The words of /filter and /quiet replies: what a chat's news settings are and mean."""

from __future__ import annotations

from datetime import datetime
from html import escape

from calendars.news.filters import EXAMPLE as FILTER_EXAMPLE
from calendars.news.filters import NewsFilter
from calendars.quiet import EXAMPLE as QUIET_EXAMPLE
from calendars.quiet import QuietHours
from calendars.time.timefmt import format_instant

__all__ = ["filter_summary", "quiet_summary"]

_NOT_HELD = "Reminders and change alerts are never held."


def _terms(terms: tuple[str, ...]) -> str:
    return ", ".join(f"<b>{escape(t)}</b>" for t in terms)


def filter_summary(news_filter: NewsFilter | None, *, changed: bool) -> str:
    """The chat's filter as /filter takes it, and in words."""
    if news_filter is None:
        head = "News filter removed." if changed else "No news filter."
        return "\n".join(
            [
                f"{head} This chat hears of every new article about the events it follows.",
                f"To hear only some: <code>{escape(FILTER_EXAMPLE)}</code>",
                "(+ must appear, - must not, a word without a sign must appear; "
                '"quotes" for phrases)',
            ]
        )
    lines = [
        f"{'✅ News filter set' if changed else 'News filter'}: "
        f"<code>/filter {escape(news_filter.render())}</code>"
    ]
    if news_filter.required:
        lines.append(f"An article must mention all of: {_terms(news_filter.required)}")
    if news_filter.excluded:
        lines.append(f"and none of: {_terms(news_filter.excluded)}")
    lines.append("Words are matched whole, in the title and summary. /filter off removes it.")
    return "\n".join(lines)


def quiet_summary(
    quiet_hours: QuietHours | None, *, zone: str, now: datetime, changed: bool
) -> str:
    """The chat's quiet hours, in its zone, and whether it is quiet now."""
    if quiet_hours is None:
        head = "Quiet hours removed." if changed else "No quiet hours."
        return "\n".join(
            [
                f"{head} News notices arrive as articles come in.",
                f"To hold them overnight: <code>{escape(QUIET_EXAMPLE)}</code> "
                f"(times in {escape(zone)}, this chat's zone; /tz changes it)",
            ]
        )
    lines = [
        f"{'✅ Quiet hours set' if changed else 'Quiet hours'}: "
        f"<b>{escape(quiet_hours.render())}</b> ({escape(zone)})",
        "News notices wait and arrive as one digest when the quiet hours end. " + _NOT_HELD,
    ]
    if quiet_hours.is_quiet(now, zone):
        ends = format_instant(quiet_hours.quiet_ends(now, zone), zone)
        lines.append(f"Quiet now, until {escape(ends)}.")
    lines.append("/quiet off removes them.")
    return "\n".join(lines)
