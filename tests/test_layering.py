"""Dependencies point one way: ui -> mwms_desktop -> db. The core and the database layer
never import Qt; the UI never reaches past the core into db. (The CLI's window command is
the one core module that imports ui, lazily.)"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
WINDOW_COMMAND = ROOT / "mwms_desktop" / "commands" / "window.py"


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def sources(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


@pytest.mark.parametrize("package", ["mwms_desktop", "db"])
def test_core_and_db_never_import_qt(package: str) -> None:
    offenders = [p for p in sources(package) if {"PySide6", "shiboken6"} & imported_modules(p)]
    assert offenders == []


def test_db_never_imports_the_core_or_the_ui() -> None:
    assert [p for p in sources("db") if {"mwms_desktop", "ui"} & imported_modules(p)] == []


def test_only_the_window_command_imports_the_ui_from_the_core() -> None:
    offenders = [p for p in sources("mwms_desktop") if "ui" in imported_modules(p) and p != WINDOW_COMMAND]
    assert offenders == []


def test_the_ui_never_reaches_into_db() -> None:
    assert [p for p in sources("ui") if "db" in imported_modules(p)] == []
