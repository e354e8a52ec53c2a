"""Rows of a lot log become lot drafts: one per lot, with the product it belongs to, its values,
its stages (from date columns and from the stage sheet) and the cell each value came from.

Rows that hold no lot code are passed over and listed (a title, a section naming the product of
the rows under it, an example row, a total, a signature); a row with lot data but no code, a lot
code that is no valid code, an unreadable date, a product named ambiguously or not at all are
problems at their cells. A lot written twice for one product is a problem at both rows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

from site_builder.domain.places import ascii_fold
from site_builder.problems import Message
from site_builder.sheets import texts
from site_builder.sheets.annex import Grid, row_texts
from site_builder.sheets.columns import CellError, header_key
from site_builder.sheets.drafts import SheetProblem
from site_builder.sheets.lots.columns import (
    GENERIC_DOCUMENT_HEADERS,
    PRODUCT_KEYS,
    DocumentEntry,
    cell_text,
    cell_text_lines,
    document_entries,
    duration_unit,
    gln_text,
    lot_code,
    lot_date,
    shelf_life,
    split_lines,
    split_list,
    stage_key,
    unit_of_header,
    use_by_from,
)
from site_builder.sheets.lots.find import SheetLayout, Workbook, stage_place_column
from site_builder.sheets.lots.products import Found, ProductFinder
from site_builder.sheets.tables import Cell, Row, Table, column_letter

_NONE = ("-", "–", "—")  # a line of an area column that gives nothing (lots/export.py writes it)
_EXAMPLE = re.compile(r"^(vi du|vd|example|e\.?g\.?|mau)\b")


@dataclass(frozen=True)
class Where:
    """A cell: the sheet's name, the row as Excel numbers it, the column from 0 (None: the row)."""

    sheet: str
    row: int
    column: int | None = None


@dataclass(frozen=True)
class LotProblem(SheetProblem):
    """A problem at a cell of a lot or stage sheet, its sheet named (``sheet_name``) when the
    import reads more than one; a ``question`` lists candidates for a person to choose from."""

    sheet_name: str = ""
    question: bool = False

    @classmethod
    def at_cell(cls, where: Where, header: str, code: str, *, error: bool = True,
                question: bool = False, **values: object) -> LotProblem:
        """The problem ``code`` of the importer's catalogue at a cell."""
        return cls(where.row, where.column, header, code, texts.message(code, **values), error,
                   sheet_name=where.sheet, question=question)

    def format(self, path: Any, lang: str = "vi", sheets: Any = ()) -> str:
        """'so-lo.xlsx:12:C: Mã lô: lỗi: ...'; with several sheets read (``sheets`` true),
        'so-lo.xlsx[Công đoạn]:3:C: ...', as the annex import says it."""
        sheet = f"[{self.sheet_name}]" if sheets and self.sheet_name else ""
        where = f"{path.name}{sheet}:{self.row}" + (f":{column_letter(self.column)}"
                                                    if self.column is not None else "")
        if self.question:
            kind = "question" if lang == "en" else "cần hỏi"
        else:
            kind = ("lỗi" if self.error else "cảnh báo") if lang == "vi" else (
                "error" if self.error else "warning")
        header = f" {self.header}:" if self.header else ""
        return f"{where}:{header} {kind}: {self.en if lang == 'en' else self.vi}"


@dataclass
class EventDraft:
    step: str
    date: date
    place: str | None = None  # None: not given (the producer's name is used)
    gln: str | None = None
    location_code: str | None = None
    actor: str | None = None
    cells: dict[str, Where] = field(default_factory=dict)  # field -> cell

    def data(self) -> dict[str, Any]:
        out: dict[str, Any] = {"step": self.step, "date": self.date, "place": self.place}
        for name in ("gln", "location_code", "actor"):
            if getattr(self, name):
                out[name] = getattr(self, name)
        return out


