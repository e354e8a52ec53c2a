"""``ocop offline --province/--stars/--sector``: a fair booth's kit holds its province only, with
pages, listings, home counts and search index to match; a name that is not known, or a
selection of nothing, says why and writes nothing."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path

import pytest
import yaml
from support.records import record, write_record
from support.sites import AS_OF, REPO, SITE_URL, write_mkdocs_config

from site_builder.cli import main
from site_builder.config import SiteConfig
from site_builder.mkdocs.build import build_site
from site_builder.offline.kit import BUILD_DIR, BUNDLE, GUIDE_NAME, index_bundle
from site_builder.offline.selection import (
    SelectionError,
    find_province,
    find_sector,
    parse_selection,
    parse_stars,
)
from site_builder.records.validate import load_catalog

SAMPLE_IDS = sorted(p.parent.name for p in (REPO / "products").glob("*/product.yml"))


def _sample_ids_of(province: str) -> list[str]:
    """The bundled records whose producer is in ``province``, read from the YAML itself."""
    return sorted(p.parent.name for p in (REPO / "products").glob("*/product.yml")
                  if yaml.safe_load(p.read_text(encoding="utf-8"))["producer"]["province"]
                  == province)


def _sample_config(folder: Path) -> Path:
    shutil.copytree(REPO / "products", folder / "products")
    return write_mkdocs_config(folder, folder / "products", SITE_URL, sample_data=True)


def _offline(config: Path, out: Path, *selection: str) -> list[str]:
    return ["-f", str(config), "offline", "--out", str(out), "--as-of", AS_OF.isoformat(),
            *selection]


def _bundle(kit: Path) -> dict:
    text = (kit / "search" / BUNDLE).read_text(encoding="utf-8")
    return json.loads(text.removeprefix("window.ocopOffline=").rstrip().removesuffix(";"))


def _indexed_ids(kit: Path, lang: str = "vi") -> list[str]:
    """The products the kit's search index (the offline.js bundle) lists as cards."""
    files = _bundle(kit)
    return sorted(card[0] for name, cards in files.items()
                  if name.startswith(f"{lang}/c/") for card in cards)


def _product_folders(kit: Path, prefix: str = "") -> list[str]:
    return sorted(p.name for p in (kit / prefix / "san-pham").iterdir() if p.is_dir())


@pytest.mark.parametrize("name", ["Khánh Hòa", "Khánh Hoà", "Tỉnh Khánh Hòa", "khanh hoa",
                                  "KHANH HOA", "khanh-hoa"])
def test_a_province_as_people_type_it(name):
    assert find_province(name).slug == "khanh-hoa"


@pytest.mark.parametrize("name", ["Thành phố Hồ Chí Minh", "TP. Hồ Chí Minh", "Hồ Chí Minh",
                                  "ho chi minh", "TP.HCM", "ho-chi-minh"])
def test_a_city_with_or_without_its_title(name):
    assert find_province(name).slug == "ho-chi-minh"


@pytest.mark.parametrize(("name", "slug"), [
    ("thuc-pham", "thuc-pham"), ("Thực phẩm", "thuc-pham"), ("thuc pham", "thuc-pham"),
    ("Food", "thuc-pham"), ("Dược liệu", "duoc-lieu"), ("Hàng thủ công mỹ nghệ", "thu-cong-my-nghe"),
    ("chua-phan-loai", "chua-phan-loai"),
])
def test_a_sector_by_slug_or_name(name, slug):
    assert find_sector(name).slug == slug


def test_stars_repeated_or_listed():
    assert parse_stars("4") == (4,)
    assert parse_stars("4,5") == (4, 5)
    assert parse_selection(stars=["5", "4, 3"]).stars == (3, 4, 5)


def test_unknown_names_are_all_reported_with_the_closest_ones():
    with pytest.raises(SelectionError) as raised:
        parse_selection(["Khanh Hao"], ["6"], ["thuc phan"])
    message = str(raised.value)
    lines = message.splitlines()
    assert len(lines) == 3
    assert lines[0].startswith("không có tỉnh, thành phố 'Khanh Hao'") and "Khánh Hòa" in lines[0]
    assert "no province 'Khanh Hao'" in lines[0]
    assert "'6' không phải hạng sao OCOP" in message
    assert lines[1].startswith("không có ngành 'thuc phan'") and "thuc-pham (Thực phẩm)" in lines[1]


def test_a_province_far_from_any_name_lists_all_34():
    with pytest.raises(SelectionError) as raised:
        find_province("Vientiane")
    message = str(raised.value)
    assert "no province 'Vientiane'" in message
    assert all(name in message for name in ("An Giang", "Hà Nội", "Khánh Hòa", "Vĩnh Long"))


