"""Self-tests of the fake Telegram Bot API, driven by the real python-telegram-bot.

Why: the project's bot tests trust this fake, so these pin down that unmodified PTB talks to it
and that it reproduces the Telegram behaviours those tests rely on (long polling, command
entities, 429/403, HTML parsing, uploads, webhooks, flood limits).
"""

from __future__ import annotations

import asyncio
import datetime as dtm
import json
import threading
import time
from collections.abc import AsyncIterator, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest
import pytest_asyncio
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeAllPrivateChats,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
    ReplyParameters,
    Update,
)
from telegram.error import BadRequest, Conflict, Forbidden, InvalidToken, RetryAfter, TimedOut
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    InlineQueryHandler,
)
from telegram.request import HTTPXRequest

from .telegram_api import FakeTelegram
from .telegram_rules import FloodLimiter, html_to_plain

Context = ContextTypes.DEFAULT_TYPE


@pytest.fixture
def fake() -> Iterator[FakeTelegram]:
    with FakeTelegram() as server:
        yield server


@pytest_asyncio.fixture
async def bot(fake: FakeTelegram) -> AsyncIterator[Bot]:
    async with Bot(fake.token, base_url=fake.base_url, base_file_url=fake.base_file_url) as b:
        yield b


def build_app(fake: FakeTelegram) -> Application[Any, Any, Any, Any, Any, Any]:
    builder = ApplicationBuilder().token(fake.token)
    return builder.base_url(fake.base_url).base_file_url(fake.base_file_url).build()


@pytest.fixture(autouse=True)
def _timedelta_retry_after(monkeypatch: pytest.MonkeyPatch) -> None:
    # PTB 22.8 warns (PTBDeprecationWarning) while *constructing* RetryAfter unless
    # PTB_TIMEDELTA is set; with filterwarnings=error a 429 would surface as that warning.
    monkeypatch.setenv("PTB_TIMEDELTA", "true")


def retry_seconds(exc: RetryAfter) -> float:
    value = exc.retry_after
    return value.total_seconds() if isinstance(value, dtm.timedelta) else float(value)


@pytest.mark.asyncio
async def test_get_me_reports_the_configured_bot(bot: Bot) -> None:
    me = await bot.get_me()
    assert (me.id, me.username, me.is_bot) == (123456, "SummitWatchBot", True)


@pytest.mark.asyncio
async def test_send_message_round_trip(fake: FakeTelegram, bot: Bot) -> None:
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Go", callback_data="go")]])
    first = await bot.send_message(42, "123", reply_markup=keyboard)
    second = await bot.send_message(42, "<b>Peak</b> &amp; co", parse_mode="HTML")

    assert (first.message_id, second.message_id) == (1, 2)
    assert first.text == "123"
    assert first.reply_markup == keyboard
    assert first.from_user is not None
    assert first.from_user.id == fake.bot_id
    sent = fake.sent_messages(42)
    assert [m["text"] for m in sent] == ["123", "<b>Peak</b> &amp; co"]
    assert sent[0]["reply_markup"] == {"inline_keyboard": [[{"text": "Go", "callback_data": "go"}]]}
    assert sent[1]["parse_mode"] == "HTML"


@pytest.mark.asyncio
async def test_command_handler_in_polling_application(fake: FakeTelegram) -> None:
    app = build_app(fake)

    async def start(update: Update, context: Context) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_text(f"hello {context.args}")

    app.add_handler(CommandHandler("start", start))
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0)
        fake.push_message(chat_id=42, text="/start")
        fake.push_message(
            chat_id=-100500, chat_type="supergroup", user_id=7, text="/start@SummitWatchBot K2"
        )
        private = await fake.wait_for_messages(42)
        group = await fake.wait_for_messages(-100500)
        await app.updater.stop()
        await app.stop()

    assert private[0]["text"] == "hello []"
    assert group[0]["text"] == "hello ['K2']"


@pytest.mark.asyncio
async def test_callback_query_answer_and_edit(fake: FakeTelegram) -> None:
    app = build_app(fake)

    async def on_button(update: Update, context: Context) -> None:
        query = update.callback_query
        assert query is not None
        await query.answer()
        await query.edit_message_text(f"chose {query.data}")

    app.add_handler(CallbackQueryHandler(on_button))
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0)
        fake.push_callback_query(chat_id=42, user_id=42, data="everest", message_id=7)
        edits = await fake.wait_for_messages(42)
        await app.updater.stop()
        await app.stop()

    assert edits[0]["method"] == "editMessageText"
    assert (edits[0]["text"], edits[0]["message_id"]) == ("chose everest", 7)
    assert any(method == "answerCallbackQuery" for method, _ in fake.requests)


