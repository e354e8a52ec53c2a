"""Where an address written before the 1 July 2025 reform is now: its province and commune.

Certificates and decision annexes keep addresses the old way ("xã Mỹ Sơn, huyện Ninh Sơn, tỉnh
Ninh Thuận"), often abbreviated ("TT Tân Sơn, H. Ninh Sơn"), sometimes without the province (it is
in the sheet's title) or the district (a section row above the product). ``resolve_address`` reads
such an address, or one already written the new way, and says which of the 34 provinces and 3,321
communes it is in now. When the answer is not one commune it asks instead of picking: an old
commune split between several new ones, or a name that several old units share.

The data is that of ``vietnamadminunits`` (read by ``site_builder.place_data``): the 10,035 communes of
early 2025 with their GSO codes and districts, the names communes and districts had before the
mergers of 2020-2024, the districts divided between others, and the old -> new table, with
``_CORRECTIONS`` where that table disagrees with the Government's.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Any

from site_builder import place_data
from site_builder.domain.places import (
    Commune,
    OldProvince,
    Province,
    ascii_fold,
    communes_of,
    find_commune,
    find_province,
    fold,
    merged_province_patterns,
    name_key,
    old_provinces,
    provinces,
)

# Old communes whose row in vietnamadminunits 1.0.4 disagrees with the Government's conversion table
# (Bảng chuyển đổi ĐVHC mới - cũ, July 2025, as published in vietnam-provinces 2026.x, which needs
# Python 3.12 and so is not a dependency). Most are same-named units of provinces merged together
# whose rows were crossed: Phường 4 of Tây Ninh city listed as split into Phường Long An, 89 km away,
# Phường 4 of Tân An into Phường Tân Ninh. Keyed by the old GSO code; the new communes are in the
# province the old one is part of now. tests/domain/test_places.py fails when the package is fixed.
_CORRECTIONS: dict[str, tuple[str, ...]] = {
    "00553": ("Phường Phúc Lợi", "Xã Gia Lâm", "Xã Phù Đổng", "Xã Thuận An"),  # Xã Cổ Bi, Gia Lâm
    "00556": ("Xã Phù Đổng",),  # Xã Đặng Xá, Gia Lâm
    "01615": ("Xã Bế Văn Đàn", "Xã Phục Hòa"),  # Xã Hồng Quang, Quảng Hòa, Cao Bằng
    "02485": ("Xã Thái Bình", "Xã Trung Sơn"),  # Xã Công Đa, Yên Sơn, Tuyên Quang
    "06079": ("Xã Hồng Phong",),  # Xã Hồng Phong, Bình Gia, Lạng Sơn
    "09013": ("Xã Mê Linh", "Xã Tiến Thắng", "Xã Yên Lãng", "Xã Ô Diên"),  # Xã Văn Khê, Mê Linh
    "10798": ("Xã Hà Nam", "Xã Kim Thành"),  # Xã Hòa Bình, Kim Thành, Hải Dương
    "11890": ("Xã Nguyễn Bỉnh Khiêm",),  # Xã Hoà Bình, Vĩnh Bảo, Hải Phòng
    "23053": ("Xã Hòa Thắng",),  # Xã Hòa Thắng, Bắc Bình, Bình Thuận
    "25462": ("Phường Tân Ninh",),  # Phường 4, Thành phố Tây Ninh
    "27691": ("Phường Long An",),  # Phường 4, Thành phố Tân An, Long An
    "28036": ("Xã Thủ Thừa",),  # Thị trấn Thủ Thừa, Long An
    "28252": ("Phường Đạo Thạnh",),  # Phường 4, Thành phố Mỹ Tho, Tiền Giang
    "28270": ("Phường Thới Sơn",),  # Phường 6, Thành phố Mỹ Tho
    "28437": ("Phường Mỹ Phước Tây",),  # Phường 3, Thị xã Cai Lậy
    "28439": ("Phường Cai Lậy",),  # Phường 4, Thị xã Cai Lậy
    "28924": ("Xã Tân Thành Bình",),  # Xã Hòa Lộc, Mỏ Cày Bắc, Bến Tre
    "29623": ("Xã Nhơn Phú",),  # Xã Mỹ An, Mang Thít, Vĩnh Long
    "29734": ("Xã Hòa Hiệp",),  # Xã Hoà Lộc, Tam Bình, Vĩnh Long
    "29902": ("Phường Sa Đéc",),  # Phường 3, Thành phố Sa Đéc, Đồng Tháp
    "29908": ("Phường Sa Đéc",),  # Phường 4, Thành phố Sa Đéc
    "31246": ("Xã Thạnh Quới",),  # Xã Thạnh Quới, Vĩnh Thạnh, Cần Thơ
    "31268": ("Xã Trường Thành",),  # Xã Tân Thạnh, Thới Lai, Cần Thơ
    "31378": ("Xã Phú Hữu",),  # Xã Phú Hữu, Châu Thành, Hậu Giang
    "31379": ("Xã Phú Hữu",),  # Xã Phú Tân, Châu Thành, Hậu Giang
    "31438": ("Xã Thạnh Hòa",),  # Xã Tân Long, Phụng Hiệp, Hậu Giang
    "31474": ("Phường Long Bình",),  # Xã Long Bình, Thị xã Long Mỹ
    "31480": ("Phường Long Phú 1",),  # Xã Long Phú, Thị xã Long Mỹ
    "31483": ("Xã Xà Phiên",),  # Xã Thuận Hưng, Huyện Long Mỹ
    "31582": ("Xã Thuận Hòa",),  # Xã Phú Tân, Châu Thành, Sóc Trăng
    "31606": ("Xã Mỹ Hương",),  # Xã Thuận Hưng, Mỹ Tú, Sóc Trăng
    "31657": ("Xã Trường Khánh",),  # Xã Phú Hữu, Long Phú, Sóc Trăng
    "31666": ("Xã Tân Thạnh",),  # Xã Tân Thạnh, Long Phú, Sóc Trăng
    "31669": ("Xã Long Phú",),  # Xã Long Phú, Long Phú, Sóc Trăng
    "31714": ("Xã Gia Hòa",),  # Xã Thạnh Quới, Mỹ Xuyên, Sóc Trăng
    "31741": ("Xã Tân Long",),  # Xã Tân Long, Thị xã Ngã Năm
    "31744": ("Xã Tân Long",),  # Xã Long Bình, Thị xã Ngã Năm
}

# Names a province had before it appears in the dataset (Thừa Thiên Huế became Thành phố Huế in
# January 2025), as compact ascii keys -> old code.
_PROVINCE_ALIASES = {"thuathienhue": 46, "tphcm": 79, "saigon": 79}


@dataclass(frozen=True)
class OldDistrict:
    key: str  # the dataset's key, "tinhninhthuan_huyenninhson"
    name: str  # "Huyện Ninh Sơn"
    province: OldProvince


@dataclass(frozen=True)
class OldCommune:
    code: str  # the GSO code before the reform, "22822"
    name: str  # "Xã Mỹ Sơn"
    district: OldDistrict
    now: tuple[Commune, ...]  # one, or several when it was split

    @property
    def full_name(self) -> str:
        return f"{self.name}, {self.district.name}, {self.district.province.name}"


@dataclass(frozen=True)
class PlaceAnswer:
    province: Province | None  # post-2025
    commune: Commune | None  # post-2025; None when unknown or ambiguous
    candidates: tuple[Commune, ...]  # the question when commune is None: the communes it may be
    old_unit: str | None  # the old unit as understood: "Xã Mỹ Sơn, Huyện Ninh Sơn, Tỉnh Ninh Thuận"
    how_vi: str  # how it was worked out, for a person to confirm
    how_en: str


# --- Reading an address ----------------------------------------------------------------------------

_COMMUNE, _DISTRICT, _CITY, _PROVINCE, _STREET = "commune", "district", "city", "province", "street"
Keep = Callable[[Any], bool]  # which old units (communes or districts) a search may return

# Spellings of the type words (folded), longest first when matched: full words with and without
# diacritics, and the abbreviations annexes use. "thành phố" is a district or a province (_CITY).
_TYPE_SPELLINGS: dict[str, tuple[str, str]] = {}
for _type, _level, _spellings in (
    ("thị trấn", _COMMUNE, ("thị trấn", "thi tran", "t.t.", "t.t", "tt.", "tt")),
    ("đặc khu", _COMMUNE, ("đặc khu", "dac khu")),
    ("phường", _COMMUNE, ("phường", "phuong", "p.")),
    ("xã", _COMMUNE, ("xã", "xa", "x.")),
    ("thị xã", _DISTRICT, ("thị xã", "thi xa", "t.x.", "t.x", "tx.", "tx")),
    ("huyện", _DISTRICT, ("huyện", "huyen", "h.")),
    ("quận", _DISTRICT, ("quận", "quan", "q.")),
    ("thành phố", _CITY, ("thành phố", "thanh pho", "t.p.", "t.p", "tp.", "tp")),
    ("tỉnh", _PROVINCE, ("tỉnh", "tinh", "t.")),
    ("", _STREET, ("thôn", "thon", "ấp", "ap", "xóm", "xom", "khu phố", "khu pho", "kp.", "kp",
                   "khóm", "khom", "tổ dân phố", "tdp", "tổ", "số", "đường", "ngõ", "hẻm", "kiệt",
                   "quốc lộ", "ql", "tỉnh lộ", "khu vực", "khu")),
):
    for _spelling in _spellings:
        _TYPE_SPELLINGS[_spelling] = (_level, _type)
# A type word at the start of a part: a dotted abbreviation, or a word followed by a space.
_TYPE_AT_START = re.compile("|".join(
    re.escape(s) + ("" if s.endswith(".") else r"(?= )")
    for s in sorted(_TYPE_SPELLINGS, key=len, reverse=True)))
# Type words spelt without diacritics that are also the start of names: Quan Hoa, Xa Dung, Tinh Nhuệ.
_PLAIN_WORDS = {"xa", "phuong", "thi tran", "dac khu", "huyen", "quan", "thi xa", "thanh pho", "tinh",
                "thon", "ap", "xom", "khu pho", "khom"}
_NUMBERED = re.compile(r"^(p|f|phường|phuong|q|quận|quan)\.?\s*0*(\d+)$")
_NUMBERED_TYPES = {"p": "phường", "f": "phường", "phường": "phường", "phuong": "phường",
                   "q": "quận", "quận": "quận", "quan": "quận"}
# Where a part written without commas ("TT Tân Sơn H. Ninh Sơn") starts a new unit: before a type
# word written in full with its diacritics, a dotted abbreviation, or TP/TX/TT in capitals.
_SPLIT = re.compile(
    r"(?<![Tt]hị)(?<!THỊ)\s+(?=(?:(?i:thị xã|thị trấn|thành phố|tỉnh|huyện|quận|phường|xã|đặc khu)"
    r"|(?:TP|TX|TT))\s+\S|(?i:t\.p\.|tp\.|tx\.|tt\.|h\.|q\.|x\.|p\.|t\.)\s*\S)")
_COUNTRY = ("vietnam", "vn")
_COMMUNE_TYPES = ("thị trấn", "đặc khu", "phường", "xã")
_DISTRICT_TYPES = ("thị xã", "thành phố", "huyện", "quận")
_ALL_TYPES = (*_COMMUNE_TYPES, *_DISTRICT_TYPES, "tỉnh")


@dataclass(frozen=True)
class _Part:
    """One unit of an address as written: "H. Ninh Sơn" -> district, type "huyện", name "Ninh Sơn"."""

    text: str
    level: str | None  # _COMMUNE ... _STREET, None when no type word is written
    type: str  # canonical type word, "" when none
    name: str  # without the type word
    plain_type: bool = False  # the type word is one that also starts names ("Quan Hóa"): retry as a name

    @property
    def written(self) -> str:
        return f"{self.type} {self.name}" if self.type else self.name

    @cached_property
    def key(self) -> str:
        return name_key(self.name)

    @cached_property
    def loose_keys(self) -> frozenset[str]:
        return frozenset((_compact(self.name), _compact(self.written)))


_WHITESPACE = re.compile(r"\s+")
_SEPARATORS = re.compile(r"[,;\n|]")
_NOT_ALNUM = re.compile(r"[^a-z0-9]")


def _clean(text: str) -> str:
    return _WHITESPACE.sub(" ", unicodedata.normalize("NFC", text)).strip(" .-–")


def _bare(name: str) -> str:
    """Numbered units are matched by number: "Phường 04" and "Phường 4" are one."""
    return str(int(name)) if name.isdigit() else name


@lru_cache(maxsize=4096)  # addresses repeat their communes and provinces
def _part(text: str, plain: bool = False) -> _Part:
    """One cleaned part. A type word written without diacritics ("huyen Ninh Sơn") counts when the
    name has diacritics or the whole address (``plain``) has none: "Quan Hoa" in an address written
    with diacritics is the ward Quan Hoa, not "quận Hoa"."""
    key = fold(text)
    numbered = _NUMBERED.match(key)
    if numbered:
        type_ = _NUMBERED_TYPES[numbered.group(1)]
        return _Part(text, _COMMUNE if type_ == "phường" else _DISTRICT, type_, str(int(numbered.group(2))))
    typed = _TYPE_AT_START.match(key)
    name = _clean(text[typed.end():]) if typed else ""
    if typed and not plain and typed.group() in _PLAIN_WORDS and name.isascii():
        typed = None
    if typed and name:
        level, type_ = _TYPE_SPELLINGS[typed.group()]
        return _Part(text, level, type_, _bare(name), typed.group() in _PLAIN_WORDS)
    return _Part(text, None, "", _bare(text))


def _parts(address: str) -> list[_Part]:
    """The units of an address, smallest first as written; empty pieces dropped."""
    pieces = (_clean(piece) for chunk in _SEPARATORS.split(address) for piece in _SPLIT.split(_clean(chunk)))
    plain = address.isascii()
    return [_part(piece, plain) for piece in pieces if piece and _compact(piece) not in _COUNTRY]


@lru_cache(maxsize=4096)  # addresses repeat their communes and provinces
def _compact(text: str) -> str:
    return _NOT_ALNUM.sub("", ascii_fold(text))


# --- The dataset, indexed once ---------------------------------------------------------------------

@dataclass
class _History:
    districts: dict[str, OldDistrict] = field(default_factory=dict)
    district_exact: dict[str, list[OldDistrict]] = field(default_factory=lambda: defaultdict(list))
    district_loose: dict[str, list[OldDistrict]] = field(default_factory=lambda: defaultdict(list))
    commune_exact: dict[str, list[OldCommune]] = field(default_factory=lambda: defaultdict(list))
    commune_loose: dict[str, list[OldCommune]] = field(default_factory=lambda: defaultdict(list))
    types: dict[str, str] = field(default_factory=dict)  # district key or commune code -> type word
    wardless: dict[str, Commune] = field(default_factory=dict)  # island district -> special zone
    province_keys: dict[str, OldProvince] = field(default_factory=dict)
    aliases: dict[str, set[str]] = field(default_factory=dict)  # district key -> names before a merger
    # A district split between others before 2025 (huyện Lộc Hà, thành phố Huế) -> those others.
    successors: dict[str, list[OldDistrict]] = field(default_factory=lambda: defaultdict(list))


def _new_communes() -> dict[tuple[str, str], Commune]:
    """The dataset's current units (province key, ward key) as the catalog's ``Commune``."""
    result = {}
    for province_key, code, ward_key, name in place_data.new_communes():
        commune = find_commune(provinces()[int(code)], name)
        if commune is None:
            raise RuntimeError(f"vietnamadminunits lists '{name}' (province {code}), "
                               f"which vietnam-provinces does not have")
        result[(province_key, ward_key)] = commune
    return result


def _old_to_new() -> dict[str, list[Commune]]:
    """Old "province_district_ward" key -> the current communes it went to."""
    new = _new_communes()
    table = place_data.conversion_table()
    result: dict[str, list[Commune]] = defaultdict(list)
    for province_key, wards in table["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for ward_key, old_keys in wards.items():
            for old_key in old_keys:
                result[old_key].append(new[(province_key, ward_key)])
    for province_key, divided in table["DICT_PROVINCE_WARD_DIVIDED"].items():
        for old_key, parts in divided.items():
            result[old_key].extend(new[(province_key, part["newWardKey"])] for part in parts)
    return result


def _aliases(raw: str | None) -> list[str]:
    return re.findall(r'"([a-z0-9]+)"', raw or "")


def _typed_name(name: str, types: tuple[str, ...], given: str) -> tuple[str, str, str]:
    """The type word the dataset's name starts with (its type column is sometimes wrong: "Thị trấn
    Ngọc Lặc" is listed as a "Xã"), the name with that word capitalised the usual way ("Thị Xã Việt
    Yên" -> "Thị xã Việt Yên") and the name without it ("Việt Yên"; "4" for "Phường 4")."""
    key = fold(name)
    type_ = next((t for t in types if key.startswith(t + " ")), "")
    if not type_:
        return fold(given), name, name
    bare = name[len(type_):].strip()
    return type_, f"{type_.capitalize()} {bare}", _bare(bare)


