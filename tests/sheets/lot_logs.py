"""A lot log as a district OCOP office keeps it for its producers, written as .xlsx (and CSV).

Twelve lots of three products of the sample annex (tests/sheets/annexes.py: Mật ong hoa nhãn Mỹ
Sơn, Nho sấy dẻo Nhơn Sơn, Bưởi da xanh Lâm Sơn), typed the way people type: a title merged
across the table, the product's name merged down beside its lots (and once written without
diacritics), dates as Excel date cells, 12/06/2025, 5-7-25, 15.10.2025 and "ngày 08 tháng 12 năm
2025", use-by dates and shelf lives ("12 tháng"), a harvest date column, a test report next to
the sheet and a link, a note column and a signature; the stages on a second sheet keyed by lot
code (step, date, place, actor), with their own messy dates.

    python tests/sheets/lot_logs.py so-theo-doi-lo.xlsx   writes it (and the report beside it)
"""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

TITLE = [
    ["SỔ THEO DÕI LÔ HÀNG SẢN PHẨM OCOP"],
    ["Huyện Ninh Sơn — cập nhật từ sổ của các chủ thể, năm 2025-2026"],
    [],
]
HEADER = ["STT", "Sản phẩm", "Mã lô", "NSX", "HSD", "Số lượng", "Tiêu chuẩn", "Vùng nguyên liệu",
          "Mã số vùng trồng", "Ngày thu hoạch", "Tài liệu", "Ghi chú"]
HONEY, GRAPES, POMELO = "Mật ong hoa nhãn Mỹ Sơn", "Nho sấy dẻo Nhơn Sơn", "Bưởi da xanh Lâm Sơn"
REPORT = "Phieu kiem nghiem MO2506.pdf"
LINK = "https://nhonson.example.vn/kiem-nghiem/NS-2507.pdf"
# None in the product column: merged with the cell above (the product written once per group).
LOTS: list[list[object]] = [
    [1, HONEY, "MO2506", date(2025, 6, 20), "12 tháng", "400 chai 500 ml", "TCVN 5267-1:2008",
     "Vườn nhãn thôn Phú Thạnh", None, "18/06/2025", f"Phiếu kiểm nghiệm | {REPORT}", None],
    [2, None, "MO2509", "05/09/2025", "05/09/2026", "350 chai", "TCVN 5267-1:2008",
     "Vườn nhãn thôn Phú Thạnh", None, "3/9/2025", None, None],
    [3, None, "MO2512", "ngày 08 tháng 12 năm 2025", "12 tháng", "300 chai 500 ml", None, None,
     None, None, None, "mật vụ đông"],
    [4, None, "MO2603", date(2026, 3, 16), date(2027, 3, 16), 420, None, None, None, None,
     None, None],
    [5, GRAPES, "NS-2507", "5-7-25", "18 tháng", "1.200 túi 200 g", "VietGAP; TCCS 02:2024/NS",
     "Vườn nho Láng Ngựa", "VN-58-000-00001-001-24", "1/7/2025", LINK, None],
    [6, None, "NS-2510", "15.10.2025", "15/04/2027", "900 túi 200 g", "VietGAP",
     "Vườn nho Láng Ngựa", "VN-58-000-00001-001-24", "12.10.2025", None, None],
    [7, None, "NS-2601", date(2026, 1, 20), "18 tháng", "1.000 túi", "VietGAP", None, None, None,
     None, None],
    [8, "Nho say deo Nhon Son", "NS-2604", "2026-04-22", "18 tháng", "800 túi", None, None, None,
     None, None, "ghi không dấu"],
    [9, POMELO, "BLS2508", date(2025, 8, 12), "12/09/2025", "2.000 quả", "VietGAP",
     "Vườn bưởi thôn Tân Bình", "VN-58-000-00002-003-23", None, None, None],
    [10, None, "BLS2511", "20/11/2025", "20/12/2025", "1.500 quả", "VietGAP",
     "Vườn bưởi thôn Tân Bình", "VN-58-000-00002-003-23", None, None, None],
    [11, None, "BLS2602", "10/2/26", "10/3/26", "2.400 quả", "VietGAP",
     "Vườn bưởi thôn Tân Bình", None, None, None, "lô Tết"],
    [12, None, "BLS2605", date(2026, 5, 5), date(2026, 6, 4), "1.800 quả", "VietGAP",
     "Vườn bưởi thôn Tân Bình", "VN-58-000-00002-003-23", None, None, None],
]
CLOSING = [[], [None, "Người lập sổ", None, None, None, None, None, "Xác nhận của cán bộ OCOP huyện"]]
STAGE_HEADER = ["Mã lô", "Công đoạn", "Ngày", "Địa điểm", "Người thực hiện"]
STAGES: list[list[object]] = [
    ["MO2506", "Quay mật, lọc", date(2025, 6, 18), "Nhà quay mật HTX Mỹ Sơn", "Tổ nuôi ong số 1"],
    ["MO2506", "Hạ thủy phần, đóng chai", "20/06/2025", "Xưởng HTX Nông nghiệp Mỹ Sơn", None],
    ["MO2509", "Quay mật, lọc", "3-9-25", "Nhà quay mật HTX Mỹ Sơn", "Tổ nuôi ong số 2"],
    ["MO2509", "Đóng chai", "05/09/2025", "Xưởng HTX Nông nghiệp Mỹ Sơn", None],
    ["MO2512", "Đóng chai", date(2025, 12, 8), None, None],
    ["NS-2507", "Rửa, tách cuống", "2/7/2025", "Xưởng Công ty Nhơn Sơn", "Ca sáng"],
    ["NS-2507", "Sấy dẻo", "3/7/2025", "Xưởng Công ty Nhơn Sơn", None],
    ["NS-2507", "Đóng túi", "05/07/2025", "Xưởng Công ty Nhơn Sơn", None],
    ["NS-2510", "Sấy dẻo", "ngày 13 tháng 10 năm 2025", "Xưởng Công ty Nhơn Sơn", None],
    ["NS-2510", "Đóng túi", "15/10/2025", "Xưởng Công ty Nhơn Sơn", None],
    ["BLS2508", "Thu hoạch", "10/08/2025", "Vườn bưởi thôn Tân Bình", "Tổ hợp tác Bưởi Lâm Sơn"],
    ["BLS2508", "Phân loại, dán nhãn", date(2025, 8, 12), "Nhà sơ chế thôn Tân Bình", None],
    ["BLS2511", "Thu hoạch", "18/11/2025", "Vườn bưởi thôn Tân Bình", None],
    ["BLS2511", "Phân loại, dán nhãn", "20/11/2025", "Nhà sơ chế thôn Tân Bình", None],
    ["BLS2602", "Thu hoạch", "8/2/2026", "Vườn bưởi thôn Tân Bình", None],
    ["BLS2605", "Thu hoạch", "03/05/2026", "Vườn bưởi thôn Tân Bình", None],
]
PRODUCT_IDS = {"mat-ong-hoa-nhan-my-son": 4, "nho-say-deo-nhon-son": 4, "buoi-da-xanh-lam-son": 4}
LOT_CODES = [row[2] for row in LOTS]
# The smallest file that PDF readers open: what a test report scanned to PDF starts with.
PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]"
       b"/Count 1>>endobj 3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
       b"trailer<</Root 1 0 R>>\n%%EOF\n")


