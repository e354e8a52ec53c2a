"""Which sheets of a workbook hold lots: a lot log, a stage sheet keyed by lot code. Their
recognisers join the product lists' in ``SHEET_KINDS``, which ``ocop import`` reads a file with
(``sources.read_source``); ``workbook_of`` sorts what it found: products, lots, or both (our
template filled in)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from site_builder.sheets.annex import Grid, best_header
from site_builder.sheets.columns import header_key
from site_builder.sheets.lots.columns import (
    PRODUCT_KEYS,
    LotColumn,
    column_for,
    lot_date,
    place_of_header,
    stage_key,
    stage_of_header,
)
from site_builder.sheets.sources import PRODUCT_LISTS, Recogniser, Source
from site_builder.sheets.tables import Row, Table, parse_date, read_tables

LOT, STAGE = "lot", "stage"
DATE_SAMPLE_ROWS = 50  # rows looked at to tell a column of dates


@dataclass
class SheetLayout:
    """Where a lot or stage table is in its sheet and what each column holds."""

    kind: str  # LOT or STAGE
    header_rows: tuple[int, ...]  # as Excel numbers them
    columns: dict[int, LotColumn]
    headers: dict[int, str]  # every column with a header, as shown
    start: int  # index in table.rows of the first row below the header
    stages: dict[int, str] = field(default_factory=dict)  # lot sheet: column -> stage, its dates
    stage_places: dict[str, int] = field(default_factory=dict)  # stage key ("" all) -> column

    def index_of(self, key: str) -> int | None:
        return next((i for i, c in self.columns.items() if c.key == key), None)

    def indexes_of(self, key: str) -> list[int]:
        return [i for i, c in sorted(self.columns.items()) if c.key == key]

    def unused(self) -> list[tuple[int, str]]:
        used = set(self.columns) | set(self.stages) | set(self.stage_places.values())
        return [(i, t) for i, t in sorted(self.headers.items()) if i not in used]


@dataclass
class Workbook:
    """What ``ocop import`` found in a file: its lot and stage sheets, and its product lists."""

    path: Path
    products: Source | None = None  # the product lists (sources.read_source), if any
    lots: list[tuple[Table, SheetLayout]] = field(default_factory=list)
    stages: list[tuple[Table, SheetLayout]] = field(default_factory=list)

    @property
    def has_lots(self) -> bool:
        return bool(self.lots or self.stages)


def _stage_sheet(table: Table) -> SheetLayout | None:
    return sheet_layout(table, STAGE)


def _lot_sheet(table: Table) -> SheetLayout | None:
    return sheet_layout(table, LOT)


# The kinds of list ``ocop import`` reads (sources.read_source), the narrower header first: a
# stage sheet (lot code, stage, date), a lot sheet (lot code and a date or product column), a
# list of products. A lot sheet names products too ("Mã sản phẩm", "Tên sản phẩm"), so it must
# be told before a product list is.
SHEET_KINDS: tuple[tuple[str, Recogniser], ...] = (("stages", _stage_sheet), ("lots", _lot_sheet),
                                                   *PRODUCT_LISTS)


def workbook_of(source: Source, sheet: str | None = None) -> Workbook:
    """The lot and stage sheets of ``source`` (read with SHEET_KINDS) and its product lists; with
    ``sheet`` naming a lot sheet, the workbook's stage sheets are read beside it."""
    found = Workbook(source.path)
    for listed in source.sheets:
        layout: Any = listed.layout  # the recogniser of its kind made it: a SheetLayout here
        if listed.kind == "lots":
            found.lots.append((listed.table, layout))
        elif listed.kind == "stages":
            found.stages.append((listed.table, layout))
    products = [s for s in source.sheets if s.kind not in ("lots", "stages")]
    if products:
        found.products = replace(source, sheets=products)
    if sheet is not None and found.lots:
        for table in read_tables(source.path):
            if table.sheet != found.lots[0][0].sheet and (layout := _stage_sheet(table)):
                found.stages.append((table, layout))
    return found


