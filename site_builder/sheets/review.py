"""The import told to an office worker, in a terminal or a GitHub job summary.

Four parts, in the order a person acts on them: what was read (file, sheets, the facts stated
once, rows passed over), the questions together, each product with the problems of its rows
beside it, and one summary of what the pages still lack. Vietnamese by default, English with
``lang="en"``. Every line is plain text that also reads as Markdown: a title line, then ``- ``
items (nested by two spaces), a blank line between parts.

``Review`` is the shape; ``plan_review`` fills it for a plan of products. Another kind of list
(a producer's lot log) can fill the same shape with its own entries.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from site_builder.sheets import texts
from site_builder.sheets.annex import FROM_COMMAND_LINE, FROM_SHEET_NAME, At
from site_builder.sheets.columns import header_key
from site_builder.sheets.drafts import SheetProblem
from site_builder.sheets.importer import MISSING_LABELS, Change, ImportPlan, SheetPlan, short
from site_builder.sheets.tables import column_letter

QUESTION_CODES = ("regime_ambiguous",)  # problems that are a question for the whole list


@dataclass
class Entry:
    """One item of the review's list (a product, a lot), with its details and problems."""

    head: str
    details: list[str] = field(default_factory=list)


@dataclass
class Review:
    read_title: str
    read: list[Entry]
    questions: list[str]
    entries_title: str
    entries: list[Entry]
    missing_title: str
    missing: list[str]
    totals: str
    questions_title: str = ""

    def lines(self) -> list[str]:
        parts = [[self.read_title, *_items(self.read)]]
        if self.questions:
            parts.append([self.questions_title, *(f"- {q}" for q in self.questions)])
        if self.entries:
            parts.append([self.entries_title, *_items(self.entries)])
        if self.missing:
            parts.append([self.missing_title, *(f"- {m}" for m in self.missing)])
        parts.append([self.totals])
        return [line for i, part in enumerate(parts) for line in ([""] if i else []) + part]


def _items(entries: Iterable[Entry]) -> list[str]:
    return [line for e in entries for line in (f"- {e.head}", *(f"  - {d}" for d in e.details))]


# --- words ---------------------------------------------------------------------------------

def _t(lang: str, vi: str, en: str) -> str:
    return en if lang == "en" else vi


SKIP_LABELS = {
    "section": ("mục", "section"), "total": ("dòng tổng", "total"),
    "numbering": ("dòng đánh số cột", "column numbers"), "header": ("tiêu đề lặp lại", "repeated header"),
    "signature": ("phần ký tên, nơi nhận", "signature block"), "note": ("dòng ghi chú", "note"),
    "hidden": ("dòng đang ẩn trong Excel (hiện dòng nếu cần nhập)",
               "row hidden in Excel (unhide it to import it)"),
}
FIELD_LABELS = {
    "producer.type": ("loại hình chủ thể", "producer type"),
    "product_set": ("bộ sản phẩm", "product set"),
    "producer.province": ("tỉnh (sau 2025)", "province (after 2025)"),
    "producer.commune": ("xã/phường (sau 2025)", "commune (after 2025)"),
    "producer.address_on_certificate": ("địa chỉ", "address"),
    "regime": ("bộ tiêu chí", "criteria"), "kind": ("loại đánh giá", "evaluation"),
    "authority": ("cơ quan công nhận", "issuing authority"),
}
HEADS = {
    "new": ("hồ sơ mới", "new record"),
    "update": ("cập nhật", "update"),
    "add": ("thêm lần công nhận mới vào hồ sơ đã có", "new certification added to the record"),
    "same": ("đã có, không thay đổi", "already there, unchanged"),
    "exists": ("đã có hồ sơ, giữ nguyên (thêm --update để cập nhật)",
               "a record exists, left as it is (add --update to update it)"),
    "invalid": ("có lỗi, không ghi", "has errors, not written"),
}
FACT_LABELS = {"decision": ("quyết định", "decision"), "decision_date": ("ngày", "dated"),
               "authority": ("cơ quan công nhận", "issued by"), "province": ("tỉnh", "province"),
               "regime": ("bộ tiêu chí", "criteria"), "stars": ("hạng", "rating")}


def _pick(pair: tuple[str, str], lang: str) -> str:
    return pair[1] if lang == "en" else pair[0]


def _field_label(path: str, lang: str) -> str:
    key = path.split(".")[-1] if path.startswith("certifications") else path
    return _pick(FIELD_LABELS.get(key, (key, key)), lang)


# --- the review of a plan --------------------------------------------------------------------

