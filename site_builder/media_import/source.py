"""The files of the folder being imported, listed without trusting any of them.

Only ordinary files are listed: a link, a device or a pipe is refused by name and never opened
(opening a pipe would wait for ever); a name with control characters or bytes that are not
UTF-8 is refused before it is shown anywhere; folders deeper than a person sorts photos and
listings longer than any producer's camera roll are cut short with a message. Nothing in the
folder is written, renamed or touched.
"""

from __future__ import annotations

import os
import stat
import unicodedata
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path

from site_builder.media_import.texts import FileProblem

PHOTO_SUFFIXES = frozenset({".jpg", ".jpeg", ".jpe", ".jfif", ".png", ".webp", ".heic", ".heif",
                            ".hif", ".mpo"})
DOCUMENT_SUFFIXES = frozenset({".pdf"})
SHEET_SUFFIXES = frozenset({".xlsx", ".xlsm", ".xls", ".csv"})  # lists: ``ocop import FILE``
# What phones, cameras and desktops leave in a folder of photos: skipped and only counted.
SYSTEM_FILES = frozenset({".ds_store", "thumbs.db", "desktop.ini", "ehthumbs.db", ".picasa.ini",
                          "picasa.ini", ".nomedia"})
SYSTEM_FOLDERS = frozenset({"__macosx", ".thumbnails", ".trash", "$recycle.bin", ".git"})
MAX_FILES = 20_000  # more than a province's photos for a year; a folder past it is a mistake
MAX_DEPTH = 6  # folders below the one imported: deeper is not how people sort photos
# Characters that change how a name reads without being seen: refused in any name.
_INVISIBLE = frozenset("\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


@dataclass(frozen=True)
class SourceFile:
    path: Path  # absolute
    shown: str  # relative to the folder, '/' between parts, as a person reads it
    folders: tuple[str, ...]  # the folders it lies in, nearest first, down from the folder itself
    size: int

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def suffix(self) -> str:
        return self.path.suffix.lower()

    @property
    def kind(self) -> str:
        """'photo', 'document', 'sheet' or 'other', by the name's ending (the content is
        checked later)."""
        if self.suffix in PHOTO_SUFFIXES:
            return "photo"
        if self.suffix in DOCUMENT_SUFFIXES:
            return "document"
        return "sheet" if self.suffix in SHEET_SUFFIXES else "other"


@dataclass
class Listing:
    files: list[SourceFile] = field(default_factory=list)
    problems: list[FileProblem] = field(default_factory=list)
    system: int = 0  # system files and folders skipped


def shown_name(name: str) -> str:
    """A name as it can be printed: control characters and bytes that are not UTF-8 written as
    escapes (a name is hostile input: it must not move the cursor or clear a terminal)."""
    out = []
    for char in name:
        if 0xDC80 <= ord(char) <= 0xDCFF:  # a byte that was not UTF-8 (surrogateescape)
            out.append(f"\\x{ord(char) - 0xDC00:02x}")
        elif unicodedata.category(char) == "Cc" or char in _INVISIBLE:
            out.append(f"\\u{ord(char):04x}" if ord(char) > 0xFF else f"\\x{ord(char):02x}")
        else:
            out.append(char)
    return "".join(out)


def _name_problem(name: str) -> str | None:
    """Why a name cannot be used at all, as a message code."""
    if any(0xDC80 <= ord(c) <= 0xDCFF for c in name):
        return "name_not_utf8"
    if any(unicodedata.category(c) == "Cc" or c in _INVISIBLE for c in name):
        return "name_control"
    return None


def list_folder(folder: Path, leave_out: Collection[Path] = ()) -> Listing:
    """Every ordinary file under ``folder`` (in name order), and a problem per entry refused;
    the files and folders ``leave_out`` names are passed over, unlisted and unread."""
    listing = Listing()
    skipped = {os.path.abspath(p) for p in leave_out}
    top = unicodedata.normalize("NFC", folder.resolve().name)
    stack: list[tuple[Path, str, tuple[str, ...], int]] = [(folder, "", (top,), 0)]
    while stack:
        here, prefix, folders, depth = stack.pop()
        try:
            with os.scandir(here) as scan:
                entries = sorted(scan, key=lambda e: e.name)
        except OSError as exc:
            listing.problems.append(FileProblem.of(prefix or ".", "folder_unreadable",
                                                   reason=exc.strerror or type(exc).__name__))
            continue
        below = []
        for entry in entries:
            if skipped and os.path.abspath(entry.path) in skipped:
                continue
            shown = prefix + shown_name(entry.name)
            if entry.name.casefold() in SYSTEM_FILES or entry.name.startswith("._"):
                listing.system += 1
                continue
            if (code := _name_problem(entry.name)) is not None:
                listing.problems.append(FileProblem.of(shown, code))
                continue
            kind = _entry_kind(entry)
            if kind == "folder":
                if entry.name.casefold() in SYSTEM_FOLDERS or entry.name.startswith("."):
                    listing.system += 1
                elif depth + 1 > MAX_DEPTH:
                    listing.problems.append(FileProblem.of(shown + "/", "folder_too_deep",
                                                           depth=MAX_DEPTH))
                else:
                    name = unicodedata.normalize("NFC", entry.name)
                    below.append((Path(entry.path), shown + "/", (name, *folders), depth + 1))
            elif kind == "file":
                if len(listing.files) >= MAX_FILES:
                    listing.problems.append(FileProblem.of(shown, "too_many_files",
                                                           limit=MAX_FILES))
                    return listing
                listing.files.append(SourceFile(Path(entry.path), shown, folders,
                                                entry.stat(follow_symlinks=False).st_size))
            else:
                listing.problems.append(FileProblem.of(shown, kind))
        stack.extend(reversed(below))
    return listing


def _entry_kind(entry: os.DirEntry) -> str:
    """'file', 'folder', or the message code that refuses the entry (links are never followed)."""
    try:
        if entry.is_symlink():
            return "not_a_file_link"
        mode = entry.stat(follow_symlinks=False).st_mode
    except OSError:
        return "not_a_file_unreadable"
    if stat.S_ISDIR(mode):
        return "folder"
    if stat.S_ISREG(mode):
        return "file"
    return "not_a_file_special"
