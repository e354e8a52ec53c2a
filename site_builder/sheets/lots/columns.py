"""The columns of a lot log and of its stage sheet, the header words people write for them, and
how a cell becomes a batch value.

A lot log has one row per lot: the product (record id, OCOP code, GTIN or name, and the producer
where a name is shared), the lot code, the production date, the use-by or best-before date (or a
shelf life such as "12 tháng" counted from the production date), quantity, standards, the
raw-material area and its planting-area code, documents (file names or https links), and stages
either as columns holding a date each ("Thu hoạch", "Đóng gói") or on a second sheet keyed by lot
code (step, date, place, actor). Headers are compared as ``columns.header_key`` compares them:
without diacritics or case, so "NSX", "Ngày SX" and "Production date" name one column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from site_builder.domain.places import ascii_fold
from site_builder.domain.rules import add_months
from site_builder.problems import Message
from site_builder.records.schema import LOT_PATTERN
from site_builder.sheets import texts
from site_builder.sheets.columns import CellError, header_key
from site_builder.sheets.tables import Cell, parse_date


@dataclass(frozen=True)
class LotColumn:
    key: str  # product_id, product, lot, produced, ... (what the value is for)
    vi: str
    en: str
    help_vi: str = ""
    help_en: str = ""
    required: bool = False

    def header(self, lang: str) -> str:
        return self.en if lang == "en" else self.vi


# In the order the template and ``ocop export`` write them.
LOT_COLUMNS: tuple[LotColumn, ...] = (
    LotColumn("product_id", "Mã sản phẩm", "Product ID",
              "mã hồ sơ (vd. buoi-tan-trieu); hoặc ghi tên, mã OCOP hay GTIN của sản phẩm",
              "the record id; or give the product's name, OCOP code or GTIN instead"),
    LotColumn("product", "Tên sản phẩm", "Product name",
              "đủ để nhận ra sản phẩm; tên trùng nhau thì thêm cột Chủ thể",
              "enough to tell the product; add a Producer column where names are shared"),
    LotColumn("lot", "Mã lô", "Lot code",
              "chữ cái không dấu, chữ số, '-', '.', '_'; tối đa 20 ký tự (vd. MO2506-01)",
              "ASCII letters, digits, '-', '.', '_'; at most 20 characters", required=True),
    LotColumn("produced", "Ngày sản xuất", "Production date", "vd. 12/06/2025",
              "e.g. 12/06/2025 (day first)", required=True),
    LotColumn("expires", "Hạn sử dụng", "Use by",
              "ngày (12/06/2026) hoặc thời hạn tính từ ngày sản xuất (12 tháng)",
              "a date, or a shelf life from the production date (12 months)"),
    LotColumn("best_before", "Sử dụng tốt nhất trước", "Best before",
              "ghi cột này thay cho Hạn sử dụng nếu bao bì ghi 'sử dụng tốt nhất trước'",
              "instead of Use by, where the pack says 'best before'"),
    LotColumn("quantity", "Số lượng", "Quantity", "vd. 500 chai 500 ml", "e.g. 500 bottles"),
    LotColumn("standards", "Tiêu chuẩn áp dụng", "Standards", "cách nhau bằng dấu ;",
              "separated by ;"),
    LotColumn("area", "Vùng nguyên liệu", "Raw-material area",
              "tên vùng trồng, vùng nuôi; nhiều vùng: mỗi dòng một vùng",
              "one area per line"),
    LotColumn("area_code", "Mã số vùng trồng", "Planting-area code",
              "ghi đúng mã được cấp (vd. VN-75-735-26188-012-22), theo thứ tự các vùng",
              "verbatim as issued, in the order of the areas"),
    LotColumn("area_gln", "GLN vùng nguyên liệu", "Area GLN", "13 chữ số", "13 digits"),
    LotColumn("documents", "Tài liệu", "Documents",
              "tên tệp PDF, JPEG, PNG để cạnh bảng tính, hoặc đường dẫn https://; mỗi dòng một "
              "tài liệu, có thể ghi tên trước dấu | (Phiếu kiểm nghiệm | phieu.pdf)",
              "PDF, JPEG or PNG file names next to the sheet, or https:// links; one per line, "
              "optionally 'Title | file'"),
)
STAGE_COLUMNS: tuple[LotColumn, ...] = (
    LotColumn("product_id", "Mã sản phẩm", "Product ID",
              "chỉ cần khi hai sản phẩm có lô trùng mã", "only where two products share a lot code"),
    LotColumn("lot", "Mã lô", "Lot code", required=True),
    LotColumn("step", "Công đoạn", "Stage", "vd. Thu hoạch, Sơ chế, Đóng gói", required=True),
    LotColumn("date", "Ngày", "Date", "vd. 09/10/2026", required=True),
    LotColumn("place", "Địa điểm", "Place", "nơi thực hiện; để trống: cơ sở của chủ thể",
              "where; empty: the producer's premises"),
    LotColumn("gln", "GLN địa điểm", "Place GLN", "13 chữ số", "13 digits"),
    LotColumn("location_code", "Mã địa điểm", "Location code",
              "mã truy vết địa điểm nếu không có GLN", "a location trace code, where no GLN"),
    LotColumn("actor", "Người thực hiện", "Done by"),
)
# Columns read to tell the product but not written (a lot sheet may have them).
EXTRA_COLUMNS: tuple[LotColumn, ...] = (
    LotColumn("producer", "Chủ thể", "Producer"),
    LotColumn("ocop_code", "Mã OCOP", "OCOP code"),
    LotColumn("gtin", "GTIN (mã vạch)", "GTIN (barcode)"),
    LotColumn("note", "Ghi chú", "Notes"),
    LotColumn("number", "STT", "No."),
)
PRODUCT_KEYS = ("product_id", "ocop_code", "gtin", "product")

# Header words people write (compared as header_key does: no diacritics, lower case).
_LOT_ALIASES = {
    "product_id": ("ma sp", "id", "ma ho so"),
    "product": ("san pham", "ten sp", "product", "mat hang", "ten hang", "ten san pham ocop",
                "ten hang hoa"),
    "producer": ("ten chu the", "chu the san xuat", "co so san xuat", "don vi san xuat",
                 "nha san xuat", "producer", "manufacturer", "co so", "don vi"),
    "ocop_code": ("ma san pham ocop", "ma so ocop", "ocop code"),
    "gtin": ("gtin", "ma vach", "ma so ma vach", "barcode", "ean", "gtin (ma vach)"),
    "lot": ("ma lo", "so lo", "lo", "lo san xuat", "ma lo hang", "so lo san xuat", "lo hang",
            "ma so lo", "lot", "lot no", "lot no.", "lot number", "lot code", "batch",
            "batch no", "batch no.", "batch number", "batch code", "ma lo san xuat", "so lo hang",
            "lo so", "ky hieu lo"),
    "produced": ("ngay san xuat", "nsx", "ngay sx", "ngay san xuat (nsx)", "production date",
                 "date of manufacture", "manufactured", "manufacturing date", "mfg", "mfg date",
                 "produced", "produced on", "ngay sx (nsx)", "nsx (ngay san xuat)"),
    "expires": ("han su dung", "hsd", "han dung", "ngay het han", "het han", "exp", "exp date",
                "expiry", "expiry date", "expiration date", "use by", "use-by", "use-by date",
                "use by date", "han su dung (hsd)", "hsd (han su dung)", "han"),
    "best_before": ("su dung tot nhat truoc", "su dung tot nhat truoc ngay", "dung tot nhat truoc",
                    "best before", "best before date", "best-before", "bbe", "bb"),
    "quantity": ("so luong", "san luong", "khoi luong", "so luong san xuat", "quantity", "qty",
                 "amount", "so luong lo", "san luong lo"),
    "standards": ("tieu chuan", "tieu chuan ap dung", "standards", "standard", "tieu chuan chat luong"),
    "area": ("vung nguyen lieu", "vung trong", "ten vung trong", "vung nuoi", "nguon nguyen lieu",
             "raw material area", "raw-material area", "growing area", "ten vung nguyen lieu"),
    "area_code": ("ma so vung trong", "ma vung trong", "ma vung nguyen lieu", "ma so vung nuoi",
                  "ma so vung nguyen lieu", "planting area code", "planting-area code",
                  "growing area code", "area code", "ma so vung trong (pud)", "ma vung"),
    "area_gln": ("gln vung trong", "gln vung nguyen lieu", "area gln"),
    "documents": ("tai lieu", "giay to", "ho so kem theo", "tai lieu kem theo", "chung tu",
                  "documents", "document", "attachments", "files", "dinh kem", "tep dinh kem",
                  "phieu kiem nghiem", "phieu ket qua thu nghiem", "ket qua kiem nghiem",
                  "ket qua thu nghiem", "giay chung nhan", "test report"),
    "note": ("ghi chu", "notes", "note", "remarks"),
    "number": ("stt", "tt", "so tt", "so thu tu", "no", "no.", "#"),
}
_STAGE_ALIASES = {
    "product_id": _LOT_ALIASES["product_id"] + ("san pham", "ten san pham", "product"),
    "lot": _LOT_ALIASES["lot"],
    "step": ("cong doan", "buoc", "hoat dong", "cong viec", "step", "stage", "event", "ten cong doan",
             "cong doan san xuat", "su kien", "noi dung"),
    "date": ("ngay", "ngay thuc hien", "thoi gian", "date", "ngay gio", "thoi diem", "when"),
    "place": ("dia diem", "noi thuc hien", "place", "location", "dia diem thuc hien", "noi", "where"),
    "gln": ("gln", "ma gln", "gln dia diem"),
    "location_code": ("ma dia diem", "ma truy vet dia diem", "location code", "ma noi thuc hien"),
    "actor": ("nguoi thuc hien", "nguoi phu trach", "actor", "done by", "performed by",
              "don vi thuc hien", "to/doi", "to doi", "nguoi lam", "who"),
    "note": _LOT_ALIASES["note"],
    "number": _LOT_ALIASES["number"],
}
# Header words that tell a column when worded otherwise ("Ngày sản xuất lô", "HSD (tháng)").
_LOT_KEYWORDS: tuple[tuple[str, str], ...] = (
    (r"^(ma|so|ky hieu) lo\b|^lo (san xuat|hang|so)\b|^(lot|batch)\b", "lot"),
    (r"^(ngay )?(san xuat|sx)\b|^nsx\b|^(production|manufactur)", "produced"),
    (r"tot nhat truoc|best before", "best_before"),
    (r"^(han su dung|hsd|han dung|het han|ngay het han)\b|^(expir|use.?by)", "expires"),
    (r"^(so luong|san luong|khoi luong)\b|^(quantity|qty)\b", "quantity"),
    (r"^ma (so )?vung\b", "area_code"),
    (r"^(vung|nguon) (nguyen lieu|trong|nuoi)\b", "area"),
    (r"^tieu chuan\b|^standard", "standards"),
    (r"^(ma|so) (san pham )?ocop\b", "ocop_code"),
    (r"^(ten )?(chu the|co so|don vi|nha san xuat|htx|hop tac xa|doanh nghiep)\b", "producer"),
    (r"^(ten )?(san pham|sp)\b", "product"),
    (r"^ghi chu", "note"),
)
_STAGE_KEYWORDS: tuple[tuple[str, str], ...] = (
    (r"^(ma|so) lo\b|^(lot|batch)\b", "lot"),
    (r"^(ten )?(cong doan|buoc|hoat dong)\b", "step"),
    (r"^(ngay|thoi gian)\b|^date\b", "date"),
    (r"^(dia diem|noi)\b", "place"),
    (r"^nguoi (thuc hien|phu trach)", "actor"),
)
# Words of a production stage: a lot-sheet column headed by one of them holds that stage's date.
_STAGE_WORDS = re.compile(
    r"^(thu hoach|thu hai|thu mua|nhan nguyen lieu|nhap nguyen lieu|so che|che bien|phan loai|"
    r"rua|say|say kho|rang|xay|tron|u|u men|len men|nau|chung cat|loc|quay mat|khai thac|"
    r"ha thuy phan|dong goi|dong chai|dong hop|dong hu|dong tui|dan nhan|thanh trung|tiet trung|"
    r"kiem nghiem|kiem tra|bao quan|nhap kho|xuat kho|giao hang|van chuyen|phan phoi|"
    r"harvest(ed|ing)?|pick(ed|ing)|process(ed|ing)?|dr(y|ied|ying)|roast(ed|ing)?|"
    r"ferment(ed|ing|ation)?|pack(ed|ing)?|bottl(ed|ing)|label(l)?(ed|ing)|"
    r"dispatch(ed)?|ship(ped|ping)?|deliver(ed|y)?|extract(ed|ion)?|filter(ed|ing)?)\b")
_STAGE_DATE_PREFIX = re.compile(r"^(ngay|thoi gian|date of|date)\s+")
_PLACE_PREFIX = re.compile(r"^(noi|dia diem|place of|where)\s+")
# Document columns whose header says nothing about the document: its title is the file's name.
GENERIC_DOCUMENT_HEADERS = {"tai lieu", "giay to", "ho so kem theo", "tai lieu kem theo",
                            "chung tu", "documents", "document", "attachments", "files",
                            "dinh kem", "tep dinh kem"}


def _index(aliases: dict[str, tuple[str, ...]], columns: tuple[LotColumn, ...]
           ) -> dict[str, LotColumn]:
    by_key = {c.key: c for c in columns + EXTRA_COLUMNS}
    index: dict[str, LotColumn] = {}
    for key, column in by_key.items():
        for name in (column.vi, column.en, *aliases.get(key, ())):
            index.setdefault(header_key(name), column)
    return {k: v for k, v in index.items() if v.key in aliases or v in columns}


@lru_cache(maxsize=2)
def _indexes(kind: str) -> dict[str, LotColumn]:
    if kind == "lot":
        return _index(_LOT_ALIASES, LOT_COLUMNS)
    return _index(_STAGE_ALIASES, STAGE_COLUMNS)


def column_for(text: str, kind: str) -> LotColumn | None:
    """The column a header names in a lot sheet (``kind`` "lot") or a stage sheet ("stage")."""
    key = header_key(text)
    if not key or len(key) > 80:
        return None
    index = _indexes(kind)
    bare = re.sub(r"\s*\(.*?\)\s*", " ", key).strip()
    found = index.get(key) or index.get(bare)
    if found is None and not re.search(r"\d", bare) and len(bare.split()) <= 7:
        keywords = _LOT_KEYWORDS if kind == "lot" else _STAGE_KEYWORDS
        wanted = next((k for pattern, k in keywords if re.search(pattern, bare)), None)
        found = next((c for c in index.values() if c.key == wanted), None)
    return found


def stage_of_header(text: str) -> str | None:
    """The stage a lot-sheet column stands for when its header names one ("Thu hoạch", "Ngày
    đóng gói" -> "Đóng gói"), as written; None otherwise."""
    key = _STAGE_DATE_PREFIX.sub("", header_key(text))
    if not key or not _STAGE_WORDS.match(re.sub(r"\s*\(.*?\)\s*", " ", key).strip()):
        return None
    shown = re.sub(r"^(ngày|thời gian|date of|date)\s+", "", str(text).strip(), flags=re.IGNORECASE)
    return shown[:1].upper() + shown[1:]


def place_of_header(text: str) -> str | None:
    """'Nơi thu hoạch' -> the key of the stage whose place the column holds ('thu hoach')."""
    key = header_key(text)
    if not _PLACE_PREFIX.match(key):
        return None
    return stage_key(_PLACE_PREFIX.sub("", key))


def stage_key(step: str) -> str:
    """How two stages are told to be the same: words without diacritics or case."""
    return re.sub(r"[^a-z0-9]+", " ", ascii_fold(str(step))).strip()


def unit_of_header(text: str) -> str | None:
    """'Số lượng (hũ)' -> 'hũ': the unit a column of bare numbers is counted in."""
    match = re.search(r"\(([^()]{1,20})\)\s*$", str(text))
    if not match or header_key(match.group(1)) in ("bat buoc", "required", "*", "nsx", "hsd"):
        return None
    return match.group(1).strip()


# --- cell -> value --------------------------------------------------------------------------


def cell_text(cell: Cell) -> str:
    """A cell as text: whole numbers without '.0', dates day first."""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, date):
        return f"{cell:%d/%m/%Y}"
    return " ".join(str(cell).split()) if cell is not None else ""


