"""Put a finished build in place, all at once, or not at all.

A full build replaces the published folder by renaming folders. An incremental build moves its
few new files into the published folder under a journal: each replaced file is first moved to
a backup folder, and the journal says which files existed before. If the process dies half-way
(power cut, SIGKILL), the next ``ocop build`` finds the journal and restores every file, so the
published site is again exactly the previous one before anything new is attempted.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from .site_writer import MANIFEST, Manifest, generated_files

JOURNAL = ".ocop-journal.json"


def swap(new: Path, final: Path) -> None:
    """Put ``new`` at ``final``; the old site is removed only after the new one is in place."""
    os.chmod(new, 0o755)
    if not final.exists():
        new.rename(final)
        return
    old = final.with_name(f".{final.name}.old-{os.getpid()}")
    final.rename(old)
    try:
        new.rename(final)
    except OSError:
        old.rename(final)
        raise
    shutil.rmtree(old, ignore_errors=True)


def _same(a: Path, b: Path) -> bool:
    try:
        return a.stat().st_size == b.stat().st_size and a.read_bytes() == b.read_bytes()
    except OSError:
        return False


def commit(staging: Path, final: Path, previous: Manifest, current: Manifest) -> int:
    """Move the staged files into ``final`` and delete files no longer part of the site.

    Returns how many files changed."""
    installs = [p for p in generated_files(staging) if p != MANIFEST
                and not _same(staging / p, final / p)] + [MANIFEST]
    removals = sorted(previous.all_files() - current.all_files() - {MANIFEST})
    removals = [p for p in removals if (final / p).is_file()]
    backup = final.with_name(f".{final.name}.backup")
    shutil.rmtree(backup, ignore_errors=True)
    paths = installs + removals
    new_folders: set[str] = set()
    for path in installs:
        folder = Path(path).parent
        while str(folder) != "." and not (final / folder).exists():
            new_folders.add(str(folder))
            folder = folder.parent
    journal = {"backup": backup.name, "existed": {p: (final / p).exists() for p in paths},
               "folders": sorted(new_folders)}
    tmp = final / (JOURNAL + ".tmp")
    tmp.write_text(json.dumps(journal), encoding="utf-8")
    tmp.replace(final / JOURNAL)  # from here on, an interrupted commit is rolled back
    for path in paths:
        target = final / path
        if target.exists():
            (backup / path).parent.mkdir(parents=True, exist_ok=True)
            target.rename(backup / path)
        if path in installs:
            target.parent.mkdir(parents=True, exist_ok=True)
            (staging / path).rename(target)
    _prune_empty_folders(final, removals)
    (final / JOURNAL).unlink()
    shutil.rmtree(backup, ignore_errors=True)
    shutil.rmtree(staging, ignore_errors=True)
    return len(paths)


def _prune_empty_folders(root: Path, removed: list[str]) -> None:
    """Folders left empty by removed files (a product taken out of the catalog)."""
    folders = {Path(p).parent for p in removed}
    for folder in sorted({f for p in folders for f in (p, *p.parents) if str(f) != "."},
                         key=lambda f: len(f.parts), reverse=True):
        try:
            (root / folder).rmdir()
        except OSError:
            pass  # not empty, or already gone


def recover(final: Path) -> bool:
    """Undo a commit that did not finish; True when there was one to undo."""
    journal_path = final / JOURNAL
    if not journal_path.is_file():
        (final / (JOURNAL + ".tmp")).unlink(missing_ok=True)
        return False
    journal = json.loads(journal_path.read_text(encoding="utf-8"))
    backup = final.with_name(journal["backup"])
    for path, existed in journal["existed"].items():
        target, saved = final / path, backup / path
        if saved.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            saved.replace(target)
        elif not existed and target.exists():
            target.unlink()
    for folder in sorted(journal["folders"], key=len, reverse=True):
        try:
            (final / folder).rmdir()
        except OSError:
            pass
    shutil.rmtree(backup, ignore_errors=True)
    journal_path.unlink()
    return True
