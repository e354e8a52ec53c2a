"""``ocop import FOLDER`` end to end: a folder of phone photos and papers (phone_photos.py) goes
into the sample catalog, and from there to a built site, with no YAML typed."""

from __future__ import annotations

import hashlib
import io
import shutil
from pathlib import Path

import pytest
import yaml
from phone_photos import EXPECTED, REFUSED, jpeg_bytes, picture, upright, write_folder
from PIL import Image
from support.records import published_document, record, write_record
from support.sites import AS_OF, REPO, SITE_URL, write_mkdocs_config

from site_builder.actions.uploads import run_uploads
from site_builder.cli import main
from site_builder.config import SiteConfig
from site_builder.media_import.plan import apply_folder, plan_folder, staging_area
from site_builder.mkdocs.build import build_site, load_site_config


@pytest.fixture(scope="module")
def phone_folder(tmp_path_factory) -> Path:
    return write_folder(tmp_path_factory.mktemp("zalo") / "anh-gui-ve")


@pytest.fixture
def catalog(tmp_path) -> tuple[Path, Path]:
    """A copy of the sample catalog and its mkdocs.yml."""
    root = tmp_path / "catalog"
    shutil.copytree(REPO / "products", root / "products")
    return root / "products", write_mkdocs_config(root, root / "products", SITE_URL,
                                                  sample_data=True)


