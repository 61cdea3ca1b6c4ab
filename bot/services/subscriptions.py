"""Subscriptions: which chats get reminders, in which zone, for which topics, how early.

Every change that alters reminder times re-derives the reminder jobs, so a chat that
asks for "30m" before events is reminded then without a restart.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.delivery.notifier import CONSOLE_ID
from bot.services.follows import FollowResult, follow_event, followed_events
from bot.services.reminders import ReminderService, utc_now
from bot.store import Store
from calendars.briefings import parse_briefing, settled_period
from calendars.errors import InvalidInput, NotFound
from calendars.events import Event, normalise_tag
from calendars.i18n import DEFAULT_LANGUAGE, _, language_of, parse_language
from calendars.ical.personal import FeedSelection
from calendars.news.filters import parse_filter
from calendars.quiet import parse_quiet_hours
from calendars.subscribers import FEED_TOKEN_RE, Subscriber, new_feed_token
from calendars.time.offsets import parse_offsets
from calendars.time.zones import explain_zone_input, suggest_zones, zone_or_none

__all__ = ["ChatCalendar", "ChatRef", "FollowResult", "SubscriptionService"]

_ZONE_EXAMPLE = "/tz Asia/Kolkata"


@dataclass(frozen=True, slots=True)
class ChatRef:
    """A chat as the transport describes it (Telegram here, but nothing Telegram-specific).

    ``id`` is the subscriber it is: the chat's id, or ``<chat>:<thread_id>`` for a forum
    topic (see :func:`calendars.subscribers.subscriber_id`).
    """

    id: str
    kind: str
    title: str = ""
    thread_id: int | None = None
    language: str | None = None  # the asking user's (an IETF tag such as ru-RU), if known


@dataclass(frozen=True, slots=True, kw_only=True)
class ChannelFacts:
    """What Telegram says about a channel someone asks to subscribe, and about them."""

    id: str
    name: str
    title: str
    is_channel: bool
    bot_is_admin: bool
    user_is_admin: bool
    user_is_bot_admin: bool


@dataclass(frozen=True, slots=True)
class ChatCalendar:
    """What /calendar offers a chat: its topics' feeds and its private feed's token.

    ``feed_token`` is None for a chat that is not subscribed (it follows nothing yet).
    """

    topics: list[str]
    feed_token: str | None
    reset: bool = False


class SubscriptionService:
    def __init__(
        self,
        *,
        store: Store,
        reminders: ReminderService,
        offered_topics: Callable[[], Iterable[str]],
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self._store = store
        self._reminders = reminders
        self._offered = offered_topics
        self._clock = clock

    def topics(self) -> list[str]:
        """Topics a chat can follow: the configured ones and any tag an event carries."""
        return sorted(set(self._offered()) | self._store.events.tags())

    def get(self, chat_id: str) -> Subscriber | None:
        return self._store.subscribers.get(chat_id)

    def require(self, chat_id: str) -> Subscriber:
        subscriber = self.get(chat_id)
        if subscriber is None:
            raise NotFound(_("this chat is not subscribed yet: send /start first"))
        return subscriber

    def subscribe(self, chat: ChatRef) -> tuple[Subscriber, bool]:
        """Subscribe to everything with default offsets; True when the chat is new."""
        current = self.get(chat.id)
        if current is not None:
            updated = current.replace(title=chat.title, thread_id=chat.thread_id)
            self._store.subscribers.save(updated)
            return updated, False
        now = self._clock()
        subscriber = Subscriber(
            id=chat.id,
            kind=chat.kind,
            title=chat.title,
            thread_id=chat.thread_id,
            language=language_of(chat.language) or DEFAULT_LANGUAGE,
            subscribed_at=now,
            reminders_since=now,
        )
        self._store.subscribers.save(subscriber)
        return subscriber, True

    def prepare_console(self, *, console: bool, zone: str) -> None:
        """With no Telegram, the console follows everything and prints the reminders."""
        current = self.get(CONSOLE_ID)
        if not console:
            if current is not None:
                self._store.subscribers.remove(CONSOLE_ID)
            return
        if current is None or current.zone != zone:
            now = self._clock()
            self._store.subscribers.save(
                Subscriber(
                    id=CONSOLE_ID,
                    kind="console",
                    title="console",
                    zone=zone,
                    subscribed_at=current.subscribed_at if current else now,
                    reminders_since=current.reminders_since if current else now,
                )
            )

    def add_channel(self, channel: ChannelFacts) -> tuple[Subscriber, bool]:
        """Subscribe a channel: it must be one, the bot must post there, the asker run it."""
        name = channel.name
        if not channel.is_channel:
            raise InvalidInput(
                _("{name} is not a channel; use /start in groups", name=name),
                example="/addchannel @name",
            )
        if not channel.bot_is_admin:
            raise InvalidInput(
                _("make me an admin of {name} who can post messages, then try again", name=name)
            )
        if not channel.user_is_admin and not channel.user_is_bot_admin:
            raise InvalidInput(_("only admins of {name} can subscribe it", name=name))
        return self.subscribe(ChatRef(id=channel.id, kind="channel", title=channel.title))

    def count(self) -> int:
        return len(self._store.subscribers)

    def unsubscribe(self, chat_id: str) -> bool:
        """Forget the chat and its settings entirely."""
        removed = self._store.subscribers.remove(chat_id)
        if removed:
            self._reminders.reschedule_all()
        return removed

    def forget_chat(self, chat_id: str) -> int:
        """Forget a chat the bot was removed from: it and every forum topic of it."""
        removed = self._store.subscribers.remove_chat(chat_id)
        if removed:
            self._reminders.reschedule_all()
        return len(removed)

    def set_zone(self, chat_id: str, text: str) -> Subscriber:
        subscriber = self.require(chat_id)
        zone = zone_or_none(text) if text.strip() else None
        if zone is None:
            raise InvalidInput(_zone_problem(text), example=_ZONE_EXAMPLE)
        updated = subscriber.replace(zone=zone.key)
        self._store.subscribers.save(updated)
        return updated

    def set_language(self, chat_id: str, text: str) -> Subscriber:
        """/lang: the language this chat's messages are worded in."""
        return self._change(chat_id, language=parse_language(text))

    def set_offsets(self, chat_id: str, text: str) -> Subscriber:
        subscriber = self.require(chat_id)
        updated = subscriber.replace(offsets=parse_offsets(text), reminders_since=self._clock())
        self._store.subscribers.save(updated)
        self._reminders.reschedule_all()
        return updated

    def follow(self, chat_id: str, tag: str, *, on: bool) -> Subscriber:
        """Follow or stop following one topic (following all topics again means "all")."""
        subscriber = self.require(chat_id)
        topic = self.check_topic(tag)
        offered = set(self.topics())
        current = set(offered if subscriber.topics is None else subscriber.topics)
        chosen = current | {topic} if on else current - {topic}
        topics = None if chosen >= offered else frozenset(chosen)
        updated = subscriber.replace(topics=topics)
        self._store.subscribers.save(updated)
        return updated

    def toggle(self, chat_id: str, tag: str) -> Subscriber:
        subscriber = self.require(chat_id)
        following = subscriber.topics is None or tag in subscriber.topics
        return self.follow(chat_id, tag, on=not following)

    def calendar(self, chat_id: str, *, reset: bool = False) -> ChatCalendar:
        """The chat's calendar feeds; its private feed gets a token on first use, and a
        new one on ``reset`` (the old URL then answers 404)."""
        subscriber = self.get(chat_id)
        if subscriber is None:
            if reset:
                raise NotFound(_("this chat has no private calendar: send /start first"))
            return ChatCalendar(topics=[], feed_token=None)
        if reset or subscriber.feed_token is None:
            subscriber = subscriber.replace(feed_token=new_feed_token())
            self._store.subscribers.save(subscriber)
        topics = self.topics() if subscriber.topics is None else sorted(subscriber.topics)
        return ChatCalendar(topics=topics, feed_token=subscriber.feed_token, reset=reset)

    def feed_selection(self, token: str) -> FeedSelection | None:
        """What the private feed with ``token`` holds; None for any token that opens none."""
        if not FEED_TOKEN_RE.fullmatch(token):
            return None
        subscriber = self._store.subscribers.by_feed_token(token)
        if subscriber is None:
            return None
        return FeedSelection.of(subscriber.topics, subscriber.followed)

    def check_topic(self, tag: str) -> str:
        """The topic ``tag`` names, or InvalidInput listing the topics there are."""
        try:
            topic = normalise_tag(tag)
        except InvalidInput:
            topic = ""
        if topic not in self.topics():
            raise InvalidInput(
                _(
                    "there is no topic {topic}; topics: {topics}",
                    topic=repr(tag.strip()[:40]),
                    topics=", ".join(self.topics()),
                ),
                example="/upcoming india-russia",
            )
        return topic

    # ---- events followed one by one (bot.services.follows) ---------------------------

    def follow_event(self, chat: ChatRef, event_id: str, *, on: bool = True) -> FollowResult:
        return follow_event(self._store, chat, event_id, on=on, clock=self._clock)

    def followed_events(self, chat_id: str) -> list[Event]:
        return followed_events(self._store, chat_id)

    # ---- news filter and quiet hours ---------------------------------------------------

    def set_filter(self, chat_id: str, text: str) -> Subscriber:
        """Set the chat's news filter from /filter text; ``off`` removes it."""
        return self._change(chat_id, news_filter=None if _is_off(text) else parse_filter(text))

    def set_quiet_hours(self, chat_id: str, text: str) -> Subscriber:
        """Set the chat's quiet hours from /quiet text; ``off`` removes them (and what was
        held is sent at the next news cycle)."""
        quiet_hours = None if _is_off(text) else parse_quiet_hours(text)
        return self._change(chat_id, quiet_hours=quiet_hours)

    def _change(self, chat_id: str, **fields: Any) -> Subscriber:
        """A subscribed chat's settings with ``fields`` changed, saved."""
        updated = self.require(chat_id).replace(**fields)
        self._store.subscribers.save(updated)
        return updated

    # ---- briefing ------------------------------------------------------------------------

    def set_briefing(self, chat_id: str, text: str) -> Subscriber:
        """Set the chat's briefing from /briefing text; ``off`` stops it.

        Set after this period's moment, it starts with the next period; one already sent
        this period is not sent again because its time changed.
        """
        subscriber = self.require(chat_id)
        if _is_off(text):
            updated = subscriber.replace(briefing=None)
        else:
            setting, now = parse_briefing(text), self._clock()
            sent = settled_period(setting, subscriber.briefing_sent, now, subscriber.zone)
            since = subscriber.briefing_since if subscriber.briefing else None
            updated = subscriber.replace(
                briefing=setting, briefing_sent=sent, briefing_since=since or now
            )
        self._store.subscribers.save(updated)
        return updated


def _zone_problem(text: str) -> str:
    """Why ``text`` is not a zone, with the zones it may mean (abbreviations, offsets, typos)."""
    if not text.strip():
        return _("give an IANA time zone name, such as Asia/Kolkata, Europe/Berlin, UTC")
    why = explain_zone_input(text)
    if why:
        return why
    hint = ", ".join(suggest_zones(text)) or "Asia/Kolkata, Europe/Moscow, America/New_York, UTC"
    return _(
        "{text} is not a time zone I know; try one of: {zones}",
        text=repr(text.strip()[:40]),
        zones=hint,
    )


def _is_off(text: str) -> bool:
    return text.strip().lower() == "off"
