"""The site shell: the catalog does not depend on MkDocs surviving. ProperDocs, the maintained
fork of MkDocs 1.x, builds the bundled sample with the same plugin and Material, without
MkDocs itself loaded, into the same site as MkDocs, file for file, but for one line that says
which program made it."""

from __future__ import annotations

import json
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import yaml
from support.sites import AS_OF, REPO

from site_builder.cli import main
from site_builder.mkdocs import shells

# Every page in Material's layout names the program that rendered it; nothing else may differ.
GENERATOR = re.compile(rb'<meta name="generator" content="mkdocs-([^",]+), mkdocs-material-[^"]+">')


def sample_copy(folder: Path, **ocop: object) -> Path:
    """The repository's sample as an office has it (mkdocs.yml, docs/, theme/, products/) in
    ``folder``, with ``ocop`` set in its ocop block."""
    for name in ("docs", "theme", "products"):
        shutil.copytree(REPO / name, folder / name)
    config = yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))
    block = next(entry["ocop"] for entry in config["plugins"] if "ocop" in entry)
    block.update(ocop)
    path = folder / "mkdocs.yml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def without_mkdocs(folder: Path) -> Path:
    """A folder that, put first on PYTHONPATH, makes any import of MkDocs itself fail."""
    package = folder / "mkdocs"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text(
        'raise ImportError("MkDocs itself was imported in a ProperDocs build")\n', encoding="utf-8")
    return folder


def site_differences(first: Path, second: Path) -> tuple[list[str], list[str]]:
    """The files of two sites that differ only in their generator tag, and every other
    difference, each described in a line."""
    names = {p.relative_to(first).as_posix() for p in first.rglob("*") if p.is_file()}
    others = {p.relative_to(second).as_posix() for p in second.rglob("*") if p.is_file()}
    found = [f"only in {first.name}: {n}" for n in sorted(names - others)]
    found += [f"only in {second.name}: {n}" for n in sorted(others - names)]
    by_tag = []
    for name in sorted(names & others):
        a, b = (first / name).read_bytes(), (second / name).read_bytes()
        if a == b:
            continue
        if name == ".ocop-manifest.json":
            found += manifest_differences(json.loads(a), json.loads(b))
        elif GENERATOR.sub(b"", a) == GENERATOR.sub(b"", b):
            by_tag.append(name)
        else:
            found.append(f"differs beyond the generator tag: {name}")
    return by_tag, found


def manifest_differences(first: dict, second: dict) -> list[str]:
    """The manifests must list the same units, files and pages; their keys and digests follow
    the pages' bytes (the shell's text is part of every unit's key), so they are left out."""
    def shape(manifest: dict) -> dict:
        return {"generated": manifest["generated"],
                "units": {name: (unit["files"], unit["pages"])
                          for name, unit in manifest["units"].items()}}

    return [] if shape(first) == shape(second) else ["the manifests list other units or files"]


def generators(site: Path) -> set[str]:
    return {match.decode() for page in site.rglob("*.html")
            for match in GENERATOR.findall(page.read_bytes())}


def test_properdocs_builds_the_sample_as_mkdocs_does_without_mkdocs_loaded(tmp_path, monkeypatch,
                                                                          capfd):
    """mkdocs.yml chooses ProperDocs (`shell: properdocs`); this test process has MkDocs loaded,
    so `ocop build` runs in a new process, where MkDocs itself cannot even be imported."""
    config = sample_copy(tmp_path / "catalog", shell="properdocs")
    by_mkdocs, by_properdocs = tmp_path / "by-mkdocs", tmp_path / "by-properdocs"
    build = ["-f", str(config), "build", "--as-of", AS_OF.isoformat(), "--site-dir"]
    assert main([*build, str(by_mkdocs), "--shell", "mkdocs"]) == 0
    said = capfd.readouterr().out.splitlines()
    # The summary in Vietnamese, then in English, each on its own line.
    assert said[-4].startswith("Đã dựng 35 sản phẩm vào") and said[-4].endswith(
        "Khung trang: MkDocs 1.6.1."), said
    assert said[-3].startswith("Built 35 products into") and "(full build: " in said[-3], said

    monkeypatch.setenv("PYTHONPATH", str(without_mkdocs(tmp_path / "no-mkdocs")))
    assert main([*build, str(by_properdocs)]) == 0
    printed = capfd.readouterr()
    assert "Khung trang: ProperDocs 1." in printed.out, printed.err

    assert generators(by_mkdocs) == {"1.6.1"}
    assert generators(by_properdocs) == {"ProperDocs 1.6.7"}
    by_tag, other = site_differences(by_mkdocs, by_properdocs)
    assert other == []
    # The pages MkDocs renders (the navigation pages) and every page filled into its shell
    # say which program made them; the pages without Material's layout (trace pages, the 404
    # page) and every other file are the same bytes.
    assert {"index.html", "san-pham/buoi-lam-son/index.html", "en/san-pham/buoi-lam-son/index.html",
            "gioi-thieu/index.html", "en/gioi-thieu/index.html"} <= set(by_tag)
    assert all(name.endswith("index.html") for name in by_tag)
    assert "p/buoi-lam-son/index.html" not in by_tag and "404.html" not in by_tag


