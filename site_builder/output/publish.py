"""Put a finished build in place, all at once, or not at all.

A full build exchanges the published folder with the new one in one step (Linux
``renameat2(RENAME_EXCHANGE)``; elsewhere the old one is renamed aside and the new one into
place, and if the process dies between the two renames, the next build puts the old one back).

An incremental build ends with the same single exchange. Beside the published ``site`` lies
its standby, ``.site.standby``: the previous generation of the site, its files hard links to
the same files as the published site wherever the two agree (a file is never changed in place,
only replaced by a rename, so two trees of links never disturb each other, and an unchanged
file costs no disk). The build brings the standby to the new site: the files it rendered are
moved in from its scratch folder, the files the previous build changed are linked from the
published site, the files no longer part of the site are removed; then it flushes them to the
disk and exchanges the standby with the published site. Whoever reads ``site/`` meanwhile
(nginx, Apache, an upload) sees the old site whole, then the new one whole; the old one is the
next standby. Its state file says which of its files differ from the published site's, and
that it is whole: a standby without it (killed while being brought up to date, never made,
made by something else) is made again as a mirror of links of the published site.

A full build makes the new site's standby as it writes: each file written into the new site
is also hard-linked into a twin beside it (``new_standby``; by the worker processes that write
the files, a link each), and once the new site is in place the twin becomes its standby, its
state (in step, behind at no file) written last. So the first incremental build after a full
one does not link the whole site (at 20,000 products, 267,000 files and 84,000 folders: ten
seconds). Killed before the twin is complete, it is a scratch folder the next build removes;
killed before its state is written, it is made again as above.

Where folders cannot be exchanged or files hard-linked (not Linux, or a file system without
them), an incremental build moves its new files into the published folder under a journal
instead: each replaced file is first moved to a backup folder, and the journal, written
durably, says which files existed before. If the process dies half-way, the next build finds
the journal and restores every file. A journal that is not exactly what a build writes (cut
short by a power cut, edited by hand) is never followed: the site's manifest is removed
instead, so the next build rebuilds the whole site.
"""

from __future__ import annotations

import ctypes
import itertools
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from site_builder.domain.site_paths import paths_problem
from site_builder.output.durable import sync_file, sync_folder, write_durably
from site_builder.output.writer import (
    MANIFEST,
    DamagedState,
    Manifest,
    generated_files,
    load_json,
    output_message,
    path_reason,
)
from site_builder.problems import Message

JOURNAL = ".ocop-journal.json"
OLD_TAG = ".old-"  # a previous site renamed aside during a swap: .site.old-<ns>-<pid>
STANDBY_TAG = ".standby"  # the standby beside the site: .site.standby
STANDBY_STATE = ".ocop-standby.json"  # in the standby, once it is whole


def swap(new: Path, final: Path, standby: Path | None = None) -> None:
    """Put ``new`` at ``final``; the old site is removed only after the new one is in place,
    by a process that goes on after the build (``empty_trash``).

    Where the system can exchange two folders in one step (Linux, ``renameat2``), ``final`` is
    never missing, not even for an instant. Elsewhere the old site is renamed aside, then
    ``new`` into place: a process killed between the two renames leaves no ``final``, and the
    next build puts the old site back first (``recover_swap``). The standby of the old site is
    of no use to the new one: it is removed with it. ``standby``: the new site's, made as it was
    written (``new_standby``), complete: it takes the old one's place, whole and in step."""
    os.chmod(new, 0o755)
    old = None
    if final.exists():
        old = _replace(new, final)
    else:
        new.rename(final)
        sync_folder(final.parent)
    empty_trash(final, wait=True)  # what a full build before this one left, if any
    _discard(standby_of(final), final)
    if standby is not None:
        _adopt(standby, final)
    if old is not None:
        _discard(old, final)
    empty_trash(final, wait=False)