def suggest_lot(text: str) -> str | None:
    """The valid lot code a written one would become: no diacritics, '-' for spaces and '/'."""
    folded = ascii_fold(text).upper() if not text.isascii() else text
    code = re.sub(r"[^A-Za-z0-9._-]+", "-", folded)
    code = re.sub(r"-{2,}", "-", code).strip("-._")
    return code if code and re.match(LOT_PATTERN, code) else None


def lot_code(cell: Cell) -> str:
    """The lot code of a cell, exactly as written; raises CellError when it is no valid code
    (with the code it would become suggested, never changed silently)."""
    if isinstance(cell, date):
        raise CellError("lot_code_date", text=cell_text(cell))
    if isinstance(cell, float) and not cell.is_integer():
        raise CellError("lot_code_number", text=str(cell))
    text = cell_text(cell).strip()
    if re.match(LOT_PATTERN, text):
        return text
    suggestion = suggest_lot(text)
    if suggestion:
        raise CellError("lot_code_invalid", given=text, suggestion=suggestion)
    raise CellError("lot_code_unusable", given=text)


_TIME = re.compile(r"\s+\d{1,2}:\d{2}(:\d{2})?(\s*[ap]m)?$", re.IGNORECASE)
_TWO_DIGIT_YEAR = re.compile(r"^(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{2})$")
_MONTHS = {m: i for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug",
                                       "sep", "oct", "nov", "dec"), start=1)}