@pytest.mark.asyncio
async def test_injected_429_raises_retry_after(fake: FakeTelegram, bot: Bot) -> None:
    fake.fail_next(
        "sendMessage", status=429, description="Too Many Requests: retry after 3", retry_after=3
    )
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(42, "x")
    assert retry_seconds(caught.value) == 3
    await bot.send_message(42, "x")  # the injection was used up
    assert len(fake.sent_messages(42)) == 1


@pytest.mark.asyncio
async def test_blocked_chat_raises_forbidden(fake: FakeTelegram, bot: Bot) -> None:
    fake.block_chat(42)
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_message(42, "x")
    fake.unblock_chat(42)
    fake.fail_next("sendMessage", status=403, description="Forbidden: user is deactivated")
    with pytest.raises(Forbidden, match="deactivated"):
        await bot.send_message(42, "x")
    assert fake.sent_messages() == []


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("1 < 2", 'unsupported start tag ""'),
        ("<div>x</div>", 'unsupported start tag "div"'),
        ("<b>bold", 'can\'t find end tag corresponding to start tag "b"'),
        ("<b>x</i>", 'unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("<span>x</span>", 'tag "span" must have class "tg-spoiler"'),
        ("x" * 4097, "message is too long"),
        ("<b></b>", "message text is empty"),
    ],
)
async def test_invalid_html_or_length_raises_bad_request(
    fake: FakeTelegram, bot: Bot, text: str, error: str
) -> None:
    with pytest.raises(BadRequest) as caught:
        await bot.send_message(42, text, parse_mode="HTML")
    assert error in caught.value.message.lower()
    link = '<a href="https://x.org/?a=1&amp;b=2">l</a>'
    valid = f'<b>a</b> &lt;3 {link} <span class="tg-spoiler">s</span> <tg-spoiler>t</tg-spoiler>'
    await bot.send_message(42, valid + "x" * 4000, parse_mode="HTML")  # length counts visible text


def _tg_time(unix: object, fmt: str | None = "wdt") -> str:
    attribute = "" if fmt is None else f' format="{fmt}"'
    return f'Starts <tg-time unix="{unix}"{attribute}>Thu 4 Dec 2026, 04:30 UTC</tg-time>'


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("unix", "fmt", "error"),
    [
        ("soon", "wdt", 'tag "tg-time" must have a unix time at byte offset 7'),
        ("17.5", "wdt", 'tag "tg-time" must have a unix time'),
        ("-5", "wdt", 'tag "tg-time" must have a unix time'),
        ("1764822600", "x", 'invalid date-time format "x" at byte offset 7'),
        ("1764822600", "rt", 'invalid date-time format "rt"'),
        (str(2**31), "wdt", "entity_date_invalid"),  # 2038: does not fit in 32 bits
        ("ahead", "wdt", "entity_date_invalid"),  # more than 1098 days ahead
    ],
)
async def test_a_date_time_entity_needs_a_storable_unix_time_and_a_documented_format(
    bot: Bot, unix: str, fmt: str, error: str
) -> None:
    if unix == "ahead":
        unix = str(int(time.time()) + 1099 * 86400)
    with pytest.raises(BadRequest) as caught:
        await bot.send_message(42, _tg_time(unix, fmt), parse_mode="HTML")
    assert error in caught.value.message.lower()


@pytest.mark.asyncio
async def test_a_date_time_entity_keeps_its_text_as_the_visible_message(
    fake: FakeTelegram, bot: Bot
) -> None:
    soon = int(time.time()) + 1097 * 86400
    for fmt in ("wdt", "r", "DT", "", None):
        await bot.send_message(42, _tg_time(soon, fmt), parse_mode="HTML")
    sent = fake.sent_messages(42)
    assert len(sent) == 5
    assert sent[0]["text"] == _tg_time(soon)  # the markup as sent, entity and all
    assert html_to_plain(sent[0]["text"]) == "Starts Thu 4 Dec 2026, 04:30 UTC"


