"""Finding the table in a list as an OCOP office keeps it.

A decision annex ("Danh sách sản phẩm được công nhận ... kèm theo Quyết định số ...") has title
rows, a header over one or two rows with merged cells, a row numbering the columns, section rows
per district or product group, total rows and a signature block. This module finds the header,
tells each row below it what it is, and reads the facts stated once for the whole sheet (decision
number, date, issuing authority, province) from the title rows.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple, TypeVar

from site_builder.domain.places import ascii_fold
from site_builder.sheets.columns import (
    Column,
    column_for_header,
    ignored_header,
    number_header,
    parse_stars,
)
from site_builder.sheets.tables import Cell, Merge, Row, Table, find_date

HEADER_SEARCH_ROWS = 60  # a decision's text may come before its annex on the same sheet
FROM_SHEET_NAME = -1  # SheetFacts.rows: the fact was read from the sheet's name
FROM_COMMAND_LINE = 0  # SheetFacts.rows: the fact was given on the command line
Rated = TypeVar("Rated")  # what a kind of list reads in the rows it takes for its header


class At(NamedTuple):
    """A row of a workbook: its sheet (by workbook order among the sheets read, from 0) and its
    number as Excel shows it."""

    sheet: int
    row: int
MAX_FILLED_CELLS = 200_000  # a merged range larger than this is not spread over its cells


@dataclass
class Layout:
    """Where the table is: its header rows, the columns it names, and where data starts."""

    header_rows: tuple[int, ...]  # as Excel numbers them
    columns: dict[int, Column]
    number_column: int | None  # STT / TT
    headers: dict[int, str]  # every named column's header text, as shown
    start: int  # index in table.rows of the first row below the header
    # Columns headed "3 sao", "4 sao", "5 sao" in which a row marks its level ("x"): column -> stars
    star_marks: dict[int, int] = field(default_factory=dict)
    # Columns not read: hidden in Excel, or naming a field an earlier column already gives
    passed_columns: dict[int, str] = field(default_factory=dict)  # column -> why ("hidden", ...)

    def index_of(self, path: str) -> int | None:
        return next((i for i, c in self.columns.items() if c.path == path), None)

    @property
    def paths(self) -> set[str]:
        """The record fields the table's columns give."""
        return {c.path for c in self.columns.values()} | ({"stars"} if self.star_marks else set())


@dataclass(frozen=True)
class Skipped:
    row: int
    kind: str  # section, total, numbering, header, signature, note, hidden
    text: str
    sheet: int = 0


@dataclass
class Context:
    """What section rows above a product say about it."""

    district: str | None = None
    commune: str | None = None
    province: str | None = None
    group: str | None = None


@dataclass
class SheetFacts:
    """Facts stated once for the whole sheet, with the row they were read from (0: command line)."""

    decision: str | None = None
    decision_date: date | None = None
    authority: str | None = None
    province: str | None = None
    regime: str | None = None
    stars: int | None = None  # a sheet of one star level ("... ĐẠT 3 SAO", a sheet named "4 sao")
    rows: dict[str, int] = field(default_factory=dict)  # FROM_SHEET_NAME, FROM_COMMAND_LINE
    from_sheet: dict[str, str] = field(default_factory=dict)  # facts read on another (cover) sheet
    district: str | None = None  # the district of a district's list (UBND huyện Ninh Sơn)
    # The regime worked out from the sheet's decision date: (key, how in Vietnamese, English).
    regime_worked: tuple[str, str, str] | None = None


# --- merged cells ----------------------------------------------------------------------------


