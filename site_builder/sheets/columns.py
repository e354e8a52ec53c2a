"""The columns of the import/export spreadsheet, and how a cell becomes a record value and back.

One row per certification: a product certified twice (first rating, then an upgrade) has two
rows with the same product id; its product columns are read from the first of them. Batches,
photos and documents are traceability data kept in the YAML records, not in the sheet, and an
import never touches them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from site_builder.domain.places import ascii_fold
from site_builder.domain.taxonomy import PRODUCER_TYPES, PRODUCT_SETS
from site_builder.sheets import texts
from site_builder.sheets.tables import Cell, parse_date

PRODUCT, CERTIFICATION = "product", "certification"
SHOP_KINDS = ("shopee", "lazada", "tiki", "postmart", "voso", "tiktok", "zalo", "facebook",
              "website", "store")
EVALUATION_KINDS = {"first": ("Lần đầu", "First"), "upgrade": ("Nâng hạng", "Upgrade"),
                    "re-evaluation": ("Đánh giá lại", "Re-evaluation")}
ENTRY_SEPARATOR = " | "  # between a shop's name and its link in one line of a cell


class CellError(ValueError):
    """A cell that cannot become a record value: ``code`` names the problem in the importer's
    catalogue and ``message`` holds its texts."""

    def __init__(self, code: str, **values: object) -> None:
        self.code = code
        self.message = texts.message(code, **values)
        super().__init__(self.message.vi, self.message.en)


class SetWords(CellError):
    """A product-set cell that names no set exactly: an office's group words ("Nông sản", "Thực
    phẩm chế biến"), which the importer uses to work the set out."""


@dataclass(frozen=True)
class Column:
    path: str  # where the value goes in a record, dotted ('producer.name'); 'shop:<kind>' for shops
    vi: str
    en: str
    kind: str  # text, phone, int, number, date, set, producer_type, evaluation, list, shop, gtin
    level: str = PRODUCT
    required: bool = False
    help_vi: str = ""
    help_en: str = ""
    stored: bool = True  # False: read to work other values out, not written into the record

    def header(self, lang: str) -> str:
        return self.en if lang == "en" else self.vi


def _shop(kind: str, vi: str, en: str) -> Column:
    return Column(f"shop:{kind}", vi, en, "shop",
                  help_vi="mỗi dòng một gian hàng: đường dẫn https://, có thể thêm tên trước "
                          "dấu | (Tên | https://...)",
                  help_en="one storefront per line: an https:// link, optionally 'Name | link'")


