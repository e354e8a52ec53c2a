"""Which product and lot a file's name (and its folder) gives: as producers and phones name files."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from support.records import product_with

from site_builder.domain.model import Batch, Certification, Text
from site_builder.media_import.names import CatalogIndex, document_title, is_camera_name
from site_builder.media_import.source import SourceFile


def _cert(code: str | None = None) -> Certification:
    return Certification(4, 75, "148", "2210/QĐ-UBND", date(2024, 10, 10), "UBND tỉnh Tây Ninh",
                         date(2027, 10, 10), "first", ocop_code=code)


def _lot(code: str) -> Batch:
    return Batch(code, date(2026, 10, 12))


@pytest.fixture(scope="module")
def index() -> CatalogIndex:
    return CatalogIndex([
        product_with(_cert(), id="mat-ong-tan-binh",
                     name=Text("Mật ong hoa cao su Tân Bình", "Tan Binh rubber-flower honey"),
                     batches=(_lot("MO2611"),)),
        product_with(_cert(), id="mat-ong-phu-ly", name=Text("Mật ong rừng Phú Lý")),
        product_with(_cert("75-26188-01-2024"), id="buoi-tan-trieu", name=Text("Bưởi Tân Triều"),
                     gtin="8936058120082", batches=(_lot("B2610"), _lot("B2608"))),
        product_with(_cert(), id="buoi-tan-trieu-2", name=Text("Bưởi Tân Triều"),
                     batches=(_lot("L2611"),)),
        product_with(_cert(), id="banh-trang-trang-bang", name=Text("Bánh tráng Trảng Bàng"),
                     gtin="08936058120051", batches=(_lot("L2611"),)),
        product_with(_cert(), id="ruou-sam-ngoc-cau", name=Text("Rượu sâm ngọc cầu Ma Nới")),
    ], unreadable={"tra-kho-qua-nui-cam"})


def _file(shown: str, top: str = "anh-gui-ve") -> SourceFile:
    parts = shown.split("/")
    return SourceFile(Path("/nowhere", *parts), shown, tuple(reversed([top, *parts[:-1]])), 1000)


def _where(index: CatalogIndex, shown: str) -> tuple[str | None, str | None, str | None]:
    placed = index.place(_file(shown))
    return placed.product_id, placed.lot, placed.problem


@pytest.mark.parametrize("name", [
    "mat-ong-tan-binh.jpg",  # the id
    "Mật ong Tân Bình (2).jpg",  # the id's words with diacritics and a phone's " (2)"
    "MAT ONG TAN BINH_1.heic",  # upper case and "_1"
    "mat-ong-tan-binh - Copy.JPG", "mat-ong-tan-binh - Bản sao (3).png",
    "Mật ong hoa cao su Tân Bình.webp",  # the whole name
    "mat ong hoa cao su tan binh hu 500ml.jpg",  # the name and more words
    "Tan Binh rubber-flower honey.jpg",  # the English name
    "Mật ong hoa cao su.jpg",  # the start of one product's name
])
def test_names_people_give_a_photo_find_their_product(index, name):
    assert _where(index, name) == ("mat-ong-tan-binh", None, None)


@pytest.mark.parametrize("name, how", [
    ("8936058120082.jpg", "how_gtin"), ("08936058120082 (1).jpg", "how_gtin"),
    ("75-26188-01-2024.png", "how_ocop_code"), ("buoi-tan-trieu.jpg", "how_id"),
])
def test_gtin_with_or_without_its_zero_and_the_ocop_code(index, name, how):
    placed = index.place(_file(name))
    assert placed.product_id == "buoi-tan-trieu" and placed.problem is None
    assert index.find(name.rsplit(".", 1)[0]).how == how
    # GTIN-8/12/13 keys are stored without zeros: a record's leading zero does not matter
    assert _where(index, "8936058120051.jpg")[0] == "banh-trang-trang-bang"


def test_the_longest_name_wins_and_the_same_name_twice_is_a_question(index):
    assert _where(index, "buoi-tan-trieu-2.jpg")[0] == "buoi-tan-trieu-2"  # its own id
    # an id as written is unique, though another product's name reads the same
    assert _where(index, "buoi-tan-trieu (3).jpg")[0] == "buoi-tan-trieu"
    assert _where(index, "buoi-tan-trieu-hop-qua.jpg")[0] == "buoi-tan-trieu"
    assert _where(index, "ruou-sam-ngoc-cau-chai-500ml.jpg")[0] == "ruou-sam-ngoc-cau"
    placed = index.place(_file("Bưởi Tân Triều.jpg"))  # two products share this name
    assert placed.problem == "ask_products"
    assert "buoi-tan-trieu «Bưởi Tân Triều»" in str(placed.values["candidates"])
    assert "buoi-tan-trieu-2 «Bưởi Tân Triều»" in str(placed.values["candidates"])


def test_the_start_of_two_products_names_is_a_question_never_a_guess(index):
    placed = index.place(_file("Mật ong.jpg"))
    assert placed.product_id is None and placed.problem == "ask_products"
    assert "mat-ong-phu-ly" in str(placed.values["candidates"])
    assert "mat-ong-tan-binh" in str(placed.values["candidates"])
    placed = index.place(_file("Mật.jpg"))  # one word names nothing; the names holding it
    assert placed.product_id is None and placed.problem == "unmatched_close"
    assert "mat-ong-phu-ly" in str(placed.values["close"])


@pytest.mark.parametrize("name", [
    "IMG_20261103_101522.jpg", "IMG20261103101522.jpg", "DSC0001.JPG", "DSC_0001.JPG",
    "P1010001.JPG", "PXL_20261103_101522123.jpg", "photo.jpg", "image (3).png", "SAM_0001.JPG",
    "z5123456789012_4f3b2a1c0d9e8f7a6b5c4d3e2f1a0b9c.jpg", "received_1234567890123456.jpeg",
    "FB_IMG_1699999999999.jpg", "WhatsApp Image 2026-11-03 at 10.15.22.jpeg",
    "Screenshot_2026-11-03-10-15-22-123_com.zing.zalo.jpg", "Ảnh chụp màn hình 2026-11-03.png",
    "20261103_101522.heic", "Ảnh chụp Màn hình 2026-11-03 lúc 10.15.22.png",
    "Bản sao của IMG_0042.jpg", "sam1103.jpg",
])
def test_names_phones_and_apps_make_up_name_nothing(index, name):
    assert is_camera_name(name.rsplit(".", 1)[0])
    placed = index.place(_file(name))
    assert placed.problem == "camera_name" and placed.product_id is None
    assert placed.values["example"]  # the message shows how to name it


@pytest.mark.parametrize("name", [
    "Sâm 2.jpg", "Mận 3.jpg", "Sữa.jpg", "Bàn 1.png", "Mới 2.jpg", "Ảnh.jpg", "Cơm 2.jpg",
    "Sua chua moi.jpg", "Man Tam Hoa (2).jpg",
])
def test_everyday_words_without_their_marks_are_no_phones_name(index, name):
    """Vietnamese typed without marks reads like a phone's words ("sam" is SAM_0001's, "man"
    màn hình's): without a phone's run of digits, it is a product not in the catalog."""
    assert not is_camera_name(name.rsplit(".", 1)[0])
    placed = index.place(_file(name))
    assert placed.product_id is None and placed.problem in ("unmatched", "unmatched_close")


def test_a_product_not_in_the_catalog_is_said_so_with_the_closest_names(index):
    placed = index.place(_file("Sâm 2.jpg"))
    assert placed.problem == "unmatched_close"
    assert "ruou-sam-ngoc-cau «Rượu sâm ngọc cầu Ma Nới»" in str(placed.values["close"])
    assert _where(index, "Mận 3.jpg")[2] == "unmatched"


def test_a_folder_named_after_the_product_places_the_photos_in_it(index):
    assert _where(index, "Mật ong Tân Bình/IMG_0001.jpg") == ("mat-ong-tan-binh", None, None)
    assert _where(index, "Sản phẩm/Bưởi Tân Triều 2/DSC0002.JPG")[0] == "buoi-tan-trieu-2"
    # the folder settles a name two products share
    assert _where(index, "buoi-tan-trieu-2/Bưởi Tân Triều.jpg")[0] == "buoi-tan-trieu-2"
    # a name and a folder that say different products: asked
    assert _where(index, "Mật ong Phú Lý/mat-ong-tan-binh.jpg")[2] == "ask_name_and_folder"
    # the folder given on the command line counts too
    placed = CatalogIndex(index_products(index)).place(_file("IMG_1.jpg", top="mat-ong-phu-ly"))
    assert placed.product_id == "mat-ong-phu-ly"


def index_products(index: CatalogIndex) -> list:
    return [product_with(_cert(), id=i, name=Text(n)) for i, n in index.names.items()
            if i != "tra-kho-qua-nui-cam"]


@pytest.mark.parametrize("name, lot", [
    ("phieu-kiem-nghiem-B2610.pdf", "B2610"), ("KQ B2610.jpg", "B2610"),
    ("B2610 ket qua.pdf", "B2610"), ("b2608_kq (2).pdf", "B2608"),
    ("Bưởi Tân Triều/ket-qua.pdf", None),
])
def test_a_lot_code_in_the_name_attaches_the_file_to_that_lot(index, name, lot):
    placed = index.place(_file(name))
    if lot is None:  # a product named but no lot: a PDF goes with a lot
        assert placed.problem in ("ask_products", "document_without_lot")
        return
    assert (placed.product_id, placed.lot, placed.problem) == ("buoi-tan-trieu", lot, None)


def test_a_lot_code_two_products_share_is_asked_or_settled_by_the_product_named(index):
    placed = index.place(_file("KQ L2611.pdf"))
    assert placed.problem == "ask_lot_shared" and placed.values["lot"] == "L2611"
    assert "banh-trang-trang-bang" in str(placed.values["candidates"])
    assert _where(index, "banh-trang-trang-bang KQ L2611.pdf") == (
        "banh-trang-trang-bang", "L2611", None)
    assert _where(index, "8936058120051 L2611.pdf")[:2] == ("banh-trang-trang-bang", "L2611")
    assert _where(index, "Bưởi Tân Triều 2/L2611.pdf")[:2] == ("buoi-tan-trieu-2", "L2611")
    # a lot code of another product than the one named
    assert _where(index, "mat-ong-tan-binh B2610.pdf")[2] == "ask_lot_elsewhere"
    assert _where(index, "KQ B2610 B2608.pdf")[2] == "ask_lots"


def test_a_pdf_without_a_lot_code_says_which_lots_the_product_has(index):
    placed = index.place(_file("buoi-tan-trieu.pdf"))
    assert placed.problem == "document_without_lot" and placed.values["lots"] == "B2610, B2608"
    assert _where(index, "mat-ong-phu-ly.pdf")[2] == "document_no_lots"


def test_near_misses_are_suggested_never_applied(index):
    placed = index.place(_file("mat-ong-tan-bin.jpg"))
    assert placed.product_id is None and placed.problem == "unmatched_close"
    assert "mat-ong-tan-binh" in str(placed.values["close"])
    placed = index.place(_file("KQ B2601.pdf"))  # a lot code one digit off
    assert placed.product_id is None and "B2610" in str(placed.values.get("close", ""))
    assert _where(index, "xyz.jpg")[2] == "unmatched"


def test_small_numbers_and_other_words_are_not_lot_codes(index):
    tiny = CatalogIndex([product_with(_cert(), id="gao-tam", name=Text("Gạo tám"),
                                      batches=(_lot("2"), _lot("12"), _lot("610")))])
    assert tiny.lots_in("gao-tam (2)") == [] and tiny.lots_in("gao-tam_12") == []
    assert tiny.lots_in("gao-tam 610") == []  # three digits alone: too common to be a lot
    assert index.lots_in("IMG_B26100") == []  # part of a longer word


def test_a_record_with_errors_is_named_not_matched(index):
    placed = index.place(_file("tra-kho-qua-nui-cam.jpg"))
    assert placed.problem == "record_has_errors" and placed.values["id"] == "tra-kho-qua-nui-cam"


def test_a_documents_title_from_its_name():
    assert document_title("KQ B2610.jpg", "B2610") == ("Phiếu kết quả thử nghiệm lô B2610", True)
    assert document_title("phieu-kiem-nghiem-B2610.pdf", "B2610") == (
        "Phiếu kết quả kiểm nghiệm lô B2610", True)
    assert document_title("gcn-vietgap-B2610.pdf", "B2610") == (
        "Giấy chứng nhận VietGAP (lô B2610)", True)
    assert document_title("B2610.pdf", "B2610") == ("Tài liệu lô B2610", True)
    # typed with diacritics: the person's own words
    assert document_title("Phiếu kiểm nghiệm B2610 (2).pdf", "B2610") == (
        "Phiếu kiểm nghiệm B2610", False)
    assert document_title("Kết quả_thử nghiệm.pdf", "B2610") == (
        "Kết quả thử nghiệm (lô B2610)", False)