def test_ocop_serve_previews_with_properdocs(tmp_path):
    config = sample_copy(tmp_path)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "site_builder.cli", "-f", str(config), "serve", "--shell",
         "properdocs", "-a", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        home = product = b""
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and server.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as answer:
                    home = answer.read()
                break
            except OSError:
                time.sleep(0.5)
        address = f"http://127.0.0.1:{port}/san-pham/nho-say-nhon-son/"
        with urllib.request.urlopen(address, timeout=10) as answer:
            product = answer.read()
    finally:
        server.terminate()
        _, errors = server.communicate(timeout=30)
    assert b"ProperDocs 1.6.7" in home, errors.decode(errors="replace")[-2000:]
    assert b"ProperDocs 1.6.7" in product and "Nho sấy".encode() in product


def test_without_properdocs_installed_the_build_says_what_to_install(tmp_path):
    config = sample_copy(tmp_path, shell="properdocs")
    missing = tmp_path / "no-properdocs" / "properdocs"
    missing.mkdir(parents=True)
    (missing / "__init__.py").write_text('raise ImportError("no properdocs")\n', encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "site_builder.cli", "-f", str(config), "build", "--draft"],
        capture_output=True, text=True, env={"PYTHONPATH": str(missing.parent),
                                             "PATH": "/usr/bin:/bin"}, timeout=120)
    assert done.returncode == 1
    assert "ProperDocs chưa được cài" in done.stderr and "pip install properdocs" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "site").exists()


def test_when_mkdocs_no_longer_loads_the_message_points_to_properdocs(tmp_path):
    config = sample_copy(tmp_path)
    done = subprocess.run(
        [sys.executable, "-m", "site_builder.cli", "-f", str(config), "build"],
        capture_output=True, text=True, timeout=120,
        env={"PYTHONPATH": str(without_mkdocs(tmp_path / "no-mkdocs")), "PATH": "/usr/bin:/bin"})
    assert done.returncode == 1
    assert "không nạp được MkDocs" in done.stderr and "MkDocs itself was imported" in done.stderr
    assert "shell: properdocs" in done.stderr and "Traceback" not in done.stderr


def test_an_unknown_shell_is_named_at_its_line_in_mkdocs_yml(tmp_path, capsys):
    config = sample_copy(tmp_path, shell="zensical")
    line = next(i for i, text in enumerate(config.read_text(encoding="utf-8").splitlines(), 1)
                if text.strip() == "shell: zensical")
    assert main(["-f", str(config), "check"]) == 1
    err = capsys.readouterr().err
    assert f"mkdocs.yml:{line}: plugins.ocop.shell:" in err
    assert "shell 'zensical'" in err and "mkdocs, properdocs" in err


def test_the_shell_is_read_from_mkdocs_yml_without_mkdocs(tmp_path):
    """MkDocs' own tags (!ENV, !!python/name) and INHERIT are read; a file MkDocs would refuse
    gives the default, and MkDocs then reports what is wrong with it."""
    base = tmp_path / "base.yml"
    base.write_text("plugins:\n  - ocop:\n      shell: properdocs\n", encoding="utf-8")
    child = tmp_path / "mkdocs.yml"
    child.write_text("INHERIT: base.yml\nsite_url: !ENV [SITE_URL, 'https://x.vn/']\n"
                     "markdown_extensions:\n  - pymdownx.emoji:\n"
                     "      emoji_index: !!python/name:material.extensions.emoji.twemoji\n",
                     encoding="utf-8")
    assert shells.configured(child) == "properdocs"
    assert shells.chosen(child) == "properdocs"
    assert shells.chosen(child, "mkdocs") == "mkdocs"
    own = tmp_path / "own.yml"
    own.write_text("INHERIT: base.yml\nplugins:\n  - search\n  - ocop: {shell: mkdocs}\n",
                   encoding="utf-8")
    assert shells.configured(own) == "mkdocs"
    broken = tmp_path / "broken.yml"
    broken.write_text("plugins: [ocop: {shell: properdocs\n", encoding="utf-8")
    assert shells.chosen(broken) == shells.DEFAULT
    assert shells.chosen(tmp_path / "missing.yml") == shells.DEFAULT
    loop = tmp_path / "loop.yml"
    loop.write_text("INHERIT: loop.yml\n", encoding="utf-8")
    assert shells.configured(loop) is None
