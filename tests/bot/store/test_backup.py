"""``python run.py export`` / ``import`` as an operator runs them: real processes, real files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.store import Store
from bot.store.backup import export_store
from calendars.events import Coverage, Event, Status
from calendars.news.sources import NewsSource
from calendars.subscribers import Subscriber

ROOT = Path(__file__).resolve().parents[3]
NOW = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)


def run(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {
        k: v for k, v in os.environ.items() if not k.startswith(("SUMMITWATCH_", "TELEGRAM_"))
    }
    environ.update(env, PYTHONPATH=str(ROOT))
    return subprocess.run(
        [sys.executable, str(ROOT / "run.py"), *args],
        env=environ,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=30,
    )


def seed(path: Path, *, prefix: str = "") -> None:
    """A database as the app leaves it: events (one seeded), subscribers, logs, a feed."""
    kolkata = ZoneInfo("Asia/Kolkata")
    with Store(path) as store:
        store.events.save(
            Event(
                id=f"{prefix}modi-putin-delhi",
                title="मोदी–पुतिन शिखर वार्ता",
                start=datetime(2026, 12, 4, 10, 0, tzinfo=kolkata),
                end=datetime(2026, 12, 5, 18, 0, tzinfo=kolkata),
                timezone="Asia/Kolkata",
                tags=("india-russia", "state-visit"),
                keywords=("Putin", "मोदी"),
                urls=("https://www.mea.gov.in/",),
                coverage=(
                    Coverage(title="Visit announced", url="https://example.org/a", published=NOW),
                ),
                sequence=3,
            )
        )
        store.events.seed(
            [
                Event(
                    id=f"{prefix}sco-2026",
                    title="SCO Summit 2026",
                    start=date(2026, 6, 15),
                    end=date(2026, 6, 17),
                    timezone="Asia/Bishkek",
                    status=Status.TENTATIVE,
                )
            ],
            now=NOW,
        )
        store.subscribers.save(
            Subscriber(
                id=f"{prefix}111",
                zone="Asia/Kolkata",
                topics=frozenset({"sco"}),
                offsets=(timedelta(days=1), timedelta(hours=2)),
            )
        )
        store.subscribers.save(Subscriber(id=f"{prefix}-100200", kind="channel", title="Desk"))
        store.deliveries.record(f"{prefix}r:sco-2026:111:86400", "sent", at=NOW)
        store.audit.append(actor="111", action="event.add", detail="modi-putin-delhi", at=NOW)
        store.news_sources.save(
            NewsSource(
                id=f"{prefix}f1",
                url="https://example.org/rss",
                tags=("sco",),
                added_at=NOW,
                next_poll=NOW,
            )
        )


def contents(path: Path) -> dict[str, Any]:
    """Everything in a database, as an export shows it (without the moment of export)."""
    with Store(path) as store:
        return export_store(store)["tables"]  # type: ignore[no-any-return]


def files(directory: Path) -> dict[str, bytes]:
    """The database's files; the lock file only names whoever last opened it."""
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir()) if p.suffix != ".lock"}


def test_export_then_import_restores_every_record(tmp_path: Path) -> None:
    source = tmp_path / "old" / "summitwatch.json"
    seed(source)
    before = files(source.parent)
    config = tmp_path / "settings.toml"
    config.write_text(f'[summitwatch]\nsummitwatch_db = "{source}"\n', encoding="utf-8")

    exported = run(tmp_path, "export", "--config", str(config), "--output", "backup.json")
    assert exported.returncode == 0, exported.stderr
    assert "Exported 2 events, 2 subscribers" in exported.stderr
    assert files(source.parent) == before  # exporting writes nothing to the database
    backup = tmp_path / "backup.json"
    text = backup.read_text(encoding="utf-8")
    assert "मोदी–पुतिन शिखर वार्ता" in text  # readable, not \\u escapes
    assert backup.stat().st_mode & 0o077 == 0  # chat ids: owner only

    target = tmp_path / "new" / "summitwatch.json"
    imported = run(tmp_path, "import", "backup.json", "--db", str(target))
    assert imported.returncode == 0, imported.stderr
    assert "Imported 2 events, 2 subscribers" in imported.stdout

    with Store(source) as old, Store(target) as new:
        assert sorted(new.events.all(), key=lambda e: e.id) == sorted(
            old.events.all(), key=lambda e: e.id
        )
        assert sorted(new.subscribers.all(), key=lambda s: s.id) == sorted(
            old.subscribers.all(), key=lambda s: s.id
        )
        assert new.deliveries.is_done("r:sco-2026:111:86400")
        assert new.audit.has("event.add", "modi-putin-delhi")
    assert contents(target) == contents(source)  # seed marks, feeds and logs too


