"""The catalog on Cloudflare: the sample built with ``host: cloudflare`` and served by wrangler
(Cloudflare's command line, running workerd, Cloudflare's runtime) the two ways manual/operators.md
documents, every address of the build asked of each:

- Cloudflare Pages (``wrangler pages dev``), on the very folder ``deploy/upload.sh pages``
  hands to ``wrangler pages deploy``;
- Workers static assets (``wrangler dev``), with the shipped ``deploy/wrangler.toml``.

wrangler is pinned in ``.ci/package.json`` and runs offline (``hosting.wrangler_env``).
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from answers import check_every_address
from hosting import (
    DEPLOY,
    UPLOAD_SCRIPT,
    answering,
    built_site,
    free_port,
    node_module,
    tool,
    wrangler_env,
)

COMPATIBILITY_DATE = "2026-04-01"
# Stands in for wrangler in `deploy/upload.sh pages`: keeps a copy of the folder it is told to
# deploy, and the arguments.
STAND_IN = """#!/bin/sh
printf '%s\\n' "$@" > "$DEPLOYED.args"
cp -a "$3" "$DEPLOYED"
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return built_site(tmp_path_factory, "cloudflare", "/")


def deployed_to_pages(site: Path, folder: Path) -> Path:
    """What ``deploy/upload.sh pages ocop-catalog`` deploys: the folder it gives wrangler."""
    tool("bash", "/bin/bash")
    stand_ins = folder / "bin"
    stand_ins.mkdir()
    (stand_ins / "wrangler").write_text(STAND_IN, encoding="utf-8")
    (stand_ins / "wrangler").chmod(0o755)
    deployed = folder / "deployed"
    env = {**os.environ, "DEPLOYED": str(deployed),
           "PATH": os.pathsep.join([str(stand_ins), os.environ.get("PATH", "")])}
    done = subprocess.run(["bash", str(UPLOAD_SCRIPT), "pages", "ocop-catalog"],
                          cwd=site.parent, env=env, capture_output=True, text=True, timeout=120,
                          check=False)
    assert done.returncode == 0, done.stderr
    args = Path(f"{deployed}.args").read_text(encoding="utf-8").split()
    assert args[:2] == ["pages", "deploy"] and args[3:] == ["--project-name", "ocop-catalog"]
    return deployed


def files(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}


def test_pages_gets_the_site_without_the_build_s_own_files(built, tmp_path):
    deployed = deployed_to_pages(built.site, tmp_path)
    own = {".ocop-manifest.json", ".ocop-site", ".assetsignore"}
    assert own <= files(built.site)
    assert files(deployed) == files(built.site) - own


def test_every_address_answers_on_cloudflare_pages(built, tmp_path):
    wrangler = node_module(".bin/wrangler")
    deployed = deployed_to_pages(built.site, tmp_path)
    port = free_port()
    command = [str(wrangler), "pages", "dev", str(deployed), "--ip", "127.0.0.1",
               "--port", str(port), "--inspector-port", str(free_port()),
               "--compatibility-date", COMPATIBILITY_DATE]
    with answering(command, port, cwd=tmp_path, env=wrangler_env(tmp_path)) as address:
        report = check_every_address("Cloudflare Pages", address, built)
    print(f"\n{report.server}: {report.asked} addresses in {report.seconds:.1f} s")
    assert report.problems == [], str(report)


def test_every_address_answers_on_workers_static_assets(built, tmp_path):
    wrangler = node_module(".bin/wrangler")
    config = tmp_path / "wrangler.toml"
    shipped = (DEPLOY / "wrangler.toml").read_text(encoding="utf-8")
    assert shipped.count('directory = "./site"') == 1
    config.write_text(shipped.replace('directory = "./site"', f'directory = "{built.site}"'),
                      encoding="utf-8")
    port = free_port()
    command = [str(wrangler), "dev", "--config", str(config), "--ip", "127.0.0.1",
               "--port", str(port), "--inspector-port", str(free_port())]
    with answering(command, port, cwd=tmp_path, env=wrangler_env(tmp_path)) as address:
        report = check_every_address("Workers static assets", address, built)
    print(f"\n{report.server}: {report.asked} addresses in {report.seconds:.1f} s")
    assert report.problems == [], str(report)
