"""Who wants reminders, in which zone, for which topics and how long before."""

from __future__ import annotations

import dataclasses
import re
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from calendars.briefings import BriefingSetting
from calendars.errors import InvalidInput
from calendars.events import Event, normalise_tag
from calendars.i18n import DEFAULT_LANGUAGE, _, language_of
from calendars.news.filters import NewsFilter
from calendars.quiet import QuietHours
from calendars.time.zones import zone_or_none

__all__ = ["FEED_TOKEN_RE", "MAX_FOLLOWED", "Subscriber", "new_feed_token", "subscriber_id"]

MAX_FOLLOWED = 200  # the record is rewritten on each change; topics cover more

# 32 URL-safe characters: 192 random bits, the secret part of a private feed's URL.
FEED_TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{32}")


def new_feed_token() -> str:
    return secrets.token_urlsafe(24)


def subscriber_id(chat_id: str, thread_id: int | None = None) -> str:
    """Who a conversation is: the chat itself, or one forum topic of it (``<chat>:<thread>``).

    A forum topic is a subscriber of its own (its topics, zone, reminders), so a group can
    route one topic of news to one thread and another to another; the General topic (no
    thread) and every chat without topics are the chat's own subscriber.
    """
    return chat_id if thread_id is None else f"{chat_id}:{thread_id}"


