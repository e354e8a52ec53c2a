"""The Git repository a catalog lives in: GitHub, Decap CMS and decap-server name its files
relative to the repository's root, which need not be the folder of mkdocs.yml."""

from __future__ import annotations

from pathlib import Path


def repository_root(folder: Path) -> Path:
    """The nearest folder holding ``.git`` (a folder, or a file in a worktree) at or above
    ``folder``; ``folder`` itself when there is none (a copy outside Git)."""
    folder = folder.resolve()
    for candidate in (folder, *folder.parents):
        if (candidate / ".git").exists():
            return candidate
    return folder