@pytest.mark.asyncio
async def test_long_poll_returns_promptly_when_an_update_arrives(
    fake: FakeTelegram, bot: Bot
) -> None:
    poll = asyncio.create_task(bot.get_updates(timeout=5))
    await fake.wait_for(lambda reqs: any(method == "getUpdates" for method, _ in reqs))
    pushed_at = time.monotonic()
    fake.push_message(chat_id=42, text="hi")
    updates = await asyncio.wait_for(poll, timeout=3)
    assert time.monotonic() - pushed_at < 1.0
    assert updates[0].message is not None
    assert updates[0].message.text == "hi"

    confirmed = await bot.get_updates(offset=updates[-1].update_id + 1, timeout=0)
    assert confirmed == ()
    started = time.monotonic()
    assert await bot.get_updates(timeout=dtm.timedelta(seconds=0.2)) == ()
    assert time.monotonic() - started >= 0.2


@pytest.mark.asyncio
async def test_newer_poll_terminates_a_held_one_with_409(fake: FakeTelegram, bot: Bot) -> None:
    held = asyncio.create_task(bot.get_updates(timeout=5))
    await fake.wait_for(lambda reqs: any(method == "getUpdates" for method, _ in reqs))
    async with Bot(fake.token, base_url=fake.base_url) as second_instance:
        assert await second_instance.get_updates(timeout=0) == ()
    with pytest.raises(Conflict, match="terminated by other getUpdates request"):
        await held


@pytest.mark.asyncio
async def test_set_delay_makes_the_client_time_out(fake: FakeTelegram) -> None:
    fake.set_delay("sendMessage", 1.0)
    request = HTTPXRequest(read_timeout=0.1)
    async with Bot(fake.token, base_url=fake.base_url, request=request) as impatient:
        with pytest.raises(TimedOut):
            await impatient.send_message(42, "x")


@pytest.mark.asyncio
async def test_send_document_is_recorded_and_downloadable(fake: FakeTelegram, bot: Bot) -> None:
    content = b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n\x00\xff"
    message = await bot.send_document(42, content, filename="summits.ics", caption="Your plan")

    sent = fake.sent_messages(42)[0]
    assert sent["method"] == "sendDocument"
    assert (sent["document"], sent["document"].filename) == (content, "summits.ics")
    assert sent["caption"] == "Your plan"
    assert message.document is not None
    file = await bot.get_file(message.document.file_id)
    assert bytes(await file.download_as_bytearray()) == content


@pytest.mark.asyncio
async def test_pushed_document_can_be_fetched(fake: FakeTelegram, bot: Bot) -> None:
    update = fake.push_document(chat_id=42, user_id=42, file_name="a.ics", content=b"ICS")
    message = Update.de_json(update, bot).effective_message
    assert message is not None
    assert message.document is not None
    document = message.document
    assert (document.file_name, document.mime_type) == ("a.ics", "text/calendar")
    file = await bot.get_file(document.file_id)
    assert file.file_path is not None
    assert file.file_path.startswith(f"{fake.base_file_url}{fake.token}/documents/")
    assert bytes(await file.download_as_bytearray()) == b"ICS"


def test_the_flood_model_allows_30_a_second_or_1000_with_allow_paid_broadcast() -> None:
    limiter = FloodLimiter(global_per_second=30, per_chat_per_second=1, group_per_minute=20)
    assert all(limiter.admit(100 + n, 0.0) is None for n in range(30))
    assert limiter.admit(500, 0.5) == 1  # the 31st free send within a second
    assert all(limiter.admit(1000 + n, 0.5, paid=True) is None for n in range(970))
    assert limiter.admit(5000, 0.9, paid=True) == 1  # the 1,001st send within a second
    assert limiter.admit(1000, 0.99, paid=True) is not None  # per chat: still 1/s
    assert limiter.admit(5000, 1.0, paid=True) is None  # the first 30 left the window


@pytest.mark.asyncio
async def test_the_paid_flag_is_read_off_the_wire(fake: FakeTelegram, bot: Bot) -> None:
    fake.enforce_limits(global_per_second=1)
    await bot.send_message(42, "free")
    with pytest.raises(RetryAfter):
        await bot.send_message(43, "free again")
    await bot.send_message(44, "paid", allow_paid_broadcast=True)
    assert [m["text"] for m in fake.sent_messages()] == ["free", "paid"]
    assert fake.flood_429s == 1


@pytest.mark.asyncio
async def test_enforce_limits_counts_a_per_chat_violation(fake: FakeTelegram, bot: Bot) -> None:
    fake.enforce_limits()
    await bot.send_message(42, "first")
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(42, "second")
    assert retry_seconds(caught.value) == 1
    await bot.send_message(43, "other chat is fine")
    assert fake.flood_429s == 1
    assert [m["text"] for m in fake.sent_messages()] == ["first", "other chat is fine"]