def test_export_to_stdout_reads_the_database_from_the_environment(tmp_path: Path) -> None:
    database = tmp_path / "db.json"
    seed(database)
    result = run(tmp_path, "export", SUMMITWATCH_DB=str(database))
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["format"] == "summitwatch-export"
    assert document["version"] == 1
    assert document["tables"] == contents(database)


def test_exporting_a_database_that_does_not_exist_is_an_error_and_creates_nothing(
    tmp_path: Path,
) -> None:
    result = run(tmp_path, "--db", "missing/db.json", "export", "-o", "backup.json")
    assert result.returncode == 2
    assert "summitwatch: error: database file missing/db.json does not exist" in result.stderr
    assert list(tmp_path.iterdir()) == []


def valid_export(tmp_path: Path) -> dict[str, Any]:
    database = tmp_path / "source" / "db.json"
    seed(database, prefix="x")
    with Store(database) as store:
        return export_store(store)


def end_before_start(document: dict[str, Any]) -> bytes:
    document["tables"]["events"]["xsco-2026"]["data"]["end"] = "2026-06-01"
    return json.dumps(document).encode()


def bad_zone(document: dict[str, Any]) -> bytes:
    document["tables"]["subscribers"]["x111"]["data"]["zone"] = "Mars/Base"
    return json.dumps(document).encode()


@pytest.mark.parametrize(
    ("spoil", "message"),
    [
        (lambda d: json.dumps(d).encode()[:-40], "backup.json is not valid JSON"),
        (
            lambda d: json.dumps({**d, "format": "summitwatch-store"}).encode(),
            "backup.json is not a SummitWatch export",
        ),
        (
            end_before_start,
            "table 'events', record 'xsco-2026': the event must end after it starts",
        ),
        (bad_zone, "table 'subscribers', record 'x111': unknown time zone 'Mars/Base'"),
    ],
    ids=["bad-json", "wrong-format", "end-before-start", "bad-subscriber-zone"],
)
def test_an_invalid_export_is_refused_and_the_database_is_left_untouched(
    tmp_path: Path, spoil: Any, message: str
) -> None:
    target = tmp_path / "data" / "db.json"
    seed(target)
    before = files(target.parent)
    (tmp_path / "backup.json").write_bytes(spoil(valid_export(tmp_path)))

    result = run(tmp_path, "import", "backup.json", "--replace", "--db", str(target))
    assert result.returncode == 2
    assert "summitwatch: error:" in result.stderr
    assert message in result.stderr
    assert files(target.parent) == before


def test_an_invalid_export_creates_no_database(tmp_path: Path) -> None:
    document = valid_export(tmp_path)
    (tmp_path / "backup.json").write_bytes(end_before_start(document))
    result = run(tmp_path, "import", "backup.json", "--db", "data/db.json")
    assert result.returncode == 2
    assert "nothing was written" in result.stderr
    assert not (tmp_path / "data").exists()


def test_importing_over_data_needs_replace_and_then_replaces_everything(tmp_path: Path) -> None:
    backup = tmp_path / "backup.json"
    backup.write_text(json.dumps(valid_export(tmp_path)), encoding="utf-8")
    target = tmp_path / "data" / "db.json"
    seed(target)
    before = files(target.parent)

    refused = run(tmp_path, "import", str(backup), "--db", str(target))
    assert refused.returncode == 2
    assert "already holds 2 events, 2 subscribers" in refused.stderr
    assert "--replace" in refused.stderr
    assert files(target.parent) == before

    replaced = run(tmp_path, "import", str(backup), "--db", str(target), "--replace")
    assert replaced.returncode == 0, replaced.stderr
    with Store(target) as store:
        assert sorted(e.id for e in store.events.all()) == ["xmodi-putin-delhi", "xsco-2026"]
        assert sorted(s.id for s in store.subscribers.all()) == ["x-100200", "x111"]
        assert not store.deliveries.is_done("r:sco-2026:111:86400")  # the old data is gone


def test_a_backup_with_a_tentative_event_restores_it_as_announced(tmp_path: Path) -> None:
    old = Event(
        id="talks", title="Talks", start=date(2026, 12, 4), end=date(2026, 12, 5)
    ).to_record()
    old["status"] = "tentative"
    del old["history"]  # written before events kept a history
    with Store(tmp_path / "db.json") as store:
        store.load({"events": {"talks": {"data": old, "admin_edited": True}}})
        restored = store.events.get("talks")
    assert restored is not None
    assert restored.status is Status.ANNOUNCED
    assert restored.history == ()
