"""The words of command replies, in Telegram's HTML subset; every outside string escaped."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from html import escape

from bot.news.sources import OpmlImport
from bot.services.stats import InstanceStats
from bot.wording.lifecycle import change_lines, status_line, status_word
from bot.wording.local_time import is_shared
from bot.wording.notices import event_lines
from bot.wording.polling import error_lines
from bot.wording.telegram_html import link
from calendars.events import Event
from calendars.i18n import LANGUAGE_NAMES, N_, _, current_language
from calendars.ical.feeds import calendar_title
from calendars.ical.personal import private_feed_url
from calendars.ical.render import CalendarMeta
from calendars.language_choice import feed_in_language
from calendars.links import GOOGLE_ADD_BY_URL, SubscribeLinks, subscribe_links
from calendars.news.sources import NewsSource
from calendars.subscribers import Subscriber
from calendars.time.offsets import describe_offsets
from calendars.time.timefmt import format_instant, format_relative, format_until
from calendars.time.wallclock import time_notes as wall_clock_notes
from calendars.translations import localized

__all__ = [
    "calendar_links",
    "event_details",
    "help_text",
    "opml_report",
    "private_calendar",
    "settings_summary",
    "source_status",
    "stats_text",
    "time_notes",
    "upcoming_list",
    "welcome",
]


def upcoming_list(
    events: Sequence[Event], *, zone: str, now: datetime, topic: str | None, shared: bool = False
) -> str:
    lang, shown_zone = current_language(), escape(zone)
    if not events and topic:
        return _(
            "No upcoming events in {topic}. /calendar has the feed with past events too.",
            topic=f"<b>{escape(topic)}</b>",
        )
    if not events:
        return _("No upcoming events. /calendar has the feed with past events too.")
    if topic:
        head = _(
            "Upcoming events in {topic} (times in {zone}):",
            topic=f"<b>{escape(topic)}</b>",
            zone=shown_zone,
        )
    else:
        head = _("Upcoming events (times in {zone}):", zone=shown_zone)
    blocks = [head]
    for event in events:
        lines = event_lines(event, zone, shared=shared, now=now)
        status = "" if event.status.value == "confirmed" else f" ({status_word(event.status)})"
        lines[0] += f"{status} — {escape(format_until(event, now, lang))}"
        lines.append(f"id <code>{escape(event.id)}</code> · /event {escape(event.id)}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def event_details(
    event: Event, *, zone: str, now: datetime, meta: CalendarMeta, shared: bool = False
) -> str:
    event = localized(event, current_language())
    lines = event_lines(event, zone, shared=shared, now=now)
    if event.cancelled:
        lines[0] = f"<s>{lines[0]}</s> — <b>{escape(status_word(event.status))}</b>"
    elif not event.has_begun(now):
        until = escape(format_until(event, now, current_language()))
        lines[0] += " — " + _("starts {until}", until=until)
    lines.append(status_line(event))
    if event.description:
        lines += ["", escape(event.description)]
    if event.history:
        recent = _("Recent changes (/history for all):")
        lines += [recent, *change_lines(event, zone=zone, last=3)]
    if event.tags:
        lines.append(_("Topics: {topics}", topics=", ".join(escape(t) for t in event.tags)))
    if event.urls:
        lines += [_("Sources:"), *(link(url, url) for url in event.urls)]
    if event.coverage:
        lines += [_("Related coverage:"), *coverage_lines(event, zone=zone)]
    ics = link(meta.event_ics_url(event.id), _("Add to calendar (.ics)"))
    if not event.dated:
        ics = link(meta.event_ics_url(event.id), _("its .ics"))
        ics = _(
            "Not in the calendar feed until the day is announced ({ics} fills in then)", ics=ics
        )
    lines.append(f"{ics} · id <code>{escape(event.id)}</code>")
    return "\n".join(lines)


def source_status(source: NewsSource, *, now: datetime) -> str:
    """One news source in /feeds: health, last success or error, items seen, next poll."""
    lang = current_language()
    head = (
        f"{'⚠️' if source.failing else '✅'} <b>{escape(source.name)}</b> · "
        f"<code>{escape(source.id)}</code>"
    )
    lines = [head, escape(source.url)]
    if source.tags:
        lines.append(_("Topics: {topics}", topics=escape(", ".join(source.tags))))
    if source.last_success:
        lines.append(
            _(
                "Last success {when}, {count} items seen",
                when=format_relative(source.last_success, now, lang),
                count=source.items_seen,
            )
        )
    elif not source.last_error:
        lines.append(_("Not polled yet"))
    lines += error_lines(source, now=now)
    if source.warning:
        lines.append(_("Warning: {warning}", warning=escape(source.warning)))
    lines.append(_("Next poll {when}", when=format_relative(source.next_poll, now, lang)))
    return "\n".join(lines)


# Telegram's chat types, as /stats counts subscribers by them.
_CHAT_KINDS = {
    "private": N_("private"),
    "group": N_("group"),
    "supergroup": N_("supergroup"),
    "channel": N_("channel"),
}


def stats_text(stats: InstanceStats, *, now: datetime) -> str:
    lang = current_language()
    by_kind = ", ".join(
        f"{_(_CHAT_KINDS[kind]) if kind in _CHAT_KINDS else kind} {count}"
        for kind, count in sorted(stats.subscribers_by_kind.items())
    ) or _("none")
    deliveries, news = stats.deliveries, stats.news
    last = news.last_cycle
    polled = (
        _("last poll {when}", when=format_relative(last, now, lang))
        if last
        else _("not polled yet")
    )
    return "\n".join(
        [
            "<b>" + escape(_("SummitWatch statistics")) + "</b>",
            _("Subscribers: {count} ({kinds})", count=stats.subscribers, kinds=escape(by_kind)),
            _(
                "Events: {count} ({upcoming} upcoming, {cancelled} cancelled)",
                count=stats.events,
                upcoming=stats.upcoming,
                cancelled=stats.cancelled,
            ),
            _(
                "Messages: {sent} sent, {failed} failed, {gone} to chats that were gone, "
                "{skipped} reminders skipped",
                sent=deliveries.get("sent", 0),
                failed=deliveries.get("failed", 0),
                gone=deliveries.get("gone", 0),
                skipped=deliveries.get("skipped", 0),
            ),
            _(
                "News: {count} feeds ({failing} failing), {articles} articles kept, {polled}",
                count=news.sources,
                failing=news.failing,
                articles=news.articles,
                polled=polled,
            ),
        ]
    )


def opml_report(report: OpmlImport) -> str:
    lines = [
        _(
            "Added {added} feeds, skipped {skipped}. New feeds are polled within a minute.",
            added=report.added,
            skipped=len(report.skipped),
        )
    ]
    lines += [f"• {escape(s)}" for s in report.skipped[:20]]
    return "\n".join(lines)


def coverage_lines(event: Event, *, zone: str, limit: int = 5) -> list[str]:
    lines = []
    for item in event.coverage[:limit]:
        published = item.published
        when = (
            f" · {escape(format_instant(published, zone, current_language()))}" if published else ""
        )
        source = f" — {escape(item.source)}" if item.source else ""
        lines.append(f"• {link(item.url, item.title)}{source}{when}")
    return lines


def _subscribe_line(links: SubscribeLinks) -> str:
    webcal = link(links.webcal, _("subscribe (webcal)"))
    google = link(links.google, _("add"))
    by_url = link(GOOGLE_ADD_BY_URL, _("Settings → Add calendar → From URL"))
    return (
        f"• Apple / Thunderbird: {webcal}\n"
        "• Google: "
        + _("{add} — or paste the feed URL at {settings}", add=google, settings=by_url)
        + "\n"
        f"• Outlook: {link(links.outlook, 'Outlook.com')} · "
        f"{link(links.outlook_work, 'Microsoft 365')}"
    )


def private_calendar(meta: CalendarMeta, *, feed_token: str | None, reset: bool) -> list[str]:
    """The chat's own feed: its secret URL, how to add it, and how to revoke it."""
    if feed_token is None:
        return [
            _("Send /start, then /calendar again, for a private calendar of this chat's topics.")
        ]
    lang = current_language()
    links = subscribe_links(
        feed_in_language(private_feed_url(meta.public_url, feed_token), lang),
        name=_("{name} (this chat)", name=meta.name),
    )
    title = escape(_("This chat's private calendar"))
    head = _("{title} (the topics it follows)", title=f"<b>{title}</b>")
    if reset:
        title = escape(_("New private calendar link"))
        head = _("{title}: the old one no longer works.", title=f"<b>{title}</b>")
    return [
        head,
        _("Feed URL: {url}", url=f"<code>{escape(links.https)}</code>"),
        _subscribe_line(links),
        _(
            "Keep the link to yourselves: anyone with it sees what this chat follows. "
            "/calendar reset makes a new link and turns this one off."
        ),
    ]


