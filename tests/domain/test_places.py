"""Provinces and communes now and before the 2025 reform; reading addresses written the old way."""

import time

import pytest

from site_builder import place_data
from site_builder.domain import place_history, places
from site_builder.domain.place_history import resolve_address


def commune(answer):
    assert answer.commune is not None, answer.how_vi
    return answer.commune.name, answer.commune.code


def names(communes):
    return sorted(c.name for c in communes)


# --- ../shared/domain.md section 6: the places in our source documents --------------------------------------

@pytest.mark.parametrize(("old", "now"), [
    ("Phường 1", ("Phường Tân Ninh", 25459)),
    ("Phường 2", ("Phường Tân Ninh", 25459)),
    ("Phường 3", ("Phường Tân Ninh", 25459)),
    ("Phường Hiệp Ninh", ("Phường Tân Ninh", 25459)),
    ("Phường Ninh Sơn", ("Phường Bình Minh", 25480)),
    ("Xã Thạnh Tân", ("Phường Bình Minh", 25480)),
    ("Xã Tân Bình", ("Phường Bình Minh", 25480)),
    ("Xã Bình Minh", ("Phường Bình Minh", 25480)),
    ("Phường Ninh Thạnh", ("Phường Ninh Thạnh", 25567)),
])
def test_tay_ninh_city_wards(old, now):
    answer = resolve_address(f"Khu phố 2, {old}, thành phố Tây Ninh, tỉnh Tây Ninh")
    assert commune(answer) == now
    assert answer.province.short_name == "Tây Ninh" and answer.province.code == 80
    assert answer.old_unit == f"{old}, Thành phố Tây Ninh, Tỉnh Tây Ninh"


def test_phuong_4_of_tay_ninh_city_is_tan_ninh_only():
    """The package lists it as split with Phường Long An (Tân An city's, 89 km away); the
    Government's conversion table has Tân Ninh only, and Tân An's Phường 4 is Long An only."""
    assert commune(resolve_address("Phường 4, thành phố Tây Ninh")) == ("Phường Tân Ninh", 25459)
    assert commune(resolve_address("Phường 4, thành phố Tân An, tỉnh Long An"))[0] == "Phường Long An"


@pytest.mark.parametrize(("old", "now"), [
    ("xã Mỹ Thuận", "Phường Mỹ Lộc"),
    ("xã Mỹ Lộc", "Phường Mỹ Lộc"),
    ("xã Mỹ Hà", "Phường Đông A"),
    ("xã Mỹ Thắng", "Phường Đông A"),
    ("xã Mỹ Trung", "Phường Thiên Trường"),
    ("xã Mỹ Tân", "Phường Thiên Trường"),
    ("xã Mỹ Phúc", "Phường Nam Định"),
])
def test_my_loc_district_communes_are_now_in_ninh_binh(old, now):
    answer = resolve_address(f"{old}, huyện Mỹ Lộc, tỉnh Nam Định")
    assert answer.commune.name == now and answer.province.short_name == "Ninh Bình"
    # Mỹ Lộc district had become part of Nam Định city before the reform; the answer says so.
    assert answer.old_unit.endswith(", Thành phố Nam Định, Tỉnh Nam Định")
    assert "huyện Mỹ Lộc đã nhập vào Thành phố Nam Định" in answer.how_vi
    assert "huyện Mỹ Lộc had become part of Thành phố Nam Định" in answer.how_en


def test_my_xa_ward_of_nam_dinh_city():
    answer = resolve_address("phường Mỹ Xá, thành phố Nam Định, tỉnh Nam Định")
    assert answer.commune.name == "Phường Thành Nam"


