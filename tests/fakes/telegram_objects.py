"""Bot API JSON builders and request decoding for the fake Telegram server.

Why this module exists: the fake in ``telegram_api.py`` should read as protocol behaviour,
while the exact JSON shapes live here in one place. These shapes are what python-telegram-bot's
``de_json`` requires (missing required fields make PTB raise while parsing, which would
look like a bug in the code under test). Request decoding mirrors how PTB encodes
parameters: strings are sent raw, everything else JSON-encoded, and files as multipart parts.
"""

from __future__ import annotations

import json
import re
import time
from typing import Any
from urllib.parse import parse_qsl, unquote

JSONDict = dict[str, Any]

# Parameters Telegram types as String. PTB sends str values unencoded, so "123" or "true"
# in these must stay strings; every other form value is JSON-decoded.
STRING_PARAMS = frozenset(
    [
        "text",
        "caption",
        "parse_mode",
        "callback_query_id",
        "inline_query_id",
        "next_offset",
        "url",
        "secret_token",
        "file_id",
        "language_code",
        "inline_message_id",
        "data",
        "description",
        "short_description",
        "name",
        "title",
        "ip_address",
        "action",
        "business_connection_id",
        "message_effect_id",
        "document",
        "emoji",
    ]
)

_COMMAND = re.compile(r"/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?(?![A-Za-z0-9_@])")
_BOUNDARY = re.compile(r'boundary="?([^";]+)"?')


class UploadedFile(bytes):
    """Content of a multipart file part that also remembers its filename and content type.

    Subclassing ``bytes`` keeps test assertions as simple as ``params["document"] == b"..."``
    while ``params["document"].filename`` is still available.
    """

    filename: str
    content_type: str

    def __new__(cls, content: bytes, filename: str, content_type: str) -> UploadedFile:
        obj = super().__new__(cls, content)
        obj.filename = filename
        obj.content_type = content_type
        return obj


def decode_value(key: str, raw: str) -> Any:
    """Decode one form value the way Telegram would interpret it for that parameter."""
    if key in STRING_PARAMS:
        return raw
    try:
        return json.loads(raw)
    except ValueError:
        return raw


def _header_param(headers: str, name: str) -> str | None:
    match = re.search(rf'\b{name}="((?:[^"\\]|\\.)*)"', headers)
    return unquote(match.group(1)) if match else None


def parse_multipart(body: bytes, content_type: str) -> list[tuple[str, str | UploadedFile]]:
    """Split a multipart/form-data body byte-exactly (python-multipart is not a dependency)."""
    match = _BOUNDARY.search(content_type)
    if not match:
        return []
    delimiter = b"--" + match.group(1).encode()
    fields: list[tuple[str, str | UploadedFile]] = []
    for part in body.split(delimiter)[1:]:
        if part.startswith(b"--"):
            break
        head, _, data = part.removeprefix(b"\r\n").partition(b"\r\n\r\n")
        data = data.removesuffix(b"\r\n")
        headers = head.decode("utf-8", "replace")
        name = _header_param(headers, "name") or ""
        filename = _header_param(headers, "filename")
        if filename is None:
            fields.append((name, data.decode("utf-8", "replace")))
            continue
        ctype = re.search(r"(?im)^content-type:\s*(\S+)", headers)
        mime = ctype.group(1) if ctype else "application/octet-stream"
        fields.append((name, UploadedFile(data, filename, mime)))
    return fields


def decode_params(query: str, body: bytes, content_type: str) -> JSONDict:
    """Decode query string plus a form, multipart or JSON body into typed parameters."""
    params: JSONDict = {k: decode_value(k, v) for k, v in parse_qsl(query)}
    if content_type.startswith("application/json") and body:
        loaded = json.loads(body)
        if isinstance(loaded, dict):
            params.update(loaded)
    elif content_type.startswith("application/x-www-form-urlencoded"):
        for key, raw in parse_qsl(body.decode(), keep_blank_values=True):
            params[key] = decode_value(key, raw)
    elif content_type.startswith("multipart/form-data"):
        for key, value in parse_multipart(body, content_type):
            params[key] = value if isinstance(value, UploadedFile) else decode_value(key, value)
    return params


