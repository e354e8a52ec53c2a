"""Builds you can trust: incremental builds equal clean ones, two builds of the same records are
byte-identical, and a build killed at any moment leaves the published site as it was."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from support.sites import AS_OF, REPO, SITE_URL, write_mkdocs_config

from site_builder.config import SiteConfig
from site_builder.mkdocs.build import build_site
from site_builder.output import publish
from site_builder.output.keys import global_key
from site_builder.records import fingerprint
from site_builder.records.cache import context_key


def snapshot(site: Path) -> dict[str, str]:
    """Every file of a site (marker and manifest included) with the hash of its bytes."""
    return {str(p.relative_to(site)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(site.rglob("*")) if p.is_file()}


def sample(root: Path) -> Path:
    shutil.copytree(REPO / "products", root / "products")
    return write_mkdocs_config(root, root / "products", SITE_URL, sample_data=True)


def edit_story(root: Path, product_id: str = "nho-say-nhon-son") -> None:
    record = root / "products" / product_id / "product.yml"
    text = record.read_text(encoding="utf-8")
    edited = text.replace("story:\n  vi: |\n    ", "story:\n  vi: |\n    Vụ mới. ", 1)
    assert edited != text
    record.write_text(edited, encoding="utf-8")


def edit_name(root: Path, product_id: str = "nho-say-nhon-son") -> None:
    record = root / "products" / product_id / "product.yml"
    text = record.read_text(encoding="utf-8")
    record.write_text(text.replace("name:\n  vi: ", "name:\n  vi: Mới - ", 1), encoding="utf-8")


def test_two_builds_of_the_same_records_are_byte_identical(tmp_path):
    first = build_site(sample(tmp_path / "a"), as_of=AS_OF).site_dir
    second = build_site(sample(tmp_path / "b"), as_of=AS_OF).site_dir
    assert snapshot(first) == snapshot(second)


@pytest.mark.parametrize(("edit", "rendered"), [
    # Only the product's own unit (its pages in both languages): listings, summaries, open data
    # and the search index show no story (cache.summary_digest).
    (edit_story, range(1, 2)),
    # A name is on the product, its lots' pages, the 4 listings it is on (catalog, province,
    # sector, stars) in each language, the summary pages, the traceability pages of its
    # province, the data pages, open data and the search index.
    (edit_name, range(2, 30)),
])
def test_an_incremental_build_equals_a_clean_build(tmp_path, edit, rendered):
    config = sample(tmp_path / "a")
    build_site(config, as_of=AS_OF)
    edit(tmp_path / "a")
    incremental = build_site(config, as_of=AS_OF)
    assert incremental.mode == "incremental"
    assert incremental.rendered in rendered and incremental.reused > 60
    clean_config = sample(tmp_path / "b")
    edit(tmp_path / "b")
    clean = build_site(clean_config, as_of=AS_OF)
    assert clean.mode == "full"
    assert snapshot(incremental.site_dir) == snapshot(clean.site_dir)


def test_a_removed_product_disappears_from_an_incremental_build(tmp_path):
    config = sample(tmp_path)
    site = build_site(config, as_of=AS_OF).site_dir
    assert (site / "san-pham/mang-cau-ba-den/index.html").is_file()
    shutil.rmtree(tmp_path / "products" / "mang-cau-ba-den")
    result = build_site(config, as_of=AS_OF)
    assert result.mode == "incremental"
    assert not (site / "san-pham/mang-cau-ba-den").exists()
    assert not (site / "p/mang-cau-ba-den").exists()


def test_an_interrupted_commit_is_rolled_back(tmp_path, monkeypatch):
    """Where folders cannot be exchanged, the changed files are moved in under a journal."""
    config = sample(tmp_path)
    site = build_site(config, as_of=AS_OF).site_dir
    before = snapshot(site)
    edit_name(tmp_path)  # a change that many files show, so the commit has many moves
    monkeypatch.setattr(publish, "_can_exchange", lambda final: False)
    real_rename, calls = Path.rename, {"n": 0}

    def failing_rename(self, target):  # dies half-way through moving files in
        calls["n"] += 1
        if calls["n"] == 7:
            raise KeyboardInterrupt
        return real_rename(self, target)

    monkeypatch.setattr(Path, "rename", failing_rename)
    with pytest.raises(KeyboardInterrupt):
        build_site(config, as_of=AS_OF)
    monkeypatch.undo()
    assert (site / publish.JOURNAL).is_file()
    assert publish.recover(site) == (True, None)
    assert snapshot(site) == before
    assert not list(tmp_path.glob(".site.backup*"))


def _build_command(config: Path) -> list[str]:
    return [sys.executable, "-m", "site_builder.cli", "-f", str(config), "build", "--as-of",
            AS_OF.isoformat()]


def test_a_build_killed_with_sigkill_leaves_the_site_as_it_was(tmp_path):
    """Kill incremental builds at several moments of their run: the site is always either the
    previous one or, when the kill came after publishing finished, the complete new one."""
    config = sample(tmp_path)
    site = build_site(config, as_of=AS_OF).site_dir
    before = snapshot(site)
    for product_id in ("nho-say-nhon-son", "buoi-tan-trieu", "muoi-tom-tay-ninh"):
        edit_story(tmp_path, product_id)
    env = {**os.environ, "OCOP_WORKERS": "1"}
    timing = sample(tmp_path / "timing")  # the same build, to learn how long one takes
    build_site(timing, as_of=AS_OF)
    for product_id in ("nho-say-nhon-son", "buoi-tan-trieu", "muoi-tom-tay-ninh"):
        edit_story(tmp_path / "timing", product_id)
    started = time.perf_counter()
    subprocess.run(_build_command(timing), cwd=tmp_path / "timing", env=env, check=True,
                   capture_output=True)
    duration = time.perf_counter() - started
    after = snapshot(tmp_path / "timing" / "site")  # builds are reproducible: what success gives
    killed = 0
    for share in (0.1, 0.3, 0.5, 0.7, 0.9):
        process = subprocess.Popen(_build_command(config), cwd=tmp_path, env=env,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(duration * share)
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            killed += 1
        process.wait()
        if (site / publish.JOURNAL).is_file():
            publish.recover(site)  # killed while moving files in: the next build does this first
        now = snapshot(site)
        if now == after:
            break  # the kill came after the new site was complete: nothing half-made either
        assert now == before, f"killed at {share:.0%} of the build"
    assert killed >= 3
    # The next build succeeds and publishes the edits.
    result = build_site(config, as_of=AS_OF)
    assert "Vụ mới" in (result.site_dir / "san-pham/buoi-tan-trieu/index.html").read_text(
        encoding="utf-8")
    assert not list(tmp_path.glob(".site.building-*"))


def test_a_record_taken_out_of_its_folder_leaves_the_site_with_its_product(tmp_path):
    """The last build's records are listed without asking each folder for its record (their
    sizes and times are asked for anyway): one gone since, its folder left, is not read."""
    config = sample(tmp_path)
    first = build_site(config, as_of=AS_OF)
    record = tmp_path / "products" / "nho-say-nhon-son" / "product.yml"
    record.rename(tmp_path / "nho-say-nhon-son.yml")
    after = build_site(config, as_of=AS_OF)
    assert after.mode == "incremental" and after.products == first.products - 1
    assert build_site(config, as_of=AS_OF).mode == "up-to-date"


def test_an_unchanged_catalog_is_not_built_again(tmp_path):
    config = sample(tmp_path)
    site = build_site(config, as_of=AS_OF).site_dir
    before = snapshot(site)
    again = build_site(config, as_of=AS_OF)
    assert again.mode == "up-to-date" and snapshot(site) == before
    # Statuses may turn any day: the next day is a build, which renders only what the day
    # changed (pages state a status as of the day it began, rules.unchanged_since).
    next_day = build_site(config, as_of=AS_OF + timedelta(days=1))
    assert next_day.mode == "incremental"
    after = snapshot(site)
    changed = {path for path in after if after[path] != before.get(path)}
    assert "du-lieu/products.json" in changed  # it says the day it was built
    assert not any(path.startswith(("san-pham/buoi-tan-trieu/", "01/", "p/", "qr/"))
                   for path in changed), sorted(changed)


def test_a_settings_change_reaches_the_pages_that_show_it(tmp_path):
    """Unit keys carry the code, templates, strings and settings: a new licence shows on the
    data page and in the open data files on the next build."""
    config = sample(tmp_path)
    site = build_site(config, as_of=AS_OF).site_dir
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("products_dir:", "data_licence: CC0 1.0\n    products_dir:"),
                      encoding="utf-8")
    build_site(config, as_of=AS_OF)
    assert "CC0 1.0" in (site / "du-lieu" / "index.html").read_text(encoding="utf-8")
    assert "CC0 1.0" in (site / "du-lieu" / "products.json").read_text(encoding="utf-8")


def test_a_full_build_killed_between_its_two_renames_is_put_back_by_the_next_build(
        tmp_path, monkeypatch):
    """Where folders cannot be exchanged in one step, a full build renames the old site aside,
    then the new one into place; killed in between, the next build restores the old site and
    removes what was left beside it."""
    config = sample(tmp_path)
    site = build_site(config, as_of=AS_OF).site_dir
    before = snapshot(site)
    real_rename = Path.rename

    def killed_before_the_new_site_is_in_place(self, target):
        if Path(target) == site and self.name.startswith(".site.building-"):
            raise KeyboardInterrupt
        return real_rename(self, target)

    monkeypatch.setattr(publish, "exchange", lambda a, b: False)
    monkeypatch.setattr(Path, "rename", killed_before_the_new_site_is_in_place)
    text = config.read_text(encoding="utf-8")  # a new setting every page is keyed on: full
    config.write_text(text.replace("products_dir:", "data_licence: CC0 1.0\n    products_dir:"),
                      encoding="utf-8")
    with pytest.raises(KeyboardInterrupt):
        build_site(config, as_of=AS_OF)
    monkeypatch.undo()
    assert not site.exists() and len(list(tmp_path.glob(".site.old-*"))) == 1
    config.write_text(text, encoding="utf-8")
    again = build_site(config, as_of=AS_OF)
    # The old site was back before the build began: it served as the previous build.
    assert (again.mode, again.rendered) == ("incremental", 0)
    assert snapshot(site) == before
    assert not list(tmp_path.glob(".site.old-*")) and not list(tmp_path.glob(".site.building-*"))


def test_recovery_takes_the_newest_complete_old_site_and_removes_the_others(tmp_path):
    config = sample(tmp_path)
    site = build_site(config, as_of=AS_OF).site_dir
    before = snapshot(site)
    older = tmp_path / ".site.old-1700000000000000000-41"
    shutil.copytree(site, older)
    (older / "404.html").write_text("older", encoding="utf-8")
    broken = tmp_path / ".site.old-1900000000000000000-43"  # newest, but half removed
    shutil.copytree(site, broken)
    (broken / "404.html").unlink()
    site.rename(tmp_path / ".site.old-1800000000000000000-42")
    assert publish.recover_swap(site)
    assert snapshot(site) == before
    assert not list(tmp_path.glob(".site.old-*"))
    assert not publish.recover_swap(site)  # nothing left to do


def test_a_full_build_exchanges_the_folders_in_one_step(tmp_path, monkeypatch):
    new, final = tmp_path / ".site.building-1", tmp_path / "site"
    for folder, text in ((new, "mới"), (final, "cũ")):
        folder.mkdir()
        (folder / "index.html").write_text(text, encoding="utf-8")
    if not publish.exchange(new, final):
        pytest.skip("this system or file system cannot exchange folders (renameat2)")
    publish.exchange(new, final)  # back as they were
    real_rename = Path.rename

    def aside_only(self: Path, target: Path) -> Path:
        """The old site, once exchanged, may be renamed aside to be removed; nothing else."""
        if publish.TRASH_TAG not in Path(target).name:
            pytest.fail("renamed in two steps")
        return real_rename(self, target)

    monkeypatch.setattr(Path, "rename", aside_only)
    monkeypatch.setattr(publish, "_start", lambda command: None)
    publish.swap(new, final)
    assert (final / "index.html").read_text(encoding="utf-8") == "mới"
    assert not new.exists() and not list(tmp_path.glob(".site.old-*"))
    [old] = publish.trash(final)
    assert (old / "index.html").read_text(encoding="utf-8") == "cũ"


class Removers:
    """The removal processes a build starts (``publish.empty_trash``), held back until run."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.commands: list[list[str]] = []
        monkeypatch.setattr(publish, "_start", self.commands.append)

    def run(self) -> None:
        for command in self.commands:
            subprocess.run(command, check=True, timeout=60)
        self.commands.clear()