@pytest.mark.parametrize(("old", "now"), [
    ("thị trấn Tân Sơn", ("Xã Ninh Sơn", 22810)),
    ("xã Quảng Sơn", ("Xã Ninh Sơn", 22810)),
    ("xã Lâm Sơn", ("Xã Lâm Sơn", 22813)),
    ("xã Lương Sơn", ("Xã Lâm Sơn", 22813)),
    ("xã Hòa Sơn", ("Xã Anh Dũng", 22828)),
    ("xã Ma Nới", ("Xã Anh Dũng", 22828)),
    ("xã Mỹ Sơn", ("Xã Mỹ Sơn", 22822)),
    ("xã Nhơn Sơn", ("Phường Đô Vinh", 22738)),
])
def test_ninh_son_district_communes_are_now_in_khanh_hoa(old, now):
    answer = resolve_address(f"Thôn Tân Mỹ, {old}, huyện Ninh Sơn, tỉnh Ninh Thuận")
    assert commune(answer) == now
    assert answer.province.code == 56 and answer.candidates == ()


def test_how_says_what_was_read_for_a_person_to_confirm():
    answer = resolve_address("Thôn Tân Mỹ, xã Mỹ Sơn, huyện Ninh Sơn, tỉnh Ninh Thuận")
    assert answer.old_unit == "Xã Mỹ Sơn, Huyện Ninh Sơn, Tỉnh Ninh Thuận"
    assert answer.how_vi == "xã Mỹ Sơn, huyện Ninh Sơn, tỉnh Ninh Thuận (cũ) → Xã Mỹ Sơn, Khánh Hòa"
    assert answer.how_en == "xã Mỹ Sơn, huyện Ninh Sơn, tỉnh Ninh Thuận (before 2025) → Xã Mỹ Sơn, Khánh Hòa"


@pytest.mark.parametrize(("old", "now", "code"), [
    ("Kiên Giang", "An Giang", 91), ("An Giang", "An Giang", 91),
    ("Bình Phước", "Đồng Nai", 75), ("Đồng Nai", "Đồng Nai", 75),
    ("Ninh Thuận", "Khánh Hòa", 56), ("Long An", "Tây Ninh", 80), ("Nam Định", "Ninh Bình", 37),
])
def test_old_provinces_and_the_province_they_are_part_of(old, now, code):
    province = next(p for p in places.old_provinces().values() if p.short_name == old)
    assert province.now.short_name == now and province.now.code == code


def test_province_codes_changed_and_old_addresses_use_the_old_province():
    # 91 was Kiên Giang and is now An Giang; 80 was Long An and is now Tây Ninh.
    old, new = places.old_provinces(), places.provinces()
    assert old[91].short_name == "Kiên Giang" and new[91].short_name == "An Giang"
    assert old[80].short_name == "Long An" and new[80].short_name == "Tây Ninh"
    answer = resolve_address("phường Dương Đông, thành phố Phú Quốc, tỉnh Kiên Giang")
    assert answer.province.short_name == "An Giang" and answer.commune.name == "Đặc khu Phú Quốc"
    answer = resolve_address("phường Tân Phú, thành phố Đồng Xoài, tỉnh Bình Phước")
    assert answer.province.short_name == "Đồng Nai" and answer.commune.name == "Phường Bình Phước"


# --- questions instead of guesses ------------------------------------------------------------------

def test_a_split_ward_gives_the_candidates_and_no_commune():
    answer = resolve_address("Phường Đông Hải, TP Phan Rang - Tháp Chàm, Ninh Thuận")
    assert answer.commune is None
    assert names(answer.candidates) == ["Phường Đông Hải", "Xã Phước Dinh"]
    assert answer.province.short_name == "Khánh Hòa"
    assert answer.old_unit == "Phường Đông Hải, Thành phố Phan Rang - Tháp Chàm, Tỉnh Ninh Thuận"
    assert "chia cho 2 xã/phường: Phường Đông Hải, Xã Phước Dinh; cần chọn một" in answer.how_vi
    assert "was split between 2 communes" in answer.how_en


def test_a_name_of_two_old_communes_without_district_is_a_question():
    answer = resolve_address("ấp Tân Trung, xã Tân Bình", province_hint="Tây Ninh")
    assert answer.commune is None and answer.old_unit is None
    assert names(answer.candidates) == ["Phường Bình Minh", "Xã Tân Biên"]
    assert answer.province.short_name == "Tây Ninh"
    assert "Xã Tân Bình, Thành phố Tây Ninh" in answer.how_vi and "Huyện Tân Biên" in answer.how_vi
    assert "ghi thêm huyện" in answer.how_vi and "add the district" in answer.how_en