def plan_review(plan: ImportPlan, lang: str = "vi", dry_run: bool = False,
                skip_invalid: bool = False) -> Review:
    where = _Where(plan, lang)
    owners = {at: change for change in plan.changes for at in (*change.rows, *change.left_out)}
    beside: dict[str, list[SheetProblem]] = {}
    for_sheet: dict[int, list[SheetProblem]] = {}
    questions = []
    for problem in sorted(plan.problems, key=lambda p: (p.sheet, p.row, p.column or 0)):
        if problem.code in QUESTION_CODES:
            questions.append(f"{where.rows([problem.at])}: {_pick((problem.vi, problem.en), lang)}")
        elif (owner := owners.get(problem.at)) is not None and not problem.grouped:
            beside.setdefault(owner.id, []).append(problem)
        else:
            for_sheet.setdefault(problem.sheet, []).append(problem)
    for change in plan.changes:
        for worked in change.worked:
            if worked.question:
                questions.append(f"{change.id} ({where.rows(change.rows)}), "
                                 f"{_field_label(worked.field, lang)}: "
                                 f"{worked.en if lang == 'en' else worked.vi}")
    read = [_sheet_entry(i, sheet, plan, lang, where, for_sheet.get(i, []))
            for i, sheet in enumerate(plan.sheets)]
    read += [Entry(_t(lang, f"trang «{p.name}»: không đọc, {p.reason.vi}",
                      f"sheet «{p.name}»: not read, {p.reason.en}")) for p in plan.passed]
    encoding = plan.sheets[0].table.encoding if plan.sheets else ""
    entries = [_change_entry(c, lang, where, beside.get(c.id, []), skip_invalid)
               for c in plan.changes]
    review = Review(
        _t(lang, f"Đã đọc {plan.source.name} ({_form(encoding)}):",
           f"Read {plan.source.name} ({_form(encoding)}):"), read, questions,
        _t(lang, f"Sản phẩm ({len(plan.changes)}):", f"Products ({len(plan.changes)}):"), entries,
        _t(lang, "Còn thiếu để trang sản phẩm đầy đủ (không bắt buộc, bổ sung sau):",
           "Still missing for a full product page (not required; add it later):"),
        _missing_lines(plan.changes, lang), totals_line(plan, lang, dry_run))
    review.questions_title = _t(lang, f"Cần trả lời ({len(questions)}): điền vào bảng việc cần "
                                      "làm (--todo) rồi nhập lại với --update, hoặc sửa hồ sơ",
                                f"To answer ({len(questions)}): fill in the to-do workbook "
                                "(--todo) and import it again with --update, or edit the record")
    return review


def _form(encoding: str) -> str:
    return {"xlsx": "Excel .xlsx", "xls": "Excel 97-2003 .xls"}.get(encoding, f"CSV, {encoding}")


class _Where:
    """Rows as a person reads them: 'dòng 12', or with the sheet when several were read."""

    def __init__(self, plan: ImportPlan, lang: str) -> None:
        self.names, self.lang, self.path = plan.sheet_names, lang, plan.source

    def rows(self, rows: Iterable[At]) -> str:
        rows = sorted(rows)
        by_sheet: dict[int, list[int]] = {}
        for at in rows:
            by_sheet.setdefault(at.sheet, []).append(at.row)
        word = _t(self.lang, "dòng", "rows" if len(rows) > 1 else "row")
        parts = []
        for sheet, numbers in by_sheet.items():
            sheet_name = f"«{self.names[sheet]}» " if len(self.names) > 1 else ""
            parts.append(f"{sheet_name}{word} {row_runs(numbers)}")
        return ", ".join(parts)


def row_runs(numbers: list[int]) -> str:
    """[9, 10, 11, 17] -> '9-11, 17'."""
    runs: list[list[int]] = []
    for n in numbers:
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    return ", ".join(f"{r[0]}" if len(r) == 1 else f"{r[0]}-{r[-1]}" for r in runs)