def _bare_name(full_name: str) -> str:
    """"Xã Mỹ Sơn" -> "Mỹ Sơn", "Phường 4" -> "4"."""
    key = fold(full_name)
    type_ = next((t for t in _ALL_TYPES if key.startswith(t + " ")), "")
    return _bare(full_name[len(type_):].strip()) if type_ else full_name


def _corrected(code: str, province: Province, now: Iterable[Commune]) -> tuple[Commune, ...]:
    names = _CORRECTIONS.get(code)
    if names is None:
        return tuple(sorted(set(now), key=lambda c: c.code))
    found = tuple(find_commune(province, name) for name in names)
    if None in found:
        raise RuntimeError(f"correction for old commune {code}: {names} not all in {province.name}")
    return tuple(c for c in found if c is not None)


@lru_cache(maxsize=1)
def _history() -> _History:
    """All old units, indexed by exact name (diacritics kept) and by compact ascii (with aliases)."""
    h = _History()
    _add_provinces(h)
    mapping = _old_to_new()
    for (p_key, p_code, d_key, d_name, d_type, d_alias, w_key, w_name, w_type, w_code,
         w_alias) in place_data.old_units():
        key = f"{p_key}_{d_key}"
        district = h.districts.get(key) or _add_district(h, key, d_name, d_type, d_alias, int(p_code))
        if w_code:
            now = _corrected(w_code, district.province.now, mapping.get(f"{key}_{w_key}", ()))
            _add_commune(h, district, w_code, w_name, w_type, w_alias, now)
        elif mapping.get(f"{key}_"):  # an island district without communes: a special zone now
            h.wardless[key] = mapping[f"{key}_"][0]
    _add_successors(h)
    return h


