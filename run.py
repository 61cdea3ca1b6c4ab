"""Start SummitWatch: ``python run.py --help`` lists the options and settings."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Coroutine
from pathlib import Path
from typing import Any

from bot.lifecycle import configure_logging, serve
from calendars.errors import SummitWatchError
from config.settings import SETTINGS_DOC, load_settings


def parse_args(argv: list[str]) -> argparse.Namespace:
    settings_help = "\n".join(f"  {key:<30} {text}" for key, text in SETTINGS_DOC)
    parser = argparse.ArgumentParser(
        prog="run.py",
        description="SummitWatch: diplomatic calendar, iCal feeds and Telegram reminders.",
        epilog="Settings (environment variables, or the same keys in a TOML config file):\n"
        + settings_help,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--config", type=Path, help="TOML settings file (keys as listed below)")
    parser.add_argument("--host", help="address to listen on (SUMMITWATCH_HOST)")
    parser.add_argument("--port", help="port to listen on; 0 picks a free one (SUMMITWATCH_PORT)")
    parser.add_argument("--db", help="database file (SUMMITWATCH_DB)")
    parser.add_argument("--log-level", help="DEBUG, INFO, WARNING or ERROR")
    return parser.parse_args(argv)


def run_event_loop(main: Coroutine[Any, Any, None]) -> None:
    """uvloop when installed (uvicorn[standard] brings it: ~3x the requests/s), else asyncio."""
    try:
        import uvloop  # optional speed-up
    except ImportError:
        asyncio.run(main)
    else:
        uvloop.run(main)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    flags = {
        "SUMMITWATCH_HOST": args.host,
        "SUMMITWATCH_PORT": args.port,
        "SUMMITWATCH_DB": args.db,
        "SUMMITWATCH_LOG_LEVEL": args.log_level,
    }
    try:
        settings = load_settings(
            os.environ,
            config_file=args.config,
            overrides={k: v for k, v in flags.items() if v is not None},
        )
        configure_logging(settings.log_level)
        run_event_loop(serve(settings))
    except SummitWatchError as exc:
        print(f"summitwatch: error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
