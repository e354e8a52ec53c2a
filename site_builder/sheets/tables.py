"""Reading and writing the tables OCOP offices keep: Excel workbooks (.xlsx, .xls) and CSV.

Every file is hostile until read: the format is told by its first bytes, not its name (an .xlsx
renamed .csv is read as a workbook); a workbook is measured before it is opened (a zip bomb or a
sheet of a million rows is refused with a message, never a hang); a password-protected workbook
is named as such. Cells come out as text (NFC, legacy TCVN3/VNI text converted), numbers or dates,
with what a reader needs to see the table as the office sees it: merged ranges, hidden rows and
sheets. CSV files saved by Excel come in several encodings (UTF-8 with or without a byte-order
mark, UTF-16 from "Unicode Text", Windows-1258, TCVN3 or VNI from older Vietnamese Windows) and
with ``,``, ``;`` or tab between fields. Vietnamese dates are read in the forms people type.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import warnings
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from xml.etree.ElementTree import iterparse

from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import range_boundaries

from site_builder.problems import Message as Bilingual
from site_builder.render.text import cell_text, from_cell_text
from site_builder.sheets import texts
from site_builder.sheets.legacy_text import (
    UnreadableText,
    decode_legacy_bytes,
    decode_tcvn3,
    decode_vni,
    is_vietnamese_syllable,
    to_unicode,
)

MAX_TABLE_BYTES = 50_000_000
MAX_UNZIPPED_BYTES = 300_000_000  # all parts of an .xlsx together, once unpacked
MAX_ZIP_RATIO = 200  # unpacked / packed size of one part; XML compresses ~10-30 times
MAX_ROWS = 100_000  # a national list has about 20,000 products
MAX_COLUMNS = 200
Cell = str | int | float | date | None
Message = tuple[str, str]  # Vietnamese, English

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, and any password-protected Office file
ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")
_SHEET_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


class TableError(Exception):
    """The file cannot be read as a table at all: ``code`` names the problem in the importer's
    catalogue; the exception reads "<where>: vietnamese / english"."""

    def __init__(self, code: str, where: object = None, /, **values: object) -> None:
        self.code = code
        self.message = texts.message(code, **values)
        prefix = f"{where}: " if where else ""
        super().__init__(f"{prefix}{self.message.both()}")


@dataclass(frozen=True)
class Row:
    number: int  # as Excel shows it, 1-based
    cells: tuple[Cell, ...]


@dataclass(frozen=True)
class Merge:
    """A merged range: rows as Excel numbers them, columns from 0."""

    first_row: int
    first_column: int
    last_row: int
    last_column: int


@dataclass
class Table:
    path: Path
    rows: list[Row]
    encoding: str = "xlsx"  # how the file was read: xlsx, xls, or the CSV text encoding
    sheet: str = ""  # the sheet's name in a workbook
    merges: list[Merge] = field(default_factory=list)
    hidden_rows: set[int] = field(default_factory=set)
    hidden_columns: set[int] = field(default_factory=set)  # from 0
    notes: list[Message] = field(default_factory=list)  # about the whole file, for the review
    cell_errors: dict[tuple[int, int], Message] = field(default_factory=dict)  # (row, column)
    legacy_cells: dict[str, int] = field(default_factory=dict)  # TCVN3/VNI -> cells converted
    maybe_legacy: set[tuple[int, int]] = field(default_factory=set)  # cells read as Unicode that
    # an 8-bit legacy encoding could also have made (settled once the whole sheet is read)


def column_letter(index: int) -> str:
    """0 -> 'A', 26 -> 'AA' (as Excel names columns)."""
    return get_column_letter(index + 1)


def read_table(path: Path, sheet: str | None = None) -> Table:
    """The first sheet of ``path`` (or the one named), read whole."""
    return next(read_tables(path, sheet))


def read_tables(path: Path, sheet: str | None = None, hidden: list[str] | None = None
                ) -> Iterator[Table]:
    """The sheets of ``path`` in workbook order, each read when asked for; hidden sheets are left
    out unless named (their names go into ``hidden``). ``sheet`` is a sheet's name or its number
    from 1. Raises TableError."""
    if path.exists() and not path.is_file():  # a pipe or a device: reading it could wait forever
        raise TableError("not_a_regular_file", path)
    if not path.is_file():
        raise TableError("file_not_found", path=path)
    if path.stat().st_size > MAX_TABLE_BYTES:
        raise TableError("file_too_large", path, limit=MAX_TABLE_BYTES // 1_000_000)
    with path.open("rb") as handle:
        head = handle.read(8)
    suffix = path.suffix.lower()
    if head.startswith(ZIP_MAGIC):
        form = "xlsx"
    elif head.startswith(OLE_MAGIC):
        form = "xls"
    elif suffix in (".csv", ".txt", ".tsv"):
        form = "csv"
    elif suffix in (".xlsx", ".xlsm", ".xls"):
        raise TableError("not_a_workbook", path, suffix=suffix)
    else:
        raise TableError("unsupported_file", path)
    renamed = _renamed_note(suffix, form)
    tables = {"xlsx": _xlsx_tables, "xls": _xls_tables, "csv": _csv_tables}[form](
        path, sheet, [] if hidden is None else hidden)
    for table in tables:
        if renamed:
            table.notes.insert(0, renamed)
        yield table


def _renamed_note(suffix: str, form: str) -> Message | None:
    expected = {".xlsx": "xlsx", ".xlsm": "xlsx", ".xls": "xls"}.get(suffix, "csv")
    if expected == form:
        return None
    return (f"tệp đuôi {suffix} nhưng thực ra là bảng tính .{form}; đã đọc như .{form}",
            f"the file is named {suffix} but is really an .{form} workbook; read as .{form}")


def _pick_sheets(names: list[tuple[str, bool]], wanted: str | None, path: Path,
                 hidden: list[str]) -> list[int]:
    """Indexes of the sheets to try: the one named (by name or number), or every visible one
    (the names of the hidden ones go into ``hidden``)."""
    if wanted is None:
        hidden.extend(name for name, visible in names if not visible)
        return [i for i, (_, visible) in enumerate(names) if visible]
    for i, (name, _) in enumerate(names):
        if name.strip().casefold() == wanted.strip().casefold():
            return [i]
    if wanted.strip().isdigit() and 1 <= int(wanted) <= len(names):
        return [int(wanted) - 1]
    listed = ", ".join(f"'{n}'" for n, _ in names)
    raise TableError("no_such_sheet", path, wanted=wanted, listed=listed)


# --- .xlsx ---------------------------------------------------------------------------------


def _check_zip(path: Path) -> None:
    """Refuses a workbook that would unpack to far more than a list of products can hold."""
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise TableError("xlsx_damaged", path, exc=exc) from None
    total = sum(p.file_size for p in parts)
    swollen = [p for p in parts if p.file_size > 10_000_000
               and p.file_size > MAX_ZIP_RATIO * max(p.compress_size, 1)]
    if total > MAX_UNZIPPED_BYTES or swollen or len(parts) > 10_000:
        raise TableError("zip_bomb", path, size=total / 1e6)


def _xlsx_tables(path: Path, wanted: str | None, hidden: list[str]) -> Iterator[Table]:
    _check_zip(path)
    handle = path.open("rb")  # a file object: openpyxl would refuse a workbook named .csv
    try:
        book = load_workbook(handle, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged or foreign file
        handle.close()
        raise TableError("xlsx_unreadable", path, exc=exc) from None
    try:
        names = [(ws.title, ws.sheet_state == "visible") for ws in book.worksheets]
        for index in _pick_sheets(names, wanted, path, hidden):
            sheet = book.worksheets[index]
            if not hasattr(sheet, "iter_rows"):  # a chart sheet holds no cells
                continue
            yield _xlsx_table(path, book, sheet)
    finally:
        book.close()
        handle.close()


def _xlsx_table(path: Path, book: object, sheet: object) -> Table:
    table = Table(path, [], "xlsx", sheet.title)  # type: ignore[attr-defined]
    formulas = _xlsx_sheet_layout(path, book, sheet, table)
    sheet.reset_dimensions()  # type: ignore[attr-defined]  # a wrong <dimension> must not cut rows
    try:
        with warnings.catch_warnings(record=True) as said:
            warnings.simplefilter("always")
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):  # type: ignore[attr-defined]
                if number > MAX_ROWS:
                    raise _too_many_rows(path, table.sheet)
                cells = tuple(_text_cell(table, number, i, _xlsx_cell(v))
                              for i, v in enumerate(values[:MAX_COLUMNS]))
                if any(c not in (None, "") for c in cells):
                    table.rows.append(Row(number, cells))
    except TableError:
        raise
    except Exception as exc:  # a damaged sheet part
        raise TableError("sheet_damaged", path, sheet=table.sheet, exc=exc) from None
    _date_cells_out_of_range(table, said)
    for (row, column), computed in formulas.items():
        if not computed:
            unsaved = texts.message("formula_no_result")
            table.cell_errors[(row, column)] = (unsaved.vi, unsaved.en)
    if any(formulas.values()):
        table.notes.append((f"{sum(formulas.values())} ô là công thức: đọc theo kết quả đã tính",
                            f"{sum(formulas.values())} cells are formulas: read as their results"))
    return _settle_legacy(table)


_NOT_A_DAY = re.compile(r"Cell ([A-Z]+)(\d+) is marked as a date but the serial value (\S+) is "
                        r"outside the limits")


def _date_cells_out_of_range(table: Table, said: list[warnings.WarningMessage]) -> None:
    """openpyxl warns on stderr, and reads '#VALUE!', for a date cell holding a number no day
    has (9999999, -5): the cell's error names the number instead."""
    for warning in said:
        if match := _NOT_A_DAY.match(str(warning.message)):
            column, row, serial = match.groups()
            problem = texts.message("date_cell_not_a_day", number=serial)
            table.cell_errors[(int(row), range_boundaries(f"{column}1")[0] - 1)] = (
                problem.vi, problem.en)


