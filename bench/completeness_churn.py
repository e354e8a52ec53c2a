"""How many staff completeness pages change when 50 products are added or removed.

    python bench/completeness_churn.py 2000    # the catalog is kept in /tmp/ocop-bench/<N>-churn-50/

Builds a synthetic catalog of N + 50 products (bench/synthetic.py) and plans the site
(``output/plan.py``) of N of them (50 spread over it left out), then of all N + 50, and of N
with 50 others removed, and counts the completeness pages (``truy-xuat/<province>/…``, both
languages) whose key changed, added or gone: the pages an upload sends or deletes. The same, in
the same run, with the plan as it was at REFERENCE (read from git), which cut a province's
pages 25 products at a time from its first.
"""

from __future__ import annotations

import argparse
import platform
import sys
import types
from dataclasses import replace
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))

from reference import module_at  # noqa: E402
from run import AS_OF as DAY  # noqa: E402
from synthetic import generate  # noqa: E402

from site_builder.config import SiteConfig  # noqa: E402
from site_builder.domain.model import Catalog, Product  # noqa: E402
from site_builder.output import plan  # noqa: E402
from site_builder.records.validate import load_catalog  # noqa: E402

REFERENCE = "9ac3133"  # the last commit cutting completeness pages by position
AS_OF = date.fromisoformat(DAY)
TEMPLATES = REPO / "theme" / "ocop"


def reference_plan() -> types.ModuleType:
    """plan.py as it was at REFERENCE, as a module of its own."""
    # Its later pages' title string is gone from the locales: the same title, in its place.
    return module_at(REFERENCE, "site_builder/output/plan.py", "plan_before",
                     lambda source: source.replace('t("page_title", title=title, page=n)',
                                                   'f"{title} ({n})"'))


def pages(planner: types.ModuleType, catalog: Catalog, products: list[Product],
          config: SiteConfig) -> dict[str, str]:
    """Each completeness page's address and key."""
    site = planner.plan_site(replace(catalog, products=products), config, TEMPLATES)
    return {u.name: u.key for u in site.units if u.name.startswith("completeness:")}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int)
    parser.add_argument("--root", type=Path, default=Path("/tmp/ocop-bench"))
    args = parser.parse_args()
    root = args.root / f"{args.count}-churn-50"
    if not (root / "products" / f"sp-{args.count + 49:05d}" / "product.yml").is_file():
        generate(args.count + 50, root)
    config = SiteConfig(products_dir=root / "products", as_of=AS_OF)
    catalog, _ = load_catalog(config, traceability_notes=False)
    everything = sorted(catalog.products, key=lambda p: p.id)[:args.count + 50]
    step = len(everything) // 50
    newcomers = {p.id for p in everything[::step][:50]}
    base = [p for p in everything if p.id not in newcomers]
    leaving = {p.id for p in base[step // 2::step][:50]}
    edits = {"50 products added": everything,
             "50 products removed": [p for p in base if p.id not in leaving]}
    print(f"Machine: {platform.machine()}, Python {platform.python_version()}; "
          f"{len(base):,} synthetic products, both languages.\n")
    print("| completeness pages | edit | pages | uploaded (added + changed) | deleted |")
    print("|---|---|---|---|---|")
    for label, planner in (("25 a page from the first (before)", reference_plan()),
                           ("cut by content (now)", plan)):
        before = pages(planner, catalog, base, config)
        for edit, products in edits.items():
            after = pages(planner, catalog, products, config)
            added = sum(1 for name in after if name not in before)
            changed = sum(1 for name in after if name in before and before[name] != after[name])
            deleted = sum(1 for name in before if name not in after)
            print(f"| {label} | {edit} | {len(before):,} | {added + changed} ({added} + "
                  f"{changed}) | {deleted} |")
    return 0


if __name__ == "__main__":
    import figures

    raise SystemExit(figures.run(main))
