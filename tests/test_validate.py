import os
from pathlib import Path

import pytest
from conftest import record, write_record

from site_builder.validate import load_catalog


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


def test_duplicate_gtin_across_products(site_config, products):
    write_record(products, record(gtin="8936058120082"))
    _, _, problems = check(site_config, products, record(id="tao-xanh-my-son", gtin="8936058120082"))
    assert "đã dùng cho sản phẩm" in only_error(problems).message.vi


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
    assert "phải là tệp PDF, JPEG hoặc PNG" in fields[0][1]
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
    notes = {p.field: p for p in problems.notes}
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
