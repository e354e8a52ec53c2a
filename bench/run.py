"""Build benchmark at national scale: ours against a plain MkDocs + Material build.

    python bench/run.py 1000 5000 20000          # catalogs are kept in /tmp/ocop-bench/<N>/
    python bench/run.py 2000 --host default      # the layout for a host we know nothing of
    python bench/run.py 20000 --lots 10          # every product with 10 lots (200,000 lot pages)
    python bench/run.py 2000 --photo-size 2048x1536   # phone photos, as ocop import keeps them

For each N it generates a synthetic catalog (bench/synthetic.py) and measures, one after the
other on this machine: ``mkdocs build`` with Material of N simple Markdown pages, a cold build
(empty caches, no previous site), a rebuild with nothing changed, a rebuild after editing one
product's story, a rebuild after adding one lot to one product (these three three times each,
the median reported), a rebuild after revoking 50 products' certificates, a full rebuild after
a new setting (every page again, as after an upgrade, which would check the records again too;
the pictures from the cache; the previous site removed by a process of its own, waited for
before the next measurement), and the plain
``mkdocs build`` again; ratios are taken against the mean of its two runs. For each: wall
time, peak memory of the build and its worker processes together (proportional: a page they
share counted once, asked near the peak at most once a second; and resident, each process's
pages counted whole, every 0.1 s), HTML pages
written, output size, and what an upload of that build must send (from the manifests' MD5s). Then the issue's
targets as ratios measured in this one run, the published output per product (files, folders
and bytes; the build's own dot files, which are not uploaded, left out) and per lot, and where
each build's time went (the stages and the processor time per kind of unit that ``ocop
build`` reports).

The site is built for ``--host`` (default ``object-storage``, where a national catalog lives:
one file per slash-less GS1 address, QR codes as SVG only; see site_builder/hosts.py).
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import resource
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))

import yaml  # noqa: E402
from synthetic import SMALL_PHOTO, generate, photo_size  # noqa: E402

from site_builder.output import publish  # noqa: E402
from site_builder.output.writer import Manifest  # noqa: E402

AS_OF = "2026-11-22"
OURS = """site_name: OCOP bench
site_url: https://ocop.khanhhoa.gov.vn/
docs_dir: docs
theme: {{name: material, custom_dir: {theme}, language: vi,
        features: [navigation.tabs, navigation.prune]}}
plugins:
  - ocop: {{products_dir: products, templates_dir: {theme}/ocop, languages: [vi, en],
            site_names: {{en: OCOP bench}}, host: {host}, share_images: {share}}}
nav:
  - Trang chủ: index.md
  - Danh mục: san-pham/index.md
  - Theo tỉnh: tinh/index.md
"""
PLAIN = """site_name: Plain bench
site_url: https://ocop.khanhhoa.gov.vn/
theme: {name: material, language: vi, features: [navigation.prune]}
plugins: [search]
nav: [index.md]
not_in_nav: |
  /p/
"""
PLAIN_PAGE = """# {title}

Sản phẩm OCOP {stars} sao của {producer}, {province}.

| Mục | Giá trị |
|---|---|
| Hạng | {stars} sao |
| Chủ thể | {producer} |
"""


def _tree(pid: int) -> list[int]:
    """``pid`` and all its descendants (Linux /proc)."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        try:
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as handle:
                    todo.extend(int(child) for child in handle.read().split())
        except (OSError, ValueError):
            continue
    return found


def _kb(path: str, field: str) -> int:
    """A ``field:  N kB`` line of a /proc file, 0 for a process that has ended."""
    try:
        with open(path) as handle:
            return next(int(line.split()[1]) for line in handle if line.startswith(field))
    except (OSError, StopIteration, ValueError):
        return 0


def _tree_rss_kb(pid: int) -> int:
    """Resident memory of ``pid`` and all its descendants, in KB, each process's counted whole:
    pages the forked workers still share with the build process are counted in each."""
    return sum(_kb(f"/proc/{p}/status", "VmRSS:") for p in _tree(pid))


