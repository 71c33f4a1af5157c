"""The tests' own layout: no test module imports another test module.

Shared pieces live in plain modules (tests/factories.py, tests/databases.py, tests/live.py,
tests/browser/helpers.py, tests/i18n/reading.py, ...); conftests hold fixtures only, which
`.importlinter` checks. Partial wildcards such as `test_*` are beyond import-linter, so this
test reads the imports itself.
"""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent


def _imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


def test_no_test_module_imports_another():
    offenders = sorted(
        f"{path.relative_to(TESTS.parent)} imports {name}"
        for path in TESTS.rglob("*.py")
        for name in _imported_modules(path)
        if name.startswith("tests.") and name.rsplit(".", 1)[-1].startswith("test_")
    )
    assert offenders == []


def test_the_check_sees_an_import_of_a_test_module(tmp_path):
    probe = tmp_path / "probe.py"
    probe.write_text("from tests.i18n.test_catalog import translations\nfrom tests.i18n import test_pages_zh\n")
    assert {"tests.i18n.test_catalog", "tests.i18n.test_pages_zh"} <= _imported_modules(probe)
