"""``ocop import`` on lists as OCOP offices keep them: a decision annex with title rows, a merged
two-row header, section, total and signature rows, old addresses, legacy encodings."""

from __future__ import annotations

import zipfile
from datetime import date
from pathlib import Path

import pytest
from annexes import EXPECTED_IDS, write_csv, write_xls, write_xlsx
from importing import empty_project  # noqa: F401 (the fixture "project")
from importing import record as _record
from importing import run as _run
from importing import written as _written
from openpyxl import Workbook
from support.sites import AS_OF, write_mkdocs_config

from site_builder.mkdocs.build import build_site


def test_a_decision_annex_imports_every_product_with_nothing_typed(project, tmp_path, capsys):
    products, config = project
    annex = write_xlsx(tmp_path / "qd-1234-phu-luc.xlsx")
    assert _run(config, "import", str(annex)) == 0
    out = capsys.readouterr().out
    assert set(_written(products)) == EXPECTED_IDS
    honey = _record(products, "mat-ong-hoa-nhan-my-son")
    assert honey["certifications"] == [{
        "stars": 4, "score": 72.5, "decision": "1234/QĐ-UBND", "decision_date": date(2025, 6, 12),
        "authority": "UBND tỉnh Ninh Thuận", "regime": "148"}]
    producer = honey["producer"]
    assert producer["type"] == "cooperative"
    assert producer["address_on_certificate"] == (
        "Thôn Phú Thạnh, xã Mỹ Sơn, huyện Ninh Sơn, tỉnh Ninh Thuận")
    assert (producer["province"], producer["commune"]) == ("Khánh Hòa", "Xã Mỹ Sơn")
    assert honey["product_set"] == 4
    assert set(honey["to_confirm"]) == {"producer.type", "product_set", "producer.commune",
                                        "producer.address_on_certificate",
                                        "certifications[0].regime"}
    assert "HTX" in honey["to_confirm"]["producer.type"]
    # A producer written once beside two products (merged down) belongs to both.
    assert _record(products, "ruou-sam-quang-son")["producer"]["name"] == "Cơ sở rượu Quảng Sơn"
    assert _record(products, "ruou-sam-quang-son")["product_set"] == 15
    assert _record(products, "ruou-nep-quang-son")["product_set"] == 14
    # Section rows give the district; the second section is another district.
    assert _record(products, "toi-phan-rang")["producer"]["commune"] == "Phường Đô Vinh"
    # A person's name does not tell the type, and a herbal paste fits two sets: both are asked.
    person = _record(products, "hanh-tim-tan-son")
    assert "type" not in person["producer"]
    assert person["to_confirm"]["producer.type"].startswith("cần quyết định")
    assert "product_set" not in _record(products, "cao-thao-duoc-do-vinh")
    for kind in ("mục «HUYỆN NINH SƠN»", "dòng tổng «Tổng cộng: 8 sản phẩm»",
                 "phần ký tên, nơi nhận", "dòng đánh số cột"):
        assert kind in out
    assert "- hanh-tim-tan-son (dòng 16), loại hình chủ thể: tên chủ thể «Nguyễn Văn Hùng» là " \
           "tên người" in out  # with the other questions, not among the products
    assert out.count("câu chuyện, ảnh, số điện thoại hoặc thư điện tử, GTIN: cả 8 sản phẩm") == 1

    site = build_site(config, site_dir=tmp_path / "site", as_of=AS_OF).site_dir
    for product_id in EXPECTED_IDS:
        assert (site / "san-pham" / product_id / "index.html").is_file()
        assert (site / "p" / product_id / "index.html").is_file()
    page = (site / "san-pham" / "mat-ong-hoa-nhan-my-son" / "index.html").read_text()
    assert "Mật ong hoa nhãn Mỹ Sơn" in page and "1234/QĐ-UBND" in page
    assert "chưa cung cấp câu chuyện" in page


@pytest.mark.parametrize("form", ["xls", "csv-utf-8-sig", "csv-cp1258", "csv-TCVN3", "csv-VNI",
                                  "xlsx-TCVN3"])