def _lot_rows(fill_merged: bool) -> list[list[object]]:
    rows, product = [], None
    for row in LOTS:
        row = list(row)
        product = row[1] or product
        if fill_merged and row[1] is None:
            row[1] = product
        rows.append(row)
    return rows


def write_xlsx(path: Path, transform=None) -> Path:
    """The lot log (sheet «Nhật ký lô») and its stages (sheet «Công đoạn»), and the test report
    it names, beside it. ``transform`` changes every text (to write it in a legacy font)."""
    from openpyxl import Workbook

    def cells(row: list[object]) -> list[object]:
        return [transform(v) if transform and isinstance(v, str) else v for v in row]

    book = Workbook()
    sheet = book.active
    sheet.title = "Nhật ký lô"
    for row in TITLE + [HEADER]:
        sheet.append(cells(row))
    first = len(TITLE) + 2
    for row in _lot_rows(fill_merged=False):
        sheet.append(cells(row))
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, date):
                cell.number_format = "DD/MM/YYYY"
    for row in CLOSING:
        sheet.append(cells(row))
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADER))
    start = None
    for offset, row in enumerate(LOTS + [[None, "end"]]):
        if row[1] is not None:
            if start is not None and first + offset - 1 > start:
                sheet.merge_cells(start_row=start, start_column=2, end_row=first + offset - 1,
                                  end_column=2)
            start = first + offset
    stages = book.create_sheet("Công đoạn")
    for row in [STAGE_HEADER] + STAGES:
        stages.append(cells(row))
    book.save(path)
    (path.parent / REPORT).write_bytes(PDF)
    return path


def csv_text() -> str:
    """The lot sheet alone as Excel saves it to CSV (merged cells repeated, dates as text)."""
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    for row in TITLE + [HEADER] + _lot_rows(fill_merged=True):
        writer.writerow(["" if v is None else f"{v:%d/%m/%Y}" if isinstance(v, date) else v
                         for v in row])
    return out.getvalue()


def write_csv(path: Path) -> Path:
    path.write_text(csv_text(), encoding="utf-8-sig")
    (path.parent / REPORT).write_bytes(PDF)
    return path


if __name__ == "__main__":  # python tests/sheets/lot_logs.py so-lo.xlsx: the example log
    import sys

    target = Path(sys.argv[1] if len(sys.argv) > 1 else "so-theo-doi-lo.xlsx")
    if target.exists():
        sys.exit(f"{target} exists; not overwritten")
    (write_csv if target.suffix.lower() == ".csv" else write_xlsx)(target)
    print(f"wrote {target} and {target.parent / REPORT}")
