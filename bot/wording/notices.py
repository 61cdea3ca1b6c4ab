"""The words of reminders and notices, in Telegram's HTML subset, escaped."""

from __future__ import annotations

from datetime import datetime
from html import escape

from bot.delivery.notifier import Outgoing
from bot.wording.local_time import is_shared, your_time_line
from bot.wording.telegram_html import link, split_message
from calendars.events import Event
from calendars.i18n import _, current_language, ngettext
from calendars.ical.render import CalendarMeta
from calendars.news.articles import Article
from calendars.reminders import Reminder
from calendars.time.clocks import event_clocks
from calendars.time.timefmt import format_instant, format_until
from calendars.translations import localized

__all__ = [
    "article_notice",
    "digest_notice",
    "event_lines",
    "quiet_digest_notice",
    "reminder_message",
    "split_message",
]


def event_lines(
    event: Event, zone: str, *, shared: bool = False, now: datetime | None = None
) -> list[str]:
    """Title, the clocks line (the chat's zone, the venue's, UTC), and place: the core of
    every message about an event. A ``shared`` chat (channel, group) also gets the start as
    an entity each reader's app shows on their own clock, when ``now`` allows it."""
    event = localized(event, current_language())
    clocks = event_clocks(event, zone, current_language())
    lines = [f"<b>{escape(event.title)}</b>", f"🗓 {escape(clocks)}"]
    if shared and now is not None and (yours := your_time_line(event, now=now)):
        lines.append(yours)
    if event.location:
        lines.append(f"📍 {escape(event.location)}")
    return lines


def _title(event: Event) -> str:
    """The event's title in the chat's language, where an admin translated it."""
    return localized(event, current_language()).title


def _byline(article: Article, zone: str) -> str:
    parts = [escape(article.source)] if article.source else []
    if article.published is not None:
        parts.append(escape(format_instant(article.published, zone, current_language())))
    return " · ".join(parts)


_LINK_AS_TITLE = 120  # an untitled article shows this much of its address


def _headline(article: Article) -> str:
    """The title, linked; an address over ``MAX_LINK_URL`` is not linked at all."""
    return link(article.link, article.title or _shortened(article.link, _LINK_AS_TITLE))


def _shortened(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def article_notice(article: Article, events: list[Event], *, zone: str) -> str:
    """One new article about events the chat follows."""
    lines = [f"📰 {_headline(article)}"]
    if byline := _byline(article, zone):
        lines.append(byline)
    if events:
        about = ", ".join(f"{escape(_title(e))} (/event {escape(e.id)})" for e in events)
        lines.append(_("About: {events}", events=about))
    return "\n".join(lines)


def digest_notice(items: list[tuple[Article, list[Event]]], *, zone: str) -> str:
    """Many new articles at once: one message, not a flood."""
    count = len(items)
    lines = [
        "📰 "
        + ngettext(
            "{count} new article about events you follow:",
            "{count} new articles about events you follow:",
            count,
        )
    ]
    for article, _events in items:
        byline = _byline(article, zone)
        lines.append(f"• {_headline(article)}" + (f" — {byline}" if byline else ""))
    return "\n".join(lines)


def reminder_message(reminder: Reminder, *, now: datetime, meta: CalendarMeta) -> Outgoing:
    event, zone = reminder.event, reminder.subscriber.zone
    shared = is_shared(reminder.subscriber.kind)
    head, *rest = event_lines(event, zone, shared=shared, now=now)
    until = escape(format_until(event, now, current_language()))
    lines = ["⏰ " + _("{title} starts {until}", title=head, until=until), *rest]
    ics = link(meta.event_ics_url(event.id), _("Add to your calendar (.ics)"))
    lines.append(f"{ics} · id <code>{escape(event.id)}</code>")
    return Outgoing("\n".join(lines))


QUIET_DIGEST_MAX = 40  # more would be a wall of links; the events' pages list them all


def quiet_digest_notice(items: list[tuple[Article, list[Event]]], *, zone: str) -> str:
    """What arrived during a chat's quiet hours: one message when they end."""
    count = len(items)
    lines = [
        "🌙 "
        + ngettext(
            "While this chat was quiet: {count} new article about events you follow:",
            "While this chat was quiet: {count} new articles about events you follow:",
            count,
        )
    ]
    for article, events in items[:QUIET_DIGEST_MAX]:
        byline = _byline(article, zone)
        about = " · ".join(f"/event {escape(e.id)}" for e in events[:3])
        extra = " — ".join(part for part in (byline, about) if part)
        lines.append(f"• {_headline(article)}" + (f" — {extra}" if extra else ""))
    if len(items) > QUIET_DIGEST_MAX:
        more = len(items) - QUIET_DIGEST_MAX
        lines.append(_("… and {count} more: see /event pages.", count=more))
    return "\n".join(lines)
