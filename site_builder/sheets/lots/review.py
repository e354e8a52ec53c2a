"""A lot import told to a person, in the shape of every import's review (``sheets.review``):
what was read (each sheet, its header and columns, what was worked out for the whole sheet, the
rows passed over), the questions together, each lot (new, changed and what changed, with
errors) with the problems of its rows beside it, then one summary of what the lots still lack
under Circular 02/2024, the ``ocop stamps`` commands for the new lots, and the totals.
Vietnamese by default, English with ``lang="en"``."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from site_builder.sheets.columns import header_key
from site_builder.sheets.lots.find import SheetLayout
from site_builder.sheets.lots.plan import Diff, LotChange, LotPlan, ProductLots
from site_builder.sheets.lots.reader import LotProblem
from site_builder.sheets.review import Entry, Review, row_runs
from site_builder.sheets.tables import Table, column_letter

FIELDS = {
    "produced": ("ngày sản xuất", "production date"), "expires": ("hạn sử dụng", "use by"),
    "best_before": ("sử dụng tốt nhất trước", "best before"), "quantity": ("số lượng", "quantity"),
    "standards": ("tiêu chuẩn", "standards"), "area": ("thêm vùng nguyên liệu", "area added"),
    "area.name": ("tên vùng", "area name"), "area.code": ("mã số vùng trồng", "planting-area code"),
    "area.gln": ("GLN vùng", "area GLN"), "event": ("thêm công đoạn", "stage added"),
    "event.date": ("ngày", "date"), "event.place": ("địa điểm", "place"),
    "event.actor": ("người thực hiện", "done by"), "event.gln": ("GLN", "GLN"),
    "event.location_code": ("mã địa điểm", "location code"),
    "document": ("thêm tài liệu", "document added"),
    "document.file": ("chép lại tệp (nội dung mới)", "file copied again (new content)"),
}
HEADS = {
    "new": ("lô mới", "new lot"), "update": ("thay đổi", "changed"),
    "same": ("không đổi", "unchanged"), "invalid": ("có lỗi, không ghi", "has errors, not written"),
}
COUNTED = {"new": ("lô mới", "new lots"), "update": ("lô thay đổi", "changed"),
           "same": ("lô không đổi", "unchanged"), "invalid": ("lô có lỗi, không ghi",
                                                               "with errors, not written")}
SKIPPED = {"example": ("dòng ví dụ", "example row"), "section": ("mục sản phẩm", "product section"),
           "note": ("không có mã lô", "no lot code"),
           "hidden": ("dòng đang ẩn trong Excel", "row hidden in Excel")}
NOTES = {
    "two_digit_year": ("năm ghi hai chữ số, đọc là 20..", "two-digit years read as 20.."),
    "place_from_producer": ("công đoạn không ghi địa điểm: lấy tên chủ thể",
                            "stages without a place: the producer's name"),
}
SHOWN_NOTES = 3  # notes of one kind shown in full; the rest by their rows
STAMP_LOTS_PER_COMMAND = 20  # more new lots than this: the product's every stamp, in one command


def _t(lang: str, vi: str, en: str) -> str:
    return en if lang == "en" else vi


def _pick(pair: tuple[str, str], lang: str) -> str:
    return pair[1] if lang == "en" else pair[0]


@dataclass
class LotReview(Review):
    """The review's shape, with the commands that print the new lots' stamps before the totals."""

    stamps_title: str = ""
    stamps: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        lines = super().lines()
        if not self.stamps:
            return lines
        return lines[:-1] + [self.stamps_title, *(f"- {c}" for c in self.stamps), "", lines[-1]]


def lot_review(plan: LotPlan, lang: str = "vi", dry_run: bool = False, stamps: bool = True
               ) -> LotReview:
    """The review of a lot import; ``stamps``: the lots will be written, say how to print
    their stamps."""
    where = _Where(plan, lang)
    by_row: dict[tuple[str, int], list[LotProblem]] = {}
    for problem in plan.problems:
        if not problem.question:
            by_row.setdefault((problem.sheet_name, problem.row), []).append(problem)
    shown: set[int] = set()
    entries = [entry for product in plan.products
               for entry in _product_entries(product, plan, lang, where, by_row, shown)]
    for at, text in plan.read.failed:
        entries.append(Entry(_t(lang, f"lô {text or '?'} ({where.rows({(at.sheet, at.row)})}): "
                                      "chưa ghi được",
                                f"lot {text or '?'} ({where.rows({(at.sheet, at.row)})}): "
                                "not written"),
                             _problems(plan, by_row.get((at.sheet, at.row), []), lang, shown)))
    read = _read_entries(plan, lang, where)
    rest = [p for p in plan.problems if not p.question and id(p) not in shown]
    if rest:  # problems of a sheet, beside it
        read[0].details.extend(p.format(plan.source, lang, plan.sheets > 1) for p in rest)
    questions = [p.format(plan.source, lang, plan.sheets > 1) for p in plan.problems if p.question]
    lots = len(plan.lots) + len(plan.read.failed)
    review = LotReview(
        _t(lang, f"Đã đọc {plan.source.name} ({_form(plan)}):",
           f"Read {plan.source.name} ({_form(plan)}):"), read, questions,
        _t(lang, f"Lô hàng ({lots}) của {len(plan.products)} sản phẩm:",
           f"Lots ({lots}) of {len(plan.products)} products:"), entries,
        _t(lang, "Còn thiếu theo Thông tư 02/2024/TT-BKHCN (không bắt buộc, bổ sung sau):",
           "Still missing under Circular 02/2024/TT-BKHCN (not required; add it later):"),
        missing_lines(plan, lang), totals_line(plan, lang, dry_run))
    review.questions_title = _t(lang, f"Cần trả lời ({len(questions)}): sửa bảng rồi nhập lại",
                                f"To answer ({len(questions)}): correct the sheet and import it "
                                "again")
    if stamps:
        review.stamps = stamp_commands(plan, lang)
        review.stamps_title = _t(lang, "In tem cho các lô mới:", "Print the new lots' stamps:")
    return review


def _form(plan: LotPlan) -> str:
    tables = [t for t, _ in plan.workbook.lots + plan.workbook.stages]
    encoding = tables[0].encoding if tables else ""
    return {"xlsx": "Excel .xlsx", "xls": "Excel 97-2003 .xls"}.get(encoding, f"CSV, {encoding}")


class _Where:
    """Rows as a person reads them: 'dòng 5', and with the sheet when several were read."""

    def __init__(self, plan: LotPlan, lang: str) -> None:
        self.named = plan.sheets > 1
        self.lang = lang
        self.order = {t.sheet: i for i, (t, _) in enumerate(plan.workbook.lots
                                                             + plan.workbook.stages)}

    def rows(self, places: set[tuple[str, int]]) -> str:
        by_sheet: dict[str, list[int]] = {}
        for sheet, row in sorted(places, key=lambda p: (self.order.get(p[0], 0), p[1])):
            by_sheet.setdefault(sheet, []).append(row)
        parts = []
        for sheet, rows in by_sheet.items():
            word = _t(self.lang, "dòng", "rows" if len(rows) > 1 else "row")
            parts.append((f"«{sheet}» " if self.named else "") + f"{word} {row_runs(sorted(set(rows)))}")
        return ", ".join(parts)


# --- what was read --------------------------------------------------------------------------


def _read_entries(plan: LotPlan, lang: str, where: _Where) -> list[Entry]:
    entries = [_sheet_entry(table, layout, kind, plan, lang)
               for kind, tables in (("lot", plan.workbook.lots), ("stage", plan.workbook.stages))
               for table, layout in tables]
    first = entries[0]
    if plan.unreadable_records:
        first.details.append(_t(
            lang, f"{plan.unreadable_records} hồ sơ có lỗi nên không dùng để tìm sản phẩm (ocop "
                  "check cho biết lỗi)",
            f"{plan.unreadable_records} records with errors are not looked in for products "
            "(ocop check names them)"))
    if plan.read.title_product:
        product_id, row = plan.read.title_product
        first.details.append(_t(lang, f"sản phẩm cho mọi dòng: {product_id} (dòng {row})",
                                f"product for every row: {product_id} (row {row})"))
    for kind, found in plan.read.notes.items():
        if kind not in NOTES:
            continue  # said beside its lot
        said = [m.text(lang) for _, m in found]
        if kind == "place_from_producer":
            said = sorted(set(said))
        more = "; …" if len(said) > SHOWN_NOTES else ""
        first.details.append(f"{_pick(NOTES[kind], lang)} "
                             f"({where.rows({(w.sheet, w.row) for w, _ in found})}): "
                             + "; ".join(said[:SHOWN_NOTES]) + more)
    if plan.read.skipped:
        skipped = "; ".join(f"{where.rows({(s.sheet, s.row)})}: {_pick(SKIPPED[s.kind], lang)} "
                            f"«{_short(s.text)}»" for s in plan.read.skipped)
        first.details.append(_t(lang, f"bỏ qua {len(plan.read.skipped)} dòng không phải lô hàng: ",
                                f"{len(plan.read.skipped)} rows that are not lots passed over: ")
                             + skipped)
    return entries


def _sheet_entry(table: Table, layout: SheetLayout, kind: str, plan: LotPlan, lang: str) -> Entry:
    header = row_runs(list(layout.header_rows))
    used = ", ".join(
        f"{column_letter(i)} {layout.headers[i]}" + (
            "" if header_key(layout.headers[i]) == header_key(c.header(lang))
            else f" → {c.header(lang).lower()}")
        for i, c in sorted(layout.columns.items()) if c.key != "number")
    name = f"«{table.sheet}»" if table.sheet else table.path.name
    what = _t(lang, "lô hàng" if kind == "lot" else "công đoạn", "lots" if kind == "lot" else "stages")
    entry = Entry(_t(lang, f"trang {name} ({what}): tiêu đề cột ở dòng {header}; cột đọc: {used}",
                     f"sheet {name} ({what}): header on row{'s' if len(layout.header_rows) > 1 else ''}"
                     f" {header}; columns read: {used}"))
    if layout.stages:
        stages = ", ".join(f"{column_letter(i)} {s}" for i, s in sorted(layout.stages.items()))
        entry.details.append(_t(lang, f"công đoạn, mỗi cột một ngày: {stages}",
                                f"stages, a date each: {stages}"))
    for vi_text, en_text in table.notes:
        entry.details.append(_t(lang, f"ghi chú: {vi_text}", f"note: {en_text}"))
    unused = [(i, t) for i, t in layout.unused() if layout.columns.get(i) is None
              and header_key(t) not in ("stt", "tt", "ghi chu", "notes")]
    if unused:
        listed = ", ".join(f"{column_letter(i)} «{t}»" for i, t in unused)
        entry.details.append(_t(lang, f"cột không dùng: {listed}", f"columns not used: {listed}"))
    return entry


# --- the lots -------------------------------------------------------------------------------


def _product_entries(product: ProductLots, plan: LotPlan, lang: str, where: _Where,
                     by_row: dict[tuple[str, int], list[LotProblem]], shown: set[int]
                     ) -> list[Entry]:
    """One entry per lot that is new, changed or has problems; the unchanged ones counted in one
    (a log imported again lists only what it changes)."""
    entries = []
    same = []
    for change in product.lots:
        said = [p for place in sorted(change.draft.places) for p in by_row.get(place, [])]
        if change.action == "same" and not said and not change.problems:
            same.append(change)
            continue
        entries.append(_lot_entry(product, change, plan, lang, where, said, shown))
    if same:
        places = {place for c in same for place in c.draft.places}
        entries.append(Entry(f"{product.id}: " + _t(lang, f"{len(same)} lô không đổi",
                                                     f"{len(same)} lots unchanged")
                             + f" ({where.rows(places)})"))
    return entries


def _lot_entry(product: ProductLots, change: LotChange, plan: LotPlan, lang: str, where: _Where,
               said: list[LotProblem], shown: set[int]) -> Entry:
    draft = change.draft
    head = f"{product.id}, {_t(lang, 'lô', 'lot')} {draft.lot or '?'} ({where.rows(draft.places)})," \
           f" {_pick(HEADS[change.action], lang)}"
    if change.action == "new":
        head += f": {_new_summary(change, lang == 'en')}"
    entry = Entry(head)
    if draft.matched:
        entry.details.append(f"{_t(lang, 'sản phẩm', 'product')}: {draft.matched.text(lang)}")
    for worked in draft.worked:
        entry.details.append(f"{_t(lang, 'suy ra', 'worked out')}: {worked.text(lang)}")
    if change.action == "update":
        entry.details.extend(_diff(d, lang) for d in change.diffs)
    entry.details.extend(_problems(plan, said + change.problems, lang, shown))
    return entry


def _problems(plan: LotPlan, problems: list[LotProblem], lang: str, shown: set[int]) -> list[str]:
    out = []
    for problem in problems:
        if id(problem) not in shown:
            shown.add(id(problem))
            out.append(problem.format(plan.source, lang, plan.sheets > 1))
    return out


def _new_summary(change: LotChange, en: bool) -> str:
    fields = change.draft.fields
    parts = []
    if "produced" in fields:
        parts.append(f"{'made' if en else 'NSX'} {_shown(fields['produced'])}")
    for key, label in (("expires", ("HSD", "use by")), ("best_before", ("dùng tốt nhất trước",
                                                                        "best before"))):
        if key in fields:
            parts.append(f"{label[1] if en else label[0]} {_shown(fields[key])}")
    if "quantity" in fields:
        parts.append(str(fields["quantity"]))
    for count, vi, english in ((len(change.draft.events), "công đoạn", "stage"),
                               (len(change.draft.documents), "tài liệu", "document")):
        if count:
            parts.append(f"{count} " + (english + "s" * (count > 1) if en else vi))
    return ", ".join(parts)


def _diff(diff: Diff, lang: str) -> str:
    label = _pick(FIELDS.get(diff.field, (diff.field, diff.field)), lang)
    step = f" «{diff.step}»" if diff.step else ""
    if diff.field == "event":
        return f"{label}{step} {_shown(diff.new)}"
    if diff.old is None or diff.field in ("area", "document"):
        return f"{label}{step}: {_shown(diff.new)}"
    if diff.field == "document.file":
        return f"{label}: {diff.new}"
    stage = _t(lang, "công đoạn", "stage") if diff.field.startswith("event.") else ""
    return f"{stage + step + ' ' if stage else ''}{label}: {_shown(diff.old)} -> {_shown(diff.new)}"


def _shown(value: Any) -> str:
    if isinstance(value, date):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return _short("—" if value is None else str(value).replace("\n", " "))


def _short(text: str) -> str:
    return text if len(text) <= 60 else text[:57] + "..."


# --- what is missing, stamps, totals ---------------------------------------------------------


def missing_lines(plan: LotPlan, lang: str = "vi") -> list[str]:
    """What the lots written still lack of Circular 02/2024's items, said once per item."""
    lacking: dict[str, list[str]] = {}
    for change in plan.lots:
        if change.action in ("new", "update"):
            for vi, english in change.missing:
                lacking.setdefault(english if lang == "en" else vi, []).append(change.draft.lot)
    lines = []
    for item, lots in lacking.items():
        shown = ", ".join(lots[:6]) + (", …" if len(lots) > 6 else "")
        lines.append(_t(lang, f"mục {item}: {len(lots)} lô ({shown})",
                        f"item {item}: {len(lots)} lots ({shown})"))
    return lines


