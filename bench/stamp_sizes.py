"""Which stamp sizes scan on which printer: the sample's stamps at each size and resolution,
read by zbar, zxing-cpp and OpenCV after the print-and-phone simulation (paper/print_check.py,
the team's measuring tool's model).

    python bench/stamp_sizes.py                          # 203, 300 and 600 dpi; 12 to 30 mm
    python bench/stamp_sizes.py --dpi 300 --sizes 15,20 --site-url https://ocop.khanhhoa.gov.vn/
    python bench/stamp_sizes.py --short-addresses 5 --dpi 300,600 --sizes 12x14.5,15,15x17

A size is a square's side or a label's width x height (mm). With ``--short-addresses N`` (the
site setting), a stamp whose GS1 address does not print crisply carries its short address
'/T/<CODE>/' (``stamp_kit.best_layout``); the column "short" counts those.

For each resolution and size: how many stamps the layout refuses (a module under the minimum),
the symbols and modules of the others, what is under their code (lines of text, the OCOP mark
alone, or nothing: ``paper/stamps.py``), and how many each decoder reads after printing. Needs
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
from site_builder.paper.stamp_kit import best_layout, plan_jobs  # noqa: E402
from site_builder.paper.stamps import Artwork, StampError, StampSize  # noqa: E402
from site_builder.records.validate import load_catalog  # noqa: E402

AS_OF = date(2026, 11, 22)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dpi", default="203,300,600")
    parser.add_argument("--sizes", default="12,13,14,15,16,18,20,25,30")
    parser.add_argument("--site-url", default="https://ocop.example.org/")
    parser.add_argument("--short-addresses", type=int, default=0)
    args = parser.parse_args()
    config = SiteConfig(products_dir=REPO / "products", site_url=args.site_url, as_of=AS_OF,
                        draft=True, short_addresses=args.short_addresses)
    catalog, problems = load_catalog(config, traceability_notes=False)
    if problems.errors:
        raise SystemExit("the sample catalog has errors; run ocop check")
    jobs = plan_jobs(catalog, config, [], None, [])
    tools = decoders()
    print(f"{len(jobs)} sample stamps ({args.site_url}); decoders: "
          + ", ".join(tools.versions[n] for n in DECODER_NAMES))
    short = args.short_addresses
    print("\n| printer | size asked | printed (dots) | refused | symbols (version-level × module dots) "
          + "| under the code " + ("| short " if short else "") + "| zbar | zxing | OpenCV |")
    print("|---|---|---|---|---|---|---|---|---|" + ("---|" if short else ""))
    for dpi in map(int, args.dpi.split(",")):
        for size in map(StampSize.parse, args.sizes.split(",")):
            refused, symbols, read, shortened, under = 0, Counter(), Counter(), 0, Counter()
            printed = ""
            for job in jobs:
                try:
                    art = best_layout(job, size, dpi)
                except StampError:
                    refused += 1
                    continue
                shortened += art.url != job.url
                printed = f"{art.size:.2f} mm ({art.dots})" if not art.height else (
                    f"{art.size:.2f} × {art.height:.2f} mm ({art.dots} × {art.height_dots})")
                symbols[f"{art.qr_version}-{art.qr_level.name}×{art.module_dots}"] += 1
                under[under_the_code(art)] += 1
                reading = read_stamp(tools, art)
                read.update(n for n in DECODER_NAMES if reading.printed[n])
            made = len(jobs) - refused
            cells = [f"{read[n]}/{made}" if made else "–" for n in DECODER_NAMES]
            shown = ", ".join(f"{k} ({v})" for k, v in sorted(symbols.items()))
            texts = ", ".join(f"{k} ({v})" for k, v in sorted(under.items())) or "–"
            print(f"| {dpi} dpi | {size.label} mm | {printed or '–'} | {refused} | {shown or '–'} | "
                  f"{texts} | "
                  + (f"{shortened} | " if short else "") + " | ".join(cells) + " |", flush=True)


def under_the_code(art: Artwork) -> str:
    """'lines' (the mark line and more), 'mark' (the OCOP mark alone) or 'code alone'."""
    if not art.texts:
        return "code alone"
    return "mark" if len(art.texts) == 1 and art.polygons else "lines"


if __name__ == "__main__":
    import figures

    sys.exit(figures.run(main))