def _tree_pss_kb(pid: int) -> int:
    """The same with each shared page counted once, shared out among the processes that map it
    (proportional set size): what the build takes of the machine's memory. The kernel walks
    every page to say it (45 ms for two processes of 1.5 GB), so it is asked less often."""
    return sum(_kb(f"/proc/{p}/smaps_rollup", "Pss:") for p in _tree(pid))


# The proportional size is asked while the resident memory is near its peak so far, at most
# this often (seconds) unless the resident memory has grown by a tenth since.
PSS_EVERY = 1.0


def _children_cpu() -> float:
    """Processor seconds (user and system) of this process's children that have ended."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def measure(command: list[str], cwd: Path, site: Path) -> dict:
    # Python's bytecode is written and used, as an installed ocop's is (pip compiles it) and
    # as MkDocs' is in site-packages: with PYTHONDONTWRITEBYTECODE set (some CI images and
    # containers), every build compiled the package's sources again, 0.1 to 0.3 s each.
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    env["CI"] = "1"
    started, used = time.perf_counter(), _children_cpu()
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    peak = peak_pss = 0

    def sample() -> None:
        nonlocal peak, peak_pss
        asked, asked_at = 0.0, 0  # when the proportional size was last asked, and the resident
        while process.poll() is None:
            rss = _tree_rss_kb(process.pid)
            peak = max(peak, rss)
            if rss >= 0.9 * peak and (time.monotonic() - asked >= PSS_EVERY or rss > 1.1 * asked_at):
                peak_pss = max(peak_pss, _tree_pss_kb(process.pid))
                asked, asked_at = time.monotonic(), rss
            time.sleep(0.1)

    sampler = threading.Thread(target=sample)
    sampler.start()
    output, _ = process.communicate()
    wall = time.perf_counter() - started
    cpu = _children_cpu() - used  # the build's and its worker processes', all waited for
    sampler.join()
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{output[-3000:]}")
    # A build over before its proportional size was asked: its resident size, which is more.
    return {"wall": wall, "cpu": cpu, "rss_mb": peak / 1024, "pss_mb": (peak_pss or peak) / 1024,
            **published(site), "log": output,
            **_timings(output)}


def _timings(log: str) -> dict:
    """The stages and the processor time per kind of unit that ``ocop build`` reports."""
    found: dict = {"stages": [], "units": {}}
    for line in log.splitlines():
        if line.startswith("Thời gian từng bước"):
            found["stages"] = [(name.split("/")[-1], float(seconds)) for name, seconds in
                               re.findall(r"([\w/ ]+?) ([\d.]+) s", line.split(": ", 1)[1])]
        elif line.startswith("Thời gian xử lý theo loại phần"):
            found["units"] = {kind: (float(ms), int(count)) for kind, ms, count in
                              re.findall(r"(\w+) ([\d.]+) ms × (\d+)", line)}
    return found


def published(site: Path) -> dict:
    """HTML pages, files, folders and bytes of what is uploaded (not the build's own .ocop-*
    files), and the entries of its biggest folder (a limit of some hosts)."""
    pages = size = files = folders = biggest = 0
    for folder, subfolders, names in os.walk(site):
        subfolders[:] = [d for d in subfolders if not d.startswith(".ocop")]
        kept = [name for name in names if not name.startswith(".ocop")]
        folders += len(subfolders)
        files += len(kept)
        biggest = max(biggest, len(kept) + len(subfolders))
        size += sum(os.path.getsize(os.path.join(folder, name)) for name in kept)
        pages += sum(name.endswith(".html") for name in kept)
    return {"pages": pages, "files": files, "folders": folders, "bytes": size,
            "mb": size / 1e6, "folder": biggest}


def upload(before: Manifest | None, site: Path) -> tuple[int, int, int, dict[str, int]]:
    """What an upload of ``site`` sends after the build of ``before``: files added or changed
    (by MD5), their bytes, files to delete, and the files sent by kind (``upload_kind``)."""
    after = Manifest.read(site)
    old, new = (before.digests if before else {}), (after.digests if after else {})
    sent = [path for path, md5 in new.items() if old.get(path) != md5]
    owner = {path: name for name, unit in (after.units if after else {}).items()
             for path in unit["files"]}
    kinds: dict[str, int] = {}
    for path in sent:
        kind = upload_kind(path, owner.get(path))
        kinds[kind] = kinds.get(kind, 0) + 1
    return (len(sent), sum(os.path.getsize(site / path) for path in sent),
            len(set(old) - set(new)), kinds)


def upload_kind(path: str, unit: str | None) -> str:
    """What a sent file is, for the breakdown of an upload: the kind of unit that wrote it
    ('product', 'lot', 'listing', 'completeness', 'page', 'search', 'data'; 'shell' for the
    site generator's files), with the search index's and a product's files told apart."""
    kind = unit.split(":", 1)[0] if unit else "shell"
    if kind == "search":
        part = path.split("/")
        kind += "/" + (part[2] if len(part) > 3 else part[1] if len(part) > 2 else part[-1])
    elif kind == "product":
        kind += "/" + ("page" if path.endswith(".html") else path.rpartition(".")[2])
    return kind


def revoke(root: Path, count: int, how_many: int = 50) -> dict[Path, str]:
    """Revoke the certificates of ``how_many`` products spread over the catalog; returns the
    records' texts before, to put back."""
    before = {}
    for i in range(0, count, max(1, count // how_many))[:how_many]:
        record = root / "products" / f"sp-{i:05d}" / "product.yml"
        text = record.read_text(encoding="utf-8")
        before[record] = text
        record.write_text(text.replace(
            "  authority: ", "  revocation: {date: '2026-11-01', decision: 77/QĐ-UBND, reason: "
            "Vi phạm quy định về ghi nhãn}\n  authority: ", 1), encoding="utf-8")
    return before


def add_lot(record: Path) -> str:
    """A lot made this week, added above the product's others (as a producer adds it);
    returns the record's text before."""
    text = record.read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    data["batches"] = [{
        "lot": "L261120", "produced": "2026-11-20", "expires": "2027-11-20",
        "quantity": "300 hộp",
        "events": [{"step": "Chế biến và đóng gói", "date": "2026-11-20",
                    "place": "Xưởng sản xuất của hợp tác xã"}]}, *data.get("batches", [])]
    record.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False),
                      encoding="utf-8")
    return text


# Where a run moves what the run before it built, deleted when the run is over. A cold build
# started right after deleting the previous site was slower than a cold build on a new machine
# or in CI: at 20,000 products with 10 lots each (648,000 files, 7.5 GB deleted) 312 s and
# 567 processor seconds, against 255 s and 469 s with the same code and the site moved aside
# (this VM's ext4 has no journal and deletes with discard: the kernel then passes over the
# inodes freed in the last minutes for each new file, fs/ext4/ialloc.c recently_deleted). One
# pair of builds; at 20,000 products without lots the two ways fell within the spread of two
# runs of the same code on this shared machine (132 s and 151 s).
TRASH = ".bench-trash"
# How many times each small rebuild (nothing changed, a story edit, a new lot) is measured.
SMALL_REBUILDS = 3
FULL_REBUILD = "full rebuild after a new setting, pictures kept"
# How long the previous site's remover is waited for (it took 147 s at 200,000 lots) before
# the bench removes what is left itself: a remover that could not start never finishes.
REMOVAL_WAIT = 900.0


def set_aside(path: Path, root: Path) -> None:
    """Move ``path`` (if there) into the run's trash under ``root``: one rename, however many
    files it holds."""
    if path.exists() or path.is_symlink():
        trash = root / TRASH
        trash.mkdir(exist_ok=True)
        path.rename(trash / f"{len(list(trash.iterdir()))}-{path.name}")


def empty_trash(root: Path) -> None:
    shutil.rmtree(root / TRASH, ignore_errors=True)


def ours(root: Path, count: int, host: str, share: bool) -> list[tuple[str, dict]]:
    (root / "docs").mkdir(exist_ok=True)
    (root / "mkdocs.yml").write_text(OURS.format(theme=REPO / "theme", host=host,
                                                 share=str(share).lower()), encoding="utf-8")
    # The cold build starts from nothing: the site, its standby and any copy a stopped build
    # left beside it are moved aside, and deleted when the run has measured everything.
    for left in (root / "site", root / ".cache", *root.glob(".site.*")):
        set_aside(left, root)
    build = [sys.executable, "-m", "site_builder.cli", "build", "--as-of", AS_OF]
    site = root / "site"

    def unmeasured() -> None:
        subprocess.run(build, cwd=root, env={**os.environ, "CI": "1"}, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def rebuild(name: str, change: Callable[[], object] | None = None, undo: Callable[[], object]
                | None = None, times: int = 1) -> None:
        """``times`` rebuilds of one kind, each after ``change`` and followed by ``undo`` and a
        build of its own, not measured: the row is the median one's (a small rebuild's time
        moves by a quarter of a second from one to the next on this shared machine, a few %
        of the plain build), with the largest peak memory and the first one's upload."""
        runs = []
        for _ in range(times):
            if change is not None:
                change()
            before = Manifest.read(site)
            runs.append(measure(build, root, site))
            runs[-1]["upload"] = upload(before, site)
            if undo is not None:
                undo()
                unmeasured()
        middle = sorted(runs, key=lambda run: run["wall"])[len(runs) // 2]
        rows.append((name, {**runs[0], **{key: middle[key] for key in
                                           ("wall", "cpu", "stages", "units", "log")},
                            "rss_mb": max(run["rss_mb"] for run in runs),
                            "pss_mb": max(run["pss_mb"] for run in runs)}))

    rows = [("cold build", measure(build, root, site))]
    rebuild("rebuild, nothing changed", times=SMALL_REBUILDS)
    record = root / "products" / "sp-00010" / "product.yml"

    def edit_story() -> None:
        """One sentence of the story, edited: each time the other way round."""
        text = record.read_text(encoding="utf-8")
        edited = text.replace("Mỗi lô hàng", "Từng lô hàng") if "Mỗi lô hàng" in text else (
            text.replace("Từng lô hàng", "Mỗi lô hàng"))
        assert edited != text, "the story sentence to edit was not found"
        record.write_text(edited, encoding="utf-8")

    rebuild("rebuild after one story edit", edit_story, times=SMALL_REBUILDS)
    original = record.read_text(encoding="utf-8")
    # Each new lot taken away again in a build of its own, not measured: the revocations'
    # upload is theirs alone (else it counted the lot's pages and the product's, 8 files more).
    rebuild("rebuild after one new lot", lambda: add_lot(record),
            lambda: record.write_text(original, encoding="utf-8"), times=SMALL_REBUILDS)
    originals = revoke(root, count)
    try:
        rebuild("rebuild after 50 revocations")
    finally:
        for record, text in originals.items():
            record.write_text(text, encoding="utf-8")
    # A new setting every page shows: every page again, as after an upgrade of ocop (which
    # also checks the records again), the pictures from the cache; the previous site is left
    # to a process of its own (publish.empty_trash), waited for here, so that it does not slow
    # the plain build after.
    config = root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "{products_dir:", "{data_licence: CC0 1.0, products_dir:"), encoding="utf-8")
    before = Manifest.read(site)
    row = measure(build, root, site)
    row["upload"] = upload(before, site)
    started = time.monotonic()
    while publish.trash(site) and time.monotonic() - started < REMOVAL_WAIT:
        time.sleep(0.2)
    publish.empty_trash(site, wait=True)  # what is left, if the remover did not finish
    row["removed_after"] = time.monotonic() - started
    rows.append((FULL_REBUILD, row))
    return rows


def plain(root: Path, count: int, when: str) -> tuple[str, dict]:
    """The reference: ``mkdocs build`` with Material of ``count`` simple pages; ``when``: before
    or after ours, in the row's name."""
    docs = root / "plain" / "docs"
    if not (docs / "p" / f"{count - 1:05d}.md").is_file():
        shutil.rmtree(root / "plain", ignore_errors=True)
        (docs / "p").mkdir(parents=True)
        (docs / "index.md").write_text("# Bench\n", encoding="utf-8")
        for i in range(count):
            (docs / "p" / f"{i:05d}.md").write_text(PLAIN_PAGE.format(
                title=f"Sản phẩm {i}", stars=3 + i % 3, producer=f"Hợp tác xã {i}",
                province="Khánh Hòa"), encoding="utf-8")
    (root / "plain" / "mkdocs.yml").write_text(PLAIN, encoding="utf-8")
    set_aside(root / "plain" / "site", root)  # as ours: else MkDocs deletes it before writing
    return (f"plain `mkdocs build`, Material, N simple pages, {when} ours",
            measure([sys.executable, "-m", "mkdocs", "build", "-q"], root / "plain",
                    root / "plain" / "site"))


def _sent(row: dict) -> str:
    files, size, deleted, kinds = row["upload"]
    return (f"{files:,} files, {size / 1e6:.1f} MB" + (f", {deleted:,} deleted" if deleted else "")
            + (": " + ", ".join(f"{kind} {n:,}" for kind, n in
                                sorted(kinds.items(), key=lambda item: -item[1]))
               if kinds else ""))


def report(count: int, rows: list[tuple[str, dict]], root: Path) -> None:
    """The issue's targets, each as measured in this run, against the plain build: the mean of
    its two runs, one before ours and one after (on this shared machine the same plain build
    took from 36 to 52 s from one run to the next, and the ratio moved with it)."""
    first, cold, same, story, lot, revoked, full, last = (r for _, r in rows)
    ours_rows = rows[1:-1]
    entries = (cold["files"] + cold["folders"]) / count
    plain_wall = (first["wall"] + last["wall"]) / 2
    plain_row = {"cpu": (first["cpu"] + last["cpu"]) / 2}
    lines = [
        ("plain build, before ours / after", f"{first['wall']:.1f} / {last['wall']:.1f} s", ""),
        ("cold build / plain build", f"{cold['wall'] / plain_wall:.2f}x (against each: "
         f"{cold['wall'] / first['wall']:.2f}x, {cold['wall'] / last['wall']:.2f}x)", "≤ 2.5x"),
        # Processor seconds, which other work on a shared machine moves far less than the
        # wall's (a build waits for a processor as long as others keep it busy). Ours are
        # spread over one worker a core, the plain build's are on one: on an idle machine the
        # wall ratio is about this one divided by the cores.
        ("cold build / plain build, processor time",
         f"{cold['cpu'] / plain_row['cpu']:.2f}x ({cold['cpu']:.1f} / {plain_row['cpu']:.1f} s)", ""),
        ("story edit / plain build", f"{100 * story['wall'] / plain_wall:.1f} %", "≤ 5 %"),
        ("one new lot / plain build", f"{100 * lot['wall'] / plain_wall:.1f} %", "≤ 5 %"),
        ("nothing changed / plain build", f"{100 * same['wall'] / plain_wall:.1f} %", "≤ 2 %"),
        ("full rebuild after a new setting (pictures kept) / plain build",
         f"{full['wall'] / plain_wall:.2f}x; the previous site then removed in the background "
         f"in {full['removed_after']:.0f} s more", ""),
        # Proportional: a page the forked workers share with the build process is the machine's
        # once; the resident sizes count it in every process (both shown).
        ("peak memory, proportional (resident, counted in each process)",
         f"{max(r['pss_mb'] for _, r in ours_rows):.0f} MB "
         f"({max(r['rss_mb'] for _, r in ours_rows):.0f} MB)", "≤ 2,048 MB"),
        ("files per product", f"{cold['files'] / count:.2f}", ""),
        ("folders per product", f"{cold['folders'] / count:.2f}", ""),
        ("entries per product", f"{entries:.2f}", "≤ 18"),
        ("KB per product", f"{cold['mb'] * 1000 / count:.1f}", "≤ 140"),
        ("upload after one story edit", _sent(story), "the pages that show it"),
        ("upload after one new lot", _sent(lot), ""),
        ("upload after 50 revocations", _sent(revoked), "≤ 500 files"),
    ]
    units = cold.get("units", {})
    if "product" in units and "lot" in units:
        product_ms, lot_ms = units["product"][0], units["lot"][0] / 2  # a lot: a page a language
        lines.append(("processor time per lot page / per product (its pages, pictures, codes)",
                      f"{lot_ms:.2f} / {product_ms:.2f} ms = {lot_ms / product_ms:.2f}", "≤ 0.2"))
    lots = per_lot(root / "site")
    if lots:
        lines.append(("published per lot (its pages and documents)",
                      f"{lots[0]:.2f} files, {lots[1]:.1f} KB", "linear in lots"))
    print(f"\n| N = {count:,} | measured | target |\n|---|---|---|")
    for name, value, target in lines:
        print(f"| {name} | {value} | {target} |", flush=True)
    print("\nWhere the time went (seconds by stage; processor ms per unit, summed over the "
          "worker processes):\n\n| build | stages | units |\n|---|---|---|")
    for name, row in ours_rows:
        stages = ", ".join(f"{stage} {seconds:.2f}" for stage, seconds in row.get("stages", []))
        spent = ", ".join(f"{kind} {ms:.2f} × {n:,}" for kind, (ms, n) in row.get("units", {}).items())
        print(f"| {name} | {stages} | {spent} |", flush=True)


def per_lot(site: Path) -> tuple[float, float] | None:
    """Files and KB a lot publishes (its units': its pages in each language, its documents)."""
    manifest = Manifest.read(site)
    if manifest is None:
        return None
    lots = [unit["files"] for name, unit in manifest.units.items() if name.startswith("lot:")]
    if not lots:
        return None
    size = sum(os.path.getsize(site / path) for files in lots for path in files)
    return sum(map(len, lots)) / len(lots), size / 1000 / len(lots)


def _load() -> str:
    """The machine's load: other work running during a measurement moves the seconds."""
    return ", ".join(f"{value:.2f}" for value in os.getloadavg())


def main() -> int:
    parser = argparse.ArgumentParser(description="OCOP catalog build benchmark")
    parser.add_argument("counts", nargs="+", type=int)
    parser.add_argument("--root", type=Path, default=Path("/tmp/ocop-bench"))
    parser.add_argument("--host", default="object-storage",
                        help="the host layout to build (site_builder/hosts.py)")
    parser.add_argument("--no-share-images", dest="share", action="store_false",
                        help="build without the 1200×630 share pictures (share_images: false)")
    parser.add_argument("--lots", type=int, default=None,
                        help="lots per product (else 0 to 3): the catalog of a year of lots")
    parser.add_argument("--photo-size", type=photo_size, default=SMALL_PHOTO, metavar="WxH",
                        help="each product's photo (400x300; 2048x1536 is a phone's photo as "
                             "ocop import keeps it)")
    args = parser.parse_args()
    print(f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}, {platform.platform()}; host layout: {args.host}; "
          f"share pictures: {'yes' if args.share else 'no'}")
    measured: list[Path] = []
    for count in args.counts:
        root = args.root / (str(count) + ("" if args.lots is None else f"-lots{args.lots}")
                            + ("" if args.photo_size == SMALL_PHOTO
                               else "-photos{}x{}".format(*args.photo_size)))
        if not (root / "products" / f"sp-{count - 1:05d}" / "product.yml").is_file() or (
                root / "products" / f"sp-{count:05d}").exists():
            shutil.rmtree(root, ignore_errors=True)
            generate(count, root, lots=args.lots, photo_size=args.photo_size)
        if (root / TRASH).exists():  # left by a run that was stopped
            print("Deleting what a stopped run set aside: on this machine the cold build may "
                  "then take longer than on a new one.", flush=True)
            empty_trash(root)
        print(f"Load average before (1, 5, 15 min): {_load()}", flush=True)
        measured.append(root)
        try:
            rows = [plain(root, count, "before"), *ours(root, count, args.host, args.share),
                    plain(root, count, "after")]
        except BaseException:
            for done in measured:
                empty_trash(done)
            raise
        print(f"Load average after: {_load()}", flush=True)
        print("\n| N | build | wall (s) | peak PSS (MB) | peak RSS (MB) | HTML pages | files | "
              "folders | output (MB) |\n|---|---|---|---|---|---|---|---|---|")
        for name, r in rows:
            print(f"| {count:,} | {name} | {r['wall']:.1f} | {r['pss_mb']:.0f} | {r['rss_mb']:.0f} "
                  f"| {r['pages']:,} "
                  f"| {r['files']:,} | {r['folders']:,} | {r['mb']:.0f} |", flush=True)
        report(count, rows, root)
    for root in measured:  # not between two counts: the next cold build would pay for it
        empty_trash(root)
    return 0


if __name__ == "__main__":
    import figures

    sys.exit(figures.run(main))
