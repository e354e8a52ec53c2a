"""Styles of list the first tests did not have, as an outside review found them: headers in
English or in two languages, a workbook with a sheet per star level or per district and a cover
sheet, the star level only in the title, totals counting "lượt", places named like provinces."""

from __future__ import annotations

from pathlib import Path

import pytest
from importing import empty_project  # noqa: F401 (the fixture "project")
from importing import record as _record
from openpyxl import Workbook

from site_builder.cli import main
from site_builder.sheets.columns import column_for_header
from site_builder.sheets.legacy_text import encode_tcvn3, encode_vni

DECISION = "(Kèm theo Quyết định số 2105/QĐ-UBND ngày 20/9/2024 của UBND tỉnh Đồng Nai)"


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


# --- a workbook of several sheets ----------------------------------------------------------------

COVER = [["ỦY BAN NHÂN DÂN TỈNH NINH THUẬN"], [],
         ["Căn cứ Quyết định số 148/QĐ-TTg ngày 24/02/2023 của Thủ tướng Chính phủ;"],
         ["QUYẾT ĐỊNH Về việc công nhận sản phẩm đạt chuẩn OCOP tỉnh Ninh Thuận năm 2024"],
         ["Số: 2150/QĐ-UBND ngày 18 tháng 11 năm 2024 của Ủy ban nhân dân tỉnh Ninh Thuận"],
         ["Điều 1. Công nhận 4 sản phẩm đạt chuẩn OCOP (chi tiết tại các phụ lục kèm theo)."]]
PLAIN_HEADER = ["STT", "Tên sản phẩm", "Chủ thể", "Địa chỉ", "Điểm"]


def _level_sheet(stars: int, rows: list[list[object]]) -> list[list[object]]:
    return [[f"PHỤ LỤC: DANH SÁCH SẢN PHẨM ĐẠT {stars} SAO"], PLAIN_HEADER, *rows]


def test_a_sheet_per_star_level_after_a_cover_sheet(project, tmp_path, capsys):
    products, config = project
    book = _book(tmp_path / "qd-2150.xlsx", {
        "Quyết định": COVER,
        "3 sao": _level_sheet(3, [
            [1, "Táo xanh Mỹ Sơn", "THT Táo xanh Phú Thạnh", "xã Mỹ Sơn, huyện Ninh Sơn", 62],
            [2, "Nho sấy tách hạt", "HTX Nông nghiệp Nhơn Sơn", "xã Nhơn Sơn, huyện Ninh Sơn", 58]]),
        "4 sao": [PLAIN_HEADER,  # no title: the sheet's name gives the level
                  [1, "Rượu sâm ngọc cầu", "Cơ sở rượu Ma Nối", "xã Ma Nối, huyện Ninh Sơn", 74]],
        "Tổng hợp": [["Số sản phẩm theo hạng sao"], ["3 sao", 2], ["4 sao", 1]],
        "Nháp": [PLAIN_HEADER, [1, "Sản phẩm thử", "HTX Thử", "xã Mỹ Sơn", 80]],
    }, hidden=("Nháp",))
    assert _import(config, book, "--dry-run") == 0
    out = capsys.readouterr().out
    assert "trang «3 sao»: tiêu đề cột ở dòng 2, 2 dòng sản phẩm" in out
    assert "hạng 3 sao (dòng 1)" in out and "hạng 4 sao (tên trang)" in out
    assert "quyết định 2150/QĐ-UBND (trang «Quyết định» dòng 5)" in out
    assert "trang «Quyết định»: không đọc, không có bảng sản phẩm" in out
    assert "trang «Tổng hợp»: không đọc, không có bảng sản phẩm" in out
    assert "trang «Nháp»: không đọc, trang đang ẩn" in out
    assert "san-pham-thu" not in out
    assert _import(config, book) == 0
    stars = {p.name: _record(products, p.name)["certifications"][0] for p in products.iterdir()}
    assert {k: v["stars"] for k, v in stars.items()} == {
        "tao-xanh-my-son": 3, "nho-say-tach-hat": 3, "ruou-sam-ngoc-cau": 4}
    assert {v["decision"] for v in stars.values()} == {"2150/QĐ-UBND"}
    assert {v["authority"] for v in stars.values()} == {"UBND tỉnh Ninh Thuận"}


