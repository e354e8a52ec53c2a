"""An incremental build publishes in one step (issue 18, item 7): its standby, the previous
generation of the site as hard links, is brought to the new site and exchanged with the
published one. Killed at any step, the published site is whole, old or new, and the next build
is right; where folders cannot be exchanged, the journaled commit is rolled back instead.

A kill is simulated in a forked child that calls ``os._exit`` at its n-th change to the file
system (nothing of Python's clean-up runs, as after SIGKILL), for every n of a publish."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from support.sites import AS_OF
from test_publish import edit_name, edit_story, sample, snapshot

from site_builder.mkdocs.build import build_site
from site_builder.output import publish
from site_builder.output.writer import MANIFEST, Manifest

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="kills are simulated with fork")


def inodes(folder: Path) -> dict[str, int]:
    """Every file of a tree by its inode: files are never changed in place, so two trees
    agree where their inodes do."""
    found = {}
    for here, _, names in os.walk(folder):
        for name in names:
            path = Path(here, name)
            found[str(path.relative_to(folder))] = path.stat(follow_symlinks=False).st_ino
    return found


def standby_agrees(site: Path) -> None:
    """What the next build relies on: a standby that says it is whole differs from the site
    only at the paths it names, and is itself a complete site."""
    behind = publish.standby_behind(site)
    if behind is None:
        return  # made again by the next build
    standby = publish.standby_of(site)
    mine = inodes(standby)
    mine.pop(publish.STANDBY_STATE)
    theirs = inodes(site)
    for path in set(mine) | set(theirs):
        if path not in behind:
            assert mine.get(path) == theirs.get(path), path
    manifest = Manifest.read(standby)
    assert manifest is not None and manifest.all_files() | {MANIFEST} == set(mine)


class Captured(Exception):
    pass


def linked_copy(root: Path, into: Path) -> Path:
    """A copy of ``root`` to publish in: hard links (``cp -al``), which a publish never writes
    through."""
    shutil.rmtree(into, ignore_errors=True)
    subprocess.run(["cp", "-al", str(root), str(into)], check=True)
    return into


@dataclass
class World:
    """A site, its standby (if any) and the staging folder of the next build, captured just
    before it was published, with the manifests that publish needs."""

    root: Path
    previous: Manifest
    current: Manifest

    def trial(self, into: Path) -> Path:
        return linked_copy(self.root, into)


def capture(config: Path, root: Path, monkeypatch: pytest.MonkeyPatch) -> World:
    """Run the next build of ``config`` up to its publish; keep the site and staging in ``root``."""
    seen = {}

    def keep(staging, final, previous, current):
        root.mkdir()
        for name in (final.name, publish.standby_of(final).name):
            if (final.parent / name).exists():
                subprocess.run(["cp", "-al", str(final.parent / name), str(root / name)],
                               check=True)
        subprocess.run(["cp", "-al", str(staging), str(root / "staging")], check=True)
        seen.update(previous=previous, current=current)
        raise Captured

    with monkeypatch.context() as patch:
        patch.setattr(publish, "publish_changes", keep)
        with pytest.raises(Captured):
            build_site(config, as_of=AS_OF)
    return World(root, seen["previous"], seen["current"])


KILLED = 77
_CHANGES = ("replace", "rename", "link", "unlink", "remove", "mkdir", "rmdir", "symlink")


def publish_in_child(world: Path, previous: Manifest, current: Manifest, kill_at: int | None,
                     journaled: bool = False) -> tuple[bool, int]:
    """Publish ``world/staging`` into ``world/site`` in a forked child killed at its
    ``kill_at``-th change to the file system; (killed, changes made)."""
    publish._can_exchange(world / "site")  # the probe, outside what is counted
    return in_child(lambda: publish.publish_changes(world / "staging", world / "site", previous,
                                                    current), kill_at, journaled)


def in_child(action: Callable[[], object], kill_at: int | None,
             journaled: bool = False) -> tuple[bool, int]:
    """Run ``action`` in a forked child killed at its ``kill_at``-th change to the file
    system; (killed, changes made)."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        os.close(read)
        count = [0]
        counting = [True]

        def step() -> None:
            if counting[0]:
                count[0] += 1
                if count[0] == kill_at:
                    os._exit(KILLED)

        def counted(real):
            def change(*args, **kwargs):
                step()
                return real(*args, **kwargs)
            return change

        real_open = os.open

        def opened(path, flags, *args, **kwargs):
            if flags & os.O_CREAT:
                step()
            return real_open(path, flags, *args, **kwargs)

        real_rmtree, real_exchange = shutil.rmtree, publish.exchange

        def rmtree(*args, **kwargs):  # one step: a kill inside it leaves a folder half removed
            step()
            counting[0] = False
            try:
                return real_rmtree(*args, **kwargs)
            finally:
                counting[0] = True

        try:
            os.fsync = lambda fd: None  # a kill, not a power cut: flushing changes nothing here
            for name in _CHANGES:
                setattr(os, name, counted(getattr(os, name)))
            os.open = opened
            shutil.rmtree = rmtree
            publish.exchange = counted(real_exchange)
            if journaled:
                publish._can_exchange = lambda final: False
            action()
            os.write(write, str(count[0]).encode())
        finally:
            os._exit(0)
    os.close(write)
    _, status = os.waitpid(pid, 0)
    made = os.read(read, 100).decode()
    os.close(read)
    killed = os.waitstatus_to_exitcode(status) == KILLED
    return killed, int(made) if made else 0