def _add_provinces(h: _History) -> None:
    old_by_code = old_provinces()
    h.province_keys = {_compact(p.short_name): p for p in old_by_code.values()}
    for province_key, code, keywords in place_data.old_province_keywords():
        for keyword in [province_key, *_aliases(keywords)]:
            h.province_keys.setdefault(keyword, old_by_code[int(code)])
    for alias, code in _PROVINCE_ALIASES.items():
        h.province_keys.setdefault(alias, old_by_code[code])


def _add_district(h: _History, key: str, name: str, type_: str, aliases: str | None,
                  province_code: int) -> OldDistrict:
    h.types[key], name, bare = _typed_name(name, _DISTRICT_TYPES, type_)
    district = h.districts[key] = OldDistrict(key, name, old_provinces()[province_code])
    h.district_exact[name_key(bare)].append(district)
    h.aliases[key] = set(_aliases(aliases))
    for loose in {_compact(bare), _compact(name), *h.aliases[key]}:
        h.district_loose[loose].append(district)
    return district


def _add_commune(h: _History, district: OldDistrict, code: str, name: str, type_: str,
                 aliases: str | None, now: tuple[Commune, ...]) -> None:
    h.types[code], name, bare = _typed_name(name, _COMMUNE_TYPES, type_)
    commune = OldCommune(code, name, district, now)
    h.commune_exact[name_key(bare)].append(commune)
    for loose in {_compact(bare), _compact(name), *_aliases(aliases)}:
        h.commune_loose[loose].append(commune)


