"""The words of an event's lifecycle: its status, its history, and alerts about changes."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from datetime import datetime
from html import escape

from bot.wording.local_time import your_time_line
from bot.wording.telegram_html import link
from calendars.errors import InvalidEvent
from calendars.events import Event, Status
from calendars.history import Change, parse_time_value, time_precision, tracked_changes
from calendars.i18n import LANGUAGE_NAMES, N_, _, current_language, ngettext
from calendars.time.clocks import event_clocks
from calendars.time.precision import Precision, period_label
from calendars.time.timefmt import format_instant
from calendars.translations import localized

__all__ = [
    "STATUS_LABELS",
    "change_lines",
    "change_notice",
    "history_text",
    "plain_value",
    "public_actor",
    "status_line",
    "status_word",
]

# English source texts (N_): each is translated where it is shown, in the chat's language.
STATUS_LABELS = {
    Status.RUMOURED: N_("👂 rumoured: reported, not announced"),
    Status.ANNOUNCED: N_("📣 announced: dates or place may still change"),
    Status.CONFIRMED: N_("✅ confirmed"),
    Status.POSTPONED: N_("⏸ postponed: new dates to follow"),
    Status.CANCELLED: N_("❌ cancelled"),
    Status.CONCLUDED: N_("🏁 concluded"),
}
_STATUS_WORDS = {
    Status.RUMOURED: N_("rumoured"),
    Status.ANNOUNCED: N_("announced"),
    Status.CONFIRMED: N_("confirmed"),
    Status.POSTPONED: N_("postponed"),
    Status.CANCELLED: N_("cancelled"),
    Status.CONCLUDED: N_("concluded"),
}
_FIELD_NAMES = {
    "status": N_("Status"),
    "time": N_("🗓 Time"),
    "place": N_("📍 Place"),
    "title": N_("Title"),
}
_TRANSLATED_NAMES = {
    "title": _FIELD_NAMES["title"],
    "location": _FIELD_NAMES["place"],
    "description": N_("Description"),
}


def _day_set(change: Change) -> bool:
    """Whether a change of time gave a day to an event known only to its month or year."""
    return time_precision(change.old) is not Precision.DAY and (
        time_precision(change.new) is Precision.DAY
    )


def status_word(status: Status) -> str:
    """``postponed``, in the chat's language."""
    return _(_STATUS_WORDS[status])


def status_line(event: Event) -> str:
    return _("Status: {status}", status=_(STATUS_LABELS[event.status]))


def _period_of(value: str) -> str | None:
    """``December 2026`` for a history time value known only to its month or year."""
    parsed, precision = parse_time_value(value), time_precision(value)
    if parsed is None or precision is Precision.DAY or isinstance(parsed[0], datetime):
        return None
    return period_label(parsed[0], precision, current_language())


def plain_value(change_field: str, value: str, event: Event, zone: str) -> str:
    """A history value as the reader reads it (plain text): a time in their zone."""
    if change_field == "time":
        parsed = parse_time_value(value)
        if parsed is None:
            return value
        start, end, timezone = parsed
        precision = time_precision(value)
        try:
            then = dataclasses.replace(
                event, start=start, end=end, timezone=timezone, precision=precision
            )
        except InvalidEvent:
            return value
        return event_clocks(then, zone, current_language())
    if change_field == "status" and value in {status.value for status in Status}:
        return status_word(Status(value))  # "отложено", not "postponed"
    return value or _("(none)")


def public_actor(by: str) -> str:
    """Who made a change, for a public page: admins by role, not by Telegram id."""
    return _("an admin") if by.startswith("telegram:") else by


def _value(change_field: str, value: str, event: Event, zone: str) -> str:
    return escape(plain_value(change_field, value, event, zone))


def _field_name(change_field: str) -> str:
    """``Title``, or ``Title in हिन्दी`` for a translation (``title.hi``)."""
    if change_field in _FIELD_NAMES:
        return _(_FIELD_NAMES[change_field])
    field, _dot, lang = change_field.partition(".")
    return _(
        "{field} in {language}",
        field=_(_TRANSLATED_NAMES.get(field, field)),
        language=LANGUAGE_NAMES.get(lang, lang),
    )


def _change_line(change: Change, event: Event, zone: str, *, stamp: bool) -> str:
    old = _value(change.field, change.old, event, zone)
    new = _value(change.field, change.new, event, zone)
    line = f"{_field_name(change.field)}: {old} → {new}"
    if change.field == "time" and _day_set(change):
        was = _period_of(change.old)
        old = escape(was) if was is not None else old
        line = "🗓 " + _("Date set: {new} (was {old})", new=new, old=old)
    if stamp:
        at = format_instant(change.at, zone, current_language())
        line = f"• {escape(at)}, {escape(change.by)}: {line}"
    if change.note:
        line += f" — {escape(change.note)}"
    if change.source:
        source = _("source")
        line += f" ({link(change.source, source)})"
    return line


