"""Server-side rules Telegram enforces, reproduced for the fake Bot API.

Why: the bugs a fake should catch are the ones Telegram only reports at runtime: unescaped
HTML, over-long messages and flood limits. Error descriptions are copied from the real API
because PTB maps status codes to exceptions and callers often branch on the description.
"""

from __future__ import annotations

import math
import re
import time
from collections import deque
from dataclasses import dataclass
from typing import Any

from telegram.constants import MessageEntityDateTimeFormats

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_INLINE_QUERY = 256  # characters of an inline query's text
MAX_INLINE_RESULTS = 50
MAX_RESULT_ID = 64  # bytes
MAX_CALLBACK_DATA = 64  # bytes
# The fields of an InlineKeyboardButton of which exactly one must be set.
BUTTON_ACTIONS = frozenset(
    [
        "url",
        "callback_data",
        "web_app",
        "login_url",
        "switch_inline_query",
        "switch_inline_query_current_chat",
        "switch_inline_query_chosen_chat",
        "copy_text",
        "callback_game",
        "pay",
    ]
)
_BUTTON_URL = re.compile(r"(?:https?://[^\s/?#]+|tg://\S+)\S*", re.IGNORECASE)

# Tags Telegram's HTML parse mode accepts (https://core.telegram.org/bots/api#html-style).
ALLOWED_TAGS = frozenset(
    [
        "b",
        "strong",
        "i",
        "em",
        "u",
        "ins",
        "s",
        "strike",
        "del",
        "span",
        "tg-spoiler",
        "a",
        "code",
        "pre",
        "blockquote",
        "tg-emoji",
        "tg-time",
    ]
)
_ENTITY = re.compile(r"&(?:(lt|gt|amp|quot)|#(\d+)|#[xX]([0-9a-fA-F]+));")
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_SPOILER_CLASS = re.compile(r"""\bclass\s*=\s*["']?tg-spoiler\b""")
_ATTRIBUTE = re.compile(r"""([A-Za-z_][\w-]*)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""")
# <tg-time format="…">: the documented date-time entity formats (Bot API 9.5).
DATE_TIME_FORMATS = frozenset(str(value) for value in MessageEntityDateTimeFormats)
# Telegram takes dates up to 1098 days ahead of its clock (ENTITY_DATE_INVALID beyond) and
# stores them in 32 bits (tdlib/telegram-bot-api#852). The real server shows a time past
# 2038 as plain text; the fake refuses it, since sending one is always the sender's mistake.
DATE_TIME_AHEAD = 1098 * 86400
LAST_UNIX_TIME = 2**31 - 1


class ApiError(Exception):
    """A Bot API error response: ``{"ok": false, "error_code", "description"[, "parameters"]}``."""

    def __init__(self, status: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.retry_after = retry_after

    def payload(self) -> dict[str, Any]:
        """The JSON body Telegram sends for this error."""
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.status,
            "description": self.description,
        }
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


def too_many_requests(retry_after: int) -> ApiError:
    """The 429 Telegram sends on flood control; PTB turns it into ``RetryAfter``."""
    return ApiError(429, f"Too Many Requests: retry after {retry_after}", retry_after)


def _parse_error(message: str) -> ApiError:
    return ApiError(400, f"Bad Request: can't parse entities: {message}")


def _attributes(text: str) -> dict[str, str]:
    found = {}
    for match in _ATTRIBUTE.finditer(text):
        name, *values = match.groups()
        found[name.lower()] = next(value for value in values if value is not None)
    return found


def check_date_time(attributes: str, offset: int, *, now: int) -> None:
    """``<tg-time unix="…" format="…">``: a whole Unix time Telegram can store, and one of
    the documented formats (or none: the text is shown as written)."""
    found = _attributes(attributes)
    unix = found.get("unix", "")
    if not unix.isascii() or not unix.isdigit():
        raise _parse_error(f'Tag "tg-time" must have a Unix time at byte offset {offset}')
    fmt = found.get("format")
    if fmt and fmt not in DATE_TIME_FORMATS:
        raise _parse_error(f'Invalid date-time format "{fmt}" at byte offset {offset}')
    if int(unix) > min(LAST_UNIX_TIME, now + DATE_TIME_AHEAD):
        raise ApiError(400, "Bad Request: ENTITY_DATE_INVALID")