def _add_successors(h: _History) -> None:
    """Districts divided between others before 2025, from the package's address-parser data."""
    for province_key, divided in place_data.divided_districts().items():
        for entry in divided.values():
            now = [h.districts[f"{province_key}_{key}"] for key in entry["districts"]
                   if f"{province_key}_{key}" in h.districts]
            for keyword in entry["dividedDistrictKeywords"]:
                h.successors[keyword].extend(now)


def _sort_key(unit: OldDistrict | OldCommune) -> str:
    return unit.code if isinstance(unit, OldCommune) else unit.key


def _typed(units: list, part: _Part) -> list:
    """Units of the written type when there are any (a "xã" may have become a "phường")."""
    if not part.type:
        return units
    types = _history().types
    same = [u for u in units if types.get(_sort_key(u)) == part.type]
    return same or units


def _match(part: _Part, exact: dict, loose: dict, keep: Keep) -> tuple[list, bool]:
    """Units named like ``part`` that ``keep`` accepts, and whether they were found by exact name."""
    units = [u for u in exact.get(part.key, ()) if keep(u)]
    if units:
        return _typed(units, part), True
    found = {_sort_key(u): u for k in part.loose_keys for u in loose.get(k, ()) if keep(u)}
    return _typed(sorted(found.values(), key=_sort_key), part), False