COLUMNS: tuple[Column, ...] = (
    Column("id", "Mã sản phẩm", "Product ID", "text",
           help_vi="chữ thường không dấu và gạch nối (vd. buoi-lam-son); để trống thì tạo từ tên",
           help_en="lower-case ASCII and hyphens; left empty, made from the name"),
    Column("name.vi", "Tên sản phẩm", "Product name", "text", required=True),
    Column("name.en", "Tên sản phẩm (tiếng Anh)", "Product name (English)", "text"),
    Column("product_set", "Bộ sản phẩm", "Product set", "set",
           help_vi="số 1-26 hoặc tên bộ sản phẩm (xem trang 'Bộ sản phẩm')",
           help_en="number 1-26 or the set's name (see the 'Bộ sản phẩm' sheet)"),
    Column("producer.name", "Chủ thể", "Producer", "text", required=True),
    Column("producer.type", "Loại hình chủ thể", "Producer type", "producer_type",
           help_vi="Hợp tác xã, Tổ hợp tác, Doanh nghiệp, Hộ kinh doanh, Trang trại, Hiệp hội",
           help_en="Cooperative, Cooperative group, Enterprise, Household, Farm, Association"),
    Column("producer.address_on_certificate", "Địa chỉ trên giấy chứng nhận",
           "Address on certificate", "text", required=True,
           help_vi="ghi đúng như trên giấy chứng nhận, kể cả tên huyện, tỉnh cũ",
           help_en="verbatim, old district and province names included"),
    Column("producer.province", "Tỉnh/thành phố", "Province", "text",
           help_vi="tên tỉnh sau sắp xếp 2025 (34 tỉnh, thành phố); để trống thì suy ra từ địa chỉ",
           help_en="post-2025 province; left empty, worked out from the address"),
    Column("producer.commune", "Xã/phường", "Commune", "text",
           help_vi="xã, phường sau sắp xếp 2025; để trống thì suy ra từ địa chỉ",
           help_en="post-2025 commune; left empty, worked out from the address"),
    Column("producer.representative", "Người đại diện", "Representative", "text"),
    Column("producer.phone", "Điện thoại", "Phone", "phone"),
    Column("producer.email", "Thư điện tử", "Email", "text"),
    Column("producer.website", "Trang web chủ thể", "Producer website", "text"),
    Column("producer.zalo", "Số Zalo", "Zalo number", "phone"),
    Column("producer.location.lat", "Vĩ độ", "Latitude", "number",
           help_vi="vị trí cơ sở, độ thập phân (vd. 11.80); để trống nếu chưa rõ",
           help_en="where the producer is, decimal degrees (e.g. 11.80)"),
    Column("producer.location.lon", "Kinh độ", "Longitude", "number", help_vi="vd. 108.72"),
    Column("stars", "Số sao", "Stars", "stars", CERTIFICATION, required=True,
           help_vi="3, 4 hoặc 5", help_en="3, 4 or 5"),
    Column("score", "Điểm", "Score", "number", CERTIFICATION, help_vi="0-100"),
    Column("regime", "Bộ tiêu chí", "Criteria", "text", CERTIFICATION, required=True,
           help_vi="quyết định làm căn cứ đánh giá: 1048, 148, 148+1489 hoặc 26",
           help_en="the decision evaluated under: 1048, 148, 148+1489 or 26"),
    Column("decision", "Số quyết định", "Decision number", "text", CERTIFICATION, required=True,
           help_vi="vd. 1533/QĐ-UBND"),
    Column("decision_date", "Ngày quyết định", "Decision date", "date", CERTIFICATION,
           required=True, help_vi="vd. 05/03/2026", help_en="e.g. 05/03/2026 (day first)"),
    Column("authority", "Cơ quan công nhận", "Issuing authority", "text", CERTIFICATION,
           required=True, help_vi="vd. UBND tỉnh Khánh Hòa"),
    Column("valid_until", "Hiệu lực đến", "Valid until", "date", CERTIFICATION,
           help_vi="để trống: 36 tháng kể từ ngày quyết định",
           help_en="empty: 36 months from the decision date"),
    Column("kind", "Loại đánh giá", "Evaluation", "evaluation", CERTIFICATION,
           help_vi="Lần đầu, Nâng hạng hoặc Đánh giá lại (trống: Lần đầu)",
           help_en="First, Upgrade or Re-evaluation (empty: First)"),
    Column("ocop_code", "Mã OCOP", "OCOP code", "text", CERTIFICATION),
    Column("renewal_filed", "Ngày nộp hồ sơ đánh giá lại", "Renewal filed on", "date",
           CERTIFICATION),
    Column("revocation.date", "Ngày thu hồi", "Revoked on", "date", CERTIFICATION),
    Column("revocation.decision", "Quyết định thu hồi", "Revocation decision", "text",
           CERTIFICATION),
    Column("revocation.reason", "Lý do thu hồi", "Revocation reason", "text", CERTIFICATION),
    Column("gtin", "GTIN (mã vạch)", "GTIN (barcode)", "gtin"),
    Column("brand", "Nhãn hiệu", "Brand", "text"),
    Column("shelf_life", "Hạn sử dụng", "Shelf life", "text"),
    Column("standards", "Tiêu chuẩn áp dụng", "Standards", "list",
           help_vi="cách nhau bằng dấu ;", help_en="separated by ;"),
    Column("story.vi", "Câu chuyện sản phẩm", "Product story", "text"),
    Column("story.en", "Câu chuyện sản phẩm (tiếng Anh)", "Product story (English)", "text"),
    _shop("shopee", "Shopee", "Shopee"),
    _shop("lazada", "Lazada", "Lazada"),
    _shop("tiki", "Tiki", "Tiki"),
    _shop("postmart", "Postmart", "Postmart"),
    _shop("voso", "Voso", "Voso"),
    _shop("tiktok", "TikTok Shop", "TikTok Shop"),
    _shop("zalo", "Zalo", "Zalo"),
    _shop("facebook", "Facebook", "Facebook"),
    _shop("website", "Trang bán hàng", "Online shop"),
    Column("shop:store", "Điểm bán", "Point of sale", "shop",
           help_vi="mỗi dòng một cửa hàng: Tên | địa chỉ", help_en="one shop per line: Name | address"),
    Column("withdrawn.date", "Ngày ngừng sản xuất", "Withdrawn on", "date"),
    Column("withdrawn.reason", "Lý do ngừng sản xuất", "Withdrawal reason", "text"),
)
# Columns an office's list may have that are not record fields: they help to work values out.
EXTRA_COLUMNS: tuple[Column, ...] = (
    Column("district", "Huyện (cũ)", "District (before 2025)", "text", stored=False),
    Column("note", "Ghi chú", "Notes", "text", stored=False),
    Column("group", "Phân nhóm", "Group", "text", stored=False,
           help_vi="nhóm, ngành hàng theo cách văn phòng ghi; dùng để suy ra bộ sản phẩm"),
)

