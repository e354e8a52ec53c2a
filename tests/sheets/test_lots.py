"""``ocop import`` of a lot log: lots from a spreadsheet into the products' batches, and back out
with ``ocop export``."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import annexes
import lot_logs
import pytest
import yaml
from openpyxl import Workbook, load_workbook
from support.records import published_document, record, write_record
from support.sites import AS_OF, write_mkdocs_config

from site_builder.cli import main
from site_builder.mkdocs.build import build_site
from site_builder.sheets.legacy_text import encode_tcvn3

GTIN = "8936058120105"
OCOP_CODE = "58-585-00112-01-2024"


@pytest.fixture
def project(tmp_path: Path) -> tuple[Path, Path]:
    """A catalog of three products (two honeys sharing a name) and its mkdocs.yml."""
    products = tmp_path / "products"
    products.mkdir()
    certification = dict(record()["certifications"][0], ocop_code=OCOP_CODE)
    write_record(products, record(gtin=GTIN, certifications=[certification]))
    for product_id, producer in (("mat-ong-my-son", "HTX Nông nghiệp Mỹ Sơn"),
                                 ("mat-ong-lam-son", "Tổ hợp tác Ong Lâm Sơn")):
        data = record(id=product_id, name={"vi": "Mật ong hoa nhãn"}, product_set=4)
        data["producer"] = dict(data["producer"], name=producer)
        write_record(products, data)
    return products, write_mkdocs_config(tmp_path, products)


def _run(config: Path, *args: str) -> int:
    return main(["-f", str(config), *args])


def _sheet(path: Path, rows: list[list[object]], stages: list[list[object]] | None = None) -> Path:
    book = Workbook()
    book.active.title = "Lô"
    for row in rows:
        book.active.append(row)
    if stages is not None:
        sheet = book.create_sheet("Công đoạn")
        for row in stages:
            sheet.append(row)
    book.save(path)
    return path


def _batches(products: Path, product_id: str) -> list[dict]:
    data = yaml.safe_load((products / product_id / "product.yml").read_text(encoding="utf-8"))
    return data.get("batches") or []


HEADER = ["Sản phẩm", "Mã lô", "NSX", "HSD", "Số lượng"]


# --- the sample: an annex and a lot log, from files to a built site ----------------------------


def test_an_annex_and_a_lot_log_become_a_site_with_every_lot_page(tmp_path, capsys):
    """The issue's case: a log of 12 lots over 3 products (stages on a second sheet, messy
    dates) imported 0 of 12 ("no product table"); now every lot gets its page and stamp."""
    products = tmp_path / "products"
    products.mkdir()
    config = write_mkdocs_config(tmp_path, products)
    assert _run(config, "import", str(annexes.write_xlsx(tmp_path / "phu-luc.xlsx"))) == 0
    inbox = tmp_path / "tu-chu-the"
    inbox.mkdir()
    log = lot_logs.write_xlsx(inbox / "so-theo-doi-lo.xlsx")
    capsys.readouterr()
    before = {p: p.read_bytes() for p in products.rglob("*") if p.is_file()}

    assert _run(config, "import", str(log), "--dry-run") == 0
    review = capsys.readouterr().out
    assert {p: p.read_bytes() for p in products.rglob("*") if p.is_file()} == before
    assert "Chạy thử, không ghi gì: 12 lô mới (3 sản phẩm)." in review
    assert "- nho-say-deo-nhon-son, lô NS-2507 («Nhật ký lô» dòng 9, «Công đoạn» dòng 7-9), lô " \
           "mới: NSX 05/07/2025, HSD 05/01/2027, 1.200 túi 200 g, 4 công đoạn, 1 tài liệu" in review
    assert "suy ra: «18 tháng» từ ngày sản xuất 05/07/2025 → 05/01/2027" in review
    assert "5-7-25 → 05/07/2025" in review  # a two-digit year is read, and said
    commands = [line.removeprefix("- ") for line in review.splitlines() if "ocop stamps" in line]
    assert commands == [  # one per product, with its new lots
        "ocop stamps mat-ong-hoa-nhan-my-son --lot MO2506,MO2509,MO2512,MO2603",
        "ocop stamps nho-say-deo-nhon-son --lot NS-2507,NS-2510,NS-2601,NS-2604",
        "ocop stamps buoi-da-xanh-lam-son --lot BLS2508,BLS2511,BLS2602,BLS2605"]

    assert _run(config, "import", str(log)) == 0
    for product_id, count in lot_logs.PRODUCT_IDS.items():
        assert len(_batches(products, product_id)) == count
    honey = _batches(products, "mat-ong-hoa-nhan-my-son")
    assert honey[2] == {"lot": "MO2512", "produced": date(2025, 12, 8), "expires": date(2026, 12, 8),
                        "quantity": "300 chai 500 ml", "events": [
                            {"step": "Đóng chai", "date": date(2025, 12, 8),
                             "place": "HTX Nông nghiệp Mỹ Sơn"}]}
    assert honey[0]["documents"] == [{"title": "Phiếu kiểm nghiệm",
                                      "file": "lo-MO2506/phieu-kiem-nghiem-mo2506.pdf"}]
    copied = products / "mat-ong-hoa-nhan-my-son" / "lo-MO2506" / "phieu-kiem-nghiem-mo2506.pdf"
    assert copied.read_bytes() == lot_logs.PDF
    assert [e["step"] for e in honey[0]["events"]] == ["Thu hoạch", "Quay mật, lọc",
                                                       "Hạ thủy phần, đóng chai"]
    assert _run(config, "check") == 0

    written = {p: p.read_bytes() for p in products.rglob("*") if p.is_file()}
    capsys.readouterr()
    assert _run(config, "import", str(log)) == 0  # again: nothing changes, byte for byte
    assert "Xong: 12 lô không đổi (3 sản phẩm)." in capsys.readouterr().out
    assert {p: p.read_bytes() for p in products.rglob("*") if p.is_file()} == written

    site = build_site(config, as_of=AS_OF).site_dir
    for product_id in lot_logs.PRODUCT_IDS:
        for lot in (b["lot"] for b in _batches(products, product_id)):
            page = site / "p" / product_id / lot / "index.html"
            assert lot in page.read_text(encoding="utf-8"), page
    honey_lot = next(b for b in _batches(products, "mat-ong-hoa-nhan-my-son")
                     if b["lot"] == "MO2506")
    assert (site / "tai-lieu" / "mat-ong-hoa-nhan-my-son" / "MO2506" /
            published_document(honey_lot["documents"])).is_file()
    # the review's command, as the office copies it: the new lots' stamps, and only theirs
    assert _run(config, *commands[1].split()[1:], "--size", "30", "--out", str(tmp_path / "tem")) == 0
    assert sorted(p.name for p in (tmp_path / "tem" / "nho-say-deo-nhon-son").glob("*.svg")) == [
        f"nho-say-deo-nhon-son-{lot}-30mm.svg" for lot in ("NS-2507", "NS-2510", "NS-2601",
                                                           "NS-2604")]


def test_the_log_as_csv_and_in_a_legacy_font(tmp_path, capsys):
    products = tmp_path / "products"
    products.mkdir()
    config = write_mkdocs_config(tmp_path, products)
    assert _run(config, "import", str(annexes.write_xlsx(tmp_path / "phu-luc.xlsx"))) == 0
    assert _run(config, "import", str(lot_logs.write_csv(tmp_path / "so-lo.csv")), "--dry-run") == 0
    assert "12 lô mới (3 sản phẩm)" in capsys.readouterr().out
    legacy = lot_logs.write_xlsx(tmp_path / "so-lo-vntime.xlsx", transform=encode_tcvn3)
    assert _run(config, "import", str(legacy)) == 0
    out = capsys.readouterr().out
    assert "TCVN3" in out and "12 lô mới" in out
    assert _batches(products, "mat-ong-hoa-nhan-my-son")[0]["events"][1]["place"] == \
        "Nhà quay mật HTX Mỹ Sơn"


# --- which product --------------------------------------------------------------------------------


def test_a_product_is_named_by_id_ocop_code_gtin_or_name(project, tmp_path, capsys):
    products, config = project
    rows = [["Mã sản phẩm", "Mã lô", "NSX"],
            ["nho-say-nhon-son", "A1", "01/03/2025"],
            [OCOP_CODE, "A2", "02/03/2025"],
            [GTIN, "A3", "03/03/2025"],
            ["0" + GTIN, "A4", "04/03/2025"],
            [int(GTIN), "A5", "05/03/2025"],  # a GTIN Excel made a number of
            ["Nho sấy tách hạt Nhơn Sơn", "A6", "06/03/2025"],
            ["nho say tach hat nhon son", "A7", "07/03/2025"]]
    assert _run(config, "import", str(_sheet(tmp_path / "lo.xlsx", rows))) == 0
    assert [b["lot"] for b in _batches(products, "nho-say-nhon-son")] == [
        "A1", "A2", "A3", "A4", "A5", "A6", "A7"]


def test_a_shared_name_is_a_question_and_the_producer_answers_it(project, tmp_path, capsys):
    products, config = project
    rows = [["Tên sản phẩm", "Chủ thể", "Mã lô", "NSX"],
            ["Mật ong hoa nhãn", None, "MO1", "01/03/2025"],
            ["Mật ong hoa nhãn", "HTX Mỹ Sơn", "MO2", "01/03/2025"]]
    assert _run(config, "import", str(_sheet(tmp_path / "lo.xlsx", rows))) == 1
    out = capsys.readouterr().out
    assert "Cần trả lời (1):" in out
    assert "lo.xlsx:2:A: Tên sản phẩm: cần hỏi: «Mật ong hoa nhãn» có thể là: " in out
    assert "mat-ong-my-son (Mật ong hoa nhãn — HTX Nông nghiệp Mỹ Sơn)" in out
    assert "mat-ong-lam-son (Mật ong hoa nhãn — Tổ hợp tác Ong Lâm Sơn)" in out
    assert "In tem" not in out  # nothing is written: no stamps to print yet
    assert "- mat-ong-my-son, lô MO2 (dòng 3), lô mới" in out  # the producer tells the two apart
    assert _batches(products, "mat-ong-my-son") == []  # nothing is written while asked
    assert _run(config, "import", str(tmp_path / "lo.xlsx"), "--skip-invalid") == 0
    assert [b["lot"] for b in _batches(products, "mat-ong-my-son")] == ["MO2"]
    assert _batches(products, "mat-ong-lam-son") == []


def test_an_unknown_product_names_the_closest_and_a_near_name_is_said(project, tmp_path, capsys):
    _, config = project
    rows = [HEADER, ["Nho sấy Nhơn Sơn", "N1", "01/03/2025", "12 tháng", "100 túi"],
            ["Nho sấy tách hạt Nhơn Sơm", "N2", "01/04/2025", None, None],
            ["Rượu cần Tây Nguyên", "R1", "01/03/2025", None, None]]
    assert _run(config, "import", str(_sheet(tmp_path / "lo.xlsx", rows))) == 1
    out = capsys.readouterr().out
    assert "sản phẩm: «Nho sấy tách hạt Nhơn Sơm» hiểu là «Nho sấy tách hạt Nhơn Sơn»" in out
    assert "lo.xlsx:4:A: Sản phẩm: lỗi: không có sản phẩm «Rượu cần Tây Nguyên» trong danh mục" in out
    assert "lo.xlsx:2:A: Sản phẩm: lỗi: không có sản phẩm «Nho sấy Nhơn Sơn» trong danh mục; gần " \
           "giống: nho-say-nhon-son" in out


def test_a_title_or_a_section_row_names_the_product_of_the_rows_below(project, tmp_path, capsys):
    products, config = project
    nameless = [["Mã lô", "NSX"], ["T1", "01/03/2025"], ["T2", "01/04/2025"]]
    assert _run(config, "import", str(_sheet(tmp_path / "lo0.xlsx", nameless))) == 1
    out = capsys.readouterr().out
    assert out.count("không biết lô của sản phẩm nào") == 1 and "(2 dòng: 2, 3)" in out
    titled = [["SỔ THEO DÕI LÔ — NHO SẤY TÁCH HẠT NHƠN SƠN"], [], ["Mã lô", "NSX"],
              ["T1", "01/03/2025"], ["T2", "01/04/2025"]]
    assert _run(config, "import", str(_sheet(tmp_path / "lo.xlsx", titled))) == 0
    assert "sản phẩm cho mọi dòng: nho-say-nhon-son (dòng 1)" in capsys.readouterr().out
    sections = [["STT", "Mã lô", "NSX"], ["I", "Nho sấy tách hạt Nhơn Sơn"], [1, "S1", "01/05/2025"]]
    assert _run(config, "import", str(_sheet(tmp_path / "lo2.xlsx", sections))) == 0
    assert [b["lot"] for b in _batches(products, "nho-say-nhon-son")] == ["T1", "T2", "S1"]


# --- lot codes and rows ---------------------------------------------------------------------------


def test_a_lot_code_that_cannot_be_one_is_refused_with_what_it_would_become(project, tmp_path, capsys):
    products, config = project
    rows = [HEADER,
            ["nho-say-nhon-son", "Lô 12/2025", "01/03/2025", None, None],
            ["nho-say-nhon-son", datetime(2025, 12, 1), "01/03/2025", None, None],
            ["nho-say-nhon-son", "LÔ-SẢN-XUẤT-THÁNG-MƯỜI-HAI", "01/03/2025", None, None],
            ["nho-say-nhon-son", "B1", "01/03/2025", None, None],
            ["nho-say-nhon-son", "b1", "02/03/2025", None, None]]
    assert _run(config, "import", str(_sheet(tmp_path / "lo.xlsx", rows))) == 1
    out = capsys.readouterr().out
    assert "lo.xlsx:2:B: Mã lô: lỗi: mã lô 'Lô 12/2025' không dùng được trong đường dẫn và tem" in out
    assert "có phải: LO-12-2025?" in out
    assert "lo.xlsx:3:B: Mã lô: lỗi: Excel đã đổi mã lô thành ngày 01/12/2025" in out
    assert "lo.xlsx:4:B: Mã lô: lỗi: mã lô 'LÔ-SẢN-XUẤT-THÁNG-MƯỜI-HAI' không dùng được:" in out
    for row in (5, 6):
        assert f"lo.xlsx:{row}:B: lỗi: lô " in out and "ghi ở nhiều dòng (5, 6)" in out
    assert _batches(products, "nho-say-nhon-son") == []


def test_rows_that_are_no_lots_are_passed_over_and_lot_data_without_a_code_is_not(project, tmp_path,
                                                                                  capsys):
    _, config = project
    rows = [["STT", "Sản phẩm", "Mã lô", "NSX", "Thu hoạch"],
            ["Ví dụ", "nho-say-nhon-son", "VD01", "01/01/2025", None],
            [1, "nho-say-nhon-son", None, "01/03/2025", None],
            [2, "nho-say-nhon-son", None, None, "27/02/2025"],
            [None, "Người lập biểu"]]
    assert _run(config, "import", str(_sheet(tmp_path / "lo.xlsx", rows))) == 1
    out = capsys.readouterr().out
    assert "dòng 2: dòng ví dụ «Ví dụ nho-say-nhon-son VD01" in out
    assert "dòng 5: không có mã lô «Người lập biểu»" in out
    assert "lo.xlsx:3:C: Mã lô: lỗi: dòng có ngày hoặc số lượng nhưng không có mã lô" in out
    assert "lo.xlsx:4:C: Mã lô: lỗi: dòng có ngày" in out


# --- dates ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("cell", "day"), [
    ("12/06/2025", date(2025, 6, 12)), ("12-6-25", date(2025, 6, 12)), ("12.06.2025", date(2025, 6, 12)),
    (datetime(2025, 6, 12), date(2025, 6, 12)), ("ngày 08 tháng 12 năm 2023", date(2023, 12, 8)),
    ("12 Jun 2025", date(2025, 6, 12)), ("2025-06-12", date(2025, 6, 12)),
    ("12/06/2025 08:30", date(2025, 6, 12)), ("June 12, 2025", date(2025, 6, 12)),
])
def test_dates_typed_every_way(project, tmp_path, cell, day):
    products, config = project
    rows = [["Mã sản phẩm", "Mã lô", "Ngày sản xuất"], ["nho-say-nhon-son", "D1", cell]]
    assert _run(config, "import", str(_sheet(tmp_path / "lo.xlsx", rows))) == 0
    assert _batches(products, "nho-say-nhon-son")[0]["produced"] == day


@pytest.mark.parametrize(("header", "cell", "day"), [
    ("HSD", "12 tháng", date(2026, 3, 31)), ("Hạn sử dụng", "18 months", date(2026, 9, 30)),
    ("HSD (tháng)", 6, date(2025, 9, 30)), ("Expiry date", "90 ngày", date(2025, 6, 29)),
    ("HSD", "24 tháng kể từ ngày sản xuất", date(2027, 3, 31)), ("Hạn dùng", "1,5 năm", date(2026, 9, 30)),
])
def test_a_shelf_life_gives_the_use_by_date_and_the_review_says_so(project, tmp_path, capsys, header,
                                                                   cell, day):
    products, config = project
    rows = [["Mã sản phẩm", "Mã lô", "NSX", header], ["nho-say-nhon-son", "H1", "31/03/2025", cell]]
    assert _run(config, "import", str(_sheet(tmp_path / "lo.xlsx", rows))) == 0
    assert f"→ {day:%d/%m/%Y}" in capsys.readouterr().out
    assert _batches(products, "nho-say-nhon-son")[0]["expires"] == day


def test_a_date_that_is_none_is_a_problem_at_its_cell(project, tmp_path, capsys):
    _, config = project
    rows = [["Mã sản phẩm", "Mã lô", "NSX", "HSD", "Đóng gói"],
            ["nho-say-nhon-son", "X1", "31/02/2025", "12", "tháng 3"],
            ["nho-say-nhon-son", "X2", "01/03/2025", "01/02/2025", None]]
    assert _run(config, "import", str(_sheet(tmp_path / "lo.xlsx", rows))) == 1
    out = capsys.readouterr().out
    assert "lo.xlsx:2:C: NSX: lỗi: '31/02/2025' không phải ngày" in out
    assert "lo.xlsx:2:E: Đóng gói: lỗi: 'tháng 3' không phải ngày" in out
    assert "lo.xlsx:3:D: Hạn sử dụng: lỗi: hạn dùng 01/02/2025 phải sau ngày sản xuất 01/03/2025" in out


def test_a_problem_ocop_check_finds_in_a_lot_is_named_by_its_column_not_the_record_field(
        project, tmp_path, capsys):
    """They read 'lo.xlsx:2:C: produced: cảnh báo' and 'quantity: lỗi', the record's English
    field names, to an office that only knows its own columns."""
    _, config = project
    rows = [["Mã sản phẩm", "Mã lô", "NSX", "Số lượng"],
            ["nho-say-nhon-son", "X1", "12/06/2099", "100 túi"],
            ["nho-say-nhon-son", "X2", "12/06/2025", "100\u202e túi"]]
    sheet = _sheet(tmp_path / "lo.xlsx", rows)
    assert _run(config, "import", "--dry-run", str(sheet)) == 1
    assert "lo.xlsx:3:D: Số lượng: lỗi: có ký tự ẩn U+202E" in capsys.readouterr().out
    assert _run(config, "import", "--dry-run", str(_sheet(tmp_path / "lo2.xlsx", rows[:2]))) == 0
    assert ("lo2.xlsx:2:C: Ngày sản xuất: cảnh báo: ngày sản xuất 12/06/2099 ở tương lai"
            in capsys.readouterr().out)


# --- updating -------------------------------------------------------------------------------------


def test_an_edited_row_changes_that_lot_only_and_lots_not_in_the_sheet_stay(project, tmp_path, capsys):
    products, config = project
    path = products / "nho-say-nhon-son" / "product.yml"
    path.write_text("# Hồ sơ do văn phòng OCOP giữ\n" + path.read_text(encoding="utf-8") +
                    "batches:\n- lot: CU01  # lô cũ, nhập tay\n  produced: 2024-12-01\n",
                    encoding="utf-8")
    rows = [HEADER + ["Thu hoạch"],
            ["nho-say-nhon-son", "L1", "01/03/2025", "01/03/2026", "100 túi", "27/02/2025"],
            ["nho-say-nhon-son", "L2", "01/04/2025", "01/04/2026", "200 túi", "28/03/2025"]]
    assert _run(config, "import", str(_sheet(tmp_path / "lo.xlsx", rows))) == 0
    rows[2][4], rows[2][5] = "250 túi", "29/03/2025"
    capsys.readouterr()
    assert _run(config, "import", str(_sheet(tmp_path / "lo.xlsx", rows[:1] + rows[2:]))) == 0
    out = capsys.readouterr().out
    assert "- nho-say-nhon-son, lô L2 (dòng 2), thay đổi" in out
    assert "số lượng: 200 túi -> 250 túi" in out and "công đoạn «Thu hoạch» ngày: 28/03/2025 -> " \
                                                     "29/03/2025" in out
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# Hồ sơ do văn phòng OCOP giữ\n") and "# lô cũ, nhập tay" in text
    lots = _batches(products, "nho-say-nhon-son")
    assert [b["lot"] for b in lots] == ["CU01", "L1", "L2"]
    assert lots[1]["quantity"] == "100 túi" and lots[2]["quantity"] == "250 túi"


def test_the_record_keeps_its_spelling_of_a_lot_code(project, tmp_path, capsys):
    products, config = project
    rows = [HEADER, ["nho-say-nhon-son", "AB12", "01/03/2025", None, "10 túi"]]
    assert _run(config, "import", str(_sheet(tmp_path / "lo.xlsx", rows))) == 0
    rows[1][1], rows[1][4] = "ab12", "12 túi"
    assert _run(config, "import", str(_sheet(tmp_path / "lo.xlsx", rows))) == 0
    assert "giữ 'AB12' (tem đã in mang mã này)" in capsys.readouterr().out
    assert [(b["lot"], b["quantity"]) for b in _batches(products, "nho-say-nhon-son")] == [
        ("AB12", "12 túi")]


def test_a_stage_sheet_alone_adds_stages_to_lots_already_imported(project, tmp_path, capsys):
    products, config = project
    rows = [HEADER, ["nho-say-nhon-son", "K1", "05/03/2025", "12 tháng", "10 túi"]]
    assert _run(config, "import", str(_sheet(tmp_path / "lo.xlsx", rows))) == 0
    stages = [["Mã lô", "Công đoạn", "Ngày", "Địa điểm", "GLN", "Người thực hiện"],
              ["K1", "Sấy dẻo", "03/03/2025", "Xưởng sấy", "8936058200012", "Ca 1"],
              ["K1", "Đóng túi", "05/03/2025", None, None, None],
              ["K9", "Đóng túi", "05/03/2025", "Xưởng", None, None]]
    book = Workbook()
    for row in stages:
        book.active.append(row)
    book.save(tmp_path / "cong-doan.xlsx")
    assert _run(config, "import", str(tmp_path / "cong-doan.xlsx"), "--skip-invalid") == 0
    out = capsys.readouterr().out
    assert "cong-doan.xlsx:4:A: Mã lô: lỗi: không có lô K9 trong trang lô hàng hay trong danh mục" in out
    events = _batches(products, "nho-say-nhon-son")[0]["events"]
    assert events == [{"step": "Sấy dẻo", "date": date(2025, 3, 3), "place": "Xưởng sấy",
                       "gln": "8936058200012", "actor": "Ca 1"},
                      {"step": "Đóng túi", "date": date(2025, 3, 5),
                       "place": "Hợp tác xã Nông nghiệp Nhơn Sơn"}]


# --- documents ------------------------------------------------------------------------------------


def test_documents_are_files_next_to_the_sheet_or_https_links_and_are_checked(project, tmp_path,
                                                                            capsys):
    products, config = project
    (tmp_path / "KQ thử nghiệm.pdf").write_bytes(lot_logs.PDF)
    (tmp_path / "anh-lo.jpg").write_bytes(b"\xff\xd8\xff\xe0" + b"\0" * 64)
    (tmp_path / "gia-mao.pdf").write_text("<html>not a pdf</html>", encoding="utf-8")
    rows = [["Mã sản phẩm", "Mã lô", "NSX", "Tài liệu", "Giấy chứng nhận"],
            ["nho-say-nhon-son", "G1", "01/03/2025", "KQ thử nghiệm.pdf\nAnh lo | anh-lo.jpg",
             "https://nhonson.example.vn/vietgap.pdf"],
            ["nho-say-nhon-son", "G2", "01/03/2025", "gia-mao.pdf", "http://nhonson.example.vn/a"],
            ["nho-say-nhon-son", "G3", "01/03/2025", "../../etc/passwd", None],
            ["nho-say-nhon-son", "G4", "01/03/2025", "khong-co.pdf", None]]
    assert _run(config, "import", str(_sheet(tmp_path / "lo.xlsx", rows))) == 1
    out = capsys.readouterr().out
    assert "lo.xlsx:3:D: Tài liệu: lỗi: tệp 'gia-mao.pdf' không phải PDF, JPEG hay PNG" in out
    assert "lo.xlsx:3:E: Giấy chứng nhận: lỗi: 'http://nhonson.example.vn/a' không phải đường dẫn " \
           "https://" in out
    assert "lo.xlsx:4:D: Tài liệu: lỗi: '../../etc/passwd' không phải tên tệp dùng được" in out
    assert "lo.xlsx:5:D: Tài liệu: lỗi: không tìm thấy tệp 'khong-co.pdf' cạnh bảng tính" in out
    assert not (products / "nho-say-nhon-son" / "lo-G1").exists()
    assert _run(config, "import", str(tmp_path / "lo.xlsx"), "--skip-invalid") == 0
    assert _batches(products, "nho-say-nhon-son")[0]["documents"] == [
        {"title": "KQ thử nghiệm", "file": "lo-G1/kq-thu-nghiem.pdf"},
        {"title": "Anh lo", "file": "lo-G1/anh-lo.jpg"},
        {"title": "Giấy chứng nhận", "url": "https://nhonson.example.vn/vietgap.pdf"}]
    assert (products / "nho-say-nhon-son" / "lo-G1" / "kq-thu-nghiem.pdf").read_bytes() == lot_logs.PDF
    assert [b["lot"] for b in _batches(products, "nho-say-nhon-son")] == ["G1"]
    assert _run(config, "check") == 0


# --- the template and the export ------------------------------------------------------------------


def test_the_template_has_the_lot_sheets_and_a_filled_one_imports_products_and_lots(tmp_path, capsys):
    products = tmp_path / "products"
    products.mkdir()
    config = write_mkdocs_config(tmp_path, products)
    template = tmp_path / "mau.xlsx"
    assert _run(config, "import", "--template", str(template)) == 0
    book = load_workbook(template)
    assert book.sheetnames[:3] == ["Sản phẩm OCOP", "Lô hàng", "Công đoạn"]
    lots, stages = book["Lô hàng"], book["Công đoạn"]
    assert [c.value for c in lots[1]][:5] == ["STT", "Mã sản phẩm", "Tên sản phẩm", "Mã lô",
                                              "Ngày sản xuất"]
    assert lots["A2"].value == "Ví dụ" and lots["D2"].value == "B2610"
    assert lots["D3"].number_format == "@"  # a lot code stays text, never a number or a date
    assert [c.value for c in stages[1]][:6] == ["STT", "Mã sản phẩm", "Mã lô", "Công đoạn", "Ngày",
                                                "Địa điểm"]
    def fill(sheet, values: list[object]) -> None:  # as a person types under the header
        for column, value in enumerate(values, start=1):
            sheet.cell(row=3 if sheet is not products_sheet else 2, column=column, value=value)

    products_sheet = book["Sản phẩm OCOP"]
    fill(products_sheet, ["nuoc-mam-ninh-hai", "Nước mắm Ninh Hải", None, "2", "Hộ kinh doanh Lê Văn Tám",
                           "Hộ kinh doanh", "Thôn Mỹ Tân, xã Thanh Hải, huyện Ninh Hải, tỉnh Ninh Thuận",
                           "Khánh Hòa", "Xã Ninh Hải", None, None, None, None, None, None, None, 4, 78,
                           "148", "2210/QĐ-UBND", datetime(2025, 3, 5), "UBND tỉnh Ninh Thuận"])
    fill(lots, [1, "nuoc-mam-ninh-hai", None, "NM2504", datetime(2025, 4, 10), "24 tháng",
                 None, "600 chai"])
    fill(stages, [1, None, "NM2504", "Đóng chai", datetime(2025, 4, 10), "Nhà thùng Mỹ Tân"])
    book.save(template)
    capsys.readouterr()
    assert _run(config, "import", str(template)) == 0
    out = capsys.readouterr().out
    assert "- nuoc-mam-ninh-hai (dòng 2), hồ sơ mới" in out and "lô NM2504" in out
    assert _batches(products, "nuoc-mam-ninh-hai") == [
        {"lot": "NM2504", "produced": date(2025, 4, 10), "expires": date(2027, 4, 10),
         "quantity": "600 chai", "events": [{"step": "Đóng chai", "date": date(2025, 4, 10),
                                             "place": "Nhà thùng Mỹ Tân"}]}]
    assert _run(config, "check") == 0


def test_export_writes_lots_and_an_edited_export_changes_only_the_edit(project, tmp_path, capsys):
    from python_calamine import CalamineWorkbook

    products, config = project
    (tmp_path / "kq.pdf").write_bytes(lot_logs.PDF)
    rows = [HEADER + ["Vùng nguyên liệu", "Mã số vùng trồng", "Tài liệu", "Thu hoạch"],
            ["nho-say-nhon-son", "E1", "01/03/2025", "12 tháng", "100 túi", "Vườn A\nVườn B",
             "-\nVN-58-01", "KQ | kq.pdf", "27/02/2025"],
            ["mat-ong-my-son", "E2", "01/04/2025", "01/04/2026", "50 chai", None, None, None, None]]
    assert _run(config, "import", str(_sheet(tmp_path / "lo.xlsx", rows))) == 0
    before = {p: p.read_bytes() for p in products.rglob("*") if p.is_file()}
    exported = tmp_path / "ra.xlsx"
    assert _run(config, "export", "--out", str(exported)) == 0
    read = CalamineWorkbook.from_path(str(exported))  # another library than the one that wrote it
    lot_sheet = read.get_sheet_by_name("Lô hàng").to_python()
    assert lot_sheet[2][1:5] == ["nho-say-nhon-son", "Nho sấy tách hạt Nhơn Sơn", "E1", date(2025, 3, 1)]
    assert lot_sheet[2][9:13] == ["Vườn A\nVườn B", "-\nVN-58-01", "", "KQ | lo-E1/kq.pdf"]
    assert read.get_sheet_by_name("Công đoạn").to_python()[1][1:6] == [
        "nho-say-nhon-son", "E1", "Thu hoạch", date(2025, 2, 27), "Hợp tác xã Nông nghiệp Nhơn Sơn"]

    capsys.readouterr()
    assert _run(config, "import", str(exported)) == 0  # straight back: nothing changes
    assert "2 lô không đổi (2 sản phẩm)" in capsys.readouterr().out
    assert {p: p.read_bytes() for p in products.rglob("*") if p.is_file()} == before

    book = load_workbook(exported)
    book["Lô hàng"]["H3"] = "120 túi"
    book["Công đoạn"]["E2"] = datetime(2025, 2, 26)
    book.save(exported)
    assert _run(config, "import", str(exported)) == 0
    out = capsys.readouterr().out
    assert "lô E1" in out and "mat-ong-my-son: 1 lô không đổi" in out and "lô E2" not in out
    changed = {p for p in products.rglob("*") if p.is_file() and p.read_bytes() != before.get(p)}
    assert changed == {products / "nho-say-nhon-son" / "product.yml"}
    lot = _batches(products, "nho-say-nhon-son")[0]
    assert lot["quantity"] == "120 túi" and lot["events"][0]["date"] == date(2025, 2, 26)
    assert lot["areas"] == [{"name": "Vườn A"}, {"name": "Vườn B", "code": "VN-58-01"}]


def test_english_headers(project, tmp_path, capsys):
    products, config = project
    rows = [["Product", "Lot number", "Production date", "Best before", "Quantity", "Standards",
             "Harvested"],
            ["nho-say-nhon-son", "EN1", "12/06/2025", "18 months", "300 bags", "VietGAP, HACCP",
             "10/06/2025"]]
    assert _run(config, "import", str(_sheet(tmp_path / "lots.xlsx", rows)), "--lang", "en") == 0
    out = capsys.readouterr().out
    assert "Done: 1 new lots (1 products)." in out
    assert _batches(products, "nho-say-nhon-son") == [{
        "lot": "EN1", "produced": date(2025, 6, 12), "best_before": date(2026, 12, 12),
        "quantity": "300 bags", "standards": ["VietGAP", "HACCP"],
        "events": [{"step": "Harvested", "date": date(2025, 6, 10),
                    "place": "Hợp tác xã Nông nghiệp Nhơn Sơn"}]}]


def test_a_lot_code_yaml_would_read_as_a_boolean_stays_text(project, tmp_path, capsys):
    """ruamel writes YAML 1.2, where ON is text; records are read as YAML 1.1, where it is true.
    A new lot written beside an edited one (through ruamel) keeps its code quoted."""
    products, config = project
    rows = [HEADER, ["nho-say-nhon-son", "A1", "01/03/2025", None, "10 túi"]]
    assert _run(config, "import", str(_sheet(tmp_path / "lo.xlsx", rows))) == 0
    rows[1][4] = "12 túi"
    rows.append(["nho-say-nhon-son", "ON", "02/03/2025", None, "5 túi"])
    rows.append(["nho-say-nhon-son", "NO", "03/03/2025", None, "5 túi"])
    assert _run(config, "import", str(_sheet(tmp_path / "lo.xlsx", rows))) == 0
    assert [b["lot"] for b in _batches(products, "nho-say-nhon-son")] == ["A1", "ON", "NO"]
    assert _run(config, "check") == 0


def test_a_problem_ocop_check_finds_is_put_at_the_cell_it_came_from(project, tmp_path, capsys):
    _, config = project
    rows = [["Mã sản phẩm", "Mã lô", "NSX", "HSD"], ["nho-say-nhon-son", "C1", "01/03/2025", "01/04/2025"]]
    stages = [["Mã lô", "Công đoạn", "Ngày", "Địa điểm", "GLN"],
              ["C1", "Đóng túi", "01/03/2025", "Xưởng", "8936058200011"],
              ["C1", "Giao đại lý", "05/04/2025", "Đại lý Phan Rang", None]]
    assert _run(config, "import", str(_sheet(tmp_path / "lo.xlsx", rows, stages))) == 1
    out = capsys.readouterr().out
    assert "lô C1 («Lô» dòng 2, «Công đoạn» dòng 2-3), có lỗi, không ghi" in out
    assert "lo.xlsx[Công đoạn]:2:E: GLN địa điểm: lỗi: số kiểm tra của GLN sai" in out
    assert "lo.xlsx[Công đoạn]:3:C: Ngày: lỗi: công đoạn ngày 05/04/2025 sau hạn dùng của lô" in out


def test_an_excel_97_2003_log_with_a_hidden_row(project, tmp_path, capsys):
    import xlwt

    products, config = project
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("So lo")
    as_date = xlwt.easyxf(num_format_str="DD/MM/YYYY")
    for column, value in enumerate(["Mã sản phẩm", "Mã lô", "Ngày sản xuất", "Hạn sử dụng"]):
        sheet.write(0, column, value)
    for row, lot in ((1, "X97"), (2, "BO-QUA")):
        sheet.write(row, 0, "nho-say-nhon-son")
        sheet.write(row, 1, lot)
        sheet.write(row, 2, date(2025, 3, row), as_date)
        sheet.write(row, 3, "12 tháng")
    sheet.row(2).hidden = True  # an office hides a row to leave it out
    book.save(str(tmp_path / "so-lo.xls"))
    assert _run(config, "import", str(tmp_path / "so-lo.xls")) == 0
    assert "dòng 3: dòng đang ẩn trong Excel" in capsys.readouterr().out
    assert _batches(products, "nho-say-nhon-son") == [
        {"lot": "X97", "produced": date(2025, 3, 1), "expires": date(2026, 3, 1)}]


def test_a_lot_of_a_product_whose_record_is_broken_says_so_not_no_such_product(project, tmp_path,
                                                                              capsys):
    """A record with a YAML slip is left out of the catalog the lots are matched against: the
    cell once read "không có sản phẩm «mat-ong-lam-son» trong danh mục; gần giống: ..."."""
    products, config = project
    record_file = products / "mat-ong-lam-son" / "product.yml"
    record_file.write_text(record_file.read_text(encoding="utf-8") + "x: [\n", encoding="utf-8")
    rows = [["Mã sản phẩm", "Mã lô", "NSX"], ["mat-ong-lam-son", "L1", "12/06/2025"]]
    assert _run(config, "import", "--dry-run", str(_sheet(tmp_path / "lo.xlsx", rows))) == 1
    out = capsys.readouterr().out
    assert ("lo.xlsx:2:A: Mã sản phẩm: lỗi: hồ sơ products/mat-ong-lam-son/product.yml có lỗi "
            "nên chưa nhận lô được") in out
    assert "không có sản phẩm" not in out


def test_an_escape_sequence_in_a_cell_is_shown_not_sent_to_the_terminal(project, tmp_path,
                                                                        capsys):
    """A cell holding ESC ]52 (write the clipboard) or ESC [2J (clear the screen) acted on the
    terminal of whoever imported the sheet when a message quoted it; now it reads <U+001B>."""
    _, config = project
    rows = [["Mã sản phẩm", "Mã lô", "NSX", "Số lượng"],
            ["nho-say-nhon-son", "X1", "12/06/2025", "100 túi\x1b]52;c;cHduZWQ=\x07"],
            ["nho-say-nhon-son\x1b[2J", "X2", "12/06/2025", "100 túi"]]
    sheet = tmp_path / "lo.csv"  # an .xlsx cannot hold ESC (XML forbids it); a CSV can
    sheet.write_text("\n".join(",".join(row) for row in rows) + "\n", encoding="utf-8")
    assert _run(config, "import", "--dry-run", str(sheet)) == 1
    captured = capsys.readouterr()
    said = captured.out + captured.err
    assert "\x1b" not in said and "\x07" not in said
    assert "không có sản phẩm «nho-say-nhon-son<U+001B>[2J» trong danh mục" in said
