"""The spreadsheet importer's message catalogues: one per language, the same codes and
placeholders in each, every code the importer reports present, and no problem text left inline."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from catalogues import assert_in_step, templates

from site_builder.problems import Message
from site_builder.sheets.columns import COLUMNS, CellError, parse_cell
from site_builder.sheets.drafts import SheetProblem
from site_builder.sheets.importer import find_table
from site_builder.sheets.tables import TableError, read_table
from site_builder.sheets.texts import SHEET_MESSAGES

SHEETS = Path(__file__).resolve().parents[2] / "site_builder" / "sheets"
MOVED = ("drafts.py", "importer.py", "tables.py", "columns.py", "texts.py", "sources.py", "todo.py",
         "review.py", "lots/columns.py", "lots/find.py", "lots/products.py", "lots/reader.py",
         "lots/merge.py", "lots/plan.py", "lots/export.py")
# Calls that build a problem: the code is their first argument (``of``: the fourth, ``at`` and
# the lot reader's ``_problem``: the third).
CODE_TAKERS = {"CellError": 0, "SetWords": 0, "TableError": 0, "message": 0, "of": 3, "outcome": 0,
               "at_cell": 2, "_problem": 2}
CLI = SHEETS.parent / "cli.py"  # how an import ends is said there, by code (review.outcome)
PROBLEM_BUILDERS = {"SheetProblem", *CODE_TAKERS}
CODE_TABLES = {"ways", "_HINTS"}  # dicts whose values name codes
# Where a Vietnamese literal outside a problem is deliberate: labels of the review (a value's
# provenance, a file's notes), header names and aliases, word tables, severity labels.
NOT_PROBLEMS = {
    "drafts.py": {"format", "_KINDS", "_ask_missing_columns", "_draft_for", "_work", "_place",
                  "_evaluation_kind", "_HINT_NOTES", "_row_name", "SheetReader", "_before_2025",
                  "_AUTHORITY_LEVELS"},
    # The review is the words an office worker reads: labels, headings, counts.
    "review.py": {"SKIP_LABELS", "FIELD_LABELS", "HEADS", "FACT_LABELS", "plan_review", "_Where",
                  "_sheet_entry", "_facts_line", "_change_entry", "_missing_lines", "totals_line",
                  "_skipped_text"},
    "todo.py": {"NOTES", "write_todo"},
    "importer.py": {"_note_worked", "_HINTS", "MISSING_LABELS"},
    "tables.py": {"_renamed_note", "_xlsx_table", "_encoding_note", "DATE_EXAMPLES"},
    "columns.py": {"EVALUATION_KINDS", "_shop", "COLUMNS", "EXTRA_COLUMNS", "ALIASES", "_number"},
    "lots/columns.py": {"LOT_COLUMNS", "STAGE_COLUMNS", "EXTRA_COLUMNS", "stage_of_header"},
    "lots/find.py": {"_date_columns"},
    "lots/reader.py": {"LotProblem"},
    "lots/export.py": {"LOT_SHEET", "STAGE_SHEET", "EXAMPLE", "EXAMPLE_LOT", "EXAMPLE_STAGE", "_fill"},
}
# Codes whose Vietnamese text names a value the English one leaves out (the file's own error,
# the product id, the regimes' keys, the sheet's name): English placeholders are then a subset.
VIETNAMESE_SAYS_MORE = {"file_too_large", "xlsx_damaged", "xlsx_unreadable", "sheet_damaged",
                        "xls_unreadable", "csv_broken", "differs_from_first_row", "too_many_rows",
                        "regime_ambiguous", "record_unreadable"}
VIETNAMESE = re.compile(r"[À-ỹ]")




def _trees() -> dict[str, ast.Module]:
    return {name: ast.parse((SHEETS / name).read_text(encoding="utf-8")) for name in MOVED}


def _name(call: ast.Call) -> str:
    return getattr(call.func, "id", getattr(call.func, "attr", ""))


def _codes_used() -> set[str]:
    found: set[str] = set()
    trees = [*_trees().values(), ast.parse(CLI.read_text(encoding="utf-8"))]
    for node in (n for tree in trees for n in ast.walk(tree)):
        if isinstance(node, ast.Call) and (at := CODE_TAKERS.get(_name(node))) is not None:
            if len(node.args) > at and isinstance(node.args[at], ast.Constant):
                found.add(node.args[at].value)
        if isinstance(node, ast.Assign) and any(getattr(t, "id", "") in CODE_TABLES
                                                for t in node.targets):
            values = getattr(node.value, "values", [])
            found.update(c.value for v in values for c in ast.walk(v) if isinstance(c, ast.Constant)
                         and isinstance(c.value, str) and re.fullmatch(r"[a-z][a-z0-9_]+", c.value))
    return found


def test_both_catalogues_have_the_same_codes_andplaceholders():
    assert_in_step(SHEET_MESSAGES, VIETNAMESE_SAYS_MORE)


def test_codes_are_short_snake_case_names():
    assert all(re.fullmatch(r"[a-z][a-z0-9_]{1,30}", code) for code in templates(SHEET_MESSAGES, "vi"))


def test_every_code_the_importer_reports_is_in_the_catalogues():
    used, known = _codes_used(), set(templates(SHEET_MESSAGES, "vi"))
    assert len(used) > 40  # the scan still finds the codes (a changed call style would hide them)
    assert used <= known, sorted(used - known)
    assert known <= used, sorted(known - used)  # no text left behind by a removed problem


def test_no_problem_is_built_from_inline_vietnamese():
    """Every argument of a problem-building call is free of Vietnamese literals."""
    for name, tree in _trees().items():
        for call in (n for n in ast.walk(tree) if isinstance(n, ast.Call)
                     and _name(n) in PROBLEM_BUILDERS):
            for node in ast.walk(call):
                if isinstance(node, ast.Constant) and isinstance(node.value, str):
                    assert not VIETNAMESE.search(node.value), f"{name}:{node.lineno}: {node.value}"


def test_vietnamese_is_left_only_where_it_is_deliberate():
    """Outside docstrings, Vietnamese literals stay only in the places listed in NOT_PROBLEMS:
    a new message written inline anywhere else fails here."""
    for name, tree in _trees().items():
        docstrings = {id(n.body[0].value) for n in ast.walk(tree)
                      if isinstance(n, (ast.Module, ast.FunctionDef, ast.ClassDef)) and n.body
                      and isinstance(n.body[0], ast.Expr)}
        allowed = NOT_PROBLEMS.get(name, set())
        for top in tree.body:
            names = {top.name} if isinstance(top, (ast.FunctionDef, ast.ClassDef)) else {
                getattr(t, "id", "") for t in getattr(top, "targets", [getattr(top, "target", None)])}
            methods = {n.name: n for n in ast.walk(top) if isinstance(n, ast.FunctionDef)}
            for node in ast.walk(top):
                if (isinstance(node, ast.Constant) and isinstance(node.value, str)
                        and id(node) not in docstrings and VIETNAMESE.search(node.value)):
                    inside = {m for m, f in methods.items()
                              if f.lineno <= node.lineno <= (f.end_lineno or f.lineno)}
                    assert (names | inside) & allowed, f"{name}:{node.lineno}: {node.value}"


def test_a_sheet_problem_carries_its_code_and_both_texts():
    problem = SheetProblem.of(7, 2, "Mã sản phẩm", "id_invalid", id="Nho Say Ninh Thuận")
    assert problem.code == "id_invalid"
    assert problem.vi.startswith("mã 'Nho Say Ninh Thuận' không hợp lệ: chỉ chữ thường")
    assert problem.en == "id 'Nho Say Ninh Thuận' is invalid: lower-case ASCII letters, digits " \
                         "and hyphens"
    assert problem.format(Path("ninh-thuan-2025.xlsx")) == (
        "ninh-thuan-2025.xlsx:7:C: Mã sản phẩm: lỗi: " + problem.vi)


def test_a_cell_error_carries_its_code_and_both_texts():
    with pytest.raises(CellError) as caught:
        parse_cell(next(c for c in COLUMNS if c.kind == "stars"), "bốn sao rưỡi")
    assert caught.value.code == "not_stars"
    assert caught.value.message == Message(
        "'bốn sao rưỡi' không phải hạng sao; ghi 3, 4 hoặc 5 (hoặc '4 sao')",
        "'bốn sao rưỡi' is not a star rating; write 3, 4 or 5 (or '4 sao')")


def test_a_table_error_reads_where_then_both_texts(tmp_path):
    missing = tmp_path / "danh-sach-ocop-khanh-hoa.xlsx"
    with pytest.raises(TableError) as caught:
        read_table(missing)
    assert caught.value.code == "file_not_found"
    assert str(caught.value) == f"không tìm thấy tệp {missing} / {missing} not found"
    notes = tmp_path / "ghi-chu.docx"
    notes.write_text("Nước mắm Nha Trang", encoding="utf-8")
    with pytest.raises(TableError) as caught:
        read_table(notes)
    assert str(caught.value) == (f"{notes}: chỉ đọc được tệp .xlsx, .xls hoặc .csv / only .xlsx, "
                                 ".xls and .csv files are read")


def test_a_sheet_without_a_product_table_names_the_sheets_tried(tmp_path):
    minutes = tmp_path / "bien-ban-hop.csv"
    minutes.write_text("Biên bản họp Hội đồng OCOP tỉnh Khánh Hòa\nNgày 12/06/2025\n", encoding="utf-8")
    with pytest.raises(TableError) as caught:
        find_table(minutes)
    assert caught.value.code == "no_product_table"
    assert str(caught.value).startswith(f"{minutes}: không tìm thấy bảng sản phẩm (cần dòng tiêu "
                                        "đề có cột Tên sản phẩm")
    assert str(caught.value).endswith("of 'bien-ban-hop.csv'")


def test_a_pipe_named_csv_is_refused_as_not_a_file_and_never_waited_on(tmp_path):
    import os

    pipe = tmp_path / "ds.csv"
    os.mkfifo(pipe)
    with pytest.raises(TableError) as caught:
        read_table(pipe)
    assert caught.value.code == "not_a_regular_file"
    assert str(caught.value).startswith(f"{pipe}: không phải tệp thông thường")


def test_a_workbook_whose_list_is_on_a_hidden_sheet_says_so_and_how_to_read_it(tmp_path):
    """The error named only the visible, empty sheet: the office could not tell the list was
    there, hidden, one --sheet away."""
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "Bìa"
    hidden = book.create_sheet("DS 2025")
    hidden.append(["Tên sản phẩm", "Chủ thể", "Hạng sao"])
    hidden.append(["Mật ong Mỹ Sơn", "HTX Mỹ Sơn", "4 sao"])
    hidden.sheet_state = "hidden"
    path = tmp_path / "ds.xlsx"
    book.save(path)
    with pytest.raises(TableError) as caught:
        find_table(path)
    assert caught.value.code == "no_product_table"
    assert ("trang 'Bìa'; các trang đang ẩn chưa đọc: 'DS 2025' (ghi --sheet 'DS 2025' để đọc "
            "trang ẩn)") in str(caught.value)
    assert "hidden sheets not read: 'DS 2025'" in str(caught.value)