def sheet_layout(table: Table, kind: str) -> SheetLayout | None:
    """The header of a lot table (a lot code column and a date or product column) or of a stage
    table (lot code, stage and date), over one row or two, in the first rows of the sheet."""
    grid = Grid(table)
    width = grid.width()

    def rate(rows: tuple[Row, ...]) -> tuple[int, dict[int, str]] | None:
        numbers = tuple(r.number for r in rows)
        if len(rows) == 2 and (_looks_like_data(rows[1].cells)
                               or not all(any(_names_something(t, kind) for t in
                                              _header_texts(grid, (n,), width, kind).values())
                                          for n in numbers)):
            return None  # a title above the header, or the first row of data below it
        texts = _header_texts(grid, numbers, width, kind)
        keys = {c.key for t in texts.values() if (c := column_for(t, kind))}
        stages = sum(1 for t in texts.values() if column_for(t, kind) is None
                     and stage_of_header(t))
        if not _is_header(keys, stages, kind):
            return None
        return (len(keys) + stages) * 10 + len(rows), texts

    best = best_header(table, rate)
    if best is None:
        return None
    numbers, texts = best
    start = next(i for i, r in enumerate(table.rows) if r.number == numbers[-1]) + 1
    layout = SheetLayout(kind, numbers, {}, texts, start)
    for index, text in texts.items():
        if (column := column_for(text, kind)) is not None:
            if column.key == "documents" or column.key not in {c.key for c in layout.columns.values()}:
                layout.columns[index] = column  # several document columns; else the first
        elif kind == LOT and (place := place_of_header(text)) is not None:
            layout.stage_places[place if place not in ("san xuat", "") else ""] = index
        elif kind == LOT and (stage := stage_of_header(text)):
            layout.stages[index] = stage
    if kind == LOT:
        _date_columns(table, layout)
    return layout


def _is_header(keys: set[str], stages: int, kind: str) -> bool:
    if kind == STAGE:
        return {"lot", "step", "date"} <= keys
    return "lot" in keys and bool(keys & {"produced", "expires", "best_before", *PRODUCT_KEYS}
                                  or stages)


def _looks_like_data(cells: tuple) -> bool:
    """A row of values (a date, a number) is the first row of data, not a second header row."""
    return any(parse_date(c) is not None or isinstance(c, (int, float)) for c in cells
               if c not in (None, ""))


def _header_texts(grid: Grid, numbers: tuple[int, ...], width: int, kind: str) -> dict[int, str]:
    """Per column, the header over the header rows: the lower row's words where they name a
    column or a stage ("Thu hoạch" under "Công đoạn"), else the upper row's, else both."""
    texts: dict[int, str] = {}
    for column in range(width):
        parts = [" ".join(str(v).split()) for n in numbers
                 if (v := grid.value(n, column, header=True)) not in (None, "")]
        unique = list(dict.fromkeys(parts))
        if not unique:
            continue
        lower = unique[-1]
        if len(unique) > 1 and not _names_something(lower, kind):
            lower = unique[0] if _names_something(unique[0], kind) else " ".join(unique)
        texts[column] = lower
    return texts


def _names_something(text: str, kind: str) -> bool:
    return column_for(text, kind) is not None or (kind == LOT and bool(stage_of_header(text)))


def _date_columns(table: Table, layout: SheetLayout) -> None:
    """Columns whose header names nothing known but whose cells are dates hold a stage each,
    named by the header ("Ngày giao đại lý" -> "Giao đại lý")."""
    for index, text in layout.headers.items():
        if index in layout.columns or index in layout.stages or index in layout.stage_places.values():
            continue
        if header_key(text) in ("stt", "tt", "ghi chu"):
            continue
        values = [r.cells[index] for r in table.rows[layout.start:layout.start + DATE_SAMPLE_ROWS]
                  if index < len(r.cells) and r.cells[index] not in (None, "")]
        if values and sum(1 for v in values if _is_date(v)) >= 0.8 * len(values):
            shown = text.strip()
            for prefix in ("Ngày ", "ngày ", "Date of ", "Date "):
                shown = shown.removeprefix(prefix)
            layout.stages[index] = shown[:1].upper() + shown[1:]


def _is_date(cell: object) -> bool:
    try:
        lot_date(cell)  # type: ignore[arg-type]
    except ValueError:
        return False
    return True


def stage_place_column(layout: SheetLayout, stage: str) -> int | None:
    """The column holding where a column stage was done: its own ('Nơi thu hoạch') or the
    sheet's ('Nơi sản xuất', 'Địa điểm')."""
    return layout.stage_places.get(stage_key(stage), layout.stage_places.get(""))
