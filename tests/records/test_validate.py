import os
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from PIL import Image
from support.records import annex_record, record, write_record
from support.sites import REPO, write_mkdocs_config

from site_builder.cli import main
from site_builder.config import SiteConfig
from site_builder.domain.stamp_codes import short_code
from site_builder.domain.taxonomy import UNCLASSIFIED
from site_builder.records.validate import load_catalog, note_kind


def check(site_config, products, data, **kwargs):
    path = write_record(products, data, **kwargs)
    catalog, problems = load_catalog(site_config)
    return path, catalog, problems


def only_error(problems):
    assert len(problems.errors) == 1, [p.format() for p in problems.errors]
    return problems.errors[0]


def cert(**changes):
    base = {"stars": 3, "score": 64, "regime": "148", "decision": "1120/QĐ-UBND",
            "decision_date": "2024-03-15", "authority": "UBND huyện Ninh Sơn"}
    base.update(changes)
    return base


def test_a_good_record_becomes_a_product(site_config, products):
    _, catalog, problems = check(site_config, products, record())
    assert not problems.errors
    product = catalog.products[0]
    assert product.producer.province.name == "Khánh Hòa"
    assert product.producer.commune.code == 22738
    assert product.latest.valid_until.isoformat() == "2027-03-15"
    assert product.product_set.sector.slug == "thuc-pham"


def test_stars_must_match_the_score_band(site_config, products):
    path, _, problems = check(site_config, products, record(certifications=[cert(stars=4, score=64)]))
    error = only_error(problems)
    assert error.field == "certifications[0].stars" and error.path == path
    assert "64 điểm là hạng 3 sao" in error.message.vi and "70 đến dưới 90" in error.message.vi
    assert error.line == path.read_text().splitlines().index("- stars: 4") + 1


def test_one_and_two_stars_are_not_ocop(site_config, products):
    _, _, problems = check(site_config, products, record(certifications=[cert(stars=2, score=45)]))
    assert "không phải sản phẩm OCOP" in only_error(problems).message.vi


def test_fractional_and_negative_stars_are_refused(site_config, products):
    _, _, problems = check(site_config, products, record(certifications=[cert(stars=3.5)]))
    assert only_error(problems).field == "certifications[0].stars"
    _, _, problems = check(site_config, products, record(certifications=[cert(stars=-3)]))
    assert only_error(problems).field == "certifications[0].stars"


def test_impossible_date(site_config, products):
    _, _, problems = check(site_config, products, record(certifications=[cert(decision_date="2026-02-30")]))
    error = only_error(problems)
    assert error.field == "certifications[0].decision_date" and "không có thật" in error.message.vi


def test_dates_written_another_way_are_explained(site_config, products):
    _, _, problems = check(site_config, products, record(certifications=[cert(decision_date="15/03/2024")]))
    assert "NĂM-THÁNG-NGÀY" in only_error(problems).message.vi


def test_valid_until_before_decision(site_config, products):
    _, _, problems = check(site_config, products, record(certifications=[cert(valid_until="2024-01-01")]))
    assert only_error(problems).field == "certifications[0].valid_until"


def test_revocation_before_decision(site_config, products):
    revocation = {"date": "2024-01-01", "decision": "5/QĐ-UBND", "reason": "ghi nhãn sai"}
    _, _, problems = check(site_config, products, record(certifications=[cert(revocation=revocation)]))
    assert only_error(problems).field == "certifications[0].revocation.date"


def test_certifications_listed_oldest_first(site_config, products):
    certs = [cert(decision_date="2025-01-10"), cert(decision_date="2024-01-10")]
    _, _, problems = check(site_config, products, record(certifications=certs))
    assert only_error(problems).field == "certifications[1].decision_date"


def test_regime_outside_its_period_is_a_warning(site_config, products):
    _, catalog, problems = check(site_config, products, record(certifications=[cert(regime="26")]))
    assert not problems.errors and catalog.products
    assert problems.warnings[0].field == "certifications[0].regime"


def test_an_authority_of_another_level_is_a_warning_naming_the_level_expected(site_config, products):
    path, catalog, problems = check(site_config, products,
                                    record(certifications=[cert(stars=4, score=76)]))
    assert not problems.errors and catalog.products
    (warning,) = problems.warnings
    assert warning.field == "certifications[0].authority"
    assert warning.line == path.read_text().splitlines().index("  authority: UBND huyện Ninh Sơn") + 1
    assert warning.message.vi.startswith("4 sao theo Quyết định 148/QĐ-TTg (2023) do UBND cấp tỉnh "
                                         "công nhận; cơ quan ghi là 'UBND huyện Ninh Sơn'")
    assert "recognised by the provincial People's Committee" in warning.message.en