# Headers offices use for the same columns (compared without diacritics or case), as they
# write them in decision annexes and their own lists.
ALIASES = {
    "id": ("ma sp",),
    "name.vi": ("ten san pham ocop", "ten sp", "san pham", "ten san pham/dich vu",
                "ten san pham, dich vu", "ten san pham dat ocop", "ten san pham de nghi"),
    "producer.name": ("ten chu the", "chu the", "chu the san xuat", "chu the ocop", "co so san xuat",
                      "don vi", "don vi san xuat", "ten don vi", "ten chu the san xuat",
                      "chu the san xuat, kinh doanh", "to chuc, ca nhan", "ten to chuc, ca nhan",
                      "ten chu the ocop", "ten co so", "ten chu the (to chuc/ca nhan)",
                      "chu the/co so san xuat", "don vi/chu the"),
    "producer.type": ("loai hinh", "loai hinh to chuc", "loai hinh chu the", "hinh thuc to chuc"),
    "producer.address_on_certificate": ("dia chi", "dia chi chu the", "dia chi san xuat",
                                        "dia chi tru so", "dia chi lien he", "dia chi co so",
                                        "dia chi chu the san xuat"),
    "producer.province": ("tinh", "tinh/tp", "tinh thanh", "tinh/thanh pho"),
    "producer.commune": ("xa", "xa phuong", "phuong/xa", "xa/phuong/dac khu", "xa, phuong",
                         "xa/phuong/thi tran", "xa, phuong, thi tran", "xa/thi tran"),
    "district": ("huyen", "quan/huyen", "huyen/thi xa/thanh pho", "huyen, thi xa, thanh pho",
                 "huyen/tp", "huyen/thi xa", "quan, huyen", "huyen, thi xa"),
    "producer.phone": ("so dien thoai", "sdt", "dien thoai lien he", "dien thoai", "so dt",
                       "dt lien he"),
    "stars": ("hang sao", "xep hang", "so sao ocop", "hang", "ket qua", "ket qua xep hang",
              "ket qua phan hang", "phan hang", "dat hang", "xep hang sao", "hang sao dat duoc",
              "ket qua danh gia, phan hang", "ket qua phan hang sao", "hang sao ocop",
              "xep hang (sao)", "so sao dat duoc", "cap hang", "ket qua danh gia"),
    "score": ("diem danh gia", "tong diem", "diem so", "so diem", "diem dat duoc",
              "tong diem danh gia", "diem cham"),
    "decision": ("so qd", "quyet dinh", "so quyet dinh cong nhan", "quyet dinh cong nhan",
                 "so, ngay quyet dinh", "so quyet dinh", "so/ngay quyet dinh"),
    "decision_date": ("ngay qd", "ngay cong nhan", "ngay ky", "ngay quyet dinh", "ngay ky qd"),
    "authority": ("co quan ban hanh", "cap cong nhan", "co quan cong nhan", "cap chung nhan",
                  "don vi cong nhan", "co quan cap", "cap danh gia, cong nhan"),
    "ocop_code": ("ma san pham ocop", "ma so ocop", "ma so san pham", "ma so san pham ocop"),
    "gtin": ("gtin", "ma vach", "ma so ma vach"),
    "product_set": ("bo san pham", "so bo san pham", "bo san pham (1-26)"),
    "group": ("nhom san pham", "phan nhom", "nganh hang", "nhom", "phan nhom san pham", "nganh",
              "nhom nganh", "phan loai", "phan nhom, bo san pham", "nhom, bo san pham",
              "nganh, nhom san pham", "linh vuc", "nhom/ngành hang"),
    "brand": ("nhan hieu", "thuong hieu"),
}
NUMBER_HEADERS = ("stt", "tt", "so tt", "so thu tu", "no", "no.", "#", "s/n", "s.no", "sr. no",
                  "order", "ordinal number")
