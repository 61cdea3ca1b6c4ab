"""What the fake Telegram server knows and does, independent of HTTP and threads.

Why separate from ``telegram_api.py``: Bot API semantics (message ids per chat, edits,
webhooks, commands, fault injection, flood limits) are plain synchronous state changes under
one lock, which keeps them easy to read and test; the server module only adds transport,
long polling and webhook delivery. ``FakeTelegram`` subclasses ``BotApiState``.
"""

from __future__ import annotations

import itertools
import json
import re
import threading
import time
from collections.abc import Callable
from typing import Any

from . import telegram_objects as tg
from .telegram_forums import Forums
from .telegram_objects import JSONDict, UploadedFile
from .telegram_rules import (
    ApiError,
    FaultRule,
    FloodLimiter,
    check_inline_results,
    check_text,
    too_many_requests,
)

SENT_METHODS = frozenset({"sendMessage", "sendDocument", "editMessageText"})
# Update types Telegram only delivers when listed in allowed_updates explicitly.
OPT_IN_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
DEFAULT_GROUP_USER = 100_001
_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")
_COMMAND_NAME = re.compile(r"[a-z0-9_]{1,32}")
_NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup "
    "are exactly the same as a content and reply markup of the current message"
)


class BotApiState:
    """Bot API state and synchronous method handlers; every access holds ``_lock``."""

    def __init__(
        self, *, token: str, bot_username: str, strict_chats: bool, inline_mode: bool = True
    ) -> None:
        self.token = token
        self.bot_username = bot_username
        self.inline_mode = inline_mode
        self.bot_id = int(token.split(":", 1)[0])
        self.strict_chats = strict_chats
        self._lock = threading.RLock()
        self._changed = threading.Condition(self._lock)
        self._sent: list[JSONDict] = []
        self._pending: list[JSONDict] = []
        self._ids = itertools.count(1)
        self._last_update_id = 10_000
        self._allowed: list[str] = []
        self._webhook: JSONDict | None = None
        self._webhook_error: tuple[int, str] | None = None
        self._undelivered = 0
        self._chats: dict[int | str, JSONDict] = {}
        self._users: dict[int, JSONDict] = {self.bot_id: self._bot}
        self._members: dict[tuple[int | str, int], str] = {}
        self._messages: dict[tuple[int | str, int], JSONDict] = {}
        self._next_message_id: dict[int | str, int] = {}
        self._files: dict[str, tuple[JSONDict, bytes]] = {}
        self._callbacks: set[str] = set()
        self._inline_queries: set[str] = set()
        self._inline_answers: list[JSONDict] = []
        self._commands: dict[tuple[str, str], list[JSONDict]] = {}
        self._faults: list[FaultRule] = []
        self._forums = Forums()
        self._blocked: dict[int | str, str] = {}
        self._delays: dict[str, float] = {}
        self._limiter: FloodLimiter | None = None
        self._flood_429s = 0
        self._handlers: dict[str, Callable[[JSONDict], Any]] = {
            "getMe": lambda _: tg.bot_user(self.bot_id, self.bot_username, inline=self.inline_mode),
            "sendMessage": self._send_message,
            "sendDocument": self._send_document,
            "sendChatAction": lambda p: bool(self._forums.send_fields(self._target_chat(p), p)),
            "editMessageText": self._edit_message_text,
            "editMessageReplyMarkup": self._edit_reply_markup,
            "deleteMessage": self._delete_message,
            "answerCallbackQuery": self._answer_callback_query,
            "answerInlineQuery": self._answer_inline_query,
            "getChat": lambda p: tg.chat_full_info(self._known_chat(p.get("chat_id"))),
            "getChatMember": self._get_chat_member,
            "getChatAdministrators": self._get_chat_administrators,
            "getFile": self._get_file,
            "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook,
            "getWebhookInfo": self._get_webhook_info,
            "setMyCommands": self._set_my_commands,
            "getMyCommands": lambda p: list(self._commands.get(self._scope_key(p), [])),
            "deleteMyCommands": self._delete_my_commands,
            "createForumTopic": lambda p: self._create_topic(self._known_chat(p.get("chat_id")), p),
            "closeForumTopic": lambda p: self._forums.set_closed(
                self._known_chat(p.get("chat_id")), p.get("message_thread_id"), closed=True
            ),
            "reopenForumTopic": lambda p: self._forums.set_closed(
                self._known_chat(p.get("chat_id")), p.get("message_thread_id"), closed=False
            ),
            "deleteForumTopic": lambda p: self._forums.delete(
                self._known_chat(p.get("chat_id")), p.get("message_thread_id")
            ),
            "close": lambda _: True,
            "logOut": lambda _: True,
        }

    # ------------------------------------------------------------------ hooks for the server
    def _updates_changed(self) -> None:
        """Called after updates were queued; the server wakes held getUpdates calls."""

    def _deliver_to_webhook(self, update: JSONDict) -> None:
        """Called (under the lock) for each update that must be POSTed to the webhook."""

    # ------------------------------------------------------------------ feeding updates
    def push_update(self, update: JSONDict) -> JSONDict:
        """Queue a raw Update (``update_id`` assigned when missing) and return it.

        With a webhook set it is POSTed there instead, and getUpdates answers 409.
        """
        with self._lock:
            if "update_id" not in update:
                update = {"update_id": self._last_update_id + 1, **update}
            self._last_update_id = max(self._last_update_id, update["update_id"])
            if self._webhook is None:
                self._pending.append(update)
            elif self._allows(update):
                self._undelivered += 1
                self._deliver_to_webhook(update)
        self._updates_changed()
        return update

    def _allows(self, update: JSONDict) -> bool:
        kind = next(key for key in update if key != "update_id")
        return kind in self._allowed if self._allowed else kind not in OPT_IN_UPDATES

    def _confirm_updates(self, params: JSONDict) -> None:
        """getUpdates bookkeeping: store allowed_updates; ``offset`` confirms (drops) updates.

        A negative offset keeps only the last ``-offset`` updates, as documented.
        """
        if params.get("allowed_updates") is not None:
            self._allowed = list(params["allowed_updates"])
        offset = params.get("offset")
        if isinstance(offset, int) and offset < 0:
            del self._pending[:offset]
        elif isinstance(offset, int):
            self._pending = [u for u in self._pending if u["update_id"] >= offset]

    def _take_updates(self, limit: Any) -> list[JSONDict]:
        """Copies of up to ``limit`` pending updates; they stay pending until confirmed."""
        self._pending = [u for u in self._pending if self._allows(u)]
        return [dict(u) for u in self._pending[: min(max(int(limit or 100), 1), 100)]]

    # ------------------------------------------------------------------ inspection
    def sent_messages(self, chat_id: int | None = None) -> list[JSONDict]:
        """Params of successful sendMessage/sendDocument/editMessageText calls plus "method".

        Sends also carry the ``message_id`` Telegram assigned. Rejected calls (403, 429, bad
        HTML) are absent, since the user never saw them; ``requests`` has every call.
        """
        with self._lock:
            return [dict(m) for m in self._sent if chat_id is None or m.get("chat_id") == chat_id]

    def inline_answers(self, query_id: str | None = None) -> list[JSONDict]:
        """Params of accepted answerInlineQuery calls (``results`` decoded), oldest first."""
        with self._lock:
            return [
                dict(a)
                for a in self._inline_answers
                if query_id is None or a["inline_query_id"] == query_id
            ]

    @property
    def flood_429s(self) -> int:
        """How many sends ``enforce_limits`` rejected with 429."""
        with self._lock:
            return self._flood_429s

    # ------------------------------------------------------------------ configuration
    def fail_next(
        self,
        method: str,
        *,
        status: int,
        description: str,
        retry_after: int | None = None,
        times: int = 1,
        chat_id: int | None = None,
    ) -> None:
        """Answer the next ``times`` calls of ``method`` ("*" = any) with this error.

        A 429 without ``retry_after`` takes it from "retry after N" in the description, since
        Telegram always sends it and PTB only raises ``RetryAfter`` when it is present.
        """
        if status == 429 and retry_after is None:
            found = re.search(r"retry after (\d+)", description)
            retry_after = int(found.group(1)) if found else 1
        rule = FaultRule(method.lower(), ApiError(status, description, retry_after), times, chat_id)
        with self._lock:
            self._faults.append(rule)

    def block_chat(
        self, chat_id: int, description: str = "Forbidden: bot was blocked by the user"
    ) -> None:
        """Make every call aimed at ``chat_id`` fail with 403 until ``unblock_chat``."""
        with self._lock:
            self._blocked[chat_id] = description

    def unblock_chat(self, chat_id: int) -> None:
        """Undo ``block_chat``."""
        with self._lock:
            self._blocked.pop(chat_id, None)

    def set_delay(self, method: str, seconds: float) -> None:
        """Delay responses to ``method`` ("*" = any) by ``seconds``, to exercise timeouts."""
        with self._lock:
            self._delays[method] = seconds

    def enforce_limits(
        self,
        *,
        global_per_second: int = 30,
        per_chat_per_second: int = 1,
        group_per_minute: int = 20,
        paid_per_second: int = 1000,
    ) -> None:
        """Turn on Telegram's flood limits for sendMessage/sendDocument (see ``flood_429s``);
        sends with ``allow_paid_broadcast`` get ``paid_per_second`` overall instead."""
        with self._lock:
            self._limiter = FloodLimiter(
                global_per_second, per_chat_per_second, group_per_minute, paid_per_second
            )

    def disable_limits(self) -> None:
        """Turn flood limits off again."""
        with self._lock:
            self._limiter = None

    def register_chat(
        self, chat_id: int, type: str, title: str | None = None, username: str | None = None
    ) -> None:
        """Make a chat known to getChat and friends (and sendable with ``strict_chats``)."""
        with self._lock:
            self._chats[chat_id] = tg.chat(chat_id, type, title=title, username=username)

    def register_forum(self, chat_id: int, title: str | None = None) -> None:
        """Make ``chat_id`` a forum supergroup (topics on); messages need no thread there
        (the General topic), and a thread must be one of its topics."""
        if chat_id >= 0:
            raise ValueError("supergroups have negative ids")
        with self._lock:
            self._chats[chat_id] = tg.chat(chat_id, "supergroup", title=title) | {"is_forum": True}

    def create_forum_topic(self, chat_id: int, name: str, *, thread_id: int | None = None) -> int:
        """Open a topic as a user would (or createForumTopic does); its thread id.

        ``thread_id`` picks the id (the creating message's id) so tests can name threads.
        """
        with self._lock:
            params: JSONDict = {"name": name}
            if thread_id is not None:
                if thread_id < self._next_message_id.get(chat_id, 1):
                    raise ValueError(f"chat {chat_id} is past message {thread_id} already")
                self._next_message_id[chat_id] = thread_id
            topic = self._create_topic(self._known_chat(chat_id), params)
            return int(topic["message_thread_id"])

    def close_forum_topic(self, chat_id: int, thread_id: int) -> None:
        """Close a topic (closeForumTopic): sends to it answer 400 TOPIC_CLOSED."""
        with self._lock:
            self._forums.set_closed(self._known_chat(chat_id), thread_id, closed=True)

    def delete_forum_topic(self, chat_id: int, thread_id: int) -> None:
        """Delete a topic (deleteForumTopic): sends to it answer 400 thread not found."""
        with self._lock:
            self._forums.delete(self._known_chat(chat_id), thread_id)

    def remove_bot(
        self, chat_id: int, *, by: int = DEFAULT_GROUP_USER, notify: bool = True
    ) -> None:
        """User ``by`` removes the bot from a group: every call aimed at the chat answers
        403 from now on, and (``notify``) the bot gets the ``my_chat_member`` update
        Telegram sends; without it, as if that update was lost, only sends find out."""
        with self._lock:
            chat = self._known_chat(chat_id)
            status = "left" if chat["type"] == "group" else "kicked"
            old = self._member(chat_id, self.bot_id)
            self._members[(chat_id, self.bot_id)] = status
            self._blocked[chat_id] = f"Forbidden: bot was kicked from the {chat['type']} chat"
            if not notify:
                return
            change = {
                "chat": chat,
                "from": self._users.setdefault(by, tg.user(by)),
                "date": tg.now(),
                "old_chat_member": old,
                "new_chat_member": self._member(chat_id, self.bot_id),
            }
        self.push_update({"my_chat_member": change})

    def set_member_status(self, chat_id: int, user_id: int, status: str) -> None:
        """Set getChatMember's answer: creator, administrator, member, restricted, left, kicked."""
        tg.chat_member({}, status)  # reject unknown statuses now, not inside a request
        with self._lock:
            self._members[(chat_id, user_id)] = status

    # ------------------------------------------------------------------ dispatch
    def _call(self, method: str, params: JSONDict) -> Any:
        """Run one non-polling method: injected faults first, then the handler."""
        self._inject_fault(method, params)
        handler = self._handlers.get(method)
        if handler is None:
            raise ApiError(404, "Not Found")
        result = handler(params)
        if method in SENT_METHODS:
            entry = {"method": method, **params}
            if method != "editMessageText" and isinstance(result, dict):
                entry["message_id"] = result["message_id"]
            self._sent.append(entry)
        self._changed.notify_all()
        return result

    def _inject_fault(self, method: str, params: JSONDict) -> None:
        for rule in self._faults:
            if rule.matches(method, params):
                rule.times -= 1
                if rule.times <= 0:
                    self._faults.remove(rule)
                raise rule.error

    # ------------------------------------------------------------------ helpers
    @property
    def _bot(self) -> JSONDict:
        return tg.user(self.bot_id, username=self.bot_username, is_bot=True)

    def _known_chat(self, chat_id: Any) -> JSONDict:
        chat = self._chats.get(chat_id)
        if chat is None and isinstance(chat_id, str) and chat_id.startswith("@"):
            by_name = (c for c in self._chats.values() if c.get("username") == chat_id[1:])
            chat = next(by_name, None)
        if chat is None:
            raise ApiError(400, "Bad Request: chat not found")
        return chat

    def _target_chat(self, params: JSONDict) -> JSONDict:
        chat_id = params.get("chat_id")
        if chat_id in (None, ""):
            raise ApiError(400, "Bad Request: chat_id is empty")
        if chat_id in self._blocked:
            raise ApiError(403, self._blocked[chat_id])
        if chat_id not in self._chats and not self.strict_chats and isinstance(chat_id, int):
            self._chats[chat_id] = tg.chat(chat_id, "private" if chat_id > 0 else "supergroup")
        return self._known_chat(chat_id)

    def _admit(self, chat_id: int | str, params: JSONDict | None = None) -> None:
        if self._limiter is None:
            return
        paid = bool(params and params.get("allow_paid_broadcast") is True)
        retry_after = self._limiter.admit(chat_id, time.monotonic(), paid=paid)
        if retry_after is not None:
            self._flood_429s += 1
            raise too_many_requests(retry_after)

    def _new_message(self, chat: JSONDict, sender: JSONDict | None, fields: JSONDict) -> JSONDict:
        message_id = self._next_message_id.get(chat["id"], 1)
        self._next_message_id[chat["id"]] = message_id + 1
        message: JSONDict = {"message_id": message_id, "date": tg.now(), "chat": chat}
        if sender is not None:
            message["from"] = sender
        elif chat["type"] == "channel":
            message["sender_chat"] = chat
        message |= fields
        self._messages[(chat["id"], message_id)] = message
        return dict(message)

    @staticmethod
    def _outgoing_fields(params: JSONDict) -> JSONDict:
        """Fields of a bot message echoed back: only inline keyboards appear in a Message."""
        fields: JSONDict = {}
        markup = params.get("reply_markup")
        if isinstance(markup, dict) and "inline_keyboard" in markup:
            fields["reply_markup"] = markup
        return fields

    def _reply_fields(self, chat: JSONDict, params: JSONDict) -> JSONDict:
        """``reply_to_message`` for reply_parameters; a reply to an unknown message is a 400."""
        reply = params.get("reply_parameters")
        if not isinstance(reply, dict):
            return {}
        key = (reply.get("chat_id") or chat["id"], int(reply.get("message_id") or 0))
        original = self._messages.get(key)
        if original is not None:
            return {
                "reply_to_message": {k: v for k, v in original.items() if k != "reply_to_message"}
            }
        if reply.get("allow_sending_without_reply"):
            return {}
        raise ApiError(400, "Bad Request: message to be replied not found")

    def _register_file(self, file_name: str, content: bytes, mime_type: str) -> JSONDict:
        number = next(self._ids)
        suffix = file_name[file_name.rfind(".") :] if "." in file_name else ""
        meta = tg.document(f"FILE{number}", f"U{number}", file_name, mime_type, len(content))
        meta["file_path"] = f"documents/file_{number}{suffix}"
        self._files[meta["file_id"]] = (meta, content)
        return meta

    def _file_content(self, file_path: str) -> bytes | None:
        with self._lock:
            for meta, content in self._files.values():
                if meta["file_path"] == file_path:
                    return content
        return None

    # ------------------------------------------------------------------ method handlers
    def _send_message(self, params: JSONDict) -> JSONDict:
        chat = self._target_chat(params)
        check_text(params.get("text"), params.get("parse_mode"))
        fields = {"text": str(params["text"]), **self._reply_fields(chat, params)}
        fields |= self._forums.send_fields(chat, params)
        self._admit(chat["id"], params)  # only messages Telegram accepts count against limits
        return self._new_message(chat, self._bot, fields | self._outgoing_fields(params))

    def _send_document(self, params: JSONDict) -> JSONDict:
        chat = self._target_chat(params)
        upload = params.get("document")
        if upload is None:
            raise ApiError(400, "Bad Request: there is no document in the request")
        if not isinstance(upload, UploadedFile) and not (
            upload in self._files or str(upload).startswith(("http://", "https://"))
        ):
            raise ApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")
        check_text(params.get("caption"), params.get("parse_mode"), caption=True)
        fields = self._reply_fields(chat, params) | self._forums.send_fields(chat, params)
        self._admit(chat["id"], params)
        if isinstance(upload, UploadedFile):
            meta = self._register_file(upload.filename, bytes(upload), upload.content_type)
        elif upload in self._files:
            meta = self._files[upload][0]
        else:  # Telegram would fetch the URL; the fake stores an empty file under its name
            meta = self._register_file(upload.rsplit("/", 1)[-1], b"", "application/octet-stream")
        fields["document"] = {k: v for k, v in meta.items() if k != "file_path"}
        if params.get("caption"):
            fields["caption"] = params["caption"]
        return self._new_message(chat, self._bot, fields | self._outgoing_fields(params))

    def _editable(self, params: JSONDict) -> JSONDict:
        chat = self._target_chat(params)
        message = self._messages.get((chat["id"], params.get("message_id", 0)))
        if message is None:
            raise ApiError(400, "Bad Request: message to edit not found")
        if message.get("from", {}).get("id") != self.bot_id:
            raise ApiError(400, "Bad Request: message can't be edited")
        return message

    @staticmethod
    def _apply_edit(message: JSONDict, changes: JSONDict) -> JSONDict:
        if all(message.get(key) == value for key, value in changes.items()):
            raise ApiError(400, _NOT_MODIFIED)
        for key, value in changes.items():
            if value is None:
                message.pop(key, None)
            else:
                message[key] = value
        message["edit_date"] = tg.now()
        return dict(message)

    def _edit_message_text(self, params: JSONDict) -> JSONDict | bool:
        check_text(params.get("text"), params.get("parse_mode"))
        if params.get("inline_message_id"):
            return True
        message = self._editable(params)
        markup = self._outgoing_fields(params).get("reply_markup")  # omitted = removed
        return self._apply_edit(message, {"text": str(params["text"]), "reply_markup": markup})

    def _edit_reply_markup(self, params: JSONDict) -> JSONDict | bool:
        if params.get("inline_message_id"):
            return True
        markup = self._outgoing_fields(params).get("reply_markup")
        return self._apply_edit(self._editable(params), {"reply_markup": markup})

    def _delete_message(self, params: JSONDict) -> bool:
        chat = self._target_chat(params)
        if self._messages.pop((chat["id"], params.get("message_id", 0)), None) is None:
            raise ApiError(400, "Bad Request: message to delete not found")
        return True

    def _answer_callback_query(self, params: JSONDict) -> bool:
        query_id = str(params.get("callback_query_id", ""))
        if query_id not in self._callbacks:
            raise ApiError(
                400,
                "Bad Request: query is too old and response timeout expired or query ID is invalid",
            )
        self._callbacks.discard(query_id)
        return True

    def _answer_inline_query(self, params: JSONDict) -> bool:
        """Validate like Telegram; a query is answered once (a second answer is "too old")."""
        query_id = str(params.get("inline_query_id", ""))
        if query_id not in self._inline_queries:
            raise ApiError(
                400,
                "Bad Request: query is too old and response timeout expired or query ID is invalid",
            )
        check_inline_results(params.get("results"))
        cache_time = params.get("cache_time", 300)
        if not isinstance(cache_time, int) or cache_time < 0:
            raise ApiError(400, "Bad Request: cache_time must be a non-negative integer")
        self._inline_queries.discard(query_id)
        self._inline_answers.append(dict(params))
        return True

    def _member(self, chat_id: int | str, user_id: int) -> JSONDict:
        status = self._members.get((chat_id, user_id), "member")
        return tg.chat_member(self._users.get(user_id) or tg.user(user_id), status)

    def _get_chat_member(self, params: JSONDict) -> JSONDict:
        chat = self._known_chat(params.get("chat_id"))
        return self._member(chat["id"], int(params["user_id"]))

    def _get_chat_administrators(self, params: JSONDict) -> list[JSONDict]:
        chat = self._known_chat(params.get("chat_id"))
        if chat["type"] == "private":
            raise ApiError(400, "Bad Request: there are no administrators in the private chat")
        admin_statuses = ("creator", "administrator")
        return [
            self._member(cid, uid)
            for (cid, uid), status in self._members.items()
            if cid == chat["id"] and status in admin_statuses
        ]

    def _create_topic(self, chat: JSONDict, params: JSONDict) -> JSONDict:
        """createForumTopic: the service message that opens it gives the topic its id."""
        name = str(params.get("name") or "")
        thread_id = self._next_message_id.get(chat["id"], 1)
        topic = self._forums.open_topic(chat, thread_id, name)
        created = {"name": name, "icon_color": topic["icon_color"]}
        fields = {"forum_topic_created": created, "message_thread_id": thread_id}
        self._new_message(chat, self._bot, fields | {"is_topic_message": True})
        return topic

    def _get_file(self, params: JSONDict) -> JSONDict:
        entry = self._files.get(str(params.get("file_id")))
        if entry is None:
            raise ApiError(400, "Bad Request: invalid file_id")
        return {k: entry[0][k] for k in ("file_id", "file_unique_id", "file_size", "file_path")}

    def _set_webhook(self, params: JSONDict) -> bool:
        url = str(params.get("url") or "")
        secret = params.get("secret_token")
        if secret is not None and not _SECRET.fullmatch(str(secret)):
            raise ApiError(400, "Bad Request: secret token contains unallowed characters")
        if params.get("allowed_updates") is not None:
            self._allowed = list(params["allowed_updates"])
        if not url:
            return self._delete_webhook(params)
        if params.get("drop_pending_updates"):
            self._pending.clear()
        max_connections = params.get("max_connections", 40)
        self._webhook = {"url": url, "secret_token": secret, "max_connections": max_connections}
        self._webhook_error = None
        backlog, self._pending = self._pending, []
        for update in backlog:  # Telegram hands queued updates to the new webhook
            self.push_update(update)
        return True

    def _delete_webhook(self, params: JSONDict) -> bool:
        self._webhook = None
        if params.get("drop_pending_updates"):
            self._pending.clear()
        return True

    def _get_webhook_info(self, _: JSONDict) -> JSONDict:
        info: JSONDict = {"url": "", "has_custom_certificate": False}
        if self._webhook is None:
            return info | {"pending_update_count": len(self._pending)}
        info |= {
            "url": self._webhook["url"],
            "pending_update_count": self._undelivered,
            "max_connections": self._webhook["max_connections"],
        }
        if self._allowed:
            info["allowed_updates"] = list(self._allowed)
        if self._webhook_error:
            info["last_error_date"], info["last_error_message"] = self._webhook_error
        return info

    @staticmethod
    def _scope_key(params: JSONDict) -> tuple[str, str]:
        scope = params.get("scope") or {"type": "default"}
        return json.dumps(scope, sort_keys=True), str(params.get("language_code") or "")

    def _set_my_commands(self, params: JSONDict) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list):
            raise ApiError(400, 'Bad Request: parameter "commands" is required')
        for command in commands:
            if not _COMMAND_NAME.fullmatch(str(command.get("command", ""))):
                raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", ""))) <= 256:
                raise ApiError(400, "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID")
        self._commands[self._scope_key(params)] = [
            {"command": c["command"], "description": c["description"]} for c in commands
        ]
        return True

    def _delete_my_commands(self, params: JSONDict) -> bool:
        self._commands.pop(self._scope_key(params), None)
        return True
