"""Reading and writing the tables OCOP offices keep: Excel workbooks and CSV files.

CSV files saved by Excel come in several encodings (UTF-8 with or without a byte-order mark,
UTF-16 from "Unicode Text", Windows-1258 from older Vietnamese Windows) and with ``,``, ``;``
or tab between fields; all are read here and handed on as cells of text, numbers or dates.
Vietnamese dates are understood in the forms people type (05/03/2026, 5/3/2026, 2026-03-05)
and as Excel date cells.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter

from ..text import cell_text, from_cell_text

MAX_TABLE_BYTES = 50_000_000
Cell = str | int | float | date | None


class TableError(Exception):
    """The file cannot be read as a table at all (message in Vietnamese / English)."""


@dataclass(frozen=True)
class Row:
    number: int  # as Excel shows it, 1-based
    cells: tuple[Cell, ...]


@dataclass(frozen=True)
class Table:
    path: Path
    rows: list[Row]
    encoding: str = "xlsx"


def column_letter(index: int) -> str:
    """0 -> 'A', 26 -> 'AA' (as Excel names columns)."""
    return get_column_letter(index + 1)


def read_table(path: Path) -> Table:
    if not path.is_file():
        raise TableError(f"không tìm thấy tệp {path} / {path} not found")
    if path.stat().st_size > MAX_TABLE_BYTES:
        raise TableError(f"{path}: tệp lớn hơn {MAX_TABLE_BYTES // 1_000_000} MB / file too large")
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path)
    if suffix == ".xls":
        return _read_xls(path)
    if suffix in (".csv", ".txt", ".tsv"):
        return _read_csv(path)
    raise TableError(f"{path}: chỉ đọc được tệp .xlsx, .xls hoặc .csv / only .xlsx, .xls and .csv "
                     "files are read")


def _read_xlsx(path: Path) -> Table:
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged or foreign file
        raise TableError(f"{path}: không mở được bảng tính Excel ({exc}) / not a readable "
                         "Excel workbook") from None
    try:
        sheet = book.worksheets[0]
        rows = []
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells = tuple(_xlsx_cell(v) for v in values)
            if any(c not in (None, "") for c in cells):
                rows.append(Row(number, cells))
        return Table(path, rows)
    finally:
        book.close()


def _read_xls(path: Path) -> Table:
    """Excel 97-2003 workbooks, which many offices still keep, read with xlrd."""
    import xlrd

    try:
        book = xlrd.open_workbook(str(path))
    except Exception as exc:  # xlrd raises many kinds for a damaged or foreign file
        raise TableError(f"{path}: không mở được bảng tính Excel .xls ({exc}) / not a readable "
                         ".xls workbook") from None
    sheet = book.sheet_by_index(0)
    rows = []
    for index in range(sheet.nrows):
        cells = tuple(_xls_cell(cell, book.datemode) for cell in sheet.row(index))
        if any(c not in (None, "") for c in cells):
            rows.append(Row(index + 1, cells))
    return Table(path, rows, "xls")


def _xls_cell(cell: object, datemode: int) -> Cell:
    import xlrd

    kind, value = cell.ctype, cell.value  # type: ignore[attr-defined]
    if kind == xlrd.XL_CELL_DATE:
        return xlrd.xldate_as_datetime(value, datemode).date()
    if kind == xlrd.XL_CELL_NUMBER:
        return int(value) if float(value).is_integer() else value
    if kind == xlrd.XL_CELL_TEXT:
        return _clean_text(value) or None
    if kind == xlrd.XL_CELL_BOOLEAN:
        return str(bool(value))
    return None  # empty, blank, or an error value such as #N/A


def _xlsx_cell(value: object) -> Cell:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, (int, float, date)):
        return value
    if value is None:
        return None
    return _clean_text(str(value))


def _read_csv(path: Path) -> Table:
    raw = path.read_bytes()
    text, encoding = decode_csv_bytes(raw)
    sample = text[:20_000]
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    rows = []
    try:
        for values in reader:
            cells = tuple(from_cell_text(_clean_text(v)) or None for v in values)
            if any(c is not None for c in cells):
                rows.append(Row(reader.line_num, cells))
    except csv.Error as exc:
        raise TableError(f"{path}:{reader.line_num}: tệp CSV hỏng ({exc}) / broken CSV") from None
    return Table(path, rows, encoding)


def decode_csv_bytes(raw: bytes) -> tuple[str, str]:
    """The text of a CSV file and the encoding it was in. UTF-8 is tried before Windows-1258
    because a Windows-1258 file is almost never valid UTF-8, while the reverse often is."""
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8", errors="strict"), "utf-8-sig"
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16"), "utf-16"
    if len(raw) >= 4 and raw[1] == 0 and raw[3] == 0 and raw[0] != 0:
        return raw.decode("utf-16-le"), "utf-16-le"  # UTF-16 without its mark
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return raw.decode("cp1258", errors="replace"), "cp1258"


def _clean_text(value: str) -> str:
    # Windows-1258 writes most tones as combining marks: NFC makes them single letters again.
    return unicodedata.normalize("NFC", value).replace("\r\n", "\n").strip()


_DMY = re.compile(r"^(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})$")
_YMD = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


def parse_date(cell: Cell) -> date | None:
    """A date written as Vietnamese offices write it (day first), or an Excel date cell.
    ``None`` when the cell is not a date in any of those forms."""
    if isinstance(cell, datetime):
        return cell.date()
    if isinstance(cell, date):
        return cell
    if not isinstance(cell, str):
        return None
    text = cell.strip()
    if text.endswith(" 00:00:00"):  # a date cell saved to CSV by some spreadsheet programs
        text = text[:-9]
    if match := _DMY.match(text):
        day, month, year = (int(x) for x in match.groups())
    elif match := _YMD.match(text):
        year, month, day = (int(x) for x in match.groups())
    else:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def write_xlsx(path: Path, title: str, header: list[str], rows: list[list[Cell]],
               notes: dict[int, str] | None = None) -> Workbook:
    """A workbook whose first sheet holds ``header`` and ``rows``; returned before saving so a
    caller may add sheets. ``notes`` are cell comments on header cells (by column)."""
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    sheet = book.active
    sheet.title = title
    sheet.append(header)
    for row in rows:
        sheet.append(row)
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # openpyxl would store it as a formula; it is text
    for index, name in enumerate(header):
        cell = sheet.cell(row=1, column=index + 1)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if notes and index in notes:
            cell.comment = Comment(notes[index], "OCOP")
        sheet.column_dimensions[column_letter(index)].width = max(12, min(40, len(name) + 4))
    sheet.freeze_panes = "B2"
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, date):
                cell.number_format = "DD/MM/YYYY"
    return book


def write_csv(path: Path, header: list[str], rows: list[list[Cell]]) -> None:
    """UTF-8 with a byte-order mark, so Excel opens Vietnamese text correctly; dates as
    DD/MM/YYYY, the form an office types; text that begins like a formula kept as text."""
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if c is None else f"{c:%d/%m/%Y}" if isinstance(c, date)
                         else cell_text(c) if isinstance(c, str) else c for c in row])
    path.write_text(out.getvalue(), encoding="utf-8-sig", newline="")