# --- Where the address says it is ------------------------------------------------------------------

@dataclass(frozen=True)
class _Scope:
    """The province an address names: the old one when the name is one, and the one it is in now."""

    written: str
    old: OldProvince | None
    now: Province | None
    is_current_name: bool  # the name is that of a current province (Khánh Hòa, not Ninh Thuận)

    def old_codes(self, widen: bool) -> frozenset[int]:
        if self.old and not widen:
            return frozenset((self.old.code,))
        return _merged_into(self.now.code) if self.now else frozenset()


@lru_cache(maxsize=64)
def _merged_into(now_code: int) -> frozenset[int]:
    """The old provinces that are part of the current province ``now_code``."""
    return frozenset(p.code for p in old_provinces().values() if p.now.code == now_code)


_PROVINCE_WORD = re.compile(r"^(tinh|thanhpho|tp)")


@lru_cache(maxsize=1)
def _province_keys() -> dict[str, OldProvince]:
    """The old provinces by the keys they are written with: all that telling a province needs
    (checking one record's address must not index every old district and commune first)."""
    h = _History()
    _add_provinces(h)
    return h.province_keys


@lru_cache(maxsize=4096)  # addresses repeat their communes and provinces
def _province_scope(part: _Part) -> _Scope | None:
    current = find_province(part.name)
    keys = _province_keys()
    key = _compact(part.name)
    old = keys.get(key) or keys.get(_PROVINCE_WORD.sub("", key))
    if old is None and current is None:
        return None
    return _Scope(part.written, old, current or (old.now if old else None), current is not None)


def _scope_of(old: OldProvince) -> _Scope:
    return _Scope(old.name, old, old.now, find_province(old.short_name) is not None)


def _is_province(part: _Part) -> bool:
    scope = _province_scope(part)
    if part.level == _PROVINCE or scope is None:
        return scope is not None
    if part.level == _CITY:  # "thành phố Hà Nội" is a province, "thành phố Tây Ninh" a district
        return bool(scope.old and scope.old.name.startswith("Thành phố"))
    return part.level is None


@dataclass
class _Reading:
    province: _Part | None = None
    district: _Part | None = None
    commune: _Part | None = None
    untyped: list[_Part] = field(default_factory=list)  # right to left
    streets: list[_Part] = field(default_factory=list)  # "Thôn ...", "Đường ...": names of last resort


def _read(parts: list[_Part]) -> _Reading:
    """Which written part is the province, the district and the commune (addresses end with the
    largest unit; a part with no type word is tried as province when last, else district/commune)."""
    reading = _Reading()
    reading.streets = [_raw(p) for p in reversed(parts) if p.level == _STREET]
    meaningful = [p for p in parts if p.level != _STREET]
    for index, part in enumerate(reversed(meaningful)):
        if reading.province is None and (part.level == _PROVINCE or (index == 0 and _is_province(part))
                                         or (part.level == _CITY and _is_province(part))):
            reading.province = part
        elif part.level in (_DISTRICT, _CITY) and reading.district is None:
            reading.district = part
        elif part.level == _COMMUNE and reading.commune is None:
            reading.commune = part
        else:  # no type word, or a second one of a kind ("Tinh Nhuệ" after the province): a name
            reading.untyped.append(_raw(part))
    return reading


@lru_cache(maxsize=4096)  # a producer's products share its address
def province_written(address: str) -> str | None:
    """The part of ``address`` that names its province, as written ("tỉnh Ninh Thuận"), if any."""
    reading = _read(_parts(str(address or "")))
    if reading.province is None or _province_scope(reading.province) is None:
        return None
    return reading.province.text


def old_provinces_mentioned(address: str) -> list[str]:
    """Pre-2025 province names an address written the old way gives as its province. A hamlet,
    commune or district named like a province ("Ấp Bình Thuận", "xã Hòa Bình") is not one."""
    written = province_written(address)
    if written is None:
        return []
    key = ascii_fold(written)
    return [old for old, pattern in merged_province_patterns() if pattern.search(key)]


def names_a_province(address: str) -> bool:
    """Whether an address ends in its province, old or new ("..., tỉnh Nam Định", "..., Huế");
    a town called "thành phố" (Phan Rang - Tháp Chàm) is no province."""
    return province_written(address) is not None