def new_standby(scratch: Path, final: Path) -> Path | None:
    """Where a full build writing into ``scratch`` makes the new site's standby as it writes
    (``writer.FileWriter``: each file hard-linked there too, by the workers that write it), so
    that the next incremental build finds one instead of linking the whole site then; None
    where the file system beside ``final`` cannot link files and exchange folders. Its name is
    one of a scratch folder's: a build killed before ``swap`` leaves it to be removed."""
    if not _can_exchange(final):
        return None
    return scratch.with_name(scratch.name + STANDBY_TAG)


def discard_scratch(scratch: Path, final: Path) -> None:
    """Remove what a failed or killed full build wrote beside ``final``: its scratch folder and
    its new standby (nothing once ``swap`` ran), after the build (``empty_trash``)."""
    if _discard(scratch, final) | _discard(scratch.with_name(scratch.name + STANDBY_TAG), final):
        empty_trash(final, wait=False)


def _adopt(made: Path, final: Path) -> None:
    """``made``, the complete twin of the site just put at ``final``, becomes its standby: in
    step with it (behind at no file), its state written last. Killed before the state is
    written, the next build finds a standby without one and makes it again."""
    standby = standby_of(final)
    os.chmod(made, 0o755)
    made.rename(standby)
    write_durably(standby / STANDBY_STATE, json.dumps(
        {"live": _identity(final), "behind": []}).encode("utf-8"))


def _replace(new: Path, final: Path) -> Path:
    """Put the complete site ``new`` at ``final``, and return where the previous site now is:
    ``new``'s own path after an exchange, a folder renamed aside otherwise."""
    if exchange(new, final):
        sync_folder(final.parent)
        return new
    old = final.with_name(f".{final.name}{OLD_TAG}{time.time_ns()}-{os.getpid()}")
    final.rename(old)
    try:
        new.rename(final)
    except OSError:
        old.rename(final)
        raise
    sync_folder(final.parent)
    return old


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
            _discard(old, final)
        empty_trash(final, wait=False)
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


def _remove(path: Path) -> None:
    """Remove a file, a link or a folder of ours (a link is removed, never followed)."""
    if path.is_symlink() or path.is_file():
        path.unlink(missing_ok=True)
    elif path.exists():
        shutil.rmtree(path, ignore_errors=True)


# --- trees no longer part of the site, removed after the build ------------------------------
# Removing a national catalog's previous site and standby (1.3 million entries with ten lots
# a product) took minutes of a full build, after the new site was already in place. They are
# renamed aside instead, one rename each, and removed by a process of their own that outlives
# the build (at low priority); one that was stopped first (a container or a service that ends
# with the build) leaves them to the next build. Never more than one full build's trees wait:
# a full build removes any left before it puts its own aside.
TRASH_TAG = ".trash-"  # beside the site: .site.trash-<ns>-<pid>-<n>
_DISCARDED = itertools.count()  # n: no two trees renamed aside by one process share a name
# A remover holds a lock on each tree while it removes it (where the system has ``flock``): an
# incremental build that starts while the previous full build's remover still works starts
# another remover, which skips those trees instead of removing them a second time alongside
# (the lock goes with the process, so the trees of a stopped remover are never skipped).
_REMOVER = """import os, shutil, sys
try:
    import fcntl
except ImportError:
    fcntl = None
if hasattr(os, "nice"):
    os.nice(10)
for tree in sys.argv[1:]:
    held = None
    if fcntl is not None:
        try:
            held = os.open(tree, os.O_RDONLY)
            fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            if held is not None:
                os.close(held)
            continue
    shutil.rmtree(tree, ignore_errors=True)
    if held is not None:
        os.close(held)
"""


def _discard(path: Path, final: Path) -> bool:
    """Rename the folder ``path`` aside for ``empty_trash`` (a file or link: removed now);
    whether it is there to be removed. A folder that cannot be renamed is removed now."""
    if path.is_symlink() or path.is_file():
        path.unlink(missing_ok=True)
    elif path.exists():
        aside = f".{final.name}{TRASH_TAG}{time.time_ns()}-{os.getpid()}-{next(_DISCARDED)}"
        try:
            path.rename(final.with_name(aside))
        except OSError:
            shutil.rmtree(path, ignore_errors=True)
            return False
        return True
    return False


