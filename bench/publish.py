"""What putting one story edit in place costs, before and after the standby (issue 18, item 7).

    python bench/publish.py 2000       # the catalog is kept in /tmp/ocop-bench/<N>-publish/

Builds a synthetic catalog of N products (bench/synthetic.py) for object storage, then, for
several story edits in turn, runs the build up to its publish and times, on hard-linked copies
of the same site, standby and staging folder, one after the other in this process:

- before: the journaled commit of the code before the standby (``publish.py`` of REFERENCE,
  read from git): the changed files moved into the published folder one by one;
- after: ``publish.publish_changes``: the standby brought to the new site, its new files
  flushed to the disk, then one exchange; and the same without flushing (os.fsync a no-op),
  to tell the flushes' share (which depends on what else the disk is doing).

Then the cost of making a standby (a link a file: the first incremental build, or the first
after a kill), the manifest read with and without its checks, and a whole story-edit build.
Figures are medians; the machine is shared, so only ratios in one run mean much.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import statistics
import subprocess
import sys
import time
import types
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))

from reference import module_at  # noqa: E402
from run import AS_OF as DAY  # noqa: E402
from run import OURS  # noqa: E402
from synthetic import generate  # noqa: E402

from site_builder.mkdocs.build import build_site  # noqa: E402
from site_builder.output import publish  # noqa: E402
from site_builder.output.writer import MANIFEST, Manifest  # noqa: E402

REFERENCE = "bdf0500"  # the last commit before the standby
AS_OF = date.fromisoformat(DAY)


def reference_publish() -> types.ModuleType:
    """publish.py as it was at REFERENCE, as a module of its own."""
    return module_at(REFERENCE, "site_builder/output/publish.py", "publish_before")


def toggle_story(root: Path, product: str) -> None:
    record = root / "products" / product / "product.yml"
    text = record.read_text(encoding="utf-8")
    edited = text.replace("Mỗi lô hàng", "Từng lô hàng") if "Mỗi lô hàng" in text else (
        text.replace("Từng lô hàng", "Mỗi lô hàng"))
    assert edited != text, "the story sentence to edit was not found"
    record.write_text(edited, encoding="utf-8")


class Captured(Exception):
    pass


def capture(config: Path, world: Path) -> tuple[Manifest, Manifest]:
    """Run the next build up to its publish; keep hard links of the site, its standby and the
    staging folder in ``world``."""
    seen: dict[str, Manifest] = {}
    real = publish.publish_changes

    def keep(staging: Path, final: Path, previous: Manifest, current: Manifest) -> int:
        world.mkdir()
        for folder in (final, publish.standby_of(final), staging):
            if folder.exists():
                subprocess.run(["cp", "-al", str(folder), str(world / folder.name)], check=True)
        seen.update(previous=previous, current=current)
        raise Captured

    publish.publish_changes = keep
    try:
        build_site(config, as_of=AS_OF)
    except Captured:
        pass
    finally:
        publish.publish_changes = real
    return seen["previous"], seen["current"]


def timed(world: Path, into: Path, publish_with, previous: Manifest,  # type: ignore[no-untyped-def]
          current: Manifest) -> float:
    """Seconds ``publish_with`` takes on a hard-linked copy of ``world``."""
    shutil.rmtree(into, ignore_errors=True)
    subprocess.run(["cp", "-al", str(world), str(into)], check=True)
    staging = next(into.glob(".site.building-*"))
    started = time.perf_counter()
    publish_with(staging, into / "site", previous, current)
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int)
    parser.add_argument("--root", type=Path, default=Path("/tmp/ocop-bench"))
    parser.add_argument("--edits", type=int, default=9)
    args = parser.parse_args()
    root = args.root / f"{args.count}-publish"
    if not (root / "products" / f"sp-{args.count - 1:05d}" / "product.yml").is_file():
        shutil.rmtree(root, ignore_errors=True)
        generate(args.count, root)
    (root / "docs").mkdir(exist_ok=True)
    config = root / "mkdocs.yml"
    config.write_text(OURS.format(theme=REPO / "theme", host="object-storage", share="true"),
                      encoding="utf-8")
    logging.getLogger("mkdocs").setLevel(logging.ERROR)  # the catalog's warnings, not figures
    before_module = reference_publish()
    print(f"{os.cpu_count()} cores; {args.count:,} products; reference {REFERENCE}", flush=True)
    build_site(config, as_of=AS_OF)
    site = root / "site"
    toggle_story(root, "sp-00010")
    build_site(config, as_of=AS_OF)  # the first incremental build makes the standby
    files = len(Manifest.read(site).all_files())  # type: ignore[union-attr]

    rows: dict[str, list[float]] = {"before": [], "after": [], "unflushed": [], "mirror": [],
                                    "read": [], "parse": [], "build": []}
    flushes: list[int] = []
    real_fsync = os.fsync

    def counted_fsync(fd: int) -> None:
        flushes.append(fd)
        real_fsync(fd)

    def unflushed(staging: Path, final: Path, previous: Manifest, current: Manifest) -> int:
        os.fsync = lambda fd: None
        try:
            return publish.publish_changes(staging, final, previous, current)
        finally:
            os.fsync = counted_fsync
    scratch = root / "timing"
    for n in range(args.edits):
        toggle_story(root, f"sp-{(n * 37 + 11) % args.count:05d}")
        shutil.rmtree(scratch, ignore_errors=True)
        scratch.mkdir()
        previous, current = capture(config, scratch / "world")
        world = scratch / "world"
        pairs = [("before", before_module.commit), ("after", publish.publish_changes),
                 ("unflushed", unflushed)]
        os.fsync = counted_fsync
        try:
            for name, run in (pairs if n % 2 else pairs[::-1]):
                flushes.clear()
                rows[name].append(timed(world, scratch / name, run, previous, current))
                if name == "after":
                    rows.setdefault("flushes", []).append(len(flushes))
        finally:
            os.fsync = real_fsync
        mirror = scratch / "mirror"
        started = time.perf_counter()
        publish.mirror(world / "site", mirror)
        rows["mirror"].append(time.perf_counter() - started)
        text = (world / "site" / MANIFEST).read_text(encoding="utf-8")
        started = time.perf_counter()
        json.loads(text)
        rows["read"].append(time.perf_counter() - started)
        started = time.perf_counter()
        Manifest.parse(text)
        rows["parse"].append(time.perf_counter() - started)
        shutil.rmtree(scratch)
        started = time.perf_counter()
        assert build_site(config, as_of=AS_OF).mode == "incremental"  # the edit, for real
        rows["build"].append(time.perf_counter() - started)

    median = {name: statistics.median(values) for name, values in rows.items()}
    print(f"\n| N = {args.count:,} ({files:,} files) | median of {args.edits} (s) |\n|---|---|")
    for name, label in (("before", "publish one story edit, before: journaled commit"),
                        ("after", "publish one story edit, after: standby and exchange"),
                        ("unflushed", "the same, its files not flushed to the disk"),
                        ("flushes", "files and folders flushed (fsync) by it"),
                        ("mirror", "make a standby (first use, or after a kill)"),
                        ("read", "read the manifest, json.loads only"),
                        ("parse", "read the manifest with its checks (Manifest.parse)"),
                        ("build", "whole build after one story edit (after)")):
        print(f"| {label} | {median[name]:.3f} |")
    print(f"| after / before | {median['after'] / median['before']:.2f}x |")
    print(f"| after without flushing / before | {median['unflushed'] / median['before']:.2f}x |")
    print(f"| checks / json.loads | {median['parse'] / median['read']:.2f}x |")
    return 0


if __name__ == "__main__":
    import figures

    sys.exit(figures.run(main))