def _raw(part: _Part) -> _Part:
    """The part read as a name, type word included ("Đường Thượng" is a commune of Hà Giang)."""
    return _Part(part.text, None, "", _bare(part.text))


def _hint_part(hint: str | None, level: str) -> _Part | None:
    """A (cleaned) hint read as the unit it stands for, with or without its type word."""
    if not hint:
        return None
    part = _part(hint, hint.isascii())
    return part if part.level in (level, _CITY) else _Part(hint, level, "", _bare(hint))


# --- Answers ---------------------------------------------------------------------------------------

def _lower_types(full_name: str) -> str:
    """"Xã Mỹ Sơn, Huyện Ninh Sơn" -> "xã Mỹ Sơn, huyện Ninh Sơn" (as people write it in a sentence)."""
    pieces = []
    for piece in full_name.split(", "):
        key = fold(piece)
        type_ = next((t for t in _ALL_TYPES if key.startswith(t + " ")), "")
        pieces.append(type_ + piece[len(type_):])
    return ", ".join(pieces)


def _names(communes: Iterable[Commune]) -> str:
    """"Xã Mỹ Sơn, Xã Lâm Sơn"; with the province when they are in several."""
    communes = list(communes)
    if len({c.province_code for c in communes}) < 2:
        return ", ".join(c.name for c in communes)
    return ", ".join(f"{c.name} ({provinces()[c.province_code].short_name})" for c in communes)


def _province_of(communes: Iterable[Commune], fallback: Province | None) -> Province | None:
    codes = {c.province_code for c in communes}
    return provinces()[codes.pop()] if len(codes) == 1 else fallback


def _with_notes(vi: str, en: str, notes: list[tuple[str, str]]) -> tuple[str, str]:
    return (vi + "".join(f"; {n_vi}" for n_vi, _ in notes), en + "".join(f"; {n_en}" for _, n_en in notes))


def _answer(province: Province | None, commune: Commune | None, candidates: Iterable[Commune],
            old_unit: str | None, vi: str, en: str, notes: list[tuple[str, str]]) -> PlaceAnswer:
    how_vi, how_en = _with_notes(vi, en, notes)
    return PlaceAnswer(province, commune, tuple(candidates), old_unit, how_vi, how_en)


def _from_old_unit(unit: OldCommune, notes: Notes) -> PlaceAnswer:
    old = _lower_types(unit.full_name)
    province = _province_of(unit.now, unit.district.province.now)
    if len(unit.now) == 1:
        commune = unit.now[0]
        where = f"{commune.name}, {province.short_name if province else ''}".rstrip(", ")
        return _answer(province, commune, (), unit.full_name,
                       f"{old} (cũ) → {where}", f"{old} (before 2025) → {where}", notes)
    names = _names(unit.now)
    return _answer(province, None, unit.now, unit.full_name,
                   f"{old} (cũ) nay chia cho {len(unit.now)} xã/phường: {names}; cần chọn một",
                   f"{old} (before 2025) was split between {len(unit.now)} communes: {names}; "
                   f"choose one", notes)


def _from_several(units: list[OldCommune], written: str, notes: list[tuple[str, str]],
                  fallback: Province | None) -> PlaceAnswer:
    """Several old units answer to the name: one answer only if they all went to the same commune."""
    now = sorted({c for u in units for c in u.now}, key=lambda c: c.code)
    listed = "; ".join(f"{u.full_name} → {_names(u.now)}" for u in units)
    if len(now) == 1:
        notes = [*notes, (f"{len(units)} đơn vị cũ cùng tên, đều nay thuộc {now[0].name}",
                          f"{len(units)} old units share the name, all now in {now[0].name}")]
        return _from_old_unit(units[0], notes)
    if len({u.district.key for u in units}) == 1:
        ask_vi, ask_en = "ghi rõ xã, phường hay thị trấn", "write whether it is a xã, phường or thị trấn"
    elif len({u.district.province.code for u in units}) == 1:
        ask_vi, ask_en = "ghi thêm huyện để biết là đơn vị nào", "add the district to tell which"
    else:
        ask_vi, ask_en = "ghi thêm huyện và tỉnh để biết là đơn vị nào", "add the district and province"
    return _answer(_province_of(now, fallback), None, now, None,
                   f"'{written}' khớp {len(units)} đơn vị cũ ({listed}); {ask_vi}",
                   f"'{written}' matches {len(units)} old units ({listed}); {ask_en}", notes)


def _not_found(scope: _Scope | None, district: OldDistrict | None, what_vi: str, what_en: str,
               notes: list[tuple[str, str]]) -> PlaceAnswer:
    province = district.province.now if district else (scope.now if scope else None)
    return _answer(province, None, (), None, what_vi, what_en, notes)


# --- Resolving -------------------------------------------------------------------------------------

Notes = list[tuple[str, str]]  # (vi, en) remarks added to how_vi / how_en


def _find(part: _Part, keep: Keep, exact: dict, loose: dict) -> tuple[list, bool]:
    found, by_name = _match(part, exact, loose, keep)
    if not found and part.plain_type:  # "Quan Hóa" is a district, not "quận Hóa"
        found, by_name = _match(_raw(part), exact, loose, keep)
    return found, by_name