def full_rebuild(config: Path) -> None:
    """A build after a new setting every page is keyed on: a full one."""
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("products_dir:", "data_licence: CC0 1.0\n    products_dir:"),
                      encoding="utf-8")
    assert build_site(config, as_of=AS_OF).mode == "full"


def test_a_full_build_leaves_its_previous_site_to_a_process_of_its_own(tmp_path, monkeypatch):
    """The previous site and its standby are renamed aside, and a process that outlives the
    build removes them: the build does not wait for it."""
    config = sample(tmp_path)
    site = build_site(config, as_of=AS_OF).site_dir
    removers = Removers(monkeypatch)
    full_rebuild(config)
    after = snapshot(site)
    aside = publish.trash(site)
    assert len(aside) == 2 and all(any(tree.iterdir()) for tree in aside)  # site and standby
    assert publish.standby_of(site).is_dir()  # the new site's
    [command] = removers.commands
    assert command[-2:] == [str(tree) for tree in aside]
    removers.run()  # the process itself, as the build started it
    assert publish.trash(site) == [] and snapshot(site) == after
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".site")) == [
        publish.standby_of(site).name]


def test_what_a_stopped_remover_left_is_removed_before_a_full_build_leaves_more(
        tmp_path, monkeypatch):
    """A remover stopped with the build (a container, a service that ends with it) leaves its
    trees: an incremental build starts another and does not wait; a full build removes them
    itself before it puts its own previous site aside, so they never pile up."""
    config = sample(tmp_path)
    site = build_site(config, as_of=AS_OF).site_dir
    removers = Removers(monkeypatch)
    full_rebuild(config)
    left = publish.trash(site)
    assert len(left) == 2  # the site and the standby before it
    removers.commands.clear()  # the remover stopped before it began
    edit_story(tmp_path)
    assert build_site(config, as_of=AS_OF).mode == "incremental"
    assert publish.trash(site) == left
    assert [command[-2:] for command in removers.commands] == [[str(tree) for tree in left]]
    removers.commands.clear()
    config.write_text(config.read_text(encoding="utf-8").replace("CC0 1.0", "CC-BY 4.0"),
                      encoding="utf-8")
    assert build_site(config, as_of=AS_OF).mode == "full"
    now = publish.trash(site)
    assert len(now) == 2 and not set(now) & set(left)  # this build's site and standby
    removers.run()
    assert publish.trash(site) == []


