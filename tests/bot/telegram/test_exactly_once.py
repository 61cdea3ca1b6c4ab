"""Commands across a SIGKILL: each takes effect exactly once and is answered.

``python run.py`` runs as a real process against the fake Bot API (in this process, on
loopback), and is killed with SIGKILL at the two moments that lost or doubled commands:
after Telegram was told an update arrived but before its handler finished, and after the
handler's effect was saved but before Telegram was told. The fake's ``set_delay`` holds a
request at the fake, so the app is reliably inside that window when it is killed.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from bot.store import Store
from tests.fakes.telegram_api import FakeTelegram
from tests.test_run import ROOT, env_for

ADMIN = 1001
USER = 2002
HOLD = 30.0  # seconds a held request waits at the fake: far longer than the test needs


def wait_until(condition: Callable[[], bool], what: str, within: float = 20.0) -> None:
    deadline = time.monotonic() + within
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.01)


@contextmanager
def app_process(tmp_path: Path, fake: FakeTelegram) -> Iterator[subprocess.Popen[str]]:
    env = env_for(
        tmp_path,
        TELEGRAM_BOT_TOKEN=fake.token,
        TELEGRAM_API_BASE_URL=fake.base_url,
        SUMMITWATCH_ADMIN_IDS=str(ADMIN),
        SUMMITWATCH_FETCH_ALLOW="127.0.0.1",  # /addfeed's source: a closed local port
    )
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "run.py")],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        cwd=tmp_path,
    )
    try:
        assert process.stdout is not None
        for line in process.stdout:  # the banner ends once the bot has started
            if line.startswith("Press Ctrl+C"):
                break
        yield process
    finally:
        if process.poll() is None:
            process.kill()
        process.communicate(timeout=15)


def polls(fake: FakeTelegram) -> list[dict[str, object]]:
    return [params for method, params in fake.requests if method == "getUpdates"]


def confirmed(fake: FakeTelegram, update_id: int) -> bool:
    return any(int(str(p.get("offset") or 0)) > update_id for p in polls(fake))


def pending_at_telegram(fake: FakeTelegram) -> int:
    """Updates Telegram still holds (not confirmed), as getWebhookInfo reports them."""
    info = httpx.get(f"{fake.base_url}{fake.token}/getWebhookInfo", timeout=10).json()
    return int(info["result"]["pending_update_count"])


def replies(fake: FakeTelegram, start: str, chat: int = ADMIN) -> list[str]:
    return [m["text"] for m in fake.sent_messages(chat) if m.get("text", "").startswith(start)]


def database(tmp_path: Path) -> Path:
    return tmp_path / "data" / "db.json"


def titles(tmp_path: Path) -> list[str]:
    with Store(database(tmp_path)) as store:
        return sorted(e.title for e in store.events.all() if e.title.startswith("Crash"))


def journal_marks_done(tmp_path: Path, update_id: int) -> bool:
    journal = database(tmp_path).with_name("db.json.journal")
    for line in journal.read_bytes().splitlines():
        for change in json.loads(line).get("changes", []):
            if change["table"] == "updates" and change["set"].get(str(update_id), {}).get("done"):
                return True
    return False


def addevent(fake: FakeTelegram, title: str) -> int:
    text = f"/addevent 2027-03-01 10:00 UTC | {title} | Geneva | crash"
    return int(fake.push_message(chat_id=ADMIN, text=text)["update_id"])


def stop(process: subprocess.Popen[str]) -> None:
    process.send_signal(signal.SIGTERM)
    process.communicate(timeout=15)
    assert process.returncode == 0


def test_commands_confirmed_but_not_finished_when_killed_run_once_after_restart(
    tmp_path: Path, fake: FakeTelegram
) -> None:
    with app_process(tmp_path, fake) as app:
        fake.set_delay("sendMessage", HOLD)  # the first handler hangs on its reply
        first = addevent(fake, "Crash Summit A")  # effect in memory, not committed
        second = addevent(fake, "Crash Summit B")  # same chat: waits for the first
        wait_until(lambda: confirmed(fake, second), "both updates confirmed to Telegram")
        wait_until(
            lambda: any(m == "sendMessage" for m, _ in fake.requests), "the first reply under way"
        )
        app.send_signal(signal.SIGKILL)
        app.communicate(timeout=15)
    assert titles(tmp_path) == []  # neither effect reached the disk ...
    with Store(database(tmp_path)) as store:  # ... and both updates wait to be replayed
        assert [raw["update_id"] for raw in store.updates.unfinished()] == [first, second]

    fake.set_delay("sendMessage", 0)
    with app_process(tmp_path, fake) as app:
        wait_until(lambda: len(replies(fake, "Added")) >= 2, "both commands answered")
        stop(app)
    assert titles(tmp_path) == ["Crash Summit A", "Crash Summit B"]  # once each
    assert len(replies(fake, "Added")) == 2


def test_a_command_saved_but_not_yet_confirmed_when_killed_is_not_applied_again(
    tmp_path: Path, fake: FakeTelegram
) -> None:
    with app_process(tmp_path, fake) as app:
        wait_until(lambda: len(polls(fake)) >= 1, "the first poll")
        fake.set_delay("getUpdates", HOLD)  # the poll that would confirm it is held
        update_id = addevent(fake, "Crash Summit C")
        wait_until(lambda: journal_marks_done(tmp_path, update_id), "the effect committed")
        assert pending_at_telegram(fake) == 1  # Telegram was not told: it would resend it
        app.send_signal(signal.SIGKILL)
        app.communicate(timeout=15)
    assert titles(tmp_path) == ["Crash Summit C"]

    fake.set_delay("getUpdates", 0)  # Telegram would now hand the update out again
    with app_process(tmp_path, fake) as app:
        wait_until(lambda: pending_at_telegram(fake) == 0, "the restarted app confirming it")
        fake.push_message(chat_id=ADMIN, text="/stats")  # the bot is up and answering
        wait_until(lambda: len(replies(fake, "<b>SummitWatch statistics")) == 1, "/stats")
        stop(app)
    assert titles(tmp_path) == ["Crash Summit C"]  # not "…-2027-2" as well
    assert len(replies(fake, "Added")) == 1


# (chat, command, the start of its answer, the audit action it leaves exactly once)
COMMANDS = {
    "editevent": (
        ADMIN,
        '/editevent sco-tianjin-2025 location="Tianjin, China"',
        "Updated",
        "event.edit",
    ),
    "cancelevent": (ADMIN, "/cancelevent sco-tianjin-2025", "Cancelled", "event.cancel"),
    "broadcast": (ADMIN, "/broadcast The summit moved", "Sending to", "broadcast"),
    "addfeed": (ADMIN, "/addfeed http://127.0.0.1:9/feed.xml sco", "Watching", "feed.add"),
    "start": (USER, "/start", "Welcome", None),
}


@pytest.mark.parametrize("command", COMMANDS.values(), ids=COMMANDS.keys())
def test_each_command_saved_before_a_kill_takes_effect_once_and_is_answered_once(
    tmp_path: Path, fake: FakeTelegram, command: tuple[int, str, str, str | None]
) -> None:
    chat, text, answer, action = command
    with app_process(tmp_path, fake) as app:
        wait_until(lambda: len(polls(fake)) >= 1, "the first poll")
        fake.set_delay("getUpdates", HOLD)
        update_id = int(fake.push_message(chat_id=chat, text=text)["update_id"])
        wait_until(lambda: journal_marks_done(tmp_path, update_id), "the effect committed")
        app.send_signal(signal.SIGKILL)
        app.communicate(timeout=15)

    fake.set_delay("getUpdates", 0)
    with app_process(tmp_path, fake) as app:
        wait_until(lambda: pending_at_telegram(fake) == 0, "the restarted app confirming it")
        fake.push_message(chat_id=ADMIN, text="/stats")
        wait_until(lambda: len(replies(fake, "<b>SummitWatch statistics")) == 1, "/stats")
        stop(app)
    with Store(database(tmp_path)) as store:
        done = [entry for entry in store.audit.recent(1000) if entry["action"] == action]
        assert len(done) == (0 if action is None else 1), done
        assert store.broadcasts.unfinished() == []  # a broadcast was resumed and finished
        assert (str(USER) in store.subscribers) == (chat == USER)
    assert len(replies(fake, answer, chat)) == 1