# Columns the to-do workbook adds for people to read; an import reads past them silently.
TODO_HEADERS = ("dong trong bang goc", "da suy ra", "can hoi", "con thieu", "rows in the list",
                "inferred", "questions", "missing")
IGNORED_HEADERS = NUMBER_HEADERS + TODO_HEADERS


_NUMBERING = re.compile(r"^(?:\(\d{1,2}\)|\d{1,2}\s*[.):])\s*(?=\D)")  # "1. Tên", "(2) Chủ thể"
_PARTS = re.compile(r"\n|\s/\s*|\s*/\s|\s[-–]\s")  # "Tên sản phẩm / Product name", two lines


def header_key(text: str) -> str:
    """'Số sao (*)' -> 'so sao', '1. TÊN SẢN PHẨM' -> 'ten san pham': how headers are compared
    (no case, diacritics, numbering, line breaks or required marks)."""
    key = ascii_fold(str(text)).replace("\n", " ")
    key = re.sub(r"\((bat buoc|\*|required)\)|\*", "", key)
    key = _NUMBERING.sub("", key.strip())
    return re.sub(r"\s+", " ", key).strip(" :.")


def _header_parts(text: str) -> list[str]:
    """The header whole, then each part of a header in two languages or on two lines."""
    text = str(text).strip()
    return [text, *(p for p in _PARTS.split(text) if p.strip())] if _PARTS.search(text) else [text]


def ignored_header(text: str) -> bool:
    """A numbering column ("STT", "No.", "STT / No.") or a note column of our to-do workbook."""
    return any(header_key(p) in IGNORED_HEADERS for p in _header_parts(text))


def number_header(text: str) -> bool:
    """The header of the STT column, in one language or two."""
    return any(header_key(p) in NUMBER_HEADERS for p in _header_parts(text))


@lru_cache(maxsize=8192)
def column_for_header(text: str) -> Column | None:
    """The column a header names: its words exactly (as we or offices write them), or else the
    words that tell it ("Số sao đạt", "Tổng số điểm", "Tên HTX/Doanh nghiệp", "Issued by"). A
    header in two languages ("Tên sản phẩm / Product name", or one per line) names the column
    either part names, the first part first."""
    return next((c for p in _header_parts(text) if (c := _column_named(p)) is not None), None)


def _column_named(text: str) -> Column | None:
    key = header_key(text)
    if not key:
        return None
    index = _header_index()
    bare = re.sub(r"\s*\(.*?\)\s*", " ", key).strip()  # "Điểm (thang 100)", "Hạng (sao)"
    found = index.get(key) or index.get(bare)
    if found is None and not re.search(r"\d", bare) and len(bare.split()) <= 7:
        # Only header-like words: a value such as "4 sao" or a product's name is no header.
        path = _keyword_path(bare)
        found = next((c for c in COLUMNS + EXTRA_COLUMNS if c.path == path), None)
    return found