def html_to_plain(text: str, *, now: int | None = None) -> str:
    """Parse Telegram-flavoured HTML and return the visible text, or raise a 400 like Telegram.

    Like Telegram's parser, any ``<`` starts a tag (so an unescaped ``a < b`` fails with
    'Unsupported start tag ""'), unknown ``&`` sequences are kept literally, and offsets are
    reported in UTF-8 bytes. ``now`` (Unix time; default the clock's) bounds ``<tg-time>``.
    The wording of errors about ``<tg-time>`` is the fake's own.
    """
    out: list[str] = []
    stack: list[str] = []
    pos = 0
    while pos < len(text):
        char = text[pos]
        if char == "&" and (entity := _ENTITY.match(text, pos)):
            named, dec, hexa = entity.groups()
            out.append(_NAMED[named] if named else chr(int(dec) if dec else int(hexa, 16)))
            pos = entity.end()
            continue
        if char != "<":
            out.append(char)
            pos += 1
            continue
        offset = len(text[:pos].encode())
        closing = text.startswith("</", pos)
        name_start = name_end = pos + (2 if closing else 1)
        while name_end < len(text) and not text[name_end].isspace() and text[name_end] != ">":
            name_end += 1
        name = text[name_start:name_end].lower()
        if not closing and name_end < len(text) and name not in ALLOWED_TAGS:
            raise _parse_error(f'Unsupported start tag "{name}" at byte offset {offset}')
        end = text.find(">", name_end)
        if end == -1:
            kind = "end" if closing else "start"
            raise _parse_error(f"Unclosed {kind} tag at byte offset {offset}")
        if not closing:
            if name == "span" and not _SPOILER_CLASS.search(text, name_end, end):
                raise _parse_error(
                    f'Tag "span" must have class "tg-spoiler" at byte offset {offset}'
                )
            if name == "tg-time":
                check_date_time(text[name_end:end], offset, now=now or int(time.time()))
            stack.append(name)
        elif not stack:
            raise _parse_error(f"Unexpected end tag at byte offset {offset}")
        elif name and name != stack[-1]:
            raise _parse_error(
                f'Unmatched end tag at byte offset {offset}, expected "</{stack[-1]}>", '
                f'found "</{name}>"'
            )
        else:
            stack.pop()
        pos = end + 1
    if stack:
        raise _parse_error(f'Can\'t find end tag corresponding to start tag "{stack[-1]}"')
    return "".join(out)


def check_text(text: Any, parse_mode: Any, *, caption: bool = False) -> None:
    """Validate message text or a caption like Telegram: parse mode, emptiness, length."""
    if text is None or text == "":
        if caption:
            return
        raise ApiError(400, "Bad Request: message text is empty")
    visible = str(text)
    if isinstance(parse_mode, str) and parse_mode.upper() == "HTML":
        visible = html_to_plain(visible)
    if not caption and not visible.strip():
        raise ApiError(400, "Bad Request: message text is empty")
    if caption and len(visible) > MAX_CAPTION:
        raise ApiError(400, "Bad Request: message caption is too long")
    if not caption and len(visible) > MAX_TEXT:
        raise ApiError(400, "Bad Request: message is too long")


def _bad(what: str) -> ApiError:
    return ApiError(400, f"Bad Request: {what}")


def check_inline_keyboard(markup: Any) -> None:
    """An ``InlineKeyboardMarkup``: rows of buttons, each with text and exactly one action."""
    rows = markup.get("inline_keyboard") if isinstance(markup, dict) else None
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise _bad("can't parse inline keyboard button: InlineKeyboardMarkup must be an array")
    for button in (button for row in rows for button in row):
        if not isinstance(button, dict) or not str(button.get("text") or "").strip():
            raise _bad("BUTTON_TEXT_INVALID")
        actions = BUTTON_ACTIONS & button.keys()
        if len(actions) != 1:
            raise _bad("can't parse inline keyboard button: exactly one action field is required")
        if "url" in actions and not _BUTTON_URL.fullmatch(str(button["url"])):
            raise _bad("BUTTON_URL_INVALID")
        data = button.get("callback_data")
        if "callback_data" in actions and not 1 <= len(str(data).encode()) <= MAX_CALLBACK_DATA:
            raise _bad("BUTTON_DATA_INVALID")


