"""The import told to a person: what was read from the sheet, which rows were passed over and why,
and per product what will be written, what was worked out (and from what), what is asked and
what is still missing. Vietnamese by default, English with ``lang="en"``."""

from __future__ import annotations

from typing import Any

from site_builder.sheets.columns import header_key
from site_builder.sheets.importer import MISSING_LABELS, Change, ImportPlan, short
from site_builder.sheets.tables import column_letter

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
}
HEADS = {
    "new": ("+", "hồ sơ mới", "new record"),
    "update": ("~", "cập nhật", "update"),
    "add": ("+", "thêm lần công nhận mới vào hồ sơ đã có", "new certification added to the record"),
    "same": ("=", "đã có, không thay đổi", "already there, unchanged"),
    "exists": ("!", "đã có hồ sơ, giữ nguyên (thêm --update để cập nhật)",
               "a record exists, left as it is (add --update to update it)"),
    "invalid": ("x", "có lỗi, không ghi", "has errors, not written"),
}


def _pick(pair: tuple[str, str], lang: str) -> str:
    return pair[1] if lang == "en" else pair[0]


def sheet_lines(plan: ImportPlan, lang: str = "vi") -> list[str]:
    """How the sheet was read: file, sheet, header, sheet-wide facts, notes, unused columns."""
    en = lang == "en"
    table, layout, facts = plan.table, plan.layout, plan.facts
    if table is None or layout is None or facts is None:
        return []
    sheet = f", {'sheet' if en else 'trang'} «{table.sheet}»" if table.sheet else ""
    rows = (f"{'rows' if en else 'dòng'} {layout.header_rows[0]}-{layout.header_rows[-1]}"
            if len(layout.header_rows) > 1 else f"{'row' if en else 'dòng'} {layout.header_rows[0]}")
    used = ", ".join(
        f"{column_letter(i)} {layout.headers[i]}" + ("" if header_key(layout.headers[i]) ==
                                                     header_key(c.header(lang)) else
                                                     f" → {c.header(lang).lower()}")
        for i, c in sorted(layout.columns.items()))
    lines = [f"{'Reading' if en else 'Đọc'} {plan.source.name}{sheet} ({table.encoding})",
             f"  {'header on' if en else 'tiêu đề cột ở'} {rows}; "
             f"{'columns used' if en else 'cột dùng'}: {used}"]
    for vi_text, en_text in table.notes:
        lines.append(f"  {'note' if en else 'ghi chú'}: {en_text if en else vi_text}")
    lines.extend(_fact_lines(facts, en))
    if facts.regime_worked:
        key, how_vi, how_en = facts.regime_worked
        lines.append(f"  {'criteria' if en else 'bộ tiêu chí'} ({'for every row' if en else 'cho mọi dòng'}):"
                     f" {key} ({'worked out' if en else 'suy ra'} {how_en if en else how_vi})")
    if plan.unused:
        unused = ", ".join(f"{column_letter(i)} «{t}»" for i, t in plan.unused)
        lines.append(f"  {'columns not used' if en else 'cột không dùng'}: {unused}")
    return lines


def _fact_lines(facts: Any, en: bool) -> list[str]:
    labels = {"decision": ("quyết định", "decision"), "decision_date": ("ngày quyết định", "date"),
              "authority": ("cơ quan công nhận", "issued by"), "province": ("tỉnh", "province"),
              "regime": ("bộ tiêu chí", "criteria")}
    lines = []
    for name, (vi_label, en_label) in labels.items():
        value = getattr(facts, name)
        if value is None:
            continue
        row = facts.rows.get(name)
        where = ("command line" if en else "dòng lệnh") if row == 0 else (
            f"{'row' if en else 'dòng'} {row}")
        shown = f"{value:%d/%m/%Y}" if hasattr(value, "strftime") else value
        lines.append(f"  {en_label if en else vi_label} ({'for every row' if en else 'cho mọi dòng'}):"
                     f" {shown} ({'from' if en else 'theo'} {where})")
    return lines


