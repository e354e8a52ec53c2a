"""Build benchmark at national scale: ours against a plain MkDocs + Material build.

    python bench/run.py 1000 5000 20000          # catalogs are kept in /tmp/ocop-bench/<N>/

For each N it generates a synthetic catalog (bench/synthetic.py) and measures, one after the
other on this machine: a cold build (empty caches, no previous site), a rebuild with nothing
changed, a rebuild after editing one product's story, and ``mkdocs build`` with Material of N
simple Markdown pages (as many as our site has product pages). For each: wall time, peak memory
(resident memory of the build and its worker processes together, sampled every 0.1 s), HTML
pages written, output size and pages per second.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))

from synthetic import generate  # noqa: E402

AS_OF = "2026-11-22"
OURS = """site_name: OCOP bench
site_url: https://ocop.khanhhoa.gov.vn/
docs_dir: docs
theme: {{name: material, custom_dir: {theme}, language: vi,
        features: [navigation.tabs, navigation.prune]}}
plugins:
  - ocop: {{products_dir: products, templates_dir: {theme}/ocop, languages: [vi, en],
            site_names: {{en: OCOP bench}}}}
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


def _tree_rss_kb(pid: int) -> int:
    """Resident memory of ``pid`` and all its descendants, in KB (Linux /proc)."""
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            with open(f"/proc/{current}/status") as handle:
                total += next(int(line.split()[1]) for line in handle if line.startswith("VmRSS:"))
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as handle:
                    todo.extend(int(child) for child in handle.read().split())
        except (OSError, StopIteration, ValueError):
            continue
    return total


def measure(command: list[str], cwd: Path, site: Path) -> dict:
    env = {**os.environ, "CI": "1"}
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    peak = 0

    def sample() -> None:
        nonlocal peak
        while process.poll() is None:
            peak = max(peak, _tree_rss_kb(process.pid))
            time.sleep(0.1)

    sampler = threading.Thread(target=sample)
    sampler.start()
    output, _ = process.communicate()
    wall = time.perf_counter() - started
    sampler.join()
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{output[-3000:]}")
    pages = size = 0
    for folder, _, names in os.walk(site):
        for name in names:
            size += os.path.getsize(os.path.join(folder, name))
            pages += name.endswith(".html")
    return {"wall": wall, "rss_mb": peak / 1024, "pages": pages, "mb": size / 1e6,
            "pps": pages / wall, "log": output}


def ours(root: Path, count: int) -> list[tuple[str, dict]]:
    (root / "docs").mkdir(exist_ok=True)
    (root / "mkdocs.yml").write_text(OURS.format(theme=REPO / "theme"), encoding="utf-8")
    shutil.rmtree(root / "site", ignore_errors=True)
    shutil.rmtree(root / ".cache", ignore_errors=True)
    build = [sys.executable, "-m", "site_builder.cli", "build", "--as-of", AS_OF]
    site = root / "site"
    rows = [("cold build", measure(build, root, site)),
            ("rebuild, nothing changed", measure(build, root, site))]
    record = root / "products" / "sp-00010" / "product.yml"
    text = record.read_text(encoding="utf-8")
    edited = text.replace("Mỗi lô hàng", "Từng lô hàng") if "Mỗi lô hàng" in text else (
        text.replace("Từng lô hàng", "Mỗi lô hàng"))
    assert edited != text, "the story sentence to edit was not found"
    record.write_text(edited, encoding="utf-8")
    rows.append(("rebuild after one story edit", measure(build, root, site)))
    return rows


def plain(root: Path, count: int) -> tuple[str, dict]:
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
    shutil.rmtree(root / "plain" / "site", ignore_errors=True)
    return ("plain `mkdocs build`, Material, N simple pages",
            measure([sys.executable, "-m", "mkdocs", "build", "-q"], root / "plain",
                    root / "plain" / "site"))


def main() -> int:
    parser = argparse.ArgumentParser(description="OCOP catalog build benchmark")
    parser.add_argument("counts", nargs="+", type=int)
    parser.add_argument("--root", type=Path, default=Path("/tmp/ocop-bench"))
    args = parser.parse_args()
    print(f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}, {platform.platform()}")
    print("| N | build | wall (s) | peak RSS (MB) | HTML pages | output (MB) | pages/s |")
    print("|---|---|---|---|---|---|---|")
    for count in args.counts:
        root = args.root / str(count)
        if not (root / "products" / f"sp-{count - 1:05d}" / "product.yml").is_file() or (
                root / "products" / f"sp-{count:05d}").exists():
            shutil.rmtree(root, ignore_errors=True)
            generate(count, root)
        rows = ours(root, count) + [plain(root, count)]
        for name, r in rows:
            print(f"| {count:,} | {name} | {r['wall']:.1f} | {r['rss_mb']:.0f} | {r['pages']:,} "
                  f"| {r['mb']:.0f} | {r['pps']:.0f} |", flush=True)
        cold, plain_row = rows[0][1], rows[-1][1]
        print(f"| {count:,} | ratio, ours cold / plain (pages per second) | | | | | "
              f"{cold['pps'] / plain_row['pps']:.1f}x |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