def trash(final: Path) -> list[Path]:
    """The trees renamed aside beside the site ``final`` that are not removed yet."""
    return sorted(final.parent.glob(f".{final.name}{TRASH_TAG}*"))


def empty_trash(final: Path, wait: bool) -> None:
    """Remove the trees renamed aside beside ``final``: here (``wait``), or by a process of
    its own, which this one does not wait for."""
    trees = trash(final)
    if not trees:
        return
    if wait:
        for tree in trees:
            shutil.rmtree(tree, ignore_errors=True)
        return
    try:
        _start([sys.executable, "-I", "-S", "-c", _REMOVER, *map(str, trees)])
    except OSError:  # no process to be had: the next build removes them
        pass


def _start(command: list[str]) -> None:
    """Start ``command`` in a session of its own, not waited for."""
    subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                     stderr=subprocess.DEVNULL, close_fds=True,
                     start_new_session=sys.platform != "win32")


# --- an incremental build: the standby, brought up to date, then exchanged ------------------


def standby_of(final: Path) -> Path:
    return final.with_name(f".{final.name}{STANDBY_TAG}")


def publish_changes(staging: Path, final: Path, previous: Manifest, current: Manifest) -> int:
    """Put the new site in place of ``final``: its new and changed files are in ``staging``,
    the others in ``final``. ``previous`` and ``current`` hold the entries of the units this
    build rendered, before and now (all of the site's, or a partial build's few: the files in
    the one and not the other are gone). Returns how many files changed."""
    if _can_exchange(final):
        return _exchange_standby(staging, final, previous, current)
    return commit(staging, final, previous, current)


_EXCHANGE_WORKS: dict[int, bool] = {}  # by file system (st_dev)


def _can_exchange(final: Path) -> bool:
    """Whether the file system beside ``final`` can hard-link files and exchange folders:
    tried once a process, on two scratch folders (a file system without them says so there,
    not half-way through a publish). A probe a kill left is a stale scratch folder."""
    device = final.parent.stat().st_dev
    if device not in _EXCHANGE_WORKS:
        probe = final.with_name(f".{final.name}.building-probe-{os.getpid()}")
        try:
            (probe / "a").mkdir(parents=True)
            (probe / "b").mkdir()
            (probe / "a" / "f").write_bytes(b"")
            os.link(probe / "a" / "f", probe / "b" / "f")
            _EXCHANGE_WORKS[device] = exchange(probe / "a", probe / "b")
        except OSError:
            _EXCHANGE_WORKS[device] = False
        finally:
            shutil.rmtree(probe, ignore_errors=True)
    return _EXCHANGE_WORKS[device]


def _exchange_standby(staging: Path, final: Path, previous: Manifest, current: Manifest) -> int:
    standby = standby_of(final)
    behind = standby_behind(final)
    if behind is None:
        mirror(final, standby)
        behind = set()
    else:  # from here until it is exchanged, the standby is not whole: no state says it is
        (standby / STANDBY_STATE).unlink()
        sync_folder(standby)
    removed = sorted(previous.all_files() - current.all_files() - {MANIFEST})
    changed: set[str] = set()  # files that differ from the published site's
    entries = {MANIFEST}  # names added, replaced or removed in the standby's folders
    staged = [p for p in generated_files(staging) if p != MANIFEST]
    for path in staged:
        if not _same(staging / path, final / path):
            _install(staging / path, standby, path, entries)
            changed.add(path)
        elif path in behind:
            _link(final / path, standby, path, entries)
    gone = set(removed)
    dropped = []  # the files the previous build removed: the site no longer has them
    for path in sorted(behind.difference(staged)):
        if path not in gone and (final / path).is_file():
            _link(final / path, standby, path, entries)
        else:
            _drop(standby, path, entries)
            dropped.append(path)
    for path in removed:
        _drop(standby, path, entries)
    entries.update(_prune_empty_folders(standby, removed + dropped))
    _install(staging / MANIFEST, standby, MANIFEST, entries)
    for folder in sorted({str(Path(p).parent) for p in entries}):
        if (standby / folder).is_dir():  # the names in place before the folder is published
            sync_folder(standby / folder)
    old = _replace(standby, final)
    if old != standby:  # renamed aside (exchange failed after all): it is the next standby
        old.rename(standby)
    changed.update(removed)
    changed.add(MANIFEST)
    write_durably(standby / STANDBY_STATE, json.dumps(
        {"live": _identity(final), "behind": sorted(changed)}).encode("utf-8"))
    shutil.rmtree(staging, ignore_errors=True)
    return len(changed) - 1