# Words that tell a column when its header is worded otherwise, tried in this order: Vietnamese,
# then the English of bilingual lists and of lists made for trade fairs.
_KEYWORDS: tuple[tuple[str, str], ...] = (
    (r"^(ma|ma so)( san pham)? ocop\b|^ma ocop|^ocop (code|no|number|id)\b|"
     r"^(so|ma so) (giay )?(chung nhan|gcn)\b|^so gcn\b|^certificate (no|number|code)\b",
     "ocop_code"),
    (r"^dia chi|^address\b|^(producer|business|company)'?s? address", "producer.address_on_certificate"),
    (r"^(so )?dien thoai|^sdt\b|^(tel|telephone|phone|mobile)\b|^contact (phone|number)",
     "producer.phone"),
    (r"^ngay .*(quyet dinh|qd|cong nhan)|^ngay (ban hanh|cap|ky)\b|^ngay,? thang,? nam|"
     r"^(date of (the )?decision|decision date|date (of )?(issue|recognition|signing)|"
     r"issue date|date issued)\b", "decision_date"),
    (r"^(hieu luc den|ngay het (han|hieu luc)|het han|co gia tri den)\b|^(valid (until|to)|"
     r"expiry date|expires)\b", "valid_until"),
    (r"^(so )?(quyet dinh|qd)\b|^decision\b", "decision"),
    (r"^(issued|recogni[sz]ed|certified|approved) by\b|^issuing (authority|body|agency)|"
     r"^(certifying|recogni[sz]ing) (authority|body)|^authority\b", "authority"),
    (r"\bsao\b|^xep hang|^hang\b|^phan hang|\bstars?\b|\brating\b|^rank(ing)?\b|"
     r"^classification\b|^(evaluation )?results?$", "stars"),
    (r"(?<!dia )\bdiem\b(?! ban)|\b(score|points)\b", "score"),
    (r"^ten (san pham|sp)\b|^san pham( ocop)?$|^ten goi san pham|^(ocop )?products?( name)?$|"
     r"^name of (the )?(ocop )?product\b|^product'?s? name\b|^(trade|brand) name of product",
     "name.vi"),
    (r"^(ten )?(chu the|don vi|doanh nghiep|htx|to chuc|co so|nha san xuat)|"
     r"^(name of )?(the )?(producer|manufacturer|company|enterprise|entity|organi[sz]ation|"
     r"cooperative|business|owner)s?\b(?! (type|address|phone))", "producer.name"),
    (r"^loai hinh|^(producer|entity|business) type\b|^type of (producer|entity|business)|"
     r"^legal form", "producer.type"),
    (r"^(phan )?nhom|^nganh|^phan loai|^linh vuc|^(product )?(group|category|sector)\b",
     "group"),
    (r"^ghi chu|^(notes?|remarks?|comments?)\b", "note"),
    (r"^(quan[ /,]*)?huyen|^district\b", "district"),
    (r"^(xa|phuong)\b|^(commune|ward)\b", "producer.commune"),
    (r"^tinh\b|^province\b|^(city|province)/(province|city)", "producer.province"),
)


def _keyword_path(key: str) -> str | None:
    return next((path for pattern, path in _KEYWORDS if re.search(pattern, key)), None)


_INDEX: dict[str, Column] = {}


def _header_index() -> dict[str, Column]:
    """Every header key a column is known by, built once."""
    if not _INDEX:
        for column in COLUMNS + EXTRA_COLUMNS:
            for name in (column.vi, column.en, f"{column.vi} / {column.en}",
                         *ALIASES.get(column.path, ())):
                _INDEX.setdefault(header_key(name), column)
    return _INDEX


# --- cell -> record value -------------------------------------------------------------------


def _text(cell: Cell) -> str:
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, date):
        return f"{cell:%d/%m/%Y}"
    return str(cell).strip()


def _phone(cell: Cell) -> str:
    text = _text(cell)
    # Excel drops the leading 0 of a phone number typed into a number cell.
    if isinstance(cell, (int, float)) and len(text) in (8, 9, 10) and not text.startswith("0"):
        text = "0" + text
    return text


