"""Put a finished build in place, all at once, or not at all.

A full build exchanges the published folder with the new one in one step (or, where the system
cannot, renames the old one aside and the new one into place; if the process dies between the
two, the next build puts the old one back). An incremental build moves its few new files into
the published folder under a journal: each replaced file is first moved to a backup folder, and
the journal says which files existed before. If the process dies half-way (power cut,
SIGKILL), the next ``ocop build`` finds the journal and restores every file, so the published
site is again exactly the previous one before anything new is attempted.
"""

from __future__ import annotations

import ctypes
import json
import os
import shutil
import sys
import time
from pathlib import Path

from site_builder.output.writer import MANIFEST, Manifest, generated_files

JOURNAL = ".ocop-journal.json"
OLD_TAG = ".old-"  # a previous site renamed aside during a swap: .site.old-<ns>-<pid>


def swap(new: Path, final: Path) -> None:
    """Put ``new`` at ``final``; the old site is removed only after the new one is in place.

    Where the system can exchange two folders in one step (Linux, ``renameat2``), ``final`` is
    never missing, not even for an instant. Elsewhere the old site is renamed aside, then
    ``new`` into place: a process killed between the two renames leaves no ``final``, and the
    next build puts the old site back first (``recover_swap``)."""
    os.chmod(new, 0o755)
    if not final.exists():
        new.rename(final)
        return
    if exchange(new, final):
        shutil.rmtree(new, ignore_errors=True)  # ``new`` now holds the previous site
        return
    old = final.with_name(f".{final.name}{OLD_TAG}{time.time_ns()}-{os.getpid()}")
    final.rename(old)
    try:
        new.rename(final)
    except OSError:
        old.rename(final)
        raise
    shutil.rmtree(old, ignore_errors=True)


_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def exchange(a: Path, b: Path) -> bool:
    """Swap two existing paths atomically (Linux ``renameat2(RENAME_EXCHANGE)``, glibc 2.28+).

    False, with nothing changed, where the system, its C library or the file system cannot."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p,
                          ctypes.c_uint]
    renameat2.restype = ctypes.c_int
    return renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0


def recover_swap(final: Path) -> bool:
    """Finish what a full build killed between its two renames left: when ``final`` is missing,
    put back the newest complete previous site renamed aside; then remove the previous sites
    left beside ``final``. True when a site was put back."""
    olds = sorted(final.parent.glob(f".{final.name}{OLD_TAG}*"), key=_renamed_at, reverse=True)
    restored = False
    if not final.exists():
        complete = next((old for old in olds if _complete(old)), None)
        if complete is not None:
            complete.rename(final)
            olds.remove(complete)
            restored = True
    if final.exists():
        for old in olds:
            shutil.rmtree(old, ignore_errors=True)
    return restored


def _renamed_at(old: Path) -> tuple[int, str]:
    """When a previous site was renamed aside, from its name (``.site.old-<ns>-<pid>``)."""
    stamp, _, pid = old.name.rpartition(OLD_TAG)[2].partition("-")
    return (int(stamp) if stamp.isdigit() and pid else 0, old.name)  # older names: oldest


def _complete(site: Path) -> bool:
    """A site ``ocop build`` finished: its manifest lists files that are all there."""
    manifest = Manifest.read(site)
    return manifest is not None and all((site / path).is_file() for path in manifest.all_files())


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
