"""Which stamp sizes scan on which printer: the sample's stamps at each size and resolution,
read by zbar, zxing-cpp and OpenCV after the print-and-phone simulation (paper/print_check.py,
the team's measuring tool's model).

    python bench/stamp_sizes.py                          # 203, 300 and 600 dpi; 12 to 30 mm
    python bench/stamp_sizes.py --dpi 300 --sizes 15,20 --site-url https://ocop.khanhhoa.gov.vn/

For each resolution and size: how many stamps the layout refuses (a module under the minimum),
the symbols and modules of the others, and how many each decoder reads after printing. Needs
the 'check' extra (pip install 'ocop-catalog[check]'). Prints a Markdown table (manual/figures.md, "Stamp
sizes against printers").
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from site_builder.config import SiteConfig  # noqa: E402
from site_builder.paper.print_check import DECODER_NAMES, decoders, read_stamp  # noqa: E402
from site_builder.paper.stamp_kit import plan_jobs  # noqa: E402
from site_builder.paper.stamps import StampError, layout  # noqa: E402
from site_builder.records.validate import load_catalog  # noqa: E402

AS_OF = date(2026, 11, 22)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dpi", default="203,300,600")
    parser.add_argument("--sizes", default="12,13,14,15,16,18,20,25,30")
    parser.add_argument("--site-url", default="https://ocop.example.org/")
    args = parser.parse_args()
    config = SiteConfig(products_dir=REPO / "products", site_url=args.site_url, as_of=AS_OF,
                        draft=True)
    catalog, problems = load_catalog(config, traceability_notes=False)
    if problems.errors:
        raise SystemExit("the sample catalog has errors; run ocop check")
    jobs = plan_jobs(catalog, config, [], None, [])
    tools = decoders()
    print(f"{len(jobs)} sample stamps ({args.site_url}); decoders: "
          + ", ".join(tools.versions[n] for n in DECODER_NAMES))
    print("\n| printer | size asked | printed (dots) | refused | symbols (version-level × module dots) "
          "| zbar | zxing | OpenCV |")
    print("|---|---|---|---|---|---|---|---|")
    for dpi in map(int, args.dpi.split(",")):
        for size in map(float, args.sizes.split(",")):
            refused, symbols, read = 0, Counter(), Counter()
            printed = ""
            for job in jobs:
                try:
                    art = layout(job.url, job.stars, size, job.batch.lot if job.batch else None,
                                 dpi)
                except StampError:
                    refused += 1
                    continue
                printed = f"{art.size:.2f} mm ({art.dots})"
                symbols[f"{art.qr_version}-{art.qr_level.name}×{art.module_dots}"] += 1
                reading = read_stamp(tools, art)
                read.update(n for n in DECODER_NAMES if reading.printed[n])
            made = len(jobs) - refused
            cells = [f"{read[n]}/{made}" if made else "–" for n in DECODER_NAMES]
            shown = ", ".join(f"{k} ({v})" for k, v in sorted(symbols.items()))
            print(f"| {dpi} dpi | {size:g} mm | {printed or '–'} | {refused} | {shown or '–'} | "
                  + " | ".join(cells) + " |", flush=True)


if __name__ == "__main__":
    import figures

    sys.exit(figures.run(main))
