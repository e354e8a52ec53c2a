"""The records stage of a cold build (``load_catalog``, lean, empty record cache) in two
checkouts, alternated round by round in one run, as processor time per product.

    git worktree add ../before main~1   # the code to compare against, checked out beside
    python bench/records.py /tmp/recs4000 ../before . --rounds 5

``catalog``: a folder holding ``products/`` (``python bench/synthetic.py 4000 /tmp/recs4000``).
Each checkout runs in its own process, with its own ``.venv`` if it has one; the processor
time counted is the process's and its worker processes' while ``load_catalog`` runs (imports
left out). Every file of the catalog is read once first, so the disk does not decide it; with
``--cold`` the catalog's files are dropped from the page cache before each run instead
(``posix_fadvise``, these files only), as a first build after a copy or a restart reads them. The
machine is shared: compare the two checkouts' figures of one run, not runs with each other.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

# Runs in the checkout's own interpreter: one cold records stage, its figures as JSON.
_ONE = """
import gc, json, resource, sys, time
from datetime import date
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from site_builder.config import SiteConfig
from site_builder.records.validate import load_catalog

config = SiteConfig(products_dir=Path(sys.argv[2]), cache_dir=Path(sys.argv[3]),
                    as_of=date(2026, 6, 1))
gc.set_threshold(50_000, 50, 100)  # as ``ocop build`` runs its stages

def used():
    own, workers = (resource.getrusage(w) for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
    return own.ru_utime + own.ru_stime, workers.ru_utime + workers.ru_stime

(own0, workers0), wall0 = used(), time.perf_counter()
catalog, problems = load_catalog(config, traceability_notes=False, lean=True)
(own1, workers1), wall1 = used(), time.perf_counter()
print(json.dumps({"products": len(catalog.products), "errors": len(problems.errors),
                  "wall": wall1 - wall0, "own": own1 - own0, "workers": workers1 - workers0}))
"""


def warm(folder: Path) -> None:
    """Every file under ``folder`` read once, into the page cache."""
    for path in folder.rglob("*"):
        if path.is_file():
            path.read_bytes()


def drop(folder: Path) -> None:
    """Every file under ``folder`` out of the page cache (those not in use)."""
    for path in folder.rglob("*"):
        if path.is_file():
            fd = os.open(path, os.O_RDONLY)
            try:
                os.fsync(fd)
                os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
            finally:
                os.close(fd)


def interpreter(checkout: Path) -> str:
    own = checkout / ".venv" / "bin" / "python"
    return str(own) if own.exists() else sys.executable


def one_run(checkout: Path, products: Path) -> dict:
    with tempfile.TemporaryDirectory(prefix="ocop-records-") as cache:
        done = subprocess.run([interpreter(checkout), "-c", _ONE, str(checkout), str(products),
                               cache], check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("catalog", type=Path)
    parser.add_argument("checkouts", type=Path, nargs="+")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--cold", action="store_true",
                        help="the catalog's files out of the page cache before each run")
    args = parser.parse_args()
    products = (args.catalog / "products").resolve()
    warm(products)
    runs: dict[Path, list[dict]] = {c: [] for c in args.checkouts}
    for round_ in range(args.rounds):
        for checkout in args.checkouts:
            if args.cold:
                drop(products)
            found = one_run(checkout.resolve(), products)
            runs[checkout].append(found)
            cpu = (found["own"] + found["workers"]) * 1000 / found["products"]
            print(f"round {round_ + 1} {checkout}: {found['products']} products, "
                  f"{found['errors']} errors, wall {found['wall']:.2f} s, processor "
                  f"{found['own']:.2f} s + workers {found['workers']:.2f} s = {cpu:.3f} ms a product",
                  flush=True)
    first = args.checkouts[0]
    base = _median([_cpu(r) for r in runs[first]])
    cache = "files dropped from the page cache before each" if args.cold else "page cache warm"
    print(f"\n{args.rounds} rounds, {cache}; medians, processor time of the build's process and "
          f"its workers\n")
    print("| checkout | products | processor ms a product (min-max) | against the first | wall s |")
    print("|---|---:|---:|---:|---:|")
    for checkout in args.checkouts:
        rows = runs[checkout]
        cpu = [_cpu(r) for r in rows]
        print(f"| {checkout} | {rows[0]['products']} | {_median(cpu):.3f} ({min(cpu):.3f}-{max(cpu):.3f}) "
              f"| {_median(cpu) / base:.2f}x | {_median([r['wall'] for r in rows]):.2f} |")
    return 0


def _cpu(row: dict) -> float:
    return (row["own"] + row["workers"]) * 1000 / row["products"]


def _median(values: list[float]) -> float:
    return sorted(values)[len(values) // 2]


if __name__ == "__main__":
    import figures

    sys.exit(figures.run(main))
