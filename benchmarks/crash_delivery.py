"""kill -9 in the middle of delivery: what a crash between a send and its record costs.

    .venv/bin/python benchmarks/crash_delivery.py          # both, 10,000 chats, 20 kills
    .venv/bin/python benchmarks/crash_delivery.py --scenario broadcast --chats 2000 --kills 5

The real bot process (``run.py`` with a token, its Bot API base URL pointed at
``fake_bot_api_server.py`` in a process of its own) delivers to 10,000 private chats:

* ``broadcast``: a /broadcast as its handler leaves it (recorded, not yet sent: the
  broadcast log's entry), which the app sends, and resumes after every restart;
* ``reminders``: an event 1 h 10 s away with the 1-hour reminder on, followed by every
  chat; the burst falls due ~10 s after the first start (afterwards the restart's
  catch-up sends what is left).

While it sends, the script SIGKILLs it at random moments (after a random 100-900 more
messages reached the server), ``--kills`` times, restarting it each time, then lets it
finish. At each kill, once the server has answered everything that reached it, the
database is opened (as the next start will read it) and compared with what the server
delivered: messages this run delivered to chats with no record yet are the sends "in
flight" at the kill (delivered, not yet recorded), the only ones a restart can repeat.
At the end, per chat: missed (must be 0) and duplicated
(must be at most the sum of those in flight).

Pacing is lifted in the bot for this run (PTB's limiter at 0, no per-chat interval, as in
``bench_broadcast.py --mode off``): at Telegram's 28.8/s one 10,000-chat delivery takes
six minutes; what a crash costs does not depend on the pace. Nothing else is changed.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, cast

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tinydb.table import Document  # noqa: E402

from bot.store import Store  # noqa: E402
from calendars.events import Event  # noqa: E402
from calendars.subscribers import Subscriber  # noqa: E402

FIRST_CHAT = 10_000_000
TEXT = "<b>SummitWatch</b>: the summit moves to <i>15 July</i>. Reminders follow the new date."
BROADCAST_ID = "20261201T120000-crash"


def child() -> None:
    """The bot as ``run.py`` runs it, with Telegram pacing lifted (see the docstring)."""
    from unittest.mock import patch

    from telegram.ext import AIORateLimiter

    import bot.telegram.application as tg_application
    import bot.telegram.notifier as tg_notifier
    import run

    class UnpacedChatPacer(tg_notifier.ChatPacer):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **{**kwargs, "interval": 0.0})

    def unlimited() -> AIORateLimiter:
        return AIORateLimiter(overall_max_rate=0, group_max_rate=0)

    with (
        patch.object(tg_application, "rate_limiter", unlimited),
        patch.object(tg_notifier, "ChatPacer", UnpacedChatPacer),
    ):
        sys.exit(run.main([]))


class FakeServer:
    """``fake_bot_api_server.py`` over its stdin/stdout line protocol."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, str(ROOT / "benchmarks" / "fake_bot_api_server.py")],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,  # a killed client's half-sent request is noise here
            text=True,
        )
        hello = json.loads(self._line())
        self.base_url, self.token = str(hello["base_url"]), str(hello["token"])

    def _line(self) -> str:
        assert self.process.stdout is not None
        return self.process.stdout.readline()

    def ask(self, command: str) -> Any:
        assert self.process.stdin is not None
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()
        return json.loads(self._line())

    def received(self, marker: str) -> Counter[str]:
        """Messages delivered per chat whose text contains ``marker``."""
        return Counter(str(chat) for chat, text in self.ask("sent") if marker in text)

    def settled(self, marker: str) -> Counter[str]:
        """As ``received``, once nothing more arrives (requests the dead bot left behind)."""
        last = self.received(marker)
        while True:
            time.sleep(0.2)
            now = self.received(marker)
            if now == last:
                return now
            last = now

    def close(self) -> None:
        self.ask_quietly("quit")
        self.process.wait(10)

    def ask_quietly(self, command: str) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()


def prefill(path: Path, scenario: str, chats: int, now: datetime) -> None:
    long_ago = now - timedelta(days=2)
    with Store(path) as store:
        store._db.table("subscribers").insert_multiple(
            Document(
                {
                    "data": Subscriber(
                        id=str(FIRST_CHAT + n),
                        title=f"Reader {n}",
                        subscribed_at=long_ago,
                        reminders_since=long_ago,
                    ).to_record()
                },
                doc_id=cast(Any, str(FIRST_CHAT + n)),
            )
            for n in range(chats)
        )
        if scenario == "broadcast":
            store.broadcasts.start(BROADCAST_ID, html=TEXT, actor="admin", at=now)
        else:
            start = now + timedelta(hours=1, seconds=10)
            store.events.save(
                Event(
                    id="crash-summit",
                    title="Crash-test summit",
                    start=start,
                    end=start + timedelta(hours=2),
                    timezone="UTC",
                    created=long_ago,
                    updated=long_ago,
                )
            )