def calendar_links(
    meta: CalendarMeta,
    *,
    topics: Sequence[str],
    feed_token: str | None = None,
    reset: bool = False,
) -> str:
    base, lang = meta.public_url.rstrip("/"), current_language()
    links = subscribe_links(
        feed_in_language(f"{base}/calendar.ics", lang), name=calendar_title(meta.name, lang)
    )
    title = escape(_("Add the SummitWatch calendar"))
    lines = [
        *private_calendar(meta, feed_token=feed_token, reset=reset),
        "",
        _("{title} (every event)", title=f"<b>{title}</b>"),
        _("Feed URL: {url}", url=f"<code>{escape(links.https)}</code>"),
        _subscribe_line(links),
        _(
            "Google refreshes subscribed calendars only every few hours; "
            "reminders here are immediate."
        ),
    ]
    if topics:
        lines.append("")
        lines.append(_("Feeds of the topics this chat follows:"))
        for topic in topics:
            topic_links = subscribe_links(
                feed_in_language(f"{base}/calendar/{topic}.ics", lang),
                name=calendar_title(meta.name, lang, topic),
            )
            lines.append(
                f"• {escape(topic)}: <code>{escape(topic_links.https)}</code> "
                f"({link(topic_links.webcal, 'webcal')} · {link(topic_links.google, 'Google')})"
            )
    return "\n".join(lines)