@pytest.mark.parametrize("stars, score, regime, decided, authority", [
    (3, 64, "148", "2024-03-15", "UBND thành phố Tây Ninh"),  # a city of a province: district
    (4, 76, "148", "2024-03-15", "Chủ tịch UBND tỉnh Khánh Hòa"),
    (4, 76, "148", "2024-03-15", "UBND thành phố Hà Nội"),  # a centrally run city: province
    (5, 92, "148", "2024-03-15", "Bộ NN&PTNT"),
    (3, 64, "148+1489", "2025-09-15", "Ủy ban nhân dân tỉnh Khánh Hòa"),
    (5, 92, "26", "2026-06-15", "Bộ Nông nghiệp và Môi trường"),
    (3, 64, "148", "2024-03-15", "Hội đồng đánh giá sản phẩm OCOP"),  # not recognised: silent
])
def test_an_authority_of_the_right_level_is_not_warned(site_config, products, stars, score, regime,
                                                        decided, authority):
    data = record(certifications=[cert(stars=stars, score=score, regime=regime, decision_date=decided,
                                       authority=authority)])
    _, _, problems = check(site_config, products, data)
    assert not problems.errors and not problems.warnings, [p.format() for p in problems.items]


def test_a_148_record_recognised_by_the_province_after_1489_is_told_the_regime(site_config, products):
    data = record(certifications=[cert(decision_date="2025-09-15", authority="UBND tỉnh Khánh Hòa")])
    _, _, problems = check(site_config, products, data)
    (warning,) = problems.warnings
    assert "UBND cấp huyện" in warning.message.vi and "ghi regime: 148+1489" in warning.message.vi


def test_no_sample_record_names_an_authority_of_the_wrong_level():
    config = SiteConfig(products_dir=REPO / "products", site_url="https://ocop.khanhhoa.gov.vn/",
                        as_of=date(2026, 11, 22))
    _, problems = load_catalog(config, traceability_notes=False)
    assert not [p.format() for p in problems.items if p.field.endswith(".authority")]


def test_unknown_field_is_reported_with_a_suggestion(site_config, products):
    _, _, problems = check(site_config, products, record(certifications=[{**cert(), "stras": 3}]))
    error = only_error(problems)
    assert error.field == "certifications[0].stras" and "'stars'" in error.message.vi


def test_every_problem_is_reported_at_once(site_config, products):
    data = record(gtin="8936058120083", product_set=30, certifications=[cert(stars=5, score=64)])
    data["producer"]["province"] = "Ninh Thuận"
    _, _, problems = check(site_config, products, data)
    fields = sorted(p.field for p in problems.errors)
    assert fields == ["product_set"]  # schema errors come first; fixing them shows the rest
    data["product_set"] = 7
    _, _, problems = check(site_config, products, data)
    assert sorted(p.field for p in problems.errors) == [
        "certifications[0].stars", "gtin", "producer.province"]


def test_gtin_check_digit(site_config, products):
    _, _, problems = check(site_config, products, record(gtin="8936058120083"))
    assert "chữ số cuối phải là 2" in only_error(problems).message.vi
    _, _, problems = check(site_config, products, record(gtin="8936058120082"))
    assert not problems.errors


def test_unquoted_phone_number_is_explained(site_config, products):
    data = record()
    data["producer"]["phone"] = 2593854112
    _, _, problems = check(site_config, products, data)
    assert "ngoặc kép" in only_error(problems).message.vi


def test_merged_province_points_to_the_new_one(site_config, products):
    data = record()
    data["producer"]["province"] = "Ninh Thuận"
    _, _, problems = check(site_config, products, data)
    assert "'Khánh Hòa'" in only_error(problems).message.vi


def test_commune_must_exist_in_the_province_with_a_suggestion(site_config, products):
    data = record()
    data["producer"]["commune"] = "Do Vinh"
    _, _, problems = check(site_config, products, data)
    assert "Phường Đô Vinh" in only_error(problems).message.vi


def test_tone_placement_and_prefix_do_not_matter(site_config, products):
    data = record()
    data["producer"]["province"] = "tỉnh Khánh Hoà"
    _, catalog, problems = check(site_config, products, data)
    assert not problems.errors and catalog.products[0].producer.province.code == 56


