"""Which products a kit holds: ``ocop offline --province P --stars 4,5 --sector thuc-pham``.

A fair booth carries its province, not the national catalog: the kit is then built from the
chosen products only, so its pages, listings, home counts and search index (``offline.js``)
shrink with it. Filters of different kinds must all match; values of one kind are
alternatives. Names are read the way people type them: with or without diacritics or the
words "Tỉnh"/"Thành phố", or as the slug of the site's addresses (``/tinh/khanh-hoa/``,
``/nganh/thuc-pham/``). A name that is not known is an error naming the closest ones, never an
empty kit.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from site_builder.domain import places
from site_builder.domain.model import Catalog, Product
from site_builder.domain.places import Province
from site_builder.domain.rules import RuleSettings, status_on
from site_builder.domain.taxonomy import BROWSED_SECTORS, MIN_OCOP_STARS, Sector

STAR_LEVELS = tuple(range(MIN_OCOP_STARS, 6))  # 3, 4, 5: the OCOP ratings
_PREFIX = re.compile(r"^(?:thanh pho|tinh|tp\.?)\s+")
_SEPARATORS = re.compile(r"[\s_.\-]+")
# What people write for Hồ Chí Minh City besides its name (keys as ``_key`` makes them).
_ALIASES = {"hcm": "ho-chi-minh", "tphcm": "ho-chi-minh", "tp-hcm": "ho-chi-minh"}


# A filter's test: a product, and the stars it may show on the build day (None: none).
Condition = Callable[[Product, "int | None"], bool]


class SelectionError(ValueError):
    """A selection that cannot make a kit; the message is Vietnamese, then English."""


def _key(text: str) -> str:
    """'Tỉnh Khánh Hòa', 'khanh hoa', 'khanh-hoa' -> 'khanh-hoa'."""
    folded = _PREFIX.sub("", places.ascii_fold(text))
    return _SEPARATORS.sub("-", folded).strip("-")


def _number(count: int, lang: str) -> str:
    return f"{count:,}".replace(",", "." if lang == "vi" else ",")


def _products_en(count: int) -> str:
    return f"{_number(count, 'en')} product{'' if count == 1 else 's'}"


def _joined(names: Sequence[str], word: str) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} {word} {names[-1]}"


def _province_vi(province: Province) -> str:
    """'tỉnh Khánh Hòa', 'thành phố Hà Nội'."""
    kind = "thành phố" if province.name != province.short_name else "tỉnh"
    return f"{kind} {province.short_name}"


@dataclass(frozen=True)
class KitSelection:
    """Empty fields select every product."""

    provinces: tuple[Province, ...] = ()
    stars: tuple[int, ...] = ()
    sectors: tuple[Sector, ...] = ()

    @property
    def narrows(self) -> bool:
        return bool(self.provinces or self.stars or self.sectors)

    def pick(self, catalog: Catalog, day: date, rules: RuleSettings) -> frozenset[str]:
        """The ids of the chosen products; an error that says why when there are none."""
        stars = _current_stars(catalog.products, day, rules)
        tests = [test for _, test in self._conditions()]
        chosen = frozenset(p.id for p in catalog.products
                           if all(test(p, stars[p.id]) for test in tests))
        if not chosen:
            raise SelectionError(self._nothing_matches(catalog.products, stars))
        return chosen

    def _conditions(self) -> list[tuple[tuple[str, str], Condition]]:
        """One test per kind of filter given (of a product and the stars it may show today),
        with the words that name it (vi, en)."""
        conditions: list[tuple[tuple[str, str], Condition]] = []
        if self.provinces:
            slugs = {p.slug for p in self.provinces}
            conditions.append((self._province_words(),
                               lambda p, _: p.producer.province.slug in slugs))
        if self.stars:
            conditions.append((self._star_words(), lambda _, stars: stars in self.stars))
        if self.sectors:
            sector_slugs = {s.slug for s in self.sectors}
            conditions.append((self._sector_words(),
                               lambda p, _: p.sector.slug in sector_slugs))
        return conditions

    def _province_words(self) -> tuple[str, str]:
        return (_joined([_province_vi(p) for p in self.provinces], "và"),
                _joined([p.short_name for p in self.provinces], "and"))

    def _star_words(self) -> tuple[str, str]:
        levels = [str(n) for n in sorted(self.stars)]
        return (f"đang được công nhận {_joined(levels, 'hoặc')} sao",
                f"currently rated {_joined(levels, 'or')} stars")

    def _sector_words(self) -> tuple[str, str]:
        return (f"ngành {_joined([s.name_vi for s in self.sectors], 'hoặc')}",
                f"sector {_joined([s.name_en for s in self.sectors], 'or')}")

    def describe(self, count: int) -> tuple[str, str]:
        """What the kit holds, for its home page and guide (vi, en)."""
        if not self.narrows:
            return (f"Bản này gồm toàn bộ danh mục: {_number(count, 'vi')} sản phẩm.",
                    f"This copy holds the whole catalog: {_products_en(count)}.")
        words = [w for w, _ in self._conditions()]
        vi = ", ".join(w[0] for w in words)
        en = ", ".join(w[1] for w in words)
        if self.provinces:  # "123 sản phẩm của tỉnh Khánh Hòa", "123 products from Khánh Hòa"
            vi, en = f"của {vi}", f"from {en}"
        return (f"Bản này gồm {_number(count, 'vi')} sản phẩm {vi}.",
                f"This copy holds {_products_en(count)} {en}.")

    def _nothing_matches(self, products: list[Product], stars: dict[str, int | None]) -> str:
        """Each filter given with how many products it selects alone, then the values of those
        kinds the catalog has, with their counts."""
        lines = ["Không có sản phẩm nào khớp mọi điều kiện đã chọn; không ghi gì. / No product "
                 "matches every condition given; nothing written."]
        for (vi, en), test in self._conditions():
            alone = sum(1 for p in products if test(p, stars[p.id]))
            lines.append(f"  {vi}: {_number(alone, 'vi')} sản phẩm / {en}: {_products_en(alone)}")
        lines.extend(self._what_there_is(products, stars))
        return "\n".join(lines)

    def _what_there_is(self, products: list[Product], stars: dict[str, int | None]) -> list[str]:
        found: list[str] = []
        kinds: list[tuple[bool, str, str, Callable[[Product], object]]] = [
            (bool(self.provinces), "Tỉnh có sản phẩm", "Provinces with products",
             lambda p: p.producer.province.short_name),
            (bool(self.stars), "Hạng sao đang được công nhận", "Current star ratings",
             lambda p: f"{stars[p.id]} sao" if stars[p.id] else None),
            (bool(self.sectors), "Ngành có sản phẩm", "Sectors with products",
             lambda p: p.sector.slug),
        ]
        for given, vi, en, value in kinds:
            if not given:
                continue
            counts: dict[object, int] = {}
            for product in products:
                if (key := value(product)) is not None:
                    counts[key] = counts.get(key, 0) + 1
            listed = ", ".join(f"{k} ({n})" for k, n in sorted(counts.items(),
                                                               key=lambda kv: (-kv[1], str(kv[0]))))
            found.append(f"  {vi} / {en}: {listed or '-'}")
        return found


def _current_stars(products: Iterable[Product], day: date, rules: RuleSettings
                   ) -> dict[str, int | None]:
    """The stars each product may show on ``day`` (None: no certification in force)."""
    return {p.id: status_on(p, day, rules).stars for p in products}


def parse_selection(provinces: Sequence[str] = (), stars: Sequence[str] = (),
                    sectors: Sequence[str] = ()) -> KitSelection:
    """The selection the command line asks for; every unknown value reported at once."""
    problems: list[str] = []
    found_provinces = _each(provinces, find_province, problems)
    found_sectors = _each(sectors, find_sector, problems)
    levels: list[int] = []
    for text in stars:
        try:
            levels.extend(parse_stars(text))
        except SelectionError as exc:
            problems.append(str(exc))
    if problems:
        raise SelectionError("\n".join(problems))
    return KitSelection(found_provinces, tuple(sorted(set(levels))), found_sectors)


def _each(texts: Sequence[str], find: Callable[[str], object], problems: list[str]) -> tuple:
    found: list[object] = []
    for text in texts:
        try:
            value = find(text)
        except SelectionError as exc:
            problems.append(str(exc))
            continue
        if value not in found:
            found.append(value)
    return tuple(found)


def find_province(text: str) -> Province:
    """A post-2025 province by name (with or without diacritics, "Tỉnh", "Thành phố") or slug."""
    found = places.find_province(text)
    if found is not None:
        return found
    key = _key(text)
    by_key = {}
    for province in places.provinces().values():
        by_key[province.slug] = by_key[_key(province.short_name)] = province
    key = _ALIASES.get(key, key)
    if key in by_key:
        return by_key[key]
    merged = places.merged_into(text) if key else None
    if merged is not None:
        raise SelectionError(
            f"'{text}' là tỉnh cũ, từ 1/7/2025 thuộc {_province_vi(merged)}: dùng --province "
            f"'{merged.short_name}' / '{text}' is a former province, part of {merged.short_name} "
            f"since 1 July 2025: use --province '{merged.short_name}'")
    close = [by_key[k].short_name for k in difflib.get_close_matches(key, list(by_key), n=6)]
    if close:
        names = ", ".join(dict.fromkeys(close))
        raise SelectionError(f"không có tỉnh, thành phố '{text}'. Có phải: {names}? / no "
                             f"province '{text}'. Did you mean: {names}?")
    names = ", ".join(sorted((p.short_name for p in places.provinces().values()), key=_key))
    raise SelectionError(f"không có tỉnh, thành phố '{text}' / no province '{text}'. Các tỉnh, "
                         f"thành phố từ 1/7/2025 / the provinces since 1 July 2025: {names}")


def find_sector(text: str) -> Sector:
    """A sector by slug (``thuc-pham``), Vietnamese or English name, diacritics optional."""
    key = _key(text)
    by_key: dict[str, Sector] = {}
    for sector in BROWSED_SECTORS:
        for name in (sector.slug, sector.name_vi, sector.name_en):
            by_key[_key(name)] = sector
    if key in by_key:
        return by_key[key]
    close = list(dict.fromkeys(by_key[k] for k in difflib.get_close_matches(key, list(by_key), n=6)))
    shown = ", ".join(f"{s.slug} ({s.name_vi})" for s in (close or BROWSED_SECTORS))
    label = "Có phải / did you mean" if close else "Các ngành / the sectors"
    raise SelectionError(f"không có ngành '{text}' / no sector '{text}'. {label}: {shown}")


def parse_stars(text: str) -> tuple[int, ...]:
    """'4', '4,5' or '4 5' -> the star levels; OCOP has 3, 4 and 5."""
    parts = [part for part in re.split(r"[,;\s]+", text.strip()) if part]
    levels = []
    for part in parts:
        if not part.isdigit() or int(part) not in STAR_LEVELS:
            raise SelectionError(f"'{text}' không phải hạng sao OCOP: dùng 3, 4 hoặc 5 (vd. "
                                 f"--stars 4,5) / '{text}' is not an OCOP rating: use 3, 4 or 5")
        levels.append(int(part))
    if not levels:
        raise SelectionError("--stars cần hạng sao: 3, 4 hoặc 5 / --stars needs a rating: 3, 4 or 5")
    return tuple(levels)
