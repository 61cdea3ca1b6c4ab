"""The words of /filter, /quiet and /lang replies: what a chat's settings are and mean."""

from __future__ import annotations

from datetime import datetime
from html import escape

from calendars.i18n import LANGUAGE_NAMES, N_, _, current_language
from calendars.news.filters import EXAMPLE as FILTER_EXAMPLE
from calendars.news.filters import NewsFilter
from calendars.quiet import EXAMPLE as QUIET_EXAMPLE
from calendars.quiet import QuietHours
from calendars.time.timefmt import format_instant

__all__ = ["filter_summary", "language_summary", "quiet_summary"]

_NOT_HELD = N_("Reminders and change alerts are never held.")


def _terms(terms: tuple[str, ...]) -> str:
    return ", ".join(f"<b>{escape(t)}</b>" for t in terms)


def filter_summary(news_filter: NewsFilter | None, *, changed: bool) -> str:
    """The chat's filter as /filter takes it, and in words."""
    if news_filter is None:
        head = _("News filter removed.") if changed else _("No news filter.")
        return "\n".join(
            [
                head + " " + _("This chat hears of every new article about the events it follows."),
                _("To hear only some: {example}", example=f"<code>{escape(FILTER_EXAMPLE)}</code>"),
                _(
                    "(+ must appear, - must not, a word without a sign must appear; "
                    '"quotes" for phrases)'
                ),
            ]
        )
    shown = f"<code>/filter {escape(news_filter.render())}</code>"
    lines = [
        _("✅ News filter set: {filter}", filter=shown)
        if changed
        else _("News filter: {filter}", filter=shown)
    ]
    if news_filter.required:
        lines.append(
            _("An article must mention all of: {terms}", terms=_terms(news_filter.required))
        )
    if news_filter.excluded:
        lines.append(_("and none of: {terms}", terms=_terms(news_filter.excluded)))
    lines.append(_("Words are matched whole, in the title and summary. /filter off removes it."))
    return "\n".join(lines)


def quiet_summary(
    quiet_hours: QuietHours | None, *, zone: str, now: datetime, changed: bool
) -> str:
    """The chat's quiet hours, in its zone, and whether it is quiet now."""
    if quiet_hours is None:
        head = _("Quiet hours removed.") if changed else _("No quiet hours.")
        return "\n".join(
            [
                head + " " + _("News notices arrive as articles come in."),
                _(
                    "To hold them overnight: {example} (times in {zone}, this chat's zone; "
                    "/tz changes it)",
                    example=f"<code>{escape(QUIET_EXAMPLE)}</code>",
                    zone=escape(zone),
                ),
            ]
        )
    hours = f"<b>{escape(quiet_hours.render())}</b> ({escape(zone)})"
    lines = [
        _("✅ Quiet hours set: {hours}", hours=hours)
        if changed
        else _("Quiet hours: {hours}", hours=hours),
        _("News notices wait and arrive as one digest when the quiet hours end.")
        + " "
        + _(_NOT_HELD),
    ]
    if quiet_hours.is_quiet(now, zone):
        ends = format_instant(quiet_hours.quiet_ends(now, zone), zone, current_language())
        lines.append(_("Quiet now, until {time}.", time=escape(ends)))
    lines.append(_("/quiet off removes them."))
    return "\n".join(lines)


def language_summary(lang: str, *, changed: bool) -> str:
    """/lang: the chat's language (in itself) and how to change it."""
    name = f"<b>{escape(LANGUAGE_NAMES[lang])}</b>"
    head = _("✅ Language set: {name}", name=name) if changed else _("Language: {name}", name=name)
    choices = " · ".join(f"/lang {code} — {escape(n)}" for code, n in LANGUAGE_NAMES.items())
    return "\n".join(
        [
            head,
            _("Messages, reminders and alerts to this chat come in this language."),
            choices,
        ]
    )