def skipped_lines(plan: ImportPlan, lang: str = "vi") -> list[str]:
    """Rows passed over, runs of the same kind shown together."""
    en = lang == "en"
    if not plan.skipped:
        return []
    lines = [f"{'Rows that are not products' if en else 'Dòng không phải sản phẩm, bỏ qua'} "
             f"({len(plan.skipped)}):"]
    runs: list[list[Any]] = []
    for skipped in plan.skipped:
        if runs and runs[-1][0].kind == skipped.kind == "signature":
            runs[-1].append(skipped)
        else:
            runs.append([skipped])
    for run in runs:
        first, last = run[0], run[-1]
        rows = f"{first.row}" if first is last else f"{first.row}-{last.row}"
        label = _pick(SKIP_LABELS[first.kind], lang)
        text = short(first.text) if first is last else ""
        lines.append(f"  {'row' if en else 'dòng'} {rows}: {label}" + (f" «{text}»" if text else ""))
    return lines


def change_lines(change: Change, lang: str = "vi") -> list[str]:
    """What the import does (or would do) with one product."""
    en = lang == "en"
    rows = ", ".join(str(r) for r in change.rows)
    mark, vi_head, en_head = HEADS[change.action]
    summary = change.summary
    what = " — ".join(short(str(v)) for v in (summary.get("name"), summary.get("producer")) if v)
    stars = f", {summary['stars']} {'stars' if en else 'sao'}" if summary.get("stars") else ""
    head = en_head if en else vi_head
    row_word = ("rows" if len(change.rows) > 1 else "row") if en else "dòng"
    lines = [f"{mark} {change.id} ({row_word} {rows}): {head}"
             + (f": {what}{stars}" if what else "")]
    if change.matched:
        lines.append(f"    {'matched' if en else 'khớp hồ sơ'}: {_pick(change.matched, lang)}")
    for path, old, new in change.fields:
        if change.action in ("update", "add"):
            lines.append(f"    {path}: {short(old)} -> {short(new)}")
    for path, old, new in change.held_back:
        lines.append(f"    {'not applied' if en else 'chưa áp dụng'} {path}: {short(old)} -> "
                     f"{short(new)}")
    for worked in change.worked:
        if worked.quiet:
            continue
        label = _pick(FIELD_LABELS.get(worked.field.split(".")[-1] if worked.field.startswith(
            "certifications") else worked.field, (worked.field, worked.field)), lang)
        source = worked.en if en else worked.vi
        if worked.question:
            lines.append(f"    {'QUESTION' if en else 'CẦN HỎI'} {label}: {source}")
        else:
            lines.append(f"    {'worked out' if en else 'suy ra'} {label} = {worked.value(lang)} "
                         f"({source})")
    if change.missing and change.action in ("new", "update", "add"):
        missing = ", ".join(_pick(MISSING_LABELS[k], lang) for k in change.missing)
        lines.append(f"    {'still missing' if en else 'còn thiếu'}: {missing}")
    return lines


def totals_line(plan: ImportPlan, lang: str = "vi", dry_run: bool = False) -> str:
    counts = {a: sum(1 for c in plan.changes if c.action == a) for a in HEADS}
    questions = sum(1 for c in plan.changes for w in c.worked if w.question)
    if lang == "en":
        lead = "Dry run, nothing written" if dry_run else "Done"
        return (f"{lead}: {counts['new']} new, {counts['add']} with a new certification, "
                f"{counts['update']} updated, {counts['same']} unchanged, {counts['exists']} kept, "
                f"{counts['invalid']} with errors; {len(plan.skipped)} rows skipped; {questions} "
                "questions to answer.")
    lead = "Chạy thử, không ghi gì" if dry_run else "Xong"
    return (f"{lead}: {counts['new']} hồ sơ mới, {counts['add']} thêm lần công nhận, "
            f"{counts['update']} cập nhật, {counts['same']} không đổi, {counts['exists']} giữ "
            f"nguyên, {counts['invalid']} có lỗi; bỏ qua {len(plan.skipped)} dòng không phải sản "
            f"phẩm; {questions} câu hỏi cần trả lời.")
