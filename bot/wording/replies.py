"""The words of command replies, in Telegram's HTML subset; every outside string escaped."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from html import escape

from bot.wording.notices import event_lines
from calendars.events import Event
from calendars.ical.render import FeedMeta
from calendars.links import GOOGLE_ADD_BY_URL, subscribe_links
from calendars.subscribers import Subscriber
from calendars.time.offsets import describe_offsets
from calendars.time.timefmt import format_instant, format_relative, format_until

__all__ = [
    "calendar_links",
    "event_details",
    "feed_status",
    "help_text",
    "settings_summary",
    "upcoming_list",
    "welcome",
]

USER_COMMANDS = (
    ("start", "subscribe this chat to reminders"),
    ("upcoming", "next events, optionally of one topic: /upcoming sco"),
    ("event", "details of one event: /event putin-new-delhi-2025"),
    ("calendar", "links to add the calendar to Google, Apple or Outlook"),
    ("topics", "choose the topics this chat follows"),
    ("subscribe", "follow a topic: /subscribe india-russia"),
    ("unsubscribe", "stop following a topic: /unsubscribe energy"),
    ("tz", "your time zone: /tz Asia/Kolkata"),
    ("remind", "when to remind: /remind 7d 1d 2h 30m, or /remind off"),
    ("addchannel", "send reminders to a channel: /addchannel @name"),
    ("stop", "unsubscribe and forget this chat's settings"),
    ("help", "this list"),
)
ADMIN_COMMANDS = (
    ("addevent", "add an event (no arguments: a guided dialogue)"),
    ("editevent", 'change fields: /editevent <id> location="…" status=tentative'),
    ("cancelevent", "cancel an event; subscribers are told"),
    ("importics", "import an .ics file (attach it) or URL [tz=Area/City for zoneless times]"),
    ("broadcast", "send a message to every subscriber"),
    ("stats", "subscribers, events and deliveries"),
    ("feeds", "news feeds and their health"),
    ("addfeed", "watch a news feed: /addfeed <url> [topics…] [backfill]"),
    ("rmfeed", "stop watching a feed: /rmfeed <id or url>"),
    ("importopml", "add the feeds of an OPML file (attach it)"),
    ("exportopml", "the watched feeds as an OPML file"),
)


def _link(url: str, text: str) -> str:
    return f'<a href="{escape(url, quote=True)}">{escape(text)}</a>'


def upcoming_list(events: Sequence[Event], *, zone: str, now: datetime, topic: str | None) -> str:
    scope = f" in <b>{escape(topic)}</b>" if topic else ""
    if not events:
        return f"No upcoming events{scope}. /calendar has the feed with past events too."
    blocks = [f"Upcoming events{scope} (times in {escape(zone)}):"]
    for event in events:
        lines = event_lines(event, zone)
        status = " (tentative)" if event.status.value == "tentative" else ""
        lines[0] += f"{status} — {escape(format_until(event, now))}"
        lines.append(f"id <code>{escape(event.id)}</code> · /event {escape(event.id)}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def event_details(event: Event, *, zone: str, now: datetime, meta: FeedMeta) -> str:
    lines = event_lines(event, zone)
    if event.cancelled:
        lines[0] = f"<s>{lines[0]}</s> — <b>cancelled</b>"
    elif not event.has_begun(now):
        lines[0] += f" — starts {escape(format_until(event, now))}"
    if event.description:
        lines += ["", escape(event.description)]
    if event.tags:
        lines.append("Topics: " + ", ".join(escape(t) for t in event.tags))
    if event.urls:
        lines += ["Sources:", *(_link(url, url) for url in event.urls)]
    if event.coverage:
        lines += ["Related coverage:", *coverage_lines(event, zone=zone)]
    ics = _link(meta.event_ics_url(event.id), "Add to calendar (.ics)")
    lines.append(f"{ics} · id <code>{escape(event.id)}</code>")
    return "\n".join(lines)


def feed_status(feed: dict[str, object], *, now: datetime, failing: bool) -> str:
    """One feed in /feeds: health, last success or error, items seen, next poll."""
    name = escape(str(feed.get("title") or feed["url"]))
    head = f"{'⚠️' if failing else '✅'} <b>{name}</b> · <code>{escape(str(feed['id']))}</code>"
    lines = [head, escape(str(feed["url"]))]
    if feed.get("tags"):
        lines.append("Topics: " + escape(", ".join(map(str, feed["tags"]))))  # type: ignore[call-overload]
    if feed.get("last_success"):
        success = datetime.fromisoformat(str(feed["last_success"]))
        lines.append(
            f"Last success {format_relative(success, now)}, {feed.get('items_seen', 0)} items seen"
        )
    elif not feed.get("last_error"):
        lines.append("Not polled yet")
    if feed.get("errors") and feed.get("last_error"):
        when = datetime.fromisoformat(str(feed["last_error_at"]))
        lines.append(
            f"{'Failing' if failing else 'Last error'} ({feed['errors']} in a row, "
            f"{format_relative(when, now)}): {escape(str(feed['last_error']))}"
        )
    if feed.get("warning"):
        lines.append(f"Warning: {escape(str(feed['warning']))}")
    next_poll = datetime.fromisoformat(str(feed["next_poll"]))
    lines.append(f"Next poll {format_relative(next_poll, now)}")
    return "\n".join(lines)


def coverage_lines(event: Event, *, zone: str, limit: int = 5) -> list[str]:
    lines = []
    for item in event.coverage[:limit]:
        when = f" · {escape(format_instant(item.published, zone))}" if item.published else ""
        source = f" — {escape(item.source)}" if item.source else ""
        lines.append(f"• {_link(item.url, item.title)}{source}{when}")
    return lines


def calendar_links(meta: FeedMeta, *, topics: Sequence[str]) -> str:
    base = meta.public_url.rstrip("/")
    links = subscribe_links(f"{base}/calendar.ics", name=meta.name)
    lines = [
        "<b>Add the SummitWatch calendar</b>",
        f"Feed URL: <code>{escape(links.https)}</code>",
        f"• Apple / Thunderbird: {_link(links.webcal, 'subscribe (webcal)')}",
        f"• Google: {_link(links.google, 'add')} — or paste the feed URL at "
        f"{_link(GOOGLE_ADD_BY_URL, 'Settings → Add calendar → From URL')}",
        f"• Outlook: {_link(links.outlook, 'Outlook.com')} · "
        f"{_link(links.outlook_work, 'Microsoft 365')}",
        "Google refreshes subscribed calendars only every few hours; reminders here are immediate.",
    ]
    if topics:
        lines.append("")
        lines.append("Feeds of the topics this chat follows:")
        for topic in topics:
            topic_links = subscribe_links(
                f"{base}/calendar/{topic}.ics", name=f"{meta.name} — {topic}"
            )
            lines.append(
                f"• {escape(topic)}: <code>{escape(topic_links.https)}</code> "
                f"({_link(topic_links.webcal, 'webcal')} · {_link(topic_links.google, 'Google')})"
            )
    return "\n".join(lines)


def settings_summary(subscriber: Subscriber, *, default_offsets: Sequence[timedelta]) -> str:
    offsets = subscriber.offsets if subscriber.offsets is not None else default_offsets
    topics = (
        "all topics"
        if subscriber.topics is None
        else ", ".join(sorted(subscriber.topics)) or "no topics"
    )
    return (
        f"Time zone: <b>{escape(subscriber.zone)}</b> (/tz to change)\n"
        f"Reminders: <b>{escape(describe_offsets(offsets))}</b> (/remind to change)\n"
        f"Following: <b>{escape(topics)}</b> (/topics to change)"
    )


def welcome(
    subscriber: Subscriber,
    *,
    next_event: Event | None,
    now: datetime,
    meta: FeedMeta,
    default_offsets: Sequence[timedelta],
    new: bool,
) -> str:
    head = "Welcome to <b>SummitWatch</b>!" if new else "This chat is already subscribed."
    lines = [
        head,
        "I track summits, state visits and diplomatic meetings, remind you before they start "
        "and publish them as a calendar you can subscribe to.",
        "",
        settings_summary(subscriber, default_offsets=default_offsets),
        "",
    ]
    if next_event is not None:
        lines += ["Next event:", *event_lines(next_event, subscriber.zone)]
        lines.append(
            f"starts {escape(format_until(next_event, now))} · /event {escape(next_event.id)}"
        )
    else:
        lines.append("No upcoming events right now; I will remind you when one is added.")
    base = meta.public_url.rstrip("/")
    lines += [
        "",
        f"Calendar: {_link(base + '/calendar.ics', base + '/calendar.ics')} "
        "(/calendar for Google, Apple, Outlook)",
        "/help lists all commands.",
    ]
    return "\n".join(lines)


def help_text(*, is_admin: bool) -> str:
    lines = ["<b>SummitWatch commands</b>"] + [
        f"/{name} — {escape(text)}" for name, text in USER_COMMANDS
    ]
    if is_admin:
        lines += ["", "<b>Admin</b>"] + [
            f"/{name} — {escape(text)}" for name, text in ADMIN_COMMANDS
        ]
    return "\n".join(lines)