@pytest.mark.asyncio
async def test_edits_and_replies_need_an_existing_message(bot: Bot) -> None:
    message = await bot.send_message(42, "same")
    with pytest.raises(BadRequest, match="not modified"):
        await bot.edit_message_text("same", chat_id=42, message_id=message.message_id)
    with pytest.raises(BadRequest, match="not found"):
        await bot.edit_message_text("new", chat_id=42, message_id=999)
    with pytest.raises(BadRequest, match="replied not found"):
        await bot.send_message(42, "x", reply_parameters=ReplyParameters(999))
    reply = await bot.send_message(42, "x", reply_parameters=ReplyParameters(message.message_id))
    assert reply.reply_to_message == message


@pytest.mark.asyncio
async def test_commands_are_stored_per_scope(bot: Bot) -> None:
    scope = BotCommandScopeAllPrivateChats()
    commands = [BotCommand("start", "Start"), BotCommand("peaks", "List peaks")]
    assert await bot.set_my_commands(commands, scope=scope)
    assert await bot.get_my_commands(scope=scope) == tuple(commands)
    assert await bot.get_my_commands() == ()
    with pytest.raises(BadRequest, match=r"(?i)bot_command_invalid"):  # PTB capitalizes
        await bot.set_my_commands([BotCommand("Bad-Name", "x")])


@pytest.mark.asyncio
async def test_unknown_method_and_wrong_token(fake: FakeTelegram) -> None:
    async with httpx.AsyncClient() as client:
        unknown = await client.post(f"{fake.base_url}{fake.token}/frobnicate")
        wrong = await client.post(f"{fake.base_url}1:WRONG/getMe")
    assert (unknown.status_code, unknown.json()["description"]) == (404, "Not Found")
    assert (wrong.status_code, wrong.json()["description"]) == (401, "Unauthorized")
    with pytest.raises(InvalidToken):  # PTB maps both 401 and 404 to InvalidToken
        async with Bot("1:WRONG", base_url=fake.base_url):
            pass


def test_sync_clients_get_typed_params(fake: FakeTelegram) -> None:
    url = f"{fake.base_url}{fake.token}/sendMessage"
    as_json = httpx.post(url, json={"chat_id": 5, "text": "123"}).json()
    as_form = httpx.post(url, data={"chat_id": "5", "text": "true"}).json()
    assert (as_json["result"]["text"], as_form["result"]["text"]) == ("123", "true")
    assert [m["chat_id"] for m in fake.sent_messages()] == [5, 5]
    fake.wait_for_sync(lambda reqs: len(reqs) == 2, timeout=1)


def _start_receiver() -> tuple[ThreadingHTTPServer, list[tuple[str | None, Any]]]:
    received: list[tuple[str | None, Any]] = []

    class Receiver(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append((self.headers["X-Telegram-Bot-Api-Secret-Token"], json.loads(body)))
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    serve = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01})
    serve.daemon = True
    serve.start()
    return server, received


@pytest.mark.asyncio
async def test_webhook_mode_posts_updates_and_blocks_get_updates(
    fake: FakeTelegram, bot: Bot
) -> None:
    server, received = _start_receiver()
    url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    try:
        fake.push_message(chat_id=42, text="queued before the webhook")
        assert await bot.set_webhook(url, secret_token="s3cret")
        fake.push_message(chat_id=42, text="/start")
        await fake.wait_for_webhook_deliveries(2)
        with pytest.raises(Conflict, match="webhook is active"):
            await bot.get_updates()
        info = await bot.get_webhook_info()
        assert (info.url, info.pending_update_count) == (url, 0)
    finally:
        server.shutdown()
        server.server_close()
    assert [secret for secret, _ in received] == ["s3cret", "s3cret"]
    texts = [update["message"]["text"] for _, update in received]
    assert texts == ["queued before the webhook", "/start"]
    assert received[1][1]["message"]["entities"][0]["type"] == "bot_command"
    assert await bot.delete_webhook()
    fake.push_message(chat_id=42, text="polled again")
    assert [u.message.text for u in await bot.get_updates() if u.message] == ["polled again"]


