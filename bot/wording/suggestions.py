"""The words of suggestions from the news and of the watch list, in Telegram's HTML."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from html import escape

from bot.wording.telegram_html import link
from calendars.i18n import N_, _
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
        (f"{icon} {_(label)}", f"{SUGGESTION_PREFIX}:{action}:{suggestion_id}")
        for icon, label, action in _BUTTONS
    )


_BUTTONS = (("➕", N_("Add"), "add"), ("✏️", N_("Edit"), "edit"), ("🙈", N_("Ignore"), "ign"))
# The kinds of config/watch.toml, in the reader's words (another kind is shown as written).
_KINDS = {"person": N_("person"), "place": N_("place"), "organisation": N_("organisation")}


def _kind(kind: str) -> str:
    return escape(_(_KINDS[kind]) if kind in _KINDS else kind)


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
    lines.append("📰 " + _("Sources: {count}", count=suggestion.sources))
    for article in suggestion.articles:
        source = article.source or host_of(article.url)
        lines.append(f"• {link(article.url, article.title)} — {escape(source)}")
    return "\n".join(lines)


def suggestion_notice(suggestion: Suggestion) -> str:
    """What admins get once per new suggestion (with the buttons under it)."""
    return _("New from the news — add it to the calendar?") + f"\n\n{_block(suggestion)}"


def suggestions_list(suggestions: Sequence[Suggestion]) -> list[str]:
    """One message per suggestion (each carries its own buttons); a line if there is none."""
    if not suggestions:
        return [
            _(
                "No new suggestions. Articles that announce a meeting of a watched name "
                "(/watch) show up here."
            )
        ]
    return [_block(s) for s in suggestions]


def watch_list(configured: Sequence[WatchName], added: Sequence[WatchName]) -> str:
    """The watch list: the shipped names, then the ones admins added (removable)."""

    def line(name: WatchName) -> str:
        aliases = f": {escape(', '.join(name.aliases))}" if name.aliases else ""
        topics = f" 🏷 {escape(' '.join(name.topics))}" if name.topics else ""
        return f"• <b>{escape(name.name)}</b> ({_kind(name.kind)}){aliases}{topics}"

    head = escape(_("Watched names"))
    blocks = [f"<b>{head}</b> ({len(configured) + len(added)})"]
    if added:
        removes = _("Added by admins ({command} removes):", command="/watch rm &lt;name&gt;")
        blocks.append(removes + "\n" + "\n".join(line(n) for n in added))
    if configured:
        shipped = _("From {file}:", file="config/watch.toml")
        blocks.append(shipped + "\n" + "\n".join(line(n) for n in configured))
    return "\n\n".join(blocks)


def watching(name: WatchName) -> str:
    """The reply to /watch add: the name as now watched, every spelling it is found by."""
    aliases = f" ({escape(', '.join(name.aliases))})" if name.aliases else ""
    return _(
        "Watching {name} ({kind}) from the next news cycle on.",
        name=f"<b>{escape(name.name)}</b>{aliases}",
        kind=_kind(name.kind),
    )


def unwatched(name: str, *, still: WatchName | None) -> str:
    """The reply to /watch rm: gone, or back to what config/watch.toml says of it."""
    if still is None:
        return _("No longer watching {name}.", name=f"<b>{escape(name)}</b>")
    return _(
        "Removed what was added to {name}; it stays watched as {file} has it.",
        name=f"<b>{escape(still.name)}</b>",
        file="config/watch.toml",
    )