def _too_many_rows(path: Path, sheet: str) -> TableError:
    limit = f"{MAX_ROWS:,}"
    return TableError("too_many_rows", path, sheet=sheet,
                      limit=Bilingual(limit.replace(",", "."), limit))  # 10.000 in Vietnamese


def _xlsx_sheet_layout(path: Path, book: object, sheet: object, table: Table
                       ) -> dict[tuple[int, int], bool]:
    """Reads what openpyxl's streaming reader does not give: merged ranges and hidden rows into
    ``table``; returns the formula cells, each with whether the file holds its result."""
    formulas: dict[tuple[int, int], bool] = {}
    rows = 0
    try:
        source = book._archive.open(sheet._worksheet_path)  # type: ignore[attr-defined]
        with source:
            cell_ref, has_formula, has_value = "", False, False
            for event, element in iterparse(source, events=("start", "end")):
                tag = element.tag.removeprefix(_SHEET_NS)
                if event == "start":
                    if tag == "c":
                        cell_ref, has_formula, has_value = element.get("r", ""), False, False
                    continue
                if tag == "row":
                    rows += 1
                    if rows > MAX_ROWS:
                        raise _too_many_rows(path, table.sheet)
                    if element.get("hidden") in ("1", "true"):
                        table.hidden_rows.add(int(element.get("r", rows)))
                    element.clear()
                elif tag == "f":
                    has_formula = True
                elif tag == "v":
                    has_value = element.text not in (None, "")
                elif tag == "c" and has_formula and cell_ref:
                    column, row, _, _ = range_boundaries(cell_ref)
                    formulas[(row, column - 1)] = has_value
                elif tag == "col" and element.get("hidden") in ("1", "true"):
                    first, last = int(element.get("min", 1)), int(element.get("max", 1))
                    table.hidden_columns.update(range(first - 1, min(last, MAX_COLUMNS)))
                elif tag == "mergeCell" and element.get("ref"):
                    first_col, first_row, last_col, last_row = range_boundaries(element.get("ref"))
                    table.merges.append(Merge(first_row, first_col - 1, last_row, last_col - 1))
    except TableError:
        raise
    except Exception as exc:  # malformed XML in a damaged file
        raise TableError("sheet_damaged", path, sheet=table.sheet, exc=exc) from None
    return formulas


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


