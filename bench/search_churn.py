"""How many search index files change when one product is added, removed or revoked.

    python bench/search_churn.py 2000    # the catalog is kept in /tmp/ocop-bench/<N>-churn/

Builds a synthetic catalog of N + 1 products (bench/synthetic.py) and makes the search index
(``render/search_index.py``) of N of them, then of the catalog with one product more, with one
less, and with one product's certificate revoked, and counts the index files added, changed
and deleted: what an upload of the search index sends after that edit. The same, in the same
run, for the index as it was at REFERENCE (read from git), which numbered products by name.
Also the index's files and bytes per product, for both (the size it adds to the site).
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
from site_builder.domain.model import Product, Revocation  # noqa: E402
from site_builder.domain.rules import unchanged_since  # noqa: E402
from site_builder.output import plan  # noqa: E402
from site_builder.records.validate import load_catalog  # noqa: E402
from site_builder.render import search_index  # noqa: E402
from site_builder.render.templates import Languages  # noqa: E402
from site_builder.render.views import product_view  # noqa: E402

REFERENCE = "9ac3133"  # the last commit numbering products by name
AS_OF = date.fromisoformat(DAY)
Index = dict[str, bytes]


def reference_index() -> types.ModuleType:
    """search_index.py as it was at REFERENCE, as a module of its own."""
    return module_at(REFERENCE, "site_builder/render/search_index.py", "search_index_before")


class Indexer:
    """The search index of any selection of the catalog's products, as a build makes it."""

    def __init__(self, config: SiteConfig) -> None:
        self.config = config
        self.languages = Languages(config, REPO / "theme" / "ocop", icon="")

    def __call__(self, build: types.ModuleType | object, products: list[Product]) -> Index:
        first, config = self.languages.first, self.config
        views = [product_view(p, unchanged_since(p, AS_OF, config.rules), config, first.t)
                 for p in products]
        views.sort(key=plan._catalog_order)
        indexed = [(r.lang, views if r is first else [v.in_language(r.t, r.urls) for v in views])
                   for r in self.languages.renderers]
        photos = {v.product.id: plan.photo_links(v.product) for v in views}
        return build.build_search_index(indexed, photos)  # type: ignore[attr-defined]


def upload(before: Index, after: Index) -> tuple[int, int, int, dict[str, int]]:
    """Files added, changed and deleted, and the changed or added ones by kind."""
    added = [p for p in after if p not in before]
    changed = [p for p in after if p in before and before[p] != after[p]]
    deleted = [p for p in before if p not in after]
    kinds: dict[str, int] = {}
    for path in added + changed:
        kind = "/".join(part for part in path.split("/")[1:-1] if part not in ("vi", "en"))
        kind = kind.split("/")[0] if kind.startswith("f/") else kind or path.rsplit("/", 1)[1]
        kinds[kind] = kinds.get(kind, 0) + 1
    return len(added), len(changed), len(deleted), kinds


def revoked(product: Product) -> Product:
    """The product with its current certificate revoked the day before the build."""
    latest = product.certifications[-1]
    revocation = Revocation(date(2026, 11, 1), "77/QĐ-UBND", "Vi phạm quy định về ghi nhãn")
    return replace(product, certifications=(*product.certifications[:-1],
                                            replace(latest, revocation=revocation)))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int)
    parser.add_argument("--root", type=Path, default=Path("/tmp/ocop-bench"))
    args = parser.parse_args()
    root = args.root / f"{args.count}-churn"
    if not (root / "products" / f"sp-{args.count:05d}" / "product.yml").is_file():
        generate(args.count + 1, root)
    config = SiteConfig(products_dir=root / "products", as_of=AS_OF)
    catalog, _ = load_catalog(config, traceability_notes=False)
    everything = sorted(catalog.products, key=lambda p: p.id)
    base, extra = everything[:-1], everything[-1]
    middle = base[len(base) // 2]
    edits = {
        f"one product added ({extra.id})": [*base, extra],
        f"one product removed ({middle.id})": [p for p in base if p is not middle],
        f"one product revoked ({middle.id})": [revoked(p) if p is middle else p for p in base],
    }
    index = Indexer(config)
    print(f"Machine: {platform.machine()}, Python {platform.python_version()}; "
          f"{len(base):,} synthetic products, both languages.\n")
    print("| search index | edit | files uploaded (added + changed) | deleted | by kind |")
    print("|---|---|---|---|---|")
    for label, build in (("numbered by name (before)", reference_index()),
                         ("stable keys (now)", search_index)):
        before = index(build, base)
        for edit, products in edits.items():
            added, changed, deleted, kinds = upload(before, index(build, products))
            shown = ", ".join(f"{kind} {n}" for kind, n in sorted(kinds.items(), key=lambda k: -k[1]))
            print(f"| {label} | {edit} | {added + changed} ({added} + {changed}) | {deleted} | "
                  f"{shown} |")
        size = sum(len(data) for data in before.values())
        print(f"| {label} | (size) | {len(before):,} files, {len(before) / len(base):.3f} a "
              f"product | | {size / 1024:,.0f} KB, {size / len(base):,.0f} bytes a product |")
    moved(index.config, everything)
    return 0


def moved(config: SiteConfig, products: list[Product]) -> None:
    """How many other products change slot when one leaves the catalog (or comes back), for
    about 300 products spread over it, and when one certified after all the others comes."""
    first = Indexer(config).languages.first
    seniority = {p.id: search_index.seniority(product_view(p, AS_OF, config, first.t))
                 for p in products}
    slots, _ = search_index.product_slots(seniority)
    counts = []
    for product_id in list(seniority)[::max(1, len(seniority) // 300)]:
        without, _ = search_index.product_slots(
            {k: v for k, v in seniority.items() if k != product_id})
        counts.append(sum(1 for k, slot in without.items() if slots[k] != slot))
    youngest = max(seniority.values())
    newcomers = []
    for n in range(200):
        with_new, _ = search_index.product_slots({**seniority, f"moi-{n}": (youngest[0], "~")})
        newcomers.append(sum(1 for k, slot in slots.items() if with_new[k] != slot))
    print(f"\nOther products whose slot changes, when one of the {len(products):,} leaves (or "
          f"comes back; {len(counts)} tried): {sum(counts) / len(counts):.2f} on average, none for "
          f"{counts.count(0) / len(counts):.0%} of them, at most {max(counts)}; when a product "
          f"newer than all comes (200 tried): {sum(newcomers) / len(newcomers):.2f} on average, "
          f"at most {max(newcomers)}.")


if __name__ == "__main__":
    import figures

    raise SystemExit(figures.run(main))
