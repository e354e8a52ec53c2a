"""A lot import told to a person, in the order the annex review uses: what was read (sheets,
header, columns, what was worked out for the whole sheet), then the questions together, then each
product's lots (new, changed and what changed, unchanged, with errors) with their problems beside
them, what the new lots still lack, the commands that print their stamps, and one summary line.
Vietnamese by default, English with ``lang="en"``."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

from site_builder.sheets.columns import header_key
from site_builder.sheets.lots.find import SheetLayout
from site_builder.sheets.lots.plan import Diff, LotChange, LotPlan, ProductLots
from site_builder.sheets.lots.reader import LotProblem
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
    "new": ("+", "lô mới", "new lot"), "update": ("~", "thay đổi", "changed"),
    "same": ("=", "không đổi", "unchanged"), "invalid": ("x", "có lỗi, không ghi",
                                                          "has errors, not written"),
}
COUNTED = {"new": ("lô mới", "new"), "update": ("lô thay đổi", "changed"),
           "same": ("lô không đổi", "unchanged"), "invalid": ("lô có lỗi", "with errors")}
SKIPPED = {"example": ("dòng ví dụ", "example row"), "section": ("mục sản phẩm", "product section"),
           "note": ("không có mã lô", "no lot code"),
           "hidden": ("dòng đang ẩn trong Excel", "row hidden in Excel")}
NOTES = {
    "two_digit_year": ("năm ghi hai chữ số, đọc là 20..", "two-digit years read as 20.."),
    "place_from_producer": ("công đoạn không ghi địa điểm: lấy tên chủ thể",
                            "stages without a place: the producer's name"),
}
SHOWN_NOTES = 3  # notes of one kind shown in full; the rest by their rows


def _pick(pair: tuple[str, str], lang: str) -> str:
    return pair[1] if lang == "en" else pair[0]


def review_lines(plan: LotPlan, lang: str = "vi", stamps: bool = True) -> list[str]:
    """The whole review, line by line, but for the summary (``totals_line``); ``stamps``: the
    lots will be written, say how to print their stamps."""
    en = lang == "en"
    by_row: dict[tuple[str, int], list[LotProblem]] = {}
    for problem in plan.problems:
        if not problem.question:
            by_row.setdefault((problem.sheet, problem.row), []).append(problem)
    shown: set[int] = set()
    lines = read_lines(plan, lang)
    lines.extend(question_lines(plan, lang))
    for product in plan.products:
        lines.extend(product_lines(product, plan, lang, by_row, shown))
    for where, text in plan.read.failed:
        lines.append(f"? {'lot' if en else 'lô'} {text or '?'} "
                     f"({_places({(where.sheet, where.row)}, plan, en)}): "
                     f"{'not written' if en else 'chưa ghi được'}")
        lines.extend(_problem_lines(plan, by_row.get((where.sheet, where.row), []), lang, shown))
    rest = [p for p in plan.problems if not p.question and id(p) not in shown]
    if rest:
        lines.append("Vấn đề của bảng:" if not en else "Problems with the sheet:")
        lines.extend(f"  {p.format(plan.source, lang, plan.sheets > 1)}" for p in
                     sorted(rest, key=lambda p: (p.sheet, p.row, p.column or 0)))
    lines.extend(missing_lines(plan, lang))
    commands = stamp_commands(plan, lang) if stamps else []
    if commands:
        lines.append("In tem cho các lô mới:" if not en else "Print the new lots' stamps:")
        lines.extend(f"  {c}" for c in commands)
    return lines


def _problem_lines(plan: LotPlan, problems: list[LotProblem], lang: str, shown: set[int]
                   ) -> list[str]:
    out = []
    for problem in problems:
        if id(problem) not in shown:
            shown.add(id(problem))
            out.append(f"      {problem.format(plan.source, lang, plan.sheets > 1)}")
    return out


def read_lines(plan: LotPlan, lang: str = "vi") -> list[str]:
    """What was read: each sheet, its header and columns, and what was worked out for it."""
    en = lang == "en"
    lines = []
    for kind, tables in (("lot", plan.workbook.lots), ("stage", plan.workbook.stages)):
        for table, layout in tables:
            lines.extend(_sheet_lines(plan, table, layout, kind, en))
    if plan.unreadable_records:
        lines.append(f"  {'note' if en else 'ghi chú'}: " + (
            f"{plan.unreadable_records} records with errors are not looked in for products "
            "(ocop check names them)" if en else f"{plan.unreadable_records} hồ sơ có lỗi nên "
            "không dùng để tìm sản phẩm (ocop check cho biết lỗi)"))
    if plan.read.title_product:
        product_id, row = plan.read.title_product
        lines.append(f"  {'product (for every row)' if en else 'sản phẩm (cho mọi dòng)'}: "
                     f"{product_id} ({'from row' if en else 'theo dòng'} {row})")
    notes = {k: v for k, v in plan.read.notes.items() if k != "use_by_counted"}  # said per lot
    if notes:
        lines.append("Suy ra cho cả bảng (xem lại):" if not en else "Worked out (check):")
    for kind, found in notes.items():
        label = _pick(NOTES[kind], lang)
        shown = [m.text(lang) for _, m in found[:SHOWN_NOTES]] if kind != "place_from_producer" \
            else sorted({m.text(lang) for _, m in found})[:SHOWN_NOTES]
        rows = _places({(w.sheet, w.row) for w, _ in found}, plan, en)
        lines.append(f"  {label} ({rows}): " + "; ".join(shown)
                     + ("; …" if len(found) > SHOWN_NOTES and kind != "place_from_producer" else ""))
    if plan.read.skipped:
        lines.append(f"{'Rows that are not lots' if en else 'Dòng không phải lô hàng, bỏ qua'} "
                     f"({len(plan.read.skipped)}):")
        for skipped in plan.read.skipped:
            text = skipped.text if len(skipped.text) <= 60 else skipped.text[:57] + "..."
            lines.append(f"  {_places({(skipped.sheet, skipped.row)}, plan, en)}: "
                         f"{_pick(SKIPPED[skipped.kind], lang)} «{text}»")
    return lines


def _sheet_lines(plan: LotPlan, table: Table, layout: SheetLayout, kind: str, en: bool) -> list[str]:
    what = ("lots" if kind == "lot" else "stages") if en else ("lô hàng" if kind == "lot"
                                                               else "công đoạn")
    sheet = f", {'sheet' if en else 'trang'} «{table.sheet}»" if table.sheet else ""
    rows = layout.header_rows
    header_at = (f"{'rows' if en else 'dòng'} {rows[0]}-{rows[-1]}" if len(rows) > 1
                 else f"{'row' if en else 'dòng'} {rows[0]}")
    used = ", ".join(
        f"{column_letter(i)} {layout.headers[i]}" + (
            "" if header_key(layout.headers[i]) == header_key(c.header("en" if en else "vi"))
            else f" → {c.header('en' if en else 'vi').lower()}")
        for i, c in sorted(layout.columns.items()) if c.key != "number")
    lines = [f"{'Reading' if en else 'Đọc'} {plan.source.name}{sheet} ({table.encoding}): {what}",
             f"  {'header on' if en else 'tiêu đề cột ở'} {header_at}; "
             f"{'columns used' if en else 'cột dùng'}: {used}"]
    if layout.stages:
        stages = ", ".join(f"{column_letter(i)} {s}" for i, s in sorted(layout.stages.items()))
        lines.append(f"  {'stages, a date each' if en else 'công đoạn, mỗi cột một ngày'}: {stages}")
    for vi_text, en_text in table.notes:
        lines.append(f"  {'note' if en else 'ghi chú'}: {en_text if en else vi_text}")
    unused = [(i, t) for i, t in layout.unused() if layout.columns.get(i) is None
              and header_key(t) not in ("stt", "tt", "ghi chu", "notes")]
    if unused:
        listed = ", ".join(f"{column_letter(i)} «{t}»" for i, t in unused)
        lines.append(f"  {'columns not used' if en else 'cột không dùng'}: {listed}")
    return lines


def _rows(rows: list[int]) -> str:
    unique = sorted(set(rows))
    return ", ".join(str(r) for r in unique[:10]) + (", …" if len(unique) > 10 else "")


def _places(places: set[tuple[str, int]], plan: LotPlan, en: bool) -> str:
    """'dòng 5; «Công đoạn» dòng 2, 3': rows by sheet, the lot sheet's unnamed."""
    main = plan.workbook.lots[0][0].sheet if plan.workbook.lots else None
    by_sheet: dict[str, list[int]] = {}
    for sheet, row in sorted(places, key=lambda p: (p[0] != main, p)):
        by_sheet.setdefault(sheet, []).append(row)
    def word(rows: list[int]) -> str:
        return ("rows" if len(rows) > 1 else "row") if en else "dòng"

    return "; ".join((f"«{sheet}» " if plan.sheets > 1 and sheet != main else "")
                     + f"{word(rows)} {_rows(rows)}" for sheet, rows in by_sheet.items())