# --- .xls ----------------------------------------------------------------------------------


def _xls_tables(path: Path, wanted: str | None, hidden: list[str]) -> Iterator[Table]:
    """Excel 97-2003 workbooks, which many offices still keep, read with xlrd (with formatting,
    for merged ranges and hidden rows)."""
    import xlrd

    raw = path.read_bytes()
    if ENCRYPTED_STREAM in raw:
        raise _password_error(path)
    try:
        book = xlrd.open_workbook(file_contents=raw, formatting_info=True, on_demand=True)
    except Exception as exc:  # xlrd raises many kinds for a damaged or foreign file
        if "encrypted" in str(exc).lower():
            raise _password_error(path) from None
        raise TableError("xls_unreadable", path, exc=exc) from None
    try:
        names = [(book.sheet_by_index(i).name, book.sheet_by_index(i).visibility == 0)
                 for i in range(book.nsheets)]
        for index in _pick_sheets(names, wanted, path, hidden):
            yield _xls_table(path, book, book.sheet_by_index(index))
    finally:
        book.release_resources()


def _password_error(path: Path) -> TableError:
    return TableError("password_protected", path)


def _xls_table(path: Path, book: object, sheet: object) -> Table:
    table = Table(path, [], "xls", sheet.name)  # type: ignore[attr-defined]
    if sheet.nrows > MAX_ROWS:  # type: ignore[attr-defined]
        raise _too_many_rows(path, table.sheet)
    for first_row, last_row, first_col, last_col in sheet.merged_cells:  # type: ignore[attr-defined]
        table.merges.append(Merge(first_row + 1, first_col, last_row, last_col - 1))
    for index, info in sheet.rowinfo_map.items():  # type: ignore[attr-defined]
        if info.hidden:
            table.hidden_rows.add(index + 1)
    for index, info in sheet.colinfo_map.items():  # type: ignore[attr-defined]
        if info.hidden:
            table.hidden_columns.add(index)
    for index in range(sheet.nrows):  # type: ignore[attr-defined]
        cells = tuple(_text_cell(table, index + 1, i, _xls_cell(cell, book.datemode))  # type: ignore[attr-defined]
                      for i, cell in enumerate(sheet.row(index)[:MAX_COLUMNS]))  # type: ignore[attr-defined]
        if any(c not in (None, "") for c in cells):
            table.rows.append(Row(index + 1, cells))
    return _settle_legacy(table)