def test_a_former_province_points_to_the_one_it_is_part_of_now():
    with pytest.raises(SelectionError) as raised:
        find_province("Ninh Thuận")
    assert "từ 1/7/2025 thuộc tỉnh Khánh Hòa" in str(raised.value)
    assert "--province 'Khánh Hòa'" in str(raised.value)


@pytest.fixture(scope="module")
def sample_catalog():
    config = SiteConfig(products_dir=REPO / "products", as_of=AS_OF)
    catalog, problems = load_catalog(config, traceability_notes=False)
    assert not problems.errors
    return catalog, config


def test_filters_of_one_kind_are_alternatives_and_kinds_must_all_match(sample_catalog):
    catalog, config = sample_catalog
    day, rules = config.today(), config.rules

    def pick(*args):
        return sorted(parse_selection(*args).pick(catalog, day, rules))

    assert pick(["Tây Ninh"]) == _sample_ids_of("Tây Ninh")
    assert pick(["Tây Ninh", "an-giang"]) == sorted(_sample_ids_of("Tây Ninh")
                                                    + _sample_ids_of("An Giang"))
    # Both provinces' 4-star food, without An Giang's 4-star silk (handicrafts).
    assert pick(["Tây Ninh", "an-giang"], ["4,5"], ["Thực phẩm"]) == [
        "banh-trang-phoi-suong", "duong-thot-not-tri-ton", "mam-ca-loc-chau-doc",
        "muoi-tom-tay-ninh"]


def test_stars_are_those_of_the_certification_in_force_on_the_day(sample_catalog):
    """Hibiscus tea was 3 stars and is 4 now; smoked goat's 3 stars expired; Tiên Vừa ginseng
    wine's were revoked; Nhơn Sơn dried apples' 4 stars expired but a renewal was filed in time
    (grace): on 22 November 2026 they still count."""
    catalog, config = sample_catalog
    day, rules = config.today(), config.rules
    four = parse_selection(["Khánh Hòa"], ["4"]).pick(catalog, day, rules)
    three = parse_selection(["Khánh Hòa"], ["3"]).pick(catalog, day, rules)
    assert sorted(four) == ["tao-say-deo-nhon-son", "thit-cuu-xong-khoi", "tra-hibiscus-tan-son"]
    assert "tra-hibiscus-tan-son" not in three
    assert not {"thit-de-xong-khoi", "ruou-sam-tien-vua"} & (three | four)
    # Filtered by province alone, a product without a current rating is there all the same.
    assert {"thit-de-xong-khoi", "ruou-sam-tien-vua"} <= parse_selection(["Khánh Hòa"]).pick(
        catalog, day, rules)


@pytest.fixture(scope="module")
def province_kit(tmp_path_factory):
    root = tmp_path_factory.mktemp("hoi-cho-nha-trang")
    config = _sample_config(root)
    kit = root / "usb" / "ocop"
    assert main(_offline(config, kit, "--province", "khanh hoa")) == 0
    return kit


def test_a_province_kit_holds_that_province_only(province_kit, sample_site):
    khanh_hoa = _sample_ids_of("Khánh Hòa")
    assert len(khanh_hoa) >= 10
    assert _product_folders(province_kit) == khanh_hoa
    assert _product_folders(province_kit, "en") == khanh_hoa
    assert _indexed_ids(province_kit) == _indexed_ids(province_kit, "en") == khanh_hoa
    assert sorted(p.name for p in (province_kit / "tinh").iterdir() if p.is_dir()) == ["khanh-hoa"]
    # No file name or page of the kit mentions a product of another province.
    others = set(SAMPLE_IDS) - set(khanh_hoa)
    for path in province_kit.rglob("*"):
        assert not others & set(path.relative_to(province_kit).parts), path
        if path.suffix in (".html", ".js", ".json", ".txt"):
            text = path.read_text(encoding="utf-8")
            assert not any(f"/{other}/" in text or f'"{other}"' in text for other in others), path
    # The search index shrinks with the catalog.
    whole = len(index_bundle(sample_site / "search").encode())
    assert (province_kit / "search" / BUNDLE).stat().st_size < whole * 0.6


def test_the_kit_says_what_it_holds(province_kit):
    count = len(_sample_ids_of("Khánh Hòa"))
    vi = f"Bản này gồm {count} sản phẩm của tỉnh Khánh Hòa."
    en = f"This copy holds {count} products from Khánh Hòa."
    home_vi = (province_kit / "index.html").read_text(encoding="utf-8")
    home_en = (province_kit / "en" / "index.html").read_text(encoding="utf-8")
    assert re.search(rf'<p class="ocop-notice[^"]*" role="note">{re.escape(vi)}</p>', home_vi)
    assert en in home_en and vi not in home_en
    assert f"({count})" in home_vi  # the "all products" button counts the kit's products
    guide = (province_kit / GUIDE_NAME).read_text(encoding="utf-8")
    assert guide.index(vi) < guide.index("OCOP product catalog") < guide.index(en)


