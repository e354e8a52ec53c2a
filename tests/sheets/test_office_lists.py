"""Lists as offices really write them, each once a silent wrong value or a flood of errors:
header words, 1048's sector numbers, sections, repeats, sheet-wide facts, CSV slips."""

from __future__ import annotations

from pathlib import Path

import pytest
from importing import empty_project  # noqa: F401 (the fixture "project")
from importing import record as _record
from openpyxl import Workbook

from site_builder.cli import main
from site_builder.sheets.annex import split_decision
from site_builder.sheets.columns import CellError, column_for_header, parse_stars
from site_builder.sheets.inference import product_set

TITLE = ["(Kèm theo Quyết định số 88/QĐ-UBND ngày 20/3/2024 của UBND tỉnh Ninh Thuận)"]
HEADER = ["STT", "Tên sản phẩm", "Chủ thể", "Địa chỉ", "Hạng sao", "Điểm"]


def _sheet(path: Path, rows: list[list[object]], hidden: tuple[int, ...] = ()) -> Path:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    for number in hidden:
        sheet.row_dimensions[number].hidden = True
    book.save(path)
    return path


def _import(config: Path, path: Path, *args: str) -> int:
    return main(["-f", str(config), "import", str(path), *args])


@pytest.mark.parametrize("header, path", [
    ("Số sao đạt", "stars"), ("Xếp hạng sao OCOP", "stars"), ("Kết quả đánh giá", "stars"),
    ("Tổng số điểm", "score"), ("Điểm (thang 100)", "score"), ("Tên HTX/Doanh nghiệp", "producer.name"),
    ("Chủ thể sản xuất (Tổ chức/cá nhân)", "producer.name"), ("Sản phẩm OCOP", "name.vi"),
    ("Tên sản phẩm (Tên thương mại)", "name.vi"), ("Địa chỉ (cũ)", "producer.address_on_certificate"),
    ("Ngành hàng", "group"), ("Mã sản phẩm OCOP", "ocop_code"), ("Điểm bán", "shop:store"),
])
def test_header_words_as_offices_write_them(header, path):
    assert column_for_header(header).path == path


@pytest.mark.parametrize("value", ["4 sao (72 điểm)", "Mật ong Phú Lý", "72,5", "12/06/2025"])
def test_values_are_not_headers(value):
    assert column_for_header(value) is None


@pytest.mark.parametrize("cell", ["04", "4.0", "IV", "4 ⭐", "3 sao (tiềm năng 5 sao)", 4.0])
def test_more_ways_of_writing_stars(cell):
    assert parse_stars(cell) in (3, 4)


@pytest.mark.parametrize("cell", [3.7, 4.5, float("nan"), float("inf"), "3.7"])
def test_a_star_number_with_a_fraction_is_an_error_never_cut_down(cell):
    """A number cell of 3.7 once became 3 stars without a word."""
    with pytest.raises(CellError) as error:
        parse_stars(cell)
    assert error.value.code == "not_stars"


def test_a_decision_date_without_the_word_ngay():
    assert split_decision("2105/QĐ-UBND, 20/9/2021")[1].isoformat() == "2021-09-20"


def test_1048_sector_numbers_in_a_group_column_are_not_set_numbers():
    drink = product_set("Nước uống đóng chai Sơn Kim", "2. Đồ uống")
    assert drink.value == 16  # from the name, within the drinks sector; never set 2
    herbs = product_set("Trà hoa vàng", "3. Thảo dược")
    assert herbs.value is None and 3 not in herbs.candidates
    assert product_set("Khăn lụa", "3. Vải, may mặc").value == 22


