"""Which mask pattern reads best at small modules: the sample's stamps drawn with each of the
eight masks, and as shipped, read by zbar, zxing-cpp and OpenCV after the print simulation with
its own camera and others (farther, nearer, blurrier), so a mask that merely suits one noise
seed shows.

    python bench/stamp_masks.py                                  # 12x14.5 mm at 300 dpi, short addresses
    python bench/stamp_masks.py --size 15 --short-addresses 0

A mask changes which modules are dark, never what the code says: every symbol is a valid QR
code whatever its mask, its format information says which (ISO/IEC 18004 7.8). The standard
picks the mask of least penalty; a stamp under a comfortable module chooses among
``qr.SMALL_MODULE_MASKS`` by the same penalty (``paper/stamps.py``). Needs the 'check' extra.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from site_builder.assets import qr  # noqa: E402
from site_builder.config import SiteConfig  # noqa: E402
from site_builder.paper import print_check, stamps  # noqa: E402
from site_builder.paper.stamp_kit import best_layout, plan_jobs  # noqa: E402
from site_builder.paper.stamps import StampSize  # noqa: E402
from site_builder.records.validate import load_catalog  # noqa: E402

AS_OF = date(2026, 11, 22)
CAMERAS = {"8 px/mm, blur 0.8 (the simulation's)": (8.0, 0.8), "7 px/mm (farther)": (7.0, 0.8),
           "9 px/mm (nearer)": (9.0, 0.8), "blur 1.1": (8.0, 1.1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="12x14.5")
    parser.add_argument("--dpi", type=int, default=300)
    parser.add_argument("--short-addresses", type=int, default=5)
    args = parser.parse_args()
    config = SiteConfig(products_dir=REPO / "products", site_url="https://ocop.example.org/",
                        as_of=AS_OF, draft=True, short_addresses=args.short_addresses)
    catalog, _ = load_catalog(config, traceability_notes=False)
    jobs = plan_jobs(catalog, config, [], None, [])
    size = StampSize.parse(args.size)
    tools = print_check.decoders()
    shipped = stamps.symbol
    rules: dict[str, tuple[int, ...] | None] = {"shipped": None}
    rules.update({f"mask {m}": (m,) for m in qr.MASKS})
    arts = {}
    try:
        for name, masks in rules.items():
            stamps.symbol = (shipped if masks is None else  # type: ignore[assignment]
                             lambda url, level, version, _=(), m=masks: shipped(url, level, version, m))
            arts[name] = [best_layout(job, size, args.dpi) for job in jobs]
    finally:
        stamps.symbol = shipped
    symbols = Counter(f"{a.qr_version}-{a.qr_level.name}×{a.module_dots}" for a in arts["shipped"])
    print(f"{len(jobs)} sample stamps, {size.label} mm at {args.dpi} dpi: "
          + ", ".join(f"{k} ({v})" for k, v in sorted(symbols.items()))
          + "; decoders: " + ", ".join(tools.versions[n] for n in print_check.DECODER_NAMES))
    print("\n| camera | " + " | ".join(rules) + " |\n|---|" + "---|" * len(rules))
    try:
        for camera, (px_per_mm, blur) in CAMERAS.items():
            print_check.CAMERA_PX_PER_MM, print_check.BLUR_SIGMA = px_per_mm, blur
            cells = []
            for name in rules:
                read: Counter[str] = Counter()
                for art in arts[name]:
                    reading = print_check.read_stamp(tools, art)
                    read.update(n for n in print_check.DECODER_NAMES if reading.printed[n])
                cells.append(" / ".join(str(read[n]) for n in print_check.DECODER_NAMES))
            print(f"| {camera} | " + " | ".join(cells) + " |", flush=True)
    finally:
        print_check.CAMERA_PX_PER_MM, print_check.BLUR_SIGMA = 8.0, 0.8
    print(f"\nEach cell: zbar / zxing-cpp / OpenCV, of {len(jobs)}.")


if __name__ == "__main__":
    import figures

    sys.exit(figures.run(main))
