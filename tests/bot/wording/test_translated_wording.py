"""Every message about an event shows its translated title and place in the chat's
language, escaped as the originals are, and Telegram accepts it whatever they say."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from html import escape

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from bot.wording.briefings import briefing_message
from bot.wording.cards import event_card
from bot.wording.lifecycle import change_notice, followed_list, history_text
from bot.wording.notices import reminder_message, split_message
from bot.wording.replies import event_details, upcoming_list
from calendars.briefing_content import Briefing, BriefingItem, EventChange
from calendars.errors import InvalidInput
from calendars.events import Event
from calendars.i18n import speaking
from calendars.ical.render import CalendarMeta
from calendars.reminders import Reminder
from calendars.subscribers import Subscriber
from calendars.translations import Translations
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


def talks(**fields: object) -> Event:
    start = NOW + timedelta(days=3)
    return Event(
        id="talks",
        title="Modi–Putin talks",
        location="Hyderabad House",
        description="Annual summit.",
        start=start,
        end=start + timedelta(hours=2),
        timezone="Asia/Kolkata",
        **fields,  # type: ignore[arg-type]
    )


def messages(event: Event, lang: str) -> list[str]:
    """What a chat speaking ``lang`` is sent about ``event``, every kind of message."""
    chat = Subscriber(id="42", kind="channel", zone="Europe/Moscow", language=lang)
    moved = event.revised(by="telegram:1", now=NOW, status="postponed")
    briefing = Briefing(
        now=NOW,
        since=NOW - timedelta(days=1),
        until=NOW + timedelta(days=7),
        upcoming=(BriefingItem(event, (), 0),),
        changes=(EventChange(moved, "edited", ("status",)),),
        weekly=False,
    )
    with speaking(lang):
        card = event_card(event, META, now=NOW)
        return [
            reminder_message(Reminder(event, chat, timedelta(hours=1)), now=NOW, meta=META).html,
            change_notice(event, moved, zone=chat.zone),
            briefing_message(briefing, zone=chat.zone, meta=META),
            history_text(moved, zone=chat.zone),
            followed_list([event], zone=chat.zone),
            upcoming_list([event], zone=chat.zone, now=NOW, topic=None),
            event_details(event, zone=chat.zone, now=NOW, meta=META),
            card.text,
            card.title,
        ]


def test_each_message_shows_the_chats_language_and_the_original_elsewhere() -> None:
    translated = talks(
        translations=Translations.from_mapping(
            {"hi": {"title": "मोदी–पुतिन वार्ता", "location": "हैदराबाद हाउस"}}
        )
    )
    for text in messages(translated, "hi"):
        assert "मोदी–पुतिन वार्ता" in text
        assert "Modi–Putin talks" not in text
    for lang in ("en", "mr", "ru"):  # nothing in their language: the original
        for text in messages(translated, lang):
            assert "Modi–Putin talks" in text
            assert "मोदी" not in text
    (reminder, *_rest) = messages(translated, "hi")
    assert "📍 हैदराबाद हाउस" in reminder.splitlines()


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(["hi", "mr", "ru"]), TEXT, TEXT)
def test_any_translation_is_escaped_and_accepted_by_telegram(
    lang: str, title: str, location: str
) -> None:
    try:
        translations = Translations.from_mapping({lang: {"title": title, "location": location}})
    except InvalidInput:
        assume(False)
        return
    assume(translations.get(lang, "title") is not None)
    shown = translations.get(lang, "title")
    assert shown is not None
    for html in messages(talks(translations=translations), lang)[:-1]:  # the last is plain
        for part in split_message(html):
            check_text(part, "HTML")
    reminder = messages(talks(translations=translations), lang)[0]
    assert f"<b>{escape(shown)}</b>" in reminder