class Grid:
    """Cell values as the office sees them: a merged range shows its value in each of its cells.
    In header rows a value spreads across and down; in data rows only down (a producer written
    once beside its three products), so a section title merged across the width stays one cell."""

    def __init__(self, table: Table, header_rows: set[int] | None = None) -> None:
        self.rows = {row.number: row for row in table.rows}
        self.hidden = table.hidden_rows
        self.header_rows = header_rows or set()
        self.owner: dict[tuple[int, int], tuple[int, int]] = {}
        for merge in table.merges:
            self._spread(merge)

    def _spread(self, merge: Merge) -> None:
        cells = (merge.last_row - merge.first_row + 1) * (merge.last_column - merge.first_column + 1)
        if cells > MAX_FILLED_CELLS or len(self.owner) > 5 * MAX_FILLED_CELLS:
            return
        for row in range(merge.first_row, merge.last_row + 1):
            for column in range(merge.first_column, merge.last_column + 1):
                if (row, column) != (merge.first_row, merge.first_column):
                    self.owner[(row, column)] = (merge.first_row, merge.first_column)

    def value(self, row: int, column: int, header: bool = False) -> Cell:
        own = self._raw(row, column)
        if own not in (None, ""):
            return own
        origin = self.owner.get((row, column))
        if origin is None:
            return None
        if not header and origin[1] != column:
            return None  # spread across only in header rows
        return self._raw(*origin)

    def own(self, row: int, column: int) -> Cell:
        """The cell's own value (not one spread from a merged range)."""
        return self._raw(row, column)

    def across(self, row: int, column: int) -> bool:
        """Whether the cell is part of a range merged across several columns."""
        origin = self.owner.get((row, column), (row, column))
        return origin[1] != column or self.owner.get((row, column + 1)) == origin

    def _raw(self, row: int, column: int) -> Cell:
        found = self.rows.get(row)
        return found.cells[column] if found and column < len(found.cells) else None

    def width(self) -> int:
        return max((len(r.cells) for r in self.rows.values()), default=0)


# --- the header ------------------------------------------------------------------------------


def best_header(table: Table, rate: Callable[[tuple[Row, ...]], tuple[int, Rated] | None]
                ) -> tuple[tuple[int, ...], Rated] | None:
    """Where a table's header is: the row, or two rows one above the other, among the first
    ``HEADER_SEARCH_ROWS`` that ``rate`` scores highest (the first of equals), with what ``rate``
    read there; None when it takes no rows for a header. Every kind of list (products, lots,
    stages) is found so; each rates rows by the columns they name."""
    best: tuple[int, tuple[int, ...], Rated] | None = None
    for position in range(min(HEADER_SEARCH_ROWS, len(table.rows))):
        for span in (1, 2):
            if position + span > len(table.rows):
                continue
            rows = tuple(table.rows[position:position + span])
            if span == 2 and rows[1].number != rows[0].number + 1:
                continue
            rated = rate(rows)
            if rated is not None and (best is None or rated[0] > best[0]):
                best = (rated[0], tuple(r.number for r in rows), rated[1])
    return None if best is None else (best[1], best[2])


