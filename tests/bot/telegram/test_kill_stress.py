"""SIGKILL ``python run.py`` again and again while an admin sends /addevent commands.

Before updates were recorded and handled in one transaction, 25 kills during 733 commands
doubled 1-3 events per run and lost 16 commands unanswered. Here the kill moments come
from a seeded generator (a random number of commands, then a random sub-second delay);
after the last restart every command must have made exactly one event and been answered.
``SUMMITWATCH_STRESS_KILLS`` runs more rounds (for measuring; the suite runs a few).
"""

from __future__ import annotations

import os
import random
import re
import signal
import time
from collections import Counter
from pathlib import Path

from bot.store import Store
from tests.bot.telegram.test_exactly_once import (
    ADMIN,
    app_process,
    pending_at_telegram,
    wait_until,
)
from tests.fakes.telegram_api import FakeTelegram

SEED = 20261201
KILLS = int(os.environ.get("SUMMITWATCH_STRESS_KILLS", "4"))
PER_ROUND = (3, 12)  # commands sent before each kill


def command(n: int) -> str:
    return f"/addevent 2027-05-{1 + n % 28:02d} 10:00 UTC | Stress {n} | Geneva | stress"


def test_commands_sent_across_repeated_kills_each_take_effect_once(
    tmp_path: Path, fake: FakeTelegram
) -> None:
    rng = random.Random(SEED)
    sent = 0
    for _ in range(KILLS):
        with app_process(tmp_path, fake) as app:
            for _ in range(rng.randint(*PER_ROUND)):
                sent += 1
                fake.push_message(chat_id=ADMIN, text=command(sent))
                time.sleep(rng.uniform(0.0, 0.02))  # picks the kill moment; waits for nothing
            time.sleep(rng.uniform(0.0, 0.3))
            app.send_signal(signal.SIGKILL)
            app.communicate(timeout=15)

    def answered() -> Counter[str]:
        found = (re.search(r"Stress (\d+)", m.get("text", "")) for m in fake.sent_messages(ADMIN))
        return Counter(match.group(1) for match in found if match)

    with app_process(tmp_path, fake) as app:
        wait_until(lambda: len(answered()) == sent, f"answers to all {sent} commands", 60)
        wait_until(lambda: pending_at_telegram(fake) == 0, "everything confirmed")
        app.send_signal(signal.SIGTERM)
        app.communicate(timeout=15)
    assert app.returncode == 0

    with Store(tmp_path / "data" / "db.json") as store:
        made = Counter(e.title for e in store.events.all() if e.title.startswith("Stress "))
    doubled = {title: n for title, n in made.items() if n > 1}
    missing = [n for n in range(1, sent + 1) if f"Stress {n}" not in made]
    repeated_answers = sum(n - 1 for n in answered().values())
    print(f"\n{KILLS} kills, {sent} commands, {repeated_answers} answers sent twice")
    assert not doubled, f"commands that took effect twice: {doubled}"
    assert not missing, f"commands that never took effect: {missing}"
