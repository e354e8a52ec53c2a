"""Decision annexes shaped like the ones OCOP offices keep, written as .xlsx, .xls and CSV.

The list is the annex of a (sample, invented) recognition decision of Ninh Thuận province in
2025: title rows, a two-row header with merged cells, a row numbering the columns, a section row
per district, a producer written once beside two of its products (merged down), a total row and a
signature block. Places and product names come from the Ninh Sơn OCOP plan in shared/seeds.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

TITLE = [
    ["ỦY BAN NHÂN DÂN TỈNH NINH THUẬN", None, None, None, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"],
    [None, None, None, None, "Độc lập - Tự do - Hạnh phúc"],
    [],
    ["DANH SÁCH SẢN PHẨM ĐƯỢC CÔNG NHẬN ĐẠT SẢN PHẨM OCOP NĂM 2025"],
    ["(Kèm theo Quyết định số 1234/QĐ-UBND ngày 12/6/2025 của Ủy ban nhân dân tỉnh Ninh Thuận)"],
    [],
]
HEADER_TOP = ["STT", "Tên sản phẩm", "Chủ thể sản xuất", "Địa chỉ", "Phân nhóm",
              "Kết quả đánh giá", None, "Ghi chú"]
HEADER_BOTTOM = [None, None, None, None, None, "Hạng sao", "Điểm", None]
NUMBERS = ["(1)", "(2)", "(3)", "(4)", "(5)", "(6)", "(7)", "(8)"]
# (STT, name, producer, address, group, stars, score, note); None producer: merged from above.
BODY: list[list[object]] = [
    ["I", "HUYỆN NINH SƠN"],
    [1, "Mật ong hoa nhãn Mỹ Sơn", "HTX Nông nghiệp Mỹ Sơn", "Thôn Phú Thạnh, xã Mỹ Sơn",
     "Nông sản", "4 sao", "72,5", None],
    [2, "Nho sấy dẻo Nhơn Sơn", "Công ty TNHH Thực phẩm Nhơn Sơn", "Thôn Láng Ngựa, xã Nhơn Sơn",
     "Thực phẩm", "3*", 65, None],
    [3, "Bưởi da xanh Lâm Sơn", "Tổ hợp tác Bưởi Lâm Sơn", "Thôn Tân Bình, xã Lâm Sơn", None,
     "★★★", "58.5", None],
    [4, "Rượu nếp Quảng Sơn", "Cơ sở rượu Quảng Sơn", "Thôn Lập Lá, xã Quảng Sơn", "Đồ uống",
     "3 sao", "61,25", None],
    [5, "Rượu sâm Quảng Sơn", None, None, "Đồ uống", "4 sao", "75", "Nâng hạng"],
    [6, "Hành tím Tân Sơn", "Nguyễn Văn Hùng", "Khu phố 3, thị trấn Tân Sơn", None, "3",
     "55,5", None],
    ["II", "THÀNH PHỐ PHAN RANG - THÁP CHÀM"],
    [7, "Tỏi Phan Rang", "Hợp tác xã Nông nghiệp Đô Vinh", "Khu phố 2, phường Đô Vinh", "Nông sản",
     "3 sao", "52", None],
    [8, "Cao thảo dược Đô Vinh", "Hộ kinh doanh Đông y Bảo An", "Khu phố 5, phường Đô Vinh",
     None, "4 sao", "70", None],
    [None, "Tổng cộng: 8 sản phẩm"],
]
SIGNATURE = [
    [],
    [None, None, None, None, None, "TM. ỦY BAN NHÂN DÂN"],
    [None, None, None, None, None, "KT. CHỦ TỊCH"],
    [None, None, None, None, None, "PHÓ CHỦ TỊCH"],
    [None, None, None, None, None, "(đã ký)"],
    [None, None, None, None, None, "Nguyễn Long Biên"],
]
EXPECTED_IDS = {"mat-ong-hoa-nhan-my-son", "nho-say-deo-nhon-son", "buoi-da-xanh-lam-son",
                "ruou-nep-quang-son", "ruou-sam-quang-son", "hanh-tim-tan-son", "toi-phan-rang",
                "cao-thao-duoc-do-vinh"}


def _rows(fill_merged: bool) -> list[list[object]]:
    """Every row in sheet order; ``fill_merged`` repeats the merged producer and address in the
    row below (as a CSV saved from the workbook does not)."""
    rows = [list(r) for r in TITLE] + [HEADER_TOP, HEADER_BOTTOM, NUMBERS]
    for row in BODY:
        row = list(row)
        if len(row) > 2 and row[2] is None and fill_merged:
            row[2], row[3] = "Cơ sở rượu Quảng Sơn", "Thôn Lập Lá, xã Quảng Sơn"
        rows.append(row)
    return rows + [list(r) for r in SIGNATURE]


def _merges(rows: list[list[object]]) -> list[tuple[int, int, int, int]]:
    """(first row, first column, last row, last column), rows from 1 and columns from 0."""
    header = len(TITLE) + 1
    merges = [(1, 0, 1, 3), (1, 4, 1, 7), (4, 0, 4, 7), (5, 0, 5, 7),
              (header, 5, header, 6)]
    merges += [(header, c, header + 1, c) for c in (0, 1, 2, 3, 4, 7)]
    for number, row in enumerate(rows, start=1):
        if len(row) == 2 and number > header + 2 and str(row[0] or "").strip() in ("I", "II"):
            merges.append((number, 1, number, 7))  # the section title across the table
        if len(row) > 2 and row[2] is None and row[0] == 5:
            merges += [(number - 1, 2, number, 2), (number - 1, 3, number, 3)]
    return merges


def write_xlsx(path: Path, transform=None) -> Path:
    from openpyxl import Workbook

    rows = _rows(fill_merged=False)
    book = Workbook()
    sheet = book.active
    sheet.title = "Phụ lục"
    for row in rows:
        sheet.append([transform(v) if transform and isinstance(v, str) else v for v in row])
    for first_row, first_col, last_row, last_col in _merges(rows):
        sheet.merge_cells(start_row=first_row, start_column=first_col + 1, end_row=last_row,
                          end_column=last_col + 1)
    book.save(path)
    return path


def write_xls(path: Path) -> Path:
    import xlwt

    rows = _rows(fill_merged=False)
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("Phu luc")
    merged = {}
    for first_row, first_col, last_row, last_col in _merges(rows):
        merged[(first_row, first_col)] = (last_row, last_col)
    covered = {(r, c) for (fr, fc), (lr, lc) in merged.items()
               for r in range(fr, lr + 1) for c in range(fc, lc + 1)} - set(merged)
    for number, row in enumerate(rows, start=1):
        for column, value in enumerate(row):
            if (number, column) in covered:
                continue
            if (number, column) in merged:
                last_row, last_col = merged[(number, column)]
                sheet.write_merge(number - 1, last_row - 1, column, last_col,
                                  "" if value is None else value)
            elif value is not None:
                sheet.write(number - 1, column, value)
    book.save(str(path))
    return path


def csv_text(delimiter: str = ",") -> str:
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=delimiter)
    for row in _rows(fill_merged=True):
        writer.writerow(["" if v is None else v for v in row])
    return out.getvalue()


def cp1258_bytes(text: str) -> bytes:
    """How older Vietnamese Windows saves text: base letters, some precomposed, tones combining."""
    import unicodedata

    out = b""
    for char in unicodedata.normalize("NFC", text):
        base, *marks = unicodedata.normalize("NFD", char)
        partial = [unicodedata.normalize("NFC", base + m) + "".join(x for x in marks if x != m)
                   for m in marks]
        for attempt in (char, *partial, base + "".join(marks)):
            try:
                out += attempt.encode("cp1258")
                break
            except UnicodeEncodeError:
                continue
        else:
            raise ValueError(char)
    return out


def write_csv(path: Path, encoding: str = "utf-8-sig", delimiter: str = ",") -> Path:
    """CSV as Excel saves it; ``encoding`` is a Python codec, or TCVN3 / VNI."""
    text = csv_text(delimiter)
    if encoding not in ("utf-8", "utf-8-sig", "utf-16"):
        text = text.replace("★★★", "3 sao")  # the old 8-bit code pages have no star sign
    if encoding in ("TCVN3", "VNI"):
        from site_builder.sheets import legacy_text

        encode = legacy_text.encode_tcvn3_bytes if encoding == "TCVN3" else legacy_text.encode_vni_bytes
        path.write_bytes(encode(text))
    elif encoding == "cp1258":
        path.write_bytes(cp1258_bytes(text))
    else:
        path.write_bytes(text.encode(encoding))
    return path


if __name__ == "__main__":  # python tests/sheets/annexes.py phu-luc.xlsx: the example annex
    import sys

    target = Path(sys.argv[1] if len(sys.argv) > 1 else "phu-luc-qd-1234.xlsx")
    writer = {".xls": write_xls, ".csv": write_csv}.get(target.suffix.lower(), write_xlsx)
    if target.exists():
        sys.exit(f"{target} exists; not overwritten")
    writer(target)
    print(f"wrote {target}")