def _int(cell: Cell) -> int:
    if isinstance(cell, float) and cell.is_integer():
        return int(cell)
    if isinstance(cell, int):
        return cell
    text = _text(cell)
    if re.fullmatch(r"\d+", text):
        return int(text)
    raise CellError("not_whole_number", text=text)


_STAR_WORDS = {"ba": 3, "bon": 4, "nam": 5, "three": 3, "four": 4, "five": 5}


def parse_stars(cell: Cell) -> int:
    """Stars as offices write them: 4, '4 sao', '4*', '★★★★', 'Hạng 4 sao', '4 sao OCOP', 'Bốn sao'."""
    if isinstance(cell, (int, float)) and float(cell).is_integer():
        return int(cell)
    text = _text(cell).replace("⭐", "★")
    if re.fullmatch(r"0?\d([.,]0+)?", text.strip()):  # "04", "4.0"; never 3.7 cut to 3
        return int(float(text.strip().replace(",", ".")))
    if (roman := {"iii": 3, "iv": 4, "v": 5}.get(text.strip().lower())) is not None:
        return roman
    key = ascii_fold(text).replace("☆", "").strip()
    key = re.sub(r"\s*\(.*\)$", "", key)  # "3 sao (tiềm năng 5 sao)"
    if text.strip() and set(text.strip()) <= {"★", "⭐", "☆", " "} and "★" in text + "⭐":
        return text.count("★") + text.count("⭐")
    if text.strip() and set(text.strip()) <= {"*", " "}:
        return text.count("*")
    if match := re.fullmatch(r"(?:hang|xep hang|dat|dat hang)?\s*(\d)\s*(?:sao|\*|★|stars?|s)?"
                             r"(?:\s*ocop)?\.?", key):
        return int(match.group(1))
    if match := re.fullmatch(r"(?:hang\s*)?(ba|bon|nam|three|four|five)\s*(?:sao|stars?)(?:\s*ocop)?",
                             key):
        return _STAR_WORDS[match.group(1)]
    # "OCOP 3 sao", "Sản phẩm đạt hạng 4 sao": one level named among other words
    levels = set(re.findall(r"(?<![\d.,])([1-5])\s*(?:sao|\*|★|stars?)(?!\w)", key))
    if len(levels) == 1 and not re.search(r"\b(tu|tiem nang|tro len|len|den)\b", key):
        return int(levels.pop())
    raise CellError("not_stars", text=text)


def _number(cell: Cell) -> int | float:
    if isinstance(cell, (int, float)):
        value = float(cell)
    else:
        text = re.sub(r"\s*(điểm|diem|đ|points?)\.?$", "", _text(cell), flags=re.IGNORECASE)
        try:
            value = float(text.replace(",", ".").replace(" ", ""))
        except ValueError:
            raise CellError("not_number", text=_text(cell)) from None
    return int(value) if value.is_integer() else value


def _date(cell: Cell) -> date:
    parsed = parse_date(cell)
    if parsed is None:
        raise CellError("not_date", text=_text(cell))
    return parsed


@lru_cache(maxsize=1)
def _set_names() -> dict[str, int]:
    names = {}
    for product_set in PRODUCT_SETS.values():
        names[header_key(product_set.name_vi)] = product_set.number
        names[header_key(product_set.name_en)] = product_set.number
    return names


def _product_set(cell: Cell) -> int:
    """A set given in the set column: its number 1-26 (alone or before its name) or its name."""
    if isinstance(cell, (int, float)) and float(cell).is_integer() and 1 <= int(cell) <= 26:
        return int(cell)
    text = _text(cell)
    if match := re.fullmatch(r"\s*(\d{1,2})\s*(?:[.:)-]\s*.*)?", text):
        if 1 <= int(match.group(1)) <= 26:
            return int(match.group(1))
    if (found := _set_names().get(header_key(text))) is not None:
        return found
    raise SetWords("unknown_product_set", text=text)


