"""Forum supergroups for the fake Bot API: topics, and where a message may be sent.

Why: a forum topic is a place of its own (``message_thread_id``), and Telegram refuses a
send to a thread that is not an open topic of a forum (400). A bot that routes messages to
topics must be tested against those refusals, not against a server that accepts any number.
A topic's id is the id of the service message that created it, as on Telegram.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .telegram_objects import JSONDict
from .telegram_rules import ApiError

THREAD_NOT_FOUND = "Bad Request: message thread not found"
TOPIC_CLOSED = "Bad Request: TOPIC_CLOSED"
NOT_A_FORUM = "Bad Request: the chat is not a forum"
MAX_TOPIC_NAME = 128
ICON_COLOR = 7322096  # the first of the six colours Telegram allows


@dataclass
class Topic:
    name: str
    closed: bool = False


@dataclass
class Forums:
    """Topics by (chat id, thread id); a deleted topic is gone and its id never reused."""

    topics: dict[tuple[int | str, int], Topic] = field(default_factory=dict)

    def open_topic(self, chat: JSONDict, thread_id: int, name: str) -> JSONDict:
        """Record a new topic; the ``ForumTopic`` createForumTopic answers."""
        if not chat.get("is_forum"):
            raise ApiError(400, NOT_A_FORUM)
        if not 1 <= len(name) <= MAX_TOPIC_NAME:
            raise ApiError(400, "Bad Request: TOPIC_NAME_INVALID")
        self.topics[(chat["id"], thread_id)] = Topic(name)
        return {"message_thread_id": thread_id, "name": name, "icon_color": ICON_COLOR}

    def topic(self, chat: JSONDict, thread_id: Any) -> Topic:
        """The open or closed topic ``thread_id`` of ``chat``, or Telegram's 400."""
        if not chat.get("is_forum"):
            raise ApiError(400, NOT_A_FORUM if thread_id is None else THREAD_NOT_FOUND)
        found = self.topics.get((chat["id"], thread_id)) if isinstance(thread_id, int) else None
        if found is None:
            raise ApiError(400, THREAD_NOT_FOUND)
        return found

    def set_closed(self, chat: JSONDict, thread_id: Any, *, closed: bool) -> bool:
        """closeForumTopic / reopenForumTopic."""
        topic = self.topic(chat, thread_id)
        if topic.closed == closed:
            raise ApiError(400, "Bad Request: TOPIC_NOT_MODIFIED")
        topic.closed = closed
        return True

    def delete(self, chat: JSONDict, thread_id: Any) -> bool:
        """deleteForumTopic: the topic and its messages are gone."""
        self.topic(chat, thread_id)
        del self.topics[(chat["id"], thread_id)]
        return True

    def send_fields(self, chat: JSONDict, params: JSONDict) -> JSONDict:
        """Where a bot's message goes: the General topic (no thread) or an open topic.

        In a chat that is not a forum there are no topics: any thread id is not found.
        """
        thread_id = params.get("message_thread_id")
        if thread_id is None:
            return {}
        if self.topic(chat, thread_id).closed:
            raise ApiError(400, TOPIC_CLOSED)
        return {"message_thread_id": thread_id, "is_topic_message": True}

    def posting_fields(self, chat: JSONDict, thread_id: int | None) -> JSONDict:
        """A user's message in ``thread_id``: only a forum's existing topics have one."""
        if thread_id is None:
            return {}
        try:
            self.topic(chat, thread_id)
        except ApiError as exc:
            raise ValueError(
                f"Telegram sends no message from thread {thread_id} of chat {chat['id']}: "
                f"{exc.description} (register_forum and create_forum_topic first)"
            ) from exc
        return {"message_thread_id": thread_id, "is_topic_message": True}