def find_layout(table: Table) -> Layout | None:
    """The header that names the most known columns in the first rows, over one row or two
    (a merged "Kết quả đánh giá" above "Hạng sao" and "Điểm"). None when no row names a product
    name and either its producer or its stars. Columns hidden in Excel are not read."""
    grid = Grid(table)
    width = grid.width()

    def rate(rows: tuple[Row, ...]) -> tuple[int, dict[int, str]] | None:
        numbers = tuple(r.number for r in rows)
        texts = _header_texts(grid, numbers, width)
        found = {i: c for i, t in texts.items()
                 if i not in table.hidden_columns and (c := column_for_header(t))}
        marks = _star_marks(texts, table)
        paths = {c.path for c in found.values()} | ({"stars"} if marks else set())
        named = "name.vi" in paths and paths & {"producer.name", "stars", "id"}
        if not named and not ("id" in paths and len(paths) >= 2):  # our own sheets: ids
            return None
        # Two rows are the header only when each names columns on its own (a title row above
        # the header, or the first product below it, is not part of it).
        if len(rows) == 2 and (any(_numeric(c) for c in rows[1].cells)
                               or not all(any(column_for_header(t) or star_mark(t) for t in
                                              _header_texts(grid, (n,), width).values())
                                          for n in numbers)
                               or _under_named_columns(grid, numbers, width)):
            return None  # numbers below a header are data (STT, score), not a second header row
        return len(paths) * 10 + len(rows), texts  # fields named, not columns (a title spread)

    best = best_header(table, rate)
    if best is None:
        return None
    numbers, texts = best
    columns: dict[int, Column] = {}
    passed: dict[int, str] = {}
    for i, text in texts.items():
        column = column_for_header(text)
        if i in table.hidden_columns:
            passed[i] = "hidden"
        elif column is not None and column in columns.values():
            passed[i] = "same_field"  # the first column naming a field is the one read
        elif column is not None:
            columns[i] = column
    number_column = next((i for i, t in texts.items() if number_header(t)), None)
    start = next(i for i, r in enumerate(table.rows) if r.number == numbers[-1]) + 1
    marks = _star_marks(texts, table) if "stars" not in {c.path for c in columns.values()} else {}
    return Layout(numbers, columns, number_column, texts, start, marks, passed)


def _star_marks(texts: dict[int, str], table: Table) -> dict[int, int]:
    """Columns "3 sao", "4 sao", "5 sao" (at least two levels) in which rows mark their level."""
    marks = {i: level for i, t in texts.items()
             if i not in table.hidden_columns and (level := star_mark(t))}
    return marks if len(set(marks.values())) >= 2 else {}


def _under_named_columns(grid: Grid, numbers: tuple[int, ...], width: int) -> bool:
    """Whether the lower row has a value under a column the upper row already names on its own
    (not a title merged across several columns, as "Kết quả đánh giá" over "Hạng sao" and
    "Điểm"): that is a first row of data ("HTX Nông nghiệp Mỹ Sơn" under "Chủ thể")."""
    top, lower = numbers
    for column in range(width):
        below = grid.own(lower, column)
        above = grid.value(top, column, header=True)
        if below in (None, "") or above in (None, "") or grid.across(top, column):
            continue
        if grid.value(top, column + 1, header=True) in (None, "") and grid.own(
                lower, column + 1) not in (None, ""):
            continue  # a title over the cells to its right, its merge lost (a CSV)
        if column_for_header(str(above)) is not None:
            return True
    return False


def _numeric(cell: Cell) -> bool:
    return isinstance(cell, (int, float)) or (isinstance(cell, str)
                                              and bool(re.fullmatch(r"[\d.,\s]+", cell)))


def _header_texts(grid: Grid, numbers: tuple[int, ...], width: int) -> dict[int, str]:
    """Per column, the header as read over the header rows: the lower row's word where it names a
    known column ("Hạng sao" under "Kết quả"), else the upper row's, else both together."""
    texts: dict[int, str] = {}
    for column in range(width):
        parts = [str(v).strip() for n in numbers
                 if (v := grid.value(n, column, header=True)) not in (None, "")]
        unique = list(dict.fromkeys(parts))
        if not unique:
            continue
        lower = unique[-1]
        if star_mark(lower):  # "3 sao" under "Xếp hạng": a column of marks
            texts[column] = lower
            continue
        if len(unique) > 1 and column_for_header(lower) is None and column_for_header(unique[0]):
            lower = unique[0]
        elif len(unique) > 1 and column_for_header(lower) is None:
            lower = " ".join(unique)
        texts[column] = lower
    return texts


def unused_columns(layout: Layout) -> list[tuple[int, str]]:
    """Columns with a header the import does not use (named once in the review)."""
    return [(i, t) for i, t in sorted(layout.headers.items()) if i not in layout.columns
            and i not in layout.star_marks and i not in layout.passed_columns
            and i != layout.number_column and not ignored_header(t)]


# --- rows below the header -------------------------------------------------------------------

