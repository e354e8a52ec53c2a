"""What a build changed since the last upload, so a daily upload sends only that.

Each build's manifest (``site/.ocop-manifest.json``) lists every file of the site with its MD5,
the checksum object storage keeps as a file's ETag and ``rclone --checksum`` compares. Two
manifests, the one of the site last uploaded and the one just built, give the files added,
changed and deleted, and the bytes to send. A manifest written before digests were kept has
none: then every file counts as changed, which is never wrong, only larger.

The manifest of the last upload is kept as ``<cache_dir>/previous-manifest.json`` by
``ocop changes --mark-uploaded``, run after the upload succeeded: a build whose upload failed
is then compared with what really is online, not with the build before it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from site_builder.domain.site_paths import shown, site_path_problem
from site_builder.output.durable import write_durably
from site_builder.output.writer import MANIFEST, Manifest, path_reason
from site_builder.problems import Message, catalogue

PREVIOUS = "previous-manifest.json"  # in the cache folder: the manifest of the last upload
CHANGES_MESSAGES = Path(__file__).parent / "messages"


def changes_message(code: str, **values: object) -> Message:
    return catalogue(CHANGES_MESSAGES).message(code, **values)


def said(found: Message) -> str:
    """A message as ``ocop changes`` prints it: Vietnamese, then English."""
    return found.both()


class ChangesError(Exception):
    """A manifest or site that cannot be compared, or a file not written, said in Vietnamese
    then English."""

    def __init__(self, code: str, **values: object) -> None:
        text = changes_message(code, **values)
        super().__init__(text.vi, text.en)
        self.code, self.vi, self.en = code, text.vi, text.en

    def __str__(self) -> str:
        return Message(self.vi, self.en).both()


@dataclass(frozen=True)
class Changes:
    added: list[str]
    changed: list[str]
    deleted: list[str]
    unchanged: int
    upload_bytes: int  # what ``uploads`` weigh in the new site
    by_digest: bool  # False: a manifest had no digests, so unchanged files count as changed

    @property
    def uploads(self) -> list[str]:
        return sorted(self.added + self.changed)

    @property
    def files(self) -> int:
        """Files of the new site."""
        return len(self.added) + len(self.changed) + self.unchanged


def _manifest_file(path: Path) -> Path:
    return path / MANIFEST if path.is_dir() else path


def read_manifest(path: Path) -> Manifest:
    """The manifest in ``path`` (a manifest file, or a site folder holding one)."""
    file = _manifest_file(path)
    manifest, damaged = Manifest.load(file)
    if manifest is not None:
        return manifest
    if damaged is None:
        raise ChangesError("manifest_missing", file=file)
    raise ChangesError("manifest_damaged", file=file, reason=damaged)


def read_previous(path: Path) -> tuple[Manifest | None, Message | None]:
    """The manifest of the last upload, and a warning when it is damaged: then it is taken as
    absent (every file is sent again, none deleted), which is never wrong, only larger; a
    damaged manifest's entries never reach the lists. A missing one is an error: a mistyped
    ``--since``."""
    file = _manifest_file(path)
    manifest, damaged = Manifest.load(file)
    if manifest is None and damaged is None:
        raise ChangesError("manifest_missing", file=file)
    if damaged is not None:
        return None, changes_message("previous_damaged", file=file, reason=damaged)
    return manifest, None


def _files(manifest: Manifest) -> set[str]:
    return manifest.all_files() - {MANIFEST}


def compare(previous: Manifest | None, current: Manifest, site_dir: Path) -> Changes:
    """The files of ``current`` (built into ``site_dir``) to upload, and those of ``previous``
    to delete; with no ``previous``, every file is new."""
    new = _files(current)
    old = _files(previous) if previous is not None else set()
    new_md5, old_md5 = current.digests, (previous.digests if previous is not None else {})
    added = sorted(new - old)
    kept = sorted(new & old)
    changed = [p for p in kept if new_md5.get(p) is None or new_md5.get(p) != old_md5.get(p)]
    by_digest = all(p in new_md5 and p in old_md5 for p in kept)
    return Changes(added, changed, sorted(old - new), len(kept) - len(changed),
                   _size(site_dir, added + changed), by_digest)


def _size(site_dir: Path, paths: list[str]) -> int:
    total = 0
    for path in paths:
        try:
            total += (site_dir / path).stat().st_size
        except OSError:
            raise ChangesError("file_missing", site=site_dir, path=path) from None
    return total


def summary(found: Changes, first_upload: Path | None = None) -> list[str]:
    """What ``ocop changes`` says (Vietnamese / English); ``first_upload``: where the manifest
    of an upload would be, when there is none yet."""
    lines = []
    if first_upload is not None:
        lines.append(said(changes_message("first_upload", file=first_upload)))
    elif not found.by_digest:
        lines.append(said(changes_message("no_digests")))
    lines.append(said(changes_message(
        "totals", added=len(found.added), changed=len(found.changed), deleted=len(found.deleted),
        sent=len(found.uploads), mb=found.upload_bytes / 1e6, files=found.files)))
    return lines


def check_target(target: Path, *, force: bool, keep_out: list[Path], settings: Path,
                 manifest: bool = False) -> None:
    """Refuse to write ``target`` where it would destroy something, as ``ocop export``
    refuses: inside a folder of ``keep_out`` (the site, the records) or over the ``settings``
    file (mkdocs.yml), always; a link or anything but a plain file, always; an existing file,
    unless ``force``. With ``manifest`` (the manifest of the last upload), an existing ocop
    manifest, even one cut short, is replaced without ``force``: it is what the file is for."""
    resolved = target.resolve()
    if resolved == settings.resolve():
        raise ChangesError("target_config", file=target)
    for folder in keep_out:
        if resolved.is_relative_to(folder.resolve()):
            raise ChangesError("target_inside", file=target, folder=folder)
    if not os.path.lexists(target):
        return
    if target.is_symlink() or not target.is_file():
        raise ChangesError("target_not_file", file=target)
    if force:
        return
    if manifest:
        found, damaged = Manifest.load(target)
        if found is not None or (damaged is not None and _looks_like_a_manifest(target)):
            return
        raise ChangesError("target_not_manifest", file=target)
    raise ChangesError("target_exists", file=target)


def _looks_like_a_manifest(path: Path) -> bool:
    """A file that starts as every manifest does, though it is damaged after (cut short)."""
    try:
        with path.open("rb") as handle:
            return handle.read(10) == b'{"generate'
    except OSError:
        return False


def write_list(target: Path, paths: list[str]) -> None:
    """One site path a line, as ``rclone copy --files-from-raw`` and a shell loop read them.
    A path that could be read as another (a line break in it) or leave the site is refused,
    whatever manifest it came from."""
    for path in paths:
        if (reason := site_path_problem(path)) is not None:
            raise ChangesError("unsafe_list_path", path=shown(path), reason=path_reason(reason))
    _write(target, "".join(f"{p}\n" for p in paths).encode("utf-8"))


def mark_uploaded(site_dir: Path, target: Path) -> None:
    """Keep the site's manifest as the one of the last upload (replaced in one step)."""
    read_manifest(site_dir)  # a site with a damaged manifest is not a reference
    _write(target, (site_dir / MANIFEST).read_bytes())


def _write(target: Path, data: bytes) -> None:
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        write_durably(target, data)
    except OSError as exc:
        raise ChangesError("cannot_write", file=target, error=exc.strerror) from None