def _identity(final: Path) -> list[int]:
    """Which published site a standby belongs to: its manifest file's inode, size and time
    (no build rewrites a manifest in place; a full build or another tool makes another)."""
    info = os.stat(final / MANIFEST)
    return [info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns]


def standby_behind(final: Path) -> set[str] | None:
    """The paths at which ``final``'s standby differs from ``final`` (the files the last build
    changed), or None when the standby cannot be used as it is: missing, not a folder of ours,
    left half-updated by a kill, or the standby of another published site."""
    standby = standby_of(final)
    if standby.is_symlink() or not standby.is_dir():
        return None
    try:
        state = load_json((standby / STANDBY_STATE).read_text(encoding="utf-8"))
        behind, live = state.get("behind"), state.get("live")
        if type(behind) is not list or not all(type(p) is str for p in behind):
            return None
        if paths_problem(behind) is not None or live != _identity(final):
            return None
    except (OSError, ValueError):  # DamagedState is a ValueError
        return None
    return set(behind)


def mirror(final: Path, standby: Path) -> None:
    """Make ``standby`` a tree of hard links to every file of ``final`` (what it holds before
    is removed): the standby's first state, costing a link a file and no file's bytes."""
    _remove(standby)
    standby.mkdir()
    for folder, folders, names in os.walk(final):
        here = Path(folder)
        there = standby / here.relative_to(final)
        for name in folders:
            if (here / name).is_symlink():  # listed, never entered: linked as it is
                os.link(here / name, there / name, follow_symlinks=False)
            else:
                (there / name).mkdir()
        for name in names:
            os.link(here / name, there / name, follow_symlinks=False)
    (standby / JOURNAL).unlink(missing_ok=True)


def _drop(root: Path, path: str, entries: set[str]) -> None:
    """Remove ``root/path`` from the standby, a file, or a folder where the layout changed."""
    target = root / path
    if target.is_dir() and not target.is_symlink():
        shutil.rmtree(target)
    else:
        try:
            target.unlink()
        except (FileNotFoundError, NotADirectoryError):
            return
    entries.add(path)


def _install(source: Path, root: Path, path: str, entries: set[str]) -> None:
    """Move ``source`` to ``root/path`` in one step, replacing what is there; its bytes are
    flushed to the disk first."""
    target = _make_room(root, path, entries)
    sync_file(source)
    os.replace(source, target)


def _link(source: Path, root: Path, path: str, entries: set[str]) -> None:
    """Make ``root/path`` a hard link to ``source``, replacing what is there in one step."""
    target = _make_room(root, path, entries)
    scratch = target.with_name(f".ocop-link-{os.getpid()}")
    scratch.unlink(missing_ok=True)
    os.link(source, scratch)
    os.replace(scratch, target)


def _make_room(root: Path, path: str, entries: set[str]) -> Path:
    """``root/path``, with its folders made; a folder where the file goes, or a file where a
    folder goes (the layout changed), is removed from this tree, which is the standby's.
    Records in ``entries`` every name it adds or removes, ``path`` among them."""
    target = root / path
    folder, here = root, Path()
    for part in Path(path).parent.parts:
        folder, here = folder / part, here / part
        if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
            folder.unlink()
        if not folder.exists():
            folder.mkdir()
            entries.add(str(here))
    if target.is_dir() and not target.is_symlink():
        shutil.rmtree(target)
    entries.add(path)
    return target


