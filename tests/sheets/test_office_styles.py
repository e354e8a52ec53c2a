"""Styles of list the first tests did not have, as an outside review found them: headers in
English or in two languages, a workbook with a sheet per star level or per district and a cover
sheet, the star level only in the title, totals counting "lượt", places named like provinces."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from conftest import write_mkdocs_config
from openpyxl import Workbook

from site_builder.cli import main
from site_builder.sheets.columns import column_for_header
from site_builder.sheets.legacy_text import encode_tcvn3, encode_vni

DECISION = "(Kèm theo Quyết định số 2105/QĐ-UBND ngày 20/9/2024 của UBND tỉnh Đồng Nai)"


@pytest.fixture
def project(tmp_path: Path) -> tuple[Path, Path]:
    products = tmp_path / "products"
    products.mkdir()
    return products, write_mkdocs_config(tmp_path, products)


def _book(path: Path, sheets: dict[str, list[list[object]]], hidden: tuple[str, ...] = ()) -> Path:
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
        if name in hidden:
            sheet.sheet_state = "hidden"
    book.save(path)
    return path


def _import(config: Path, path: Path, *args: str) -> int:
    return main(["-f", str(config), "import", str(path), *args])


def _record(products: Path, product_id: str) -> dict:
    return yaml.safe_load((products / product_id / "product.yml").read_text(encoding="utf-8"))


# --- headers -----------------------------------------------------------------------------------

@pytest.mark.parametrize("header, path", [
    ("Tên sản phẩm / Product name", "name.vi"), ("Tên sản phẩm\nProduct name", "name.vi"),
    ("Product", "name.vi"), ("Name of product", "name.vi"), ("Producer", "producer.name"),
    ("Tên chủ thể\nName of producer", "producer.name"), ("Company name", "producer.name"),
    ("Address", "producer.address_on_certificate"), ("Địa chỉ / Address",
                                                     "producer.address_on_certificate"),
    ("Issued by", "authority"), ("Issuing authority", "authority"), ("Decision No.", "decision"),
    ("Decision date", "decision_date"), ("Date of decision", "decision_date"),
    ("OCOP rating", "stars"), ("Stars", "stars"), ("Score", "score"), ("OCOP code", "ocop_code"),
    ("Remarks", "note"), ("District", "district"), ("Product group", "group"),
    ("Producer type", "producer.type"), ("Tel.", "producer.phone"),
    # numbering, units in brackets, capitals, no diacritics, line breaks
    ("1. Tên sản phẩm", "name.vi"), ("(3) Chủ thể sản xuất", "producer.name"),
    ("2) Địa chỉ", "producer.address_on_certificate"), ("Điểm (điểm)", "score"),
    ("Tổng điểm\n(thang 100)", "score"), ("HẠNG SAO\n(sao)", "stars"), ("TEN SAN PHAM", "name.vi"),
    ("Ten chu the", "producer.name"), ("Số, ngày\nquyết định", "decision"),
    # legacy fonts: TCVN3 (.VnTime) and VNI, as the table reader turns them back into Unicode
    (encode_tcvn3("Tên sản phẩm"), "name.vi"), (encode_vni("Hạng sao"), "stars"),
])
def test_header_words_in_english_two_languages_and_every_typing(header, path):
    from site_builder.sheets.legacy_text import to_unicode

    assert column_for_header(to_unicode(header).text).path == path


@pytest.mark.parametrize("value", ["4 sao", "Cộng huyện Ninh Sơn: 3 sản phẩm", "Mật ong Phú Lý",
                                   "Product of Vietnam 2024"])
def test_values_are_still_not_headers(value):
    assert column_for_header(value) is None


def test_a_list_with_headers_in_two_languages_is_imported(project, tmp_path, capsys):
    products, config = project
    rows = [
        ["DANH SÁCH SẢN PHẨM OCOP TỈNH ĐỒNG NAI / LIST OF OCOP PRODUCTS OF DONG NAI PROVINCE"],
        ["STT\nNo.", "Tên sản phẩm\nProduct name", "Chủ thể\nProducer", "Địa chỉ\nAddress",
         "Hạng sao\nStars", "Số quyết định\nDecision No.", "Ngày quyết định\nDecision date",
         "Cơ quan công nhận\nIssued by"],
        [1, "Bưởi Tân Triều", "HTX Nông nghiệp Tân Triều",
         "Ấp Cây Xoài, xã Tân Bình, huyện Vĩnh Cửu, tỉnh Đồng Nai", "4 sao", "2105/QĐ-UBND",
         "20/9/2024", "UBND tỉnh Đồng Nai"],
    ]
    sheet = _book(tmp_path / "ds.xlsx", {"OCOP": rows})
    assert _import(config, sheet) == 0, capsys.readouterr().out
    cert = _record(products, "buoi-tan-trieu")["certifications"][0]
    assert (cert["stars"], cert["decision"], cert["authority"]) == (4, "2105/QĐ-UBND",
                                                                   "UBND tỉnh Đồng Nai")


# --- product sets ------------------------------------------------------------------------------

@pytest.mark.parametrize("name, expected", [
    ("Chuối sấy giòn", 7), ("Bánh tráng giòn Trảng Bàng", 6), ("Yến sào Nha Trang", None),
    ("Mật hoa dừa Trà Vinh", 4), ("Hồng treo gió Đà Lạt", 7), ("Măng khô Lâm Sơn", 7),
    ("Bò khô Phú Yên", 8), ("Cá lóc một nắng Tân Châu", 8), ("Nước yến sào Khánh Hòa", 17),
    ("Trà thảo dược Ma Nối", 12), ("Bưởi da xanh Lâm Sơn", 1), ("Táo xanh Mỹ Sơn", 1),
])
def test_product_sets_from_whole_words_and_processing_before_produce(name, expected):
    from site_builder.sheets.inference import product_set

    assert product_set(name).value == expected


def test_a_name_that_fits_two_sets_is_asked_not_guessed():
    from site_builder.sheets.inference import product_set

    assert product_set("Thảo dược ngâm chân Quảng Sơn").candidates == (18, 20)
    assert product_set("Yến sào Nha Trang").candidates == (4, 8)  # "Trang" holds no "rang"


# --- places named like provinces -----------------------------------------------------------------

def test_a_hamlet_or_commune_named_like_a_province_is_no_province(project, tmp_path, capsys):
    products, config = project
    rows = [["(Kèm theo Quyết định số 1550/QĐ-UBND ngày 20/9/2024 của UBND tỉnh Tây Ninh)"],
            ["STT", "Tên sản phẩm", "Chủ thể", "Địa chỉ", "Hạng sao", "Điểm"],
            [1, "Bánh tráng phơi sương Trảng Bàng", "Cơ sở Bánh tráng Tư Hiền",
             "Ấp Bình Thuận, xã Bình Thạnh, thị xã Trảng Bàng, tỉnh Tây Ninh", "4 sao", 72],
            [2, "Muối ớt Hòa Bình", "HKD Nguyễn Thị Hoa",
             "Thôn 1, xã Hòa Bình, huyện Kim Thành, tỉnh Hải Dương", "3 sao", 60]]
    assert _import(config, _book(tmp_path / "ds.xlsx", {"PL": rows})) == 0
    assert main(["-f", str(config), "check"]) == 0
    out = capsys.readouterr().out
    assert "địa chỉ ghi tỉnh" not in out  # no "Bình Thuận (now Lâm Đồng)", no "Hòa Bình (Phú Thọ)"


def test_a_town_called_thanh_pho_is_not_the_province_of_the_address(project, tmp_path):
    products, config = project
    rows = [[DECISION.replace("Đồng Nai", "Ninh Thuận")],
            ["STT", "Tên sản phẩm", "Chủ thể", "Địa chỉ", "Hạng sao", "Điểm"],
            [1, "Tỏi Phan Rang", "HTX Nông nghiệp Đô Vinh",
             "Khu phố 2, phường Đô Vinh, thành phố Phan Rang - Tháp Chàm", "3 sao", 60]]
    assert _import(config, _book(tmp_path / "ds.xlsx", {"PL": rows})) == 0
    assert _record(products, "toi-phan-rang")["producer"]["address_on_certificate"] == (
        "Khu phố 2, phường Đô Vinh, thành phố Phan Rang - Tháp Chàm, tỉnh Ninh Thuận")
