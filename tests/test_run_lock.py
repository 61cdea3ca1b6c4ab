"""Two ``python run.py`` on one database: the second refuses, and so do export and import."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path

from tests.test_run import ROOT, env_for, started


def run(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "run.py"), *args],
        env=env_for(tmp_path),
        capture_output=True,
        text=True,
        timeout=30,
        cwd=tmp_path,
    )


def test_a_second_instance_and_backups_refuse_while_the_app_runs(tmp_path: Path) -> None:
    database = tmp_path / "data" / "db.json"
    lock = f"{database}.lock"
    with started(tmp_path) as (first, _feed):
        second = run(tmp_path)
        assert second.returncode == 2
        assert f"{lock} is locked by process {first.pid}" in second.stderr
        assert "Calendar feed" not in second.stdout  # it never started serving

        exported = run(tmp_path, "export", "--output", "backup.json")
        assert exported.returncode == 2
        assert f"{lock} is locked by process {first.pid}" in exported.stderr
        assert not (tmp_path / "backup.json").exists()

        backup = tmp_path / "some-export.json"
        backup.write_text(json.dumps({"format": "summitwatch-export", "version": 1, "tables": {}}))
        imported = run(tmp_path, "import", str(backup), "--replace")
        assert imported.returncode == 2
        assert f"{lock} is locked by process {first.pid}" in imported.stderr

        first.send_signal(signal.SIGTERM)
        first.communicate(timeout=15)
    assert first.returncode == 0

    exported = run(tmp_path, "export", "--output", "backup.json")  # stopped: allowed now
    assert exported.returncode == 0, exported.stderr
    assert "sco-tianjin-2025" in (tmp_path / "backup.json").read_text()


def test_a_killed_instance_leaves_no_lock_behind(tmp_path: Path) -> None:
    with started(tmp_path) as (first, _feed):
        first.send_signal(signal.SIGKILL)
        first.communicate(timeout=15)
    with started(tmp_path) as (second, feed):  # the kernel dropped the dead one's lock
        assert feed.endswith("/calendar.ics")
        second.send_signal(signal.SIGTERM)
        second.communicate(timeout=15)
    assert second.returncode == 0