def test_an_annex_per_district_reports_rows_by_sheet(project, tmp_path, capsys):
    products, config = project
    title = [DECISION.replace("Đồng Nai", "Ninh Thuận")]
    header = ["STT", "Tên sản phẩm", "Chủ thể", "Địa chỉ", "Hạng sao", "Điểm"]
    book = _book(tmp_path / "ds.xlsx", {
        "Ninh Sơn": [title, header, [1, "Mật ong", "HTX Nông nghiệp Mỹ Sơn",
                                     "xã Mỹ Sơn, huyện Ninh Sơn", "4 sao", 72]],
        "Thuận Nam": [title, header, [1, "Mật ong", "Tổ hợp tác nuôi ong Phước Dinh",
                                      "xã Phước Dinh, huyện Thuận Nam", "4 sao", 71],
                      [2, "Muối Cà Ná", "HTX Muối Cà Ná", "xã Cà Ná, huyện Thuận Nam", "4 sao",
                       "bảy mươi"]],
    })
    assert _import(config, book, "--dry-run") == 1
    out = capsys.readouterr().out
    assert "mat-ong (dòng 3), hồ sơ mới" in out.replace("«Ninh Sơn» ", "")
    assert "mat-ong-2 («Thuận Nam» dòng 3), hồ sơ mới" in out  # two products, two records
    assert "ds.xlsx[Thuận Nam]:4:F: Điểm: lỗi: 'bảy mươi' không phải số" in out


def test_the_star_level_from_the_command_line_and_a_row_that_disagrees(project, tmp_path,
                                                                       capsys):
    products, config = project
    rows = [[DECISION], PLAIN_HEADER,
            [1, "Bưởi Tân Triều", "HTX Bưởi Tân Triều", "xã Tân Bình, huyện Vĩnh Cửu", 72]]
    sheet = _book(tmp_path / "ds.xlsx", {"Sheet1": rows})
    assert _import(config, sheet, "--dry-run") == 1
    out = capsys.readouterr().out
    assert "tiêu đề và tên trang không ghi một hạng sao; ghi --stars 3" in out
    assert _import(config, sheet, "--stars", "4") == 0
    assert _record(products, "buoi-tan-trieu")["certifications"][0]["stars"] == 4
    level = _book(tmp_path / "ds4.xlsx", {"4 sao": [
        [DECISION], ["STT", "Tên sản phẩm", "Chủ thể", "Địa chỉ", "Hạng sao", "Điểm"],
        [1, "Mật ong Phú Lý", "THT nuôi ong Phú Lý", "xã Phú Lý, huyện Vĩnh Cửu", "3 sao", 65]]})
    assert _import(config, level, "--dry-run") == 0
    assert "dòng ghi 3 sao nhưng trang này là danh sách sản phẩm 4 sao" in capsys.readouterr().out


# --- totals ----------------------------------------------------------------------------------

def test_totals_that_count_entries_or_subtotals_are_no_mismatch(project, tmp_path, capsys):
    products, config = project
    header = ["STT", "Tên sản phẩm", "Chủ thể", "Địa chỉ", "Hạng sao", "Điểm", "Số quyết định"]
    honey = ["Mật ong Phú Lý", "THT nuôi ong Phú Lý", "xã Phú Lý, huyện Vĩnh Cửu", "3 sao", 65]
    rows = [[DECISION], header,
            ["I", "HUYỆN VĨNH CỬU"],
            [1, *honey, "2105/QĐ-UBND"],
            [2, *honey[:3], "4 sao", 75, "2200/QĐ-UBND ngày 15/10/2024"],  # the same, upgraded
            [None, "Cộng: 2 lượt sản phẩm (1 sản phẩm)"],
            ["II", "HUYỆN TÂN PHÚ"],
            [3, "Hạt điều rang muối Tân Phú", "HTX Điều Phú Lập", "xã Phú Lập, huyện Tân Phú",
             "4 sao", 73, "2105/QĐ-UBND"],
            [None, "Cộng: 01 sản phẩm"],
            [None, "Tổng cộng: 3 lượt sản phẩm (2 sản phẩm)"]]
    assert _import(config, _book(tmp_path / "ds.xlsx", {"PL": rows}), "--dry-run") == 0
    out = capsys.readouterr().out
    assert "dòng tổng ghi" not in out
    rows[-1] = [None, "Tổng cộng: 5 sản phẩm"]
    assert _import(config, _book(tmp_path / "ds2.xlsx", {"PL": rows}), "--dry-run") == 0
    assert "dòng tổng ghi 5 sản phẩm" in capsys.readouterr().out