_TOTAL = re.compile(r"^(tong cong|tong so|tong|cong|total|sum)\b")
_SIGNATURE = re.compile(r"^(tm\.?|t/m|kt\.?|k/t|tl\.?|q\. ?chu tich|chu tich|pho chu tich|"
                        r"giam doc|pho giam doc|nguoi lap|nguoi lap bieu|noi nhan|thu truong|"
                        r"truong phong|\(ky|\(da ky|ky ten|xac nhan cua)")
_ROMAN = re.compile(r"^(?=[ivxlc]+\b)(i{1,3}|iv|v|vi{1,3}|ix|x|xi{1,3}|xiv|xv|xvi{1,3}|xix|xx)[.)]?$")
_SECTION_PREFIX = re.compile(r"^\s*(?:[IVXLC]+|[A-Z]|\d{1,2})\s*[.)\-:]\s+")
_DISTRICT = re.compile(r"^(huyen|thi xa|thanh pho|tp\.?|quan|h\.)\s+\S")
_COMMUNE = re.compile(r"^(xa|phuong|thi tran|tt\.?|x\.|p\.)\s+\S")
_PROVINCE = re.compile(r"^(tinh)\s+\S")
_COUNT = re.compile(r"(\d+)\s*(luot\s*)?(san pham|sp\b)")
_COUNT_NOTE = re.compile(r"\s*(\(\s*\d+\s*(sản phẩm|sp)\s*\)|[:–-]\s*\d+\s*(sản phẩm|sp))\s*$",
                         re.IGNORECASE)


def row_texts(row: Row) -> list[str]:
    return [str(c).strip() for c in row.cells if c not in (None, "") and str(c).strip()]


def skip_kind(row: Row, layout: Layout, grid: Grid, after_signature: bool) -> Skipped | None:
    """What a row that is not a product is, or None when it may be a product."""
    texts = row_texts(row)
    first = ascii_fold(texts[0]) if texts else ""
    if row.number in grid.hidden:
        return Skipped(row.number, "hidden", " ".join(texts))
    if after_signature or (_SIGNATURE.match(first) and not _has_stars(row, layout)):
        return Skipped(row.number, "signature", " ".join(texts))
    if texts and all(re.fullmatch(r"\(?\d{1,2}\)?|\(?[A-Za-z]\)?", t) for t in texts) \
            and len(texts) >= 3:
        return Skipped(row.number, "numbering", " ".join(texts))
    named = sum(1 for i, c in layout.columns.items()
                if i < len(row.cells) and row.cells[i] not in (None, "")
                and column_for_header(str(row.cells[i])) is c)
    if named >= 3:
        return Skipped(row.number, "header", " ".join(texts))
    if _TOTAL.match(first) or any(_TOTAL.match(ascii_fold(t)) and _COUNT.search(ascii_fold(t))
                                  for t in texts):
        return Skipped(row.number, "total", " ".join(texts))
    if _is_product_like(row, layout, grid):
        return None
    title = [str(c).strip() for i, c in enumerate(row.cells)
             if c not in (None, "") and i != layout.number_column] or texts
    return Skipped(row.number, "section" if _numbering(row, layout) != "number" else "note",
                   " ".join(title))


def _has_stars(row: Row, layout: Layout) -> bool:
    if any(marked(row.cells[i]) for i in layout.star_marks if i < len(row.cells)):
        return True
    index = layout.index_of("stars")
    if index is None or index >= len(row.cells) or row.cells[index] in (None, ""):
        return False
    try:
        parse_stars(row.cells[index])
    except ValueError:
        return False
    return True


_STAR_MARK_HEADER = re.compile(r"(?:hang\s*)?([345])\s*(?:sao|\*|★)")


def star_mark(header: object) -> int | None:
    """'3 sao', '4*', 'Hạng 5 sao': the header of a column in which rows mark their level."""
    match = _STAR_MARK_HEADER.fullmatch(ascii_fold(str(header)).strip(" .:"))
    return int(match.group(1)) if match else None