def test_sections_complete_addresses_only_where_they_lack_the_place(project, tmp_path):
    products, config = project
    sheet = _sheet(tmp_path / "ds.xlsx", [TITLE, HEADER, ["I", "HUYỆN NINH SƠN"],
                                          [None, "XÃ MỸ SƠN (02 sản phẩm)"],
                                          [1, "Táo xanh", "THT táo Phú Thạnh", "Thôn Phú Thạnh", "3 sao", 60],
                                          [2, "Nho sấy", "HTX Nhơn Sơn", "Thôn Láng Ngựa, xã Nhơn Sơn",
                                           "3 sao", 61],
                                          ["II", "Nhóm đồ uống"],
                                          [3, "Rượu nếp Quảng Sơn", "Cơ sở rượu Quảng Sơn",
                                           "Thôn Lập Lá", "3 sao", 62]])
    assert _import(config, sheet) == 0
    assert _record(products, "tao-xanh")["producer"]["address_on_certificate"] == (
        "Thôn Phú Thạnh, xã Mỹ Sơn, huyện Ninh Sơn, tỉnh Ninh Thuận")
    assert _record(products, "nho-say")["producer"]["address_on_certificate"] == (
        "Thôn Láng Ngựa, xã Nhơn Sơn, huyện Ninh Sơn, tỉnh Ninh Thuận")
    # A group section ends the commune section: no "xã Mỹ Sơn" for a Quảng Sơn product.
    assert "Mỹ Sơn" not in _record(products, "ruou-nep-quang-son")["producer"][
        "address_on_certificate"]


def test_numbered_district_sections_over_products_1_1(project, tmp_path):
    products, config = project
    sheet = _sheet(tmp_path / "ds.xlsx", [TITLE, HEADER, [1, "Huyện Ninh Sơn"],
                                          ["1.1", "Táo xanh", "THT táo", "xã Mỹ Sơn", "3 sao", 60],
                                          ["1.2", "Nho sấy", "HTX Nhơn Sơn", "xã Nhơn Sơn", "3 sao", 61]])
    assert _import(config, sheet) == 0
    assert sorted(p.name for p in products.iterdir()) == ["nho-say", "tao-xanh"]
    assert _record(products, "tao-xanh")["producer"]["commune"] == "Xã Mỹ Sơn"


def test_the_title_province_is_not_put_on_an_address_of_another_old_province(project, tmp_path):
    products, config = project
    title = ["(Kèm theo Quyết định số 9/QĐ-UBND ngày 20/3/2024 của UBND tỉnh Khánh Hòa)"]
    sheet = _sheet(tmp_path / "ds.xlsx", [title, HEADER, [1, "Muối Cà Ná", "HTX muối Cà Ná",
                                                          "xã Cà Ná, huyện Thuận Nam", "3 sao", 60]])
    assert _import(config, sheet) == 0
    address = _record(products, "muoi-ca-na")["producer"]["address_on_certificate"]
    assert address.endswith("tỉnh Ninh Thuận") and "Khánh Hòa" not in address


def test_a_repeated_row_is_read_once_and_a_contradicting_one_is_an_error(project, tmp_path, capsys):
    products, config = project
    row = [1, "Nước mắm Cà Ná", "HKD Trần Văn Lợi", "xã Cà Ná, huyện Thuận Nam", "3 sao", 65]
    sheet = _sheet(tmp_path / "ds.xlsx", [TITLE, HEADER, row, [2, *row[1:]]])
    assert _import(config, sheet) == 0
    assert "dòng này trùng dòng 3" in capsys.readouterr().out
    certs = _record(products, "nuoc-mam-ca-na")["certifications"]
    assert len(certs) == 1 and "kind" not in certs[0]
    other = _sheet(tmp_path / "ds2.xlsx", [TITLE, HEADER, row, [2, *row[1:4], "4 sao", 75]])
    assert _import(config, other, "--dry-run") == 1
    assert "cùng sản phẩm, cùng quyết định với dòng 3 nhưng khác stars" in capsys.readouterr().out


def test_a_value_the_whole_sheet_lacks_is_one_problem_and_nothing_is_written(project, tmp_path,
                                                                            capsys):
    products, config = project
    rows = [HEADER] + [[n, f"Bánh ít lá gai số {n}", f"Cơ sở bánh {n}", "xã Mỹ Sơn, huyện Ninh Sơn, "
                        "tỉnh Ninh Thuận", "3 sao", 60] for n in range(1, 41)]
    sheet = _sheet(tmp_path / "ds.xlsx", rows)
    assert _import(config, sheet, "--skip-invalid") == 1  # nothing could be written
    out = capsys.readouterr().out
    assert out.count("bảng không có cột này") == 3  # decision, date, authority: once each
    assert "thiếu trường bắt buộc" not in out
    assert not list(products.iterdir())  # even --skip-invalid writes no incomplete record


