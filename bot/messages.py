"""The words of reminders and notices, in Telegram's HTML subset, escaped."""

from __future__ import annotations

from datetime import datetime
from html import escape

from bot.delivery import Outgoing
from calendars.events import Event
from calendars.ical import FeedMeta
from calendars.reminders import Reminder
from calendars.timefmt import format_event_when, format_until

__all__ = ["event_lines", "reminder_message"]


def event_lines(event: Event, zone: str) -> list[str]:
    """Title, time in the reader's zone, and place: the core of every message about an event."""
    lines = [f"<b>{escape(event.title)}</b>", f"🗓 {escape(format_event_when(event, zone))}"]
    if event.location:
        lines.append(f"📍 {escape(event.location)}")
    return lines


def reminder_message(reminder: Reminder, *, now: datetime, meta: FeedMeta) -> Outgoing:
    event, zone = reminder.event, reminder.subscriber.zone
    head, *rest = event_lines(event, zone)
    ics = escape(meta.event_ics_url(event.id), quote=True)
    lines = [
        f"⏰ {head} starts {escape(format_until(event, now))}",
        *rest,
        f'<a href="{ics}">Add to your calendar (.ics)</a> · id <code>{escape(event.id)}</code>',
    ]
    return Outgoing("\n".join(lines))