def question_lines(plan: LotPlan, lang: str = "vi") -> list[str]:
    """The questions, together: a product a row names that could be several."""
    questions = [p for p in plan.problems if p.question]
    if not questions:
        return []
    en = lang == "en"
    lines = [f"{'Questions' if en else 'Câu hỏi'} ({len(questions)}):"]
    lines.extend(f"  {p.format(plan.source, lang, plan.sheets > 1)}" for p in questions)
    return lines


def product_lines(product: ProductLots, plan: LotPlan, lang: str,
                  by_row: dict[tuple[str, int], list[LotProblem]], shown: set[int]) -> list[str]:
    """A product's lots: one line each, what changed, and their problems beside them."""
    counts = Counter(c.action for c in product.lots)
    summary = ", ".join(f"{n} {_pick(COUNTED[a], lang)}" for a, n in counts.items())
    lines = [f"{product.id}: {summary}"]
    for change in product.lots:
        said = [p for place in sorted(change.draft.places) for p in by_row.get(place, [])]
        if change.action == "same" and not said and not change.problems:
            continue  # counted above: a log imported again lists only what it changes
        lines.extend(_lot_lines(change, plan, lang, by_row, shown))
    return lines


def _lot_lines(change: LotChange, plan: LotPlan, lang: str,
               by_row: dict[tuple[str, int], list[LotProblem]], shown: set[int]) -> list[str]:
    en = lang == "en"
    draft = change.draft
    mark, vi_head, en_head = HEADS[change.action]
    head = f"  {mark} {'lot' if en else 'lô'} {draft.lot or '?'} ({_places(draft.places, plan, en)}):" \
           f" {en_head if en else vi_head}"
    if change.action == "new":
        head += f": {_new_summary(change, en)}"
    lines = [head]
    if draft.matched:
        lines.append(f"      {'product' if en else 'sản phẩm'}: {draft.matched.text(lang)}")
    for worked in draft.worked:
        lines.append(f"      {'worked out' if en else 'suy ra'}: {worked.text(lang)}")
    if change.action == "update":
        lines.extend(f"      {_diff(d, lang)}" for d in change.diffs)
    own = [p for place in sorted(draft.places) for p in by_row.get(place, [])]
    lines.extend(_problem_lines(plan, own + change.problems, lang, shown))
    return lines


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
    stage = ("stage" if lang == "en" else "công đoạn") if diff.field.startswith("event.") else ""
    return f"{stage + step + ' ' if stage else ''}{label}: {_shown(diff.old)} -> {_shown(diff.new)}"