def _xls_cell(cell: object, datemode: int) -> Cell:
    import xlrd

    kind, value = cell.ctype, cell.value  # type: ignore[attr-defined]
    if kind == xlrd.XL_CELL_DATE:
        try:
            return xlrd.xldate_as_datetime(value, datemode).date()
        except (ValueError, OverflowError):
            return None
    if kind == xlrd.XL_CELL_NUMBER:
        return int(value) if float(value).is_integer() else value
    if kind == xlrd.XL_CELL_TEXT:
        return _clean_text(value) or None
    if kind == xlrd.XL_CELL_BOOLEAN:
        return str(bool(value))
    return None  # empty, blank, or an error value such as #N/A


# --- CSV -----------------------------------------------------------------------------------


def _csv_tables(path: Path, wanted: str | None, hidden: list[str]) -> Iterator[Table]:
    raw = path.read_bytes()
    text, encoding = decode_csv_bytes(raw, path)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text[:50_000]))
    table = Table(path, [], encoding)
    if encoding in ("TCVN3", "VNI", "cp1258"):
        table.notes.append(_encoding_note(encoding))
    number, first_line, next_line = 0, 1, 1  # the last record read, its first line, the next
    try:
        # Rows are numbered as Excel shows the file: one a record, whatever lines a quoted
        # cell spans.
        for number, values in enumerate(reader, start=1):
            if number > MAX_ROWS:
                raise _too_many_rows(path, path.name)
            cells = tuple(_text_cell(table, number, i, from_cell_text(_clean_text(v)) or None)
                          for i, v in enumerate(values[:MAX_COLUMNS]))
            if any(c is not None for c in cells):
                table.rows.append(Row(number, cells))
            first_line, next_line = next_line, reader.line_num + 1
    except csv.Error as exc:
        if "field limit" in str(exc):
            raise TableError("csv_cell_too_long", f"{path}:{number + 1}",
                             limit=csv.field_size_limit()) from None
        raise TableError("csv_broken", f"{path}:{reader.line_num}", exc=exc) from None
    if number and _quote_left_open(text, first_line):
        raise TableError("csv_open_quote", f"{path}:{number}", line=first_line)
    yield _settle_legacy(table)