def test_the_district_settles_the_name():
    assert resolve_address("ấp Tân Trung, xã Tân Bình, TP Tây Ninh").commune.name == "Phường Bình Minh"
    answer = resolve_address("xã Tân Bình", province_hint="Tây Ninh", district_hint="HUYỆN TÂN BIÊN")
    assert answer.commune.name == "Xã Tân Biên"


def test_a_commune_not_in_the_district_written_is_offered_to_confirm():
    answer = resolve_address("xã Mỹ Sơn, huyện Ninh Hải, tỉnh Ninh Thuận")
    assert answer.commune is None
    assert names(answer.candidates) == ["Xã Mỹ Sơn"]
    assert "không có xã Mỹ Sơn ở Huyện Ninh Hải" in answer.how_vi and "cần xác nhận" in answer.how_vi


def test_nothing_found_keeps_the_province_and_says_what_is_missing():
    answer = resolve_address("xã Phước Thành Tây, huyện Ninh Sơn, tỉnh Ninh Thuận")
    assert answer.province.short_name == "Khánh Hòa"
    assert answer.commune is None and answer.candidates == () and answer.old_unit is None
    assert answer.how_vi == "không tìm thấy xã Phước Thành Tây ở Huyện Ninh Sơn"
    answer = resolve_address("Thôn Láng Ngựa", province_hint="Ninh Thuận")
    assert answer.province.short_name == "Khánh Hòa" and answer.commune is None
    assert answer.how_vi.startswith("địa chỉ không ghi xã/phường")
    assert answer.how_en.startswith("the address names no commune or ward")


@pytest.mark.parametrize("address", [None, "", "   ", 3.5, "Việt Nam", ",,,", "Xã", "P."])
def test_odd_input_gives_an_answer_not_a_traceback(address):
    answer = resolve_address(address)
    assert answer.commune is None and answer.how_vi and answer.how_en


# --- how addresses are written ---------------------------------------------------------------------

@pytest.mark.parametrize("address", [
    "TT Tân Sơn, H. Ninh Sơn",
    "TT. Tân Sơn, H.Ninh Sơn, T. Ninh Thuận",
    "T.T Tân Sơn huyện Ninh Sơn tỉnh Ninh Thuận",
    "thi tran Tân Sơn, huyen Ninh Sơn, tinh Ninh Thuận",
    "thi tran Tan Son, huyen Ninh Son, tinh Ninh Thuan",
    "THỊ TRẤN TÂN SƠN, HUYỆN NINH SƠN, TỈNH NINH THUẬN",
    "Tân Sơn, Ninh Sơn, Ninh Thuận, Việt Nam",
])
def test_abbreviations_capitals_and_missing_diacritics(address):
    answer = resolve_address(address)
    assert commune(answer) == ("Xã Ninh Sơn", 22810)
    assert answer.old_unit == "Thị trấn Tân Sơn, Huyện Ninh Sơn, Tỉnh Ninh Thuận"


@pytest.mark.parametrize("address", [
    "X. Hoà Sơn, H. Ninh Sơn, Ninh Thuận", "xã Hòa Sơn, huyện Ninh Sơn, tỉnh Ninh Thuận",
    "xã  Hoà   Sơn ,huyện Ninh Sơn;Ninh Thuận",
])
def test_tone_placement_and_spacing_do_not_matter(address):
    assert commune(resolve_address(address)) == ("Xã Anh Dũng", 22828)


def test_numbered_wards_written_short():
    for address in ("P.4, TP Tây Ninh", "P4, thành phố Tây Ninh", "Phường 04, Thành phố Tây Ninh, Tây Ninh"):
        assert resolve_address(address).commune.name == "Phường Tân Ninh", address


