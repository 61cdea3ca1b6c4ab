"""An event as a card someone posts into any chat (inline mode): the reader is unknown.

Nobody's zone is known there, so times are in UTC and at the venue, and the start is also
an entity each reader's app shows on their own clock. The words are in the asker's language
(their Telegram app's, when it is one of ours): they chose to post it. The card is built
here, apart from the handler, so its wording can change in one place.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from html import escape

from bot.wording.lifecycle import status_line, status_word
from bot.wording.local_time import your_time_line
from bot.wording.telegram_html import link
from calendars.events import Event, Status
from calendars.follows import follow_data
from calendars.i18n import _, current_language
from calendars.ical.render import CalendarMeta
from calendars.links import is_public_url
from calendars.time.clocks import event_clocks, three_clocks
from calendars.time.timefmt import undated_when
from calendars.translations import localized

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
    """The clocks line read in UTC: UTC first, then the venue's clock."""
    return event_clocks(event, "UTC", current_language())


def _short_when(event: Event) -> str:
    """The start without the end: the list of results has little room."""
    lang = current_language()
    if (undated := undated_when(event, lang)) is not None:
        return undated
    end = event.end if event.all_day else None
    return three_clocks(
        event.start, end=end, reader_zone="UTC", venue_zone=event.timezone, lang=lang
    )


def event_card(event: Event, meta: CalendarMeta, *, now: datetime | None = None) -> EventCard:
    """The card; with ``now``, the start also as a ``<tg-time>`` entity when Telegram takes it."""
    event = localized(event, current_language())
    page, ics = meta.event_page_url(event.id), meta.event_ics_url(event.id)
    title = f"<b>{escape(event.title)}</b>"
    if event.cancelled:
        title = f"<s>{title}</s>"
    lines = [title, f"🗓 {escape(_when(event))}"]
    if now is not None and (yours := your_time_line(event, now=now)):
        lines.append(yours)
    if event.location:
        lines.append(f"📍 {escape(event.location)}")
    lines.append(status_line(event))
    buttons: tuple[tuple[str, str], ...] = ()
    calendar = (_("Add to calendar (.ics)"), ics) if event.dated else None
    if not event.dated:
        lines.append(_("Not in the calendar feed until the day is announced."))
    page_label = _("Event page")
    if is_public_url(page):
        buttons = ((page_label, page), *([calendar] if calendar else []))
    else:  # Telegram refuses buttons to local addresses; links in the text still work
        links = [link(page, page_label), *([link(ics, calendar[0])] if calendar else [])]
        lines.append(" · ".join(links))
    status = "" if event.status is Status.CONFIRMED else f"{status_word(event.status)} · "
    place = f" · {event.location}" if event.location else ""
    description = f"{status}{_short_when(event)}{place}"
    if len(description) > _DESCRIPTION_LIMIT:
        description = description[: _DESCRIPTION_LIMIT - 1] + "…"
    return EventCard(event.title, description, "\n".join(lines), buttons, follow_data(event.id))