def rename_lot(root: Path) -> None:
    """Lot HD2611 becomes HD2612: its pages, code and folders go, the new lot's come."""
    record = root / "products" / "hat-dieu-rang-muoi" / "product.yml"
    record.write_text(record.read_text(encoding="utf-8").replace("lot: HD2611", "lot: HD2612"),
                      encoding="utf-8")


def third_edit(root: Path) -> None:
    edit_story(root, "muoi-tom-tay-ninh")
    rename_lot(root)


@pytest.fixture(scope="module")
def edits(tmp_path_factory):
    """The sample site after two incremental builds (so its standby is behind it at a
    product's files), and the staging of a third: another story, a lot renamed."""
    root = tmp_path_factory.mktemp("standby")
    config = sample(root)
    build_site(config, as_of=AS_OF)
    if not publish._can_exchange(root / "site"):
        pytest.skip("this file system cannot exchange folders or hard-link files")
    edit_story(root)
    assert build_site(config, as_of=AS_OF).mode == "incremental"  # the full build's standby
    edit_story(root, "buoi-tan-trieu")
    assert build_site(config, as_of=AS_OF).mode == "incremental"
    assert "san-pham/buoi-tan-trieu/index.html" in publish.standby_behind(root / "site")
    third_edit(root)
    with pytest.MonkeyPatch.context() as monkeypatch:
        world = capture(config, root / "world", monkeypatch)
    return root, config, world


def test_an_incremental_build_ends_with_one_exchange(tmp_path, monkeypatch):
    """No file of the published site is moved, added or removed one by one: the standby is
    brought up to date beside it, then the two folders are exchanged; the old site, with its
    manifest, is the next standby, sharing every unchanged file with the site."""
    config = sample(tmp_path)
    site = build_site(config, as_of=AS_OF).site_dir
    edit_story(tmp_path)
    build_site(config, as_of=AS_OF)
    before = snapshot(site)
    edit_name(tmp_path)
    exchanged = []
    real = publish.exchange
    monkeypatch.setattr(publish, "exchange", lambda a, b: exchanged.append((a, b)) or real(a, b))
    monkeypatch.setattr(publish, "commit", lambda *a: pytest.fail("files moved in one by one"))
    result = build_site(config, as_of=AS_OF)
    assert result.mode == "incremental"
    assert exchanged == [(publish.standby_of(site), site)]
    standby = publish.standby_of(site)
    assert snapshot(standby) == {**before, publish.STANDBY_STATE: snapshot(standby)[
        publish.STANDBY_STATE]}
    behind = publish.standby_behind(site)
    assert behind and len(behind) < len(before) / 4
    shared = inodes(site).items() & inodes(standby).items()
    assert len(shared) == len(set(inodes(site)) - behind)
    assert standby.parent == site.parent and not (site / publish.STANDBY_STATE).exists()