def tree(folder: Path, leave_out: tuple[str, ...] = ()) -> dict[str, str]:
    """Every file under ``folder`` (but the top-level entries named) and its SHA-256."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*"))
            if p.is_file() and p.relative_to(folder).parts[0] not in leave_out}


def _run(config: Path, *args: str) -> int:
    return main(["-f", str(config), *args])


def _record(products: Path, product_id: str) -> dict:
    return yaml.safe_load((products / product_id / "product.yml").read_text(encoding="utf-8"))


def test_the_dry_run_says_what_matched_what_and_why_and_writes_nothing(catalog, phone_folder,
                                                                      capsys):
    products, config = catalog
    before, source = tree(config.parent, (".cache",)), tree(phone_folder)
    assert _run(config, "import", str(phone_folder), "--dry-run") == 1  # three files are refused
    out = capsys.readouterr().out
    assert tree(config.parent, (".cache",)) == before and tree(phone_folder) == source
    assert "+ buoi-tan-trieu «Bưởi Tân Triều»: thêm 1 ảnh, 1 tài liệu lô" in out
    assert "← Bưởi Tân Triều.heic (theo tên sản phẩm; HEIC → JPEG" in out
    assert ("lô B2610: «Phiếu kết quả thử nghiệm lô B2610» lo-B2610/" in out
            and "← KQ B2610.pdf (theo mã lô B2610 trong tên)" in out)
    assert ("← Bưởi Lâm Sơn/IMG_20261103_101522.jpg (theo mã sản phẩm của thư mục «Bưởi Lâm "
            "Sơn»; bỏ vị trí GPS và thông tin máy ảnh, xoay đứng theo EXIF)") in out
    assert "← 8936058120037_1.png (theo GTIN" in out
    assert "thu nhỏ 4032×3024 → 2016×1512" in out and "MPO → JPEG (ảnh đầu)" in out
    lines = {line.split(": ", 1)[0]: line for line in out.splitlines() if ": lỗi: " in line}
    assert set(lines) == {f"{phone_folder}/{name}" for name in REFUSED}  # one line per bad file
    assert "ảnh bị cắt cụt" in lines[f"{phone_folder}/buoi-tan-trieu (1).jpg"]
    assert "tên do điện thoại hoặc ứng dụng đặt" in lines[f"{phone_folder}/IMG_20261104_083010.jpg"]
    asked = lines[f"{phone_folder}/Mật ong.jpg"]
    assert "CẦN HỎI" in asked and "mat-ong-phu-ly" in asked and "mat-ong-tan-binh" in asked
    assert f"{phone_folder}/ghi chu.txt: cảnh báo: không phải ảnh" in out
    assert ("Chạy thử, không ghi gì: sẽ thêm 5 ảnh, 2 tài liệu lô cho 5 sản phẩm; 0 tệp đã có; "
            "3 tệp không nhập (1 câu hỏi); 1 tệp không phải ảnh hay PDF.") in out


def test_the_review_in_english(catalog, phone_folder, capsys):
    _, config = catalog
    _run(config, "import", str(phone_folder), "--dry-run", "--lang", "en")
    out = capsys.readouterr().out
    assert "+ buoi-tan-trieu «Bưởi Tân Triều»: adds 1 photo, 1 lot document" in out
    assert "(by lot code B2610 in the name)" in out and "QUESTION: the name matches" in out
    assert "Dry run, nothing written. Photos to add: 5; lot documents to add: 2; products: 5" in out


def test_a_folder_with_bad_files_writes_nothing_unless_told_to_skip_them(catalog, phone_folder,
                                                                        capsys):
    products, config = catalog
    before = tree(products)
    assert _run(config, "import", str(phone_folder)) == 1
    assert "3 tệp không nhập được: không ghi gì" in capsys.readouterr().err
    assert tree(products) == before


def test_from_phone_photos_to_a_built_site(catalog, phone_folder, tmp_path, capsys):
    products, config = catalog
    source, records_before = tree(phone_folder), tree(products)
    assert _run(config, "import", str(phone_folder), "--skip-invalid") == 0
    # nothing outside products/ (but the record cache every command keeps) ...
    assert {p for p in tree(config.parent) if not p.startswith(("products/", ".cache/"))} == {
        "mkdocs.yml"}
    assert tree(phone_folder) == source  # ... and the folder is only read
    added = set(tree(products)) - set(records_before)
    assert len(added) == len(EXPECTED) and not any("import" in p for p in added)

    for product_id, lot in EXPECTED.values():
        data = _record(products, product_id)
        if lot is None:
            photo = data["photos"][-1]
            assert photo["file"].startswith("anh-") and (products / product_id / photo["file"]
                                                        ).is_file()
            assert photo["alt"]["vi"] == data["name"]["vi"]
            assert photo["alt"]["en"] == data["name"]["en"]
        else:
            batch = next(b for b in data["batches"] if b["lot"] == lot)
            assert batch["documents"][-1]["file"].startswith(f"lo-{lot}/")
    text = (products / "buoi-tan-trieu" / "product.yml").read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../schema.json\n"
                           "# Dữ liệu mẫu minh họa, không phải hồ sơ chính thức.\n")
    assert list(_record(products, "buoi-tan-trieu"))[-1] == "to_confirm"
    assert _record(products, "buoi-tan-trieu")["to_confirm"] == {
        "batches[0].documents[2].title": "suy ra từ tên tệp «KQ B2610.pdf»"}
    assert _record(products, "nho-say-nhon-son")["batches"][0]["documents"][-1]["title"] == (
        "Phiếu kiểm nghiệm NS-2610")  # typed with diacritics: the producer's own words
    capsys.readouterr()
    assert _run(config, "check") == 0

    imported = tree(products)
    assert _run(config, "import", str(phone_folder), "--skip-invalid") == 0
    assert tree(products) == imported  # importing the folder again changes nothing
    assert "thêm 0 ảnh, 0 tài liệu lô cho 0 sản phẩm; 7 tệp đã có" in capsys.readouterr().out

    site = build_site(config, as_of=AS_OF).site_dir
    for name, (product_id, lot) in EXPECTED.items():
        data = _record(products, product_id)
        if lot is None:
            stem = Path(data["photos"][-1]["file"]).stem
            page = (site / "san-pham" / product_id / "index.html").read_text(encoding="utf-8")
            assert f"{stem}-480.webp" in page, name
            with Image.open(site / "san-pham" / product_id / f"{stem}-480.webp") as shown:
                assert shown.width > shown.height or product_id == "hat-dieu-rang-muoi"
                assert upright(shown), name  # as seen: red above, blue below
        else:
            documents = next(b for b in data["batches"] if b["lot"] == lot)["documents"]
            document = documents[-1]
            published = site / "tai-lieu" / product_id / lot / published_document(documents)
            assert published.is_file()
            lot_page = _lot_page(site, data, lot).read_text(encoding="utf-8")
            assert document["title"] in lot_page and published.name in lot_page
    stamps = tmp_path / "stamps"
    for product_id, lot in (("buoi-tan-trieu", "B2610"), ("nho-say-nhon-son", "NS-2610")):
        assert _run(config, "stamps", product_id, "--lot", lot, "--out", str(stamps)) == 0
        assert list(stamps.glob(f"{product_id}/{product_id}-{lot}-*mm.svg")), lot


def _lot_page(site: Path, data: dict, lot: str) -> Path:
    if data.get("gtin"):
        return site / "01" / data["gtin"].zfill(14) / "10" / lot / "index.html"
    return site / "p" / data["id"] / lot / "index.html"


def test_a_record_without_photos_gets_them_in_the_schemas_place_with_its_comments(tmp_path):
    products = tmp_path / "products"
    data = record(id="tao-xanh-my-son", name={"vi": "Táo xanh Mỹ Sơn"})
    del data["photos"]
    path = write_record(products, data, photo=False)
    text = path.read_text(encoding="utf-8").replace(
        "certifications:", "# Hồ sơ do văn phòng OCOP nhập tay\ncertifications:")
    path.write_text(text.replace("story:", "gtin: '8936058120112'\nstory:"), encoding="utf-8")
    folder = tmp_path / "anh"
    folder.mkdir()
    (folder / "Táo xanh Mỹ Sơn.jpg").write_bytes(jpeg_bytes(picture(640, 480, 1)))
    config = write_mkdocs_config(tmp_path, products)
    assert _run(config, "import", str(folder)) == 0
    written = path.read_text(encoding="utf-8")
    assert "# Hồ sơ do văn phòng OCOP nhập tay\ncertifications:" in written
    keys = list(yaml.safe_load(written))
    assert keys.index("photos") == keys.index("certifications") + 1  # after them, as in the schema
    assert yaml.safe_load(written)["photos"][0]["alt"] == {"vi": "Táo xanh Mỹ Sơn"}
    assert _run(config, "check") == 0


def test_a_record_edited_during_the_import_is_left_as_it_is(catalog, phone_folder):
    products, config = catalog
    site = load_site_config(config)
    before = tree(products / "buoi-tan-trieu")
    with staging_area(site, dry_run=False) as staging:
        plan = plan_folder(phone_folder, site, staging)
        record_path = products / "buoi-tan-trieu" / "product.yml"
        edited = record_path.read_text(encoding="utf-8") + "# sửa tay lúc đang nhập\n"
        record_path.write_text(edited, encoding="utf-8")
        written, left = apply_folder(plan, site)
    assert "buoi-tan-trieu" in left[0].vi and "buoi-tan-trieu" not in [c.product.id for c in written]
    assert record_path.read_text(encoding="utf-8") == edited
    assert set(tree(products / "buoi-tan-trieu")) == set(before)  # no file of it moved in
    assert not list(products.glob(".ocop-import-*"))  # the staging folder is gone


@pytest.mark.parametrize("option", [["--decision", "1234/QĐ-UBND"], ["--sheet", "1"], ["--stars", "4"],
                                    ["--province", "Khánh Hòa"]])
def test_options_for_sheets_are_refused_for_a_folder(catalog, phone_folder, option, capsys):
    _, config = catalog
    assert _run(config, "import", str(phone_folder), *option) == 2
    assert "chỉ dùng cho bảng tính" in capsys.readouterr().err


def test_the_catalogs_own_folder_is_not_imported(catalog, capsys):
    products, config = catalog
    assert _run(config, "import", str(products / "buoi-tan-trieu")) == 1
    assert "thư mục hồ sơ" in capsys.readouterr().err


def test_hostile_files_each_get_one_message_and_never_a_traceback(catalog, tmp_path, capsys):
    products, config = catalog
    folder = tmp_path / "hostile"
    folder.mkdir()
    (folder / "buoi-tan-trieu.jpg").symlink_to(REPO / "products" / "buoi-tan-trieu" / "anh-1.jpg")
    (folder / "mat-ong-tan-binh.jpg").write_bytes(b"<html><script>alert(1)</script></html>")
    (folder / "nho-say-nhon-son\x07.jpg").write_bytes(jpeg_bytes(picture(64, 48, 1)))
    bomb = io.BytesIO()
    Image.new("1", (10_000, 10_000)).save(bomb, "PNG")  # 100 MP in a few kB
    (folder / "hat-dieu-rang-muoi.png").write_bytes(bomb.getvalue())
    with (folder / "buoi-lam-son.jpg").open("wb") as huge:
        huge.truncate(80_000_000)
    before = tree(products)
    assert _run(config, "import", str(folder), "--skip-invalid") == 0
    out = capsys.readouterr().out
    problems = [line for line in out.splitlines() if ": lỗi: " in line]
    assert len(problems) == 5, out
    assert tree(products) == before
    assert "Traceback" not in out


def test_a_folder_named_like_a_spreadsheet_is_refused_not_read_as_photos(catalog, tmp_path,
                                                                         capsys):
    """An unpacked workbook (its xl/ and [Content_Types].xml) in a folder named ds.xlsx: the
    office meant the list, and importing it as photos would bring nothing and say so quietly."""
    products, config = catalog
    folder = tmp_path / "ds-ocop-2026.xlsx"
    (folder / "xl").mkdir(parents=True)
    (folder / "[Content_Types].xml").write_text("<Types/>", encoding="utf-8")
    before = tree(products)
    assert _run(config, "import", str(folder)) == 1
    err = capsys.readouterr().err
    assert f"{folder}: là một thư mục chứ không phải tệp bảng tính .xlsx" in err
    assert "is a folder, not a .xlsx spreadsheet file" in err
    assert tree(products) == before


def test_the_staging_folder_is_removed_when_an_import_stops_midway(tmp_path):
    """The staging folder inside products/ is removed even when the import fails midway."""
    products = tmp_path / "products"
    write_record(products, record())
    site = SiteConfig(products_dir=products, site_url=SITE_URL, as_of=AS_OF)
    with pytest.raises(RuntimeError), staging_area(site, dry_run=False) as staging:
        assert staging.parent == products
        raise RuntimeError("interrupted")
    assert not list(products.glob(".ocop-import-*"))


def test_a_catalog_without_its_records_folder_is_named(tmp_path, phone_folder, capsys):
    config = write_mkdocs_config(tmp_path, tmp_path / "products")
    assert _run(config, "import", str(phone_folder), "--dry-run") == 1
    assert "không có thư mục hồ sơ" in capsys.readouterr().err


def test_an_uploaded_folder_of_photos_goes_through_the_import_workflow(catalog, tmp_path):
    """The workflow (actions/uploads.py) imports what was uploaded into imports/ through the
    folder import: every good file is imported and moved to imports/done/, keeping its folder;
    a bad file stays, with its message, for the office to correct."""
    products, config = catalog
    imports = config.parent / "imports"
    good, bad = imports / "anh-lo-moi", imports / "anh-co-loi"
    good.mkdir(parents=True)
    (good / "Bưởi Tân Triều (2).jpg").write_bytes(jpeg_bytes(picture(800, 600, 1)))
    (good / "tra-kho-qua-nui-cam.jpg").write_bytes(jpeg_bytes(picture(800, 600, 2)))
    bad.mkdir()
    (bad / "IMG_0001.jpg").write_bytes(jpeg_bytes(picture(800, 600, 3)))
    run = run_uploads(imports, config, tmp_path / "todo", AS_OF, config.parent, update=True)
    assert run.folder is not None and not run.sheets
    assert [line.split(": ")[0] for line in run.folder.failed] == ["imports/anh-co-loi/IMG_0001.jpg"]
    assert "tên do điện thoại" in run.folder.failed[0]
    assert (bad / "IMG_0001.jpg").is_file() and not good.exists()
    done = imports / "done" / AS_OF.isoformat() / "anh-lo-moi"
    assert sorted(p.name for p in done.iterdir()) == ["Bưởi Tân Triều (2).jpg",
                                                     "tra-kho-qua-nui-cam.jpg"]
    assert len(_record(products, "buoi-tan-trieu")["photos"]) == 2
    assert len(_record(products, "tra-kho-qua-nui-cam")["photos"]) == 2
