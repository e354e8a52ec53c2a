"""Lots and their stages out as sheets, in the columns ``ocop import`` reads back: the «Lô hàng»
and «Công đoạn» sheets of ``ocop export`` and of the template (with an example row, which an
import passes over). Exported, edited and imported again, a lot changes only where it was edited.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from site_builder.problems import Problems
from site_builder.records.validate import record_paths
from site_builder.records.yaml_loader import load_yaml
from site_builder.sheets.lots.columns import LOT_COLUMNS, STAGE_COLUMNS, LotColumn
from site_builder.sheets.tables import Cell, column_letter, parse_date, write_csv

LOT_SHEET = "Lô hàng"
STAGE_SHEET = "Công đoạn"
NUMBER = ("STT", "No.")
EXAMPLE = ("Ví dụ", "Example")  # an import passes over a row that starts so
NONE = "-"  # in a column of one value per line: this area has no code
EXAMPLE_LOT: dict[str, Cell] = {
    "product_id": "buoi-tan-trieu", "product": "Bưởi Tân Triều", "lot": "B2610",
    "produced": date(2026, 10, 12), "expires": date(2027, 1, 10), "quantity": "2.400 quả, hộp 2 quả",
    "standards": "VietGAP", "area": "Vườn bưởi ấp Cây Dương", "area_code": "VN-75-735-26188-012-22",
    "documents": "Phiếu kết quả thử nghiệm | phieu-thu-nghiem.pdf\n"
                 "https://buoitantrieu.vn/chung-nhan/vietgap",
}
EXAMPLE_STAGE: dict[str, Cell] = {
    "product_id": "buoi-tan-trieu", "lot": "B2610", "step": "Thu hoạch", "date": date(2026, 10, 9),
    "place": "Vườn bưởi ấp Cây Dương", "gln": "8936058200012", "actor": "Tổ sản xuất số 2",
}
TEXT_COLUMNS = ("lot", "product_id", "gln", "area_gln", "area_code")  # never numbers or dates


def lot_rows(products_dir: Path, problems: Problems) -> tuple[list[list[Cell]], list[list[Cell]]]:
    """One row per lot and one per stage, products in id order, lots and stages as in their
    record. Records that cannot be read are reported in ``problems`` and left out."""
    lots: list[list[Cell]] = []
    stages: list[list[Cell]] = []
    for product in _records(products_dir, problems):
        for batch in product.get("batches") or []:
            if not isinstance(batch, dict):
                continue
            lots.append([len(lots) + 1] + [_lot_cell(c.key, product, batch) for c in LOT_COLUMNS])
            for event in batch.get("events") or []:
                if isinstance(event, dict):
                    values = {"product_id": product.get("id"), "lot": batch.get("lot"), **event}
                    stages.append([len(stages) + 1] + [_value(c.key, values.get(c.key))
                                                       for c in STAGE_COLUMNS])
    return lots, stages


def _records(products_dir: Path, problems: Problems) -> Iterator[dict]:
    for path in record_paths(products_dir):
        loaded = load_yaml(Path(path), problems)
        if loaded is not None and isinstance(loaded.data, dict):
            yield loaded.data


def _lot_cell(key: str, product: dict, batch: dict) -> Cell:
    areas = [a for a in batch.get("areas") or [] if isinstance(a, dict)]
    if key == "product_id":
        return product.get("id")
    if key == "product":
        return (product.get("name") or {}).get("vi")
    if key in ("area", "area_code", "area_gln"):
        field = {"area": "name", "area_code": "code", "area_gln": "gln"}[key]
        lines = [str(a.get(field) or NONE) for a in areas]
        return "\n".join(lines) if any(line != NONE for line in lines) else None
    if key == "documents":
        lines = [f"{d.get('title')} | {d.get('file') or d.get('url')}"
                 for d in batch.get("documents") or [] if isinstance(d, dict)]
        return "\n".join(lines) or None
    return _value(key, batch.get(key))


def _value(key: str, value: Any) -> Cell:
    if value is None or value == []:
        return None
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    if key in ("produced", "expires", "best_before", "date"):
        return parse_date(str(value))  # the loader keeps a record's dates as ISO text
    return str(value) if not isinstance(value, (int, float)) else value


def headers(columns: tuple[LotColumn, ...], lang: str) -> list[str]:
    return [NUMBER[lang == "en"]] + [c.header(lang) for c in columns]


def add_lot_sheets(book: Workbook, lots: list[list[Cell]], stages: list[list[Cell]],
                   lang: str = "vi", example: bool = False) -> None:
    """The «Lô hàng» and «Công đoạn» sheets, after the product sheet: headers with a note each,
    lot codes, GTINs and GLNs kept as text, dates shown day first; with ``example``, one example
    row each (the template)."""
    for title, columns, rows, sample in ((LOT_SHEET, LOT_COLUMNS, lots, EXAMPLE_LOT),
                                         (STAGE_SHEET, STAGE_COLUMNS, stages, EXAMPLE_STAGE)):
        sheet = book.create_sheet(title, index=1 if title == LOT_SHEET else 2)
        if example:
            rows = [[EXAMPLE[lang == "en"]] + [sample.get(c.key) for c in columns]] + rows
        _fill(sheet, headers(columns, lang), columns, rows, lang)


def _fill(sheet: Any, header: list[str], columns: tuple[LotColumn, ...], rows: list[list[Cell]],
          lang: str) -> None:
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font

    sheet.append(header)
    for row in rows:
        sheet.append(row)
    last = max(len(rows) + 1, 500)
    for index, column in enumerate(columns, start=2):
        cell = sheet.cell(row=1, column=index)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        note = "\n".join(p for p in (column.vi if lang == "en" else column.en,
                                     column.help_vi, column.help_en) if p)
        cell.comment = Comment(note + ("\n(bắt buộc / required)" if column.required else ""), "OCOP")
        letter = column_letter(index - 1)
        sheet.column_dimensions[letter].width = 40 if column.key in ("documents", "area") else 18
        form = "@" if column.key in TEXT_COLUMNS else "DD/MM/YYYY" if column.key in (
            "produced", "expires", "best_before", "date") else None
        if form:
            for number in range(2, last + 1):
                sheet.cell(row=number, column=index).number_format = form
    sheet.freeze_panes = "C2"


def write_lot_csvs(target: Path, lots: list[list[Cell]], stages: list[list[Cell]],
                   lang: str = "vi") -> list[Path]:
    """For a CSV export: the lots and the stages in two files beside the products' one
    (<name>-lo-hang.csv, <name>-cong-doan.csv), when there are lots."""
    if not lots:
        return []
    written = []
    for suffix, columns, rows in (("lo-hang", LOT_COLUMNS, lots), ("cong-doan", STAGE_COLUMNS,
                                                                  stages)):
        path = target.with_name(f"{target.stem}-{suffix}.csv")
        write_csv(path, headers(columns, lang), rows)
        written.append(path)
    return written
