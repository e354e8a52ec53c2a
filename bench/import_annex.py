"""Import time for a large decision annex, as a ratio to reading the same workbook with openpyxl.

    python bench/import_annex.py [ROWS]     (default 3000)

Writes an annex shaped like tests/sheets/annexes.py (title rows, a two-row merged header, a section
row per district, a total row, a signature block) with ROWS products, then in one process:
1. reference: openpyxl reads every cell of it (read-only, values only);
2. ``ocop import --dry-run`` into an empty catalog (reading, layout, inference, places, check);
3. ``ocop import`` for real (the same plus writing the records).
Prints the times, the ratios to the reference and the products per second.
"""

from __future__ import annotations

import contextlib
import io
import sys
import tempfile
import time
from pathlib import Path

from openpyxl import Workbook, load_workbook

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from support.sites import write_mkdocs_config  # noqa: E402

from site_builder.cli import main  # noqa: E402

DISTRICTS = {
    "HUYỆN NINH SƠN": ["Mỹ Sơn", "Nhơn Sơn", "Lâm Sơn", "Quảng Sơn", "Lương Sơn", "Hòa Sơn",
                       "Ma Nới"],
    "HUYỆN MỸ LỘC": ["Mỹ Hà", "Mỹ Thắng", "Mỹ Tân", "Mỹ Phúc", "Mỹ Xá", "Mỹ Thuận"],
}
PRODUCTS = ["Mật ong hoa nhãn", "Nho sấy dẻo", "Bưởi da xanh", "Rượu nếp", "Gạo tám thơm",
            "Tỏi", "Hành tím", "Trà khổ qua", "Bánh tráng", "Giò lụa", "Nước mắm", "Táo xanh"]
PRODUCERS = ["HTX Nông nghiệp", "Công ty TNHH", "Hộ kinh doanh", "Tổ hợp tác", "Cơ sở"]


def write_annex(path: Path, rows: int) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["DANH SÁCH SẢN PHẨM ĐƯỢC CÔNG NHẬN ĐẠT SẢN PHẨM OCOP NĂM 2025"])
    sheet.append(["(Kèm theo Quyết định số 1234/QĐ-UBND ngày 12/6/2025 của Ủy ban nhân dân tỉnh "
                  "Ninh Thuận)"])
    sheet.append(["STT", "Tên sản phẩm", "Chủ thể sản xuất", "Địa chỉ", "Kết quả đánh giá", None])
    sheet.append([None, None, None, None, "Hạng sao", "Điểm"])
    for column in "ABCD":
        sheet.merge_cells(f"{column}3:{column}4")
    sheet.merge_cells("E3:F3")
    made = 0
    for section, (district, communes) in enumerate(DISTRICTS.items(), start=1):
        sheet.append(["I" * section, district])
        province = "tỉnh Ninh Thuận" if "NINH" in district else "tỉnh Nam Định"
        share = rows // len(DISTRICTS) if section < len(DISTRICTS) else rows - made
        for _ in range(share):
            made += 1
            commune = communes[made % len(communes)]
            stars = 3 + made % 3 if made % 50 else 5
            name = f"{PRODUCTS[made % len(PRODUCTS)]} {commune} số {made}"
            producer = f"{PRODUCERS[made % len(PRODUCERS)]} {commune} {made}"
            sheet.append([made, name, producer, f"Thôn {made % 9 + 1}, xã {commune}, {province}",
                          f"{stars} sao", f"{50 + (stars - 3) * 20 + made % 10},5"])
    sheet.append([None, f"Tổng cộng: {made} sản phẩm"])
    sheet.append([None, None, None, None, "KT. CHỦ TỊCH"])
    book.save(path)


def reference_read(path: Path) -> int:
    book = load_workbook(path, read_only=True, data_only=True)
    cells = sum(1 for row in book.worksheets[0].iter_rows(values_only=True) for _ in row)
    book.close()
    return cells


def timed(action) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def main_bench(rows: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        annex = root / "phu-luc.xlsx"
        write_annex(annex, rows)
        products = root / "products"
        products.mkdir()
        config = write_mkdocs_config(root, products)
        reference = timed(lambda: reference_read(annex))
        quiet = contextlib.redirect_stdout(io.StringIO())
        with quiet:
            dry = timed(lambda: main(["-f", str(config), "import", str(annex), "--dry-run"]))
        with contextlib.redirect_stdout(io.StringIO()):
            real = timed(lambda: main(["-f", str(config), "import", str(annex)]))
        written = sum(1 for _ in products.glob("*/product.yml"))
    print(f"annex rows: {rows}, records written: {written}")
    print(f"reference (openpyxl reads every cell): {reference:.2f} s")
    print(f"ocop import --dry-run: {dry:.2f} s ({dry / reference:.1f}x reference, "
          f"{rows / dry:.0f} products/s)")
    print(f"ocop import:           {real:.2f} s ({real / reference:.1f}x reference, "
          f"{rows / real:.0f} products/s)")


if __name__ == "__main__":
    import figures

    sys.exit(figures.run(lambda: main_bench(int(sys.argv[1]) if len(sys.argv) > 1 else 3000)))
