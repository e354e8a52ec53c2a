"""``ocop import`` as an office worker runs it: what identifies a product across imports, rows
with errors beside good ones, the command's options and exit codes, and the review it prints."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from annexes import write_xlsx
from importing import empty_project  # noqa: F401 (the fixture "project")
from importing import record as _record
from importing import run as _run
from openpyxl import Workbook, load_workbook


def _texts(products: Path) -> dict[str, bytes]:
    return {p.name: (p / "product.yml").read_bytes() for p in sorted(products.iterdir())}


def _sheet(path: Path, rows: list[list[object]]) -> Path:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


# --- item 9: a row names its product by id, and must be that product ---------------------------

def _exported(config: Path, tmp_path: Path) -> tuple[Path, Workbook, dict[str, int]]:
    target = tmp_path / "ra.xlsx"
    assert _run(config, "export", "--out", str(target)) == 0
    book = load_workbook(target)
    header = [c.value for c in book.worksheets[0][1]]
    return target, book, {name: header.index(name) for name in header}


def test_an_id_changed_to_another_products_never_merges_two_products(project, tmp_path, capsys):
    products, config = project
    assert _run(config, "import", str(write_xlsx(tmp_path / "a.xlsx"))) == 0
    before = _texts(products)
    target, book, column = _exported(config, tmp_path)
    sheet = book.worksheets[0]
    for row in sheet.iter_rows(min_row=2):
        if row[column["Mã sản phẩm"]].value == "toi-phan-rang":  # another product's id typed in
            row[column["Mã sản phẩm"]].value = "mat-ong-hoa-nhan-my-son"
        elif row[column["Mã sản phẩm"]].value == "ruou-nep-quang-son":  # its sibling's id
            row[column["Mã sản phẩm"]].value = "ruou-sam-quang-son"
        elif row[column["Mã sản phẩm"]].value == "hanh-tim-tan-son":  # a name corrected: fine
            row[column["Tên sản phẩm"]].value = "Hành tím Tân Sơn loại 1"
    book.save(target)
    capsys.readouterr()
    assert _run(config, "import", str(target), "--update") == 1
    out = capsys.readouterr().out
    assert ("mã 'mat-ong-hoa-nhan-my-son' là của hồ sơ «Mật ong hoa nhãn Mỹ Sơn — HTX Nông "
            "nghiệp Mỹ Sơn», nhưng tên sản phẩm và chủ thể trên dòng này là của hồ sơ "
            "'toi-phan-rang'") in out
    assert "nhưng tên sản phẩm và chủ thể trên dòng này là của hồ sơ 'ruou-nep-quang-son'" in out
    assert _texts(products) == before
    assert _run(config, "import", str(target), "--update", "--skip-invalid") == 0
    assert _record(products, "mat-ong-hoa-nhan-my-son")["name"]["vi"] == "Mật ong hoa nhãn Mỹ Sơn"
    assert _record(products, "ruou-sam-quang-son")["name"]["vi"] == "Rượu sâm Quảng Sơn"
    assert _record(products, "hanh-tim-tan-son")["name"]["vi"] == "Hành tím Tân Sơn loại 1"


def test_an_id_whose_row_is_another_product_by_code_or_name_is_refused(project, tmp_path, capsys):
    products, config = project
    assert _run(config, "import", str(write_xlsx(tmp_path / "a.xlsx"))) == 0
    record = products / "nho-say-deo-nhon-son" / "product.yml"
    record.write_text(record.read_text(encoding="utf-8").replace(
        "- stars: 3\n", "- stars: 3\n  ocop_code: NT-2025-012\n", 1), encoding="utf-8")
    before = _texts(products)
    capsys.readouterr()
    by_code = _sheet(tmp_path / "ds.xlsx", [
        ["Mã sản phẩm", "Tên sản phẩm", "Chủ thể", "Mã OCOP"],
        ["ruou-nep-quang-son", "Rượu nếp Quảng Sơn", "Cơ sở rượu Quảng Sơn", "NT-2025-012"]])
    assert _run(config, "import", str(by_code), "--update") == 1
    assert "nhưng mã OCOP NT-2025-012 trên dòng này là của hồ sơ 'nho-say-deo-nhon-son'" in \
        capsys.readouterr().out
    by_name = _sheet(tmp_path / "ds2.xlsx", [
        ["Mã sản phẩm", "Tên sản phẩm", "Chủ thể"],
        ["buoi-da-xanh-lam-son", "Xoài cát Lương Sơn", "HTX Xoài Lương Sơn"]])
    assert _run(config, "import", str(by_name), "--update") == 1
    assert "ds2.xlsx:2:A: Mã sản phẩm: lỗi: mã 'buoi-da-xanh-lam-son' là của hồ sơ «Bưởi da " \
           "xanh Lâm Sơn — Tổ hợp tác Bưởi Lâm Sơn», nhưng dòng này ghi «Xoài cát Lương Sơn — " \
           "HTX Xoài Lương Sơn», một sản phẩm khác" in capsys.readouterr().out
    assert _texts(products) == before


# --- item 19: a row with an error does not take its product's good rows with it -----------------

def test_a_refused_row_leaves_the_products_other_rows(project, tmp_path, capsys):
    products, config = project
    header = ["Mã sản phẩm", "Tên sản phẩm", "Chủ thể", "Địa chỉ trên giấy chứng nhận", "Số sao",
              "Điểm", "Số quyết định", "Ngày quyết định", "Cơ quan công nhận"]
    common = ["tra-thao-moc-hibiscus", "Trà thảo mộc Hibiscus", "HTX Dược liệu Tân Sơn",
              "Khu phố 1, thị trấn Tân Sơn, huyện Ninh Sơn, tỉnh Ninh Thuận"]
    sheet = _sheet(tmp_path / "ds.xlsx", [
        header,
        [*common, 3, 62, "1533/QĐ-UBND", "ngày 08 tháng 12 năm 2023", "UBND huyện Ninh Sơn"],
        [*common, 4, 74, "2201/QĐ-UBND", "31/02/2025", "UBND tỉnh Ninh Thuận"],
    ])
    assert _run(config, "import", str(sheet), "--dry-run") == 1
    out = capsys.readouterr().out
    assert "dòng 3 có lỗi nên không ghi; các dòng còn lại của sản phẩm ghi được với " \
           "--skip-invalid" in out
    assert "ds.xlsx:3:H: Ngày quyết định: lỗi: '31/02/2025' không phải ngày" in out
    assert _run(config, "import", str(sheet), "--skip-invalid") == 0
    certs = _record(products, "tra-thao-moc-hibiscus")["certifications"]
    assert [(c["stars"], c["decision"]) for c in certs] == [(3, "1533/QĐ-UBND")]


# --- item 21: the command's options --------------------------------------------------------------

def test_the_province_option_settles_the_province_of_rows_without_an_address(project, tmp_path,
                                                                            capsys):
    products, config = project
    sheet = _sheet(tmp_path / "ds.xlsx", [
        ["STT", "Tên sản phẩm", "Chủ thể", "Địa chỉ", "Hạng sao", "Điểm"],
        [1, "Gạo nếp cái hoa vàng Mỹ Lộc", "HTX Nông nghiệp Mỹ Thành", None, "3 sao", 61]])
    given = ("--decision", "45/QĐ-UBND", "--decision-date", "20/3/2024", "--authority",
             "UBND huyện Mỹ Lộc")
    assert _run(config, "import", str(sheet), "--dry-run", *given) == 1
    assert "Tỉnh/thành phố: lỗi" in capsys.readouterr().out
    assert _run(config, "import", str(sheet), "--dry-run", *given, "--province", "Nam Định") == 1
    out = capsys.readouterr().out
    assert "Tỉnh/thành phố: lỗi" not in out and "--province" not in out
    assert "Địa chỉ trên giấy chứng nhận: lỗi: thiếu trường bắt buộc" in out  # that one stays
    with pytest.raises(SystemExit):
        _run(config, "import", str(sheet), "--province", "Nam Đình Thuận")
    assert "không biết tỉnh 'Nam Đình Thuận'" in capsys.readouterr().err


def test_the_to_do_list_as_csv_in_a_dry_run_and_a_missing_folder(project, tmp_path, capsys):
    """A dry run writes no record; the to-do list it is asked for is its report (the import
    workflow sends it to the office before importing), as the option's help says."""
    from site_builder.cli import _parser

    products, config = project
    annex = write_xlsx(tmp_path / "a.xlsx")
    todo = tmp_path / "viec.csv"
    helps = _parser()._subparsers._group_actions[0].choices["import"].format_help()
    assert "không ghi hồ sơ nào (bảng việc cần làm của --todo thì vẫn ghi)" in " ".join(helps.split())
    assert _run(config, "import", str(annex), "--dry-run", "--todo", str(todo)) == 0
    assert "Đã ghi bảng việc cần làm" in capsys.readouterr().out
    assert not list(products.iterdir())
    assert _run(config, "import", str(annex), "--todo", str(tmp_path / "khong-co" / "t.xlsx")) == 1
    err = capsys.readouterr().err
    assert "không có thư mục" in err and "Traceback" not in err
    assert not list(products.iterdir())
    assert _run(config, "import", str(annex), "--todo", str(tmp_path / "viec.ods")) == 1
    assert ".xlsx (Excel) hoặc .csv" in capsys.readouterr().err
    assert todo.read_bytes().startswith(b"\xef\xbb\xbf")  # UTF-8 that Excel opens as such
    rows = list(csv.reader(io.StringIO(todo.read_text(encoding="utf-8-sig"))))
    assert rows[0][:4] == ["Mã sản phẩm", "Tên sản phẩm", "Chủ thể", "Dòng trong bảng gốc"]
    assert len(rows) == 9