def _find_communes(part: _Part, keep: Keep) -> tuple[list[OldCommune], bool]:
    return _find(part, keep, _history().commune_exact, _history().commune_loose)


def _find_districts(part: _Part, keep: Keep) -> tuple[list[OldDistrict], bool]:
    return _find(part, keep, _history().district_exact, _history().district_loose)


def _in_scope(scope: _Scope | None, widen: bool) -> Keep:
    if scope is None:
        return lambda u: True
    codes = scope.old_codes(widen)
    return lambda u: (u.district if isinstance(u, OldCommune) else u).province.code in codes


def _in_districts(districts: list[OldDistrict]) -> Keep:
    keys = {d.key for d in districts}
    return lambda u: u.district.key in keys


def _search(part: _Part, finder: Callable[[_Part, Keep], tuple[list, bool]],
            scope: _Scope | None) -> tuple[list, bool]:
    """Units named ``part`` in the province written, then in every old province now merged with it."""
    found, exact = finder(part, _in_scope(scope, widen=False))
    if not found and scope is not None:
        found, exact = finder(part, _in_scope(scope, widen=True))
    return found, exact


def _current_commune(province: Province, part: _Part) -> Commune | None:
    """The current commune of ``province`` written as ``part`` (type word optional)."""
    if part.type:
        return find_commune(province, part.written)
    same = [c for c in communes_of(province) if name_key(_bare_name(c.name)) == name_key(part.name)]
    return same[0] if len(same) == 1 else None


def _renamed_note(part: _Part, unit: OldCommune, exact: bool) -> Notes:
    """A remark when ``part`` matched ``unit`` by a name it had before a merger."""
    if exact or _compact(part.name) == _compact(_bare_name(unit.name)):
        return []
    return [(f"'{part.written}' là tên trước khi sáp nhập của {unit.name}",
             f"'{part.written}' is the name before a merger of {unit.name}")]


def _resolve_new_form(scope: _Scope, commune_part: _Part, notes: Notes) -> PlaceAnswer | None:
    """"xã Ninh Sơn, tỉnh Khánh Hòa": a current commune of a current province, no district."""
    if not (scope.is_current_name and scope.now):
        return None
    commune = _current_commune(scope.now, commune_part)
    if commune is None:
        return None
    old_units, _ = _find_communes(commune_part, _in_scope(scope, widen=False))
    other = next((u for u in old_units if commune not in u.now), None)
    if other:  # the same name before 2025 is somewhere else now: say so, for a person to check
        now = _names(other.now)
        notes = [*notes, (f"trước 2025 cũng có {other.full_name}, nay là {now}",
                          f"before 2025 there was also {other.full_name}, now {now}")]
    where = f"{commune.name}, {scope.now.short_name}"
    return _answer(scope.now, commune, (), None, f"{where} (tên hiện nay)", f"{where} (current name)", notes)


def _street_as_commune(streets: list[_Part], scope: _Scope | None,
                       districts: list[OldDistrict]) -> _Part | None:
    """With no commune written, a part read as a street may be one: "Đường Thượng, Yên Minh"."""
    if not districts and scope is None:
        return None
    keep = _in_districts(districts) if districts else _in_scope(scope, widen=False)
    return next((street for street in streets if _find_communes(street, keep)[0]), None)


def _resolve(address: str, province_hint: str | None, district_hint: str | None) -> PlaceAnswer:
    """Read the address, settle its province, district and commune parts, then look them up."""
    reading = _read(_parts(address))
    notes: Notes = []
    province_part = reading.province
    if province_part is None and (hint := _hint_part(province_hint, _PROVINCE)):
        province_part = hint
        notes.append((f"địa chỉ không ghi tỉnh, coi là {hint.text}",
                      f"the address names no province, taken to be {hint.text}"))
    scope = _province_scope(province_part) if province_part else None
    if province_part and scope is None:
        notes.append((f"không biết tỉnh '{province_part.text}'", f"unknown province '{province_part.text}'"))
    district_part, untyped = reading.district, list(reading.untyped)
    if district_part is None and untyped and (reading.commune or len(untyped) > 1 or reading.streets):
        if _search(untyped[0], _find_districts, scope)[0]:  # "Mỹ Sơn, Ninh Sơn, Ninh Thuận"
            district_part = untyped.pop(0)
    if district_part is None and (hint := _hint_part(district_hint, _DISTRICT)):
        district_part = hint
        notes.append((f"địa chỉ không ghi huyện, coi là {hint.text}",
                      f"the address names no district, taken to be {hint.text}"))
    tiers = _districts(district_part, scope, notes)
    commune_part = reading.commune or (untyped[0] if untyped else None)
    commune_part = commune_part or _street_as_commune(reading.streets, scope, tiers[0] if tiers else [])
    if commune_part is None:
        return _no_commune(scope, tiers[0] if tiers else [], notes)
    if district_part is None and scope is not None:
        answer = _resolve_new_form(scope, commune_part, notes)
        if answer:
            return answer
    return _resolve_old_form(scope, district_part, tiers, commune_part, notes)


