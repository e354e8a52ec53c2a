"""Rows of a sheet become product drafts: one per product, with one certification per row.

A row's cells are turned into record values; what the list does not state is worked out
(producer type, product set, regime, post-2025 place) and each such value is kept with the words
it came from, for the review and for the record's ``to_confirm``. Facts stated once for the sheet
(decision, date, authority, province) fill the rows that do not repeat them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from .. import places
from ..places import ascii_fold
from ..records import ID_PATTERN
from ..taxonomy import PRODUCER_TYPES, PRODUCT_SETS, REGIMES
from . import inference
from .annex import (
    Context,
    Grid,
    Layout,
    SheetFacts,
    Skipped,
    address_part,
    section_context,
    skip_kind,
    split_decision,
    stated_count,
)
from .columns import CERTIFICATION, CellError, Column, SetWords, parse_cell
from .tables import Row, Table, column_letter


@dataclass(frozen=True)
class SheetProblem:
    row: int
    column: int | None
    header: str
    vi: str
    en: str
    error: bool = True

    def format(self, path: Any, lang: str = "vi") -> str:
        where = f"{path.name}:{self.row}" + (f":{column_letter(self.column)}"
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
    rows: list[int]
    data: dict[str, Any] = field(default_factory=dict)
    cells: dict[str, tuple[int, int]] = field(default_factory=dict)  # field path -> (row, col)
    unreadable: set[str] = field(default_factory=set)  # field paths whose cell was reported
    first_row: dict[str, Any] = field(default_factory=dict)  # product columns, as first given
    shop_kinds: set[str] = field(default_factory=set)  # storefront columns the sheet fills
    worked: list[Worked] = field(default_factory=list)
    matched: tuple[str, str] | None = None  # how an existing record was found: (vi, en)


@dataclass
class SheetRead:
    drafts: list[Draft]
    problems: list[SheetProblem]
    skipped: list[Skipped]
    stated_total: int | None = None


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


def slug(text: str) -> str:
    found = re.sub(r"[^a-z0-9]+", "-", ascii_fold(text)).strip("-")[:40].strip("-")
    return found or "san-pham"


def set_path(data: dict, path: str, value: Any) -> None:
    parts = path.split(".")
    for part in parts[:-1]:
        data = data.setdefault(part, {})
    data[parts[-1]] = value


def get_path(data: dict, path: str) -> Any:
    value: Any = data
    for part in path.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def _bare(place: str) -> str:
    """'huyện Ninh Sơn' -> 'ninh son': what must already appear in an address to name the place."""
    return re.sub(r"^(tinh|thanh pho|huyen|thi xa|quan|xa|phuong|thi tran|tp\.?) ", "",
                  ascii_fold(place)).strip()


def _names_a_province(address: str) -> bool:
    """Whether an address already ends in a province, old or new ("..., tỉnh Nam Định")."""
    last = ascii_fold(address.rsplit(",", 1)[-1]).strip()
    return bool(re.match(r"(tinh|thanh pho|tp\.?) ", last)) or bool(
        places.old_provinces_mentioned(address)) or places.find_province(last) is not None


_KINDS = {"first": ("lần đầu", "first"), "upgrade": ("nâng hạng", "upgrade"),
          "re-evaluation": ("đánh giá lại", "re-evaluation")}


class SheetReader:
    """Reads the rows below a sheet's header into drafts; one instance per import."""

    def __init__(self, table: Table, layout: Layout, facts: SheetFacts,
                 existing: list[Existing]) -> None:
        self.table, self.layout, self.facts = table, layout, facts
        self.grid = Grid(table, set(layout.header_rows))
        self.problems: list[SheetProblem] = []
        self.skipped: list[Skipped] = []
        self.drafts: dict[str, Draft] = {}
        self.by_code = {code.casefold(): e for e in existing for code in e.ocop_codes}
        self.by_name = {(name_key(e.name), name_key(e.producer)): e for e in existing}
        self.existing = {e.id: e for e in existing}
        self.taken = set(self.existing)
        self.stated_total: int | None = None
        self.regime_questions: dict[date, list[int]] = {}

    # --- rows ---------------------------------------------------------------------------------

    def read(self) -> SheetRead:
        context = Context(province=self.facts.province)
        after_signature = False
        for row in self.table.rows[self.layout.start:]:
            skipped = skip_kind(row, self.layout, self.grid, after_signature)
            if skipped is None:
                self._product_row(row, context)
                continue
            self.skipped.append(skipped)
            if skipped.kind == "signature":
                after_signature = True
            elif skipped.kind == "total":
                self.stated_total = stated_count(skipped.text) or self.stated_total
            elif skipped.kind == "section":
                context = section_context(skipped.text, context)
        self._ask_regimes()
        return SheetRead(list(self.drafts.values()), self.problems, self.skipped,
                         self.stated_total)

    def _cell(self, row: Row, path: str) -> Any:
        index = self.layout.index_of(path)
        return None if index is None else self.grid.value(row.number, index)

    def _product_row(self, row: Row, context: Context) -> None:
        if row.number in self.table.hidden_rows:
            self.problems.append(SheetProblem(
                row.number, None, "", "dòng này đang ẩn trong Excel; vẫn được nhập như mọi dòng "
                "(xóa dòng nếu sản phẩm không thuộc danh sách)", "the row is hidden in Excel; it "
                "is imported like any other (delete it if the product is not on the list)",
                error=False))
        values = self._values(row)
        if values is None:
            return
        draft = self._draft_for(row, values)
        if draft is None:
            return
        first = not draft.rows
        draft.rows.append(row.number)
        self._product_fields(draft, row, values, first)
        if first:
            self._complete_product(draft, row, values, context)
        self._certification(draft, row, values)

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
                self.problems.append(SheetProblem(row.number, index, column.vi, vi, en))
                values[column.path] = (None, index, column)
                continue
            try:
                parsed = parse_cell(column, cell)
            except SetWords:
                parsed = str(cell).strip()  # group words: the set is worked out from them
                column = Column("group", column.vi, column.en, "text", stored=False)
            except CellError as exc:
                self.problems.append(SheetProblem(row.number, index, column.vi, exc.args[0],
                                                  exc.args[1]))
                values[column.path] = (None, index, column)
                continue
            values[column.path] = (parsed, index, column)
        return values

    def _draft_for(self, row: Row, values: dict[str, tuple[Any, int, Column]]) -> Draft | None:
        """The product a row belongs to: its id, its OCOP code or its name and producer matched
        against records already in the catalog, or a new id made from its name."""
        given = values.get("id", (None,))[0]
        if given:
            product_id = str(given).strip()
            if not re.match(ID_PATTERN, product_id):
                index = values["id"][1]
                self.problems.append(SheetProblem(
                    row.number, index, values["id"][2].vi,
                    f"mã '{product_id}' không hợp lệ: chỉ chữ thường không dấu, số và gạch nối, "
                    "tối đa 40 ký tự (vd. buoi-lam-son)",
                    f"id '{product_id}' is invalid: lower-case ASCII letters, digits and hyphens"))
                return None
            return self._draft(product_id, None)
        name = values.get("name.vi", (None,))[0]
        if not name:
            index = self.layout.index_of("name.vi")
            self.problems.append(SheetProblem(row.number, index, "Tên sản phẩm",
                                              "dòng có số thứ tự nhưng không có tên sản phẩm",
                                              "the row is numbered but has no product name"))
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
                if earlier is not None and earlier != parsed:
                    self.problems.append(SheetProblem(
                        row.number, index, column.vi,
                        f"khác với dòng {draft.rows[0]} của cùng sản phẩm '{draft.id}'; các dòng "
                        "của một sản phẩm chỉ khác nhau ở cột chứng nhận",
                        f"differs from row {draft.rows[0]} of the same product"))
                continue
            draft.first_row[path] = parsed
            if column.kind == "shop":
                shops = draft.data.setdefault("where_to_buy", [])
                for entry in parsed:
                    draft.cells[f"where_to_buy[{len(shops)}]"] = (row.number, index)
                    shops.append(entry)
                draft.shop_kinds.add(path.split(":", 1)[1])
            else:
                set_path(draft.data, path, parsed)
                draft.cells[path] = (row.number, index)

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
        province_text = province_cell or self.facts.province or context.province
        parts = [address_part(str(p)) for p in (commune_cell if not address else None,
                                                context.commune if not commune_cell else None,
                                                district) if p]
        if province_text and not _names_a_province(address):
            parts.append(address_part(str(province_text), province=True))
        added = [part for part in parts
                 if _bare(part) and _bare(part) not in ascii_fold(address)]
        if added:
            full = ", ".join([address, *added]) if address else ", ".join(added)
            producer["address_on_certificate"] = full
            if address:
                draft.worked.append(Worked(
                    "producer.address_on_certificate", full,
                    f"thêm «{', '.join(added)}» từ dòng mục và tiêu đề vào địa chỉ trong bảng",
                    f"«{', '.join(added)}» added from the section and title rows"))
            address = full
        producer.pop("commune", None)
        producer.pop("province", None)
        if not address:
            return
        answer = places.resolve_address(address, province_hint=province_cell or self.facts.province
                                        or context.province, district_hint=district)
        if answer.province is not None:
            producer["province"] = answer.province.short_name
        if answer.commune is not None and answer.province is not None:
            producer["commune"] = answer.commune.name
            draft.worked.append(Worked("producer.commune", f"{answer.commune.name}, "
                                       f"{answer.province.short_name}", answer.how_vi, answer.how_en))
        elif answer.province is not None:
            draft.worked.append(Worked("producer.province", answer.province.short_name,
                                       answer.how_vi, answer.how_en))
            options = ", ".join(c.name for c in answer.candidates)
            draft.worked.append(Worked(
                "producer.commune", "?", answer.how_vi + (f"; chọn một: {options}" if options else ""),
                answer.how_en + (f"; choose one: {options}" if options else ""), question=True))

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
            draft.cells[f"certifications[{at}].{path}"] = (row.number, index)
        if not cert and not any(column.level == CERTIFICATION for _, _, column in values.values()):
            return  # a row that completes product fields only (a to-do sheet coming back)
        if cert.get("decision"):
            number, day = split_decision(str(cert["decision"]))
            cert["decision"] = number or cert["decision"]
            if day and "decision_date" not in cert:
                cert["decision_date"] = day
                draft.cells[f"certifications[{at}].decision_date"] = \
                    draft.cells[f"certifications[{at}].decision"]
        self._sheet_facts(draft, cert, at, row)
        self._evaluation_kind(draft, cert, at, values.get("note", (None,))[0])
        draft.cells[f"certifications[{at}]"] = (row.number, -1)
        draft.data.setdefault("certifications", []).append(cert)

    def _sheet_facts(self, draft: Draft, cert: dict, at: int, row: Row) -> None:
        facts = self.facts
        for path in ("decision", "decision_date", "authority"):
            if path not in cert and getattr(facts, path) is not None:
                cert[path] = getattr(facts, path)
        if "regime" not in cert:
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
                    self.regime_questions.setdefault(cert["decision_date"], []).append(row.number)
                    draft.unreadable.add(f"certifications[{at}].regime")

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
        regime = self.layout.index_of("regime")
        for day, rows in self.regime_questions.items():
            found = inference.regime_on(day)
            names = " hoặc ".join(REGIMES[k].name_vi for k in found.candidates)
            more = f" (và {len(rows) - 1} dòng khác)" if len(rows) > 1 else ""
            self.problems.append(SheetProblem(
                rows[0], regime, "Bộ tiêu chí",
                f"ngày quyết định {day:%d/%m/%Y}: sản phẩm có thể được đánh giá theo {names}; "
                f"cho biết bộ tiêu chí bằng --regime ({' hoặc '.join(found.candidates)}) hoặc cột "
                f"'Bộ tiêu chí'{more}",
                f"decision date {day:%d/%m/%Y}: the product may have been evaluated under "
                f"{' or '.join(found.candidates)}; give it with --regime or a 'Bộ tiêu chí' column"
                + (f" (and {len(rows) - 1} more rows)" if len(rows) > 1 else "")))