def article(result_id: str, text: str = "<b>Summit</b>", **fields: Any) -> InlineQueryResultArticle:
    return InlineQueryResultArticle(
        id=result_id,
        title=fields.pop("title", "Summit"),
        input_message_content=InputTextMessageContent(text, parse_mode="HTML"),
        **fields,
    )


@pytest.mark.asyncio
async def test_inline_query_answered_by_a_polling_application(fake: FakeTelegram) -> None:
    app = build_app(fake)

    async def on_inline(update: Update, context: Context) -> None:
        query = update.inline_query
        assert query is not None
        button = InlineKeyboardButton("Page", url="https://summitwatch.example/events/sco")
        await query.answer(
            [article("sco", reply_markup=InlineKeyboardMarkup([[button]]), description="Tianjin")],
            cache_time=5,
        )

    app.add_handler(InlineQueryHandler(on_inline))
    async with app:
        me = await app.bot.get_me()
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0)
        pushed = fake.push_inline_query(user_id=42, query="sco tianjin")
        answer = await fake.wait_for_inline_answer(pushed["inline_query"]["id"])
        await app.updater.stop()
        await app.stop()

    assert me.supports_inline_queries is True
    assert answer["inline_query_id"] == pushed["inline_query"]["id"]  # a string, as sent
    assert answer["cache_time"] == 5
    (result,) = answer["results"]
    assert (result["type"], result["id"], result["title"]) == ("article", "sco", "Summit")
    assert result["input_message_content"] == {
        "message_text": "<b>Summit</b>",
        "parse_mode": "HTML",
    }
    assert result["reply_markup"]["inline_keyboard"][0][0]["url"].endswith("/events/sco")


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("results", "error"),
    [
        ([article("x" * 65)], "RESULT_ID_INVALID"),
        ([article("é" * 33)], "RESULT_ID_INVALID"),  # 66 bytes: the limit counts bytes
        ([article("a"), article("a")], "RESULT_ID_DUPLICATE"),
        ([article(str(n)) for n in range(51)], "RESULTS_TOO_MUCH"),
        ([article("a", "x" * 4097)], "message is too long"),
        ([article("a", "<b>open")], "can't parse entities"),
        ([article("a", title=" ")], "RESULT_TITLE_EMPTY"),
        (
            [
                article(
                    "a",
                    reply_markup=InlineKeyboardMarkup(
                        [[InlineKeyboardButton("Go", url="javascript:alert(1)")]]
                    ),
                )
            ],
            "BUTTON_URL_INVALID",
        ),
        (
            [
                article(
                    "a",
                    reply_markup=InlineKeyboardMarkup(
                        [[InlineKeyboardButton("Go", callback_data="d" * 65)]]
                    ),
                )
            ],
            "BUTTON_DATA_INVALID",
        ),
    ],
)
async def test_answer_inline_query_is_validated_like_telegram(
    fake: FakeTelegram, bot: Bot, results: list[InlineQueryResultArticle], error: str
) -> None:
    query_id = fake.push_inline_query(user_id=42, query="x")["inline_query"]["id"]
    with pytest.raises(BadRequest, match="(?i)" + error):  # PTB rewrites the case
        await bot.answer_inline_query(query_id, results)
    assert fake.inline_answers() == []
    assert await bot.answer_inline_query(query_id, [article("ok")])  # still answerable


@pytest.mark.asyncio
async def test_an_inline_query_is_answered_once_and_unknown_ids_fail(
    fake: FakeTelegram, bot: Bot
) -> None:
    query_id = fake.push_inline_query(user_id=42, query="")["inline_query"]["id"]
    assert await bot.answer_inline_query(query_id, [])
    with pytest.raises(BadRequest, match=r"(?i)query is too old"):
        await bot.answer_inline_query(query_id, [])
    with pytest.raises(BadRequest, match=r"(?i)query id is invalid"):
        await bot.answer_inline_query("999", [])
    assert [a["results"] for a in fake.inline_answers()] == [[]]


def test_inline_queries_need_inline_mode_and_at_most_256_characters() -> None:
    with FakeTelegram(inline_mode=False) as off, pytest.raises(ValueError, match="inline mode"):
        off.push_inline_query(user_id=42, query="sco")
    with FakeTelegram() as on:
        on.push_inline_query(user_id=42, query="x" * 256)
        with pytest.raises(ValueError, match="at most 256"):
            on.push_inline_query(user_id=42, query="x" * 257)
        with pytest.raises(UnicodeEncodeError):
            on.push_inline_query(user_id=42, query="\ud800")