def _quote_left_open(text: str, first_line: int) -> bool:
    """Whether the last record opens a quoted cell that no quote closes: the reader then takes
    every line after it into that cell, and the rows below are lost without a word."""
    if not text.count('"') % 2:
        return False
    rest = "".join(io.StringIO(text, newline="").readlines()[first_line - 1:])
    try:
        list(csv.reader(io.StringIO(rest, newline=""), delimiter=_delimiter(rest[:50_000]),
                        strict=True))
    except csv.Error as exc:
        return "unexpected end of data" in str(exc)
    return False


def _delimiter(sample: str) -> str:
    """The separator that splits the most lines into the same number of fields (addresses hold
    commas, so a ';' file must not be read as ',')."""
    best, best_score = ",", -1
    for candidate in (",", ";", "\t"):
        try:
            counts = [len(r) for r in csv.reader(io.StringIO(sample, newline=""),
                                                 delimiter=candidate) if any(r)][:300]
        except csv.Error:
            continue
        wide = [c for c in counts if c >= 3]
        score = max((wide.count(c) for c in set(wide)), default=0)
        if score > best_score:
            best, best_score = candidate, score
    return best


def decode_csv_bytes(raw: bytes, path: Path | None = None) -> tuple[str, str]:
    """The text of a CSV file and the encoding it was in. UTF-8 is tried before the 8-bit
    Vietnamese encodings because a file in those is almost never valid UTF-8, while the reverse
    often is; among Windows-1258, TCVN3 and VNI the one giving Vietnamese words wins."""
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16", errors="replace"), "utf-16"
    if len(raw) >= 4 and raw[1] == 0 and raw[3] == 0 and raw[0] != 0:
        return raw.decode("utf-16-le", errors="replace"), "utf-16-le"  # UTF-16 without its mark
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    found = decode_legacy_bytes(raw)
    if found is None:
        raise TableError("csv_encoding_unknown", path)
    return found


def _encoding_note(encoding: str) -> Message:
    names = {"TCVN3": "TCVN3 (ABC, phông .VnTime)", "VNI": "VNI (phông VNI-Times)",
             "cp1258": "Windows-1258"}
    return (f"văn bản viết bằng bảng mã {names.get(encoding, encoding)}: đã chuyển sang Unicode",
            f"text in the {encoding} encoding: converted to Unicode")


# --- every cell ----------------------------------------------------------------------------


def _text_cell(table: Table, row: int, column: int, cell: Cell) -> Cell:
    """Text in a legacy Vietnamese encoding becomes Unicode; text that is no Vietnamese at all
    is kept as it is and noted against its cell (reported if the cell is used)."""
    if not isinstance(cell, str) or cell.isascii():
        return cell
    try:
        converted = to_unicode(cell)
    except UnreadableText as exc:
        table.cell_errors[(row, column)] = (str(exc.args[0]), str(exc.args[-1]))
        return cell
    if converted.encoding is None and _latin_only(cell):
        table.maybe_legacy.add((row, column))
    if converted.encoding:
        if not table.legacy_cells:
            table.notes.append(_encoding_note(converted.encoding))
        table.legacy_cells[converted.encoding] = table.legacy_cells.get(converted.encoding, 0) + 1
    return converted.text


def _latin_only(text: str) -> bool:
    """Text an 8-bit legacy encoding could have produced, read as Windows-1252."""
    try:
        text.encode("cp1252")
    except UnicodeEncodeError:
        return False
    return True