@dataclass
class AreaDraft:
    name: str
    code: str | None = None
    gln: str | None = None
    where: Where | None = None


@dataclass
class DocumentDraft:
    entry: DocumentEntry
    title: str  # the entry's own, or the column's, or the file's name
    where: Where
    header: str = ""  # its column's


@dataclass
class LotDraft:
    """One lot as the sheet gives it (or only its stages, from a stage sheet)."""

    product: str
    lot: str
    where: Where  # the lot code's cell (a stage row's for a lot only the stage sheet names)
    fields: dict[str, Any] = field(default_factory=dict)  # produced, expires, quantity, ...
    areas: list[AreaDraft] = field(default_factory=list)
    events: list[EventDraft] = field(default_factory=list)
    documents: list[DocumentDraft] = field(default_factory=list)
    cells: dict[str, Where] = field(default_factory=dict)  # field -> cell
    worked: list[Message] = field(default_factory=list)  # values worked out, for the review
    matched: Message | None = None  # how the product was found, where worth saying
    from_lot_sheet: bool = True
    invalid: bool = False  # a cell of its row was reported
    extra_rows: list[Where] = field(default_factory=list)  # its stage rows that were refused

    @property
    def places(self) -> set[tuple[str, int]]:
        """The (sheet, row) of every row that gives this lot something."""
        cells = [self.where, *self.extra_rows, *(e.cells["date"] for e in self.events
                                                 if e.cells.get("date"))]
        return {(w.sheet, w.row) for w in cells}

    @property
    def rows(self) -> list[int]:
        return sorted({row for _, row in self.places})


@dataclass(frozen=True)
class Skipped:
    sheet: str
    row: int
    kind: str  # blank-ish rows are not listed; example, section, note, hidden
    text: str


@dataclass
class LotRead:
    drafts: list[LotDraft]
    problems: list[LotProblem]
    skipped: list[Skipped]
    notes: dict[str, list[tuple[Where, Message]]]  # kind of note -> where and what
    title_product: tuple[str, int] | None = None  # (id, row) a title named for the sheet
    failed: list[tuple[Where, str]] = field(default_factory=list)  # lot rows with no product or
    # no valid code: (the lot cell, what it says)