def test_skip_invalid_never_writes_a_row_waiting_on_the_regime_question(project, tmp_path):
    products, config = project
    title = ["(Kèm theo Quyết định số 9/QĐ-UBND ngày 15/9/2025 của UBND tỉnh Ninh Thuận)"]
    sheet = _sheet(tmp_path / "ds.xlsx", [title, HEADER] + [
        [n, f"Táo xanh số {n}", "THT táo", "xã Mỹ Sơn, huyện Ninh Sơn", "3 sao", 60]
        for n in range(1, 5)])
    assert _import(config, sheet, "--skip-invalid") == 1
    assert not list(products.iterdir())


def test_an_office_code_in_the_id_column_is_kept_as_the_ocop_code(project, tmp_path):
    products, config = project
    sheet = _sheet(tmp_path / "ds.xlsx", [TITLE, ["Mã sản phẩm", *HEADER[1:]],
                                          ["NT-2024-015", "Táo xanh", "THT táo", "xã Mỹ Sơn, huyện "
                                           "Ninh Sơn", "3 sao", 60]])
    assert _import(config, sheet) == 0
    assert _record(products, "tao-xanh")["certifications"][0]["ocop_code"] == "NT-2024-015"


def test_a_csv_row_shifted_by_a_decimal_comma_is_refused_and_rows_count_records(project, tmp_path,
                                                                                capsys):
    products, config = project
    csv = tmp_path / "ds.csv"
    csv.write_text(TITLE[0] + "\n" + ",".join(HEADER) + "\n"
                   '1,"Mật ong\nhoa nhãn",HTX Mỹ Sơn,"xã Mỹ Sơn, huyện Ninh Sơn",4 sao,"72,5"\n'
                   '2,Tỏi,HTX Đô Vinh,"phường Đô Vinh, tỉnh Ninh Thuận",4 sao,72,5\n', encoding="utf-8")
    assert _import(config, csv, "--dry-run") == 1
    out = capsys.readouterr().out
    assert "ds.csv:4:G: lỗi: dòng có 7 ô, dòng tiêu đề có 6" in out  # record 4, not line 5
    assert "Mật ong hoa nhãn —" in out  # the name typed over two lines is one line


def test_the_to_do_sheet_does_not_confirm_what_nobody_looked_at(project, tmp_path):
    from openpyxl import load_workbook

    products, config = project
    sheet = _sheet(tmp_path / "ds.xlsx", [TITLE, HEADER, [1, "Mật ong Mỹ Sơn", "HTX Mỹ Sơn",
                                                          "xã Mỹ Sơn, huyện Ninh Sơn", "4 sao", 72]])
    todo = tmp_path / "todo.xlsx"
    assert _import(config, sheet, "--todo", str(todo)) == 0
    book = load_workbook(todo)
    rows = list(book.active.iter_rows(values_only=True))
    values = dict(zip(rows[0], rows[1], strict=True))
    assert values["Loại hình chủ thể"] is None and values["Bộ sản phẩm"] is None
    assert "producer.type: Hợp tác xã" in values["Đã suy ra (cần xác nhận)"]
    book.active.cell(row=2, column=rows[0].index("Thư điện tử") + 1, value="htx@mysonnt.vn")
    book.save(todo)
    assert _import(config, todo, "--update") == 0
    record = _record(products, "mat-ong-my-son")
    assert record["producer"]["email"] == "htx@mysonnt.vn"
    assert {"producer.type", "product_set"} <= set(record["to_confirm"])