def test_a_district_name_read_as_a_type_word_is_retried_as_a_name():
    # "Quan Hóa" starts like "quận"; "Đường Thượng" like a street.
    assert resolve_address("xã Hồi Xuân, huyện Quan Hóa, tỉnh Thanh Hóa").province.short_name == "Thanh Hóa"
    assert resolve_address("xã Hồi Xuân, Quan Hóa, Thanh Hóa").commune is not None
    assert resolve_address("Đường Thượng, Yên Minh, Hà Giang").commune.name == "Xã Đường Thượng"


def test_a_name_from_before_the_2020_2024_mergers():
    answer = resolve_address("Phường Nguyễn Trung Trực, Quận Ba Đình, Hà Nội")
    assert answer.commune.name == "Phường Ba Đình"
    assert answer.old_unit == "Phường Trúc Bạch, Quận Ba Đình, Thành phố Hà Nội"
    assert "'phường Nguyễn Trung Trực' là tên trước khi sáp nhập của Phường Trúc Bạch" in answer.how_vi


def test_an_island_district_is_a_special_zone_now():
    answer = resolve_address("Huyện Côn Đảo, tỉnh Bà Rịa - Vũng Tàu")
    assert answer.commune.name == "Đặc khu Côn Đảo" and answer.province.short_name == "Hồ Chí Minh"


# --- addresses already written the new way --------------------------------------------------------

def test_new_form_addresses():
    answer = resolve_address("xã Ninh Sơn, tỉnh Khánh Hòa")
    assert commune(answer) == ("Xã Ninh Sơn", 22810) and answer.old_unit is None
    assert answer.how_vi.startswith("Xã Ninh Sơn, Khánh Hòa (tên hiện nay)")
    # Before 2025 Ninh Hòa town of Khánh Hòa had a Xã Ninh Sơn too: the person confirming is told.
    assert ("trước 2025 cũng có Xã Ninh Sơn, Thị xã Ninh Hòa, Tỉnh Khánh Hòa, nay là Xã Bắc Ninh Hòa"
            in answer.how_vi)
    assert commune(resolve_address("Thôn Láng Ngựa, Phường Đô Vinh, Khánh Hoà")) == ("Phường Đô Vinh", 22738)
    assert resolve_address("Xã Ea H'Leo, tỉnh Đắk Lắk").commune.name == "Xã Ea H’leo"


# --- hints: the sheet's title, a section row, a command-line option -------------------------------

def test_an_old_province_hint_is_mapped_to_its_new_province():
    answer = resolve_address("xã Mỹ Sơn", province_hint="Ninh Thuận", district_hint="HUYỆN NINH SƠN")
    assert commune(answer) == ("Xã Mỹ Sơn", 22822) and answer.province.short_name == "Khánh Hòa"
    assert "địa chỉ không ghi tỉnh, coi là Ninh Thuận" in answer.how_vi
    assert "the address names no district, taken to be" in answer.how_en
    answer = resolve_address("", province_hint="tỉnh Ninh Thuận")
    assert answer.province.short_name == "Khánh Hòa" and answer.commune is None


def test_a_new_province_hint_finds_the_old_district_of_a_province_merged_into_it():
    answer = resolve_address("TT Tân Sơn, H. Ninh Sơn", province_hint="Khánh Hòa")
    assert commune(answer) == ("Xã Ninh Sơn", 22810)


def test_the_address_wins_over_the_hints():
    answer = resolve_address("xã Mỹ Sơn, huyện Ninh Sơn, tỉnh Ninh Thuận", province_hint="Lâm Đồng",
                             district_hint="Huyện Bảo Lâm")
    assert commune(answer) == ("Xã Mỹ Sơn", 22822) and "gợi ý" not in answer.how_vi


# --- the dataset ------------------------------------------------------------------------------------

def test_every_old_commune_written_in_full_gives_its_mapping():
    """All 10,035 communes of early 2025: one answer when not split, the candidates when split."""
    old = place_history.old_communes()
    assert len(old) == 10035
    split = 0
    for unit in old:
        answer = resolve_address(unit.full_name)
        if len(unit.now) == 1:
            assert answer.commune == unit.now[0], unit.full_name
        else:
            split += 1
            assert answer.commune is None and set(answer.candidates) == set(unit.now), unit.full_name
    assert 400 < split < 500