def test_the_same_annex_in_every_form_gives_the_same_records(project, tmp_path, form):
    products, config = project
    (tmp_path / "reference").mkdir()
    reference = tmp_path / "reference" / "products"
    reference.mkdir()
    reference_config = write_mkdocs_config(tmp_path / "reference", reference)
    assert _run(reference_config, "import", str(write_xlsx(tmp_path / "a.xlsx"))) == 0
    if form == "xls":
        annex = write_xls(tmp_path / "a.xls")
    elif form == "xlsx-TCVN3":
        from site_builder.sheets.legacy_text import encode_tcvn3

        annex = write_xlsx(tmp_path / "b.xlsx", transform=encode_tcvn3)
    else:
        annex = write_csv(tmp_path / "a.csv", form.split("-", 1)[1],
                          ";" if form == "csv-cp1258" else ",")
    assert _run(config, "import", str(annex)) == 0
    assert _written(products) == _written(reference)


def test_the_dry_run_writes_nothing_and_says_where_each_value_came_from(project, tmp_path, capsys):
    products, config = project
    annex = write_xlsx(tmp_path / "a.xlsx")
    assert _run(config, "import", str(annex), "--dry-run") == 0
    out = capsys.readouterr().out
    assert not list(products.iterdir())
    assert "cho mọi dòng: quyết định 1234/QĐ-UBND (dòng 5), ngày 12/06/2025 (dòng 5)" in out
    assert "suy ra loại hình chủ thể = Hợp tác xã (từ tên chủ thể «HTX Nông nghiệp Mỹ Sơn»" in out
    assert "suy ra bộ sản phẩm = 4." in out
    assert "Chạy thử, không ghi gì: 8 hồ sơ mới" in out
    assert _run(config, "import", str(annex), "--dry-run", "--lang", "en") == 0
    assert "worked out producer type = Cooperative" in capsys.readouterr().out


def test_a_list_without_title_takes_the_decision_from_the_command_line(project, tmp_path, capsys):
    products, config = project
    book = Workbook()
    sheet = book.active
    sheet.append(["TT", "Tên sản phẩm", "Tên chủ thể", "Địa chỉ", "Xếp hạng", "Tổng điểm"])
    sheet.append([1, "Mãng cầu Bà Đen", "Tổ hợp tác Mãng cầu Ninh Thạnh",
                  "Ấp Ninh Phú, xã Ninh Thạnh, thành phố Tây Ninh, tỉnh Tây Ninh", "4 sao", "71"])
    sheet.append([2, "Muối tôm Tây Ninh", "Cơ sở Muối tôm Bà Hai",
                  "Khu phố Ninh Trung, phường Ninh Sơn, thành phố Tây Ninh, tỉnh Tây Ninh", 3, 60])
    book.save(tmp_path / "ds.xlsx")
    assert _run(config, "import", str(tmp_path / "ds.xlsx")) == 1
    err = capsys.readouterr()
    assert "Số quyết định" in err.out and "lỗi" in err.out
    assert not list(products.iterdir())
    assert _run(config, "import", str(tmp_path / "ds.xlsx"), "--decision", "QĐ số 88/QĐ-UBND",
                "--decision-date", "20/3/2024", "--authority", "UBND tỉnh Tây Ninh") == 0
    record = _record(products, "mang-cau-ba-den")
    assert record["certifications"][0]["decision"] == "88/QĐ-UBND"
    assert record["certifications"][0]["regime"] == "148"
    assert record["producer"]["commune"] == "Phường Ninh Thạnh"
    assert _record(products, "muoi-tom-tay-ninh")["producer"]["commune"] == "Phường Bình Minh"


def test_a_date_when_two_regimes_were_in_force_is_a_question(project, tmp_path, capsys):
    products, config = project
    annex = write_xlsx(tmp_path / "a.xlsx")
    args = ("import", str(annex), "--decision-date", "15/09/2025")
    assert _run(config, *args) == 1
    out = capsys.readouterr().out
    assert "148 hoặc 148+1489" in out and "--regime" in out
    assert out.count("--regime (148 hoặc 148+1489)") == 1  # one question, not one per row
    assert not list(products.iterdir())
    assert _run(config, *args, "--regime", "148+1489") == 0
    assert _record(products, "toi-phan-rang")["certifications"][0]["regime"] == "148+1489"


