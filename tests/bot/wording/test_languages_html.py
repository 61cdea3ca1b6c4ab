"""In every language, whatever the events say, each message is HTML Telegram accepts."""

from __future__ import annotations

import string
from datetime import UTC, datetime, timedelta
from html import escape

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from bot.wording.briefings import briefing_message
from bot.wording.lifecycle import change_notice, followed_list, history_text
from bot.wording.notices import reminder_message, split_message
from bot.wording.replies import help_text, welcome
from calendars.briefing_content import Briefing, BriefingItem, EventChange
from calendars.errors import InvalidInput
from calendars.events import Event
from calendars.i18n import LANGUAGES, gettext_in, ngettext_in, speaking
from calendars.ical.render import CalendarMeta
from calendars.reminders import Reminder
from calendars.subscribers import Subscriber
from handlers.commands import COMMANDS
from tests.calendars.test_i18n import catalog, fields, template
from tests.fakes.telegram_rules import check_text

NOW = datetime(2026, 12, 1, 8, tzinfo=UTC)
META = CalendarMeta(public_url="https://cal.example.org")
TEXT = st.text(
    alphabet=st.one_of(
        st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")),
        st.sampled_from("&<>\"'{}%😀 "),
    ),
    min_size=1,
    max_size=200,
)
ZONES = st.sampled_from(["UTC", "Asia/Kolkata", "Europe/Moscow", "America/St_Johns"])
LANGUAGE = st.sampled_from(LANGUAGES)
DESCRIPTIONS = {command.description for command in COMMANDS}


def accepted(html: str) -> None:
    """Every part the message is sent as passes the fake Bot API's checks."""
    for part in split_message(html):
        check_text(part, "HTML")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(LANGUAGE, TEXT, TEXT, TEXT, ZONES, st.integers(min_value=1, max_value=3 * 24 * 60))
def test_event_messages_in_any_language_are_accepted_html(
    lang: str, title: str, location: str, note: str, zone: str, minutes: int
) -> None:
    start = NOW + timedelta(minutes=minutes)
    try:
        event = Event(
            id="talks",
            title=title,
            location=location,
            start=start,
            end=start + timedelta(hours=2),
            timezone="Asia/Kolkata",
        )
        moved = event.revised(by="telegram:1", now=NOW, location=location[::-1] or "x", note=note)
    except (InvalidInput, ValueError):
        assume(False)
        return
    chat = Subscriber(id="42", kind="channel", zone=zone, language=lang)
    with speaking(lang):
        reminder = reminder_message(Reminder(event, chat, timedelta(hours=1)), now=NOW, meta=META)
        briefing = Briefing(
            now=NOW,
            since=NOW - timedelta(days=1),
            until=NOW + timedelta(days=14),
            upcoming=(BriefingItem(event, (), 0),),
            changes=(EventChange(moved, "edited", ("place", "time")),),
            more_upcoming=3,
            more_changes=2,
            weekly=True,
        )
        messages = [
            reminder.html,
            change_notice(event, moved, zone=zone, why=moved.history, shared=True),
            briefing_message(briefing, zone=zone, meta=META),
            welcome(chat, next_event=event, now=NOW, meta=META, default_offsets=(), new=True),
            history_text(moved, zone=zone),
            followed_list([event, moved], zone=zone),
            help_text([("start", title)], [("stats", location)]),
        ]
    for html in messages:
        accepted(html)


@settings(max_examples=100, deadline=None)
@given(LANGUAGE, st.data())
def test_every_catalog_message_with_any_escaped_values_is_accepted_html(
    lang: str, data: st.DataObject
) -> None:
    """Each message of the catalog, its placeholders filled with any (escaped) text; the
    command descriptions are plain text (menus, and escaped in /help), within the menu's
    256 characters."""
    messages = [m for m in (catalog(lang) if lang != "en" else template()) if m.id]
    message = data.draw(st.sampled_from(messages))
    singular = message.id if isinstance(message.id, str) else message.id[0]
    plural = not isinstance(message.id, str)  # its {count} is the number itself
    names = fields(singular) - ({"count"} if plural else set())
    values = {name: escape(data.draw(TEXT)) for name in names}
    if isinstance(message.id, str):
        text = gettext_in(lang, singular, **values)
    else:
        count = data.draw(st.integers(min_value=0, max_value=10**6))
        text = ngettext_in(lang, singular, message.id[1], count, **values)
    assert not set(text) & set(string.whitespace) - {" ", "\n"}
    if singular in DESCRIPTIONS:
        assert 1 <= len(text) <= 256
        assert "\n" not in text
        text = escape(text)
    accepted(text)


def test_a_long_message_in_each_language_is_split_within_telegrams_limit() -> None:
    events = [
        Event(
            id=f"e{number}",
            title="Саммит ШОС " * 15,
            start=NOW + timedelta(days=1),
            end=NOW + timedelta(days=1, hours=2),
            timezone="Europe/Moscow",
        )
        for number in range(60)
    ]
    for lang in LANGUAGES:
        with speaking(lang):
            html = followed_list(events, zone="Asia/Kolkata")
        parts = split_message(html)
        assert len(parts) > 1
        for part in parts:
            check_text(part, "HTML")
