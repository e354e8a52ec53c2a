"""``ocop import`` and ``ocop export``: sheets from OCOP offices become records and back."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import pytest
import yaml
from annexes import cp1258_bytes
from importing import run as _run
from openpyxl import Workbook, load_workbook
from support.records import record, write_record
from support.sites import AS_OF, REPO, SITE_URL, write_mkdocs_config

from site_builder.cli import main
from site_builder.config import SiteConfig
from site_builder.mkdocs.build import build_site
from site_builder.records.validate import load_catalog
from site_builder.sheets.columns import COLUMNS
from site_builder.sheets.tables import parse_date

HEADER = ["STT", "Mã sản phẩm", "Tên sản phẩm", "Bộ sản phẩm", "Chủ thể", "Loại hình chủ thể",
          "Địa chỉ trên giấy chứng nhận", "Tỉnh/thành phố", "Xã/phường", "Điện thoại", "Số sao",
          "Điểm", "Bộ tiêu chí", "Số quyết định", "Ngày quyết định", "Cơ quan công nhận",
          "Câu chuyện sản phẩm", "Shopee"]
ROW = [1, "nuoc-mam-ca-com-ninh-hai", "Nước mắm cá cơm Ninh Hải", "2", "Hộ kinh doanh Lê Văn Tám",
       "Hộ kinh doanh", "Thôn Mỹ Tân, xã Thanh Hải, huyện Ninh Hải, tỉnh Ninh Thuận", "Khánh Hòa",
       "Xã Ninh Hải", 2593873456, 4, "78,5", "148", "2210/QĐ-UBND", "05/03/2025",
       "UBND tỉnh Ninh Thuận", "Cá cơm than ủ chượp 12 tháng trong thùng gỗ bời lời.",
       "Mắm Tám | https://shopee.vn/mamtam"]


@pytest.fixture
def project(tmp_path: Path) -> tuple[Path, Path]:
    """An empty catalog and its mkdocs.yml."""
    products = tmp_path / "products"
    products.mkdir()
    return products, write_mkdocs_config(tmp_path, products)


def _xlsx(path: Path, rows: list[list[object]], title_rows: int = 0) -> Path:
    book = Workbook()
    sheet = book.active
    for _ in range(title_rows):
        sheet.append(["DANH SÁCH SẢN PHẨM OCOP NĂM 2025"])
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def _record_text(products: Path, product_id: str) -> str:
    return (products / product_id / "product.yml").read_text(encoding="utf-8")


def test_an_office_sheet_becomes_a_valid_record(project, tmp_path, capsys):
    products, config = project
    sheet = _xlsx(tmp_path / "ds.xlsx", [HEADER, ROW], title_rows=2)
    assert _run(config, "import", str(sheet)) == 0
    text = _record_text(products, "nuoc-mam-ca-com-ninh-hai")
    assert text.startswith("# yaml-language-server: $schema=../schema.json\n")
    assert "phone: 0259 3873 456" not in text and "phone: '02593873456'" in text  # the lost 0 is back
    assert "score: 78.5" in text and "decision_date: 2025-03-05" in text
    assert "type: household" in text and "product_set: 2" in text
    assert "name: Mắm Tám" in text and "url: https://shopee.vn/mamtam" in text
    assert _run(config, "check") == 0


def test_errors_name_file_row_and_column_and_nothing_is_written(project, tmp_path, capsys):
    products, config = project
    bad_date = list(ROW)
    bad_date[14] = "31/02/2025"
    bad_stars = list(ROW)
    bad_stars[1], bad_stars[10] = "nuoc-mam-ruot-ninh-hai", 2  # below the OCOP bands
    good = list(ROW)
    good[1], good[2] = "nuoc-mam-nhi-ninh-hai", "Nước mắm nhĩ Ninh Hải"
    sheet = _xlsx(tmp_path / "ds.xlsx", [HEADER, bad_date, bad_stars, good])
    assert _run(config, "import", str(sheet)) == 1
    out = capsys.readouterr()
    assert "ds.xlsx:2:O: Ngày quyết định: lỗi: '31/02/2025' không phải ngày" in out.out
    assert "thiếu trường bắt buộc" not in out.out  # the unreadable cell is reported once
    assert "ds.xlsx:3:K: Số sao: lỗi:" in out.out
    assert "không ghi hồ sơ nào" in out.err
    assert list(products.iterdir()) == []
    assert _run(config, "import", str(sheet), "--skip-invalid") == 0
    assert [p.name for p in products.iterdir()] == ["nuoc-mam-nhi-ninh-hai"]


def test_a_missing_required_value_points_at_its_column(project, tmp_path, capsys):
    products, config = project
    row = list(ROW)
    row[11] = row[12] = row[15] = None  # no score (optional), criteria or authority (required)
    sheet = _xlsx(tmp_path / "ds.xlsx", [HEADER, row])
    assert _run(config, "import", str(sheet)) == 1
    out = capsys.readouterr().out
    assert "ds.xlsx:2:P: Cơ quan công nhận: lỗi: thiếu trường bắt buộc" in out
    assert ":L: Điểm" not in out
    row[12], row[15], row[16] = "148", "UBND tỉnh Ninh Thuận", None  # a story is not required
    assert _run(config, "import", str(_xlsx(tmp_path / "ds2.xlsx", [HEADER, row]))) == 0
    assert "- câu chuyện, ảnh, GTIN: nuoc-mam-ca-com-ninh-hai" in capsys.readouterr().out


def test_existing_records_change_only_with_update_and_only_given_fields(project, tmp_path, capsys):
    products, config = project
    path = write_record(products, record())
    path.write_text("# Ghi chú của cán bộ: đã xác minh 3/2024\n" + path.read_text(encoding="utf-8"),
                    encoding="utf-8")
    before = path.read_bytes()
    sheet = _xlsx(tmp_path / "ds.xlsx", [
        ["Mã sản phẩm", "Số sao", "Điểm", "Bộ tiêu chí", "Số quyết định", "Ngày quyết định",
         "Cơ quan công nhận", "Loại đánh giá"],
        ["nho-say-nhon-son", 4, 75, "26", "3001/QĐ-UBND", datetime(2026, 8, 20),
         "UBND tỉnh Khánh Hòa", "Nâng hạng"],
    ])
    assert _run(config, "import", str(sheet), "--dry-run") == 0
    assert "- nho-say-nhon-son (dòng 2), thêm lần công nhận mới" in capsys.readouterr().out
    assert path.read_bytes() == before

    assert _run(config, "import", str(sheet), "--update", "--dry-run") == 0
    out = capsys.readouterr().out
    assert "- nho-say-nhon-son (dòng 2), cập nhật" in out
    assert "certifications[1]: — → 3001/QĐ-UBND" in out
    assert path.read_bytes() == before

    assert _run(config, "import", str(sheet), "--update") == 0
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# Ghi chú của cán bộ: đã xác minh 3/2024\n")  # comments kept
    assert "1120/QĐ-UBND" in text and "3001/QĐ-UBND" in text and "kind: upgrade" in text
    assert "file: anh-1.jpg" in text  # fields the sheet does not have are untouched
    assert _run(config, "check") == 0
    assert _run(config, "import", str(sheet), "--update") == 0
    assert "- nho-say-nhon-son (dòng 2), đã có, không thay đổi" in capsys.readouterr().out


def test_a_hostile_id_writes_nothing_anywhere(project, tmp_path, capsys):
    products, config = project
    row = list(ROW)
    row[1] = "../../etc"
    sheet = _xlsx(tmp_path / "ds.xlsx", [HEADER, row])
    assert _run(config, "import", str(sheet), "--skip-invalid") == 1  # nothing left to write
    assert "ds.xlsx:2:B: Mã sản phẩm: lỗi: mã '../../etc' không hợp lệ" in capsys.readouterr().out
    assert list(products.iterdir()) == [] and not (tmp_path / "etc").exists()


def test_rows_without_an_id_get_one_from_the_name_and_find_it_again(project, tmp_path, capsys):
    products, config = project
    row = list(ROW)
    row[1] = None
    sheet = _xlsx(tmp_path / "ds.xlsx", [HEADER, row])
    assert _run(config, "import", str(sheet)) == 0
    assert [p.name for p in products.iterdir()] == ["nuoc-mam-ca-com-ninh-hai"]
    assert _run(config, "import", str(sheet), "--update") == 0
    assert "- nuoc-mam-ca-com-ninh-hai (dòng 2), đã có, không thay đổi" in capsys.readouterr().out
    assert len(list(products.iterdir())) == 1


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "cp1258"])
def test_csv_in_every_encoding_excel_saves(project, tmp_path, encoding):
    products, config = project
    separator = {"utf-16": "\t", "cp1258": ";"}.get(encoding, ",")
    cells = [str(c) for c in ROW]
    cells[14] = {"utf-8": "5/3/2025", "cp1258": "2025-03-05"}.get(encoding, "05/03/2025")
    lines = [separator.join(HEADER), separator.join(f'"{c}"' for c in cells)]
    text = "\r\n".join(lines) + "\r\n"
    raw = cp1258_bytes(text) if encoding == "cp1258" else text.encode(encoding)
    (tmp_path / "ds.csv").write_bytes(raw)
    assert _run(config, "import", str(tmp_path / "ds.csv")) == 0
    saved = _record_text(products, "nuoc-mam-ca-com-ninh-hai")
    assert "vi: Nước mắm cá cơm Ninh Hải" in saved
    assert "address_on_certificate: Thôn Mỹ Tân, xã Thanh Hải, huyện Ninh Hải, tỉnh Ninh Thuận" in saved
    assert "decision_date: 2025-03-05" in saved


@pytest.mark.parametrize("cell", ["05/03/2026", "5/3/2026", "2026-03-05", "05-03-2026",
                                  date(2026, 3, 5), datetime(2026, 3, 5, 0, 0)])
def test_vietnamese_date_forms(cell):
    assert parse_date(cell) == date(2026, 3, 5)


@pytest.mark.parametrize("cell", ["03/05/26", "2026-02-30", "tháng 3", 45721])
def test_not_dates(cell):
    assert parse_date(cell) is None


def test_template_has_every_column_and_is_never_overwritten(project, tmp_path, capsys):
    _, config = project
    target = tmp_path / "mau.xlsx"
    assert _run(config, "import", "--template", str(target)) == 0
    book = load_workbook(target)
    assert [c.value for c in book.worksheets[0][1]] == [c.vi for c in COLUMNS]
    assert "Bộ sản phẩm" in book.sheetnames and book["Bộ sản phẩm"].max_row == 27
    assert _run(config, "import", "--template", str(target)) == 1
    # No catalog is needed to write the template (an office may start from it).
    elsewhere = tmp_path / "moi" / "mau.xlsx"
    elsewhere.parent.mkdir()
    assert main(["-f", str(tmp_path / "moi" / "mkdocs.yml"), "import", "--template",
                 str(elsewhere)]) == 0
    assert elsewhere.is_file()


def _products_json(site: Path) -> list[dict]:
    return json.loads((site / "du-lieu" / "products.json").read_text(encoding="utf-8"))["products"]


@pytest.mark.parametrize(("form", "lang"), [("xlsx", "vi"), ("csv", "vi"), ("csv", "en")])
def test_export_then_import_into_an_empty_folder_gives_the_same_catalog(sample_site, tmp_path, form,
                                                                        lang):
    exported = tmp_path / f"ocop.{form}"
    (tmp_path / "sample").mkdir()
    sample_config = write_mkdocs_config(tmp_path / "sample", REPO / "products")
    assert _run(sample_config, "export", "--format", form, "--out", str(exported), "--lang", lang) == 0

    products = tmp_path / "moi" / "products"
    products.mkdir(parents=True)
    config = write_mkdocs_config(tmp_path / "moi", products, SITE_URL, sample_data=True)
    # The workbook carries the lots too; a lot's test report stays behind in the sample's folder.
    assert _run(config, "import", str(exported), "--skip-invalid") == 0
    assert _run(config, "export", "--format", form, "--out", str(tmp_path / f"again.{form}"),
                "--lang", lang) == 0
    if form == "csv":  # a second trip changes nothing
        assert (tmp_path / "again.csv").read_bytes() == exported.read_bytes()

    site = build_site(config, as_of=AS_OF).site_dir
    assert _products_json(site) == _products_json(sample_site)
    original, _ = load_catalog(SiteConfig(REPO / "products"), traceability_notes=False)
    imported, _ = load_catalog(SiteConfig(products), traceability_notes=False)
    for before, after in zip(original.products, imported.products, strict=True):
        assert (before.id, before.story, before.name, before.standards, before.shelf_life) == (
            after.id, after.story, after.name, after.standards, after.shelf_life)


def test_an_unreadable_existing_record_is_reported_and_left_alone(project, tmp_path, capsys):
    products, config = project
    path = write_record(products, record(), text="id: nho-say-nhon-son\nname: [unclosed\n")
    before = path.read_bytes()
    sheet = _xlsx(tmp_path / "ds.xlsx", [["Mã sản phẩm", "Số sao", "Tên sản phẩm"],
                                         ["nho-say-nhon-son", 4, "Nho sấy"]])
    assert _run(config, "import", str(sheet), "--update") == 1
    assert "ds.xlsx:2: lỗi: hồ sơ hiện có" in capsys.readouterr().out
    assert path.read_bytes() == before


def test_export_never_replaces_a_sheet_unless_asked(project, tmp_path, capsys):
    products, config = project
    write_record(products, record())
    target = tmp_path / "ocop.xlsx"
    target.write_bytes(b"an edited sheet")
    assert _run(config, "export", "--out", str(target)) == 1
    assert "không ghi đè" in capsys.readouterr().err
    assert target.read_bytes() == b"an edited sheet"
    assert _run(config, "export", "--out", str(target), "--force") == 0
    assert load_workbook(target).worksheets[0]["A2"].value == "nho-say-nhon-son"


@pytest.mark.parametrize("form", ["xlsx", "csv"])
def test_text_that_looks_like_a_formula_stays_text_and_comes_back(project, tmp_path, form):
    """A producer's story or shop name beginning with '=' must not run as a spreadsheet formula
    in the exported sheet, and must come back unchanged."""
    products, config = project
    hostile = '=HYPERLINK("https://lua-dao.example/","Bấm vào đây")'
    data = record()
    data["story"] = {"vi": hostile}
    data["producer"]["phone"] = "+84 259 3854 112"
    write_record(products, data)
    exported = tmp_path / f"ra.{form}"
    assert _run(config, "export", "--format", form, "--out", str(exported)) == 0
    if form == "xlsx":
        cell = next(c for c in load_workbook(exported).worksheets[0][2] if c.value == hostile)
        assert cell.data_type == "s"
    else:
        text = exported.read_text(encoding="utf-8-sig")
        assert "'=HYPERLINK" in text and "'+84 259 3854 112" in text
    again = tmp_path / "lai" / "products"
    again.mkdir(parents=True)
    second = write_mkdocs_config(tmp_path / "lai", again)
    assert _run(second, "import", str(exported)) == 0
    saved = yaml.safe_load(_record_text(again, "nho-say-nhon-son"))
    assert saved["story"]["vi"] == hostile  # the spreadsheet's apostrophe is not kept
    assert saved["producer"]["phone"] == "+84 259 3854 112"


def test_an_excel_97_2003_workbook_is_read_with_its_date_cells(project, tmp_path):
    """Many offices still save .xls; xlwt writes one as Excel 2003 would, date cells included."""
    import xlwt

    products, config = project
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("Danh sách")
    sheet.write(0, 0, "DANH SÁCH SẢN PHẨM OCOP NĂM 2025")
    as_date = xlwt.easyxf(num_format_str="DD/MM/YYYY")
    for column, value in enumerate(HEADER):
        sheet.write(2, column, value)
    for column, value in enumerate(ROW):
        if column == 14:
            sheet.write(3, column, date(2025, 3, 5), as_date)
        else:
            sheet.write(3, column, value)
    book.save(str(tmp_path / "ds.xls"))
    assert _run(config, "import", str(tmp_path / "ds.xls")) == 0
    text = _record_text(products, "nuoc-mam-ca-com-ninh-hai")
    assert "decision_date: 2025-03-05" in text and "stars: 4" in text
    assert "phone: '02593873456'" in text and "vi: Nước mắm cá cơm Ninh Hải" in text