def test_next_years_annex_adds_certifications_and_shows_upgrades(project, tmp_path, capsys):
    products, config = project
    assert _run(config, "import", str(write_xlsx(tmp_path / "2025.xlsx"))) == 0
    book = Workbook()
    sheet = book.active
    sheet.append(["(Kèm theo Quyết định số 77/QĐ-UBND ngày 05/10/2026 của UBND tỉnh Khánh Hòa)"])
    sheet.append(["STT", "Tên sản phẩm", "Tên chủ thể", "Địa chỉ", "Hạng sao", "Điểm"])
    sheet.append([1, "Mật ong hoa nhãn Mỹ Sơn", "Hợp tác xã Nông nghiệp Mỹ Sơn",
                  "Thôn Phú Thạnh, xã Mỹ Sơn", "5 sao", "90,5"])
    book.save(tmp_path / "2026.xlsx")
    capsys.readouterr()
    assert _run(config, "import", str(tmp_path / "2026.xlsx")) == 0
    out = capsys.readouterr().out
    assert "khớp hồ sơ: tìm theo tên «Mật ong hoa nhãn Mỹ Sơn»" in out
    assert "suy ra loại đánh giá = nâng hạng (4 sao trước đó, nay 5 sao)" in out
    assert set(_written(products)) == EXPECTED_IDS  # no duplicate
    certs = _record(products, "mat-ong-hoa-nhan-my-son")["certifications"]
    assert [(c["stars"], c.get("kind", "first"), c["regime"]) for c in certs] == [
        (4, "first", "148"), (5, "upgrade", "26")]
    assert _run(config, "import", str(tmp_path / "2026.xlsx")) == 0  # again: nothing changes
    out = capsys.readouterr().out
    assert "đã có hồ sơ, giữ nguyên" in out  # the list writes the producer's name otherwise:
    assert "chưa áp dụng producer.name: HTX Nông nghiệp Mỹ Sơn → Hợp tác xã" in out
    assert len(_record(products, "mat-ong-hoa-nhan-my-son")["certifications"]) == 2


def test_the_to_do_workbook_goes_out_and_comes_back(project, tmp_path, capsys):
    from python_calamine import CalamineWorkbook

    products, config = project
    todo = tmp_path / "viec-can-lam.xlsx"
    assert _run(config, "import", str(write_xlsx(tmp_path / "a.xlsx")), "--todo", str(todo)) == 0
    rows = CalamineWorkbook.from_path(str(todo)).get_sheet_by_index(0).to_python()
    header = rows[0]
    assert header[:7] == ["Mã sản phẩm", "Tên sản phẩm", "Chủ thể", "Dòng trong bảng gốc",
                          "Đã suy ra (cần xác nhận)", "Cần hỏi", "Còn thiếu"]
    by_id = {r[0]: dict(zip(header, r, strict=True)) for r in rows[1:]}
    assert set(by_id) == EXPECTED_IDS
    person = by_id["hanh-tim-tan-son"]
    assert "producer.type" in person["Cần hỏi"] and "câu chuyện" in person["Còn thiếu"]
    # The district fills in what was asked and a story, and the office imports it back.
    from openpyxl import load_workbook

    book = load_workbook(todo)
    sheet = book.active
    columns = {cell.value: cell.column for cell in sheet[1]}
    for row in sheet.iter_rows(min_row=2):
        if row[0].value == "hanh-tim-tan-son":
            row[columns["Loại hình chủ thể"] - 1].value = "Hộ kinh doanh"
            row[columns["Câu chuyện sản phẩm"] - 1].value = "Hành tím trồng trên cát ven sông Dinh."
    book.save(todo)
    assert _run(config, "import", str(todo), "--update") == 0
    person = _record(products, "hanh-tim-tan-son")
    assert person["producer"]["type"] == "household"
    assert person["story"]["vi"] == "Hành tím trồng trên cát ven sông Dinh."
    assert "producer.type" not in person.get("to_confirm", {})
    assert person["certifications"][0]["decision"] == "1234/QĐ-UBND"  # untouched


