"""The ready-to-copy files in deploy/ and .github/ that no server here runs: the upload script's
bookkeeping (with a stand-in rclone that records what it was asked; test_object_storage.py
uploads into a real S3-compatible server), the GitHub Actions workflow (its jobs' rights, its
own script run, what its Pages artifact holds; tests/actions runs actionlint on it)."""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
import time
from pathlib import Path

import pytest
import yaml
from hosting import DEPLOY, small_catalog, tool
from support.records import record, write_record

from site_builder.publishing.cache_lives import cache_control, published
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


def test_the_change_list_way_sends_each_file_once_with_its_headers(tmp_path):
    catalog = small_catalog(tmp_path)
    done, log = upload(catalog, tmp_path, "changes", "ocop-r2:ocop-catalog")
    assert done.returncode == 0, done.stderr
    made = calls(log)
    copies = [(args, files) for args, files in made if args[0] == "copy"]
    # the build's own files: never sent, and removed should an earlier upload have left them
    assert [files for args, files in made if args[0] == "delete"] == [
        [".ocop-manifest.json", ".ocop-site"]]
    sent = [path for _, files in copies for path in files]
    assert sorted(sent) == sorted(p for p in read_manifest(tmp_path / "site").all_files()
                                  if published(p))  # each once
    for args, files in copies:
        given = dict(a.split(": ", 1) for a in args if ": " in a)
        assert {cache_control(p) for p in files} == {given["Cache-Control"]}, args
        wanted = {upload_type(p) for p in files if Path(p).suffix in UPLOAD_TYPES}
        assert wanted == ({given["Content-Type"]} if "Content-Type" in given else set()), args
    assert any("Content-Type: image/webp" in args for args, _ in copies)
    assert (tmp_path / ".cache" / PREVIOUS).is_file()  # recorded as uploaded


def test_a_folder_without_a_built_site_is_refused(tmp_path):
    (tmp_path / "mkdocs.yml").write_text("site_name: x\n", encoding="utf-8")
    done, log = upload(tmp_path / "mkdocs.yml", tmp_path, "rclone", "ocop-r2:ocop-catalog")
    assert done.returncode == 1 and "holds no site built by ocop build" in done.stderr
    assert log == ""


WORKFLOWS = DEPLOY.parent / ".github" / "workflows"


@pytest.fixture(scope="module")
def workflow() -> dict:
    return yaml.safe_load((WORKFLOWS / "publish.yml").read_text(encoding="utf-8"))


def test_the_workflow_runs_daily_on_push_and_by_hand(workflow):
    triggers = workflow[True]  # YAML 1.1 reads the key `on` as true
    assert set(triggers) == {"push", "schedule", "workflow_dispatch"}
    assert triggers["schedule"][0]["cron"] == "17 20 * * *"  # 03:17 in Vietnam


def test_only_the_deploy_job_may_write_to_pages(workflow):
    """The build installs packages from PyPI: it gets no write access and no identity token."""
    assert workflow["permissions"] == {"contents": "read"}
    granted = {name: job.get("permissions") for name, job in workflow["jobs"].items()}
    assert granted == {"build": None, "deploy": {"pages": "write", "id-token": "write"},
                       "keep-running": None}


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


def test_the_pages_artifact_holds_the_site_without_the_build_s_own_files(workflow, tmp_path):
    """actions/upload-pages-artifact archives the folder with tar; from version 4 it leaves
    out every name starting with a dot unless told `include-hidden-files` (its action.yml:
    `--exclude=.git --exclude=.github --exclude=.[^/]*`). The same command, on a build."""
    from support.sites import AS_OF, write_mkdocs_config

    from site_builder.mkdocs.build import build_site

    step = next(s for s in workflow["jobs"]["build"]["steps"]
                if s.get("uses", "").startswith("actions/upload-pages-artifact@"))
    assert int(step["uses"].split("@v")[1]) >= 4
    assert str(step.get("with", {}).get("include-hidden-files", "false")).lower() != "true"
    write_record(tmp_path / "products", record())
    site = build_site(write_mkdocs_config(tmp_path, tmp_path / "products"), as_of=AS_OF,
                      host="github-pages").site_dir
    archive = tmp_path / "artifact.tar"
    tar = tool("tar", "/usr/bin/tar", "/bin/tar")
    subprocess.run([tar, "--dereference", "--hard-dereference", "--directory", str(site), "-cf",
                    str(archive), "--exclude=.git", "--exclude=.github", "--exclude=.[^/]*", "."],
                   check=True, timeout=60)
    with tarfile.open(archive) as packed:
        members = {m.name.removeprefix("./") for m in packed.getmembers() if m.isfile()}
    on_disk = {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()}
    assert members == {p for p in on_disk if published(p)}
    assert {".ocop-manifest.json", ".ocop-site"} <= on_disk - members


@pytest.mark.parametrize("days, fails", [(10, False), (49, False), (50, True), (70, True)])
def test_the_workflow_says_when_github_is_about_to_stop_the_daily_run(workflow, tmp_path, days,
                                                                      fails):
    """Its keep-running job, run in a repository whose last commit is ``days`` old."""
    bash, git = tool("bash", "/bin/bash"), tool("git", "/usr/bin/git")
    steps = workflow["jobs"]["keep-running"]["steps"]
    script = next(s["run"] for s in steps if "run" in s)
    stamp = f"{int(time.time()) - days * 86400 - 3600} +0700"
    env = {**os.environ, "GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp,
           "GIT_AUTHOR_NAME": "VP OCOP", "GIT_AUTHOR_EMAIL": "ocop@khanhhoa.gov.vn",
           "GIT_COMMITTER_NAME": "VP OCOP", "GIT_COMMITTER_EMAIL": "ocop@khanhhoa.gov.vn"}
    subprocess.run([git, "init", "-q", str(tmp_path)], check=True, env=env)
    subprocess.run([git, "-C", str(tmp_path), "commit", "-q", "--allow-empty", "-m", "Hồ sơ"],
                   check=True, env=env)
    done = subprocess.run([bash, "-e", "-c", script], cwd=tmp_path, capture_output=True,
                          text=True, timeout=60, check=False)
    assert (done.returncode != 0) == fails, done.stdout
    assert f"{days} days" in done.stdout
    assert ("::error::" in done.stdout) == fails