def marked(cell: Cell) -> bool:
    """A cell that marks a level: 'x', '✓', 1; not empty, 0, '-' or 'không'."""
    if cell in (None, ""):
        return False
    return ascii_fold(str(cell)).strip() not in ("0", "-", "khong", "no", "0.0")


def _numbering(row: Row, layout: Layout) -> str:
    """'number' for 1, 2, 3 in the STT column; 'roman' for I, II, A, B; '' when empty."""
    if layout.number_column is None or layout.number_column >= len(row.cells):
        return ""
    cell = row.cells[layout.number_column]
    if cell in (None, ""):
        return ""
    if isinstance(cell, (int, float)) or re.fullmatch(r"\d{1,5}(\.\d{1,3})*\.?", str(cell).strip()):
        return "number"  # 1, 2, 3 and 1.1, 1.2 under a numbered section
    return "roman"


# A name that is a place or a group of products: a section title, even beside a number.
_SECTION_WORDS = re.compile(r"^(huyen|thi xa|thanh pho|tp\.?|quan|xa|phuong|thi tran|tinh|nhom|"
                            r"nganh|linh vuc|san pham (thuoc|nhom|nganh)|cac san pham)\b")


def _is_product_like(row: Row, layout: Layout, grid: Grid) -> bool:
    """A product row names a product and has its stars, or a plain number in the STT column
    beside a name, or a name with a producer; one lone text is a section title."""
    id_index = layout.index_of("id")
    if id_index is not None and id_index < len(row.cells) and row.cells[id_index] not in (None, ""):
        return True
    name_index = layout.index_of("name.vi")
    name = row.cells[name_index] if name_index is not None and name_index < len(row.cells) else None
    used = sum(1 for i in layout.columns if i < len(row.cells) and row.cells[i] not in (None, ""))
    if name in (None, ""):  # with its stars and more, a product whose name is missing
        return (_numbering(row, layout) == "number" and used > 0
                or (used >= 2 and _has_stars(row, layout)))
    if _has_stars(row, layout):
        return True
    if used == 1 and _SECTION_WORDS.match(_SECTION_PREFIX.sub("", ascii_fold(str(name)))):
        return False  # "1 | Huyện Mỹ Lộc": a numbered section over products 1.1, 1.2
    if _numbering(row, layout) == "number":
        return True
    if _numbering(row, layout) == "roman":
        return False
    return used >= 2


def section_context(text: str, context: Context) -> Context:
    """The context a section title sets for the rows under it: a district or commune resets what
    was below it; anything else is a product group."""
    title = _SECTION_PREFIX.sub("", text).strip(" :.-")
    title = _COUNT_NOTE.sub("", title).strip(" :.-")  # "XÃ MỸ SƠN (02 sản phẩm)"
    key = ascii_fold(title)
    if _PROVINCE.match(key):
        return Context(province=title, group=context.group)
    if _DISTRICT.match(key):
        return Context(district=title, province=context.province, group=context.group)
    if _COMMUNE.match(key):
        return Context(context.district, title, context.province, context.group)
    return Context(context.district, None, context.province, title)  # a group ends a commune


_UNIT_WORDS = ("tỉnh", "thành phố", "huyện", "thị xã", "quận", "xã", "phường", "thị trấn")
_CITIES = ("ha noi", "ho chi minh", "hai phong", "da nang", "can tho", "hue")


def address_part(text: str, province: bool = False) -> str:
    """A place as an address writes it: 'HUYỆN NINH SƠN' -> 'huyện Ninh Sơn'; with ``province``
    a bare name gets its unit word ('Ninh Thuận' -> 'tỉnh Ninh Thuận')."""
    text = re.sub(r"\s+", " ", text).strip(" ,.")
    if text.isupper():
        text = " ".join(w.capitalize() for w in text.lower().split())
    lowered = text.lower()
    for word in _UNIT_WORDS:
        if lowered.startswith(word + " "):
            return word + text[len(word):]
    if province and not re.match(r"(tp\.?|t\.)\s", lowered):
        return ("thành phố " if ascii_fold(text) in _CITIES else "tỉnh ") + text
    return text