_ENGLISH_DAY = re.compile(r"^(\d{1,2})[\s-]*([a-z]{3})[a-z]*\.?[\s,-]*(\d{2}|\d{4})$")
_ENGLISH_MONTH_FIRST = re.compile(r"^([a-z]{3})[a-z]*\.?\s+(\d{1,2}),?\s+(\d{4})$")


def lot_date(cell: Cell) -> tuple[date, Message | None]:
    """A date as people type it in a log: the forms every import reads (``tables.parse_date``:
    12/06/2025, "ngày 8 tháng 12 năm 2023", Excel date cells), and a time after it, an English
    month ("12 Jun 2025") and a two-digit year (12-6-25, read as 2025 and said so). Raises
    CellError."""
    found = parse_date(cell)
    if found is not None:
        return found, None
    text = _TIME.sub("", cell_text(cell).strip())
    if (found := parse_date(text)) is not None:
        return found, None
    key = ascii_fold(text).strip(" .")
    try:
        if match := _TWO_DIGIT_YEAR.match(text):
            day, month, year = (int(x) for x in match.groups())
            read = date(2000 + year, month, day)
            return read, texts.message("date_two_digit_year", text=text, read=read)
        if (match := _ENGLISH_DAY.match(key)) and match.group(2) in _MONTHS:
            year = int(match.group(3))
            return date(year + 2000 if year < 100 else year, _MONTHS[match.group(2)],
                        int(match.group(1))), None
        if (match := _ENGLISH_MONTH_FIRST.match(key)) and match.group(1) in _MONTHS:
            return date(int(match.group(3)), _MONTHS[match.group(1)], int(match.group(2))), None
    except ValueError:
        pass
    raise CellError("lot_not_date", text=text)