def settings_summary(subscriber: Subscriber, *, default_offsets: Sequence[timedelta]) -> str:
    offsets = subscriber.offsets if subscriber.offsets is not None else default_offsets
    topics = (
        _("all topics")
        if subscriber.topics is None
        else ", ".join(sorted(subscriber.topics)) or _("no topics")
    )
    reminders = describe_offsets(offsets, current_language())
    return "\n".join(
        [
            _("Time zone: {zone} (/tz to change)", zone=f"<b>{escape(subscriber.zone)}</b>"),
            _("Reminders: {offsets} (/remind to change)", offsets=f"<b>{escape(reminders)}</b>"),
            _("Following: {topics} (/topics to change)", topics=f"<b>{escape(topics)}</b>"),
            _(
                "Language: {language} (/lang to change)",
                language=f"<b>{escape(LANGUAGE_NAMES[subscriber.language])}</b>",
            ),
        ]
    )


FORUM_TOPIC_NOTE = N_(
    "This forum topic has a subscription of its own: its topics, time zone and reminders "
    "(the group's other topics and General are set up apart)."
)


def welcome(
    subscriber: Subscriber,
    *,
    next_event: Event | None,
    now: datetime,
    meta: CalendarMeta,
    default_offsets: Sequence[timedelta],
    new: bool,
) -> str:
    if new:
        head = _("Welcome to {name}!", name="<b>SummitWatch</b>")
    elif subscriber.thread_id is not None:
        head = _("This topic is already subscribed.")
    else:
        head = _("This chat is already subscribed.")
    lines = [
        head,
        *([_(FORUM_TOPIC_NOTE)] if subscriber.thread_id is not None and new else []),
        _(
            "I track summits, state visits and diplomatic meetings, remind you before they "
            "start and publish them as a calendar you can subscribe to."
        ),
        "",
        settings_summary(subscriber, default_offsets=default_offsets),
        "",
    ]
    if next_event is not None:
        shared = is_shared(subscriber.kind)
        lines += [
            _("Next event:"),
            *event_lines(next_event, subscriber.zone, shared=shared, now=now),
        ]
        until = escape(format_until(next_event, now, current_language()))
        lines.append(_("starts {until}", until=until) + f" · /event {escape(next_event.id)}")
    else:
        lines.append(_("No upcoming events right now; I will remind you when one is added."))
    base = meta.public_url.rstrip("/")
    feed = link(base + "/calendar.ics", base + "/calendar.ics")
    lines += [
        "",
        _("Calendar: {link} (/calendar for Google, Apple, Outlook)", link=feed),
        _("/help lists all commands."),
    ]
    return "\n".join(lines)


def time_notes(event: Event) -> str:
    """Which pass of a repeated hour was taken, and legacy-zone warnings, for the admin."""
    notes = wall_clock_notes(event.start, event.end, event.timezone)
    if not event.dated:
        known = _KNOWN_ONLY.get(event.precision.value, _KNOWN_ONLY["month"])
        notes.append(_(known, command=f"/editevent {event.id} when=YYYY-MM-DD"))
    return "".join(f"\nℹ️ {escape(note)}" for note in notes)


_KNOWN_ONLY = {
    "month": N_(
        "Known only to the month: no reminders and not in calendar feeds until it has a day "
        "({command})."
    ),
    "year": N_(
        "Known only to the year: no reminders and not in calendar feeds until it has a day "
        "({command})."
    ),
}


def help_text(commands: Sequence[tuple[str, str]], admin: Sequence[tuple[str, str]]) -> str:
    """``commands`` for everyone; ``admin`` (empty unless the reader is an admin) below them."""
    lines = ["<b>" + escape(_("SummitWatch commands")) + "</b>"] + [
        f"/{name} — {escape(text)}" for name, text in commands
    ]
    if admin:
        lines += ["", "<b>" + escape(_("Admin")) + "</b>"]
        lines += [f"/{name} — {escape(text)}" for name, text in admin]
    return "\n".join(lines)
