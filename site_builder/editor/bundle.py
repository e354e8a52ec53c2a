"""Decap CMS's script, brought from npm when a site enables the editor, pinned and checked.

The package does not carry the 5 MB script: a catalog without the editor never needs it. A
build that enables the editor asks npm for the pinned version's tarball (``npm pack``, npm's own
download and cache), checks it against the digest the registry published for that version, and
keeps it in the cache folder; the site then serves the script itself (no CDN).
"""

from __future__ import annotations

import base64
import hashlib
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

DECAP_PACKAGE = "decap-cms"
DECAP_VERSION = "3.16.3"
# The registry's digest of that version's tarball (`npm view decap-cms@3.16.3 dist.integrity`).
DECAP_INTEGRITY = ("sha512-hf+dPlCh7TJmWl8+6VRzHYOWhri5xgUknrZbDewaWe4s9B7xJ8PQugp2QHeSldMUKzav6"
                   "+z0oIpwUYhUJDYtYw==")
SCRIPT = "decap-cms.js"
DIST = "package/dist/"


class BundleError(Exception):
    """Decap CMS could not be had or did not match its digest: the message says what to do."""


def decap_files(cache_dir: Path | None) -> dict[str, bytes]:
    """The files of Decap CMS the /admin/ page serves, by name: the script, the parts it loads
    on demand (``<n>.decap-cms.js``, ``.wasm``) and its licence notices. No source maps."""
    tarball = _tarball(cache_dir)
    files: dict[str, bytes] = {}
    with tarfile.open(tarball, "r:gz") as archive:
        for member in archive.getmembers():
            name = member.name[len(DIST):] if member.name.startswith(DIST) else ""
            if not member.isfile() or "/" in name or not _served(name):
                continue
            handle = archive.extractfile(member)
            if handle is not None:
                files[name] = handle.read()
    if SCRIPT not in files:
        raise BundleError(f"{tarball}: không có {DIST}{SCRIPT} / holds no {DIST}{SCRIPT}")
    return files


def _served(name: str) -> bool:
    return (name == SCRIPT or name == SCRIPT + ".LICENSE.txt" or name.endswith(".wasm")
            or (name.endswith("." + SCRIPT) and name.split(".", 1)[0].isdigit()))


def _tarball(cache_dir: Path | None) -> Path:
    """The checked tarball, from the cache or from npm."""
    name = f"{DECAP_PACKAGE}-{DECAP_VERSION}.tgz"
    kept = cache_dir / "editor" / name if cache_dir is not None else None
    if kept is not None and kept.is_file() and integrity(kept) == DECAP_INTEGRITY:
        return kept
    folder = Path(tempfile.mkdtemp(prefix="ocop-decap-"))
    try:
        fetched = _npm_pack(folder) / name
        found = integrity(fetched)
        if found != DECAP_INTEGRITY:
            raise BundleError(
                f"{DECAP_PACKAGE} {DECAP_VERSION} tải về không khớp mã kiểm tra ({found}, cần "
                f"{DECAP_INTEGRITY}); không dùng / does not match its published digest; not used")
        if kept is None:  # no cache folder: keep it beside the others of this process
            kept = Path(tempfile.gettempdir()) / f"ocop-{name}"
        kept.parent.mkdir(parents=True, exist_ok=True)
        partial = kept.with_suffix(".part")
        shutil.copyfile(fetched, partial)
        partial.replace(kept)
        return kept
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _npm_pack(folder: Path) -> Path:
    npm = shutil.which("npm")
    if npm is None:
        raise BundleError(
            f"trình sửa (editor.enabled) cần {DECAP_PACKAGE} {DECAP_VERSION} từ npm, mà máy này "
            "không có npm: cài Node.js (có npm) rồi dựng lại, hoặc tắt editor trong mkdocs.yml / "
            f"the editor needs {DECAP_PACKAGE} {DECAP_VERSION} from npm and this machine has no "
            "npm: install Node.js, or turn the editor off")
    spec = f"{DECAP_PACKAGE}@{DECAP_VERSION}"
    try:
        done = subprocess.run([npm, "pack", spec, "--pack-destination", str(folder),
                               "--silent", "--ignore-scripts"],
                              capture_output=True, text=True, timeout=600, check=False)
    except subprocess.TimeoutExpired:
        raise BundleError(f"npm pack {spec}: quá 10 phút / took over 10 minutes") from None
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip().splitlines()[-3:]
        raise BundleError(f"npm pack {spec} không tải được / could not fetch it: "
                          + " ".join(detail))
    return folder


def integrity(path: Path) -> str:
    """A file's digest as npm writes it (Subresource Integrity form, sha512)."""
    digest = hashlib.sha512()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return "sha512-" + base64.b64encode(digest.digest()).decode()