def stated_count(text: str) -> int | None:
    """'Tổng cộng: 12 sản phẩm' -> 12; '10 lượt sản phẩm (9 sản phẩm)' -> 10: the first count is
    the total, what follows it tells it apart ("trong đó 3 sao: 8 sản phẩm")."""
    match = _COUNT.search(ascii_fold(text))
    return int(match.group(1)) if match else None


# --- facts from the title rows ---------------------------------------------------------------

_DECISION = re.compile(  # "Quyết định số 1234/QĐ-UBND", "QĐ 12/QĐ-UBND", "Số: 2150/QĐ-UBND"
    r"(?:(?:quyết\s*định|qđ|decision)\s*(?:số|so|no\.?|number)?|(?<!\w)(?:số|so))\s*:?\s*"
    r"(\d{1,6}\s*(?:/\s*[0-9A-Za-zÀ-ỹĐđ.]+(?:\s*-\s*[0-9A-Za-zÀ-ỹĐđ.]+)*)+)", re.IGNORECASE)
_DECISION_NUMBER = re.compile(r"^\s*(\d{1,6}\s*(?:/\s*[0-9A-Za-zÀ-ỹĐđ.]+(?:\s*-\s*[0-9A-Za-zÀ-ỹĐđ.]+)*)+)")
_AUTHORITY = re.compile(
    r"(?:của\s+)?(?<![\w/-])((?:chủ\s*tịch\s+)?(?:ủy|uỷ)\s*ban\s*nhân\s*dân|(?:chủ\s*tịch\s+)?ubnd|"
    r"bộ\s+nông\s+nghiệp[\w\sàáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ]*?)"
    r"\s*(tỉnh|thành\s*phố|tp\.?|huyện|thị\s*xã)?\s*([^,;()\n]*)", re.IGNORECASE)


def split_decision(text: str) -> tuple[str | None, date | None]:
    """'QĐ số 1234/QĐ-UBND ngày 12/6/2025' -> ('1234/QĐ-UBND', 12 June 2025)."""
    match = _DECISION.search(text) or _DECISION_NUMBER.match(text)
    number = re.sub(r"\s+", "", match.group(1)) if match else None
    return number, find_date(text)




def authority_in(text: str) -> str | None:
    """'... của Ủy ban nhân dân tỉnh Ninh Thuận' -> 'UBND tỉnh Ninh Thuận'."""
    for match in _AUTHORITY.finditer(text):
        body, level, place = match.group(1), match.group(2), (match.group(3) or "").strip(" .")
        key = ascii_fold(body)
        if key.startswith("bo "):
            return re.sub(r"\s+", " ", body).strip()
        if not level:
            continue  # "QĐ-UBND" in a decision number names no authority
        head = "Chủ tịch UBND" if key.startswith("chu tich") else "UBND"
        level = {"tp": "thành phố", "tp.": "thành phố"}.get(level.lower(), level.lower())
        place = re.split(r"\s+(?:về|ngày|v/v)\b", place)[0].strip()
        return f"{head} {level} {place.title() if place.isupper() else place}".strip()
    return None


def _complete_authority(authority: str, province: str | None) -> str:
    """'Chủ tịch UBND tỉnh' (the decision line names no province) + the title's province."""
    if province and re.search(r"(tỉnh|thành phố)$", authority):
        return f"{authority} {province}"
    return authority