def check_inline_results(results: Any) -> None:
    """answerInlineQuery's ``results``: what Telegram checks of InlineQueryResultArticle.

    Other result types (photos, venues, ...) are refused: the fake does not model them.
    """
    if not isinstance(results, list):
        raise _bad('parameter "results" is required and must be a JSON array')
    if len(results) > MAX_INLINE_RESULTS:
        raise _bad("RESULTS_TOO_MUCH")
    seen: set[str] = set()
    for result in results:
        if not isinstance(result, dict):
            raise _bad("can't parse InlineQueryResult: object expected")
        result_id = result.get("id")
        if not isinstance(result_id, str) or not 1 <= len(result_id.encode()) <= MAX_RESULT_ID:
            raise _bad("RESULT_ID_INVALID")
        if result_id in seen:
            raise _bad("RESULT_ID_DUPLICATE")
        seen.add(result_id)
        if result.get("type") != "article":
            raise _bad("RESULT_TYPE_INVALID")
        if not isinstance(result.get("title"), str) or not result["title"].strip():
            raise _bad("RESULT_TITLE_EMPTY")
        content = result.get("input_message_content")
        if not isinstance(content, dict) or "message_text" not in content:
            raise _bad("can't parse InputMessageContent: message_text is required")
        check_text(content.get("message_text"), content.get("parse_mode"))
        if result.get("reply_markup") is not None:
            check_inline_keyboard(result["reply_markup"])


@dataclass
class FaultRule:
    """One ``fail_next`` injection: answer ``times`` matching requests with an error."""

    method: str
    error: ApiError
    times: int
    chat_id: int | str | None = None

    def matches(self, method: str, params: dict[str, Any]) -> bool:
        """Whether this rule applies to a call (``"*"`` matches any method)."""
        if self.method not in ("*", method.lower()):
            return False
        return self.chat_id is None or params.get("chat_id") == self.chat_id


class FloodLimiter:
    """Sliding-window model of Telegram's broadcast limits.

    Telegram documents ~30 messages/second overall, ~1/second per chat and 20/minute per
    group; exceeding them yields 429 with ``retry_after``. A send with
    ``allow_paid_broadcast`` may go up to ``paid_per_second`` (1,000) overall; the per-chat
    and group limits stay. Only accepted sends count, as on the real server. Negative ids
    (and ``@channel`` names) are groups or channels.
    """

    def __init__(
        self,
        global_per_second: int,
        per_chat_per_second: int,
        group_per_minute: int,
        paid_per_second: int = 1000,
    ):
        self.global_per_second = global_per_second
        self.paid_per_second = paid_per_second
        self.per_chat_per_second = per_chat_per_second
        self.group_per_minute = group_per_minute
        self._global: deque[float] = deque()
        self._per_chat: dict[int | str, deque[float]] = {}
        self._per_group: dict[int | str, deque[float]] = {}

    @staticmethod
    def _retry_after(window: deque[float], limit: int, span: float, now: float) -> int | None:
        while window and window[0] <= now - span:
            window.popleft()
        if len(window) < limit:
            return None
        return max(1, math.ceil(window[0] + span - now))

    def admit(self, chat_id: int | str, now: float, *, paid: bool = False) -> int | None:
        """Record a send and return None, or return retry_after seconds if over a limit.

        ``paid``: the send carried ``allow_paid_broadcast``; all sends share one window.
        """
        chat_window = self._per_chat.setdefault(chat_id, deque())
        overall = self.paid_per_second if paid else self.global_per_second
        checks = [
            (self._global, overall, 1.0),
            (chat_window, self.per_chat_per_second, 1.0),
        ]
        is_group = isinstance(chat_id, str) or chat_id < 0
        if is_group:
            checks.append(
                (self._per_group.setdefault(chat_id, deque()), self.group_per_minute, 60.0)
            )
        waits = [self._retry_after(window, limit, span, now) for window, limit, span in checks]
        worst = max((wait for wait in waits if wait is not None), default=None)
        if worst is not None:
            return worst
        for window, _, _ in checks:
            window.append(now)
        return None