def test_a_hidden_row_is_listed_as_skipped(project, tmp_path, capsys):
    products, config = project
    first = [1, "Táo xanh", "THT táo", "xã Mỹ Sơn, huyện Ninh Sơn", "3 sao", 60]
    second = [2, "Nho sấy", "HTX Nhơn Sơn", "xã Nhơn Sơn, huyện Ninh Sơn", "3 sao", 61]
    sheet = _sheet(tmp_path / "ds.xlsx", [TITLE, HEADER, first, second], hidden=(4,))
    assert _import(config, sheet) == 0
    assert "dòng 4: dòng đang ẩn trong Excel" in capsys.readouterr().out
    assert [p.name for p in products.iterdir()] == ["tao-xanh"]


def test_the_signer_and_the_province_of_a_title_split_over_rows(project, tmp_path, capsys):
    products, config = project
    sheet = _sheet(tmp_path / "ds.xlsx", [["ỦY BAN NHÂN DÂN"], ["TỈNH NINH THUẬN"], [],
                                          ["(Kèm theo Quyết định số 1122/QĐ-UBND ngày 12 tháng 5 năm "
                                           "2023 của Chủ tịch UBND tỉnh)"], HEADER,
                                          [1, "Táo xanh", "THT táo", "xã Mỹ Sơn, huyện Ninh Sơn",
                                           "4 sao", 72]])
    assert _import(config, sheet) == 0
    cert = _record(products, "tao-xanh")["certifications"][0]
    assert cert["authority"] == "Chủ tịch UBND tỉnh Ninh Thuận"


def test_a_csv_quote_left_open_is_refused_at_its_row_never_swallows_the_rows_below(project,
                                                                                   tmp_path,
                                                                                   capsys):
    """Python's reader takes every line after an unclosed quote into one cell: the import once
    ended "no products" with exit 0 and the three rows below gone."""
    products, config = project
    csv = tmp_path / "ds.csv"
    csv.write_text(",".join(HEADER) + "\n"
                   '1,"Mật ong Mỹ Sơn,HTX Mỹ Sơn,xã Mỹ Sơn,4 sao,72\n'
                   "2,Tỏi,HTX Đô Vinh,phường Đô Vinh,3 sao,60\n"
                   "3,Nho,HTX Nhơn Sơn,xã Nhơn Sơn,3 sao,61\n", encoding="utf-8")
    assert _import(config, csv, "--dry-run") == 1
    out = capsys.readouterr()
    assert f"{csv}:2: dấu ngoặc kép \" mở ở dòng 2 của tệp mà không đóng" in out.out + out.err
    assert "Traceback" not in out.err


def test_a_stray_quote_inside_a_csv_cell_is_still_text(project, tmp_path, capsys):
    products, config = project
    csv = tmp_path / "ds.csv"
    csv.write_text(",".join(HEADER) + "\n"
                   '1,Mật ong "Mỹ Sơn,HTX Mỹ Sơn,"xã Mỹ Sơn, huyện Ninh Sơn",4 sao,72\n',
                   encoding="utf-8")
    _import(config, csv, "--dry-run")
    out = capsys.readouterr()
    assert 'Mật ong "Mỹ Sơn — HTX Mỹ Sơn, 4 sao' in out.out
    assert "ngoặc kép" not in out.out + out.err


def test_a_csv_cell_past_the_readers_limit_is_named_in_plain_words(project, tmp_path, capsys):
    products, config = project
    csv = tmp_path / "ds.csv"
    csv.write_text(",".join(HEADER) + "\n1,Tỏi,HTX Đô Vinh,phường Đô Vinh,3 sao,60\n"
                   f"2,Nho,HTX Nhơn Sơn,{'x' * 200_000},3 sao,61\n", encoding="utf-8")
    assert _import(config, csv, "--dry-run") == 1
    out = capsys.readouterr()
    assert f"{csv}:3: có ô dài hơn 131072 ký tự" in out.out + out.err
    assert "field larger" not in out.out + out.err