class LotReader:
    """Reads the lot and stage sheets of a workbook; one instance per import."""

    def __init__(self, workbook: Workbook, finder: ProductFinder) -> None:
        self.workbook, self.finder = workbook, finder
        self.problems: list[LotProblem] = []
        self.skipped: list[Skipped] = []
        self.drafts: list[LotDraft] = []
        self.notes: dict[str, list[tuple[Where, Message]]] = {}
        self.title_product: tuple[str, int] | None = None
        self.unplaced: set[str] = set()  # lot codes of rows whose product is not known
        self.failed: list[tuple[Where, str]] = []
        self.nameless: list[Where] = []  # lot rows that name no product

    def read(self) -> LotRead:
        for table, layout in self.workbook.lots:
            self._lot_sheet(table, layout)
        self._say_nameless()
        self._repeated_lots()
        for table, layout in self.workbook.stages:
            self._stage_sheet(table, layout)
        for draft in self.drafts:
            self._default_places(draft)
        return LotRead(self.drafts, self.problems, self.skipped, self.notes, self.title_product,
                       self.failed)

    def _problem(self, where: Where, header: str, code: str, **values: Any) -> None:
        self.problems.append(LotProblem.at_cell(where, header, code, **values))

    def _note(self, kind: str, where: Where, message: Message) -> None:
        self.notes.setdefault(kind, []).append((where, message))

    # --- the lot sheet ------------------------------------------------------------------------

    def _lot_sheet(self, table: Table, layout: SheetLayout) -> None:
        grid = Grid(table, set(layout.header_rows))
        context = self._title_product(table, layout)
        if layout.index_of("produced") is None:
            self._problem(Where(table.sheet, layout.header_rows[-1]), "", "no_column_produced")
        for row in table.rows[layout.start:]:
            cells = {i: grid.value(row.number, i) for i in layout.headers}
            if row.number in table.hidden_rows:
                self.skipped.append(Skipped(table.sheet, row.number, "hidden", _joined(row)))
                continue
            lot_index = layout.index_of("lot")
            lot_cell = cells.get(lot_index) if lot_index is not None else None
            if _EXAMPLE.match(ascii_fold(_joined(row))):
                self.skipped.append(Skipped(table.sheet, row.number, "example", _joined(row)))
                continue
            if (lot_cell in (None, "") and (row.number, lot_index) not in table.cell_errors) or \
                    not _holds_a_lot(layout, cells, lot_cell):
                context = self._not_a_lot(table, layout, row, cells, context)
                continue
            draft = self._lot_row(table, layout, row, cells, context)
            if draft is not None:
                self.drafts.append(draft)

    def _title_product(self, table: Table, layout: SheetLayout) -> str | None:
        """The product a title row names ("SỔ THEO DÕI LÔ - MẬT ONG HOA NHÃN MỸ SƠN"), for a
        sheet without a product column."""
        if any(layout.index_of(k) is not None for k in PRODUCT_KEYS):
            return None
        for row in table.rows[:layout.start]:
            if row.number >= layout.header_rows[0]:
                break
            found = self.finder.in_title(row_texts(row))
            if found is not None and found.id:
                self.title_product = (found.id, row.number)
                return found.id
        return None

    def _not_a_lot(self, table: Table, layout: SheetLayout, row: Row, cells: dict[int, Cell],
                   context: str | None) -> str | None:
        """A row without a lot code: a problem when it holds lot data (a date, a quantity), else
        passed over; a section row naming a product sets the product of the rows below."""
        where = Where(table.sheet, row.number, layout.index_of("lot"))
        data_keys = ("produced", "expires", "best_before", "quantity")
        if any(cells.get(i) not in (None, "") for k in data_keys for i in layout.indexes_of(k)) \
                or any(cells.get(i) not in (None, "") for i in layout.stages):
            self._problem(where, layout.headers.get(where.column or 0, ""), "lot_missing")
            return context
        text = _joined(row)
        if not text:
            return context
        found = self.finder.find([t for t in row_texts(row) if not re.fullmatch(r"[\dIVXivx.]+", t)])
        if found.id and found.how is None:
            self.skipped.append(Skipped(table.sheet, row.number, "section", text))
            return found.id
        self.skipped.append(Skipped(table.sheet, row.number, "note", text))
        return context

    def _lot_row(self, table: Table, layout: SheetLayout, row: Row, cells: dict[int, Cell],
                 context: str | None) -> LotDraft | None:
        sheet = table.sheet
        reported = self._cell_errors(table, layout, row)
        lot_index = layout.index_of("lot")
        assert lot_index is not None
        where = Where(sheet, row.number, lot_index)
        code: str | None = None
        if lot_index not in reported:
            try:
                code = lot_code(cells[lot_index])
            except CellError as exc:
                self.problems.append(LotProblem(row.number, lot_index, layout.headers[lot_index],
                                                exc.code, exc.message, sheet_name=sheet))
        found = self._product(layout, cells, context, Where(sheet, row.number))
        draft = LotDraft(found.id or "", code or "", where, matched=found.how)
        draft.cells["lot"] = where
        self._values(table, layout, row, cells, draft, reported)
        if code is None or not found.id:
            if code:
                self.unplaced.add(code.casefold())  # its stages are not reported again
            self.failed.append((where, code or cell_text(cells.get(lot_index))))
            return None
        return draft

    def _cell_errors(self, table: Table, layout: SheetLayout, row: Row) -> set[int]:
        """Cells the file reader could not read (a formula without its result, text in no known
        encoding), reported at their cell; returns their columns."""
        reported = set()
        for index in layout.headers:
            if (row.number, index) in table.cell_errors:
                vi, en = table.cell_errors[(row.number, index)]
                self.problems.append(LotProblem(row.number, index, layout.headers[index],
                                                "cell_unreadable", Message(vi, en),
                                                sheet_name=table.sheet))
                reported.add(index)
        return reported

    def _product(self, layout: SheetLayout, cells: dict[int, Cell], context: str | None,
                 where: Where) -> Found:
        indexes = [i for k in PRODUCT_KEYS for i in layout.indexes_of(k)]
        given = [cell_text(cells.get(i)) for i in indexes if cells.get(i) not in (None, "")]
        producer_index = layout.index_of("producer")
        producer = cell_text(cells.get(producer_index)) if producer_index is not None else ""
        if not given and context:
            return Found(context)
        found = self.finder.find(given, producer)
        if found.id:
            return found
        column = next((i for i in indexes if cells.get(i) not in (None, "")), indexes[0]
                      if indexes else None)
        header = layout.headers.get(column, "") if column is not None else ""
        at = replace(where, column=column)
        listed = "; ".join(k.shown() for k in found.candidates)
        if found.code == "product_missing":
            self.nameless.append(at)  # said once for the sheet, with its rows
        elif found.code == "product_conflict":
            first, other = found.candidates
            self._problem(at, header, "product_conflict", text=found.text, first=first.shown(),
                          other=other.shown())
        elif found.code == "product_ambiguous":
            self.problems.append(LotProblem.at_cell(at, header, "product_ambiguous", question=True,
                                               text=found.text, candidates=listed))
        elif found.code == "product_record_broken":
            self._problem(at, header, "product_record_broken", text=found.text)
        elif found.candidates:
            self._problem(at, header, "product_unknown_near", text=found.text, candidates=listed)
        else:
            self._problem(at, header, "product_unknown", text=found.text)
        return found

    def _values(self, table: Table, layout: SheetLayout, row: Row, cells: dict[int, Cell],
                draft: LotDraft, reported: set[int]) -> None:
        """Every value of a lot row into ``draft``; unreadable cells reported (the draft is then
        marked invalid)."""
        sheet = table.sheet

        def cell(key: str) -> tuple[Cell, Where, str] | None:
            index = layout.index_of(key)
            if index is None or index in reported or cells.get(index) in (None, ""):
                return None
            return cells[index], Where(sheet, row.number, index), layout.headers[index]

        def fail(at: Where, header: str, exc: CellError) -> None:
            self.problems.append(LotProblem(at.row, at.column, header, exc.code, exc.message,
                                            sheet_name=sheet))
            draft.invalid = True

        produced = None
        if (given := cell("produced")) is not None:
            try:
                produced, note = lot_date(given[0])
                draft.fields["produced"], draft.cells["produced"] = produced, given[1]
                if note:
                    self._note("two_digit_year", given[1], note)
            except CellError as exc:
                fail(given[1], given[2], exc)
        elif (index := layout.index_of("produced")) is not None and index not in reported:
            self._problem(Where(sheet, row.number, index), layout.headers[index], "produced_missing")
            draft.invalid = True
        else:
            draft.invalid = True  # no column: said once for the sheet
        for key in ("expires", "best_before"):
            if (given := cell(key)) is not None:
                try:
                    self._use_by(draft, key, given, produced)
                except CellError as exc:
                    fail(given[1], given[2], exc)
        if (given := cell("quantity")) is not None:
            unit = unit_of_header(given[2])
            text = cell_text(given[0])
            draft.fields["quantity"] = f"{text} {unit}" if unit and re.fullmatch(r"[\d.,]+", text) \
                else text
            draft.cells["quantity"] = given[1]
        if (given := cell("standards")) is not None:
            draft.fields["standards"], draft.cells["standards"] = split_list(given[0]), given[1]
        self._areas(draft, cell("area"), cell("area_code"), cell("area_gln"))
        for index in layout.indexes_of("documents"):
            if index in reported or cells.get(index) in (None, ""):
                continue
            at = Where(sheet, row.number, index)
            try:
                entries = document_entries(cells[index])
            except CellError as exc:
                fail(at, layout.headers[index], exc)
                continue
            header = layout.headers[index]
            generic = header_key(header) in GENERIC_DOCUMENT_HEADERS
            for entry in entries:
                title = entry.title or (_file_title(entry) if generic else header.strip())
                draft.documents.append(DocumentDraft(entry, title, at, header))
        for index, stage in layout.stages.items():
            if index in reported or cells.get(index) in (None, ""):
                continue
            at = Where(sheet, row.number, index)
            try:
                day, note = lot_date(cells[index])
            except CellError as exc:
                fail(at, layout.headers[index], exc)
                continue
            if note:
                self._note("two_digit_year", at, note)
            event = EventDraft(stage, day, cells={"step": at, "date": at})
            place_index = stage_place_column(layout, stage)
            if place_index is not None and cells.get(place_index) not in (None, ""):
                event.place = cell_text(cells[place_index])
                event.cells["place"] = Where(sheet, row.number, place_index)
            draft.events.append(event)
        if reported:
            draft.invalid = True

    def _use_by(self, draft: LotDraft, key: str, given: tuple[Cell, Where, str],
                produced: date | None) -> None:
        value, at, header = given
        duration = shelf_life(value, duration_unit(header))
        if duration is not None:
            if produced is None:
                return  # the production date's own problem is reported
            amount, unit = duration
            day = use_by_from(produced, amount, unit)
            draft.worked.append(texts.message("use_by_counted", text=cell_text(value),
                                              produced=produced, day=day))
            self._note("use_by_counted", at, texts.message("use_by_counted", text=cell_text(value),
                                                            produced=produced, day=day))
        else:
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                raise CellError("use_by_number", text=cell_text(value))
            day, note = lot_date(value)
            if note:
                self._note("two_digit_year", at, note)
        draft.fields[key], draft.cells[key] = day, at

    def _areas(self, draft: LotDraft, names: tuple | None, codes: tuple | None,
               glns: tuple | None) -> None:
        """Areas one per line, each name with the code and GLN on the same line of their cells;
        an area given by its code alone is named by it."""
        name_list = split_lines(names[0]) if names else []
        code_list = split_lines(codes[0]) if codes else []
        gln_list = [gln_text(g) for g in split_lines(glns[0])] if glns else []
        for i in range(max(len(name_list), len(code_list), len(gln_list))):
            code = code_list[i] if i < len(code_list) and code_list[i] not in _NONE else None
            name = name_list[i] if i < len(name_list) and name_list[i] not in _NONE else None
            if name is None:
                name = texts.message("area_named_by_code", number=code or "—").vi
            gln = gln_list[i] if i < len(gln_list) and gln_list[i] not in _NONE else None
            draft.areas.append(AreaDraft(name, code, gln,
                                         (names or codes or glns)[1]))  # type: ignore[index]

    def _say_nameless(self) -> None:
        """Lots that name no product: one problem at the first, listing the rows (a log without
        a product column says it on every row)."""
        if not self.nameless:
            return
        first = self.nameless[0]
        problem = LotProblem.at_cell(first, "", "product_missing")
        if len(self.nameless) > 1:
            rows = ", ".join(str(w.row) for w in self.nameless[:8]) + (
                ", …" if len(self.nameless) > 8 else "")
            listed = texts.message("rows_listed", count=len(self.nameless), rows=rows)
            problem = replace(problem, message=Message(problem.vi + listed.vi, problem.en + listed.en))
        self.problems.append(problem)

    # --- lots written twice -------------------------------------------------------------------

    def _repeated_lots(self) -> None:
        seen: dict[tuple[str, str], list[LotDraft]] = {}
        for draft in self.drafts:
            seen.setdefault((draft.product, draft.lot.casefold()), []).append(draft)
        for same in seen.values():
            if len(same) < 2:
                continue
            rows = ", ".join(str(d.where.row) for d in same)
            for draft in same:
                draft.invalid = True
                self._problem(draft.where, "", "lot_repeated", lot=draft.lot, id=draft.product,
                              rows=rows)

    # --- the stage sheet ----------------------------------------------------------------------

    def _stage_sheet(self, table: Table, layout: SheetLayout) -> None:
        grid = Grid(table, set(layout.header_rows))
        by_lot: dict[str, list[LotDraft]] = {}
        for lot_draft in self.drafts:
            by_lot.setdefault(lot_draft.lot.casefold(), []).append(lot_draft)
        for row in table.rows[layout.start:]:
            cells = {i: grid.value(row.number, i) for i in layout.headers}
            if row.number in table.hidden_rows:
                self.skipped.append(Skipped(table.sheet, row.number, "hidden", _joined(row)))
                continue
            if _EXAMPLE.match(ascii_fold(_joined(row))):
                self.skipped.append(Skipped(table.sheet, row.number, "example", _joined(row)))
                continue
            event, lot = self._stage_row(table, layout, row, cells)
            if lot is None:
                continue
            product_index = layout.index_of("product_id")
            product_text = cell_text(cells.get(product_index)) if product_index is not None else ""
            where = Where(table.sheet, row.number, layout.index_of("lot"))
            draft = self._lot_of_stage(lot, product_text, by_lot, where, layout)
            if draft is not None and event is not None:
                _add_stage(draft, event)
            elif draft is not None:
                draft.extra_rows.append(where)  # its problems are shown beside the lot

    def _stage_row(self, table: Table, layout: SheetLayout, row: Row, cells: dict[int, Cell]
                   ) -> tuple[EventDraft | None, str | None]:
        sheet, number = table.sheet, row.number
        values: dict[str, tuple[Cell, Where, str]] = {}
        for index, column in layout.columns.items():
            if cells.get(index) not in (None, "") or (number, index) in table.cell_errors:
                values[column.key] = (cells[index], Where(sheet, number, index), layout.headers[index])
        if not {"lot", "step", "date"} & set(values):
            if _joined(row):
                self.skipped.append(Skipped(sheet, number, "note", _joined(row)))
            return None, None
        reported = self._cell_errors(table, layout, row)
        ok = not reported
        for key in [k for k, v in values.items() if v[1].column in reported]:
            del values[key]  # said once, by the file reader's message
        ways = {"lot": "stage_lot_missing", "step": "stage_step_missing", "date": "stage_date_missing"}
        for key, code in ways.items():
            at = layout.index_of(key)
            if key not in values and at not in reported:
                header = layout.headers[at] if at is not None else ""
                self._problem(Where(sheet, number, at), header, code)
                ok = False
        lot = day = None
        if "lot" in values:
            try:
                lot = lot_code(values["lot"][0])
            except CellError as exc:
                self.problems.append(LotProblem(number, values["lot"][1].column, values["lot"][2],
                                                exc.code, exc.message, sheet_name=sheet))
                ok = False
        if "date" in values:
            try:
                day, note = lot_date(values["date"][0])
                if note:
                    self._note("two_digit_year", values["date"][1], note)
            except CellError as exc:
                self.problems.append(LotProblem(number, values["date"][1].column, values["date"][2],
                                                exc.code, exc.message, sheet_name=sheet))
                ok = False
        if not ok or day is None:
            return None, lot
        event = EventDraft(cell_text(values["step"][0]), day,
                           cells={k: v[1] for k, v in values.items()
                                  if k in ("step", "date", "place", "gln", "location_code", "actor")})
        if "place" in values:
            event.place = cell_text_lines(values["place"][0]).replace("\n", ", ")
        if "gln" in values:
            event.gln = gln_text(values["gln"][0])
        for key in ("location_code", "actor"):
            if key in values:
                setattr(event, key, cell_text(values[key][0]))
        return event, lot

    def _lot_of_stage(self, lot: str, product_text: str, by_lot: dict[str, list[LotDraft]],
                      where: Where, layout: SheetLayout) -> LotDraft | None:
        """The lot a stage row belongs to: one of the lot sheet's, else one the catalog holds;
        a product column tells apart lots that share a code."""
        product = self.finder.find([product_text]).id if product_text else None
        drafts = [d for d in by_lot.get(lot.casefold(), []) if product in (None, d.product)]
        if len(drafts) == 1:
            return drafts[0]
        owners = [] if drafts else [p for p in self.finder.lot_owners(lot) if product in (None, p)]
        header = layout.headers.get(where.column or 0, "")
        if len(drafts) > 1 or len(owners) > 1:
            ids = sorted({d.product for d in drafts} | set(owners))
            self._problem(where, header, "stage_lot_ambiguous", lot=lot, ids=", ".join(ids))
            return None
        if not owners:
            if lot.casefold() not in self.unplaced:
                self._problem(where, header, "stage_lot_unknown", lot=lot)
            return None
        draft = LotDraft(owners[0], lot, where, from_lot_sheet=False)
        draft.lot = next(x for x in self.finder.known[owners[0]].lots if x.casefold() == lot.casefold())
        self.drafts.append(draft)
        by_lot.setdefault(lot.casefold(), []).append(draft)
        return draft

    def _default_places(self, draft: LotDraft) -> None:
        """A stage whose place the sheet does not give took place at the producer's: its name is
        the place, and the review says so."""
        known = self.finder.known.get(draft.product)
        for event in draft.events:
            if event.place is None and known is not None:
                event.place = known.producer
                at = event.cells.get("date") or draft.where
                self._note("place_from_producer", at, texts.message(
                    "place_from_producer", step=event.step, producer=known.producer))