def test_address_in_another_old_province_is_a_warning(site_config, products):
    data = record()
    data["producer"]["address_on_certificate"] = "xã Tân Bình, huyện Vĩnh Cửu, tỉnh Long An"
    _, _, problems = check(site_config, products, data)
    assert not problems.errors and "Long An" in problems.warnings[0].message.vi


def test_id_must_be_url_safe(site_config, products):
    _, _, problems = check(site_config, products, record(id="Nho Sấy"))
    error = only_error(problems)
    assert error.field == "id" and "chữ thường không dấu" in error.message.vi


def test_id_must_match_its_folder(site_config, products):
    path = write_record(products, record())
    path.parent.rename(products / "nho-say")
    _, problems = load_catalog(site_config)
    assert "phải trùng tên thư mục 'nho-say'" in only_error(problems).message.vi


def test_photo_paths_must_stay_inside_products(site_config, products, tmp_path):
    outside = tmp_path / "secret.jpg"
    outside.write_bytes(b"x")
    for bad in ("../../secret.jpg", str(outside), "C:/anh.jpg"):
        _, _, problems = check(site_config, products, record(photos=[{"file": bad}]))
        assert "phải nằm trong thư mục products/" in only_error(problems).message.vi, bad


def test_photo_symlink_leaving_products_is_refused(site_config, products, tmp_path):
    outside = tmp_path / "secret.jpg"
    outside.write_bytes(b"x")
    write_record(products, record(photos=[{"file": "link.jpg"}]))
    os.symlink(outside, products / "nho-say-nhon-son" / "link.jpg")
    _, problems = load_catalog(site_config)
    assert "phải nằm trong thư mục products/" in only_error(problems).message.vi


def test_missing_photo_directory_photo_and_non_image(site_config, products):
    _, _, problems = check(site_config, products, record(photos=[{"file": "khong-co.jpg"}]))
    assert "không tìm thấy" in only_error(problems).message.vi
    (products / "nho-say-nhon-son" / "thu-muc.jpg").mkdir()
    _, _, problems = check(site_config, products, record(photos=[{"file": "thu-muc.jpg"}]))
    assert "là thư mục" in only_error(problems).message.vi
    (products / "nho-say-nhon-son" / "gia.jpg").write_text("<svg onload=alert(1)>")
    _, _, problems = check(site_config, products, record(photos=[{"file": "gia.jpg"}]))
    assert "không phải ảnh" in only_error(problems).message.vi


def write_photo(path: Path) -> bytes:
    """A small photo with real detail (a flat colour compresses to almost nothing)."""
    image = Image.merge("RGB", [Image.effect_noise((320, 240), 40),
                                Image.linear_gradient("L").resize((320, 240)),
                                Image.radial_gradient("L").resize((320, 240))])
    image.save(path, "JPEG", quality=85)
    return path.read_bytes()