def _protected(path: Path) -> Path:
    """An Office file encrypted with a password: an OLE container with an EncryptedPackage."""
    body = bytearray(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    body += "EncryptedPackage".encode("utf-16-le") + bytes(4000)
    path.write_bytes(bytes(body))
    return path


def _zip_bomb(path: Path) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"<" + b" " * 40_000_000 + b"/>")
    return path


@pytest.mark.parametrize("make, words", [
    (lambda p: _protected(p / "ds.xlsx"), "mật khẩu"),
    (lambda p: _zip_bomb(p / "ds.xlsx"), "quá lớn hoặc bất thường"),
    (lambda p: (p / "ds.xlsx").write_text("STT;Tên") and p / "ds.xlsx", "không phải bảng tính"),
    (lambda p: (p / "ds.csv").write_bytes(b"\x00\x01\x02garbage\xff" * 10) and p / "ds.csv",
     "không nhận ra bảng mã"),
])
def test_hostile_files_get_a_message_never_a_traceback(project, tmp_path, capsys, make, words):
    products, config = project
    path = make(tmp_path)
    assert _run(config, "import", str(path)) == 1
    err = capsys.readouterr().err
    assert words in err and "Traceback" not in err
    assert not list(products.iterdir())


def test_an_xlsx_renamed_csv_and_a_hidden_sheet_are_read_as_a_person_sees_them(project, tmp_path,
                                                                               capsys):
    from openpyxl import load_workbook

    products, config = project
    annex = write_xlsx(tmp_path / "a.xlsx")
    book = load_workbook(annex)
    scratch = book.create_sheet("Nháp", 0)
    scratch.append(["STT", "Tên sản phẩm", "Chủ thể", "Hạng sao"])
    scratch.append([1, "Sản phẩm thử", "HTX Thử", 5])
    scratch.sheet_state = "hidden"
    book["Phụ lục"].row_dimensions[12].hidden = True
    renamed = tmp_path / "danh-sach.csv"
    book.save(renamed)
    assert _run(config, "import", str(renamed), "--dry-run") == 0
    out = capsys.readouterr().out
    assert "thực ra là bảng tính .xlsx" in out and "trang «Phụ lục»" in out
    assert "san-pham-thu" not in out
    assert "dòng 12: dòng đang ẩn trong Excel (hiện dòng nếu cần nhập) «2 Nho sấy dẻo" in out
    assert "nho-say-deo-nhon-son" not in out


def test_a_sheet_too_long_and_a_formula_without_result(project, tmp_path, capsys, monkeypatch):
    from site_builder.sheets import tables

    products, config = project
    book = Workbook()
    sheet = book.active
    sheet.append(["STT", "Tên sản phẩm", "Chủ thể", "Địa chỉ", "Hạng sao", "Điểm"])
    sheet.append([1, "Mật ong Phú Lý", "Tổ hợp tác Nuôi ong Phú Lý", "Ấp 3, xã Phú Lý, huyện "
                  "Vĩnh Cửu, tỉnh Đồng Nai", 4, "=70+5"])
    book.save(tmp_path / "ds.xlsx")
    assert _run(config, "import", str(tmp_path / "ds.xlsx"), "--decision", "5/QĐ-UBND",
                "--decision-date", "01/03/2024", "--authority", "UBND tỉnh Đồng Nai") == 1
    out = capsys.readouterr().out
    assert "ds.xlsx:2:F: Điểm: lỗi: ô là công thức chưa có kết quả" in out
    monkeypatch.setattr(tables, "MAX_ROWS", 1)
    assert _run(config, "import", str(tmp_path / "ds.xlsx")) == 1
    assert "dòng, quá lớn cho một danh sách" in capsys.readouterr().err
    assert not list(products.iterdir())
