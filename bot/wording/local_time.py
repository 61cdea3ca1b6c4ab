"""Telegram's date-time entity: a start that each reader's app shows on their own clock.

The readers of a channel or group live in many zones, and the chat's zone is only one of
them. A ``<tg-time>`` entity (Bot API 9.5) has each app show the moment in its reader's
zone and format; its text is what older apps show instead, so it is the time in UTC, true
for everyone.

Telegram refuses the whole message (``ENTITY_DATE_INVALID``) when the moment is more than
1098 days ahead, and cannot hold Unix times from 19 January 2038 on (they do not fit in
32 bits; tdlib/telegram-bot-api#852): such times are left as plain text.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from html import escape

from calendars.events import Event
from calendars.i18n import _, current_language
from calendars.time.timefmt import format_instant

__all__ = ["SHARED_KINDS", "TG_TIME_FORMAT", "is_shared", "tg_time", "your_time_line"]

# Subscriber kinds (Telegram chat types) read by many people, each on their own clock.
SHARED_KINDS = frozenset({"channel", "group", "supergroup"})
# Weekday, short date and short time, in the reader's language: "Thu, 12/4/26, 10:00 AM".
TG_TIME_FORMAT = "wdt"
_LAST_UNIX = 2**31 - 1
# Telegram allows 1098 days ahead of its own clock; a day less leaves room for ours.
_FURTHEST_AHEAD = timedelta(days=1097)


def is_shared(kind: str | None) -> bool:
    """Whether a chat of this kind (``channel``, ``private`` ...) has many readers."""
    return kind in SHARED_KINDS


def tg_time(moment: datetime, text: str, *, now: datetime) -> str | None:
    """``<tg-time unix=… format="wdt">text</tg-time>``, or None when Telegram would refuse
    it (before 1970, from 2038 on, or more than 1097 days after ``now``)."""
    unix = math.floor(moment.timestamp())
    if not 0 <= unix <= _LAST_UNIX or moment - now > _FURTHEST_AHEAD:
        return None
    return f'<tg-time unix="{unix}" format="{TG_TIME_FORMAT}">{escape(text)}</tg-time>'


def your_time_line(event: Event, *, now: datetime) -> str | None:
    """``🕓 Your time: <tg-time …>Thu 4 Dec 2026, 04:30 UTC</tg-time>``: the start on each
    reader's clock, or None when the start cannot be an entity or is no real moment (an
    event known only to its month or year)."""
    if not event.dated:
        return None
    text = format_instant(event.starts_at, "UTC", current_language())
    entity = tg_time(event.starts_at, text, now=now)
    if entity is None:
        return None
    if event.all_day:
        return "🕓 " + _("Begins, your time: {time}", time=entity)
    return "🕓 " + _("Your time: {time}", time=entity)