@pytest.mark.skipif(sys.platform == "win32", reason="flock: Linux and macOS")
def test_a_second_remover_leaves_the_trees_another_is_removing(tmp_path, monkeypatch):
    """An incremental build that starts while the previous full build's remover still works
    starts another remover: that one skips the trees the first holds, and removes them once
    the first is gone without finishing (the lock ends with its process)."""
    import fcntl

    config = sample(tmp_path)
    site = build_site(config, as_of=AS_OF).site_dir
    removers = Removers(monkeypatch)
    full_rebuild(config)
    first, _ = publish.trash(site)  # the previous site and its standby
    removers.commands.clear()
    held = os.open(first, os.O_RDONLY)  # as the first remover holds the one it removes
    try:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        edit_story(tmp_path)
        assert build_site(config, as_of=AS_OF).mode == "incremental"
        removers.run()
        assert publish.trash(site) == [first]
        assert (first / "index.html").is_file()  # not touched
    finally:
        os.close(held)  # the first remover stopped
    publish.empty_trash(site, wait=False)
    removers.run()
    assert publish.trash(site) == []


def test_a_build_finds_no_process_to_remove_its_previous_site(tmp_path, monkeypatch):
    """Where no process can be started, the build still ends well; the next one removes it."""
    config = sample(tmp_path)
    site = build_site(config, as_of=AS_OF).site_dir

    def no_process(command: list[str]) -> None:
        raise OSError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(publish, "_start", no_process)
    full_rebuild(config)
    assert len(publish.trash(site)) == 2
    monkeypatch.undo()
    config.write_text(config.read_text(encoding="utf-8").replace("CC0 1.0", "CC-BY 4.0"),
                      encoding="utf-8")
    Removers(monkeypatch)
    assert build_site(config, as_of=AS_OF).mode == "full"
    assert len(publish.trash(site)) == 2  # its own only


