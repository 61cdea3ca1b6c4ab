"""Start SummitWatch: ``python run.py --help`` lists the options, commands and settings.

``python run.py`` runs the app; ``python run.py export`` and ``python run.py import FILE``
back the database up as JSON and restore it (with the app stopped);
``python run.py export-feeds DIR`` writes the public calendar feeds as files for nginx.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import sys
from collections.abc import Coroutine
from pathlib import Path
from typing import Any

from bot.store.backup import export_database, import_database
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
    # The commands take --config/--db after their name too; SUPPRESS keeps a value given
    # before the name from being reset to None.
    database = argparse.ArgumentParser(add_help=False)
    database.add_argument(
        "--config", type=Path, default=argparse.SUPPRESS, help="TOML settings file"
    )
    database.add_argument("--db", default=argparse.SUPPRESS, help="database file (SUMMITWATCH_DB)")
    commands = parser.add_subparsers(
        dest="command", title="commands (none: run the app)", metavar="{export,import,export-feeds}"
    )
    export = commands.add_parser(
        "export",
        parents=[database],
        help="write the whole database as JSON, for backup or migration",
        description="Write the whole database as JSON. Stop the app first.",
    )
    export.add_argument("--output", "-o", type=Path, help="file to write (default: stdout)")
    restore = commands.add_parser(
        "import",
        parents=[database],
        help="load an export into the database (checked first; nothing written on error)",
        description="Load an export made by 'run.py export'. Stop the app first. "
        "Every record is checked before anything is written.",
    )
    restore.add_argument("file", help="the export file; - reads stdin")
    restore.add_argument(
        "--replace", action="store_true", help="replace a database that already has data"
    )
    static = commands.add_parser(
        "export-feeds",
        parents=[database],
        help="write the public calendar feeds as files for nginx (see deploy/nginx.conf)",
        description="Write every public calendar feed (all, each topic, each event) into "
        "DIR as nginx serves them, then exit. Stop the app first; while it runs, "
        "SUMMITWATCH_STATIC_DIR keeps such a folder current.",
    )
    static.add_argument("directory", type=Path, metavar="DIR", help="folder to write into")
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
        if args.command == "export":
            print(export_database(settings.db_path, args.output), file=sys.stderr)
        elif args.command == "import":
            print(import_database(settings.db_path, args.file, replace=args.replace))
        elif args.command == "export-feeds":
            from bot.web.publishing import export_feeds  # loads the renderer: only when asked

            print(f"{args.directory}: {export_feeds(settings, args.directory)}")
        else:
            # Here, not at the top: the app's libraries take ~0.4 s to load and the
            # export/import commands need none of them. The cyclic collector's passes
            # over what importing builds find nothing to free: ~0.1 s of every start.
            gc.disable()
            try:
                from bot.lifecycle import configure_logging, serve
            finally:
                gc.enable()

            configure_logging(settings.log_level)
            run_event_loop(serve(settings))
    except SummitWatchError as exc:
        print(f"summitwatch: error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