_TYPE_WORDS = {"ho kinh doanh": "household", "ho san xuat": "household", "hop tac xa": "cooperative",
               "htx": "cooperative", "cong ty": "enterprise", "doanh nghiep": "enterprise",
               "to hop tac": "cooperative_group", "trang trai": "farm", "hiep hoi": "association"}


def _producer_type(cell: Cell) -> str:
    text = _text(cell)
    key = header_key(text)
    for producer_type in PRODUCER_TYPES.values():
        if key in (producer_type.key, header_key(producer_type.name_vi),
                   header_key(producer_type.name_en)):
            return producer_type.key
    for words, found in _TYPE_WORDS.items():
        if key.startswith(words):
            return found
    raise CellError("unknown_producer_type", text=text)


def _evaluation(cell: Cell) -> str:
    key = header_key(_text(cell))
    for kind, (vi, en) in EVALUATION_KINDS.items():
        if key in (kind, header_key(vi), header_key(en)):
            return kind
    raise CellError("unknown_evaluation", text=_text(cell))


def _list(cell: Cell) -> list[str]:
    return [part.strip() for part in re.split(r"[;\n]", _text(cell)) if part.strip()]


def _gtin(cell: Cell) -> str:
    return _text(int(cell) if isinstance(cell, float) and cell.is_integer() else cell)


def shop_entries(kind: str, cell: Cell) -> list[dict[str, str]]:
    """'Tên | https://...' lines -> where_to_buy entries of one kind."""
    entries = []
    for line in re.split(r"\n", _text(cell)):
        parts = [p.strip() for p in line.split("|") if p.strip()]
        if not parts:
            continue
        entry: dict[str, str] = {"kind": kind}
        words = [p for p in parts if not p.lower().startswith(("https://", "http://"))]
        links = [p for p in parts if p.lower().startswith(("https://", "http://"))]
        if links:
            entry["url"] = links[0]
        if kind == "store" and words:
            entry.update({"name": words[0], "address": words[1]} if len(words) > 1
                         else {"address": words[0]})
        elif words:
            entry["name"] = words[0]
        entries.append(entry)
    return entries


PARSERS: dict[str, Callable[[Cell], Any]] = {
    "text": _text, "phone": _phone, "int": _int, "stars": parse_stars, "number": _number, "date": _date,
    "set": _product_set, "producer_type": _producer_type, "evaluation": _evaluation,
    "list": _list, "gtin": _gtin,
}


def parse_cell(column: Column, cell: Cell) -> Any:
    """The record value of a non-empty cell; raises CellError."""
    if column.kind == "shop":
        return shop_entries(column.path.split(":", 1)[1], cell)
    return PARSERS[column.kind](cell)


# --- record value -> cell -------------------------------------------------------------------


def _get(data: dict, path: str) -> Any:
    value: Any = data
    for part in path.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def cell_value(column: Column, product: dict, certification: dict, lang: str = "vi") -> Cell:
    """What an export writes in ``column`` for one product and one of its certifications
    (raw record data as loaded from YAML: dates are ISO text)."""
    if column.kind == "shop":
        kind = column.path.split(":", 1)[1]
        lines = []
        for shop in product.get("where_to_buy") or []:
            if shop.get("kind") == kind:
                parts = [shop.get("name"), shop.get("address"), shop.get("url")]
                lines.append(ENTRY_SEPARATOR.join(str(p) for p in parts if p))
        return "\n".join(lines) or None
    source = certification if column.level == CERTIFICATION else product
    value = _get(source, column.path)
    if value is None or value == []:
        return None
    if column.kind == "date":
        return parse_date(str(value))
    if column.kind == "producer_type":
        found = PRODUCER_TYPES.get(value)
        return (found.name_en if lang == "en" else found.name_vi) if found else value
    if column.kind == "evaluation":
        vi, en = EVALUATION_KINDS.get(value, (value, value))
        return en if lang == "en" else vi
    if column.kind == "list":
        return "; ".join(str(v) for v in value)
    return value.strip() if isinstance(value, str) else value