def test_a_series_of_incremental_builds_equals_clean_builds(tmp_path):
    config = sample(tmp_path / "a")
    site = build_site(config, as_of=AS_OF).site_dir
    steps = [lambda root: edit_story(root), lambda root: edit_story(root, "buoi-tan-trieu"),
             lambda root: edit_name(root),
             lambda root: shutil.rmtree(root / "products" / "mang-cau-ba-den"),
             lambda root: edit_story(root)]
    previous = snapshot(site)
    for step in steps:
        step(tmp_path / "a")
        assert build_site(config, as_of=AS_OF).mode == "incremental"
        standby = snapshot(publish.standby_of(site))
        standby.pop(publish.STANDBY_STATE)
        assert standby == previous  # the previous generation, exactly
        standby_agrees(site)
        previous = snapshot(site)
    clean = sample(tmp_path / "b")
    for step in steps:
        step(tmp_path / "b")
    assert snapshot(build_site(clean, as_of=AS_OF).site_dir) == snapshot(site)


def test_a_kill_at_any_step_of_the_exchange_leaves_a_whole_site(edits, tmp_path):
    """A kill at every change the publish makes: the published site is the old one or the new
    one, file for file, never a mix; the standby is right or is made again."""
    _, _, world = edits
    before = inodes(world.root / "site")
    done = world.trial(tmp_path / "done")
    killed, steps = publish_in_child(done, world.previous, world.current, None)
    assert not killed and steps > 10
    after = inodes(done / "site")
    assert after != before
    for n in range(1, steps + 1):
        trial = world.trial(tmp_path / "trial")
        killed, _ = publish_in_child(trial, world.previous, world.current, n)
        assert killed
        now = inodes(trial / "site")
        assert now in (before, after), f"killed at step {n} of {steps}"
        standby_agrees(trial / "site")


@pytest.fixture(scope="module")
def clean_after(tmp_path_factory) -> dict[str, str]:
    """A clean build of the records after the three edits, and a name edit."""
    root = tmp_path_factory.mktemp("clean")
    config = sample(root)
    edit_story(root)
    edit_story(root, "buoi-tan-trieu")
    third_edit(root)
    edit_name(root)
    return snapshot(build_site(config, as_of=AS_OF).site_dir)


@pytest.mark.parametrize("share", [0.3, 0.95])
def test_the_next_build_after_a_kill_is_right(edits, clean_after, tmp_path, share):
    """Killed half-way (the standby half changed), or after the exchange: the next real
    builds publish exactly what a clean build would."""
    root, _, world = edits
    _, steps = publish_in_child(world.trial(tmp_path / "done"), world.previous, world.current,
                                None)
    trial = world.trial(tmp_path / "world")
    for folder in ("products", ".cache", "docs"):
        shutil.copytree(root / folder, tmp_path / folder)
    config = tmp_path / "mkdocs.yml"
    config.write_text((root / "mkdocs.yml").read_text(encoding="utf-8").replace(
        str(root), str(tmp_path)), encoding="utf-8")
    assert publish_in_child(trial, world.previous, world.current, int(steps * share))[0]
    for name in ("site", publish.standby_of(trial / "site").name):
        if (trial / name).exists():
            (trial / name).rename(tmp_path / name)
    edit_name(tmp_path)  # the next build, which also publishes the killed one's edits
    assert build_site(config, as_of=AS_OF).mode == "incremental"
    assert snapshot(tmp_path / "site") == clean_after
    standby_agrees(tmp_path / "site")


def test_a_kill_while_the_standby_is_made_leaves_the_site_as_it_was(edits, tmp_path):
    """The first incremental build (or the first after a kill) makes the standby: a link per
    file. Killed then, the site is untouched and the standby is made again."""
    _, _, shared = edits
    world = World(shared.trial(tmp_path / "without"), shared.previous, shared.current)
    shutil.rmtree(publish.standby_of(world.root / "site"))
    before = inodes(world.root / "site")
    done = world.trial(tmp_path / "done")
    _, steps = publish_in_child(done, world.previous, world.current, None)
    after = inodes(done / "site")
    files = len(before)
    assert steps > files  # a link a file, then the update
    for n in [*range(1, files + 40, 97), files, files + 1]:
        trial = world.trial(tmp_path / "trial")
        assert publish_in_child(trial, world.previous, world.current, n)[0]
        assert inodes(trial / "site") in (before, after), n
        assert publish.standby_behind(trial / "site") is None  # half made: made again