def _districts(part: _Part | None, scope: _Scope | None, notes: Notes) -> list[list[OldDistrict]]:
    """The old districts ``part`` names (several when no province tells them apart), then those that
    took its communes when it was divided before 2025; a note when there is none."""
    if part is None:
        return []
    districts, _ = _search(part, _find_districts, scope)
    keep = _in_scope(scope if scope or not districts else _scope_of(districts[0].province), widen=True)
    named = {d.key for d in districts}
    successors = {d.key: d for key in part.loose_keys for d in _history().successors.get(key, ())
                  if keep(d) and d.key not in named}
    if not districts and not successors:
        notes.append((f"không tìm thấy {part.written}" + (f" ở {scope.written}" if scope else ""),
                      f"found no {part.written}" + (f" in {scope.written}" if scope else "")))
    return [tier for tier in (districts, list(successors.values())) if tier]


def _district_note(part: _Part | None, unit: OldCommune) -> Notes:
    """A remark when the district written is not the one the commune was in early in 2025."""
    district = unit.district
    if part is None or _compact(part.name) == _compact(_bare_name(district.name)):
        return []
    if part.loose_keys & _history().aliases.get(district.key, set()):
        return [(f"{part.written} đã nhập vào {district.name} trước 2025",
                 f"{part.written} had become part of {district.name} before 2025")]
    return [(f"trước 2025 {unit.name} đã thuộc {district.name}, không còn thuộc {part.written}",
             f"before 2025 {unit.name} was part of {district.name}, no longer of {part.written}")]


def _no_commune(scope: _Scope | None, districts: list[OldDistrict], notes: Notes) -> PlaceAnswer:
    """No commune written: only an island district (now a special zone) still gives one."""
    district = districts[0] if len(districts) == 1 else None
    zone = _history().wardless.get(district.key) if district else None
    if district and zone:
        province = provinces()[zone.province_code]
        old_unit = f"{district.name}, {district.province.name}"
        old, where = _lower_types(old_unit), f"{zone.name}, {province.short_name}"
        return _answer(province, zone, (), old_unit, f"{old} (cũ) → {where}",
                       f"{old} (before 2025) → {where}", notes)
    return _not_found(scope, district, "địa chỉ không ghi xã/phường", "the address names no commune or ward",
                      notes)


def _resolve_old_form(scope: _Scope | None, district_part: _Part | None,
                      tiers: list[list[OldDistrict]], commune_part: _Part, notes: Notes) -> PlaceAnswer:
    units: list[OldCommune] = []
    exact = False
    for districts in tiers:
        units, exact = _find_communes(commune_part, _in_districts(districts))
        if units:
            break
    if tiers and not units:
        return _outside_district(scope, [d for tier in tiers for d in tier], commune_part, notes)
    if not tiers:
        units, exact = _search(commune_part, _find_communes, scope)
    if not units:
        where = scope.written if scope else None
        return _not_found(scope, None, f"không tìm thấy {commune_part.written} ở {where or 'cả nước'}",
                          f"found no {commune_part.written} in {where or 'the country'}", notes)
    if len(units) == 1:
        unit = units[0]
        notes = [*notes, *_district_note(district_part, unit), *_renamed_note(commune_part, unit, exact)]
        return _from_old_unit(unit, notes)
    return _from_several(units, commune_part.written, notes, scope.now if scope else None)


def _outside_district(scope: _Scope | None, districts: list[OldDistrict], commune_part: _Part,
                      notes: Notes) -> PlaceAnswer:
    """The commune is not in the district written: offer same-named ones of the province, to confirm."""
    scope = scope or _scope_of(districts[0].province)
    others, _ = _search(commune_part, _find_communes, scope)
    district_names = ", ".join(d.name for d in districts)
    if not others:
        return _not_found(scope, districts[0] if len(districts) == 1 else None,
                          f"không tìm thấy {commune_part.written} ở {district_names}",
                          f"found no {commune_part.written} in {district_names}", notes)
    now = sorted({c for u in others for c in u.now}, key=lambda c: c.code)
    listed = "; ".join(f"{u.full_name} → {_names(u.now)}" for u in others)
    return _answer(_province_of(now, scope.now), None, now, None,
                   f"không có {commune_part.written} ở {district_names}; có {listed}; cần xác nhận",
                   f"no {commune_part.written} in {district_names}; there is {listed}; please confirm",
                   notes)


@lru_cache(maxsize=16384)
def _resolve_cached(address: str, province_hint: str | None, district_hint: str | None) -> PlaceAnswer:
    return _resolve(address, province_hint, district_hint)


def resolve_address(address: str, province_hint: str | None = None,
                    district_hint: str | None = None) -> PlaceAnswer:
    """The post-2025 province and commune of an address written before (or after) the reform.

    ``province_hint`` (old or new name, e.g. from the sheet title) is used when the address names no
    province, ``district_hint`` (e.g. a "HUYỆN NINH SƠN" section row) when it names no district.
    """
    text = "" if address is None else str(address)
    return _resolve_cached(text, _hint_text(province_hint), _hint_text(district_hint))


def _hint_text(hint: object) -> str | None:
    return (_clean(str(hint)) or None) if hint is not None else None


def old_communes() -> list[OldCommune]:
    """Every commune, ward and town of early 2025 (10,035), each with where it is now."""
    return sorted({u.code: u for units in _history().commune_exact.values() for u in units}.values(),
                  key=lambda u: u.code)


def warm_up() -> None:
    """Load and index the data now (about half a second) rather than on the first address."""
    _history()