def stamp_commands(plan: LotPlan, lang: str = "vi") -> list[str]:
    """``ocop stamps`` for the new lots whose product may carry the OCOP mark today: one per
    product, naming its new lots; a product with more than ``STAMP_LOTS_PER_COMMAND`` gets the
    command that prints all its stamps (those printed before come from the cache)."""
    commands = []
    for product in plan.products:
        lots = [c.draft.lot for c in product.lots if c.action == "new" and c.stamp]
        if len(lots) > STAMP_LOTS_PER_COMMAND:
            commands.append(f"ocop stamps {product.id}   # {len(lots)} "
                            + _t(lang, "lô mới, và các lô khác", "new lots, and the others"))
        elif lots:
            commands.append(f"ocop stamps {product.id} --lot {','.join(lots)}")
    return commands


def totals_line(plan: LotPlan, lang: str = "vi", dry_run: bool = False) -> str:
    counts = Counter(c.action for c in plan.lots)
    counts["invalid"] += len(plan.read.failed)
    questions = sum(1 for p in plan.problems if p.question)
    errors = sum(1 for p in plan.errors if not p.question)
    warnings = sum(1 for p in plan.problems if not p.error)
    said = [(counts[a], *COUNTED[a]) for a in COUNTED] + [
        (questions, "câu hỏi", "questions"), (errors, "lỗi", "errors"),
        (warnings, "cảnh báo", "warnings")]
    parts = [f"{n} {english if lang == 'en' else vi}" for n, vi, english in said if n]
    products = len(plan.products)
    lead = (_t(lang, "Chạy thử, không ghi gì", "Dry run, nothing written") if dry_run
            else _t(lang, "Xong", "Done"))
    return (f"{lead}: " + ("; ".join(parts) or _t(lang, "không có lô nào", "no lots"))
            + _t(lang, f" ({products} sản phẩm).", f" ({products} products)."))