def _sheet_entry(index: int, sheet: SheetPlan, plan: ImportPlan, lang: str, where: _Where,
                 problems: list[SheetProblem]) -> Entry:
    table, layout, facts = sheet.table, sheet.layout, sheet.facts
    header = row_runs(list(layout.header_rows))
    used = ", ".join(
        f"{column_letter(i)} {' '.join(layout.headers[i].split())}"
        + ("" if header_key(layout.headers[i]) == header_key(c.header(lang))
           else f" → {c.header(lang).lower()}")
        for i, c in sorted(layout.columns.items()))
    if layout.star_marks:
        marks = ", ".join(f"{column_letter(i)} {layout.headers[i]}" for i in sorted(layout.star_marks))
        used += _t(lang, f", {marks} → số sao (ô được đánh dấu)",
                   f", {marks} → stars (the cell marked)")
    name = f"«{table.sheet}»" if table.sheet else table.path.name
    entry = Entry(_t(lang, f"trang {name}: tiêu đề cột ở dòng {header}, {sheet.rows} dòng sản phẩm; "
                           f"cột đọc: {used}",
                     f"sheet {name}: header on row{'s' if len(layout.header_rows) > 1 else ''} "
                     f"{header}, {sheet.rows} product rows; "
                     f"columns read: {used}"))
    for vi_text, en_text in table.notes:
        entry.details.append(_t(lang, f"ghi chú: {vi_text}", f"note: {en_text}"))
    facts_line = _facts_line(facts, lang)
    if facts_line:
        entry.details.append(facts_line)
    if facts.regime_worked and not facts.regime:
        key, how_vi, how_en = facts.regime_worked
        entry.details.append(_t(lang, f"bộ tiêu chí {key} cho mọi dòng: {how_vi}",
                                f"criteria {key} for every row: {how_en}"))
    if sheet.skipped:
        entry.details.append(_t(lang, f"bỏ qua {len(sheet.skipped)} dòng không phải sản phẩm: ",
                                f"{len(sheet.skipped)} rows that are not products passed over: ")
                             + _skipped_text(sheet, lang))
    for why, vi_label, en_label in (
            ("hidden", "cột đang ẩn trong Excel, không đọc", "columns hidden in Excel, not read"),
            ("same_field", "cột ghi cùng trường với một cột trước, không đọc",
             "columns giving the same field as an earlier one, not read")):
        passed = [i for i, reason in sorted(layout.passed_columns.items()) if reason == why]
        if passed:
            shown = ", ".join(f"{column_letter(i)} «{' '.join(layout.headers[i].split())}»"
                              for i in passed)
            entry.details.append(f"{_t(lang, vi_label, en_label)}: {shown}")
    if sheet.unused:
        unused = ", ".join(f"{column_letter(i)} «{' '.join(t.split())}»" for i, t in sheet.unused)
        entry.details.append(_t(lang, f"cột không dùng: {unused}", f"columns not used: {unused}"))
    entry.details.extend(p.format(plan.source, lang, plan.sheet_names) for p in problems)
    return entry


def _facts_line(facts: Any, lang: str) -> str:
    said = []
    for name, label in FACT_LABELS.items():
        value = getattr(facts, name)
        if value is None:
            continue
        row = facts.rows.get(name)
        if row == FROM_COMMAND_LINE:
            source = _t(lang, "dòng lệnh", "command line")
        elif row == FROM_SHEET_NAME:
            source = _t(lang, "tên trang", "sheet name")
        elif name in facts.from_sheet:
            source = _t(lang, f"trang «{facts.from_sheet[name]}» dòng {row}",
                        f"sheet «{facts.from_sheet[name]}» row {row}")
        else:
            source = _t(lang, f"dòng {row}", f"row {row}")
        shown = f"{value:%d/%m/%Y}" if hasattr(value, "strftime") else value
        if name == "stars":
            shown = _t(lang, f"{value} sao", f"{value} stars")
        said.append(f"{_pick(label, lang)} {shown} ({source})")
    if not said:
        return ""
    return _t(lang, "cho mọi dòng: ", "for every row: ") + ", ".join(said)


def _skipped_text(sheet: SheetPlan, lang: str) -> str:
    runs: list[list[Any]] = []
    for skipped in sheet.skipped:
        if runs and runs[-1][0].kind == skipped.kind == "signature":
            runs[-1].append(skipped)
        else:
            runs.append([skipped])
    out = []
    for run in runs:
        first, last = run[0], run[-1]
        rows = f"{first.row}" if first is last else f"{first.row}-{last.row}"
        text = f" «{short(first.text)}»" if first is last and first.kind != "numbering" else ""
        word = _t(lang, "dòng", "row" if first is last else "rows")
        out.append(f"{word} {rows}: {_pick(SKIP_LABELS[first.kind], lang)}"
                   f"{text}")
    return "; ".join(out)