def change_lines(event: Event, *, zone: str, last: int | None = None) -> list[str]:
    """The event's changes, newest first (``last`` of them, or all)."""
    changes = list(reversed(event.history))
    if last is not None:
        changes = changes[:last]
    return [_change_line(change, event, zone, stamp=True) for change in changes]


def history_text(event: Event, *, zone: str) -> str:
    """/history: every change kept, newest first (reply() splits a long one)."""
    event = localized(event, current_language())
    head = f"<b>{escape(event.title)}</b> · {status_line(event)}"
    if not event.history:
        return f"{head}\n" + _("No changes recorded since it was added.")
    intro = ngettext(
        "{count} change, newest first (times in {zone}):",
        "{count} changes, newest first (times in {zone}):",
        len(event.history),
        zone=escape(zone),
    )
    return "\n".join([head, intro, *change_lines(event, zone=zone)])


def change_notice(
    before: Event,
    after: Event,
    *,
    zone: str,
    why: Iterable[Change] = (),
    shared: bool = False,
) -> str:
    """One alert for what changed between ``before`` and ``after``: old → new, in ``zone``.

    Times are the three clocks (the chat's, the venue's, UTC); a ``shared`` chat (channel,
    group) also gets the new start as an entity each reader's app shows on their own clock.
    ``why`` are the history entries of the changes in between: their notes and sources
    are told too.
    """
    changes: Sequence[Change] = tracked_changes(before, after, at=after.updated, by="")
    lang = current_language()
    shown = localized(after, lang)  # the changes themselves are told in the original
    title = f"<b>{escape(shown.title)}</b>"
    if after.cancelled:
        lines = ["❌ " + _("Cancelled: {title}", title=title)]
        lines.append(f"🗓 {escape(event_clocks(before, zone, lang))}")
    else:
        lines = ["✏️ " + _("Changed: {title}", title=title)]
        lines.append(f"🗓 {escape(event_clocks(after, zone, lang))}")
        if shared and (yours := your_time_line(after, now=after.updated)):
            lines.append(yours)
    if shown.location:
        lines.append(f"📍 {escape(shown.location)}")
    lines += [_change_line(change, after, zone, stamp=False) for change in changes]
    notes = dict.fromkeys((c.note, c.source) for c in why if c.note or c.source)
    for note, source in notes:
        word = _("source")
        linked = f" ({link(source, word)})" if source else ""
        lines.append("ℹ️ " + (escape(note) or _("Source")) + linked)
    if after.cancelled:
        lines.append(_("It stays in the calendar, marked cancelled."))
    lines.append(f"/event {escape(after.id)} · /history {escape(after.id)}")
    return "\n".join(lines)


def follow_reply(event: Event, *, on: bool, changed: bool, by_topic: bool) -> str:
    """The answer to /follow and /unfollow."""
    title = f"<b>{escape(localized(event, current_language()).title)}</b>"
    if on:
        head = (
            _("Following {title}", title=title)
            if changed
            else _("Already following {title}", title=title)
        )
        return "🔔 " + _(
            "{head}: its reminders and one alert per change (time, place, status, title) "
            "come here, and it is in this chat's /calendar feed. {unfollow} stops it.",
            head=head,
            unfollow=f"/unfollow {escape(event.id)}",
        )
    if not changed:
        return _(
            "This chat was not following {title} by name. /following lists what it follows.",
            title=title,
        )
    still = " " + _("It still comes through one of this chat's topics (/topics).")
    return "🔕 " + _("Stopped following {title}.", title=title) + (still if by_topic else "")


def followed_list(events: Sequence[Event], *, zone: str) -> str:
    """/following: the events this chat follows by name."""
    if not events:
        return _(
            "This chat follows no event by name. Tap {button} under an event, or {follow}.",
            button="🔔 " + _("Follow"),
            follow="/follow &lt;id&gt;",
        )
    lines = [_("Events this chat follows by name (times in {zone}):", zone=escape(zone))]
    for event in events:
        when = escape(event_clocks(event, zone, current_language()))
        title = localized(event, current_language()).title
        lines.append(
            f"• <b>{escape(title)}</b> — {when} · {status_word(event.status)} · "
            f"/unfollow {escape(event.id)}"
        )
    return "\n".join(lines)