def recorded(path: Path, prefix: str) -> set[str]:
    """Chats whose delivery is recorded done, as the next start will read the database."""
    store = Store(path)
    try:
        docs = (store._db.storage.read() or {}).get("deliveries", {})
        done = {"sent", "skipped"}
        return {
            key.rpartition("/")[2]
            for key, doc in docs.items()
            if key.startswith(prefix) and doc.get("status") in done
        }
    finally:
        store.release()


def launch(env: dict[str, str], *, logs: bool = False) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, __file__, "--child"],
        env={**env, "SUMMITWATCH_LOG_LEVEL": "INFO"} if logs else env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE if logs else subprocess.DEVNULL,
        cwd=ROOT,
        text=True,
    )


def wait_for_log(process: subprocess.Popen[str], words: str) -> None:
    """Read the bot's log until a line holds ``words`` (its delivery finished)."""
    assert process.stderr is not None
    for line in process.stderr:
        if words in line:
            return
    raise SystemExit(f"the bot exited ({process.wait()}) without logging {words!r}")


def run_scenario(scenario: str, chats: int, kills: int, rng: random.Random) -> dict[str, Any]:
    marker = "the summit moves" if scenario == "broadcast" else "Crash-test summit"
    prefix = f"broadcast:{BROADCAST_ID}/" if scenario == "broadcast" else "crash-summit@"
    fake = FakeServer()
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "summitwatch.json"
        prefill(db, scenario, chats, datetime.now(UTC))
        env = {k: v for k, v in os.environ.items() if not k.startswith("SUMMITWATCH_")}
        env.update(
            TELEGRAM_BOT_TOKEN=fake.token,
            TELEGRAM_API_BASE_URL=fake.base_url,
            SUMMITWATCH_DB=str(db),
            SUMMITWATCH_PORT="0",
            SUMMITWATCH_SEED="off",
            SUMMITWATCH_FEEDS="off",
            SUMMITWATCH_REMINDER_OFFSETS="1h",
            SUMMITWATCH_LOG_LEVEL="WARNING",
        )
        in_flight: list[int] = []
        previous: Counter[str] = Counter()
        began = time.perf_counter()
        for _ in range(kills):
            process = launch(env)
            target = fake.ask("stats")["admitted"] + rng.randint(100, 900)
            while (sent := fake.ask("stats")["admitted"]) < target:
                if process.poll() is not None:
                    raise SystemExit(f"the bot exited ({process.returncode}) before the kill")
                if sent >= chats and len(fake.received(marker)) >= chats:
                    break  # it finished before this kill's moment
                time.sleep(0.01)
            os.kill(process.pid, signal.SIGKILL)
            process.wait()
            delivered = fake.settled(marker)
            unrecorded = set(delivered) - recorded(db, prefix)
            # Messages this run delivered whose record did not make it: each one counted once.
            in_flight.append(sum(delivered[c] - previous[c] for c in unrecorded))
            previous = delivered
        process = launch(env, logs=True)  # the last run: left to finish what is left
        wait_for_log(process, "broadcast.done" if scenario == "broadcast" else "reminders.sent")
        settled = fake.settled(marker)
        process.send_signal(signal.SIGTERM)
        assert process.stderr is not None
        process.stderr.read()
        process.wait(60)
        left = chats - len(recorded(db, prefix))
        store = Store(db)
        unfinished = store.broadcasts.unfinished()
        store.release()
        fake.close()
    expected = {str(FIRST_CHAT + n) for n in range(chats)}
    return {
        "scenario": scenario,
        "chats": chats,
        "kills": kills,
        "seconds": round(time.perf_counter() - began, 1),
        "messages": sum(settled.values()),
        "missed": len(expected - set(settled)),
        "duplicated": sum(n - 1 for n in settled.values() if n > 1),
        "chats_duplicated": sum(1 for n in settled.values() if n > 1),
        "in_flight_total": sum(in_flight),
        "in_flight_max": max(in_flight, default=0),
        "in_flight_each": in_flight,
        "unrecorded_at_end": left,
        "unfinished_broadcasts": len(unfinished),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--scenario", choices=("broadcast", "reminders", "both"), default="both")
    parser.add_argument("--chats", type=int, default=10_000)
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args(argv)
    if args.child:
        child()
        return 0
    rng = random.Random(args.seed)
    scenarios = ("broadcast", "reminders") if args.scenario == "both" else (args.scenario,)
    failed = False
    for scenario in scenarios:
        result = run_scenario(scenario, args.chats, args.kills, rng)
        print(json.dumps(result), flush=True)
        ok = result["missed"] == 0 and result["duplicated"] <= result["in_flight_total"]
        failed |= not ok
        print(
            f"{scenario}: {result['kills']} kills, {result['messages']} messages to "
            f"{result['chats']} chats in {result['seconds']} s; missed {result['missed']}, "
            f"duplicated {result['duplicated']} (in flight at the kills: "
            f"{result['in_flight_total']}, at most {result['in_flight_max']} at one) "
            f"{'OK' if ok else 'FAILED'}",
            flush=True,
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
