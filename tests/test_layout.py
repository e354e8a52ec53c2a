"""The folders show the pipeline, and the edges stay edges. The rules are import-linter's
contracts in pyproject.toml ([tool.importlinter]), checked on the whole import graph, imports
inside functions included: each layer imports only the layers below it (the stages in pipeline
order, then the features, then the edges), the domain does no I/O and no rendering, only
site_builder/mkdocs imports MkDocs, Material or ProperDocs, and no import cycle."""

from __future__ import annotations

import fnmatch
import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
needs_import_linter = pytest.mark.skipif(
    importlib.util.find_spec("importlinter") is None,
    reason="import-linter is not installed (it needs Python 3.11; pip install -e '.[test]')")
LINT = "from importlinter.cli import lint_imports_command; lint_imports_command()"


def lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    """``lint-imports`` on the site_builder under ``root`` with the contracts of its
    pyproject.toml, in a process of its own (it reads the package from files)."""
    env = {**os.environ, "PYTHONPATH": str(root), "NO_COLOR": "1", "COLUMNS": "200"}
    return subprocess.run([sys.executable, "-c", LINT, "--config", "pyproject.toml", "--no-cache"],
                          cwd=root, env=env, capture_output=True, text=True, timeout=300)


@needs_import_linter
def test_the_import_contracts_hold():
    result = lint_imports(REPO)
    assert result.returncode == 0, (
        "an import crosses the layers (pyproject.toml, [tool.importlinter]):\n"
        + result.stdout[result.stdout.find("Broken contracts"):] + result.stderr)


def _copy(tmp_path: Path) -> Path:
    shutil.copytree(REPO / "site_builder", tmp_path / "site_builder",
                    ignore=shutil.ignore_patterns("__pycache__", "*.yml", "assets", "static"))
    shutil.copytree(REPO / "site_builder" / "assets", tmp_path / "site_builder" / "assets",
                    ignore=shutil.ignore_patterns("__pycache__", "fonts"))
    shutil.copy(REPO / "pyproject.toml", tmp_path)
    return tmp_path


# A violation of each kind, planted in a copy of the package: the contract it breaks must say so.
PLANTED = {
    "a stage imports a later one": (
        "records/paths.py", "from site_builder.output import keys",
        "site_builder.records is not allowed to import site_builder.output"),
    "a feature imports the MkDocs edge": (
        "offline/selection.py", "from site_builder.mkdocs import build",
        "site_builder.offline is not allowed to import site_builder.mkdocs"),
    "the domain opens a database": (
        "domain/gtin.py", "import sqlite3",
        "site_builder.domain is not allowed to import sqlite3"),
    "the domain reaches a renderer through another module": (
        "place_data.py", "import jinja2",
        "site_builder.domain is not allowed to import jinja2"),
    "a stage imports MkDocs": (
        "render/text.py", "import mkdocs",
        "site_builder.render is not allowed to import mkdocs"),
    "two modules of a folder import each other": (
        "domain/site_paths.py", "def _later():\n    from site_builder.domain import model",
        "No cycles are allowed in site_builder.domain"),
}


@needs_import_linter
@pytest.mark.parametrize("kind", PLANTED)
def test_a_planted_violation_breaks_its_contract(tmp_path, kind):
    module, line, said = PLANTED[kind]
    root = _copy(tmp_path)
    with (root / "site_builder" / module).open("a", encoding="utf-8") as handle:
        handle.write(f"\n\n{line}\n")
    result = lint_imports(root)
    assert result.returncode != 0 and said in result.stdout, result.stdout + result.stderr


def test_every_data_file_of_the_package_is_shipped_with_it():
    """A catalogue, locale, font or editor file the code reads must be in the package data, or
    `pip install .` (not -e) installs a package that stops at its first message."""
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    settings = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = settings["tool"]["setuptools"]["package-data"]["site_builder"]
    package = REPO / "site_builder"
    data = [path.relative_to(package).as_posix() for path in package.rglob("*")
            if path.is_file() and path.suffix not in (".py", ".pyc")]
    assert len(data) >= 26
    assert [name for name in data if not any(fnmatch.fnmatch(name, p) for p in patterns)] == []