def now() -> int:
    """Unix time as Telegram sends it (whole seconds)."""
    return int(time.time())


def user(user_id: int, *, username: str | None = None, is_bot: bool = False) -> JSONDict:
    """A ``User``; first_name is required by PTB, so derive a stable one."""
    result: JSONDict = {"id": user_id, "is_bot": is_bot, "first_name": username or f"User{user_id}"}
    if username:
        result["username"] = username
    if not is_bot:
        result["language_code"] = "en"
    return result


def bot_user(bot_id: int, username: str, *, inline: bool = False) -> JSONDict:
    """The ``User`` returned by getMe, including the bot-only capability flags."""
    return user(bot_id, username=username, is_bot=True) | {
        "can_join_groups": True,
        "can_read_all_group_messages": False,
        "supports_inline_queries": inline,
        "can_connect_to_business": False,
        "has_main_web_app": False,
    }


def chat(
    chat_id: int, chat_type: str, *, title: str | None = None, username: str | None = None
) -> JSONDict:
    """A ``Chat``: private chats carry first_name, groups and channels carry a title."""
    result: JSONDict = {"id": chat_id, "type": chat_type}
    if chat_type == "private":
        result["first_name"] = username or f"User{chat_id}"
    else:
        result["title"] = title or f"Chat {chat_id}"
    if username:
        result["username"] = username
    return result


def chat_full_info(base: JSONDict) -> JSONDict:
    """``ChatFullInfo`` for getChat; PTB 22 requires the accent/reaction/gift fields."""
    gifts = dict.fromkeys(
        (
            "unlimited_gifts",
            "limited_gifts",
            "unique_gifts",
            "premium_subscription",
            "gifts_from_channels",
        ),
        False,
    )
    return base | {"accent_color_id": 0, "max_reaction_count": 11, "accepted_gift_types": gifts}


def command_entities(text: str, offset_key: str = "entities") -> JSONDict:
    """The ``bot_command`` entity Telegram adds when text starts with a command.

    Its length covers ``/cmd@BotName`` and is measured in UTF-16 code units, which is what
    PTB's CommandHandler slices on.
    """
    match = _COMMAND.match(text)
    if not match:
        return {}
    length = len(match.group(0).encode("utf-16-le")) // 2
    return {offset_key: [{"type": "bot_command", "offset": 0, "length": length}]}


def document(
    file_id: str, file_unique_id: str, file_name: str, mime_type: str, size: int
) -> JSONDict:
    """A ``Document`` attachment."""
    return {
        "file_id": file_id,
        "file_unique_id": file_unique_id,
        "file_name": file_name,
        "mime_type": mime_type,
        "file_size": size,
    }


_ADMIN_RIGHTS = (
    "can_manage_chat",
    "can_delete_messages",
    "can_manage_video_chats",
    "can_restrict_members",
    "can_promote_members",
    "can_change_info",
    "can_invite_users",
    "can_post_stories",
    "can_edit_stories",
    "can_delete_stories",
    "can_pin_messages",
)
_MEMBER_RIGHTS = (
    "can_send_messages",
    "can_send_audios",
    "can_send_documents",
    "can_send_photos",
    "can_send_videos",
    "can_send_video_notes",
    "can_send_voice_notes",
    "can_send_polls",
    "can_send_other_messages",
    "can_add_web_page_previews",
    "can_change_info",
    "can_invite_users",
    "can_pin_messages",
    "can_manage_topics",
    "can_edit_tag",
)


def chat_member(member: JSONDict, status: str) -> JSONDict:
    """A ``ChatMember`` of the given status with every field PTB requires for it."""
    result: JSONDict = {"status": status, "user": member}
    if status == "creator":
        result["is_anonymous"] = False
    elif status == "administrator":
        result |= dict.fromkeys(_ADMIN_RIGHTS, True)
        result |= {"can_be_edited": False, "is_anonymous": False}
    elif status == "restricted":
        result |= dict.fromkeys(_MEMBER_RIGHTS, False)
        result |= {"is_member": True, "until_date": 0}
    elif status == "kicked":
        result["until_date"] = 0
    elif status not in ("member", "left"):
        raise ValueError(f"unknown chat member status {status!r}")
    return result
