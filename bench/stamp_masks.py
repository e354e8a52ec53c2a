"""Which mask pattern reads best at small modules: the sample's stamps drawn with each of the
eight masks, and as shipped, read by zbar, zxing-cpp and OpenCV after the print simulation with
its own camera and others (farther, nearer, blurrier), so a mask that merely suits one noise
seed shows.

    python bench/stamp_masks.py                                  # 12x14.5 mm at 300 dpi, short addresses
    python bench/stamp_masks.py --size 15 --short-addresses 0
    python bench/stamp_masks.py --size 15 --placements 16         # each code at 16 random places

A label's layout fixes where its modules fall on the camera's pixels, so one print of one file
reads a mask at one phase only: ``--placements N`` also prints each code alone, with each
mask, at N random offsets on the printer's grid, photographed with as many noise seeds.

A mask changes which modules are dark, never what the code says: every symbol is a valid QR
code whatever its mask, its format information says which (ISO/IEC 18004 7.8). The standard
picks the mask of least penalty; a stamp's code under 0.45 mm chooses by the same penalty
among the masks measured best at its version and module (``stamps.stamp_masks``: 2 or 6 for
version 2, 5 or 6 for others under 0.36 mm). Needs the 'check' extra.
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


def placements(arts: list[stamps.Artwork], tools: print_check.Tools, count: int) -> None:
    """Each code as the stamps draw it (version, level, module in dots), with each mask, placed
    at ``count`` random offsets on the printer's grid and photographed with as many noise seeds:
    a mask's figure then holds for wherever the camera's pixels fall on the modules, which one
    print of one file cannot say (its phase is fixed by the label's layout)."""
    np = tools.np
    rng = np.random.default_rng(1)
    read = {mask: Counter[str]() for mask in qr.MASKS}
    for art in arts:
        dots = art.module_dots
        for mask in qr.MASKS:
            drawn = qr.symbol(art.url, art.qr_level, art.qr_version, (mask,))
            modules = np.kron(np.array(drawn.matrix(), dtype=bool), np.ones((dots, dots), bool))
            side = modules.shape[0] + 3 * dots
            for _ in range(count):
                left, top = (int(v) for v in rng.integers(0, 3 * dots, 2))
                paper = np.full((side, side), 255, np.uint8)
                paper[top:top + modules.shape[0], left:left + modules.shape[1]][modules] = 0
                photo = print_check.photographed(tools, paper, art.dpi, int(rng.integers(1 << 30)))
                readings = print_check.read_image(tools, photo)
                read[mask].update(n for n in print_check.DECODER_NAMES
                                  if readings[n] == art.code_text)
    total = count * len(arts)
    print(f"\n{count} random placements a code and mask ({total} photographs a mask):\n")
    print("| mask | zbar | zxing-cpp | OpenCV |\n|---|---|---|---|")
    for mask, counted in read.items():
        print(f"| {mask} | " + " | ".join(str(counted[n]) for n in print_check.DECODER_NAMES) + " |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="12x14.5")
    parser.add_argument("--dpi", type=int, default=300)
    parser.add_argument("--short-addresses", type=int, default=5)
    parser.add_argument("--placements", type=int, default=0,
                        help="also read each code at this many random places, with each mask")
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
    if args.placements:
        placements(arts["shipped"], tools, args.placements)


if __name__ == "__main__":
    import figures

    sys.exit(figures.run(main))
