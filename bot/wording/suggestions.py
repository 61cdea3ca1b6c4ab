"""The words of suggestions from the news and of the watch list, in Telegram's HTML."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from html import escape

from bot.wording.telegram_html import link
from calendars.news.announcements import WatchName
from calendars.news.articles import host_of
from calendars.news.suggestions import Suggestion
from calendars.time.precision import Precision, period_label, undated_label

__all__ = [
    "SUGGESTION_PREFIX",
    "suggestion_buttons",
    "suggestion_date",
    "suggestion_notice",
    "suggestions_list",
    "watch_list",
]

SUGGESTION_PREFIX = "sg"  # callback data: sg:add:<id>, sg:edit:<id>, sg:ign:<id>


def suggestion_date(when: date, precision: Precision) -> str:
    """``Thu 4 December 2025``, or ``December 2025 (date to be announced)`` as events say it."""
    if precision is Precision.DAY:
        return period_label(when, precision)
    return undated_label(when, precision)


def suggestion_buttons(suggestion_id: str) -> tuple[tuple[str, str], ...]:
    """Add, Edit, Ignore; the data stays far below Telegram's 64 bytes (ids are 12 hex)."""
    return tuple(
        (label, f"{SUGGESTION_PREFIX}:{action}:{suggestion_id}")
        for label, action in (("➕ Add", "add"), ("✏️ Edit", "edit"), ("🙈 Ignore", "ign"))
    )


def _block(suggestion: Suggestion) -> str:
    lines = [
        f"💡 <b>{escape(suggestion.title)}</b>",
        f"📅 {escape(suggestion_date(suggestion.when, suggestion.precision))}",
    ]
    if suggestion.places:
        lines.append(f"📍 {escape(', '.join(suggestion.places))}")
    who = (*suggestion.people, *suggestion.organisations)
    if who:
        lines.append(f"👥 {escape(', '.join(who))}")
    if suggestion.topics:
        lines.append(f"🏷 {escape(' '.join(suggestion.topics))}")
    lines.append(f"📰 Sources: {suggestion.sources}")
    for article in suggestion.articles:
        source = article.source or host_of(article.url)
        lines.append(f"• {link(article.url, article.title)} — {escape(source)}")
    return "\n".join(lines)


def suggestion_notice(suggestion: Suggestion) -> str:
    """What admins get once per new suggestion (with the buttons under it)."""
    return f"New from the news — add it to the calendar?\n\n{_block(suggestion)}"


def suggestions_list(suggestions: Sequence[Suggestion]) -> list[str]:
    """One message per suggestion (each carries its own buttons); a line if there is none."""
    if not suggestions:
        return [
            "No new suggestions. Articles that announce a meeting of a watched name "
            "(/watch) show up here."
        ]
    return [_block(s) for s in suggestions]


def watch_list(configured: Sequence[WatchName], added: Sequence[WatchName]) -> str:
    """The watch list: the shipped names, then the ones admins added (removable)."""

    def line(name: WatchName) -> str:
        aliases = f": {escape(', '.join(name.aliases))}" if name.aliases else ""
        topics = f" 🏷 {escape(' '.join(name.topics))}" if name.topics else ""
        return f"• <b>{escape(name.name)}</b> ({escape(name.kind)}){aliases}{topics}"

    blocks = [f"<b>Watched names</b> ({len(configured) + len(added)})"]
    if added:
        blocks.append(
            "Added by admins (/watch rm &lt;name&gt; removes):\n"
            + "\n".join(line(n) for n in added)
        )
    if configured:
        blocks.append("From config/watch.toml:\n" + "\n".join(line(n) for n in configured))
    return "\n\n".join(blocks)


def watching(name: WatchName) -> str:
    """The reply to /watch add: the name as now watched, every spelling it is found by."""
    aliases = f" ({escape(', '.join(name.aliases))})" if name.aliases else ""
    return (
        f"Watching <b>{escape(name.name)}</b>{aliases} as a {escape(name.kind)} "
        "from the next news cycle on."
    )


def unwatched(name: str, *, still: WatchName | None) -> str:
    """The reply to /watch rm: gone, or back to what config/watch.toml says of it."""
    if still is None:
        return f"No longer watching <b>{escape(name)}</b>."
    return (
        f"Removed what was added to <b>{escape(still.name)}</b>; it stays watched as "
        "config/watch.toml has it."
    )