def _add_stage(draft: LotDraft, event: EventDraft) -> None:
    """A stage-sheet row adds a stage, or completes the one a date column of the lot sheet gave
    (same step, same day) with its place and who did it."""
    same = next((e for e in draft.events if stage_key(e.step) == stage_key(event.step)
                 and e.date == event.date and "step" in e.cells and e.cells["step"].sheet
                 != event.cells["step"].sheet), None)
    if same is None:
        draft.events.append(event)
        return
    for name in ("place", "gln", "location_code", "actor"):
        if getattr(event, name) and not getattr(same, name):
            setattr(same, name, getattr(event, name))
            same.cells[name] = event.cells[name]


def _holds_a_lot(layout: SheetLayout, cells: dict[int, Cell], lot_cell: Cell) -> bool:
    """A row with a lot code, or with words in the lot column beside lot data; words alone there
    ("Nho sấy Nhơn Sơn", "Tháng 6/2025") are a section title over the lots below."""
    try:
        lot_code(lot_cell)
        return True
    except CellError:
        pass
    data = [i for k in ("produced", "expires", "best_before", "quantity", "area", "area_code",
                        "documents") for i in layout.indexes_of(k)] + list(layout.stages)
    return isinstance(lot_cell, date) or any(cells.get(i) not in (None, "") for i in data)


def _joined(row: Row) -> str:
    return " ".join(row_texts(row))


def _file_title(entry: DocumentEntry) -> str:
    """A document's title where the sheet gives none: its file's name without the extension
    ('Phiếu kiểm nghiệm lô MO2506.pdf'), or the link's last part."""
    target = entry.file or entry.url or ""
    name = re.split(r"[\\/]", target.rstrip("/"))[-1]
    stem = Path(name).stem if entry.file else name
    return " ".join(stem.replace("_", " ").split()) or target