def test_a_kill_at_any_step_of_the_journaled_commit_is_rolled_back(edits, tmp_path):
    """Where folders cannot be exchanged, the files are moved in under a journal: killed at any
    step, the next build's recovery gives back the old site (or the new one, once complete)."""
    _, _, world = edits
    before = inodes(world.root / "site")
    done = world.trial(tmp_path / "done")
    killed, steps = publish_in_child(done, world.previous, world.current, None, journaled=True)
    assert not killed
    after = inodes(done / "site")
    for n in range(1, steps + 1):
        trial = world.trial(tmp_path / "trial")
        assert publish_in_child(trial, world.previous, world.current, n, journaled=True)[0]
        assert publish.recover(trial / "site")[1] is None
        assert inodes(trial / "site") in (before, after), f"killed at step {n} of {steps}"


@pytest.mark.parametrize("kind", ["folder", "file", "link", "half"])
def test_a_standby_not_made_by_ocop_is_made_again(tmp_path, kind):
    config = sample(tmp_path)
    site = build_site(config, as_of=AS_OF).site_dir
    standby = publish.standby_of(site)
    victim = tmp_path / "khac"
    victim.mkdir()
    (victim / "giu.txt").write_text("giữ nguyên", encoding="utf-8")
    if kind != "half":  # in the place of the standby the full build made
        shutil.rmtree(standby)
    if kind == "folder":
        standby.mkdir()
        (standby / "index.html").write_text("không phải của ocop", encoding="utf-8")
    elif kind == "file":
        standby.write_text("không phải của ocop", encoding="utf-8")
    elif kind == "link":
        standby.symlink_to(victim)
    else:  # a standby that ocop made, then killed while updating (its state file gone)
        edit_story(tmp_path)
        build_site(config, as_of=AS_OF)
        (standby / publish.STANDBY_STATE).unlink()
        (standby / "404.html").write_text("nửa chừng", encoding="utf-8")
    edit_story(tmp_path, "buoi-tan-trieu")
    before = snapshot(site)
    assert build_site(config, as_of=AS_OF).mode == "incremental"
    standby = snapshot(publish.standby_of(site))
    standby.pop(publish.STANDBY_STATE)
    assert standby == before
    assert (victim / "giu.txt").read_text(encoding="utf-8") == "giữ nguyên"
    standby_agrees(site)


def test_a_brand_new_site_dir_and_another_build_beside_it(tmp_path):
    """A first build into a new folder is a full one; the standby of one site is never taken
    for another's."""
    config = sample(tmp_path)
    one = build_site(config, as_of=AS_OF, site_dir=tmp_path / "out" / "mot").site_dir
    two = build_site(config, as_of=AS_OF, site_dir=tmp_path / "out" / "hai").site_dir
    edit_story(tmp_path)
    for site in (one, two):
        assert build_site(config, as_of=AS_OF, site_dir=site).mode == "incremental"
        standby_agrees(site)
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        ".hai.standby", ".mot.standby", "hai", "mot"]


# --- a full build makes the new site's standby as it writes (issue 20) ---------------------


def twin_of(site: Path) -> dict[str, int]:
    """The standby of ``site`` by inode, its state file left out."""
    found = inodes(publish.standby_of(site))
    found.pop(publish.STANDBY_STATE)
    return found


@pytest.mark.parametrize("workers", [1, 2])
def test_a_full_build_leaves_a_standby_in_step_with_the_site(tmp_path, monkeypatch, workers):
    """Each file of the new site is linked into its standby as it is written (by the worker
    processes too): the first incremental build after a full one links no file of the site
    one by one, and publishes what a clean build would."""
    from site_builder.output import writer

    monkeypatch.setattr(writer, "PARALLEL_FROM", 2)
    monkeypatch.setenv("OCOP_WORKERS", str(workers))
    config = sample(tmp_path)
    site = build_site(config, as_of=AS_OF).site_dir
    if not publish._can_exchange(site):
        pytest.skip("this file system cannot exchange folders or hard-link files")
    assert publish.standby_behind(site) == set()
    assert twin_of(site) == inodes(site)  # the same files, not copies
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".site")) == [
        ".site.standby"]
    before = snapshot(site)
    edit_story(tmp_path)
    monkeypatch.setattr(publish, "mirror", lambda *a: pytest.fail("the whole site linked"))
    assert build_site(config, as_of=AS_OF).mode == "incremental"
    standby = snapshot(publish.standby_of(site))
    standby.pop(publish.STANDBY_STATE)
    assert standby == before
    standby_agrees(site)
    clean = sample(tmp_path / "clean")
    edit_story(tmp_path / "clean")
    assert snapshot(build_site(clean, as_of=AS_OF).site_dir) == snapshot(site)


