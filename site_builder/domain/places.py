"""Provinces and communes as they are after the 1 July 2025 reform (34 provinces, 3,321 communes),
and the 63 provinces before it.

The current units come from ``vietnam-provinces``: pure data (JSON and enums), holding exactly the
post-2025 units the catalog's pages and slugs key on. The units before the reform and how they map
onto the current ones come from the data files of ``vietnamadminunits``, which
``site_builder.place_data`` reads (the domain opens no file); ``place_history`` reads addresses
written before the reform.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import vietnam_provinces
from vietnam_provinces.lookup import WARD_MAPPING

from site_builder import place_data
from site_builder.domain.folding import ascii_fold, fold


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


@dataclass(frozen=True)
class OldProvince:
    """One of the 63 provinces before 1 July 2025, and the province it is part of now."""

    code: int  # the pre-2025 code: 58 for Ninh Thuận, 80 for Long An
    name: str  # "Tỉnh Ninh Thuận"
    short_name: str  # "Ninh Thuận"
    now: Province


_PREFIXES = ("thanh pho ", "tinh ", "tp. ", "tp ")
# Typographic apostrophes and dashes ("Ea H’Leo", "Chân Mây – Lăng Cô") written the plain way.
_PUNCTUATION = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "`": "'", "–": "-", "—": "-"})
_SPACED_DASH = re.compile(r"\s*-\s*")


def name_key(text: str) -> str:
    """``fold`` that also ignores the typography of apostrophes, dashes and the spaces around them."""
    return _SPACED_DASH.sub("-", fold(text.translate(_PUNCTUATION)))


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
        # The data writes ten names with a double space ("Phường  Tân Lập"): pages and records
        # get the name as a person writes it.
        commune = Commune(int(w.code), " ".join(w.name.split()), int(w.province_code))
        result.setdefault(commune.province_code, {})[name_key(w.name)] = commune
    return result


def find_province(name: str) -> Province | None:
    """The post-2025 province called ``name`` (with or without "Tỉnh"/"Thành phố")."""
    return _province_index().get(fold(_strip_province_prefix(name)))


def find_commune(province: Province, name: str) -> Commune | None:
    """The commune, ward or special zone of ``province`` called ``name`` (type word required)."""
    return _communes_by_province().get(province.code, {}).get(name_key(name))


def communes_of(province: Province) -> list[Commune]:
    return list(_communes_by_province().get(province.code, {}).values())


def suggest_communes(province: Province, name: str, limit: int = 3) -> list[str]:
    """Names in the province that match ``name`` without diacritics or type word."""
    wanted = ascii_fold(name)
    bare = re.sub(r"^(xa|phuong|thi tran|dac khu) ", "", wanted)
    names = [c.name for c in communes_of(province)]
    hits = [n for n in names if ascii_fold(n) == wanted or ascii_fold(n).endswith(" " + bare)]
    return sorted(hits)[:limit]


# --- The 63 provinces before the reform (data of vietnamadminunits) -------------------------------

@lru_cache(maxsize=1)
def old_provinces() -> dict[int, OldProvince]:
    """The 63 provinces before 1 July 2025 by their old code, each with the province it is in now."""
    new_code = dict(place_data.new_province_codes())
    now_of = {old_key: provinces()[int(new_code[new_key])]
              for new_key, old_keys in place_data.conversion_table()["DICT_PROVINCE"].items()
              for old_key in old_keys}
    rows = place_data.old_provinces()
    return {int(code): OldProvince(int(code), name, short, now_of[key])
            for key, code, name, short in sorted(rows, key=lambda row: row[1])}


@lru_cache(maxsize=1)
def _merged_away() -> dict[str, OldProvince]:
    """Pre-2025 provinces whose name is no longer a province, by their ascii-folded short name."""
    return {ascii_fold(p.short_name): p for p in old_provinces().values()
            if find_province(p.short_name) is None}


def merged_into(old_name: str) -> Province | None:
    """For a pre-2025 province that was merged away, the province it is now part of."""
    old = _merged_away().get(ascii_fold(_strip_province_prefix(old_name)))
    return old.now if old else None


@lru_cache(maxsize=1)
def merged_province_patterns() -> list[tuple[str, re.Pattern[str]]]:
    """Each pre-2025 province merged away (short name), with the pattern of its ascii-folded name."""
    return [(p.short_name, re.compile(r"\b" + re.escape(key) + r"\b")) for key, p in _merged_away().items()]
