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
from calendars.ical.render import CalendarMeta
from calendars.quiet import QuietHours
from calendars.time.timefmt import format_event_when, format_instant

__all__ = ["briefing_message", "briefing_summary"]

_KINDS = {"added": "🆕 New", "edited": "✏️ Changed", "cancelled": "❌ Cancelled"}
_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _item_lines(item: BriefingItem, *, zone: str, meta: CalendarMeta, since: datetime) -> list[str]:
    event = item.event
    place = f" · 📍 {escape(event.location)}" if event.location else ""
    lines = [
        f"• {link(meta.event_page_url(event.id), event.title)}",
        f"   🗓 {escape(format_event_when(event, zone))}{place}",
    ]
    for coverage in item.coverage:
        source = f" — {escape(coverage.source)}" if coverage.source else ""
        fresh = coverage.published is not None and coverage.published > since
        lines.append(f"   📰 {link(coverage.url, coverage.title)}{source}{' 🆕' if fresh else ''}")
    return lines


def _change_line(change: EventChange, *, zone: str) -> str:
    what = (
        f" ({escape(', '.join(change.fields))})"
        if change.kind == "edited" and change.fields
        else ""
    )
    when = escape(format_event_when(change.event, zone))
    return f"• {_KINDS[change.kind]}: <b>{escape(change.event.title)}</b>{what} — {when}"


def briefing_message(briefing: Briefing, *, zone: str, meta: CalendarMeta) -> str:
    """One chat's briefing: the days ahead, what changed, and the news about it."""
    days = 14 if briefing.weekly else 7
    title = "Weekly briefing" if briefing.weekly else "Briefing"
    lines = [f"📋 <b>{title}</b> · {escape(format_instant(briefing.now, zone))}", ""]
    if briefing.upcoming:
        lines.append(f"<b>Next {days} days</b>")
        for item in briefing.upcoming:
            lines += _item_lines(item, zone=zone, meta=meta, since=briefing.since)
        if briefing.more_upcoming:
            lines.append(f"… and {briefing.more_upcoming} more: /upcoming lists them.")
    else:
        lines.append(f"No events in the next {days} days.")
    if briefing.changes:
        lines += ["", f"<b>Changed since {escape(format_instant(briefing.since, zone))}</b>"]
        lines += [_change_line(change, zone=zone) for change in briefing.changes]
        if briefing.more_changes:
            lines.append(f"… and {briefing.more_changes} more: /upcoming lists them.")
    lines += ["", "/briefing changes when this comes; /briefing off stops it."]
    return "\n".join(lines)


def _described(setting: BriefingSetting) -> str:
    if setting.weekday is None:
        return f"every day at <b>{setting.at:%H:%M}</b>"
    return f"every <b>{_DAYS[setting.weekday]}</b> at <b>{setting.at:%H:%M}</b>"


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
        head = "Briefings stopped." if changed else "No briefing."
        return "\n".join(
            [
                f"{head} A briefing lists the coming week's events, what changed since the "
                "last one, and the news about them.",
                f"Daily: <code>{DAILY_EXAMPLE}</code> · weekly: <code>{WEEKLY_EXAMPLE}</code> "
                f"(times in {escape(zone)}, this chat's zone; /tz changes it)",
            ]
        )
    lines = [
        f"{'✅ Briefing set' if changed else 'Briefing'}: "
        f"<code>/briefing {escape(setting.render())}</code>",
        f"It comes {_described(setting)} ({escape(zone)}) when there is something to tell.",
    ]
    due = next_due(setting, sent, now, zone)
    when = "now" if due == now else format_instant(due, zone)
    lines.append(f"The next one: {escape(when)}.")
    if quiet_hours is not None and quiet_hours.is_quiet(due, zone):
        lines.append(
            f"That is in this chat's quiet hours ({escape(quiet_hours.render())}): it comes "
            "when they end, if that is the same day."
        )
    lines.append("/briefing off stops it.")
    return "\n".join(lines)