_DURATION = re.compile(
    r"^(?:hsd|han su dung|han dung|trong|shelf life)?\s*:?\s*(\d+(?:[.,]\d+)?)\s*"
    r"(thang|th|months?|mo|nam|years?|yrs?|ngay|days?|tuan|weeks?)\.?"
    r"(?:\s*(?:ke tu|tu|tinh tu|sau)?\s*(?:ngay san xuat|nsx|ngay sx)|\s*(?:from|after)\s+"
    r"(?:production|manufacture|the production date))?$")
_UNIT_MONTHS = {"thang": 1, "th": 1, "month": 1, "months": 1, "mo": 1, "nam": 12, "year": 12,
                "years": 12, "yr": 12, "yrs": 12}
_UNIT_DAYS = {"ngay": 1, "day": 1, "days": 1, "tuan": 7, "week": 7, "weeks": 7}


def shelf_life(cell: Cell, unit_hint: str | None = None) -> tuple[float, str] | None:
    """'12 tháng' -> (12, 'thang'); a bare number with the column's unit ('HSD (tháng)');
    None when the cell is not a duration."""
    if isinstance(cell, (int, float)) and not isinstance(cell, bool):
        if unit_hint is None:
            return None
        text = f"{cell} {unit_hint}"
    else:
        text = cell_text(cell)
    match = _DURATION.match(ascii_fold(text).strip())
    if not match:
        return None
    return float(match.group(1).replace(",", ".")), match.group(2)