def _settle_legacy(table: Table) -> Table:
    """Short legacy words can also read as Unicode words ("Tỏi" in TCVN3 shows as "Tái"): when a
    sheet holds text in one legacy encoding, its other cells that decode to Vietnamese in that
    encoding are read so too."""
    if len(table.legacy_cells) != 1 or not table.maybe_legacy:
        return table
    encoding = next(iter(table.legacy_cells))
    decode = decode_tcvn3 if encoding == "TCVN3" else decode_vni
    rows = []
    for row in table.rows:
        cells = list(row.cells)
        for index, cell in enumerate(cells):
            if (row.number, index) in table.maybe_legacy and isinstance(cell, str):
                decoded = unicodedata.normalize("NFC", decode(cell))
                if decoded != cell and all(is_vietnamese_syllable(w) for w in
                                           re.findall(r"[^\W\d_]+", decoded)):
                    cells[index] = decoded
                    table.legacy_cells[encoding] += 1
        rows.append(Row(row.number, tuple(cells)))
    table.rows = rows
    return table


def _clean_text(value: str) -> str:
    # Windows-1258 writes most tones as combining marks: NFC makes them single letters again.
    # Non-breaking and other odd spaces become plain spaces.
    text = unicodedata.normalize("NFC", value).replace("\r\n", "\n")
    text = re.sub(r"[\u00a0\u2000-\u200b\u202f\u3000\ufeff]", " ", text)
    return re.sub(r"[ \t]+", " ", text).strip()


# The forms a date is read in: in any date cell, a title row, a decision cell ("1234/QĐ-UBND ngày
# 12/6/2025") and on the command line. manual/offices.md's line on dates lists exactly these (a test
# compares the two); each writes 5 March 2026.
DATE_EXAMPLES = ("05/03/2026", "5/3/2026", "05-03-2026", "05.03.2026", "ngày 5 tháng 3 năm 2026",
                 "5 tháng 3 năm 2026", "2026-03-05")
# Day, month, year (four digits: 03/05/26 is not guessed), matched on text folded to ASCII and
# lower case; never inside a longer run of numbers such as "12/2023/NQ-HĐND".
_DMY = (r"(?<![\d/])(\d{1,2})\s*(?:[/.-]|thang)\s*(\d{1,2})\s*(?:[/.-]|,?\s*nam)\s*(\d{4})"
        r"(?![\d/])")
_YMD = r"(?<![\d/])(\d{4})-(\d{1,2})-(\d{1,2})(?![\d/])"
_DATE_IN_TEXT = re.compile(f"{_DMY}|{_YMD}")
_DATE_CELL = re.compile(rf"(?:ngay\s*)?(?:{_DMY}|{_YMD})(?:\s+00:00(?::00)?)?\.?")


def _folded(text: str) -> str:
    from site_builder.domain.places import ascii_fold

    return ascii_fold(text)


def _day_of(match: re.Match[str]) -> date | None:
    day, month, year, iso_year, iso_month, iso_day = match.groups()
    try:
        if year:
            return date(int(year), int(month), int(day))
        return date(int(iso_year), int(iso_month), int(iso_day))
    except ValueError:
        return None


def parse_date(cell: Cell) -> date | None:
    """A date written in one of the forms of ``DATE_EXAMPLES`` (day first), or an Excel date
    cell. ``None`` when the cell is not one day in any of those forms."""
    if isinstance(cell, datetime):
        return cell.date()
    if isinstance(cell, date):
        return cell
    if not isinstance(cell, str):
        return None
    match = _DATE_CELL.fullmatch(_folded(cell).strip())
    return _day_of(match) if match else None


def find_date(text: str) -> date | None:
    """The first date written in ``text`` in one of the forms of ``DATE_EXAMPLES`` ("Kèm theo
    Quyết định số 1234/QĐ-UBND ngày 12 tháng 6 năm 2025 ...")."""
    for match in _DATE_IN_TEXT.finditer(_folded(text)):
        found = _day_of(match)
        if found is not None:
            return found
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
