"""What a phone downloads for each kind of page of the sample site, raw and gzip-compressed.

    python bench/page_weight.py            # builds the bundled sample into a temporary folder
    python bench/page_weight.py --site site   # measures an existing build

Budgets from the traceability issue: a batch page at most 30 KB compressed without its photo
and with no render-blocking script; its photo at most 80 KB. Figures go in manual/figures.md.
"""

from __future__ import annotations

import argparse
import gzip
import platform
import re
import shutil
import sys
import tempfile
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

PAGE_KINDS = {
    "batch page (/01/{GTIN}/10/{lot})": "01/*/10/*.html",
    "batch page, no GTIN (/p/{id}/{lot}/)": "p/*/*/index.html",
    "product trace page (/01/{GTIN})": "01/*.html",
    "product page (/san-pham/{id}/)": "san-pham/*/index.html",
    "catalog (/san-pham/), with search and filters": "san-pham/index.html",
    "province, sector, star listings": "[ts][ia][no]*/*/index.html",
    "provinces overview (/tinh/)": "tinh/index.html",
    "home": "index.html",
    "English product page (/en/san-pham/{id}/)": "en/san-pham/*/index.html",
    "English batch page (/en/01/{GTIN}/10/{lot}/)": "en/01/*/10/*/index.html",
    "English catalog (/en/san-pham/)": "en/san-pham/index.html",
    "English home (/en/)": "en/index.html",
    "not-found page (404.html)": "404.html",
}


def build_sample(folder: Path) -> Path:
    from support.sites import write_mkdocs_config

    from site_builder.mkdocs.build import build_site

    shutil.copytree(REPO / "products", folder / "products")
    config = write_mkdocs_config(folder, folder / "products", "https://ocop.khanhhoa.gov.vn/",
                                 sample_data=True)
    return build_site(config, as_of=date(2026, 11, 22)).site_dir


def blocking_scripts(html: str) -> int:
    """External scripts in <head> without defer/async: they block the first paint."""
    head = html.split("</head>", 1)[0]
    return sum(1 for tag in re.findall(r"<script\b[^>]*>", head)
               if "src=" in tag and "defer" not in tag and "async" not in tag)


def measure(site: Path) -> list[tuple[str, int, int, int, int]]:
    rows = []
    for kind, pattern in PAGE_KINDS.items():
        files = sorted(site.glob(pattern))
        if not files:
            continue
        raw = [f.stat().st_size for f in files]
        packed = [len(gzip.compress(f.read_bytes(), 9)) for f in files]
        blocking = max(blocking_scripts(f.read_text(encoding="utf-8")) for f in files)
        rows.append((kind, len(files), max(raw), max(packed), blocking))
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, help="an existing build to measure")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        site = args.site or build_sample(Path(tmp))
        print(f"{platform.machine()} {platform.processor() or ''} Python {platform.python_version()}")
        print(f"{'page kind':46} {'pages':>5} {'max raw':>9} {'max gzip':>9}  blocking scripts")
        for kind, count, raw, packed, blocking in measure(site):
            print(f"{kind:46} {count:5} {raw:9,} {packed:9,}  {blocking}")
        shell = [*site.glob("assets/stylesheets/*.css"), *site.glob("assets/javascripts/bundle*.js"),
                 *site.glob("assets/ocop.css")]
        if shell:
            packed = sum(len(gzip.compress(f.read_bytes(), 9)) for f in shell)
            print(f"site shell for catalog and product pages (Material CSS + JS, cached after the "
                  f"first page): {len(shell)} files, {packed:,} B gzip; trace pages load none of it")
        photos = sorted(site.glob("media/*/*-480.webp"))
        if photos:
            biggest = max(photos, key=lambda p: p.stat().st_size)
            print(f"photo for phones (480 px WebP): {len(photos)} files, largest "
                  f"{biggest.stat().st_size:,} B ({biggest.relative_to(site)})")
    return 0


if __name__ == "__main__":
    import figures

    sys.exit(figures.run(main))
