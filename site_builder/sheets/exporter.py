"""``ocop export`` and ``ocop import --template``: the records as a spreadsheet in the columns
``ocop import`` reads, so a sheet can go out to a district office and come back."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

from site_builder.domain.taxonomy import PRODUCER_TYPES, PRODUCT_SETS
from site_builder.problems import Problems
from site_builder.records.validate import record_paths
from site_builder.records.yaml_loader import load_yaml
from site_builder.sheets.columns import COLUMNS, EVALUATION_KINDS, cell_value
from site_builder.sheets.lots.export import add_lot_sheets, write_lot_csvs
from site_builder.sheets.tables import Cell, write_csv, write_xlsx

SHEET_TITLE = "Sản phẩm OCOP"


def export_rows(products_dir: Path, problems: Problems, lang: str = "vi") -> list[list[Cell]]:
    """One row per product and certification, products in id order. Records that cannot be
    read are reported in ``problems`` and left out."""
    rows = []
    for path in record_paths(products_dir):
        loaded = load_yaml(Path(path), problems)
        if loaded is None or not isinstance(loaded.data, dict):
            continue
        product = loaded.data
        for certification in product.get("certifications") or [{}]:
            rows.append([cell_value(c, product, certification, lang) for c in COLUMNS])
    return rows


def headers(lang: str = "vi") -> list[str]:
    return [c.header(lang) for c in COLUMNS]


def write_export(target: Path, rows: list[list[Cell]], lang: str = "vi",
                 lots: tuple[list[list[Cell]], list[list[Cell]]] = ([], [])) -> list[Path]:
    """The products, and their ``lots`` and stages (``lots.export.lot_rows``): sheets of one
    workbook, or CSV files side by side. Returns the files written."""
    if target.suffix.lower() == ".csv":
        write_csv(target, headers(lang), rows)
        return [target, *write_lot_csvs(target, *lots, lang=lang)]
    book = write_xlsx(target, SHEET_TITLE, headers(lang), rows, _header_notes(lang))
    add_lot_sheets(book, *lots, lang=lang)
    _add_reference_sheets(book)
    book.save(target)
    return [target]


def write_template(target: Path, lang: str = "vi") -> None:
    """An empty sheet with the headers, a note on each header, drop-down lists for stars,
    producer type and evaluation, and reference sheets (how to fill it, the 26 product sets)."""
    from openpyxl.worksheet.datavalidation import DataValidation

    if target.suffix.lower() == ".csv":
        write_csv(target, headers(lang), [])
        return
    book = write_xlsx(target, SHEET_TITLE, headers(lang), [], _header_notes(lang))
    sheet = book.worksheets[0]
    lists = {
        "stars": '"3,4,5"',
        "producer.type": '"' + ",".join(t.name_vi.split(",")[0] for t in PRODUCER_TYPES.values()) + '"',
        "kind": '"' + ",".join(vi for vi, _ in EVALUATION_KINDS.values()) + '"',
        "regime": '"1048,148,148+1489,26"',
    }
    for index, column in enumerate(COLUMNS):
        if column.path in lists:
            rule = DataValidation(type="list", formula1=lists[column.path], allow_blank=True)
            sheet.add_data_validation(rule)
            letter = sheet.cell(row=1, column=index + 1).column_letter
            rule.add(f"{letter}2:{letter}5000")
        if column.kind == "date":
            for row in range(2, 502):
                sheet.cell(row=row, column=index + 1).number_format = "DD/MM/YYYY"
    add_lot_sheets(book, [], [], lang=lang, example=True)
    _add_reference_sheets(book)
    book.save(target)


def _header_notes(lang: str) -> dict[int, str]:
    notes = {}
    for index, column in enumerate(COLUMNS):
        other = column.vi if lang == "en" else column.en
        parts = [other + (" (bắt buộc / required)" if column.required else "")]
        if column.help_vi:
            parts.append(column.help_vi)
        if column.help_en:
            parts.append(column.help_en)
        notes[index] = "\n".join(parts)
    return notes


def _add_reference_sheets(book: Workbook) -> None:
    guide = book.create_sheet("Hướng dẫn - Guide")
    guide.append(["Cột (tiếng Việt)", "Column (English)", "Bắt buộc / Required", "Cách ghi",
                  "How to fill"])
    for column in COLUMNS:
        guide.append([column.vi, column.en, "có / yes" if column.required else "",
                      column.help_vi, column.help_en])
    guide.append([])
    guide.append(["Mỗi dòng là một lần công nhận; sản phẩm được công nhận nhiều lần (lần đầu, nâng "
                  "hạng) có nhiều dòng cùng mã sản phẩm. Lô hàng ghi ở trang «Lô hàng» (mỗi dòng "
                  "một lô), các công đoạn của lô ở trang «Công đoạn» (theo mã lô); dòng «Ví dụ» "
                  "không được nhập. Ảnh ghi trong hồ sơ YAML."])
    guide.append(["One row per certification; a product certified more than once has several rows "
                  "with the same product id. Lots go on the «Lô hàng» sheet (a row per lot), their "
                  "stages on «Công đoạn» (by lot code); the «Ví dụ» rows are not imported. Photos "
                  "stay in the YAML records."])
    for letter, width in zip("ABCDE", (34, 30, 16, 60, 50), strict=True):
        guide.column_dimensions[letter].width = width
    sets = book.create_sheet("Bộ sản phẩm")
    sets.append(["Số / No.", "Bộ sản phẩm", "Product set"])
    for product_set in PRODUCT_SETS.values():
        sets.append([product_set.number, product_set.name_vi, product_set.name_en])
    sets.column_dimensions["B"].width = 60
    sets.column_dimensions["C"].width = 50