def test_qr_codes_still_lead_to_the_public_site(province_kit):
    page = (province_kit / "san-pham" / "nho-say-nhon-son" / "index.html").read_text(
        encoding="utf-8")
    assert SITE_URL.rstrip("/") in page


def _snapshot(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_changing_the_selection_leaves_nothing_of_the_last(tmp_path):
    """The kit's build folder in the cache serves every selection: after a Khánh Hòa kit, a kit
    of Tây Ninh's 4-star products is the very kit a first build of that selection makes, in the
    kit and in the cache; the whole catalog after it is whole again."""
    config = _sample_config(tmp_path / "a")
    kit = tmp_path / "usb" / "ocop"
    assert main(_offline(config, kit, "--province", "Khánh Hòa")) == 0
    assert main(_offline(config, kit, "--province", "tay-ninh", "--stars", "4")) == 0
    chosen = ["banh-trang-phoi-suong", "muoi-tom-tay-ninh"]
    assert _product_folders(kit) == _product_folders(kit, "en") == _indexed_ids(kit) == chosen
    assert _product_folders(tmp_path / "a" / ".cache" / BUILD_DIR) == chosen

    fresh_config = _sample_config(tmp_path / "b")
    fresh = tmp_path / "usb" / "ocop-moi"
    assert main(_offline(fresh_config, fresh, "--province", "Tây Ninh", "--stars", "4")) == 0
    assert _snapshot(kit) == _snapshot(fresh)

    assert main(_offline(config, kit)) == 0
    assert _product_folders(kit) == SAMPLE_IDS
    assert "toàn bộ danh mục" in (kit / GUIDE_NAME).read_text(encoding="utf-8")


@pytest.mark.parametrize(("selection", "said"), [
    (["--province", "Khanh Hao"], "Có phải: Khánh Hòa"),
    (["--sector", "xe máy"], "Các ngành / the sectors: thuc-pham"),
    (["--stars", "6"], "'6' không phải hạng sao OCOP"),
    # Hà Nội has no product in the sample; Khánh Hòa has no 5-star product there.
    (["--province", "Hà Nội"], "Tỉnh có sản phẩm / Provinces with products: Khánh Hòa (14)"),
    (["--province", "Khánh Hòa", "--stars", "5"], "tỉnh Khánh Hòa: 14 sản phẩm"),
])
def test_a_selection_that_cannot_make_a_kit_writes_nothing(tmp_path, capsys, selection, said):
    config = _sample_config(tmp_path)
    kit = tmp_path / "usb" / "ocop"
    assert main(_offline(config, kit, *selection)) == 2
    err = capsys.readouterr().err
    assert said in err and " / " in err
    assert not kit.exists() and not (tmp_path / "usb").exists()
    assert not (tmp_path / ".cache" / BUILD_DIR).exists()


def test_a_build_of_some_products_leaves_the_others_out(tmp_path):
    """``build_site(only=...)``: the others' warnings are not reported, and a build of another
    selection into the same folder is never taken for up to date."""
    products = tmp_path / "products"
    write_record(products, record())  # Khánh Hòa, with an English story
    untranslated = record(id="mang-cau-ba-den", name={"vi": "Mãng cầu Bà Đen"},
                          story={"vi": "Mãng cầu dai trồng dưới chân núi Bà Đen.\n"},
                          producer={**record()["producer"], "province": "Tây Ninh",
                                    "commune": "Phường Tân Ninh", "address_on_certificate":
                                    "Khu phố 4, Phường 4, thành phố Tây Ninh, tỉnh Tây Ninh"})
    write_record(products, untranslated)
    config = write_mkdocs_config(tmp_path, products, SITE_URL)
    site = tmp_path / "kit-site"
    everything = build_site(config, site_dir=site, as_of=AS_OF)
    assert any("mang-cau-ba-den" in str(w.path) for w in everything.warnings.items)
    one = build_site(config, site_dir=site, as_of=AS_OF, only=frozenset({"nho-say-nhon-son"}))
    assert one.mode != "up-to-date" and one.products == 1
    assert not any("mang-cau-ba-den" in str(w.path) for w in one.warnings.items)
    assert not (site / "san-pham" / "mang-cau-ba-den").exists()
    other = build_site(config, site_dir=site, as_of=AS_OF, only=frozenset({"mang-cau-ba-den"}))
    assert other.mode != "up-to-date" and other.products == 1
    assert not (site / "san-pham" / "nho-say-nhon-son").exists()
    assert build_site(config, site_dir=site, as_of=AS_OF,
                      only=frozenset({"mang-cau-ba-den"})).mode == "up-to-date"
