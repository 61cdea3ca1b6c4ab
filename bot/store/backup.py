"""Backup and migration: the whole store as one JSON document, and back.

An export holds every table's documents exactly as stored (an event's ``admin_edited``
mark included), so an import restores what was there, not an approximation. An import is
checked completely before anything is written and then lands as one atomic snapshot: a
bad file, or a refusal, leaves the database byte for byte as it was.

Both open the database as the app does, so both hold its lock: while the app runs they
refuse (StoreLocked names the lock file and the app's pid) rather than read a database
that is changing under them or restore one the app would overwrite.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.store import Store
from bot.store.files import atomic_write, feed_state_path
from calendars.errors import InvalidInput, StoreError, SummitWatchError
from calendars.events import Event
from calendars.subscribers import Subscriber

__all__ = [
    "FORMAT",
    "VERSION",
    "export_database",
    "export_store",
    "import_database",
    "import_tables",
    "parse_export",
    "render_export",
]

FORMAT = "summitwatch-export"
VERSION = 1
MAX_LISTED_PROBLEMS = 20
Doc = dict[str, Any]
Tables = dict[str, dict[str, Doc]]
Check = Callable[[str, Doc], str | None]


# ---- export ---------------------------------------------------------------------------------


def export_store(store: Store, *, now: datetime | None = None) -> dict[str, Any]:
    """The whole store as a JSON-ready document (see the module docstring for the format)."""
    stamp = (now or datetime.now(UTC)).astimezone(UTC).isoformat(timespec="seconds")
    tables = store.dump()
    return {"format": FORMAT, "version": VERSION, "exported_at": stamp, "tables": tables}


def render_export(document: dict[str, Any]) -> bytes:
    """Pretty UTF-8 JSON: people diff backups and read names in their own script."""
    return (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def export_database(db_path: Path, output: Path | None) -> str:
    """Write the database at ``db_path`` to ``output`` (stdout when None); returns a summary."""
    journal = db_path.with_name(db_path.name + ".journal")
    if db_path.is_dir() or not (db_path.exists() or journal.exists()):
        # Opening a Store would create an empty database: say what is wrong instead.
        raise StoreError(f"database file {db_path} does not exist; nothing to export")
    store = Store(db_path)
    try:
        document = export_store(store)
    finally:
        store.release()  # an export never writes to the database
    payload = render_export(document)
    if output is None:
        sys.stdout.buffer.write(payload)
        sys.stdout.buffer.flush()
    else:
        atomic_write(output, payload)  # 0600: it lists subscribers' chat ids
    return f"Exported {_counts(_sizes(document['tables']))} from {db_path} to {output or 'stdout'}."


# ---- import ---------------------------------------------------------------------------------


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"duplicate key {key!r}")  # json.loads would keep only the last
        result[key] = value
    return result


def _load_json(raw: bytes, source: str) -> Any:
    try:
        return json.loads(raw, object_pairs_hook=_no_duplicate_keys)
    except (ValueError, RecursionError) as exc:  # JSONDecodeError, UnicodeDecodeError, dupes
        raise InvalidInput(f"{source} is not valid JSON: {exc}") from exc


def _problem_reading(exc: Exception) -> str:
    if isinstance(exc, KeyError):
        return f"missing field {exc.args[0]!r}"
    if isinstance(exc, InvalidInput):
        return exc.message
    return f"cannot be read ({exc})"


def _checker(kind: str, decode: Callable[[dict[str, Any]], Event | Subscriber]) -> Check:
    """A check that a stored record decodes into a valid ``kind`` filed under its own id."""

    def check(doc_id: str, doc: Doc) -> str | None:
        data = doc.get("data")
        if not isinstance(data, dict):
            return f"has no {kind} data"
        try:
            decoded = decode(data)
        except (KeyError, TypeError, ValueError, AttributeError, OverflowError) as exc:
            return _problem_reading(exc)
        return None if decoded.id == doc_id else f"holds {kind} {decoded.id!r} under another id"

    return check


_check_event = _checker("event", Event.from_record)
_check_subscriber = _checker("subscriber", Subscriber.from_record)


# Tables the app reads into objects at start are checked as the app will read them;
# the others are logs and registries of plain documents.
_CHECKS: dict[str, Check] = {
    "events": _check_event,
    "subscribers": _check_subscriber,
}


def parse_export(raw: bytes, *, source: str) -> Tables:
    """The tables of an export, or InvalidInput listing every problem (table, id, what)."""
    document = _load_json(raw, source)
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise InvalidInput(
            f'{source} is not a SummitWatch export (it needs "format": "{FORMAT}"); '
            "make one with: python run.py export --output FILE"
        )
    if document.get("version") != VERSION:
        raise InvalidInput(
            f"{source} is export version {document.get('version')!r}; "
            f"this SummitWatch reads version {VERSION}"
        )
    tables = document.get("tables")
    if not isinstance(tables, dict):
        raise InvalidInput(f'{source} has no "tables" object')
    problems = []
    for name, docs in tables.items():
        if not isinstance(docs, dict):
            problems.append(f"table {name!r}: must be an object of records by id")
            continue
        check = _CHECKS.get(name)
        for doc_id, doc in docs.items():
            where = f"table {name!r}, record {doc_id!r}"
            if not isinstance(doc, dict):
                problems.append(f"{where}: must be an object")
            elif check is not None and (problem := check(doc_id, doc)) is not None:
                problems.append(f"{where}: {problem}")
    if problems:
        listed = problems[:MAX_LISTED_PROBLEMS]
        if len(problems) > len(listed):
            listed.append(f"… and {len(problems) - len(listed)} more")
        raise InvalidInput(
            f"{source} cannot be imported ({len(problems)} problem"
            f"{'' if len(problems) == 1 else 's'}; nothing was written):\n  " + "\n  ".join(listed)
        )
    return tables


def import_tables(store: Store, tables: Tables, *, replace: bool) -> None:
    """Put ``tables`` in place of everything in ``store``; a non-empty store needs ``replace``.

    Refusing, like failing, writes nothing. The store is closed afterwards either way.
    """
    held = _sizes(store.dump())
    if any(held.values()) and not replace:
        store.release()
        raise StoreError(
            f"database {store.path} already holds {_counts(held)}; "
            "use --replace to replace everything in it (export it first to keep a copy)"
        )
    store.load(tables)
    store.close()


def import_database(db_path: Path, source: str, *, replace: bool) -> str:
    """Import the export at ``source`` (a path, or ``-`` for stdin); returns a summary."""
    try:
        raw = sys.stdin.buffer.read() if source == "-" else Path(source).read_bytes()
    except OSError as exc:
        raise SummitWatchError(f"cannot read {source}: {exc.strerror or exc}") from exc
    tables = parse_export(raw, source="stdin" if source == "-" else source)
    import_tables(Store(db_path), tables, replace=replace)
    # Renders kept for the events that were there: the next start renders afresh.
    feed_state_path(Path(db_path).resolve()).unlink(missing_ok=True)
    return f"Imported {_counts(_sizes(tables))} into {db_path}."


def _sizes(tables: Tables) -> dict[str, int]:
    return {name: len(docs) for name, docs in tables.items()}


def _counts(sizes: dict[str, int]) -> str:
    parts = [f"{count} {name}" for name, count in sizes.items() if count]
    return ", ".join(parts) or "nothing (an empty database)"
