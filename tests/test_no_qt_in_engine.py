"""The engine (medassist/) never imports Qt or the UI package — checked statically and at run time."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ENGINE = Path(__file__).resolve().parent.parent / "medassist"
FORBIDDEN = ("PySide6", "shiboken6", "PyQt5", "PyQt6", "ui")


def _imports(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) in (
            "import_module",
            "__import__",
        ):
            if node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
                yield node.lineno, node.args[0].value


def test_no_engine_module_imports_qt_or_ui():
    files = sorted(ENGINE.rglob("*.py"))
    assert len(files) > 5
    offenders = []
    for path in files:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for lineno, name in _imports(tree):
            if name.split(".")[0] in FORBIDDEN:
                offenders.append(f"{path.relative_to(ENGINE.parent)}:{lineno} imports {name}")
    assert not offenders, "\n".join(offenders)


def test_checker_catches_an_offender(tmp_path):
    tree = ast.parse("import os\nfrom PySide6.QtCore import Qt\nimportlib.import_module('ui.app')\n")
    assert [n for _, n in _imports(tree) if n.split('.')[0] in FORBIDDEN] == ["PySide6.QtCore", "ui.app"]


def test_importing_the_cli_and_embedder_pulls_no_qt_or_torch():
    code = (
        "import sys, medassist.cli, medassist.runtime.embedder, medassist.runtime.registry; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('PySide6', 'shiboken6', 'ui', 'torch', 'transformers', 'optimum')))"
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip() == "[]"
