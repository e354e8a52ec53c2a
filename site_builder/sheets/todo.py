"""The office's to-do workbook: one row per imported product with what was read, what was worked
out and from what, what is asked and what is missing, beside the columns to fill in. The office
sends it to districts and producers; when it comes back, ``ocop import --update`` reads the filled
columns (the notes columns are passed over), and a value given there is taken as confirmed."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml

from site_builder.problems import Message
from site_builder.sheets import texts
from site_builder.sheets.columns import COLUMNS, Column, cell_value
from site_builder.sheets.importer import MISSING_LABELS, ImportPlan
from site_builder.sheets.tables import Cell, write_csv, write_xlsx

# The record columns an office can complete, in the order a person fills them.
FILLABLE = ("id", "name.vi", "producer.name", "producer.type", "product_set",
            "producer.address_on_certificate", "producer.province", "producer.commune",
            "producer.phone", "producer.email", "producer.zalo", "gtin", "name.en", "story.vi",
            "story.en")
NOTES = {"vi": ("Dòng trong bảng gốc", "Đã suy ra (cần xác nhận)", "Cần hỏi", "Còn thiếu"),
         "en": ("Rows in the list", "Inferred (to confirm)", "Questions", "Missing")}


def _columns() -> list[Column]:
    by_path = {c.path: c for c in COLUMNS}
    return [by_path[p] for p in FILLABLE]


def todo_rows(plan: ImportPlan, lang: str = "vi") -> tuple[list[str], list[list[Cell]]]:
    """The header and one row per product of the plan (products with errors included: they are
    the first to need work)."""
    columns = _columns()
    header = [c.header(lang) for c in columns[:3]] + list(NOTES[lang]) + \
        [c.header(lang) for c in columns[3:]]
    rows: list[list[Cell]] = []
    for change in plan.changes:
        record = _record(change)
        # A worked-out value is not written into its column: sent back unread, it would count
        # as confirmed. It is in the notes column; to confirm it, a person writes it in.
        unsure = set(record.get("to_confirm") or {})
        values = [None if c.path in unsure and i >= 3 else cell_value(c, record, {}, lang)
                  for i, c in enumerate(columns)]
        inferred = "\n".join(f"{w.field}: {w.value(lang)} ({w.en if lang == 'en' else w.vi})"
                             for w in change.worked if not w.question)
        questions = "\n".join(f"{w.field}: {w.en if lang == 'en' else w.vi}"
                              for w in change.worked if w.question)
        missing = ", ".join(MISSING_LABELS[k][1 if lang == "en" else 0] for k in change.missing)
        rows.append(values[:3] + [plan.row_numbers(change.rows), inferred or None,
                                  questions or None, missing or None] + values[3:])
    return header, rows


def _record(change: Any) -> dict:
    """The record as it is or will be after the import."""
    text = change.text
    if not text and change.path.is_file():
        text = change.path.read_text(encoding="utf-8")
    try:
        data = yaml.safe_load(text) if text else None
    except yaml.YAMLError:
        data = None
    return data if isinstance(data, dict) else {"id": change.id}


TODO_SUFFIXES = (".xlsx", ".csv")


def todo_target_problem(path: Path) -> Message | None:
    """Why the to-do workbook cannot be written at ``path`` (said before anything is read)."""
    if path.suffix.lower() not in TODO_SUFFIXES:
        return texts.message("todo_suffix")
    if path.exists():
        return texts.message("todo_exists")
    folder = path.parent
    if not folder.is_dir():
        return texts.message("todo_no_folder", folder=folder)
    if not os.access(folder, os.W_OK):
        return texts.message("todo_folder_read_only", folder=folder)
    return None


def write_todo(path: Path, plan: ImportPlan, lang: str = "vi") -> None:
    """An .xlsx workbook, or a CSV file (UTF-8 for Excel) when ``path`` ends in .csv."""
    header, rows = todo_rows(plan, lang)
    if path.suffix.lower() == ".csv":
        write_csv(path, header, rows)
        return
    book = write_xlsx(path, "Việc cần làm" if lang != "en" else "To do", header, rows)
    sheet = book.active
    for index in range(3, 7):  # the notes columns: wide, wrapped, shaded
        letter = sheet.cell(row=1, column=index + 1).column_letter
        sheet.column_dimensions[letter].width = 45
    from openpyxl.styles import Alignment, PatternFill

    shade = PatternFill("solid", fgColor="FFF4E5")
    for row in sheet.iter_rows(min_row=1, min_col=4, max_col=7):
        for cell in row:
            cell.fill = shade
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    book.save(path)
