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

from site_builder.output.writer import MANIFEST, Manifest

PREVIOUS = "previous-manifest.json"  # in the cache folder: the manifest of the last upload


class ChangesError(Exception):
    """A manifest or site that cannot be compared, said in Vietnamese then English."""

    def __init__(self, vi: str, en: str) -> None:
        super().__init__(vi, en)
        self.vi, self.en = vi, en

    def __str__(self) -> str:
        return f"{self.vi} / {self.en}"


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


def read_manifest(path: Path) -> Manifest:
    """The manifest in ``path`` (a manifest file, or a site folder holding one)."""
    file = path / MANIFEST if path.is_dir() else path
    if not file.is_file():
        raise ChangesError(f"không tìm thấy manifest '{file}'", f"no manifest at '{file}'")
    manifest = Manifest.read_file(file)
    if manifest is None or not _well_formed(manifest):
        raise ChangesError(
            f"'{file}' không phải manifest của ocop (hỏng hoặc bị sửa tay)",
            f"'{file}' is not an ocop manifest (damaged, or edited by hand)")
    return manifest


def _well_formed(manifest: Manifest) -> bool:
    try:
        return all(isinstance(p, str) for p in manifest.all_files()) and all(
            isinstance(p, str) and isinstance(d, str) for p, d in _digests(manifest).items())
    except (TypeError, KeyError, AttributeError, ValueError):
        return False


def _digests(manifest: Manifest) -> dict[str, str]:
    """Site path -> MD5; empty for a manifest written before digests were kept."""
    return dict(getattr(manifest, "digests", None) or {})


def _files(manifest: Manifest) -> set[str]:
    return manifest.all_files() - {MANIFEST}


def compare(previous: Manifest | None, current: Manifest, site_dir: Path) -> Changes:
    """The files of ``current`` (built into ``site_dir``) to upload, and those of ``previous``
    to delete; with no ``previous``, every file is new."""
    new = _files(current)
    old = _files(previous) if previous is not None else set()
    new_md5, old_md5 = _digests(current), (_digests(previous) if previous is not None else {})
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
            raise ChangesError(
                f"manifest của '{site_dir}' có tệp '{path}' nhưng thư mục không có; dựng lại "
                "trang (ocop build)",
                f"the manifest of '{site_dir}' lists '{path}', which the folder lacks; build "
                "the site again (ocop build)") from None
    return total


def summary(found: Changes, first_upload: Path | None = None) -> list[str]:
    """What ``ocop changes`` says (Vietnamese / English); ``first_upload``: where the manifest
    of an upload would be, when there is none yet."""
    lines = []
    if first_upload is not None:
        lines.append(f"Chưa ghi nhớ lần tải lên nào ({first_upload}): mọi tệp đều mới. / No "
                     f"upload recorded yet ({first_upload}): every file is new.")
    elif not found.by_digest:
        lines.append("Một manifest chưa có mã MD5 của tệp: mọi tệp còn lại được tính là đã đổi. "
                     "/ A manifest has no MD5 digests: every remaining file counts as changed.")
    added, changed, deleted = len(found.added), len(found.changed), len(found.deleted)
    sent, mb = len(found.uploads), found.upload_bytes / 1e6
    lines.append(f"{added} tệp mới, {changed} tệp đổi, {deleted} tệp xóa; cần tải lên {sent} tệp, "
                 f"{mb:.1f} MB (trang có {found.files} tệp). / {added} added, {changed} changed, "
                 f"{deleted} deleted; {sent} files to upload, {mb:.1f} MB (of {found.files} in "
                 "the site).")
    return lines


def write_list(target: Path, paths: list[str]) -> None:
    """One site path a line, as ``rclone copy --files-from`` and a shell loop read them."""
    try:
        target.write_text("".join(f"{p}\n" for p in paths), encoding="utf-8")
    except OSError as exc:
        raise ChangesError(f"không ghi được '{target}': {exc.strerror}",
                           f"cannot write '{target}': {exc.strerror}") from None


def mark_uploaded(site_dir: Path, target: Path) -> None:
    """Keep the site's manifest as the one of the last upload (replaced in one step)."""
    read_manifest(site_dir)  # a site with a damaged manifest is not a reference
    data = (site_dir / MANIFEST).read_bytes()
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        scratch = target.with_name(f".{target.name}.{os.getpid()}")
        scratch.write_bytes(data)
        os.replace(scratch, target)
    except OSError as exc:
        raise ChangesError(f"không ghi được '{target}': {exc.strerror}",
                           f"cannot write '{target}': {exc.strerror}") from None
