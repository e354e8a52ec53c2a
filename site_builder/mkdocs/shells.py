"""Which program runs MkDocs' part of the catalog: MkDocs itself, or ProperDocs.

MkDocs + Material is the default the project names. ProperDocs, the maintained fork of MkDocs
1.x, runs the same plugin (ours, from the ``mkdocs.plugins`` entry point) and the same theme
(Material, from ``mkdocs.themes``) unchanged: its ``properdocs.replacement`` makes every
``import mkdocs...`` load ``properdocs...`` instead. So the rest of this package imports
``mkdocs`` and runs, unchanged, under either.

That alias works only before anything imported MkDocs itself. So the shell is chosen when the
``ocop`` command starts, before the modules that import MkDocs are loaded (``cli.main``), from
``--shell`` or the ``shell`` option of the ocop block read here without MkDocs; a process that
has already loaded the other one (a test, a script calling ``cli.main``) runs the command in a
new Python process instead. Nothing here imports MkDocs.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import yaml

from site_builder.config import CONFIG_MESSAGES, SHELLS
from site_builder.problems import catalogue

DEFAULT = SHELLS[0]
_INHERIT_DEPTH = 5  # mkdocs.yml may INHERIT another; a loop of them ends here


class ShellMissing(Exception):
    """The shell chosen is not installed; the message says what to install."""


class _AnyTag(yaml.SafeLoader):
    """YAML that reads any tag (MkDocs' ``!ENV``, ``!relative``, ``!!python/name:``) as nothing:
    only the ocop block's ``shell`` is wanted here, and MkDocs reads the file properly later."""


def _no_value(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> None:
    return None


_AnyTag.add_multi_constructor("", _no_value)


def configured(config_file: Path, depth: int = 0) -> str | None:
    """The ``shell`` of the ocop block of ``config_file`` (or of the file it INHERITs), or
    None: not set, or the file unreadable here (MkDocs then reports what is wrong with it)."""
    try:
        data = yaml.load(config_file.read_text(encoding="utf-8"), Loader=_AnyTag)  # noqa: S506
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None
    if not isinstance(data, dict):
        return None
    for entry in data.get("plugins") or []:
        block = entry.get("ocop") if isinstance(entry, dict) else None
        if isinstance(block, dict) and "shell" in block:
            return str(block["shell"])
    parent = data.get("INHERIT")
    if isinstance(parent, str) and depth < _INHERIT_DEPTH:
        return configured(config_file.parent / parent, depth + 1)
    return None


def chosen(config_file: Path, override: str | None = None) -> str:
    """``--shell`` if given, else the ocop block's ``shell``, else MkDocs. A value that is not
    a shell is left to the settings' check, which names it at its line in mkdocs.yml."""
    found = override or configured(config_file) or DEFAULT
    return found if found in SHELLS else DEFAULT


def running() -> str | None:
    """The shell ``import mkdocs`` gives in this process; None while nothing imported it."""
    module = sys.modules.get("mkdocs")
    if module is None:
        return None
    return "properdocs" if module.__name__ == "properdocs" else "mkdocs"


def enter(shell: str) -> bool:
    """Make ``import mkdocs`` give ``shell`` in this process. False when the other one is
    loaded already: the command must then run in a new process (``run_in_new_process``)."""
    now = running()
    if now is not None:
        return now == shell
    if shell == "properdocs":
        try:
            import properdocs.replacement  # noqa: F401  (the alias: mkdocs.* -> properdocs.*)
        except ImportError as exc:
            raise ShellMissing(unloadable(shell, exc)) from None
    return True


def unloadable(shell: str, error: ImportError) -> str:
    """What to do when ``shell`` (or the theme) cannot be imported: install ProperDocs, or
    switch to it when MkDocs itself no longer loads."""
    code = "mkdocs_unloadable"
    if shell == "properdocs":
        code = "shell_missing"
    return catalogue(CONFIG_MESSAGES).message(code, shell="ProperDocs", package="properdocs",
                                              error=error).both()


def run_in_new_process(argv: list[str]) -> int:
    """The ``ocop`` command ``argv`` in a new Python process, which enters its shell first;
    its exit code."""
    return subprocess.call([sys.executable, "-m", "site_builder.cli", *argv])


def described() -> str:
    """The program and version that render the shell in this process: 'ProperDocs 1.6.7'."""
    import mkdocs

    name = "ProperDocs" if mkdocs.__name__ == "properdocs" else "MkDocs"
    return f"{name} {mkdocs.__version__}"
