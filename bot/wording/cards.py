"""An event as a card someone posts into any chat (inline mode): the reader is unknown.

Nobody's zone is known there, so times are in UTC and at the venue. The card is built
here, apart from the handler, so its wording (say, a line of several clocks) can change
in one place.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from bot.wording.lifecycle import STATUS_LABELS
from calendars.events import Event, Status
from calendars.follows import follow_data
from calendars.ical.render import CalendarMeta
from calendars.links import is_public_url
from calendars.time.timefmt import format_event_when, format_instant

__all__ = ["EventCard", "event_card"]

_DESCRIPTION_LIMIT = 200


@dataclass(frozen=True, slots=True)
class EventCard:
    """``title`` and ``description`` (plain text) show in the list of results; ``text``
    (HTML) is the message posted; ``buttons`` are (label, URL) pairs under it, and
    ``follow`` the callback data of its "Follow" button."""

    title: str
    description: str
    text: str
    buttons: tuple[tuple[str, str], ...]
    follow: str = ""


def _when(event: Event) -> str:
    """The time in UTC, then at the venue (dates alone for all-day events)."""
    return format_event_when(event, "UTC")


def _short_when(event: Event) -> str:
    if event.all_day:
        return format_event_when(event, event.timezone)
    return format_instant(event.starts_at, "UTC")


def event_card(event: Event, meta: CalendarMeta) -> EventCard:
    page, ics = meta.event_page_url(event.id), meta.event_ics_url(event.id)
    title = f"<b>{escape(event.title)}</b>"
    if event.cancelled:
        title = f"<s>{title}</s>"
    lines = [title, f"🗓 {escape(_when(event))}"]
    if event.location:
        lines.append(f"📍 {escape(event.location)}")
    lines.append(f"Status: {STATUS_LABELS[event.status]}")
    buttons: tuple[tuple[str, str], ...] = ()
    if is_public_url(page):
        buttons = (("Event page", page), ("Add to calendar (.ics)", ics))
    else:  # Telegram refuses buttons to local addresses; links in the text still work
        lines.append(
            f'<a href="{escape(page, quote=True)}">Event page</a> · '
            f'<a href="{escape(ics, quote=True)}">Add to calendar (.ics)</a>'
        )
    status = "" if event.status is Status.CONFIRMED else f"{event.status.value} · "
    place = f" · {event.location}" if event.location else ""
    description = f"{status}{_short_when(event)}{place}"
    if len(description) > _DESCRIPTION_LIMIT:
        description = description[: _DESCRIPTION_LIMIT - 1] + "…"
    return EventCard(event.title, description, "\n".join(lines), buttons, follow_data(event.id))