def _shown(value: Any) -> str:
    if isinstance(value, date):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    text = "—" if value is None else str(value).replace("\n", " ")
    return text if len(text) <= 60 else text[:57] + "..."


def missing_lines(plan: LotPlan, lang: str = "vi") -> list[str]:
    """What the lots written still lack of Circular 02/2024's items, said once."""
    en = lang == "en"
    lacking: dict[str, list[str]] = {}
    for change in plan.lots:
        if change.action in ("new", "update"):
            for vi, english in change.missing:
                lacking.setdefault(english if en else vi, []).append(change.draft.lot)
    if not lacking:
        return []
    lines = ["Còn thiếu theo Thông tư 02/2024/TT-BKHCN:" if not en else
             "Still missing under Circular 02/2024/TT-BKHCN:"]
    for item, lots in lacking.items():
        shown = ", ".join(lots[:6]) + (", …" if len(lots) > 6 else "")
        lines.append(f"  {'item' if en else 'mục'} {item}: {len(lots)} {'lots' if en else 'lô'} "
                     f"({shown})")
    return lines


def totals_line(plan: LotPlan, lang: str = "vi", dry_run: bool = False) -> str:
    counts = Counter(c.action for c in plan.lots)
    counts["invalid"] += len(plan.read.failed)
    lots = len(plan.lots) + len(plan.read.failed)
    questions = sum(1 for p in plan.problems if p.question)
    products = len(plan.products)
    if lang == "en":
        lead = "Dry run, nothing written" if dry_run else "Done"
        return (f"{lead}: {lots} lots of {products} products: {counts['new']} new, "
                f"{counts['update']} changed, {counts['same']} unchanged, {counts['invalid']} "
                f"with errors; {len(plan.read.skipped)} rows skipped; {questions} questions.")
    lead = "Chạy thử, không ghi gì" if dry_run else "Xong"
    return (f"{lead}: {lots} lô của {products} sản phẩm: {counts['new']} mới, "
            f"{counts['update']} thay đổi, {counts['same']} không đổi, {counts['invalid']} có lỗi; "
            f"bỏ qua {len(plan.read.skipped)} dòng; {questions} câu hỏi.")


STAMP_COMMANDS_PER_PRODUCT = 5  # more new lots than this: one command prints them all


def stamp_commands(plan: LotPlan, lang: str = "vi") -> list[str]:
    """``ocop stamps`` for the new lots whose product may carry the OCOP mark today: one per lot,
    or one per product that has many (it prints the product's and every lot's stamps; those
    printed before come from the cache)."""
    commands = []
    for product in plan.products:
        lots = [c.draft.lot for c in product.lots if c.action == "new" and c.stamp]
        if len(lots) > STAMP_COMMANDS_PER_PRODUCT:
            commands.append(f"ocop stamps {product.id}   # {len(lots)} "
                            + ("new lots, and the others" if lang == "en" else
                               "lô mới, và các lô khác"))
        else:
            commands.extend(f"ocop stamps {product.id} --lot {lot}" for lot in lots)
    return commands