def use_by_from(produced: date, amount: float, unit: str) -> date:
    """The use-by date a shelf life gives, counted from the production date (same day of the
    month ``amount`` months later; days and weeks counted as such)."""
    if unit in _UNIT_MONTHS:
        months = amount * _UNIT_MONTHS[unit]
        if not months.is_integer():
            raise CellError("shelf_life_fraction", text=f"{amount:g} {unit}")
        return add_months(produced, int(months))
    return produced + timedelta(days=round(amount * _UNIT_DAYS[unit]))


def duration_unit(header: str) -> str | None:
    """The unit a use-by column counts bare numbers in: 'HSD (tháng)' -> 'thang'."""
    key = header_key(header)
    for word in ("thang", "month", "ngay", "day", "nam", "year", "tuan", "week"):
        if re.search(rf"\({word}s?\)|\b{word}s?\)?$", key) and not key.startswith(word):
            return word
    return None


def split_list(cell: Cell) -> list[str]:
    """'VietGAP; HACCP' -> ['VietGAP', 'HACCP'] (also ',' and one per line)."""
    return [p.strip() for p in re.split(r"[;,\n]", cell_text_lines(cell)) if p.strip()]


def split_lines(cell: Cell) -> list[str]:
    """One entry per line (or per ';'): areas, codes, documents."""
    return [p.strip() for p in re.split(r"[;\n]", cell_text_lines(cell)) if p.strip()]