def test_skip_invalid_that_writes_nothing_fails_and_a_folder_is_explained(project, tmp_path,
                                                                          capsys):
    products, config = project
    bad = _sheet(tmp_path / "ds.xlsx", [["Mã sản phẩm", "Tên sản phẩm", "Số sao"],
                                        ["Nho Say", "Nho sấy", 4]])
    assert _run(config, "import", str(bad), "--skip-invalid") == 1
    assert "không ghi hồ sơ nào" in capsys.readouterr().err
    folder = tmp_path / "gui-ve"
    folder.mkdir()
    (folder / "phu-luc-2024.xlsx").write_bytes(bad.read_bytes())
    assert _run(config, "import", str(folder)) == 1  # the folder import names the sheet
    out = capsys.readouterr().out
    assert (f"{folder}/phu-luc-2024.xlsx: lỗi: là bảng tính danh sách sản phẩm, không phải ảnh: "
            f"nhập riêng bằng ocop import '{folder / 'phu-luc-2024.xlsx'}'") in out
    assert "không tìm thấy" not in out


# --- item 22: the review -------------------------------------------------------------------------

def test_the_review_reads_in_order_and_says_each_thing_once(project, tmp_path, capsys):
    products, config = project
    annex = write_xlsx(tmp_path / "a.xlsx")
    assert _run(config, "import", str(annex), "--dry-run") == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    titles = [i for i, line in enumerate(lines) if line and not line.startswith(("-", " "))]
    assert [lines[i].split(" ")[0] for i in titles] == ["Đã", "Cần", "Sản", "Còn", "Chạy"]
    questions = lines[titles[1] + 1:titles[2]]
    assert [q.split(" ")[1] for q in questions if q] == ["hanh-tim-tan-son", "cao-thao-duoc-do-vinh"]
    assert "CẦN HỎI" not in out and "theo gợi ý" not in out
    assert out.count("câu chuyện") == 1  # what is missing: once, for all products
    assert all(line.startswith(("- ", "  - ")) or not line or i in titles
               for i, line in enumerate(lines))  # Markdown lists in a GitHub job summary too
    assert _run(config, "import", str(annex), "--dry-run", "--lang", "en") == 0
    english = capsys.readouterr().out
    assert english.startswith("Read a.xlsx (Excel .xlsx):\n- sheet «Phụ lục»: header on rows 7-8")
    assert "To answer (2)" in english and "story, photos, phone or e-mail, GTIN: all 8 products" \
        in english


