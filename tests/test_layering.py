"""Imports point one way: handlers -> bot -> calendars; config is read by bot."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

FORBIDDEN = {
    "calendars": {
        "telegram",
        "tinydb",
        "bot",
        "handlers",
        "config",
        "apscheduler",
        "uvicorn",
        "httpx",
        "httpcore",
        "jinja2",
    },
    "config": {"telegram", "tinydb", "bot", "handlers"},
    "handlers": {"tinydb"},
}


def imported_modules(path: Path) -> set[str]:
    modules = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            modules.add(node.module)
    return modules


def imported_roots(path: Path) -> set[str]:
    return {module.split(".")[0] for module in imported_modules(path)}


def sources(*packages: str) -> list[Path]:
    return [path for package in packages for path in (ROOT / package).rglob("*.py")]


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_package_does_not_import_the_layers_above_it(package: str) -> None:
    offenders = {
        str(path.relative_to(ROOT)): sorted(imported_roots(path) & FORBIDDEN[package])
        for path in (ROOT / package).rglob("*.py")
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_only_the_routes_module_of_calendars_speaks_http() -> None:
    speaking = {
        str(path.relative_to(ROOT))
        for path in (ROOT / "calendars").rglob("*.py")
        if "starlette" in imported_roots(path)
    }
    assert speaking == {"calendars/ical/routes.py"}


def test_only_the_wiring_module_imports_handlers() -> None:
    importers = {
        str(path.relative_to(ROOT))
        for path in [*sources("bot", "calendars", "config"), ROOT / "run.py"]
        if "handlers" in imported_roots(path)
    }
    assert importers == {"bot/app.py"}


def test_handlers_reach_services_through_the_context_never_the_store() -> None:
    offenders = {
        str(path.relative_to(ROOT)): sorted(m for m in imported_modules(path) if "store" in m)
        for path in sources("handlers")
    }
    assert {k: v for k, v in offenders.items() if v} == {}
    for path in sources("handlers"):
        assert ".store" not in path.read_text(encoding="utf-8"), path


def test_only_the_store_touches_tinydb() -> None:
    users = {
        str(path.relative_to(ROOT))
        for package in ("bot", "handlers", "calendars", "config")
        for path in (ROOT / package).rglob("*.py")
        if "tinydb" in imported_roots(path)
    }
    assert users
    assert all(user.startswith("bot/store/") for user in users)