def a_full_build_again(config: Path) -> None:
    """A new setting every page is keyed on: the next build is a full one."""
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("products_dir:", "data_licence: CC0 1.0\n    products_dir:"),
                      encoding="utf-8")


@dataclass
class FullWorld:
    """A published site with a standby behind it, and a full build's new site and its twin,
    captured just before the swap."""

    root: Path
    new: str
    twin: str

    def trial(self, into: Path) -> Path:
        return linked_copy(self.root, into)

    def swap(self, world: Path) -> Callable[[], None]:
        return lambda: publish.swap(world / self.new, world / "site", world / self.twin)


@pytest.fixture(scope="module")
def full_world(tmp_path_factory):
    root = tmp_path_factory.mktemp("full")
    config = sample(root)
    build_site(config, as_of=AS_OF)
    if not publish._can_exchange(root / "site"):
        pytest.skip("this file system cannot exchange folders or hard-link files")
    edit_story(root)
    assert build_site(config, as_of=AS_OF).mode == "incremental"
    assert publish.standby_behind(root / "site")  # behind the site at the edited product
    a_full_build_again(config)
    seen = {}

    def keep(new, final, standby=None):
        world = root / "world"
        world.mkdir()
        for path in (final, publish.standby_of(final), new, standby):
            subprocess.run(["cp", "-al", str(path), str(world / path.name)], check=True)
        seen.update(new=new.name, twin=standby.name)
        raise Captured

    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setattr(publish, "swap", keep)
        with pytest.raises(Captured):
            build_site(config, as_of=AS_OF)
    assert not list(root.glob(".site.building-*"))  # the failed build's, twin too, removed
    return root, FullWorld(root / "world", seen["new"], seen["twin"])


def test_a_kill_at_any_step_of_a_full_builds_swap_leaves_a_whole_site(full_world, tmp_path):
    """Killed at each change the swap makes: the site is the old one or the new one whole; the
    standby is in step with the site or is made again; scratch folders are the next build's to
    remove."""
    _, world = full_world
    before = inodes(world.root / "site")
    done = world.trial(tmp_path / "done")
    killed, steps = in_child(world.swap(done), None)
    assert not killed and steps >= 4
    after = inodes(done / "site")
    assert after != before and twin_of(done / "site") == after
    for n in range(1, steps + 1):
        trial = world.trial(tmp_path / "trial")
        assert in_child(world.swap(trial), n)[0]
        assert inodes(trial / "site") in (before, after), f"killed at step {n} of {steps}"
        standby_agrees(trial / "site")


@pytest.mark.parametrize("step", [1, 2, 3])
def test_the_next_build_after_a_killed_swap_is_right(full_world, tmp_path, step):
    """Killed after the exchange (the old standby not yet removed, or the new one without its
    state): the next build removes what was left and publishes what a clean build would."""
    root, world = full_world
    trial = world.trial(tmp_path / "world")
    assert in_child(world.swap(trial), step + 1)[0]
    for folder in ("products", ".cache", "docs"):
        shutil.copytree(root / folder, tmp_path / folder)
    config = tmp_path / "mkdocs.yml"
    config.write_text((root / "mkdocs.yml").read_text(encoding="utf-8").replace(
        str(root), str(tmp_path)), encoding="utf-8")
    for name in os.listdir(trial):
        (trial / name).rename(tmp_path / name)
    edit_name(tmp_path)
    assert build_site(config, as_of=AS_OF).mode == "incremental"
    standby_agrees(tmp_path / "site")
    assert publish.standby_behind(tmp_path / "site") is not None
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".site")) == [
        ".site.standby"]
    clean = sample(tmp_path / "clean")
    edit_story(tmp_path / "clean")
    edit_name(tmp_path / "clean")
    a_full_build_again(clean)
    assert snapshot(build_site(clean, as_of=AS_OF).site_dir) == snapshot(tmp_path / "site")


def test_without_hard_links_a_full_build_makes_no_standby(tmp_path, monkeypatch):
    """Where files cannot be linked or folders exchanged, nothing is made beside the site, and
    incremental builds move their files in under the journal as before."""
    monkeypatch.setattr(publish, "_can_exchange", lambda final: False)
    config = sample(tmp_path)
    site = build_site(config, as_of=AS_OF).site_dir
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".site")) == []
    edit_story(tmp_path)
    assert build_site(config, as_of=AS_OF).mode == "incremental"
    assert not publish.standby_of(site).exists()
