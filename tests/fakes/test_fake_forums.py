"""Self-tests of the fake Bot API's forum supergroups, driven by the real python-telegram-bot.

Why: the forum-topic routing tests trust the fake to refuse what Telegram refuses: a thread
that is not an open topic of a forum, in any chat, answers 400.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
import pytest_asyncio
from telegram import Bot, Update
from telegram.error import BadRequest, Forbidden

from .telegram_api import FakeTelegram

pytestmark = pytest.mark.asyncio
FORUM = -1001234


@pytest.fixture
def fake() -> Iterator[FakeTelegram]:
    with FakeTelegram() as server:
        server.register_forum(FORUM, "Desk")
        yield server


@pytest_asyncio.fixture
async def bot(fake: FakeTelegram) -> AsyncIterator[Bot]:
    async with Bot(fake.token, base_url=fake.base_url, base_file_url=fake.base_file_url) as b:
        yield b


async def test_a_message_to_an_open_topic_lands_in_that_thread(
    fake: FakeTelegram, bot: Bot
) -> None:
    thread = fake.create_forum_topic(FORUM, "SCO", thread_id=11)
    message = await bot.send_message(FORUM, "hello", message_thread_id=thread)
    general = await bot.send_message(FORUM, "everyone")
    chat = await bot.get_chat(FORUM)
    assert (thread, message.message_thread_id, message.is_topic_message) == (11, 11, True)
    assert (general.message_thread_id, general.is_topic_message) == (None, None)
    assert chat.is_forum is True
    assert [m.get("message_thread_id") for m in fake.sent_messages(FORUM)] == [11, None]


async def test_topics_made_through_the_api_take_the_creating_messages_id(
    fake: FakeTelegram, bot: Bot
) -> None:
    await bot.send_message(FORUM, "first")
    topic = await bot.create_forum_topic(FORUM, "Energy")
    document = await bot.send_document(
        FORUM, b"x", filename="a.ics", message_thread_id=topic.message_thread_id
    )
    assert (topic.name, topic.message_thread_id) == ("Energy", 2)
    assert document.message_thread_id == 2
    with pytest.raises(BadRequest, match=r"(?i)TOPIC_NAME_INVALID"):
        await bot.create_forum_topic(FORUM, "")


@pytest.mark.parametrize("thread", [99, 1])
async def test_an_unknown_thread_is_not_found(fake: FakeTelegram, bot: Bot, thread: int) -> None:
    fake.create_forum_topic(FORUM, "SCO", thread_id=11)
    with pytest.raises(BadRequest, match=r"(?i)message thread not found"):
        await bot.send_message(FORUM, "hello", message_thread_id=thread)
    assert fake.sent_messages(FORUM) == []


async def test_chats_without_topics_have_no_threads(fake: FakeTelegram, bot: Bot) -> None:
    fake.register_chat(-100777, "supergroup", title="Plain")
    for chat_id in (-100777, 42):
        with pytest.raises(BadRequest, match=r"(?i)message thread not found"):
            await bot.send_message(chat_id, "hello", message_thread_id=5)
    with pytest.raises(BadRequest, match=r"(?i)the chat is not a forum"):
        await bot.create_forum_topic(-100777, "SCO")
    assert (await bot.send_message(-100777, "plain")).message_thread_id is None


async def test_closed_and_deleted_topics_refuse_messages_others_still_take_them(
    fake: FakeTelegram, bot: Bot
) -> None:
    for thread in (11, 22, 33):
        fake.create_forum_topic(FORUM, f"topic {thread}", thread_id=thread)
    fake.close_forum_topic(FORUM, 11)
    await bot.delete_forum_topic(FORUM, 22)
    with pytest.raises(BadRequest, match=r"(?i)TOPIC_CLOSED"):
        await bot.send_message(FORUM, "hello", message_thread_id=11)
    with pytest.raises(BadRequest, match=r"(?i)message thread not found"):
        await bot.send_message(FORUM, "hello", message_thread_id=22)
    await bot.send_message(FORUM, "still here", message_thread_id=33)
    await bot.reopen_forum_topic(FORUM, 11)
    await bot.send_message(FORUM, "open again", message_thread_id=11)
    assert [m["text"] for m in fake.sent_messages(FORUM)] == ["still here", "open again"]


async def test_users_post_in_topics_and_the_bot_replies_in_the_same_thread(
    fake: FakeTelegram, bot: Bot
) -> None:
    fake.create_forum_topic(FORUM, "SCO", thread_id=11)
    raw = fake.push_message(
        chat_id=FORUM, text="/start", chat_type="supergroup", message_thread_id=11
    )
    message = Update.de_json(raw, bot).message
    assert message is not None
    assert (message.message_thread_id, message.is_topic_message) == (11, True)
    await message.reply_text("welcome")
    assert fake.sent_messages(FORUM)[-1]["message_thread_id"] == 11
    with pytest.raises(ValueError, match=r"(?i)message thread not found"):
        fake.push_message(
            chat_id=FORUM, text="/start", chat_type="supergroup", message_thread_id=12
        )
    with pytest.raises(ValueError, match="no message from thread 3 of chat -100777"):
        fake.push_message(chat_id=-100777, text="/x", chat_type="supergroup", message_thread_id=3)


async def test_a_bot_removed_from_a_forum_is_refused_everywhere_in_it(
    fake: FakeTelegram, bot: Bot
) -> None:
    fake.create_forum_topic(FORUM, "SCO", thread_id=11)
    fake.remove_bot(FORUM)
    for thread in (None, 11):
        with pytest.raises(Forbidden, match="bot was kicked from the supergroup chat"):
            await bot.send_message(FORUM, "hello", message_thread_id=thread)
    member = await bot.get_chat_member(FORUM, bot.id)
    (update,) = await bot.get_updates()
    change = update.my_chat_member
    assert member.status == "kicked"
    assert change is not None
    assert (change.chat.id, change.chat.is_forum) == (FORUM, True)
    assert (change.old_chat_member.status, change.new_chat_member.status) == ("member", "kicked")


async def test_a_bot_removed_while_its_update_is_lost_only_finds_out_by_sending(
    fake: FakeTelegram, bot: Bot
) -> None:
    fake.register_chat(-100777, "group", title="Basic")
    fake.remove_bot(-100777, notify=False)
    with pytest.raises(Forbidden, match="bot was kicked from the group chat"):
        await bot.send_message(-100777, "hello")
    assert (await bot.get_chat_member(-100777, bot.id)).status == "left"
    assert await bot.get_updates() == ()