def _change_entry(change: Change, lang: str, where: _Where, problems: list[SheetProblem],
                  skip_invalid: bool) -> Entry:
    """What the import does (or would do) with one product, and the problems of its rows."""
    summary = change.summary
    what = " — ".join(short(str(v)) for v in (summary.get("name"), summary.get("producer")) if v)
    stars = _t(lang, f", {summary['stars']} sao", f", {summary['stars']} stars") \
        if summary.get("stars") else ""
    action = _pick(HEADS[change.action], lang)
    entry = Entry(f"{change.id} ({where.rows(change.rows or change.left_out)}), {action}"
                  + (f": {what}{stars}" if what else ""))
    details = entry.details
    if change.matched:
        details.append(f"{_t(lang, 'khớp hồ sơ', 'matched')}: {_pick(change.matched, lang)}")
    if change.action in ("update", "add"):
        details.extend(f"{path}: {short(old)} → {short(new)}" for path, old, new in change.fields)
    details.extend(f"{_t(lang, 'chưa áp dụng', 'not applied')} {path}: {short(old)} → {short(new)}"
                   for path, old, new in change.held_back)
    for worked in change.worked:
        if worked.quiet or worked.question:
            continue
        source = worked.en if lang == "en" else worked.vi
        label = f"{_t(lang, 'suy ra', 'worked out')} {_field_label(worked.field, lang)}"
        if worked.field == "producer.address_on_certificate":  # the additions say it
            details.append(f"{label}: {source}")
        else:
            details.append(f"{label} = {worked.value(lang)} ({source})")
    asked = sum(1 for w in change.worked if w.question)
    if asked:
        details.append(_t(lang, f"{asked} câu hỏi: xem phần Cần trả lời",
                          f"{asked} question{'s' if asked > 1 else ''}: see To answer"))
    if change.left_out and change.rows:
        rows = where.rows(change.left_out)
        details.append(_t(lang, f"{rows} có lỗi nên không ghi; các dòng còn lại của sản phẩm "
                                f"{'được ghi' if skip_invalid else 'ghi được với --skip-invalid'}",
                          f"{rows} with errors not written; the product's other rows "
                          f"{'are written' if skip_invalid else 'can be written with --skip-invalid'}"))
    details.extend(p.format(where.path, lang, where.names) for p in problems)
    return entry


def _missing_lines(changes: list[Change], lang: str) -> list[str]:
    """What the records still lack, once: each gap with the products it concerns."""
    written = [c for c in changes if c.action in ("new", "update", "add")]
    by_gap: dict[str, list[str]] = {}
    for change in written:
        for key in change.missing:
            by_gap.setdefault(key, []).append(change.id)
    together: dict[tuple[str, ...], list[str]] = {}
    for key, product_ids in by_gap.items():
        together.setdefault(tuple(product_ids), []).append(_pick(MISSING_LABELS[key], lang))
    lines = []
    for ids, labels in together.items():
        if len(ids) == len(written) and len(ids) > 1:
            whom = _t(lang, f"cả {len(ids)} sản phẩm", f"all {len(ids)} products")
        else:
            whom = ", ".join(ids[:6]) + (_t(lang, f" và {len(ids) - 6} sản phẩm khác",
                                            f" and {len(ids) - 6} more") if len(ids) > 6 else "")
        lines.append(f"{', '.join(labels)}: {whom}")
    return lines


def totals_line(plan: ImportPlan, lang: str = "vi", dry_run: bool = False) -> str:
    counts = {a: sum(1 for c in plan.changes if c.action == a) for a in HEADS}
    questions = sum(1 for c in plan.changes for w in c.worked if w.question) + sum(
        1 for p in plan.problems if p.code in QUESTION_CODES)
    errors = len(plan.errors)
    warnings = len(plan.problems) - errors
    en = lang == "en"
    said = [
        (counts["new"], "hồ sơ mới", "new"), (counts["add"], "thêm lần công nhận", "with a new "
                                                               "certification"),
        (counts["update"], "cập nhật", "updated"), (counts["same"], "không đổi", "unchanged"),
        (counts["exists"], "giữ nguyên", "kept"), (counts["invalid"], "có lỗi, không ghi",
                                                   "with errors, not written"),
        (questions, "câu hỏi cần trả lời", "questions to answer"),
        (errors, "lỗi", "errors"), (warnings, "cảnh báo", "warnings"),
    ]
    parts = [f"{n} {en_word if en else vi_word}" for n, vi_word, en_word in said if n]
    lead = (_t(lang, "Chạy thử, không ghi gì", "Dry run, nothing written") if dry_run
            else _t(lang, "Xong", "Done"))
    return f"{lead}: {'; '.join(parts) or _t(lang, 'không có sản phẩm nào', 'no products')}."


def outcome(code: str, lang: str, **values: object) -> str:
    """How an import ended, in the language asked (from the importer's catalogue)."""
    said = texts.message(code, **values)
    return said.en if lang == "en" else said.vi