def test_a_first_row_whose_words_read_like_headers_is_a_product(project, tmp_path):
    """"Cơ sở rượu Quảng Sơn" under "Chủ thể" is a producer, not a second header row."""
    products, config = project
    rows = [["Tên sản phẩm", "Chủ thể", "Địa chỉ", "Hạng sao", "Số quyết định", "Ngày quyết định",
             "Cơ quan công nhận"],
            ["Rượu nếp Quảng Sơn", "Cơ sở rượu Quảng Sơn", "Thôn Lập Lá, xã Quảng Sơn, huyện Ninh "
             "Sơn, tỉnh Ninh Thuận", "3 sao", "1533/QĐ-UBND", "08/12/2023", "UBND huyện Ninh Sơn"]]
    assert _import(config, _book(tmp_path / "ds.xlsx", {"DS": rows})) == 0
    assert _record(products, "ruou-nep-quang-son")["producer"]["name"] == "Cơ sở rượu Quảng Sơn"


# --- columns -------------------------------------------------------------------------------------

def test_star_levels_marked_with_an_x_under_merged_ranking_columns(project, tmp_path, capsys):
    products, config = project
    book = Workbook()
    sheet = book.active
    for row in ([DECISION.replace("Đồng Nai", "Tây Ninh")],
                ["STT", "Tên sản phẩm", "Chủ thể", "Địa chỉ", "Kết quả phân hạng", None, None],
                [None, None, None, None, "3 sao", "4 sao", "5 sao"],
                [1, "Mãng cầu Bà Đen", "THT Mãng cầu Ninh Thạnh",
                 "Ấp Ninh Phú, xã Ninh Thạnh, thành phố Tây Ninh", None, "x", None],
                [2, "Muối tôm Tây Ninh", "Cơ sở Muối tôm Bà Hai",
                 "Khu phố Ninh Trung, phường Ninh Sơn, thành phố Tây Ninh", "X", None, None],
                [3, "Bánh tráng phơi sương", "Cơ sở Bánh tráng Tư Hiền",
                 "Ấp Lộc Du, xã Lộc Hưng, huyện Trảng Bàng", "x", "x", None]):
        sheet.append(row)
    sheet.merge_cells("E2:G2")
    for column in "ABCD":
        sheet.merge_cells(f"{column}2:{column}3")
    book.save(tmp_path / "ds.xlsx")
    assert _import(config, tmp_path / "ds.xlsx", "--skip-invalid") == 0
    out = capsys.readouterr().out
    assert "E 3 sao, F 4 sao, G 5 sao → số sao (ô được đánh dấu)" in out
    assert "ds.xlsx:6:F: Số sao: lỗi: dòng đánh dấu nhiều hạng sao (3, 4)" in out
    assert _record(products, "mang-cau-ba-den")["certifications"][0]["stars"] == 4
    assert _record(products, "muoi-tom-tay-ninh")["certifications"][0]["stars"] == 3
    assert not (products / "banh-trang-phoi-suong").exists()


