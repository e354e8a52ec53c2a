"""Provinces and communes as they are after the 1 July 2025 reform (34 provinces, 3,321 communes).

The unit list comes from the ``vietnam-provinces`` package: pure data (JSON and enums) with no
heavy dependencies, maintained, and holding exactly the post-2025 units we check against.
(``vietnamadminunits`` also maps old units to new ones but pulls in shapely and geopy; we only
need the province-level merger table, which is short and stable, so it is kept here.)
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import vietnam_provinces
from vietnam_provinces.lookup import WARD_MAPPING


@dataclass(frozen=True)
class Province:
    code: int
    name: str  # official full name, e.g. "Thành phố Hà Nội", "Khánh Hòa"
    short_name: str  # without "Thành phố", e.g. "Hà Nội"
    slug: str  # "khanh-hoa"


@dataclass(frozen=True)
class Commune:
    code: int
    name: str  # "Xã Ninh Sơn", "Phường Tân Ninh", "Đặc khu Phú Quốc"
    province_code: int


# The 63 -> 34 merger of Resolution 202/2025/QH15: the pre-2025 provinces that no longer exist,
# and the province each one is now part of.
MERGED_INTO: dict[str, str] = {
    "Hà Giang": "Tuyên Quang", "Yên Bái": "Lào Cai", "Bắc Kạn": "Thái Nguyên",
    "Vĩnh Phúc": "Phú Thọ", "Hòa Bình": "Phú Thọ", "Bắc Giang": "Bắc Ninh",
    "Thái Bình": "Hưng Yên", "Hải Dương": "Hải Phòng", "Hà Nam": "Ninh Bình",
    "Nam Định": "Ninh Bình", "Quảng Bình": "Quảng Trị", "Quảng Nam": "Đà Nẵng",
    "Kon Tum": "Quảng Ngãi", "Bình Định": "Gia Lai", "Ninh Thuận": "Khánh Hòa",
    "Đắk Nông": "Lâm Đồng", "Bình Thuận": "Lâm Đồng", "Phú Yên": "Đắk Lắk",
    "Bình Dương": "Hồ Chí Minh", "Bà Rịa - Vũng Tàu": "Hồ Chí Minh", "Bình Phước": "Đồng Nai",
    "Long An": "Tây Ninh", "Sóc Trăng": "Cần Thơ", "Hậu Giang": "Cần Thơ",
    "Bến Tre": "Vĩnh Long", "Trà Vinh": "Vĩnh Long", "Tiền Giang": "Đồng Tháp",
    "Bạc Liêu": "Cà Mau", "Kiên Giang": "An Giang",
}

_PREFIXES = ("thanh pho ", "tinh ", "tp. ", "tp ")
# Old and new tone placement ("Hòa" / "Hoà") and case must not matter when matching names.
_TONE_FIX = {"oà": "òa", "oá": "óa", "oả": "ỏa", "oã": "õa", "oạ": "ọa", "uỳ": "ùy",
             "uý": "úy", "uỷ": "ủy", "uỹ": "ũy", "uỵ": "ụy", "oè": "òe", "oé": "óe",
             "oẻ": "ỏe", "oẽ": "õe", "oẹ": "ọe"}


def fold(text: str) -> str:
    """A matching key: NFC, lower case, one tone-placement style, single spaces."""
    text = unicodedata.normalize("NFC", text).lower().strip()
    for old, new in _TONE_FIX.items():
        text = text.replace(old, new)
    return re.sub(r"\s+", " ", text)


def ascii_fold(text: str) -> str:
    """'Khánh Hòa' -> 'khanh hoa' (for suggestions and slugs)."""
    text = unicodedata.normalize("NFD", fold(text)).replace("đ", "d")
    return "".join(c for c in text if not unicodedata.combining(c))


def _strip_province_prefix(text: str) -> str:
    key = ascii_fold(text)
    for prefix in _PREFIXES:
        if key.startswith(prefix):
            return text.strip()[len(prefix):].strip()
    return text.strip()


@lru_cache(maxsize=1)
def provinces() -> dict[int, Province]:
    result = {}
    for p in vietnam_provinces.Province.iter_all():
        short = _strip_province_prefix(p.name)
        result[int(p.code)] = Province(int(p.code), p.name, short, p.codename.replace("_", "-"))
    return result


@lru_cache(maxsize=1)
def _province_index() -> dict[str, Province]:
    index = {}
    for p in provinces().values():
        index[fold(p.name)] = p
        index[fold(p.short_name)] = p
    return index


@lru_cache(maxsize=1)
def _communes_by_province() -> dict[int, dict[str, Commune]]:
    result: dict[int, dict[str, Commune]] = {}
    for w in WARD_MAPPING.values():
        commune = Commune(int(w.code), w.name, int(w.province_code))
        result.setdefault(commune.province_code, {})[fold(w.name)] = commune
    return result


def find_province(name: str) -> Province | None:
    """The post-2025 province called ``name`` (with or without "Tỉnh"/"Thành phố")."""
    return _province_index().get(fold(_strip_province_prefix(name)))


def merged_into(old_name: str) -> Province | None:
    """For a pre-2025 province that was merged away, the province it is now part of."""
    wanted = ascii_fold(_strip_province_prefix(old_name))
    for old, new in MERGED_INTO.items():
        if ascii_fold(old) == wanted:
            return find_province(new)
    return None


def find_commune(province: Province, name: str) -> Commune | None:
    """The commune, ward or special zone of ``province`` called ``name`` (type word required)."""
    return _communes_by_province().get(province.code, {}).get(fold(name))


def suggest_communes(province: Province, name: str, limit: int = 3) -> list[str]:
    """Names in the province that match ``name`` without diacritics or type word."""
    wanted = ascii_fold(name)
    bare = re.sub(r"^(xa|phuong|thi tran|dac khu) ", "", wanted)
    names = [c.name for c in _communes_by_province().get(province.code, {}).values()]
    hits = [n for n in names if ascii_fold(n) == wanted or ascii_fold(n).endswith(" " + bare)]
    return sorted(hits)[:limit]


@lru_cache(maxsize=1)
def _old_province_patterns() -> list[tuple[str, re.Pattern[str]]]:
    return [(old, re.compile(r"\b" + re.escape(ascii_fold(old)) + r"\b")) for old in MERGED_INTO]


def old_provinces_mentioned(address: str) -> list[str]:
    """Pre-2025 province names that appear in an address written the old way."""
    key = ascii_fold(address)
    return [old for old, pattern in _old_province_patterns() if pattern.search(key)]


def data_version() -> str:
    return str(getattr(vietnam_provinces, "__data_version__", "unknown"))