def test_a_decision_dated_1900_or_2099_is_an_error_at_its_cell_once(project, tmp_path, capsys):
    """Excel shows the number 60 in a date cell as 29/02/1900, and a slip makes 2019 into 2099:
    once the first ended "Bộ tiêu chí: thiếu trường bắt buộc", the second a new record."""
    products, config = project
    header = [*HEADER, "Số quyết định", "Ngày quyết định", "Cơ quan công nhận"]
    path = _sheet(tmp_path / "ds.xlsx", [
        header,
        [1, "Mật ong Mỹ Sơn", "HTX Mỹ Sơn", "xã Mỹ Sơn, huyện Ninh Sơn, tỉnh Ninh Thuận", "4 sao",
         72, "12/QĐ-UBND", 60, "UBND tỉnh Ninh Thuận"],
        [2, "Tỏi Đô Vinh", "HTX Đô Vinh", "phường Đô Vinh, tỉnh Ninh Thuận", "3 sao", 60,
         "13/QĐ-UBND", "12/06/2099", "UBND tỉnh Khánh Hòa"]])
    from openpyxl import load_workbook
    book = load_workbook(path)
    book.active["H2"].number_format = "dd/mm/yyyy"
    book.save(path)
    assert _import(config, path) == 1
    out = capsys.readouterr().out
    assert ("ds.xlsx:2:H: Ngày quyết định: lỗi: ngày quyết định 28/02/1900 trước bộ tiêu chí "
            "OCOP đầu tiên") in out
    assert out.count("ds.xlsx:3:H: Ngày quyết định: lỗi: ngày quyết định 12/06/2099 ở sau hôm nay") == 1
    assert "Bộ tiêu chí: lỗi" not in out
    assert not (products / "toi-do-vinh").exists()


def test_a_date_cell_holding_a_number_no_day_has_names_the_number_and_warns_nothing(
        project, tmp_path, capsys):
    """openpyxl printed a UserWarning with its own source line on stderr, and the review said
    "'#VALUE!' không phải ngày" of a cell that shows 9999999 in Excel."""
    products, config = project
    path = _sheet(tmp_path / "ds.xlsx", [
        [*HEADER, "Số quyết định", "Ngày quyết định"],
        [1, "Tỏi Đô Vinh", "HTX Đô Vinh", "phường Đô Vinh, tỉnh Ninh Thuận", "3 sao", 60,
         "13/QĐ-UBND", 9_999_999]])
    from openpyxl import load_workbook
    book = load_workbook(path)
    book.active["H2"].number_format = "dd/mm/yyyy"
    book.save(path)
    assert _import(config, path, "--dry-run") == 1
    out = capsys.readouterr()
    assert "ds.xlsx:2:H: Ngày quyết định: lỗi: ô kiểu ngày chứa số 9999999" in out.out
    assert "#VALUE!" not in out.out
    assert "Warning" not in out.err and "openpyxl" not in out.err


def test_a_row_with_stars_and_a_decision_but_no_name_is_an_error_not_a_section(project,
                                                                              tmp_path, capsys):
    """A certified product whose name cell was left empty (or holds only a zero-width space)
    was once passed over as a section title, and the import ended well without it."""
    products, config = project
    path = _sheet(tmp_path / "ds.xlsx", [
        ["Tên sản phẩm", "Chủ thể", "Địa chỉ", "Hạng sao", "Điểm"],
        ["Mật ong Mỹ Sơn", "HTX Mỹ Sơn", "xã Mỹ Sơn, huyện Ninh Sơn, tỉnh Ninh Thuận", "4 sao", 72],
        [None, "HTX Đô Vinh", "phường Đô Vinh, tỉnh Ninh Thuận", "3 sao", 60],
        ["\u200b", "HTX Nhơn Sơn", "xã Nhơn Sơn, tỉnh Ninh Thuận", "3 sao", 61],
        ["HUYỆN NINH SƠN"]])
    assert _import(config, path, "--dry-run") == 1
    out = capsys.readouterr().out
    for row in (3, 4):
        assert f"ds.xlsx:{row}:A: Tên sản phẩm: lỗi: dòng có số thứ tự hoặc hạng sao" in out
    assert "mục «HUYỆN NINH SƠN»" in out  # a section title is still one
