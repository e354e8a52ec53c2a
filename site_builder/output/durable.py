"""Writes that survive a crash or a power cut whole, or not at all.

A file written the ordinary way and then renamed into place can, after a power cut, be found
in place but empty or cut short: the rename reached the disk before the data did. The state
files the next build reads (the build journal, the manifest, the standby's state, the manifest
of the last upload) are written here instead: a temporary file in the same folder, flushed to
the disk, renamed over the old one, then the folder flushed so that the rename is kept too.
The files an incremental build moves into the standby are flushed one by one (a few per build),
and the folders whose names changed. A full build's thousands of files, and the links of a
standby made anew, are left to the system, which writes them within seconds: a whole-disk
flush waits for every other program's writes too, on a shared machine for tens of seconds.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path


def write_durably(path: Path, data: bytes | Sequence[bytes | memoryview]) -> None:
    """Replace ``path`` with ``data`` (bytes, or pieces written one after the other): after a
    crash it holds its old bytes or all of the new ones. A symbolic link at ``path`` is
    replaced, never followed."""
    scratch = path.with_name(f"{path.name}.tmp")
    scratch.unlink(missing_ok=True)
    fd = os.open(scratch, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0),
                 0o644)
    try:
        with os.fdopen(fd, "wb") as handle:
            if isinstance(data, bytes):
                handle.write(data)
            else:
                handle.writelines(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(scratch, path)
    except BaseException:
        scratch.unlink(missing_ok=True)
        raise
    sync_folder(path.parent)


def sync_folder(folder: Path) -> None:
    """Flush ``folder``'s entries (names added, removed or renamed) to the disk, where the
    system can (not on Windows, nor on a few network file systems)."""
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def sync_file(path: Path) -> None:
    """Flush ``path``'s bytes to the disk (before it is renamed into a site: after a power
    cut, a file renamed into place could otherwise be found empty)."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)

