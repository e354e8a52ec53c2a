"""Rows of a sheet become product drafts: one per product, with one certification per row.

A row's cells are turned into record values; what the list does not state is worked out
(producer type, product set, regime, post-2025 place) and each such value is kept with the words
it came from, for the review and for the record's ``to_confirm``. Facts stated once for the sheet
(decision, date, authority, province) fill the rows that do not repeat them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date
from difflib import SequenceMatcher
from typing import Any

from site_builder.domain import place_history, places
from site_builder.domain.places import ascii_fold
from site_builder.domain.taxonomy import PRODUCER_TYPES, PRODUCT_SETS, REGIMES
from site_builder.problems import Message
from site_builder.records.schema import ID_PATTERN
from site_builder.sheets import inference, texts
from site_builder.sheets.annex import (
    At,
    Context,
    Grid,
    Layout,
    SheetFacts,
    Skipped,
    address_part,
    marked,
    section_context,
    skip_kind,
    split_decision,
    stated_count,
)
from site_builder.sheets.columns import CERTIFICATION, COLUMNS, CellError, Column, SetWords, parse_cell
from site_builder.sheets.tables import Row, Table, column_letter


@dataclass(frozen=True)
class SheetProblem:
    """A problem with a row or the sheet: ``code`` names it (in the importer's catalogue, or the
    records' one for what ``ocop check`` found) and ``message`` holds its texts."""

    row: int
    column: int | None
    header: str
    code: str
    message: Message
    error: bool = True
    sheet: int = 0  # the sheet's place among the sheets read (At.sheet)
    grouped: bool = False  # said once for many rows (named in the message)

    @classmethod
    def of(cls, at: At | int, column: int | None, header: str, code: str, *, error: bool = True,
           **values: object) -> SheetProblem:
        """The problem ``code`` of the importer's catalogue, its texts filled with ``values``."""
        sheet, row = (at.sheet, at.row) if isinstance(at, At) else (0, at)
        return cls(row, column, header, code, texts.message(code, **values), error, sheet)

    @property
    def at(self) -> At:
        return At(self.sheet, self.row)

    @property
    def vi(self) -> str:
        return self.message.vi

    @property
    def en(self) -> str:
        return self.message.en

    def format(self, path: Any, lang: str = "vi", sheets: tuple[str, ...] = ()) -> str:
        """'ds.xlsx:12:F: Điểm: lỗi: ...'; with several sheets read, 'ds.xlsx[4 sao]:12:F: ...'
        (Excel allows no brackets in a sheet's name)."""
        sheet = f"[{sheets[self.sheet]}]" if len(sheets) > 1 else ""
        where = f"{path.name}{sheet}:{self.row}" + (f":{column_letter(self.column)}"
                                                    if self.column is not None else "")
        kind = ("lỗi" if self.error else "cảnh báo") if lang == "vi" else (
            "error" if self.error else "warning")
        header = f" {self.header}:" if self.header else ""
        return f"{where}:{header} {kind}: {self.en if lang == 'en' else self.vi}"


@dataclass(frozen=True)
class Worked:
    """A value the list did not state: shown in the review, kept in ``to_confirm``."""

    field: str
    shown: str  # the value as a person reads it
    vi: str  # where it came from
    en: str
    question: bool = False  # True: not decided; the text lists the candidates
    quiet: bool = False  # True: the same for every row, said once for the sheet in the review
    shown_en: str = ""  # the value in English where it has an English name

    def value(self, lang: str) -> str:
        return self.shown_en if lang == "en" and self.shown_en else self.shown


@dataclass
class Draft:
    """One product as the sheet gives it."""

    id: str
    rows: list[At]
    data: dict[str, Any] = field(default_factory=dict)
    cells: dict[str, tuple[At, int]] = field(default_factory=dict)  # field path -> (row, col)
    unreadable: set[str] = field(default_factory=set)  # field paths whose cell was reported
    first_row: dict[str, Any] = field(default_factory=dict)  # product columns, as first given
    shop_kinds: set[str] = field(default_factory=set)  # storefront columns the sheet fills
    worked: list[Worked] = field(default_factory=list)
    matched: tuple[str, str] | None = None  # how an existing record was found: (vi, en)
    old_unit: str = ""  # the pre-2025 unit its address names ("Xã …, Huyện …, Tỉnh …")


@dataclass
class SheetRead:
    """What the sheets of one import hold: products, problems, rows that are not products."""

    drafts: list[Draft]
    problems: list[SheetProblem]
    skipped: list[Skipped]
    blocked: set[At] = field(default_factory=set)  # rows waiting on a question for the sheet
    # Per sheet, required fields no column, title or option gives: no product of it is complete.
    missing: dict[int, set[str]] = field(default_factory=dict)
    product_rows: dict[int, list[At]] = field(default_factory=dict)  # per sheet


@dataclass(frozen=True)
class Existing:
    """What identifies a record already in the catalog."""

    id: str
    name: str
    producer: str
    ocop_codes: tuple[str, ...]
    decisions: tuple[str, ...]
    latest_stars: int


def name_key(text: str) -> str:
    """Names compared as people mean them: no diacritics or case, common abbreviations spelt out."""
    key = re.sub(r"[^a-z0-9]+", " ", ascii_fold(str(text)))
    for short, full in (("htx", "hop tac xa"), ("cty", "cong ty"), ("tht", "to hop tac"),
                        ("hkd", "ho kinh doanh"), ("cs", "co so"), ("tnhh", "trach nhiem huu han")):
        key = re.sub(rf"\b{short}\b", full, key)
    return re.sub(r"\s+", " ", key).strip()


def _same_name(given: str, held: str) -> bool:
    """Names of one product: the same words, one completing the other ("Mật ong hoa nhãn" and
    "Mật ong hoa nhãn Mỹ Sơn"), or a typing slip apart; "Rượu nếp" and "Rượu sâm" are two."""
    a, b = name_key(given), name_key(held)
    if a == b or set(a.split()) <= set(b.split()) or set(b.split()) <= set(a.split()):
        return True
    return SequenceMatcher(None, a, b).ratio() >= 0.9


def _before_2025(how: str, word: str) -> str:
    """'xã Mỹ Sơn, huyện Ninh Sơn (cũ) → Xã Mỹ Sơn, Khánh Hòa; note' -> 'cũ: xã Mỹ Sơn, huyện
    Ninh Sơn; note': beside the new commune, the old one is what a person checks."""
    first, _, rest = how.partition("; ")
    old, arrow, _ = first.partition(f" ({word}) → ")
    return f"{word}: {old}" + (f"; {rest}" if rest else "") if arrow else how


def _shown(record: Existing) -> str:
    return _shown_row(record.name, record.producer)


def _shown_row(name: object, producer: object) -> str:
    return " — ".join(str(v) for v in (name, producer) if v)


def slug(text: str) -> str:
    found = re.sub(r"[^a-z0-9]+", "-", ascii_fold(text)).strip("-")[:40].strip("-")
    return found or "san-pham"


def set_path(data: dict, path: str, value: Any) -> None:
    parts = path.split(".")
    for part in parts[:-1]:
        data = data.setdefault(part, {})
    data[parts[-1]] = value


def _bare(place: str) -> str:
    """'huyện Ninh Sơn' -> 'ninh son': what must already appear in an address to name the place."""
    return re.sub(r"^(tinh|thanh pho|huyen|thi xa|quan|xa|phuong|thi tran|tp\.?) ", "",
                  ascii_fold(place)).strip()


_NAMES_COMMUNE = re.compile(r"\b(xa|phuong|thi tran|tt|p|x)[ .]\s*\S")
_NAMES_DISTRICT = re.compile(r"\b(huyen|quan|thi xa|thanh pho|tp|tx|h)[ .]\s*\S")


COLUMNS_BY_PATH = {c.path: c for c in COLUMNS}
# How the place data says a province or district was taken from the list rather than the address.
_HINT_NOTES = (("địa chỉ không ghi tỉnh", "địa chỉ không ghi huyện"),
               ("the address names no province", "the address names no district"))
CELL_UNREADABLE = "cell_unreadable"  # a cell the file reader could not read (its texts come along)
# An authority written as its level only: the level of the people's committee it is.
_AUTHORITY_LEVELS = {"tinh": "tỉnh", "cap tinh": "tỉnh", "ubnd tinh": "tỉnh", "ubnd cap tinh": "tỉnh",
                     "huyen": "huyện", "cap huyen": "huyện", "ubnd huyen": "huyện",
                     "ubnd cap huyen": "huyện"}
_OFFICE_CODE = re.compile(r"[A-Za-z0-9]+(?:[-_.][A-Za-z0-9]+)+")
_KINDS = {"first": ("lần đầu", "first"), "upgrade": ("nâng hạng", "upgrade"),
          "re-evaluation": ("đánh giá lại", "re-evaluation")}


class _Totals:
    """The counts a sheet's total rows state, checked against the product rows above them: all
    of them, those since the previous total row (a district's subtotal), counted as rows
    ("lượt") or as products; a total that fits none is a warning."""

    def __init__(self) -> None:
        self.rows: list[str | None] = []  # each product row's product id (None: refused)
        self.stated: list[tuple[At, int, int, int]] = []  # (row, count, rows above, last total)

    def product(self, product_id: str | None) -> None:
        self.rows.append(product_id)

    def total(self, at: At, count: int | None) -> None:
        last = self.stated[-1][2] if self.stated else 0
        if count is not None:
            self.stated.append((at, count, len(self.rows), last))

    def mismatches(self) -> list[SheetProblem]:
        problems = []
        for at, count, above, last in self.stated:
            scopes = [self.rows[last:above], self.rows[:above], self.rows]
            fits = {n for scope in scopes for n in (len(scope), len(set(scope)))}
            if count not in fits:
                problems.append(SheetProblem.of(at, None, "", "total_mismatch", stated=count,
                                                read=len(scopes[0] or self.rows), error=False))
        return problems


class SheetReader:
    """Reads the rows below each sheet's header into drafts; one instance per import, so that a
    product is one draft whichever sheet its rows are on."""

    def __init__(self, existing: list[Existing], sheet_names: tuple[str, ...] = ("",),
                 leave_out: set[At] | None = None) -> None:
        self.sheet_names = sheet_names
        self.leave_out = leave_out or set()  # rows with errors, read without them
        self.problems: list[SheetProblem] = []
        self.skipped: list[Skipped] = []
        self.drafts: dict[str, Draft] = {}
        self.by_code = {code.casefold(): e for e in existing for code in e.ocop_codes}
        self.records_by_name = {(name_key(e.name), name_key(e.producer)): e for e in existing}
        self.by_name = dict(self.records_by_name)  # and the products this import makes
        self.records_by_product: dict[str, list[Existing]] = {}
        for record in existing:
            self.records_by_product.setdefault(name_key(record.name), []).append(record)
        self.existing = {e.id: e for e in existing}
        self.taken = set(self.existing)
        self.regime_questions: dict[date, list[At]] = {}
        self.missing: dict[int, set[str]] = {}
        self.product_rows: dict[int, list[At]] = {}
        self.layouts: dict[int, Layout] = {}

    # --- rows ---------------------------------------------------------------------------------

    def read_sheet(self, index: int, table: Table, layout: Layout, facts: SheetFacts) -> None:
        """The rows of one sheet (``index``: its place among the sheets read)."""
        self.index, self.table, self.layout, self.facts = index, table, layout, facts
        self.layouts[index] = layout
        self.grid = Grid(table, set(layout.header_rows))
        rows = self.product_rows.setdefault(index, [])
        totals = _Totals()
        context = Context(province=facts.province, district=facts.district)
        after_signature = False
        for row in table.rows[layout.start:]:
            skipped = skip_kind(row, layout, self.grid, after_signature)
            if skipped is None:
                rows.append(self._at(row))
                left_out = self._at(row) in self.leave_out
                totals.product(None if left_out else self._product_row(row, context))
                continue
            self.skipped.append(replace(skipped, sheet=index))
            if skipped.kind == "signature":
                after_signature = True
            elif skipped.kind == "total":
                totals.total(self._at(row), stated_count(skipped.text))
            elif skipped.kind == "section":
                context = section_context(skipped.text, context)
        self.problems.extend(totals.mismatches())
        self.missing[index] = self._ask_missing_columns()

    def read(self) -> SheetRead:
        """Everything read, once every sheet is."""
        self._ask_regimes()
        blocked = {row for rows in self.regime_questions.values() for row in rows}
        return SheetRead(list(self.drafts.values()), self.problems, self.skipped, blocked,
                         self.missing, self.product_rows)

    def _at(self, row: Row) -> At:
        return At(self.index, row.number)

    def _row_name(self, at: At) -> str:
        """A row as a message names it: '12', or '12 (trang «3 sao»)' on another sheet."""
        if at.sheet == self.index:
            return str(at.row)
        return f"{at.row} («{self.sheet_names[at.sheet]}»)"

    def _certifies(self) -> bool:
        """Whether the sheet's rows are certifications: it has a certification column, or its
        title or the command line gives a star level or a decision for every row."""
        return any(c.level == CERTIFICATION for c in self.layout.columns.values()) or bool(
            self.layout.star_marks or self.facts.stars or self.facts.decision)

    def _ask_missing_columns(self) -> set[str]:
        """A required value that no column holds and no title row or option gives is one
        problem for the sheet, saying where to give it, not one per row."""
        facts, paths = self.facts, self.layout.paths
        ways = {  # field -> (the header it is reported under, the problem saying how to give it)
            "stars": ("Số sao", "no_column_stars"),
            "decision": ("Số quyết định", "no_column_decision"),
            "decision_date": ("Ngày quyết định", "no_column_decision_date"),
            "authority": ("Cơ quan công nhận", "no_column_authority"),
            "producer.name": ("Chủ thể", "no_column_producer"),
            "producer.address_on_certificate": ("Địa chỉ", "no_column_address"),
        }
        given = {"decision": facts.decision, "decision_date": facts.decision_date,
                 "authority": facts.authority, "stars": facts.stars}
        missing: set[str] = set()
        certifies = self._certifies()
        rows = set(self.product_rows.get(self.index, ()))
        new = any(d.id not in self.existing and rows.intersection(d.rows)
                  for d in self.drafts.values())
        for path, (header, code) in ways.items():
            if path in paths or given.get(path) or (path == "decision_date" and "decision" in paths):
                continue
            if not (certifies if path in ("stars", "decision", "decision_date", "authority")
                    else new):
                continue  # a sheet that completes existing records (a to-do sheet coming back)
            if path == "producer.address_on_certificate" and {"producer.commune", "district"} & paths:
                continue
            missing.add(path)
            self.problems.append(SheetProblem.of(At(self.index, self.layout.header_rows[-1]), None,
                                                 header, code))
        return missing

    def _cell(self, row: Row, path: str) -> Any:
        index = self.layout.index_of(path)
        return None if index is None else self.grid.value(row.number, index)

    def _product_row(self, row: Row, context: Context) -> str | None:
        """Reads one product row into its draft; the draft's id, or None when refused."""
        if self._too_wide(row):
            return None
        values = self._values(row)
        if values is None:
            return None
        draft = self._draft_for(row, values)
        if draft is None:
            return None
        first = not draft.rows
        draft.rows.append(self._at(row))
        self._product_fields(draft, row, values, first)
        if first:
            self._complete_product(draft, row, values, context)
        self._certification(draft, row, values)
        return draft.id

    def _too_wide(self, row: Row) -> bool:
        """A CSV row with more cells than its header has shifted its values (most often a
        decimal comma written without quotes: 72,5); reading it would be a guess."""
        if self.table.encoding in ("xlsx", "xls") or not self.layout.headers:
            return False
        width = max(self.layout.headers) + 1
        extra = [i for i, c in enumerate(row.cells) if i >= width and c not in (None, "")]
        if extra:
            self.problems.append(SheetProblem.of(self._at(row), extra[0], "", "row_shifted",
                                                 cells=max(extra) + 1, width=width))
        return bool(extra)

    def _values(self, row: Row) -> dict[str, tuple[Any, int, Column]] | None:
        """The parsed value of each used column of the row: path -> (value, column index, column).
        Unreadable cells are reported here; the row still counts as a product."""
        values: dict[str, tuple[Any, int, Column]] = {}
        for index, column in self.layout.columns.items():
            cell = self.grid.value(row.number, index)
            if cell in (None, "") and (row.number, index) not in self.table.cell_errors:
                continue
            if (row.number, index) in self.table.cell_errors:
                vi, en = self.table.cell_errors[(row.number, index)]
                self.problems.append(SheetProblem(row.number, index, column.vi, CELL_UNREADABLE,
                                                  Message(vi, en), sheet=self.index))
                values[column.path] = (None, index, column)
                continue
            try:
                parsed = parse_cell(column, cell)
            except SetWords:
                parsed = str(cell).strip()  # group words: the set is worked out from them
                column = Column("group", column.vi, column.en, "text", stored=False)
            except CellError as exc:
                self.problems.append(SheetProblem(row.number, index, column.vi, exc.code,
                                                  exc.message, sheet=self.index))
                values[column.path] = (None, index, column)
                continue
            if column.kind == "text" and isinstance(parsed, str) and not column.path.startswith(
                    "story"):
                parsed = " ".join(parsed.split())  # a name typed over two lines in its cell
            values[column.path] = (parsed, index, column)
        if self.layout.star_marks:
            self._marked_stars(row, values)
        return values

    def _marked_stars(self, row: Row, values: dict[str, tuple[Any, int, Column]]) -> None:
        """The level marked ("x") in one of the columns "3 sao", "4 sao", "5 sao"."""
        found = [(i, level) for i, level in sorted(self.layout.star_marks.items())
                 if marked(self.grid.value(row.number, i))]
        if len(found) == 1:
            values["stars"] = (found[0][1], found[0][0], COLUMNS_BY_PATH["stars"])
        elif len(found) > 1:
            self.problems.append(SheetProblem.of(
                self._at(row), found[1][0], COLUMNS_BY_PATH["stars"].vi, "stars_marked_twice",
                levels=", ".join(str(level) for _, level in found)))
            values["stars"] = (None, found[1][0], COLUMNS_BY_PATH["stars"])

    def _draft_for(self, row: Row, values: dict[str, tuple[Any, int, Column]]) -> Draft | None:
        """The product a row belongs to: its id, its OCOP code or its name and producer matched
        against records already in the catalog, or a new id made from its name."""
        given = values.get("id", (None,))[0]
        if given and not re.match(ID_PATTERN, str(given).strip()) and _OFFICE_CODE.fullmatch(
                str(given).strip()) and values.get("name.vi", (None,))[0]:
            # "DLK-2023-015", "58-585-22822-1-2025": the office's own code, not a record id.
            values["ocop_code"] = (str(given).strip(), values["id"][1], COLUMNS_BY_PATH["ocop_code"])
            del values["id"]
            given = None
        if given:
            product_id = str(given).strip()
            if not re.match(ID_PATTERN, product_id):
                index = values["id"][1]
                self.problems.append(SheetProblem.of(self._at(row), index, values["id"][2].vi,
                                                     "id_invalid", id=product_id))
                return None
            if not self._is_that_product(row, values, product_id):
                return None
            return self._draft(product_id, None)
        name = values.get("name.vi", (None,))[0]
        if not name and "name.vi" in values:
            return None  # its cell could not be read, and was reported
        if not name:
            self.problems.append(SheetProblem.of(self._at(row), self.layout.index_of("name.vi"),
                                                 COLUMNS_BY_PATH["name.vi"].vi, "name_missing"))
            return None
        producer = values.get("producer.name", ("",))[0] or ""
        code = values.get("ocop_code", (None,))[0]
        if code and (found := self.by_code.get(str(code).casefold())):
            return self._draft(found.id, (f"tìm theo mã OCOP {code}", f"found by OCOP code {code}"))
        key = (name_key(name), name_key(producer))
        if (found := self.by_name.get(key)) is not None:
            return self._draft(found.id, (f"tìm theo tên «{name}» và chủ thể «{producer}»",
                                          f"found by name «{name}» and producer «{producer}»"))
        base = slug(str(name))
        product_id, n = base, 2
        while product_id in self.taken and product_id not in self._same_product(key):
            product_id, n = f"{base[:36]}-{n}", n + 1
        self.by_name[key] = Existing(product_id, str(name), str(producer), (), (), 0)
        return self._draft(product_id, None)

    def _is_that_product(self, row: Row, values: dict, product_id: str) -> bool:
        """A row that names a product by its id must be that product: its OCOP code and its name
        and producer may not be another record's, and its name not wholly another (a name
        corrected or completed is fine). Otherwise the id was most likely changed by mistake:
        an error for the row, never two products mixed in one record."""
        name = values.get("name.vi", (None,))[0]
        producer = values.get("producer.name", (None,))[0]
        code = values.get("ocop_code", (None,))[0]
        record = self.existing.get(product_id)
        other, what = None, Message("", "")
        if code and (found := self.by_code.get(str(code).casefold())) and found.id != product_id:
            other, what = found, texts.message("what_ocop_code", number=code)
        elif name and producer and (found := self.records_by_name.get(
                (name_key(name), name_key(producer)))) and found.id != product_id:
            other, what = found, texts.message("what_name_and_producer")
        elif name and record and not _same_name(name, record.name):
            other = next((e for e in self.records_by_product.get(name_key(name), ())
                          if e.id != product_id), None)
            what = texts.message("what_name")
            if other is None:
                self.problems.append(SheetProblem.of(
                    self._at(row), values["id"][1], values["id"][2].vi, "id_names_other_product",
                    id=product_id, record=_shown(record), given=_shown_row(name, producer)))
                return False
        if other is None:
            return True
        held = _shown(record) if record else product_id
        self.problems.append(SheetProblem.of(
            self._at(row), values["id"][1], values["id"][2].vi, "id_of_other_product",
            id=product_id, record=held, what=what, other=other.id, other_record=_shown(other)))
        return False

    def _same_product(self, key: tuple[str, str]) -> set[str]:
        found = self.by_name.get(key)
        return {found.id} if found and found.id in self.drafts else set()

    def _draft(self, product_id: str, matched: tuple[str, str] | None) -> Draft:
        self.taken.add(product_id)
        draft = self.drafts.get(product_id)
        if draft is None:
            draft = self.drafts[product_id] = Draft(product_id, [], {"id": product_id})
            draft.matched = matched
        return draft

    # --- product fields -------------------------------------------------------------------------

    def _product_fields(self, draft: Draft, row: Row, values: dict, first: bool) -> None:
        for path, (parsed, index, column) in values.items():
            if column.level == CERTIFICATION or not column.stored or path == "id":
                continue
            if parsed is None:
                draft.unreadable.add(path)
                continue
            if not first:
                earlier = draft.first_row.get(path)
                same = earlier == parsed or (isinstance(earlier, str) and isinstance(parsed, str)
                                             and name_key(earlier) == name_key(parsed))
                if earlier is not None and not same:
                    self.problems.append(SheetProblem.of(self._at(row), index, column.vi,
                                                         "differs_from_first_row",
                                                         first=self._row_name(draft.rows[0]),
                                                         id=draft.id))
                continue
            draft.first_row[path] = parsed
            if column.kind == "shop":
                shops = draft.data.setdefault("where_to_buy", [])
                for entry in parsed:
                    draft.cells[f"where_to_buy[{len(shops)}]"] = (self._at(row), index)
                    shops.append(entry)
                draft.shop_kinds.add(path.split(":", 1)[1])
            else:
                set_path(draft.data, path, parsed)
                draft.cells[path] = (self._at(row), index)

    def _complete_product(self, draft: Draft, row: Row, values: dict, context: Context) -> None:
        """Values the list does not state for a product seen for the first time: producer type,
        product set, address and post-2025 place. A record already in the catalog keeps its own."""
        if draft.id in self.existing:
            return
        data = draft.data
        producer = data.get("producer", {})
        if producer.get("name") and not producer.get("type"):
            self._work(draft, "producer.type", inference.producer_type(producer["name"]),
                       lambda v, lang: getattr(PRODUCER_TYPES[v], f"name_{lang}"))
        if "product_set" not in data and data.get("name", {}).get("vi"):
            group = values.get("group", (None,))[0] or context.group
            self._work(draft, "product_set", inference.product_set(data["name"]["vi"], group),
                       lambda v, lang: f"{v}. {getattr(PRODUCT_SETS[v], f'name_{lang}')}")
        self._place(draft, row, values, context)

    def _work(self, draft: Draft, path: str, found: inference.Inferred, show: Any) -> None:
        """``show(value, lang)`` names a value for a person."""
        if found.value is not None:
            set_path(draft.data, path, found.value)
            draft.worked.append(Worked(path, show(found.value, "vi"), found.source_vi,
                                       found.source_en, shown_en=show(found.value, "en")))
            return
        options_vi = ", ".join(show(c, "vi") for c in found.candidates)
        options_en = ", ".join(show(c, "en") for c in found.candidates)
        draft.worked.append(Worked(
            path, "?", f"{found.source_vi}" + (f"; chọn một: {options_vi}" if options_vi else ""),
            f"{found.source_en}" + (f"; choose one: {options_en}" if options_en else ""),
            question=True))

    def _place(self, draft: Draft, row: Row, values: dict, context: Context) -> None:
        """The address as written, completed from the section and title rows, and the post-2025
        province and commune worked out from it."""
        producer = draft.data.setdefault("producer", {})
        address = producer.get("address_on_certificate") or ""
        district = values.get("district", (None,))[0] or context.district
        commune_cell = producer.get("commune")
        province_cell = producer.get("province")
        if province_cell and commune_cell:
            found_province = places.find_province(province_cell)
            if found_province and places.find_commune(found_province, commune_cell):
                return  # the current units, given outright (our own template)
        province_hint = province_cell or self.facts.province or context.province
        written = address
        commune = commune_cell if not address else None
        if not _NAMES_COMMUNE.search(ascii_fold(address)):
            commune = commune or context.commune
        parts = [address_part(str(p)) for p in (commune, None if _NAMES_DISTRICT.search(
            ascii_fold(address)) else district) if p]
        address = ", ".join([address, *parts]) if address else ", ".join(parts)
        producer.pop("commune", None)
        producer.pop("province", None)
        answer = place_history.resolve_address(address, province_hint=province_hint,
                                               district_hint=district)
        draft.old_unit = answer.old_unit or ""
        if not address:  # no address to complete: the province still comes from the title or
            self._place_found(draft, producer, answer, False)  # --province; the address's own
            return  # problem is reported once for the sheet
        if not place_history.names_a_province(address):
            # The old province the address was in, as the place data found it; the title's
            # province only when nothing was found (a 2024 Khánh Hòa list may hold a Ninh Thuận
            # address written without its province).
            old = (answer.old_unit or "").rsplit(",", 1)[-1].strip()
            province_text = old if re.match(r"(?i)(tỉnh|thành phố) ", old) else province_hint
            if province_text:
                parts.append(address_part(str(province_text), province=True))
                address = f"{address}, {parts[-1]}"
        producer["address_on_certificate"] = address
        if parts and written:
            draft.worked.append(Worked(
                "producer.address_on_certificate", address,
                f"thêm «{', '.join(parts)}» vào địa chỉ trong bảng, theo dòng mục, tiêu đề và dữ "
                "liệu địa danh", f"«{', '.join(parts)}» added to the address in the list, from the "
                "section and title rows and the place data"))
        self._place_found(draft, producer, answer, bool(parts and written))

    @staticmethod
    def _place_found(draft: Draft, producer: dict, answer: Any, completed: bool) -> None:
        """The post-2025 province and commune an address gives, or the question it leaves. When
        the address was completed (and that is shown), the notes saying so are not repeated."""
        how_vi, how_en = answer.how_vi, answer.how_en
        if completed:  # "địa chỉ không ghi tỉnh, coi là Ninh Thuận": the address now says it
            how_vi = "; ".join(n for n in how_vi.split("; ") if not n.startswith(_HINT_NOTES[0]))
            how_en = "; ".join(n for n in how_en.split("; ") if not n.startswith(_HINT_NOTES[1]))
        if answer.province is not None:
            producer["province"] = answer.province.short_name
        if answer.commune is not None and answer.province is not None:
            producer["commune"] = answer.commune.name
            draft.worked.append(Worked("producer.commune", f"{answer.commune.name}, "
                                       f"{answer.province.short_name}", _before_2025(how_vi, "cũ"),
                                       _before_2025(how_en, "before 2025")))
        elif answer.province is not None:
            draft.worked.append(Worked("producer.province", answer.province.short_name,
                                       how_vi, how_en))
            options = ", ".join(c.name for c in answer.candidates)
            draft.worked.append(Worked(
                "producer.commune", "?", how_vi + (f"; chọn một: {options}" if options else ""),
                how_en + (f"; choose one: {options}" if options else ""), question=True))

    # --- certification --------------------------------------------------------------------------

    def _certification(self, draft: Draft, row: Row, values: dict) -> None:
        cert: dict[str, Any] = {}
        at = len(draft.data.get("certifications", []))
        for path, (parsed, index, column) in values.items():
            if column.level != CERTIFICATION:
                continue
            if parsed is None:
                draft.unreadable.add(f"certifications[{at}].{path}")
                continue
            set_path(cert, path, parsed)
            draft.cells[f"certifications[{at}].{path}"] = (self._at(row), index)
        if not cert and not self._certifies():
            return  # a row that completes product fields only (a to-do sheet coming back)
        if cert.get("decision"):
            number, day = split_decision(str(cert["decision"]))
            cert["decision"] = number or cert["decision"]
            if day and "decision_date" not in cert:
                cert["decision_date"] = day
                draft.cells[f"certifications[{at}].decision_date"] = \
                    draft.cells[f"certifications[{at}].decision"]
        self._sheet_facts(draft, cert, at, row)
        self._authority_level(draft, cert, at)
        if self._repeats(draft, cert, row):
            return
        self._evaluation_kind(draft, cert, at, values.get("note", (None,))[0])
        draft.cells[f"certifications[{at}]"] = (self._at(row), -1)
        draft.data.setdefault("certifications", []).append(cert)

    def _authority_level(self, draft: Draft, cert: dict, at: int) -> None:
        """An authority column that says only the level ("Tỉnh", "Cấp huyện") names the people's
        committee of the product's province or district, as its address (or the title) says."""
        level = _AUTHORITY_LEVELS.get(ascii_fold(str(cert.get("authority", ""))).strip(" ."))
        if level is None:
            return
        units = [u.strip() for u in draft.old_unit.split(",")]
        if level == "tỉnh":
            place = units[-1] if len(units) >= 2 else (f"Tỉnh {self.facts.province}"
                                                       if self.facts.province else "")
        else:
            place = units[-2] if len(units) >= 3 else (self.facts.district or "")
        if not place:
            return
        written = cert["authority"]
        cert["authority"] = f"UBND {place[0].lower()}{place[1:]}"
        draft.worked.append(Worked(f"certifications[{at}].authority", cert["authority"],
                                   f"cột ghi «{written}», nơi theo địa chỉ",
                                   f"the column says «{written}», the place from the address"))

    def _repeats(self, draft: Draft, cert: dict, row: Row) -> bool:
        """A second row of the same product under the same decision: the same row twice is a
        warning and read once; a row that says otherwise (other stars) is an error."""
        number = str(cert.get("decision", "")).casefold()
        for i, earlier in enumerate(draft.data.get("certifications", [])):
            if not number or str(earlier.get("decision", "")).casefold() != number:
                continue
            first_row = draft.cells.get(f"certifications[{i}]", (draft.rows[0], -1))[0]
            differs = [k for k in ("stars", "score", "decision_date") if earlier.get(k) != cert.get(k)]
            if differs:
                self.problems.append(SheetProblem.of(
                    self._at(row), self.layout.index_of(differs[0]), "", "same_decision_differs",
                    first=self._row_name(first_row), fields=", ".join(differs)))
            else:
                self.problems.append(SheetProblem.of(self._at(row), None, "", "row_repeated",
                                                     first=self._row_name(first_row), error=False))
            if not differs and self._at(row) in draft.rows:
                draft.rows.remove(self._at(row))  # read once: the repeat is not this product's row
            return True
        return False

    def _sheet_facts(self, draft: Draft, cert: dict, at: int, row: Row) -> None:
        facts = self.facts
        for path in ("decision", "decision_date", "authority", "stars"):
            if path not in cert and getattr(facts, path) is not None:
                cert[path] = getattr(facts, path)
        if facts.stars and cert.get("stars") != facts.stars and "stars" in cert:
            self.problems.append(SheetProblem.of(
                self._at(row), self.layout.index_of("stars"), COLUMNS_BY_PATH["stars"].vi,
                "stars_differ_from_sheet", stars=cert["stars"], level=facts.stars, error=False))
        decided = cert.get("decision_date")
        if isinstance(decided, date) and self._impossible_decision_date(decided, row):
            draft.unreadable.add(f"certifications[{at}].regime")  # the date's problem says it
        elif "regime" not in cert:
            if facts.regime:
                cert["regime"] = facts.regime
            elif isinstance(cert.get("decision_date"), date):
                found = inference.regime_on(cert["decision_date"])
                if found.value is not None:
                    cert["regime"] = found.value
                    from_sheet = cert["decision_date"] == facts.decision_date
                    if from_sheet:  # said once for the sheet in the review
                        facts.regime_worked = (str(found.value), found.source_vi, found.source_en)
                    draft.worked.append(Worked(f"certifications[{at}].regime", str(found.value),
                                               found.source_vi, found.source_en, quiet=from_sheet))
                elif found.candidates:
                    self.regime_questions.setdefault(cert["decision_date"], []).append(self._at(row))
                    draft.unreadable.add(f"certifications[{at}].regime")
            else:  # no date to tell it from: the date's own problem is what to report
                draft.unreadable.add(f"certifications[{at}].regime")

    def _impossible_decision_date(self, decided: date, row: Row) -> bool:
        """A decision dated before the first regime the catalog knows (often an Excel number
        such as 60 shown as a day of 1900) is an error at its cell, where the record would only
        have lacked a regime (a date after today is ``ocop check``'s error, at the same cell)."""
        first = min(REGIMES.values(), key=lambda r: r.in_force_from)
        if decided >= first.in_force_from:
            return False
        self.problems.append(SheetProblem.of(
            self._at(row), self.layout.index_of("decision_date"), COLUMNS_BY_PATH["decision_date"].vi,
            "decision_date_before_ocop", day=decided, first=Message(first.name_vi, first.name_en),
            start=first.in_force_from))
        return True

    def _evaluation_kind(self, draft: Draft, cert: dict, at: int, note: str | None) -> None:
        """Upgrade or re-evaluation: as the list's note says ("Nâng hạng"), or when the product
        already holds an earlier certification with fewer (or as many) stars."""
        if "kind" in cert or "stars" not in cert:
            return
        said = inference.evaluation_kind(note) if note else None
        if said is not None:
            cert["kind"] = said
            draft.worked.append(Worked(f"certifications[{at}].kind", _KINDS[said][0],
                                       f"từ cột ghi chú «{note}»", f"from the notes column «{note}»",
                                       shown_en=_KINDS[said][1]))
            return
        earlier = self.existing.get(draft.id)
        previous = draft.data.get("certifications", [])
        stars_before = previous[-1].get("stars") if previous else (earlier.latest_stars
                                                                  if earlier else None)
        if not stars_before or (earlier and str(cert.get("decision", "")).casefold()
                                in earlier.decisions):
            return
        cert["kind"] = "upgrade" if cert["stars"] > stars_before else "re-evaluation"
        draft.worked.append(Worked(f"certifications[{at}].kind", _KINDS[cert["kind"]][0],
                                   f"{stars_before} sao trước đó, nay {cert['stars']} sao",
                                   f"{stars_before} stars before, now {cert['stars']}",
                                   shown_en=_KINDS[cert["kind"]][1]))

    def _ask_regimes(self) -> None:
        """One question per decision date on which several regimes were in force."""
        for day, rows in self.regime_questions.items():
            regime = self.layouts[rows[0].sheet].index_of("regime")
            found = inference.regime_on(day)
            keys = [str(k) for k in found.candidates]
            either = texts.message("word_or")
            # In Vietnamese the regimes are named; in English their keys stand for them.
            regimes = Message(either.vi.join(REGIMES[k].name_vi for k in keys), either.en.join(keys))
            more = texts.message("more_rows", count=len(rows) - 1) if len(rows) > 1 else Message("", "")
            self.problems.append(SheetProblem.of(
                rows[0], regime, COLUMNS_BY_PATH["regime"].vi, "regime_ambiguous", day=day,
                regimes=regimes, keys=either.join(keys), more=more))
