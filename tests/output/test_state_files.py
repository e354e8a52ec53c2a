"""The files a build leaves for the next one (issue 18, items 5 and 6): the journal of an
interrupted commit and the site's manifest are read as hostile input. A journal is followed
only when it is exactly what a build writes, and only inside the site; a damaged manifest or
journal is taken as absent, with a warning, and the build rebuilds the whole site. Both are
written durably."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from damaged_manifests import DAMAGED
from support.records import record, write_record
from support.sites import AS_OF, write_mkdocs_config
from test_publish import snapshot

from site_builder.mkdocs.build import build_site
from site_builder.output import durable, publish
from site_builder.output.writer import MANIFEST

JOURNALS = {
    "empty": b"",
    "cut-short": b'{"backup": ".site.backup", "existed": {"404.html": tr',
    "not-utf8": b'{"backup": ".site.backup", "existed": {"\xff": true}, "folders": []}',
    "list": b"[]",
    "nested": b"[" * 100_000 + b"]" * 100_000,
    "null-existed": b'{"backup": ".site.backup", "existed": null, "folders": []}',
    "not-bool": b'{"backup": ".site.backup", "existed": {"404.html": "yes"}, "folders": []}',
    "backup-elsewhere": b'{"backup": "../..", "existed": {}, "folders": []}',
    "folder-outside": b'{"backup": ".site.backup", "existed": {}, "folders": ["../../x"]}',
}


def small_site(root: Path, host: str = "object-storage") -> Path:
    products = root / "products"
    write_record(products, record())
    write_record(products, record(id="buoi-tan-trieu"))
    config = write_mkdocs_config(root, products)
    config.write_text(config.read_text(encoding="utf-8").replace(
        "products_dir:", f"host: {host}\n    products_dir:"), encoding="utf-8")
    build_site(config, as_of=AS_OF)
    return config


def build_command(config: Path) -> list[str]:
    return [sys.executable, "-m", "site_builder.cli", "-f", str(config), "build", "--as-of",
            AS_OF.isoformat()]


def test_a_journal_naming_the_records_as_its_backup_deletes_nothing(tmp_path):
    """Edited to name 'products' as its backup folder, the journal made the next build move a
    record into the site, then delete products/."""
    config = small_site(tmp_path)
    site = tmp_path / "site"
    before = snapshot(tmp_path / "products")
    (site / publish.JOURNAL).write_text(json.dumps(
        {"backup": "products", "existed": {"buoi-tan-trieu/product.yml": True}, "folders": []}),
        encoding="utf-8")
    run = subprocess.run(build_command(config), cwd=tmp_path, capture_output=True, text=True,
                         timeout=300)
    assert run.returncode == 0, run.stderr
    assert snapshot(tmp_path / "products") == before
    assert not (site / "buoi-tan-trieu").exists() and not (site / publish.JOURNAL).exists()
    assert "site/.ocop-journal.json:1: cảnh báo: nhật ký của một lần dựng" in run.stdout
    assert "dựng toàn bộ" in run.stdout  # the site could not be trusted: built whole


def test_a_journal_naming_a_file_outside_the_site_deletes_nothing(tmp_path):
    config = small_site(tmp_path)
    victim = tmp_path.parent / f"{tmp_path.name}-outside" / "victim.txt"
    victim.parent.mkdir()
    victim.write_text("của người khác", encoding="utf-8")
    relative = os.path.relpath(victim, tmp_path / "site")
    (tmp_path / "site" / publish.JOURNAL).write_text(json.dumps(
        {"backup": ".site.backup", "existed": {relative: False}, "folders": []}),
        encoding="utf-8")
    result = build_site(config, as_of=AS_OF)
    assert victim.read_text(encoding="utf-8") == "của người khác"
    assert result.mode == "full"
    assert [w.code for w in result.warnings.items if w.code == "damaged_state"] == [
        "damaged_state"]


@pytest.mark.parametrize("kind", sorted(JOURNALS))
def test_a_damaged_journal_means_a_full_build_without_a_traceback(tmp_path, kind):
    """A journal written without fsync could be found empty or cut short after a power cut:
    every build then printed a traceback."""
    config = small_site(tmp_path)
    clean = snapshot(tmp_path / "site")
    (tmp_path / "site" / publish.JOURNAL).write_bytes(JOURNALS[kind])
    for _ in range(2):  # and the build after it is an ordinary one
        run = subprocess.run(build_command(config), cwd=tmp_path, capture_output=True,
                             text=True, timeout=300)
        assert run.returncode == 0 and "Traceback" not in run.stdout + run.stderr, run.stderr
    assert snapshot(tmp_path / "site") == clean
    assert not list(tmp_path.glob(".site.backup*"))




@pytest.mark.parametrize("kind", sorted(DAMAGED))
def test_a_damaged_manifest_means_a_full_build_with_a_warning(tmp_path, kind):
    config = small_site(tmp_path)
    clean = snapshot(tmp_path / "site")
    content = DAMAGED[kind]
    if isinstance(content, str):
        content = content.encode("utf-8")
    (tmp_path / "site" / MANIFEST).write_bytes(content)
    run = subprocess.run(build_command(config), cwd=tmp_path, capture_output=True, text=True,
                         timeout=300)
    assert run.returncode == 0 and "Traceback" not in run.stdout + run.stderr, run.stderr
    assert "manifest của lần dựng trước bị hỏng" in run.stdout
    assert "site/.ocop-manifest.json:1: cảnh báo:" in run.stdout
    assert snapshot(tmp_path / "site") == clean


def test_the_journal_and_the_manifest_are_written_durably(tmp_path, monkeypatch):
    """Each is flushed to the disk, then renamed into place, then its folder flushed, before
    the commit moves a single file (where folders cannot be exchanged)."""
    config = small_site(tmp_path, host="default")
    record_path = tmp_path / "products" / "nho-say-nhon-son" / "product.yml"
    record_path.write_text(record_path.read_text(encoding="utf-8").replace(
        "sấy lạnh", "sấy lạnh 36 giờ"), encoding="utf-8")
    events: list[str] = []
    real_fsync, real_replace, real_rename = os.fsync, os.replace, Path.rename

    def fsync(fd: int) -> None:
        events.append("fsync " + os.readlink(f"/proc/self/fd/{fd}"))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", lambda a, b: events.append(f"replace {b}")
                        or real_replace(a, b))
    monkeypatch.setattr(Path, "rename", lambda a, b: events.append(f"rename {b}")
                        or real_rename(a, b))
    monkeypatch.setattr(publish, "_can_exchange", lambda final: False)
    assert build_site(config, as_of=AS_OF).mode == "incremental"
    site = str(tmp_path / "site")
    journal = events.index(f"replace {site}/{publish.JOURNAL}")
    assert events[journal - 1] == f"fsync {site}/{publish.JOURNAL}.tmp"
    assert events[journal + 1] == f"fsync {site}"
    first_move = next(i for i, e in enumerate(events) if e.startswith("rename"))
    assert journal < first_move
    manifest = [i for i, e in enumerate(events) if e.endswith(f"/{MANIFEST}.tmp")]
    assert manifest and events[manifest[0] + 1].startswith("replace ")


def test_write_durably_never_follows_a_link(tmp_path):
    outside = tmp_path / "khac.txt"
    outside.write_text("giữ nguyên", encoding="utf-8")
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "state.json").symlink_to(outside)
    (tmp_path / "site" / "state.json.tmp").symlink_to(outside)
    durable.write_durably(tmp_path / "site" / "state.json", b"{}")
    assert outside.read_text(encoding="utf-8") == "giữ nguyên"
    assert (tmp_path / "site" / "state.json").read_bytes() == b"{}"
    assert not (tmp_path / "site" / "state.json").is_symlink()
