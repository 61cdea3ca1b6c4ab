"""The words of briefings and of /briefing replies, in Telegram's HTML subset, escaped."""

from __future__ import annotations

from datetime import datetime
from html import escape

from bot.wording.telegram_html import link
from calendars.briefing_content import Briefing, BriefingItem, EventChange
from calendars.briefings import (
    DAILY_EXAMPLE,
    WEEKLY_EXAMPLE,
    BriefingSetting,
    next_due,
)
from calendars.i18n import N_, _, current_language, ngettext
from calendars.ical.render import CalendarMeta
from calendars.quiet import QuietHours
from calendars.time.language import digits
from calendars.time.timefmt import format_event_when, format_instant
from calendars.translations import localized

__all__ = ["briefing_message", "briefing_summary"]

_KINDS = {"added": N_("🆕 New"), "edited": N_("✏️ Changed"), "cancelled": N_("❌ Cancelled")}
# What an edit changed, as history names it.
# What an edit changed, in words: the event's stored fields (the audit log names them) as a
# reader thinks of them; a field not named here is not shown.
_FIELDS = {
    "start": N_("time"),
    "end": N_("time"),
    "timezone": N_("time"),
    "precision": N_("time"),
    "location": N_("place"),
    "status": N_("status"),
    "title": N_("title"),
    "description": N_("description"),
    "tags": N_("topics"),
    "urls": N_("links"),
}
_DAYS = (
    N_("Monday"),
    N_("Tuesday"),
    N_("Wednesday"),
    N_("Thursday"),
    N_("Friday"),
    N_("Saturday"),
    N_("Sunday"),
)


def _item_lines(item: BriefingItem, *, zone: str, meta: CalendarMeta, since: datetime) -> list[str]:
    event = localized(item.event, current_language())
    place = f" · 📍 {escape(event.location)}" if event.location else ""
    lines = [
        f"• {link(meta.event_page_url(event.id), event.title)}",
        f"   🗓 {escape(format_event_when(event, zone, current_language()))}{place}",
    ]
    for coverage in item.coverage:
        source = f" — {escape(coverage.source)}" if coverage.source else ""
        fresh = coverage.published is not None and coverage.published > since
        lines.append(f"   📰 {link(coverage.url, coverage.title)}{source}{' 🆕' if fresh else ''}")
    return lines


def _change_line(change: EventChange, *, zone: str) -> str:
    named = dict.fromkeys(_(_FIELDS[f]) for f in change.fields if f in _FIELDS)  # in order
    what = f" ({escape(', '.join(named))})" if change.kind == "edited" and named else ""
    when = escape(format_event_when(change.event, zone, current_language()))
    title = localized(change.event, current_language()).title
    return f"• {_(_KINDS[change.kind])}: <b>{escape(title)}</b>{what} — {when}"


def briefing_message(briefing: Briefing, *, zone: str, meta: CalendarMeta) -> str:
    """One chat's briefing: the days ahead, what changed, and the news about it."""
    days, lang = 14 if briefing.weekly else 7, current_language()
    title = _("Weekly briefing") if briefing.weekly else _("Briefing")
    lines = [f"📋 <b>{title}</b> · {escape(format_instant(briefing.now, zone, lang))}", ""]
    if briefing.upcoming:
        lines.append("<b>" + ngettext("Next {count} day", "Next {count} days", days) + "</b>")
        for item in briefing.upcoming:
            lines += _item_lines(item, zone=zone, meta=meta, since=briefing.since)
        if briefing.more_upcoming:
            more = briefing.more_upcoming
            lines.append(_("… and {count} more: /upcoming lists them.", count=more))
    else:
        lines.append(
            ngettext(
                "No events in the next {count} day.", "No events in the next {count} days.", days
            )
        )
    if briefing.changes:
        since = escape(format_instant(briefing.since, zone, lang))
        lines += ["", "<b>" + _("Changed since {time}", time=since) + "</b>"]
        lines += [_change_line(change, zone=zone) for change in briefing.changes]
        if briefing.more_changes:
            more = briefing.more_changes
            lines.append(_("… and {count} more: /upcoming lists them.", count=more))
    lines += ["", _("/briefing changes when this comes; /briefing off stops it.")]
    return "\n".join(lines)


def _described(setting: BriefingSetting) -> str:
    at = f"<b>{digits(f'{setting.at:%H:%M}', current_language())}</b>"
    if setting.weekday is None:
        return _("every day at {time}", time=at)
    day = f"<b>{_(_DAYS[setting.weekday])}</b>"
    return _("every {weekday} at {time}", weekday=day, time=at)


def briefing_summary(
    setting: BriefingSetting | None,
    *,
    zone: str,
    sent: str | None,
    quiet_hours: QuietHours | None,
    now: datetime,
    changed: bool,
) -> str:
    """The chat's briefing as /briefing takes it, and when the next one comes."""
    if setting is None:
        head = _("Briefings stopped.") if changed else _("No briefing.")
        return "\n".join(
            [
                head
                + " "
                + _(
                    "A briefing lists the events ahead (a week in a daily one, two weeks in "
                    "a weekly one), what changed since the last one, and the news about them."
                ),
                _(
                    "Daily: {daily} · weekly: {weekly} (times in {zone}, this chat's zone; "
                    "/tz changes it)",
                    daily=f"<code>{DAILY_EXAMPLE}</code>",
                    weekly=f"<code>{WEEKLY_EXAMPLE}</code>",
                    zone=escape(zone),
                ),
            ]
        )
    shown = f"<code>/briefing {escape(setting.render())}</code>"
    lines = [
        _("✅ Briefing set: {briefing}", briefing=shown)
        if changed
        else _("Briefing: {briefing}", briefing=shown),
        _(
            "It comes {when} ({zone}) when there is something to tell.",
            when=_described(setting),
            zone=escape(zone),
        ),
    ]
    due = next_due(setting, sent, now, zone)
    when = _("now") if due == now else format_instant(due, zone, current_language())
    lines.append(_("The next one: {time}.", time=escape(when)))
    if quiet_hours is not None and quiet_hours.is_quiet(due, zone):
        lines.append(
            _(
                "That is in this chat's quiet hours ({hours}): it comes when they end, if "
                "that is the same day.",
                hours=escape(quiet_hours.render()),
            )
        )
    lines.append(_("/briefing off stops it."))
    return "\n".join(lines)
