"""Dates as offices write them: every form the manual lists is read in every date cell, in the
title rows, in a decision cell and on the command line. The manual's list (manual/offices.md)
and the code's are one list: the test reads the manual's and compares."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
import yaml
from openpyxl import Workbook
from support.sites import REPO, write_mkdocs_config

from site_builder.cli import main
from site_builder.sheets.annex import split_decision
from site_builder.sheets.columns import COLUMNS, parse_cell
from site_builder.sheets.tables import DATE_EXAMPLES, find_date, parse_date

EXAMPLE_DAY = date(2026, 3, 5)  # every example in DATE_EXAMPLES writes 5 March 2026


def _manual_forms() -> list[str]:
    """The forms the manual's line on dates lists, in backquotes after "day first:"."""
    text = (REPO / "manual" / "offices.md").read_text(encoding="utf-8")
    line = next(line for line in text.splitlines() if line.startswith("- **Dates**"))
    start = text.index(line)
    bullet = text[start:text.index("\n- ", start + 1)]
    return re.findall(r"`([^`]+)`", bullet.split("day first:")[1].split(", in capitals")[0])


def test_the_manual_lists_exactly_the_forms_the_code_reads():
    assert _manual_forms() == list(DATE_EXAMPLES)


@pytest.mark.parametrize("form", DATE_EXAMPLES)
def test_every_form_is_read_in_every_date_cell(form):
    for column in (c for c in COLUMNS if c.kind == "date"):
        assert parse_cell(column, form) == EXAMPLE_DAY, column.path


@pytest.mark.parametrize("form", DATE_EXAMPLES)
def test_every_form_is_read_in_a_title_row_and_a_decision_cell(form):
    assert find_date(f"(Kèm theo Quyết định số 12/QĐ-UBND {form} của UBND tỉnh Đồng Nai)") \
        == EXAMPLE_DAY
    assert split_decision(f"12/QĐ-UBND {form}") == ("12/QĐ-UBND", EXAMPLE_DAY)


@pytest.mark.parametrize("text", ["NGÀY 05 THÁNG 03 NĂM 2026", "ngay 5 thang 3 nam 2026",
                                  "Ngày 05 tháng 3 năm 2026.", "05 / 03 / 2026"])
def test_capitals_no_diacritics_and_spaces_do_not_matter(text):
    assert parse_date(text) == EXAMPLE_DAY


@pytest.mark.parametrize("text", ["03/05/26", "ngày 31 tháng 2 năm 2026", "tháng 3 năm 2026",
                                  "05/03/2026/QĐ-UBND", "1234/QĐ-UBND"])
def test_what_is_not_one_day_is_refused(text):
    assert parse_date(text) is None


def test_a_date_in_words_in_a_cell_and_in_the_title_is_imported(tmp_path: Path, capsys):
    products = tmp_path / "products"
    products.mkdir()
    config = write_mkdocs_config(tmp_path, products)
    book = Workbook()
    sheet = book.active
    sheet.append(["DANH SÁCH SẢN PHẨM OCOP TỈNH ĐỒNG NAI, ngày 08 tháng 12 năm 2023"])
    sheet.append(["STT", "Tên sản phẩm", "Chủ thể", "Địa chỉ", "Hạng sao", "Điểm", "Số quyết định",
                  "Ngày quyết định", "Cơ quan công nhận"])
    sheet.append([1, "Bưởi Tân Triều", "HTX Bưởi Tân Triều", "Ấp Cây Xoài, xã Tân Bình, huyện "
                  "Vĩnh Cửu, tỉnh Đồng Nai", "4 sao", 72, "3456/QĐ-UBND",
                  "ngày 08 tháng 12 năm 2023", "UBND tỉnh Đồng Nai"])
    book.save(tmp_path / "ds.xlsx")
    assert main(["-f", str(config), "import", str(tmp_path / "ds.xlsx")]) == 0, \
        capsys.readouterr().out
    record = yaml.safe_load((products / "buoi-tan-trieu" / "product.yml").read_text("utf-8"))
    assert record["certifications"][0]["decision_date"] == date(2023, 12, 8)


def test_the_command_line_takes_the_same_forms(tmp_path: Path):
    from site_builder.cli import _day_first

    for form in DATE_EXAMPLES:
        assert _day_first(form) == EXAMPLE_DAY