@dataclass(frozen=True, slots=True, kw_only=True)
class Subscriber:
    """A chat, a forum topic of a chat, or the console, that receives reminders and notices.

    ``topics`` None means every topic; ``offsets`` None means the configured defaults.
    ``reminders_since`` is when the subscription or its offsets last changed: reminders
    that fell due before it are not owed to this subscriber. A forum topic's ``id`` is
    ``<chat>:<thread_id>`` (see :func:`subscriber_id`); records older than that kept a
    topic's ``thread_id`` under the bare chat id, and the store migrates them at load.
    """

    id: str
    kind: str = "private"
    title: str = ""
    zone: str = "UTC"
    topics: frozenset[str] | None = None
    offsets: tuple[timedelta, ...] | None = None
    thread_id: int | None = None
    subscribed_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    reminders_since: datetime = field(default_factory=lambda: datetime.now(UTC))
    # News filter and quiet hours (/filter, /quiet); None is off. Older records lack them.
    news_filter: NewsFilter | None = None
    quiet_hours: QuietHours | None = None
    # The private feed: the secret in its URL (None until /calendar first asks for one).
    feed_token: str | None = None
    # Events followed one by one (/follow), beside the topics. Older records lack them.
    followed: frozenset[str] = frozenset()
    # The briefing (/briefing): when, the last period sent (or settled when it was set),
    # and since when its "what changed" runs. None is off. Older records lack them.
    briefing: BriefingSetting | None = None
    briefing_sent: str | None = None
    briefing_since: datetime | None = None
    # The language its messages are worded in (/lang; en, hi, mr, ru). Older records: en.
    language: str = DEFAULT_LANGUAGE

    def __post_init__(self) -> None:
        if language_of(self.language) != self.language:
            raise InvalidInput(f"unknown language {self.language!r}", example="/lang ru")
        zone = zone_or_none(self.zone)
        if zone is None:
            raise InvalidInput(f"unknown time zone {self.zone!r}", example="Asia/Kolkata")
        object.__setattr__(self, "zone", zone.key)
        if self.topics is not None:
            object.__setattr__(self, "topics", frozenset(normalise_tag(t) for t in self.topics))
        if self.feed_token is not None and not FEED_TOKEN_RE.fullmatch(self.feed_token):
            raise InvalidInput("a feed token is 32 URL-safe characters")
        object.__setattr__(self, "followed", frozenset(self.followed))
        if len(self.followed) > MAX_FOLLOWED:
            raise InvalidInput(
                _(
                    "a chat can follow at most {limit} events one by one; /unfollow some, or "
                    "follow a topic instead",
                    limit=MAX_FOLLOWED,
                ),
                example="/subscribe india-russia",
            )

        if ":" in self.id and self.id != subscriber_id(self.chat_id, self.thread_id):
            raise InvalidInput(f"subscriber {self.id!r} names a forum topic but has no such thread")

    def follows(self, event: Event) -> bool:
        """Whether this chat wants news of ``event``: by one of its topics, or by name."""
        return event.id in self.followed or event.follows_topics(self.topics)

    @property
    def chat_id(self) -> str:
        """The chat this subscriber is, or whose forum topic it is."""
        return self.id.split(":", 1)[0]

    @property
    def is_legacy_topic(self) -> bool:
        """A forum topic stored under its chat's id, as records were before topics had ids."""
        return self.thread_id is not None and ":" not in self.id

    def offsets_or(self, default: tuple[timedelta, ...]) -> tuple[timedelta, ...]:
        return default if self.offsets is None else self.offsets

    def replace(self, **changes: Any) -> Subscriber:
        return dataclasses.replace(self, **changes)

    def to_record(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "title": self.title,
            "zone": self.zone,
            "topics": None if self.topics is None else sorted(self.topics),
            "offsets": None
            if self.offsets is None
            else [int(o.total_seconds()) for o in self.offsets],
            "thread_id": self.thread_id,
            "subscribed_at": self.subscribed_at.astimezone(UTC).isoformat(),
            "reminders_since": self.reminders_since.astimezone(UTC).isoformat(),
            **self._news_record(),
            "feed_token": self.feed_token,
            "followed": sorted(self.followed),
            **self._briefing_record(),
            "language": self.language,
        }

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> Subscriber:
        topics, offsets = record.get("topics"), record.get("offsets")
        return cls(
            id=record["id"],
            kind=record.get("kind", "private"),
            title=record.get("title", ""),
            zone=record.get("zone", "UTC"),
            topics=None if topics is None else frozenset(topics),
            offsets=None if offsets is None else tuple(timedelta(seconds=s) for s in offsets),
            thread_id=record.get("thread_id"),
            subscribed_at=datetime.fromisoformat(record["subscribed_at"]),
            reminders_since=datetime.fromisoformat(record["reminders_since"]),
            **cls._news_fields(record),
            feed_token=record.get("feed_token"),
            followed=frozenset(record.get("followed", ())),
            **cls._briefing_fields(record),
            language=record.get("language", DEFAULT_LANGUAGE),
        )

    # ---- news filter and quiet hours ----------------------------------------------------

    def _news_record(self) -> dict[str, Any]:
        return {
            "news_filter": self.news_filter.to_record() if self.news_filter else None,
            "quiet_hours": self.quiet_hours.to_record() if self.quiet_hours else None,
        }

    @staticmethod
    def _news_fields(record: dict[str, Any]) -> dict[str, Any]:
        news_filter, quiet_hours = record.get("news_filter"), record.get("quiet_hours")
        return {
            "news_filter": NewsFilter.from_record(news_filter) if news_filter else None,
            "quiet_hours": QuietHours.from_record(quiet_hours) if quiet_hours else None,
        }

    def is_quiet(self, at: datetime) -> bool:
        """Whether news notices for this chat wait at ``at`` (its quiet hours)."""
        return self.quiet_hours is not None and self.quiet_hours.is_quiet(at, self.zone)

    # ---- briefing ----------------------------------------------------------------------

    def _briefing_record(self) -> dict[str, Any]:
        since = self.briefing_since
        return {
            "briefing": self.briefing.to_record() if self.briefing else None,
            "briefing_sent": self.briefing_sent,
            "briefing_since": since.astimezone(UTC).isoformat() if since else None,
        }

    @staticmethod
    def _briefing_fields(record: dict[str, Any]) -> dict[str, Any]:
        briefing, since = record.get("briefing"), record.get("briefing_since")
        return {
            "briefing": BriefingSetting.from_record(briefing) if briefing else None,
            "briefing_sent": record.get("briefing_sent"),
            "briefing_since": datetime.fromisoformat(since) if since else None,
        }
