"""Values an office's list does not state, worked out from what it does state, never silently.

Each function returns an ``Inferred`` value with the words it came from, so the import review
and the record's ``to_confirm`` entries can show a person what to confirm; where the words point
to more than one value the answer is a question with its candidates, not a pick.

- producer type from the producer's name ("HTX ...", "Công ty TNHH ...", "Cơ sở ...");
- product set (one of the 26 of Decision 26 Appendix I) from the office's group words or the
  product's name, where they point to exactly one set;
- regime (1048, 148, 148+1489, 26) from the decision date, where one regime alone was in force.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from site_builder.domain.places import ascii_fold, fold
from site_builder.domain.taxonomy import PRODUCER_TYPES, PRODUCT_SETS, REGIMES


@dataclass(frozen=True)
class Inferred:
    """A value worked out from ``source``; ``candidates`` when it could be more than one."""

    value: object | None
    source_vi: str
    source_en: str
    candidates: tuple[object, ...] = ()

    @property
    def is_question(self) -> bool:
        return self.value is None and len(self.candidates) > 1


# --- producer type ---------------------------------------------------------------------------

# Words a producer's name starts with (folded, without diacritics), longest first where they share
# a beginning. Decision 26's producer types: cooperative, cooperative group, enterprise,
# household (with or without business registration), farm, and for tourism associations.
_TYPE_PREFIXES: tuple[tuple[str, str], ...] = (
    ("lien hiep hop tac xa", "cooperative"), ("lien hiep htx", "cooperative"),
    ("hop tac xa", "cooperative"), ("htx", "cooperative"),
    ("to hop tac", "cooperative_group"), ("tht", "cooperative_group"),
    ("cong ty", "enterprise"), ("cty", "enterprise"), ("ctcp", "enterprise"),
    ("ctrach nhiem", "enterprise"), ("tnhh", "enterprise"), ("doanh nghiep", "enterprise"),
    ("dntn", "enterprise"), ("chi nhanh cong ty", "enterprise"), ("xi nghiep", "enterprise"),
    ("ho kinh doanh", "household"), ("hkd", "household"), ("ho san xuat", "household"),
    ("ho gia dinh", "household"), ("ho ong", "household"), ("ho ba", "household"),
    ("co so", "household"), ("csxx", "household"), ("cssx", "household"),
    ("trang trai", "farm"), ("hiep hoi", "association"), ("hoi ", "association"),
    ("ban quan ly", "association"), ("trung tam", "association"),
)
_PERSON_NAME = re.compile(r"^(ông|bà|anh|chị)?\s*[A-ZÀ-Ỹ][a-zà-ỹ]+(\s+[A-ZÀ-Ỹ][a-zà-ỹ]+){1,4}$")


def producer_type(name: str) -> Inferred:
    """The producer type a name shows ("HTX Nông nghiệp Mỹ Sơn" -> cooperative)."""
    key = re.sub(r"[.,:;]", " ", ascii_fold(name))
    key = re.sub(r"\s+", " ", key).strip()
    for prefix, found in _TYPE_PREFIXES:
        if key.startswith(prefix) and (len(key) == len(prefix) or not prefix[-1].isalnum()
                                       or not key[len(prefix)].isalnum()):
            return Inferred(found, f"từ tên chủ thể «{name.strip()}»",
                            f"from the producer's name «{name.strip()}»")
    if _PERSON_NAME.match(name.strip()):
        return Inferred(None, f"tên chủ thể «{name.strip()}» là tên người: có thể là hộ sản xuất "
                        "hoặc hộ kinh doanh, hoặc trang trại",
                        f"the producer «{name.strip()}» is a person's name: a household business "
                        "or a farm", ("household", "farm"))
    return Inferred(None, f"tên chủ thể «{name.strip()}» không cho biết loại hình",
                    f"the producer's name «{name.strip()}» does not tell its type",
                    tuple(PRODUCER_TYPES))


# --- product set -----------------------------------------------------------------------------

# Ordered rules: the first pattern found in the product's name (lower case, with diacritics, one
# tone placement) gives the set, or the candidates when the words fit more than one set. Words of
# processing come before the raw produce they are made from ("xoài sấy" is not fresh fruit).
_SET_RULES: tuple[tuple[str, tuple[int, ...]], ...] = (
    (r"du lịch|homestay|điểm tham quan|khu sinh thái|trải nghiệm", (26,)),
    (r"tinh dầu", (20,)),
    (r"xà phòng|xà bông|dầu gội|mỹ phẩm|sữa tắm|kem dưỡng|son dưỡng", (19,)),
    (r"rượu (nếp|gạo|đế|trắng|ngô|men lá|bầu đá|làng|cần|mẫu sơn)", (14,)),
    (r"rượu (vang|sim|sâm|chuối|mơ|táo mèo|ngâm|dâu|nho|mận|ba kích)|\bbia\b", (15,)),
    (r"\brượu\b", (14, 15)),
    (r"thực phẩm bảo vệ sức khỏe|thực phẩm chức năng|viên nang|viên hoàn|thuốc", (18,)),
    (r"\bcao (thảo dược|dược liệu|atiso|actiso|lá|khô|đặc)|nhung hươu|đông trùng hạ thảo|"
     r"linh chi|\bsâm\b", (18, 20)),
    (r"nước yến|yến (chưng|nước)", (17,)),
    (r"yến sào|tổ yến|\byến\b", (4, 8)),
    (r"nước mắm|\btương\b|nước tương|giấm|dầu hào", (9,)),
    (r"\bmắm\b", (8, 9)),
    (r"(rang|sấy|chiên) muối", (7,)),
    (r"muối (tôm|ớt|tiêu|sả)|\btiêu\b|\bớt\b|bột nghệ|tỏi|hành tím|gia vị|\bmuối\b(?! chua)",
     (10,)),
    (r"mật ong|sữa ong chúa|phấn hoa|đường thốt nốt|mật mía|đường mía|đường phèn|"
     r"mật (hoa )?(dừa|thốt nốt|nhãn|mía|củ)|\bmật\b", (4,)),
    (r"nước khoáng|nước uống đóng chai|nước tinh khiết", (16,)),
    (r"cà phê|\bcafe\b|ca cao|cacao|sô cô la|socola", (13,)),
    (r"(trà|chè) (xanh|búp|shan|tuyết|ô long|oolong|móc câu|đen|thái nguyên)|hồng trà|"
     r"lục trà|bạch trà", (11,)),
    (r"(trà|chè) (túi lọc )?(\w+ )?(hoa|lá|thảo mộc|khổ qua|atiso|actiso|gừng|sen|tim sen|sả|"
     r"cà gai|đinh lăng|giảo cổ lam|mãng cầu|hibiscus|bụp giấm|nấm|dược liệu|thảo dược|vối|cúc)",
     (12,)),
    (r"\b(trà|chè)\b", (11, 12)),
    (r"thảo dược|dược liệu", (18, 20)),
    (r"nước (ép|cốt|trái cây|giải khát)|siro|sữa (đậu|hạt|bắp)|nước (\w+ )?(mãng cầu|chanh|dừa|"
     r"mía|nha đam)", (17,)),
    (r"xúc xích|giò|chả (lụa|cá|quế|bò|mực)|\bchả\b|lạp xưởng|\bnem\b|ruốc|chà bông|"
     r"khô (bò|gà|heo|cá|mực|cá tra)|(cá|bò|gà|heo|mực|tôm|trâu|nai)( \w+)? khô|"
     r"(cá|mực|tôm) một nắng|"
     r"(thịt|cá|bò|heo|gà|vịt|dê|cừu|trâu)( \w+)? (xông khói|gác bếp|sấy|hun khói|ướp|muối|"
     r"khô|treo gió|một nắng)|"
     r"trứng muối|sữa chua|phô mai|bơ sữa", (8,)),
    (r"bánh|bún|phở|miến|hủ tiếu|\bmì\b|cốm|bột gạo|cháo|xôi", (6,)),
    (r"\bkẹo\b", (6, 7)),
    (r"sấy|mứt|ô mai|rang|chiên|\bsệt\b|tinh bột|bột (sắn|khoai|mì|sen)|dưa (muối|món)|"
     r"kim chi|ngâm (chua|đường|mật)|treo gió|phơi (gió|khô|sương)|\bkhô\b|\bdẻo\b|ngào đường|"
     r"\brim\b|tẩm", (7,)),
    (r"cá cảnh|chim cảnh|gà kiểng|gà cảnh", (25,)),
    (r"cây cảnh|bonsai|mai vàng|\w+ cảnh\b|\bkiểng\b|cây thế", (24,)),
    (r"\b(gạo|nếp|lúa|ngô|bắp|đậu (xanh|đen|nành|phộng)|lạc|mè|vừng)\b", (3,)),
    (r"\b(thịt|cá|tôm|cua|ghẹ|mực|ốc|sò|hàu|trứng|sữa tươi|gà|vịt|heo|lợn|bò|dê|cừu)\b", (2,)),
    (r"\b(bưởi|xoài|sầu riêng|nhãn|vải|cam|quýt|chanh|chuối|dưa lưới|dưa hấu|thanh long|"
     r"mãng cầu|măng cụt|chôm chôm|dừa|ổi|táo|nho|mít|bơ|na|mận|đào|lê|hồng|dâu|thơm|dứa|"
     r"rau|củ|khoai|nấm|măng|hạt điều|hạt tiêu|mắc ca|sen)\b", (1,)),
    (r"lụa|thổ cẩm|dệt|vải|may mặc|\báo\b|khăn", (22,)),
    (r"mây|tre|cói|lục bình|gốm|sứ|sơn mài|chiếu|đan|gỗ|mỹ nghệ|đũa|điêu khắc|đèn lồng|nón", (21,)),
    (r"\bhoa\b|lan", (23,)),
)
# Folded like the names they are matched against (one tone placement: "xoài" and "hoà" alike),
# and only ever whole words: "giòn" holds "giò", "Nha Trang" holds "rang", "của" holds "củ".
_COMPILED_SET_RULES = tuple((re.compile(rf"(?<!\w)(?:{fold(p)})(?!\w)"), sets)
                            for p, sets in _SET_RULES)


# The sectors (ngành) offices group products by, 1048's and today's (../shared/domain.md 1.5 and 2), as
# the sets they can hold.
_SECTOR_WORDS: tuple[tuple[str, tuple[int, ...]], ...] = (
    (r"thuc pham", tuple(range(1, 14))), (r"do uong", (14, 15, 16, 17)),
    (r"thao duoc|duoc lieu", (18, 19, 20)), (r"vai|may mac", (22,)),
    (r"luu niem|noi that|trang tri|thu cong|my nghe", (21, 22)),
    (r"sinh vat canh|hoa|cay canh", (23, 24, 25)), (r"du lich|dich vu", (26,)),
)


def product_set(name: str, group: str | None = None) -> Inferred:
    """The product set the office's group words and the product's name point to: the group's
    set if it names one, else the name's, kept only where it fits the group's sector."""
    group = re.sub(r"^\s*(?:[IVX]+|\d+(?:\.\d+)*)\s*[.):-]?\s*", "", group or "").strip() or None
    sector: tuple[int, ...] = ()
    if group:
        exact = product_set_named(group, numbers=False)
        if exact is not None:
            return Inferred(exact, f"từ cột nhóm «{group}»", f"from the group column «{group}»")
        folded = ascii_fold(group)
        sector = next((sets for words, sets in _SECTOR_WORDS if re.search(words, folded)), ())
        found = _by_words("nhóm", "group", group) if not sector else Inferred(None, "", "")
        if found.value is not None:
            return found
    found = _by_words("tên sản phẩm", "name", name)
    if sector and found.value is not None and found.value not in sector:
        return Inferred(None, f"{found.source_vi}, nhưng nhóm «{group}» thuộc ngành khác",
                        f"{found.source_en}, but the group «{group}» is another sector",
                        (found.value, *sector[:6]))
    if sector and found.value is None:
        fits = tuple(s for s in found.candidates if s in sector) or sector
        if len(fits) == 1:
            return Inferred(fits[0], f"từ nhóm «{group}»", f"from the group «{group}»")
        return Inferred(None, f"nhóm «{group}» gồm nhiều bộ; tên không cho biết bộ nào",
                        f"the group «{group}» holds several sets; the name does not tell which",
                        fits)
    return found


def _by_words(label_vi: str, label_en: str, text: str) -> Inferred:
    key = fold(text)
    for pattern, sets in _COMPILED_SET_RULES:
        match = pattern.search(key)
        if match is None:
            continue
        words = text[match.start():match.end()] if len(text) == len(key) else match.group(0)
        if len(sets) == 1:
            return Inferred(sets[0], f"từ chữ «{words}» trong {label_vi}",
                            f"from the words «{words}» in the {label_en}")
        return Inferred(None, f"chữ «{words}» trong {label_vi} hợp với nhiều bộ",
                        f"the words «{words}» in the {label_en} fit several sets", sets)
    return Inferred(None, f"{label_vi} «{text}» không cho biết bộ sản phẩm",
                    f"the {label_en} «{text}» does not tell the product set")


def product_set_named(text: str, numbers: bool = True) -> int | None:
    """A set given outright: its number ("4", "Bộ 4"; only with ``numbers``: a group column's
    "2. Đồ uống" numbers 1048's sectors, not sets) or its Vietnamese or English name."""
    match = re.fullmatch(r"\s*(?:bộ|bo|set)?\s*(\d{1,2})\s*[.:)-]?\s*.*", fold(text))
    if match and numbers:
        number = int(match.group(1))
        return number if number in PRODUCT_SETS else None
    key = ascii_fold(text).strip(" .:")
    for number, found in PRODUCT_SETS.items():
        if key in (ascii_fold(found.name_vi), ascii_fold(found.name_en).lower()):
            return number
    return None


# --- evaluation kind -------------------------------------------------------------------------

_KIND_WORDS = (("nang hang", "upgrade"), ("danh gia lai", "re-evaluation"),
               ("tai danh gia", "re-evaluation"), ("cong nhan lai", "re-evaluation"),
               ("lan dau", "first"), ("moi", "first"))


def evaluation_kind(note: str) -> str | None:
    """'Nâng hạng từ 3 sao' -> 'upgrade': what an annex's notes column says of a rating."""
    key = ascii_fold(note)
    for words, kind in _KIND_WORDS:
        if re.search(rf"\b{words}\b", key):
            return kind
    return None


# --- regime ----------------------------------------------------------------------------------


def regime_on(decided: date) -> Inferred:
    """The regime a decision of that date was made under, where only one was in force."""
    in_force = [r for r in REGIMES.values() if r.in_force_from <= decided
                and (r.in_force_until is None or decided <= r.in_force_until)]
    day = f"{decided:%d/%m/%Y}"
    if len(in_force) == 1:
        regime = in_force[0]
        return Inferred(regime.key, f"từ ngày quyết định {day}: chỉ {regime.name_vi} có hiệu lực",
                        f"from the decision date {day}: only {regime.name_en} was in force")
    if not in_force:
        return Inferred(None, f"ngày quyết định {day} không thuộc bộ tiêu chí OCOP nào",
                        f"no OCOP regime was in force on the decision date {day}")
    keys = tuple(r.key for r in in_force)
    names = " hoặc ".join(keys)
    return Inferred(None, f"ngày {day} có thể theo {names}", f"on {day} it may be {' or '.join(keys)}",
                    keys)