def test_a_rows_error_is_printed_beside_its_product(project, tmp_path, capsys):
    products, config = project
    sheet = _sheet(tmp_path / "ds.xlsx", [
        ["(Kèm theo Quyết định số 88/QĐ-UBND ngày 20/3/2024 của UBND tỉnh Tây Ninh)"],
        ["STT", "Tên sản phẩm", "Chủ thể", "Địa chỉ", "Hạng sao", "Điểm"],
        [1, "Mãng cầu Bà Đen", "THT Mãng cầu Ninh Thạnh", "Ấp Ninh Phú, xã Ninh Thạnh, "
         "thành phố Tây Ninh", "4 sao", "bảy mươi mốt"],
        [2, "Muối tôm Tây Ninh", "Cơ sở Muối tôm Bà Hai", "Khu phố Ninh Trung, phường Ninh Sơn, "
         "thành phố Tây Ninh", "4 sao", 72]])
    assert _run(config, "import", str(sheet), "--dry-run") == 1
    lines = capsys.readouterr().out.splitlines()
    head = next(i for i, line in enumerate(lines) if line.startswith("- mang-cau-ba-den"))
    following = lines[head + 1:lines.index(next(x for x in lines if x.startswith("- muoi-tom")))]
    assert "  - ds.xlsx:3:F: Điểm: lỗi: 'bảy mươi mốt' không phải số" in following