def test_the_old_communes_and_island_districts_cover_every_current_commune():
    now = {c for unit in place_history.old_communes() for c in unit.now}
    islands = set(place_history._history().wardless.values())  # Côn Đảo, Lý Sơn, Bạch Long Vĩ...
    catalog = {c for p in places.provinces().values() for c in places.communes_of(p)}
    assert len(catalog) == 3321 and now | islands == catalog


def test_the_corrections_are_still_needed():
    """Each correction differs from the package's own row; when a new release fixes one, drop it."""
    keys = dict(place_data.rows(
        "select wardCode, provinceKey || '_' || districtKey || '_' || wardKey from admin_units_legacy"))
    raw = place_history._old_to_new()
    for code, corrected in place_history._CORRECTIONS.items():
        assert {c.name for c in raw[keys[code]]} != set(corrected), code


def test_the_merger_table_comes_from_the_dataset():
    assert len(places.old_provinces()) == 63
    assert len({p.now.code for p in places.old_provinces().values()}) == 34
    assert places.merged_into("tỉnh Ninh Thuận").short_name == "Khánh Hòa"
    assert places.merged_into("Bà Rịa - Vũng Tàu").short_name == "Hồ Chí Minh"
    assert places.merged_into("Khánh Hòa") is None  # still a province
    assert places.merged_into("Atlantis") is None
    assert place_history.old_provinces_mentioned(
        "Thôn Láng Ngựa, xã Nhơn Sơn, huyện Ninh Sơn, tỉnh Ninh Thuận") == ["Ninh Thuận"]
    assert place_history.old_provinces_mentioned("xã Ninh Sơn, tỉnh Khánh Hòa") == []
    # A hamlet or commune named like a province is not the address's province.
    assert place_history.old_provinces_mentioned("Ấp Bình Thuận, xã Bình Thạnh, thị xã Trảng Bàng, "
                                                 "tỉnh Tây Ninh") == []
    assert place_history.old_provinces_mentioned(
        "Thôn 1, xã Hòa Bình, huyện Kim Thành, tỉnh Hải Dương") == ["Hải Dương"]
    assert not place_history.names_a_province("Khu phố 2, phường Đô Vinh, thành phố Phan Rang - Tháp Chàm")


def test_a_commune_named_like_an_old_province_is_not_that_province():
    # Sơn La has a commune called Bình Thuận; Lâm Đồng took in the province of that name.
    assert place_history.old_provinces_mentioned("Thôn 12, Xã Bình Thuận, Sơn La") == []
    assert place_history.old_provinces_mentioned("Bản Nà, phường Hà Giang 1, Tuyên Quang") == []
    assert place_history.old_provinces_mentioned("Thôn 2, xã Bình Thuận, tỉnh Bình Thuận") == ["Bình Thuận"]
    assert place_history.old_provinces_mentioned("Thôn Bình Thuận, Hàm Tân, Bình Thuận") == ["Bình Thuận"]


def test_data_version_names_both_datasets():
    version = place_data.data_version()
    assert "vietnam-provinces 20" in version and "vietnamadminunits 1.0.4" in version


def test_fast_enough_for_a_sheet_of_thousands_of_rows():
    place_history.warm_up()
    addresses = [unit.full_name for unit in place_history.old_communes()[::20]]
    started = time.perf_counter()
    for address in addresses:
        place_history._resolve(address, "Ninh Thuận", None)  # not cached
    per_call = (time.perf_counter() - started) / len(addresses)
    assert per_call < 0.002, f"{per_call * 1000:.2f} ms per address"


def test_a_district_divided_before_2025_is_searched_in_its_successors():
    # Thành phố Huế became the districts Phú Xuân and Thuận Hóa in January 2025.
    answer = resolve_address("phường Phú Hội, thành phố Huế, tỉnh Thừa Thiên Huế")
    assert answer.commune.name == "Phường Thuận Hóa" and answer.province.short_name == "Huế"
    assert "trước 2025 Phường Phú Hội đã thuộc Quận Thuận Hóa, không còn thuộc thành phố Huế" in answer.how_vi