# --- where folders cannot be exchanged: the journaled commit --------------------------------


def commit(staging: Path, final: Path, previous: Manifest, current: Manifest) -> int:
    """Move the staged files into ``final`` and delete files no longer part of the site, under
    a journal written durably before the first move. Returns how many files changed."""
    installs = [p for p in generated_files(staging) if p != MANIFEST
                and not _same(staging / p, final / p)] + [MANIFEST]
    removals = sorted(previous.all_files() - current.all_files() - {MANIFEST})
    removals = [p for p in removals if (final / p).is_file()]
    backup = _backup_of(final)
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
    write_durably(final / JOURNAL, json.dumps(journal).encode("utf-8"))
    # from here on, an interrupted commit is rolled back
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
    sync_folder(final)
    shutil.rmtree(backup, ignore_errors=True)
    shutil.rmtree(staging, ignore_errors=True)
    return len(paths)


def _backup_of(final: Path) -> Path:
    return final.with_name(f".{final.name}.backup")


def _prune_empty_folders(root: Path, removed: list[str]) -> list[str]:
    """Remove the folders left empty by removed files (a product taken out of the catalog);
    returns them."""
    folders = {Path(p).parent for p in removed}
    pruned = []
    for folder in sorted({f for p in folders for f in (p, *p.parents) if str(f) != "."},
                         key=lambda f: len(f.parts), reverse=True):
        try:
            (root / folder).rmdir()
            pruned.append(str(folder))
        except OSError:
            pass  # not empty, or already gone
    return pruned


def recover(final: Path) -> tuple[bool, Message | None]:
    """Undo a commit that did not finish: (True when there was one, why its journal could not
    be followed). A journal that is not exactly what ``commit`` writes (cut short, not UTF-8,
    a backup folder or a path that is not the site's) is never followed: the site's manifest
    is removed instead, so that the next build rebuilds the whole site rather than trust a
    site half moved."""
    journal_path = final / JOURNAL
    (final / (JOURNAL + ".tmp")).unlink(missing_ok=True)
    if not (journal_path.exists() or journal_path.is_symlink()):
        return False, None
    backup = _backup_of(final)
    try:
        existed, folders = _read_journal(journal_path, backup)
    except DamagedState as exc:
        (final / MANIFEST).unlink(missing_ok=True)
        journal_path.unlink()
        sync_folder(final)
        shutil.rmtree(backup, ignore_errors=True)
        return True, output_message("journal_damaged", reason=exc.reason)
    for path, was_there in existed.items():
        target, saved = final / path, backup / path
        if saved.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            saved.replace(target)
        elif not was_there and target.exists():
            target.unlink()
    for folder in sorted(folders, key=len, reverse=True):
        try:
            (final / folder).rmdir()
        except OSError:
            pass
    sync_folder(final)
    shutil.rmtree(backup, ignore_errors=True)
    journal_path.unlink()
    return True, None


def _read_journal(path: Path, backup: Path) -> tuple[dict[str, bool], list[str]]:
    """The journal's files (path -> whether it existed before) and new folders, each checked
    to be a path inside the site; DamagedState otherwise."""
    try:
        if path.is_symlink():
            raise OSError
        data = load_json(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        if isinstance(exc, DamagedState):
            raise
        raise DamagedState(output_message("reason_unreadable")) from None
    existed, folders = data.get("existed"), data.get("folders")
    if (data.get("backup") != backup.name or type(existed) is not dict
            or not all(type(v) is bool for v in existed.values())
            or type(folders) is not list or not all(type(f) is str for f in folders)):
        raise DamagedState(output_message("reason_shape"))
    reason = paths_problem([*existed, *folders])
    if reason is not None:
        raise DamagedState(output_message("reason_path", path_reason=path_reason(reason)))
    return existed, folders