def cell_text_lines(cell: Cell) -> str:
    """Like ``cell_text`` but keeps the line breaks inside a cell."""
    if isinstance(cell, str):
        return "\n".join(" ".join(line.split()) for line in cell.splitlines())
    return cell_text(cell)


def gln_text(cell: Cell) -> str:
    """A GLN typed into a number cell comes back as its 13 digits."""
    if isinstance(cell, (int, float)) and not isinstance(cell, bool) and float(cell).is_integer():
        return str(int(cell))
    return cell_text(cell)


@dataclass(frozen=True)
class DocumentEntry:
    """One document a cell names: a file (by its name) or an https link, and its title if given."""

    title: str | None
    file: str | None = None
    url: str | None = None


def document_entries(cell: Cell) -> list[DocumentEntry]:
    """'Phiếu kiểm nghiệm | phieu-kn.pdf' lines -> entries; raises CellError for a link that is
    not https or a path that climbs out of its folder."""
    entries = []
    for line in split_lines(cell):
        label, _, written = line.rpartition("|")
        title, target = label.strip() or None, written.strip()
        if not target:
            continue
        lowered = target.lower()
        if lowered.startswith("https://") and re.fullmatch(r"https://[^\s<>\"']+", target):
            entries.append(DocumentEntry(title, url=target))
        elif re.match(r"^[a-z][a-z0-9+.-]*://", lowered) or lowered.startswith(("javascript:",
                                                                              "data:", "mailto:")):
            raise CellError("document_link", text=target)
        else:
            entries.append(DocumentEntry(title, file=target))
    return entries