def copy_of_the_package(root: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The code as if installed at ``root``: cache keys digest this copy from now on."""
    copy = root / "site_builder"
    shutil.copytree(fingerprint.PACKAGE_DIR, copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(fingerprint, "PACKAGE_DIR", copy)
    return copy


def upgrade(package: Path, name: str) -> None:
    """A new release that changed one file, seen by a new process (the digest is per process)."""
    with (package / name).open("ab") as handle:
        handle.write(b"\n# 0.1.1\n")
    fingerprint.package_digest.cache_clear()


def both_keys(config: SiteConfig) -> tuple[str, str]:
    return global_key(config, REPO / "theme" / "ocop"), context_key(config)


@pytest.mark.parametrize("name", [
    "domain/model.py", "config.py", "domain/gtin.py", "paper/stamps.py", "output/writer.py",
    "mkdocs/plugin.py", "__init__.py", "sheets/columns.py", "render/locales/vi.yml",
    "assets/fonts/DejaVuSansCondensed.ttf"])
def test_a_change_to_any_file_of_the_package_changes_the_keys(tmp_path, monkeypatch, name):
    """Unit keys and the record cache's key digest every file of the package (subpackages, strings,
    fonts), not a list of the modules someone thought mattered."""
    config = SiteConfig(products_dir=tmp_path / "products", as_of=AS_OF)
    package = copy_of_the_package(tmp_path, monkeypatch)
    before = both_keys(config)
    (package / "__pycache__").mkdir(exist_ok=True)  # written by Python on import: not the code
    (package / "__pycache__" / "model.cpython-311.pyc").write_bytes(b"\x00")
    fingerprint.package_digest.cache_clear()
    assert both_keys(config) == before
    upgrade(package, name)
    after = both_keys(config)
    assert after[0] != before[0] and after[1] != before[1]


def test_the_code_digest_is_the_same_in_any_checkout(tmp_path):
    """Paths relative to the package, sorted: two copies in other folders give one digest."""
    for where in ("a/deep/folder", "b"):
        shutil.copytree(fingerprint.PACKAGE_DIR, tmp_path / where / "site_builder",
                        ignore=shutil.ignore_patterns("__pycache__"))
    first = fingerprint.package_digest(tmp_path / "a/deep/folder/site_builder")
    assert first == fingerprint.package_digest(tmp_path / "b" / "site_builder")
    assert first == fingerprint.package_digest(fingerprint.PACKAGE_DIR)


def test_the_code_digest_is_cheap():
    """Worked out once per process: a second key costs no reading at all."""
    fingerprint.package_digest.cache_clear()
    fingerprint.code_fingerprint()
    started = time.perf_counter()
    for _ in range(100):
        fingerprint.code_fingerprint()
    assert (time.perf_counter() - started) / 100 < 0.001
    fingerprint.package_digest.cache_clear()
    started = time.perf_counter()
    fingerprint.package_digest(fingerprint.PACKAGE_DIR)  # files in the OS cache: a new process
    assert time.perf_counter() - started < 0.05


def test_an_upgraded_package_builds_the_site_again(tmp_path, monkeypatch):
    """Appending a line to model.py (named by no key before) used to leave the site "up to date"
    with pages the old code made. Now the next build renders every unit again; an unchanged
    package still means nothing to do."""
    package = copy_of_the_package(tmp_path / "installed", monkeypatch)
    config = sample(tmp_path)
    # The theme as installed too, so that only the package differs between the builds.
    shutil.copytree(REPO / "theme", tmp_path / "installed" / "theme")
    config.write_text(config.read_text(encoding="utf-8").replace(
        str(REPO / "theme"), str(tmp_path / "installed" / "theme")), encoding="utf-8")
    assert str(REPO / "theme") not in config.read_text(encoding="utf-8")
    first = build_site(config, as_of=AS_OF)
    fingerprint.package_digest.cache_clear()  # the same code in a new process: same keys
    assert build_site(config, as_of=AS_OF).mode == "up-to-date"
    upgrade(package, "model.py")
    upgraded = build_site(config, as_of=AS_OF)
    assert upgraded.mode == "full"
    assert (upgraded.rendered, upgraded.reused) == (first.rendered, 0)
    assert build_site(config, as_of=AS_OF).mode == "up-to-date"


def _short_addresses(config: Path, length: int) -> None:
    import yaml

    settings = yaml.safe_load(config.read_text(encoding="utf-8"))
    settings["plugins"][0]["ocop"]["short_addresses"] = length
    config.write_text(yaml.safe_dump(settings, allow_unicode=True), encoding="utf-8")


def test_short_stamp_addresses_come_and_go_as_a_clean_build_has_them(tmp_path):
    """Turned on, every product and lot gains '/T/<CODE>/'; an edit re-renders them with their
    pages; turned off, they are gone: each time as a clean build of the same settings."""
    config = sample(tmp_path / "a")
    build_site(config, as_of=AS_OF)
    _short_addresses(config, 5)
    site = build_site(config, as_of=AS_OF).site_dir
    short = sorted(p.parent.name for p in (site / "T").glob("*/index.html"))
    assert len(short) == 41 and all(len(code) == 5 and code.isalnum() and code.upper() == code
                                    for code in short)  # 35 products and 6 lots
    edit_name(tmp_path / "a")
    incremental = build_site(config, as_of=AS_OF)
    assert incremental.mode == "incremental"
    clean_config = sample(tmp_path / "b")
    _short_addresses(clean_config, 5)
    edit_name(tmp_path / "b")
    assert snapshot(incremental.site_dir) == snapshot(build_site(clean_config, as_of=AS_OF).site_dir)
    _short_addresses(config, 0)
    _short_addresses(clean_config, 0)
    off = build_site(config, as_of=AS_OF).site_dir
    assert not (off / "T").exists()
    assert snapshot(off) == snapshot(build_site(clean_config, as_of=AS_OF).site_dir)


class Failed(Exception):
    pass


def test_a_failed_full_build_leaves_what_it_wrote_to_a_process_of_its_own(tmp_path, monkeypatch):
    """Its scratch folder and the new standby it made as it wrote are renamed aside at once
    and removed after the build, which reports its failure without waiting for them."""
    config = sample(tmp_path)
    site = build_site(config, as_of=AS_OF).site_dir
    before = snapshot(site)
    removers = Removers(monkeypatch)

    def fails(new: Path, final: Path, standby: Path | None = None) -> None:
        assert any(new.iterdir()) and standby is not None and any(standby.iterdir())
        raise Failed

    monkeypatch.setattr(publish, "swap", fails)
    with pytest.raises(Failed):
        full_rebuild(config)
    assert not list(tmp_path.glob(".site.building-*")) and snapshot(site) == before
    aside = publish.trash(site)
    assert len(aside) == 2 and [command[-2:] for command in removers.commands] == [
        [str(tree) for tree in aside]]
    removers.run()
    assert publish.trash(site) == []


def test_a_killed_builds_scratch_folders_are_removed_after_the_next_build(tmp_path, monkeypatch):
    config = sample(tmp_path)
    site = build_site(config, as_of=AS_OF).site_dir
    for name in (".site.building-x1", ".site.building-x1.standby"):
        shutil.copytree(site, tmp_path / name)
    removers = Removers(monkeypatch)
    edit_story(tmp_path)
    assert build_site(config, as_of=AS_OF).mode == "incremental"
    assert not list(tmp_path.glob(".site.building-*"))
    assert len(publish.trash(site)) == 2
    removers.run()
    assert publish.trash(site) == []


def test_a_previous_site_that_cannot_be_renamed_aside_is_removed_at_once(tmp_path, monkeypatch):
    """Renaming aside is an optimisation: where it fails, the tree is removed as before, and
    the new site stays published."""
    new, final = tmp_path / ".site.building-1", tmp_path / "site"
    for folder, text in ((new, "mới"), (final, "cũ")):
        folder.mkdir()
        (folder / "index.html").write_text(text, encoding="utf-8")
    real_rename = Path.rename

    def no_trash(self: Path, target: Path) -> Path:
        if publish.TRASH_TAG in Path(target).name:
            raise PermissionError(13, "Permission denied")
        return real_rename(self, target)

    monkeypatch.setattr(Path, "rename", no_trash)
    removers = Removers(monkeypatch)
    publish.swap(new, final)
    assert (final / "index.html").read_text(encoding="utf-8") == "mới"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]
    assert removers.commands == []


def test_a_full_build_lets_the_previous_manifest_go_before_it_renders(tmp_path, monkeypatch):
    """A full build keeps no unit of the previous build: the manifest that lists them (310 MB
    of objects with 200,000 lots) is not held while the site is rendered. An incremental build
    renders with it."""
    from site_builder.mkdocs import build as build_module

    config = sample(tmp_path)
    build_site(config, as_of=AS_OF)
    given: list[object] = []
    real = build_module.render_units

    def seen(handoff, made, site_dir, previous, *args, **options):
        given.append(previous)
        return real(handoff, made, site_dir, previous, *args, **options)

    monkeypatch.setattr(build_module, "render_units", seen)
    Removers(monkeypatch)
    full_rebuild(config)
    assert given == [None]
    (tmp_path / "products" / "nho-say-nhon-son" / "product.yml").unlink()  # listings change
    assert build_site(config, as_of=AS_OF).mode == "incremental"
    assert len(given) == 2 and given[1] is not None