def sheet_facts(table: Table, layout: Layout | None) -> SheetFacts:
    """The decision, its date, the authority, the province and the star level stated in the
    title rows (every row of a sheet without a list: a cover sheet), or the star level in the
    sheet's name."""
    facts = SheetFacts()
    header_first = layout.header_rows[0] if layout else HEADER_SEARCH_ROWS + 1
    levels: dict[int, int] = {}
    for row in table.rows:
        if row.number >= header_first:
            break
        for text in row_texts(row):
            _read_title(text, row.number, facts)
            for level in star_levels(text):
                levels.setdefault(level, row.number)
    named = star_levels(table.sheet) if layout else set()
    if len(levels) == 1 and (not named or named == set(levels)):
        facts.stars, facts.rows["stars"] = next(iter(levels.items()))
    elif not levels and len(named) == 1:
        facts.stars, facts.rows["stars"] = next(iter(named)), FROM_SHEET_NAME
    if facts.authority:
        facts.authority = _complete_authority(facts.authority, facts.province)
        match = re.match(r"(?:Chủ tịch )?UBND ((?:huyện|thị xã|quận|thành phố) .+)$", facts.authority)
        if match and not _is_province(match.group(1)):
            facts.district = match.group(1)
    return facts


# "đạt 3 sao", "HẠNG 4 SAO", "3*", "4 ★", "Ba sao"; never "từ 3 sao trở lên", "tiềm năng 5 sao".
_STAR_LEVEL = re.compile(r"(?<!tu )(?<!tiem nang )(?<!\d)([345]|ba|bon|nam)\s*(sao\b|\*|★|stars?\b)")
_STAR_WORDS = {"ba": 3, "bon": 4, "nam": 5}


def star_levels(text: str) -> set[int]:
    """The star levels a title or a sheet's name speaks of."""
    key = ascii_fold(str(text))
    if re.search(r"tro len|tro xuong|\btu \d\s*(sao|\*)? (den|-)", key):
        return set()  # "từ 3 sao trở lên", "từ 3 đến 5 sao": a range, not one level
    return {int(m.group(1)) if m.group(1).isdigit() else _STAR_WORDS[m.group(1)]
            for m in _STAR_LEVEL.finditer(key)}


def _is_province(place: str) -> bool:
    from site_builder.domain.places import find_province, merged_into

    bare = re.sub(r"^(thành phố|tỉnh) ", "", place)
    return find_province(bare) is not None or merged_into(bare) is not None


def _read_title(text: str, number: int, facts: SheetFacts) -> None:
    key = ascii_fold(text)
    if key.startswith("can cu"):
        return  # "Căn cứ Quyết định số 148/QĐ-TTg ...": the legal basis, not this decision
    if facts.decision is None and re.search(r"quyet\s*dinh|\bqd\b|\bdecision\b", key):
        decision, day = split_decision(text)
        if decision:
            facts.decision, facts.rows["decision"] = decision, number
            if day and facts.decision_date is None:
                facts.decision_date, facts.rows["decision_date"] = day, number
    authority = authority_in(text)
    # The decision line ("... của Chủ tịch UBND tỉnh") says who signed; the letterhead ("ỦY BAN
    # NHÂN DÂN TỈNH ĐỒNG NAI") only whose office it is: the first wins over the second.
    if authority and re.search(r"quyet\s*dinh|\bqd\b", key) and "decision_line" not in facts.rows:
        facts.authority, facts.rows["authority"] = authority, number
        facts.rows["decision_line"] = number
    elif authority and facts.authority is None:
        facts.authority, facts.rows["authority"] = authority, number
    if facts.province is None:
        match = re.search(r"(?:tỉnh|thành phố)\s+([A-ZÀ-Ỹa-zà-ỹĐđ][^,;()\n]*)", text, re.IGNORECASE)
        if match and re.search(r"uy ban|ubnd|danh sach|tinh ", key):
            place = re.split(r"\s+(?:về|ngày|năm|v/v|đợt)\b", match.group(1), flags=re.IGNORECASE)[0]
            facts.province, facts.rows["province"] = place.strip(" .").title() if place.isupper() \
                else place.strip(" ."), number
