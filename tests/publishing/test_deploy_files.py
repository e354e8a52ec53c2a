"""The ready-to-copy files in deploy/ and .github/ that no server here runs: the upload script
(with a stand-in rclone that records what it was asked), the GitHub Actions workflow."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from hosting import DEPLOY, small_catalog, tool

from site_builder.publishing.changes import PREVIOUS, read_manifest
from site_builder.publishing.content_types import UPLOAD_TYPES, upload_type

SCRIPT = DEPLOY / "upload.sh"
# Records each call, one line of arguments separated by tabs, then the files it was listed.
RCLONE = """#!/bin/sh
log="$RCLONE_LOG"
printf '%s\\t' "$@" >> "$log"; echo >> "$log"
while [ $# -gt 0 ]; do
  if [ "$1" = "--files-from-raw" ]; then sed 's/^/  /' "$2" >> "$log"; fi
  shift
done
"""


def upload(catalog: Path, tmp_path: Path, *args: str) -> tuple[subprocess.CompletedProcess, str]:
    bash = tool("bash", "/bin/bash")
    stand_ins = tmp_path / "bin"
    stand_ins.mkdir(exist_ok=True)
    (stand_ins / "rclone").write_text(RCLONE, encoding="utf-8")
    (stand_ins / "rclone").chmod(0o755)
    log = tmp_path / "rclone.log"
    log.write_text("", encoding="utf-8")
    env = {**os.environ, "RCLONE_LOG": str(log),
           "PATH": os.pathsep.join([str(stand_ins), str(Path(sys.executable).parent),
                                    os.environ.get("PATH", "")])}
    done = subprocess.run([bash, str(SCRIPT), *args], cwd=catalog.parent, env=env,
                          capture_output=True, text=True, timeout=120, check=False)
    return done, log.read_text(encoding="utf-8")


def calls(log: str) -> list[tuple[list[str], list[str]]]:
    """Each rclone call: its arguments, and the files of its --files-from-raw list."""
    found: list[tuple[list[str], list[str]]] = []
    for line in log.splitlines():
        if line.startswith("  "):
            found[-1][1].append(line.strip())
        else:
            found.append((line.rstrip("\t").split("\t"), []))
    return found


def test_the_change_list_way_sends_each_file_once_with_its_type(tmp_path):
    catalog = small_catalog(tmp_path)
    done, log = upload(catalog, tmp_path, "changes", "ocop-r2:ocop-catalog")
    assert done.returncode == 0, done.stderr
    made = calls(log)
    assert [args[0] for args, _ in made] == ["copy"] * len(made)  # nothing to delete yet
    sent = [path for _, files in made for path in files]
    assert sorted(sent) == sorted(read_manifest(tmp_path / "site").all_files())  # each once
    for args, files in made:
        given = [a[len("Content-Type: "):] for a in args if a.startswith("Content-Type: ")]
        wanted = {upload_type(p) for p in files if Path(p).suffix in UPLOAD_TYPES}
        assert wanted == set(given), args  # typed files only, each run with its type
    assert any("Content-Type: image/webp" in args for args, _ in made)
    assert (tmp_path / ".cache" / PREVIOUS).is_file()  # recorded as uploaded


def test_the_sync_ways_give_every_typed_extension_its_type(tmp_path):
    catalog = small_catalog(tmp_path)
    done, log = upload(catalog, tmp_path, "rclone", "ocop-r2:ocop-catalog")
    assert done.returncode == 0, done.stderr
    assert log.count("sync\t--checksum") == 6  # everything else, then five typed extensions
    for pair in ("*.webp\t--header-upload\tContent-Type: image/webp",
                 "*.geojson\t--header-upload\tContent-Type: application/geo+json"):
        assert pair in log


def test_a_folder_without_a_built_site_is_refused(tmp_path):
    (tmp_path / "mkdocs.yml").write_text("site_name: x\n", encoding="utf-8")
    done, log = upload(tmp_path / "mkdocs.yml", tmp_path, "rclone", "ocop-r2:ocop-catalog")
    assert done.returncode == 1 and "holds no site built by ocop build" in done.stderr
    assert log == ""


@pytest.fixture(scope="module")
def workflow() -> dict:
    path = DEPLOY.parent / ".github" / "workflows" / "publish.yml"
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def test_the_workflow_runs_daily_on_push_and_by_hand(workflow):
    triggers = workflow[True]  # YAML 1.1 reads the key `on` as true
    assert set(triggers) == {"push", "schedule", "workflow_dispatch"}
    assert triggers["schedule"][0]["cron"] == "17 20 * * *"  # 03:17 in Vietnam
    assert workflow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}


def test_the_workflow_builds_for_the_day_in_vietnam_and_deploys_pages(workflow):
    steps = workflow["jobs"]["build"]["steps"]
    build = next(s for s in steps if s.get("name") == "Build")
    assert build["run"] == ('ocop build --host github-pages '
                            '--as-of "$(TZ=Asia/Ho_Chi_Minh date +%F)"')
    artifact = next(s for s in steps if s.get("uses", "").startswith("actions/upload-pages"))
    assert artifact["with"]["path"] == "site"
    deploy = workflow["jobs"]["deploy"]
    assert deploy["needs"] == "build"
    assert deploy["steps"][0]["uses"].startswith("actions/deploy-pages@")
