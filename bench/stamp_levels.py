"""Error correction or module size? The stamps' rule against one that spends the room beyond a
comfortable module on correction, on the sample's stamps, with the phone camera of the print
simulation and with harder ones (farther, blurrier).

    python bench/stamp_levels.py                    # 20, 25 and 30 mm at 300 dpi
    python bench/stamp_levels.py --sizes 25 --dpi 600

For each size, camera and rule: how many of the sample's stamps each decoder reads after the
print (paper/print_check.py). Needs the 'check' extra.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from site_builder.assets.qr import Level  # noqa: E402
from site_builder.config import SiteConfig  # noqa: E402
from site_builder.paper import print_check, stamps  # noqa: E402
from site_builder.paper.stamp_kit import plan_jobs  # noqa: E402
from site_builder.records.validate import load_catalog  # noqa: E402

AS_OF = date(2026, 11, 22)
CAMERAS = {"the simulation's (8 px/mm, blur 0.8)": (8.0, 0.8), "blurrier (blur 1.3)": (8.0, 1.3),
           "farther (6 px/mm)": (6.0, 0.8), "farther still (5 px/mm)": (5.0, 0.8)}


def correction_first(dots: int, comfortable: int, level: Level, lines_dropped: int,
                     last_resort: bool = False) -> tuple[int, ...]:
    """Once the module is comfortable, the most correction that keeps it comfortable."""
    return (min(dots, comfortable), not last_resort, level.rank if dots >= comfortable else 0,
            level.rank >= Level.M.rank, -lines_dropped, dots, level.rank)


RULES = {"shipped (largest module, then correction)": stamps.preference,
         "correction once comfortable": correction_first}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="20,25,30")
    parser.add_argument("--dpi", type=int, default=300)
    args = parser.parse_args()
    config = SiteConfig(products_dir=REPO / "products", site_url="https://ocop.example.org/",
                        as_of=AS_OF, draft=True)
    catalog, _ = load_catalog(config, traceability_notes=False)
    jobs = plan_jobs(catalog, config, [], None, [])
    tools = print_check.decoders()
    shipped = stamps.preference
    print(f"{len(jobs)} sample stamps, {args.dpi} dpi\n")
    print("| size | camera | rule | symbols | zbar | zxing | OpenCV |\n|---|---|---|---|---|---|---|")
    try:
        for size in map(float, args.sizes.split(",")):
            for camera, (px_per_mm, blur) in CAMERAS.items():
                print_check.CAMERA_PX_PER_MM, print_check.BLUR_SIGMA = px_per_mm, blur
                for name, rule in RULES.items():
                    stamps.preference = rule
                    read, symbols = Counter(), Counter()
                    for job in jobs:
                        art = stamps.layout(job.url, job.stars, size,
                                            job.batch.lot if job.batch else None, args.dpi)
                        symbols[f"{art.qr_version}-{art.qr_level.name}"] += 1
                        reading = print_check.read_stamp(tools, art)
                        read.update(n for n in print_check.DECODER_NAMES if reading.printed[n])
                    shown = ", ".join(f"{k} ({v})" for k, v in sorted(symbols.items()))
                    print(f"| {size:g} mm | {camera} | {name} | {shown} | "
                          + " | ".join(f"{read[n]}/{len(jobs)}" for n in print_check.DECODER_NAMES)
                          + " |", flush=True)
    finally:
        stamps.preference = shipped


if __name__ == "__main__":
    import figures

    sys.exit(figures.run(main))
