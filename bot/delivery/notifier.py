"""Delivery: the one ``Notifier`` interface every message goes through.

The console notifier prints; the Telegram notifier (``bot.telegram``) sends. Both report
an ``Outcome`` so callers can record it: a chat that is gone is unsubscribed (with all its
forum topics), a closed or deleted forum topic only itself, a failure is retried later,
and only a real send counts as delivered.
"""

from __future__ import annotations

import html
import re
import sys
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol, TextIO

from calendars.subscribers import Subscriber

__all__ = ["CONSOLE_ID", "ConsoleNotifier", "Notifier", "Outcome", "Outgoing", "html_to_text"]

CONSOLE_ID = "console"


class Outcome(StrEnum):
    SENT = "sent"
    FAILED = "failed"  # worth trying again later
    GONE = "gone"  # the chat blocked the bot, left, or no longer exists
    TOPIC_GONE = "topic_gone"  # the forum topic was closed or deleted; the chat is still there


@dataclass(frozen=True, slots=True)
class Outgoing:
    """A message in Telegram's HTML subset, every outside string already escaped."""

    html: str
    document: tuple[str, bytes] | None = None
    # Inline buttons under the message, one row of (label, callback data) pairs.
    buttons: tuple[tuple[str, str], ...] = ()


class Notifier(Protocol):
    async def send(self, subscriber: Subscriber, message: Outgoing) -> Outcome: ...


_TAG_RE = re.compile(r"<[^>]+>")
_LINK_RE = re.compile(r'<a href="([^"]*)">(.*?)</a>', re.DOTALL)


def html_to_text(markup: str) -> str:
    """What a message says without its markup, for consoles and logs; links keep their URL."""
    with_urls = _LINK_RE.sub(lambda m: f"{m.group(2)}: {m.group(1)}", markup)
    return html.unescape(_TAG_RE.sub("", with_urls))


class ConsoleNotifier:
    """Prints messages: how SummitWatch runs with no Telegram token."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self._stream = stream

    async def send(self, subscriber: Subscriber, message: Outgoing) -> Outcome:
        stream = self._stream or sys.stdout
        text = html_to_text(message.html).strip().replace("\n", "\n    ")
        print(f"[{subscriber.title or subscriber.id}] {text}", file=stream, flush=True)
        return Outcome.SENT