@pytest.mark.parametrize("form", ["xlsx", "xls"])
def test_a_hidden_column_and_a_second_column_for_one_field_are_not_read(project, tmp_path,
                                                                        capsys, form):
    products, config = project
    rows = ([DECISION],
            ["STT", "Tên sản phẩm", "Chủ thể", "Địa chỉ", "Xếp hạng năm 2021", "Hạng sao",
             "Địa chỉ sản xuất"],
            [1, "Bưởi Tân Triều", "HTX Bưởi Tân Triều", "Ấp Cây Xoài, xã Tân Bình, huyện "
             "Vĩnh Cửu, tỉnh Đồng Nai", "3 sao", "4 sao", "Ấp 1, xã Tân Bình"])
    target = tmp_path / f"ds.{form}"
    if form == "xlsx":
        book = Workbook()
        for row in rows:
            book.active.append(row)
        book.active.column_dimensions["E"].hidden = True  # last rating, out of sight
        book.save(target)
    else:
        import xlwt

        old = xlwt.Workbook(encoding="utf-8")
        sheet = old.add_sheet("DS")
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                sheet.write(r, c, value)
        sheet.col(4).hidden = True
        old.save(str(target))
    assert _import(config, target) == 0
    out = capsys.readouterr().out
    assert "cột đang ẩn trong Excel, không đọc: E «Xếp hạng năm 2021»" in out
    assert "cột ghi cùng trường với một cột trước, không đọc: G «Địa chỉ sản xuất»" in out
    record = _record(products, "buoi-tan-trieu")
    assert record["certifications"][0]["stars"] == 4
    assert record["producer"]["address_on_certificate"].startswith("Ấp Cây Xoài")


def test_a_decision_and_its_annex_on_one_long_sheet(project, tmp_path):
    products, config = project
    preamble = [*COVER, *([f"Điều {n}. Nội dung thi hành ..."] for n in range(2, 40))]
    rows = [*preamble, ["PHỤ LỤC: DANH SÁCH SẢN PHẨM ĐẠT 3 SAO"], PLAIN_HEADER,
            [1, "Táo xanh Mỹ Sơn", "THT Táo xanh Phú Thạnh", "xã Mỹ Sơn, huyện Ninh Sơn", 62]]
    assert _import(config, _book(tmp_path / "qd.xlsx", {"QĐ": rows})) == 0
    cert = _record(products, "tao-xanh-my-son")["certifications"][0]
    assert (cert["stars"], cert["decision"]) == (3, "2150/QĐ-UBND")


def test_ratings_and_authorities_written_in_words_of_their_own(project, tmp_path, capsys):
    products, config = project
    rows = [["STT", "Tên sản phẩm", "Chủ thể", "Địa chỉ", "Kết quả", "Số GCN", "Ngày cấp",
             "Cấp công nhận", "Số QĐ"],
            [1, "Rượu sâm tiến vua", "Cơ sở rượu Quảng Sơn", "Thôn Lập Lá, xã Quảng Sơn, huyện "
             "Ninh Sơn, tỉnh Ninh Thuận", "Sản phẩm OCOP 3 sao", "NT-3-2023-07", "08/12/2023",
             "Huyện", "1533/QĐ-UBND"],
            [2, "Nho sấy nguyên hạt", "HTX Nông nghiệp Nhơn Sơn", "xã Nhơn Sơn, huyện Ninh Sơn, "
             "tỉnh Ninh Thuận", "Đạt hạng 4 sao", "NT-4-2023-02", "15/12/2023", "Cấp tỉnh",
             "2988/QĐ-UBND"]]
    assert _import(config, _book(tmp_path / "ds.xlsx", {"DS": rows})) == 0, capsys.readouterr()
    wine = _record(products, "ruou-sam-tien-vua")["certifications"][0]
    assert (wine["stars"], wine["authority"], wine["ocop_code"]) == (
        3, "UBND huyện Ninh Sơn", "NT-3-2023-07")
    grapes = _record(products, "nho-say-nguyen-hat")
    assert grapes["certifications"][0]["authority"] == "UBND tỉnh Ninh Thuận"
    assert "certifications[0].authority" in grapes["to_confirm"]
