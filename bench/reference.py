"""A module of the project as it was at an earlier commit: benches measure a change against the
code before it in the same run (the machines are shared and noisy), not against an old figure."""

from __future__ import annotations

import subprocess
import sys
import types
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def module_at(commit: str, path: str, name: str,
              edit: Callable[[str], str] = lambda source: source) -> types.ModuleType:
    """``path`` ('site_builder/output/plan.py') as it was at ``commit``, loaded as the module
    ``name``; ``edit`` may adapt its source to what has moved since."""
    source = subprocess.run(["git", "show", f"{commit}:{path}"], cwd=REPO, capture_output=True,
                            text=True, check=True).stdout
    module = types.ModuleType(name)
    sys.modules[name] = module  # its dataclasses look their module up
    exec(compile(edit(source), f"{name}.py", "exec"), module.__dict__)  # noqa: S102
    return module
