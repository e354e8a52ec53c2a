"""Import time for a large lot log, as a ratio to reading the same workbook with openpyxl.

    python bench/import_lots.py [LOTS]     (default 10000)

Writes a synthetic catalog of LOTS/20 products (bench/synthetic.py: valid records, a photo each,
0-3 lots already) and a lot log shaped like tests/sheets/lot_logs.py with LOTS lots, 20 per
product: a title row, the product named by record id or GTIN, dates as Excel date cells and as
typed text, the use-by as a date or a shelf life ("12 tháng"), a harvest date column, and a
second sheet with two stages per lot. ``ocop check`` runs first, as after any build, so the
catalog's record cache is warm. Then, in one process:
1. reference: openpyxl reads every cell of the log (read-only, values only);
2. ``ocop import --dry-run`` (reading, matching products, merging, the check of ``ocop check``);
3. ``ocop import`` for real (the same plus writing the records);
4. ``ocop import`` again, after an ``ocop check`` (as after the build that follows an import):
   every lot unchanged, nothing written (the same log, imported again the next week).
Prints the times, the ratios to the reference and the lots per second.
"""

from __future__ import annotations

import contextlib
import io
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import yaml
from openpyxl import Workbook, load_workbook

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(REPO / "bench"))

from support.sites import write_mkdocs_config  # noqa: E402
from synthetic import generate  # noqa: E402

from site_builder.cli import main  # noqa: E402

LOTS_PER_PRODUCT = 20


def write_log(path: Path, products: Path, lots: int) -> None:
    """The log: ``lots`` rows over the products of ``products``, and two stages per lot."""
    records = [yaml.safe_load(p.read_text(encoding="utf-8"))
               for p in sorted(products.glob("*/product.yml"))]
    book = Workbook()
    sheet = book.active
    sheet.title = "Nhật ký lô"
    sheet.append(["SỔ THEO DÕI LÔ HÀNG SẢN PHẨM OCOP"])
    sheet.append(["STT", "Sản phẩm", "Mã lô", "NSX", "HSD", "Số lượng", "Tiêu chuẩn",
                  "Vùng nguyên liệu", "Ngày thu hoạch"])
    stages = book.create_sheet("Công đoạn")
    stages.append(["Mã lô", "Công đoạn", "Ngày", "Địa điểm", "Người thực hiện"])
    for i in range(lots):
        data = records[(i // LOTS_PER_PRODUCT) % len(records)]
        decided = date.fromisoformat(str(data["certifications"][0]["decision_date"]))
        produced = decided + timedelta(days=10 + 7 * (i % LOTS_PER_PRODUCT))
        named = data.get("gtin") or data["id"]
        lot = f"B{i:06d}"
        made = produced if i % 2 else f"{produced:%d/%m/%Y}"
        use_by = "12 tháng" if i % 3 else produced + timedelta(days=365)
        sheet.append([i + 1, named, lot, made, use_by, f"{100 + i % 400} hộp", "VietGAP",
                      f"Vùng trồng số {i % 9 + 1}", f"{produced - timedelta(days=2):%d/%m/%Y}"])
        stages.append([lot, "Sơ chế", produced - timedelta(days=1), "Nhà sơ chế", "Tổ 1"])
        stages.append([lot, "Đóng gói", f"{produced:%d/%m/%Y}", "Xưởng đóng gói", None])
    sheet.merge_cells("A1:I1")
    book.save(path)


def reference_read(path: Path) -> int:
    book = load_workbook(path, read_only=True, data_only=True)
    cells = sum(1 for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)
                for _ in row)
    book.close()
    return cells


def measured(action) -> tuple[float, float]:
    """Wall and CPU seconds of ``action`` (CPU time is what another process on a busy machine
    does not add to)."""
    wall, cpu = time.perf_counter(), time.process_time()
    action()
    return time.perf_counter() - wall, time.process_time() - cpu


def main_bench(lots: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        count = max(1, lots // LOTS_PER_PRODUCT)
        products = generate(count, root)
        config = write_mkdocs_config(root, products)
        log = root / "so-theo-doi-lo.xlsx"
        write_log(log, products, lots)
        with contextlib.redirect_stdout(io.StringIO()):
            main(["-f", str(config), "check"])  # the record cache, as a build leaves it
        runs: dict[str, tuple[tuple[float, float], tuple[float, float]]] = {}
        for name, extra in (("dry", ["--dry-run"]), ("real", []), ("again", [])):
            if name == "again":
                with contextlib.redirect_stdout(io.StringIO()):
                    main(["-f", str(config), "check"])
            reference = measured(lambda: reference_read(log))  # right before: the load drifts
            with contextlib.redirect_stdout(io.StringIO()) as out:
                step = measured(lambda extra=extra: main(["-f", str(config), "import", str(log),
                                                          *extra]))
            runs[name] = (reference, step)
            print(f"  {name}: {out.getvalue().strip().splitlines()[-1]}")
        imported = sum(len(yaml.safe_load(p.read_text(encoding="utf-8")).get("batches") or [])
                       for p in products.glob("*/product.yml"))
    print(f"lots in the log: {lots} over {count} products; lots in the records after: {imported}")
    print("step (reference: openpyxl reads every cell of the log, just before)   wall s (ratio)"
          "   CPU s (ratio)   lots/s (wall)")
    for name, label in (("dry", "ocop import --dry-run"), ("real", "ocop import"),
                        ("again", "ocop import, again")):
        (ref_wall, ref_cpu), (wall, cpu) = runs[name]
        print(f"  reference {ref_wall:6.2f} / {ref_cpu:6.2f};  {label + ':':24} {wall:7.2f} "
              f"({wall / ref_wall:4.1f}x)  {cpu:7.2f} ({cpu / ref_cpu:4.1f}x)  {lots / wall:5.0f}")


if __name__ == "__main__":
    import figures

    sys.exit(figures.run(lambda: main_bench(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)))
