"""Imports point one way: handlers -> bot -> calendars; config is read by bot."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

FORBIDDEN = {
    "calendars": {"telegram", "tinydb", "bot", "handlers", "config", "apscheduler", "uvicorn"},
    "config": {"telegram", "tinydb", "bot", "handlers"},
    "handlers": {"tinydb"},
}


def imported_roots(path: Path) -> set[str]:
    roots = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_package_does_not_import_the_layers_above_it(package: str) -> None:
    offenders = {
        str(path.relative_to(ROOT)): sorted(imported_roots(path) & FORBIDDEN[package])
        for path in (ROOT / package).rglob("*.py")
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_only_the_routes_module_of_calendars_speaks_http() -> None:
    speaking = {
        path.name
        for path in (ROOT / "calendars").rglob("*.py")
        if "starlette" in imported_roots(path)
    }
    assert speaking == {"routes.py"}


def test_only_the_store_touches_tinydb() -> None:
    users = {
        str(path.relative_to(ROOT))
        for package in ("bot", "handlers", "calendars", "config")
        for path in (ROOT / package).rglob("*.py")
        if "tinydb" in imported_roots(path)
    }
    assert users
    assert all(user.startswith("bot/store/") for user in users)
