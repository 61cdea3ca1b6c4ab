"""The tests' fake Telegram Bot API server in a process of its own, for benchmarks.

    .venv/bin/python benchmarks/fake_bot_api_server.py [--limits]

Why a process: the fake is a Python server, and in the bot's process it would share the
GIL (and the event loop's latency) with the code being measured.

Protocol, one line at a time: on start it prints ``{"base_url": ..., "token": ...}`` (port 0,
loopback only); then it reads commands from stdin: ``stats`` prints one JSON line of
counters, ``ask <chat id> <text>`` pushes a user's message and prints the seconds until the
bot replied in that chat, ``quit`` (or end of input) stops the server and exits.
``--limits`` turns on ``enforce_limits()`` with Telegram's numbers (30/s overall, or
1,000/s for sends with ``allow_paid_broadcast``; 1/s per chat, 20/min per group).

``--faults`` makes it unreliable the way Telegram can be, at random per send (seeded):
429 with ``retry_after`` 1-2 s, 500/502, a response held 7 s (past python-telegram-bot's
5 s read timeout; that send is not delivered), and 403 for a fixed share of chats (they
blocked the bot). ``sent`` prints every delivered message as ``[chat_id, text]``, so a
script can count what each chat received.

Counters come from a subclass that only observes: every send the flood limiter admits is
timestamped (``_admit`` returned without raising), so the benchmark can report the rate the
server actually saw and the busiest one-second window, next to the fake's own ``flood_429s``
and when each of those 429s was answered.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from starlette.requests import Request
from starlette.responses import Response

from tests.fakes.telegram_api import FakeTelegram
from tests.fakes.telegram_rules import ApiError


class CountingFakeTelegram(FakeTelegram):
    """``FakeTelegram`` that also records when each send was admitted (server clock)."""

    def __init__(self) -> None:
        super().__init__()
        self.admitted_at: list[float] = []
        self.admitted: list[tuple[float, str]] = []
        self.paid_sends = 0
        self.refused_at: list[float] = []  # when each 429 of the flood limiter was answered
        self.delivered: list[tuple[float, Any, str]] = []  # (monotonic, chat, text)

    def _admit(self, chat_id: int | str, params: dict[str, Any] | None = None) -> None:
        try:
            super()._admit(chat_id, params)  # raises the 429 (and counts it) when over a limit
        except ApiError:
            self.refused_at.append(time.monotonic())
            raise
        self.paid_sends += bool(params and params.get("allow_paid_broadcast") is True)
        now = time.monotonic()  # CLOCK_MONOTONIC: the same clock as the bot's process
        self.admitted_at.append(now)
        self.admitted.append((now, str(chat_id)))

    def _call(self, method: str, params: dict[str, Any]) -> Any:
        result = super()._call(method, params)  # raises when the send was refused
        if method == "sendMessage":
            self.delivered.append(
                (time.monotonic(), params.get("chat_id"), str(params.get("text")))
            )
        return result

    def stats(self) -> dict[str, Any]:
        """Counters so far; safe from any thread (holds the state lock)."""
        with self._lock:
            times = list(self.admitted_at)
            methods = Counter(method for method, _ in self._requests)
            flood = self._flood_429s
            refused = list(self.refused_at)
        return {
            "requests": sum(methods.values()),
            "send_message_requests": methods["sendMessage"],
            "admitted": len(times),
            "flood_429s": flood,
            "paid_sends": self.paid_sends,
            "first_admitted": times[0] if times else None,
            "last_admitted": times[-1] if times else None,
            "busiest_second": busiest_window(times, 1.0),
            "refused_at": [round(at - times[0], 3) for at in refused] if times else refused,
            "admitted_before_first_429": sum(at < refused[0] for at in times) if refused else None,
            "cpu_seconds": time.process_time(),
        }


def ask(fake: FakeTelegram, chat_id: int, text: str, timeout: float = 30.0) -> dict[str, Any]:
    """Push ``text`` from a user in ``chat_id``; seconds until the bot sent that chat a reply
    (its sendMessage reached the server), or ``None`` after ``timeout``."""
    before = len(fake.requests)
    started = time.monotonic()
    fake.push_message(chat_id=chat_id, text=text)

    def replied(requests: list[tuple[str, dict[str, Any]]]) -> bool:
        return any(
            method == "sendMessage" and params.get("chat_id") == chat_id
            for method, params in requests[before:]
        )

    try:
        fake.wait_for_sync(replied, timeout)
    except AssertionError:
        return {"seconds": None}
    return {"seconds": time.monotonic() - started}


class FaultyFakeTelegram(CountingFakeTelegram):
    """Sends fail at random: 429 (with retry_after), 5xx, timeouts; some chats blocked."""

    def __init__(self, *, seed: int, rates: dict[str, float]) -> None:
        super().__init__()
        self._random = random.Random(seed)
        self.rates = rates
        self.injected: Counter[str] = Counter()

    def _draw(self) -> str | None:
        roll = self._random.random()
        for kind, rate in self.rates.items():
            if roll < rate:
                return kind
            roll -= rate
        return None

    async def _endpoint(self, request: Request) -> Response:
        if request.path_params["method"] in ("sendMessage", "sendDocument"):
            with self._lock:
                fault = self._draw()
                if fault:
                    self.injected[fault] += 1
            if fault == "timeout":
                await asyncio.sleep(7)  # the client gave up at 5 s; nothing is delivered
                return Response(status_code=504)
            if fault == "429":
                retry = self._random.choice((1, 2))
                error = ApiError(429, f"Too Many Requests: retry after {retry}", retry)
                return Response(json.dumps(error.payload()), 429, media_type="application/json")
            if fault == "5xx":
                status = self._random.choice((500, 502))
                body = {"ok": False, "error_code": status, "description": "Internal Server Error"}
                return Response(json.dumps(body), status, media_type="application/json")
        return await super()._endpoint(request)


def busiest_window(times: list[float], span: float) -> int:
    """Most timestamps in any half-open window ``(t - span, t]`` (times ascending)."""
    best = start = 0
    for end, at in enumerate(times):
        while times[start] <= at - span:
            start += 1
        best = max(best, end - start + 1)
    return best


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--limits", action="store_true", help="enforce Telegram's flood limits")
    parser.add_argument("--faults", action="store_true", help="fail sends at random (see above)")
    parser.add_argument("--rate-429", type=float, default=0.002)
    parser.add_argument("--rate-5xx", type=float, default=0.01)
    parser.add_argument("--rate-timeout", type=float, default=0.002)
    parser.add_argument("--blocked", default="", help="chat ids answered 403, comma-separated")
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args(argv)
    fake: CountingFakeTelegram = CountingFakeTelegram()
    if args.faults:
        rates = {"429": args.rate_429, "5xx": args.rate_5xx, "timeout": args.rate_timeout}
        fake = FaultyFakeTelegram(seed=args.seed, rates=rates)
    for chat in filter(None, args.blocked.split(",")):
        fake.block_chat(int(chat))
    if args.limits:
        fake.enforce_limits(global_per_second=30, per_chat_per_second=1, group_per_minute=20)
    fake.start()
    try:
        print(json.dumps({"base_url": fake.base_url, "token": fake.token}), flush=True)
        for line in sys.stdin:
            command = line.strip()
            if command == "stats":
                print(json.dumps(fake.stats()), flush=True)
            elif command == "admitted":  # every admitted send: (server monotonic time, chat)
                with fake._lock:
                    print(json.dumps(fake.admitted), flush=True)
            elif command.startswith("ask "):  # ask <chat id> <text>: a user's command
                _, chat, text = command.split(" ", 2)
                print(json.dumps(ask(fake, int(chat), text)), flush=True)
            elif command == "sent":  # every delivered message: [chat_id, text]
                rows = [[m.get("chat_id"), m.get("text", "")] for m in fake.sent_messages()]
                print(json.dumps(rows), flush=True)
            elif command == "delivered":  # [server monotonic time, chat_id, text]
                with fake._lock:
                    print(json.dumps(fake.delivered), flush=True)
            elif command == "faults":
                print(json.dumps(dict(getattr(fake, "injected", {}))), flush=True)
            elif command == "quit":
                break
            elif command:
                print(json.dumps({"error": f"unknown command {command!r}"}), flush=True)
    finally:
        fake.stop()


if __name__ == "__main__":
    main()