def test_a_photo_cut_short_is_an_error_at_its_file_line(site_config, products):
    path = write_record(products, record())
    photo = path.parent / "anh-1.jpg"
    whole = write_photo(photo)
    photo.write_bytes(whole[:len(whole) // 3])  # what an interrupted copy leaves
    _, problems = load_catalog(site_config)
    error = only_error(problems)
    assert error.field == "photos[0].file"
    assert error.line == path.read_text().splitlines().index("- file: anh-1.jpg") + 1
    assert "bị cắt cụt" in error.message.vi and "cut short" in error.message.en


def test_a_validated_photo_is_decoded_again_only_when_it_changes(site_config, products, tmp_path,
                                                                  monkeypatch):
    """Decoding every photo to its end costs time; the record cache keeps it to once a change."""
    import site_builder.records.validate as validate

    decoded = []
    real = validate._decode_whole
    monkeypatch.setattr(validate, "_decode_whole", lambda image: decoded.append(1) or real(image))
    config = replace(site_config, cache_dir=tmp_path / "cache")
    path = write_record(products, record())
    photo = path.parent / "anh-1.jpg"
    whole = write_photo(photo)
    for expected in (1, 1):  # checked once, then taken from the cache
        load_catalog(config)
        assert len(decoded) == expected
    photo.write_bytes(whole[:len(whole) // 3])
    assert only_error(load_catalog(config)[1]).field == "photos[0].file"
    assert len(decoded) == 2


def test_duplicate_gtin_across_products(site_config, products):
    write_record(products, record(gtin="8936058120082"))
    path, _, problems = check(site_config, products, record(id="tao-xanh-my-son", gtin="8936058120082"))
    error = only_error(problems)
    assert error.path == path and error.field == "gtin"
    assert error.line == path.read_text().splitlines().index("gtin: '8936058120082'") + 1 > 1
    assert "đã dùng cho sản phẩm 'nho-say-nhon-son'" in error.message.vi


def test_two_pages_sharing_a_short_address_are_refused_at_the_lot_that_takes_it_second(
        site_config, products):
    # One character: 36 codes, so a clash is found among a product's first lots; the real
    # setting takes 4 to 8 (config.OPTIONS), where the same rule holds.
    config = replace(site_config, short_addresses=1)
    taken = short_code("nho-say-nhon-son", None, 1)
    lot = next(f"NS-{n}" for n in range(1000) if short_code("nho-say-nhon-son", f"NS-{n}", 1) == taken)
    path = write_record(products, record(batches=[batch(lot=lot)]))
    error = only_error(load_catalog(config)[1])
    assert error.path == path and error.field == "batches[0].lot"
    assert error.line == path.read_text().splitlines().index(f"- lot: {lot}") + 1
    assert f"'nho-say-nhon-son/{lot}'" in error.message.vi and "/T/" in error.message.vi
    assert "give the newer lot another lot code" in error.format("en")
    assert not load_catalog(site_config)[1].errors  # short addresses off: nothing to clash


def test_messages_have_english(site_config, products):
    _, _, problems = check(site_config, products, record(certifications=[cert(stars=2, score=45)]))
    assert "not an OCOP product" in only_error(problems).format("en")


def test_record_path_is_named_relative_to_the_root(site_config, products):
    path, _, problems = check(site_config, products, record(certifications=[cert(stars=2, score=45)]))
    text = only_error(problems).format("vi", products.parent)
    line = Path(path).read_text().splitlines().index("- stars: 2") + 1
    assert text.startswith(f"products/nho-say-nhon-son/product.yml:{line}: certifications[0].stars:")


# --- batches ---------------------------------------------------------------------------------


def batch(**changes):
    base = {"lot": "NS-2610", "produced": "2026-10-05", "best_before": "2027-04-05",
            "events": [{"step": "Sấy lạnh và đóng túi", "date": "2026-10-05",
                        "place": "Xưởng sấy Nhơn Sơn", "gln": "8936058200067"}]}
    base.update(changes)
    return base


def test_a_good_batch_is_kept(site_config, products):
    _, catalog, problems = check(site_config, products, record(batches=[batch()]))
    assert not problems.errors and not problems.warnings
    (lot,) = catalog.products[0].batches
    assert lot.lot == "NS-2610" and lot.use_by.isoformat() == "2027-04-05"
    assert lot.events[0].location_trace_code == "8936058200067"


@pytest.mark.parametrize("lot", ["NS/2610", "NS 2610", "lô-1", "-NS", "A" * 21])
def test_lot_codes_must_be_safe_in_an_address(site_config, products, lot):
    path, _, problems = check(site_config, products, record(batches=[batch(lot=lot)]))
    error = only_error(problems)
    assert error.field == "batches[0].lot" and "không có dấu cách hay '/'" in error.message.vi
    assert lot in path.read_text(encoding="utf-8").splitlines()[error.line - 1]


def test_lot_codes_are_unique_ignoring_case(site_config, products):
    _, _, problems = check(site_config, products,
                           record(batches=[batch(), batch(lot="ns-2610", produced="2026-10-06")]))
    error = only_error(problems)
    assert error.field == "batches[1].lot" and "trùng với lô 'NS-2610'" in error.message.vi


def test_batch_dates_must_be_in_order(site_config, products):
    _, _, problems = check(site_config, products, record(batches=[batch(best_before="2026-10-01")]))
    error = only_error(problems)
    assert error.field == "batches[0].best_before" and "phải sau ngày sản xuất" in error.message.vi
    _, _, problems = check(site_config, products, record(batches=[batch(
        expires="2027-01-01")]))
    assert only_error(problems).field == "batches[0].best_before"  # both given


def test_stages_must_fall_inside_the_batch_life(site_config, products):
    late = batch(events=[{"step": "Giao hàng", "date": "2027-05-01", "place": "Chợ Phan Rang"}])
    _, _, problems = check(site_config, products, record(batches=[late]))
    error = only_error(problems)
    assert error.field == "batches[0].events[0].date" and "sau hạn dùng" in error.message.vi


def test_gln_check_digit(site_config, products):
    bad = batch(events=[{"step": "Đóng túi", "date": "2026-10-05", "place": "Xưởng",
                         "gln": "8936058200068"}])
    _, _, problems = check(site_config, products, record(batches=[bad]))
    error = only_error(problems)
    assert error.field == "batches[0].events[0].gln" and "chữ số cuối phải là 7" in error.message.vi


def test_documents_are_files_inside_products_or_https_links(site_config, products):
    folder = products / "nho-say-nhon-son"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "kiem-nghiem.pdf").write_bytes(b"%PDF-1.4\n%test\n")
    (folder / "ghi-chu.txt").write_text("không phải PDF")
    docs = [{"title": "Phiếu kiểm nghiệm", "file": "kiem-nghiem.pdf"},
            {"title": "Chứng nhận", "url": "https://example.vn/cn.pdf"},
            {"title": "Sai loại", "file": "ghi-chu.txt"},
            {"title": "Ra ngoài", "file": "../../secret.pdf"},
            {"title": "Cả hai", "file": "kiem-nghiem.pdf", "url": "https://example.vn/x"},
            {"title": "Thiếu", "file": "khong-co.pdf"}]
    _, _, problems = check(site_config, products, record(batches=[batch(documents=docs)]))
    fields = sorted((p.field, p.message.vi) for p in problems.errors)
    assert [f for f, _ in fields] == ["batches[0].documents[2].file", "batches[0].documents[3].file",
                                      "batches[0].documents[4]", "batches[0].documents[5].file"]
    assert "phải có đuôi .pdf, .jpg, .jpeg hoặc .png" in fields[0][1]
    assert "phải nằm trong thư mục products/" in fields[1][1]


def test_a_batch_made_while_uncertified_is_a_warning(site_config, products):
    early = batch(produced="2023-01-05", best_before="2023-07-05",
                  events=[{"step": "Đóng túi", "date": "2023-01-05", "place": "Xưởng"}])
    _, _, problems = check(site_config, products, record(batches=[early]))
    assert not problems.errors
    (warning,) = problems.warnings
    assert warning.field == "batches[0].produced" and "không được mang nhãn OCOP" in warning.message.vi


def test_traceability_gaps_are_notes_per_product_and_lot(site_config, products):
    no_gln = batch(events=[{"step": "Đóng túi", "date": "2026-10-05", "place": "Xưởng"}])
    path, _, problems = check(site_config, products, record(batches=[no_gln]))
    assert not problems.errors and not problems.warnings
    notes = {p.field: p for p in problems.notes if note_kind(p) == "traceability"}
    assert "5 (công đoạn có mã địa điểm)" in notes["batches[0]"].message.vi
    assert "7 (mã truy vết: GTIN hoặc mã OCOP)" in notes[""].message.vi
    assert notes["batches[0]"].line == path.read_text(encoding="utf-8").splitlines().index(
        "- lot: NS-2610") + 1


def test_a_missing_translation_is_a_warning_naming_the_field(site_config, products):
    data = record()
    del data["story"]["en"]
    _, catalog, problems = check(site_config, products, data)
    assert catalog.products and not problems.errors
    [warning] = problems.warnings
    assert warning.field == "story" and warning.line == 6  # where "story:" is written
    assert "thiếu bản dịch 'story' sang 'en'" in warning.format("vi")


# --- records imported from a decision annex ---------------------------------------------------


def test_an_annex_record_without_story_photos_set_or_commune_is_a_product(site_config, products):
    _, catalog, problems = check(site_config, products, annex_record(), photo=False)
    assert not problems.errors
    [product] = catalog.products
    assert product.story is None and product.photos == ()
    assert product.product_set is None and product.sector is UNCLASSIFIED
    assert product.producer.commune is None and product.producer.province.name == "Tây Ninh"
    # The missing story is a note, not a missing translation; the untranslated name still warns.
    assert [w.field for w in problems.warnings] == ["name"]


def test_check_notes_what_a_product_lacks_in_one_terse_note(site_config, products):
    _, _, problems = check(site_config, products, annex_record(), photo=False)
    [note] = [p for p in problems.notes if note_kind(p) == "missing"]
    assert (note.line, note.field) == (1, "")
    assert note.message.vi == ("còn thiếu: câu chuyện, ảnh, số điện thoại, GTIN, bộ sản phẩm, "
                               "xã/phường hiện nay")
    assert note.message.en == "missing: story, photos, phone, GTIN, product set, current commune"


def test_any_contact_counts_and_a_complete_product_has_no_missing_note(site_config, products):
    data = annex_record(product_set=4, story={"vi": "Mật ong hoa nhãn vùng Tân Ninh."},
                        photos=[{"file": "anh-1.jpg"}])
    data["producer"]["email"] = "htxtanninh@gmail.com"
    _, _, problems = check(site_config, products, data)
    [note] = [p for p in problems.notes if note_kind(p) == "missing"]
    assert note.message.vi == "còn thiếu: GTIN, xã/phường hiện nay"
    path, _, problems = check(site_config, products, record(gtin="8936058120082"))
    assert not [p for p in problems.notes if note_kind(p) == "missing" and p.path == path]


def test_each_to_confirm_entry_is_a_note_at_its_line(site_config, products):
    path, _, problems = check(site_config, products, annex_record(), photo=False)
    lines = path.read_text(encoding="utf-8").splitlines()
    notes = [p for p in problems.notes if note_kind(p) == "to_confirm"]
    assert [n.line for n in notes] == [
        next(i for i, text in enumerate(lines, 1) if text.startswith(f"  {key}:"))
        for key in ("producer.type", "producer.commune")]
    assert notes[0].message.vi == ("cần xác nhận: producer.type: suy ra từ tên chủ thể «HTX Nông "
                                   "nghiệp Tân Ninh»")
    assert notes[1].message.en.startswith("to confirm: producer.commune: xã Phường 4 cũ đã chia")
    assert all(n.field == "to_confirm" for n in notes)


@pytest.mark.parametrize("entries, field, words", [
    ({"producer.commune": "x" * 501}, "to_confirm.producer.commune", "tối đa 500 ký tự"),
    ({"producer.commune": ""}, "to_confirm.producer.commune", "không được để trống"),
    ({"p" * 101: "quá dài"}, "to_confirm." + "p" * 101 + ".[key]", "tối đa 100 ký tự"),
    (["producer.commune"], "to_confirm", "phải là một bảng"),
])
def test_to_confirm_is_a_mapping_of_short_texts(site_config, products, entries, field, words):
    _, catalog, problems = check(site_config, products, annex_record(to_confirm=entries), photo=False)
    error = only_error(problems)
    assert error.field == field and words in error.message.vi and not catalog.products


@pytest.mark.parametrize("field", ["stars", "regime", "decision", "decision_date", "authority"])
def test_what_decides_the_certification_status_stays_required(site_config, products, field):
    data = annex_record()
    del data["certifications"][0][field]
    _, _, problems = check(site_config, products, data, photo=False)
    error = only_error(problems)
    assert error.field == f"certifications[0].{field}" and "thiếu trường bắt buộc" in error.message.vi


def test_a_commune_when_given_must_still_exist(site_config, products):
    data = annex_record()
    data["producer"]["commune"] = "Phường 4"
    _, _, problems = check(site_config, products, data, photo=False)
    error = only_error(problems)
    assert error.field == "producer.commune" and "không phải xã/phường hiện nay" in error.message.vi


def test_check_lists_to_confirm_and_missing_notes_and_counts_them(tmp_path, capsys):
    products = tmp_path / "products"
    write_record(products, record())
    write_record(products, annex_record(), photo=False)
    config = write_mkdocs_config(tmp_path, products)
    assert main(["-f", str(config), "check", "--as-of", "2026-11-22"]) == 0
    out = capsys.readouterr().out
    confirm = out.index("Cần xác nhận")
    missing = out.index("Thông tin còn thiếu")
    tracing = out.index("Truy xuất nguồn gốc, các mục tối thiểu")
    assert confirm < missing < tracing
    assert "mat-ong-tan-ninh/product.yml:17: to_confirm: ghi chú: cần xác nhận: producer.type: " \
           "suy ra từ tên chủ thể «HTX Nông nghiệp Tân Ninh»" in out[confirm:missing]
    assert "mat-ong-tan-ninh/product.yml:1: ghi chú: còn thiếu: câu chuyện, ảnh, số điện thoại" \
           in out[missing:tracing]
    assert "nho-say-nhon-son/product.yml:1: ghi chú: còn thiếu: GTIN" in out[missing:tracing]
    assert out.rstrip().endswith("2 ghi chú truy xuất, 2 sản phẩm còn thiếu thông tin, "
                                 "2 giá trị cần xác nhận")
    assert main(["-f", str(config), "check", "--as-of", "2026-11-22", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "note: to confirm: producer.commune: " in out
    assert "note: missing: story, photos, phone, GTIN, product set, current commune" in out
    assert out.rstrip().endswith("2 products with missing details, 2 values to confirm")
