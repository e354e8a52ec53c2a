from datetime import date, timedelta
from pathlib import Path

import pytest
from support.records import product_with

from site_builder.config import RuleSettings, SiteConfig
from site_builder.domain.model import Batch, Certification, Revocation, Withdrawal
from site_builder.domain.rules import (
    Status,
    add_months,
    certification_status,
    default_valid_until,
    expected_issuer,
    issuer_level,
    status_on,
    unchanged_since,
)
from site_builder.domain.taxonomy import CENTRAL, DISTRICT, PROVINCE, REGIMES
from site_builder.render.i18n import Translator
from site_builder.render.views import Urls, product_view

RULES = RuleSettings()


def cert(decided: date, **changes) -> Certification:
    fields = dict(stars=4, score=75.0, regime_key="148", decision="1/QĐ-UBND", decision_date=decided,
                  authority="UBND tỉnh Khánh Hòa", valid_until=default_valid_until(decided, RULES),
                  kind="first")
    fields.update(changes)
    return Certification(**fields)


def test_validity_is_36_months_to_the_same_day():
    assert default_valid_until(date(2023, 6, 12), RULES) == date(2026, 6, 12)


def test_validity_from_29_february_ends_on_the_last_day_of_february():
    assert add_months(date(2024, 2, 29), 36) == date(2027, 2, 28)


def test_validity_can_end_the_day_before():
    rules = RuleSettings(validity_ends_day_before=True)
    assert default_valid_until(date(2023, 6, 12), rules) == date(2026, 6, 11)


def test_star_bands_of_every_regime():
    for regime in REGIMES.values():
        assert regime.stars_for(50) == 3 and regime.stars_for(69.9) == 3
        assert regime.stars_for(70) == 4 and regime.stars_for(89.5) == 4
        assert regime.stars_for(90) == 5 and regime.stars_for(100) == 5
        assert regime.stars_for(49.9) == 2 and regime.stars_for(29) == 1


def test_valid_then_expiring_then_expired_on_the_day_after():
    c = cert(date(2023, 6, 12))
    assert certification_status(c, None, date(2026, 1, 1), RULES).status is Status.VALID
    assert certification_status(c, None, date(2026, 3, 14), RULES).status is Status.EXPIRING
    assert certification_status(c, None, date(2026, 6, 12), RULES).status is Status.EXPIRING
    assert certification_status(c, None, date(2026, 6, 13), RULES).status is Status.EXPIRED


def test_grace_period_only_when_renewal_was_filed():
    c = cert(date(2023, 6, 12), renewal_filed=date(2026, 1, 20))
    assert certification_status(c, None, date(2026, 12, 9), RULES).status is Status.GRACE
    assert certification_status(c, None, date(2026, 12, 10), RULES).status is Status.EXPIRED


def test_revocation_takes_effect_on_its_date():
    c = cert(date(2023, 9, 12), revocation=Revocation(date(2025, 8, 1), "512/QĐ-UBND", "ghi nhãn sai"))
    assert certification_status(c, None, date(2025, 7, 31), RULES).status is Status.VALID
    assert certification_status(c, None, date(2025, 8, 1), RULES).status is Status.REVOKED


def test_upgrade_supersedes_the_older_certification():
    old, new = cert(date(2023, 8, 8), stars=3, score=65.0), cert(date(2025, 12, 15), kind="upgrade")
    product = product_with(old, new)
    status = status_on(product, date(2026, 11, 22), RULES)
    assert status.status is Status.VALID and status.stars == 4
    assert [h.status for h in status.history] == [Status.SUPERSEDED, Status.VALID]
    before = status_on(product, date(2025, 12, 1), RULES)
    assert before.stars == 3 and before.history[1].status is Status.NOT_YET


def test_a_status_is_stated_as_of_the_day_it_began():
    """Pages say 'status as of' this day, so a daily rebuild changes only products whose
    status (or a batch's use-by state) changed that day."""
    product = product_with(cert(date(2023, 6, 12)))
    assert unchanged_since(product, date(2026, 1, 1), RULES) == date(2023, 6, 12)  # valid
    # expiring from 90 days before the end of validity, then expired the day after it
    assert unchanged_since(product, date(2026, 5, 1), RULES) == date(2026, 3, 14)
    assert unchanged_since(product, date(2026, 11, 22), RULES) == date(2026, 6, 13)
    revoked = product_with(cert(date(2023, 9, 12), revocation=Revocation(
        date(2025, 8, 1), "512/QĐ-UBND", "ghi nhãn sai")))
    assert unchanged_since(revoked, date(2026, 11, 22), RULES) == date(2025, 8, 1)
    upgraded = product_with(cert(date(2023, 8, 8), stars=3, score=65.0),
                            cert(date(2025, 12, 15), kind="upgrade"))
    assert unchanged_since(upgraded, date(2026, 11, 22), RULES) == date(2025, 12, 15)


def test_a_batch_past_its_use_by_date_changes_the_day_its_page_states_the_status_from():
    """Only the batch's own page says whether it is past its use-by date: the product's
    pages (and its other batches' pages) keep the day their status began."""
    batch = Batch(lot="NS2501", produced=date(2025, 1, 5), expires=date(2025, 7, 5))
    other = Batch(lot="NS2502", produced=date(2025, 2, 5), expires=date(2026, 2, 5))
    product = product_with(cert(date(2024, 10, 10)), batches=(batch, other))
    assert unchanged_since(product, date(2025, 7, 5), RULES, batch) == date(2024, 10, 10)
    assert unchanged_since(product, date(2025, 9, 1), RULES, batch) == date(2025, 7, 6)
    assert unchanged_since(product, date(2025, 9, 1), RULES, other) == date(2024, 10, 10)
    assert unchanged_since(product, date(2025, 9, 1), RULES) == date(2024, 10, 10)


def test_withdrawn_product_shows_no_stars():
    product = product_with(cert(date(2024, 10, 10)), withdrawn=Withdrawal(date(2026, 3, 1), "ngừng sản xuất"))
    status = status_on(product, date(2026, 11, 22), RULES)
    assert status.status is Status.WITHDRAWN and status.stars is None
    assert status_on(product, date(2026, 2, 28), RULES).stars == 4


def test_expired_product_shows_no_stars():
    status = status_on(product_with(cert(date(2022, 1, 5))), date(2026, 11, 22), RULES)
    assert status.status is Status.EXPIRED and status.stars is None


@pytest.mark.parametrize("ends_day_before, last_day", [(False, date(2026, 6, 12)),
                                                        (True, date(2026, 6, 11))])
def test_on_the_last_day_of_validity_the_status_says_it_ends_today(ends_day_before, last_day):
    """Not 'còn 0 ngày': the last day is ``valid_until``, under either counting of the 36
    months (Civil Code Art. 147-148, or the day before)."""
    rules = RuleSettings(validity_ends_day_before=ends_day_before)
    decided = date(2023, 6, 12)
    product = product_with(cert(decided, valid_until=default_valid_until(decided, rules)))
    config = SiteConfig(products_dir=Path("products"), rules=rules)
    vi, en = Translator("vi"), Translator("en")
    on_last_day = product_view(product, last_day, config, vi)
    assert on_last_day.status.status is Status.EXPIRING
    shown = f"{last_day:%d/%m/%Y}"
    assert on_last_day.status_text == f"Sắp hết hiệu lực: hết hiệu lực sau hôm nay ({shown})"
    assert on_last_day.history[0].text == on_last_day.status_text
    assert on_last_day.in_language(en, Urls("en/")).status_text == (
        f"Expiring soon: expires at the end of today ({en.date(last_day)})")
    day_before = product_view(product, last_day - timedelta(days=1), config, vi)
    assert day_before.status_text == f"Sắp hết hiệu lực: còn 1 ngày, đến ngày {shown}"
    assert product_view(product, last_day + timedelta(days=1), config, vi).status.status \
        is Status.EXPIRED
    # The in-page script gets the words for the last day with the others.
    assert on_last_day.script_data["m"]["expiring_today"] == on_last_day.status_text


@pytest.mark.parametrize("authority, level", [
    ("UBND tỉnh Khánh Hòa", PROVINCE),
    ("Ủy ban nhân dân tỉnh Tây Ninh", PROVINCE),
    ("Chủ tịch UBND tỉnh An Giang", PROVINCE),
    ("UBND thành phố Hà Nội", PROVINCE),  # centrally run: a province
    ("Uỷ ban nhân dân Thành phố Cần Thơ", PROVINCE),
    ("UBND TP. Hồ Chí Minh", PROVINCE),
    ("UBND thành phố Tây Ninh", DISTRICT),  # a city of Tây Ninh province
    ("UBND thành phố Nam Định", DISTRICT),  # Nam Định was a province, never a central city
    ("UBND huyện Ninh Sơn", DISTRICT),
    ("UBND thị xã Tân Châu", DISTRICT),
    ("UBND quận Ninh Kiều", DISTRICT),
    ("Bộ Nông nghiệp và Phát triển nông thôn", CENTRAL),
    ("Bộ Nông nghiệp và Môi trường", CENTRAL),
    ("Bộ NN&PTNT", CENTRAL),
    ("Sở Nông nghiệp và PTNT tỉnh Khánh Hòa", None),  # not a form we know: no judgement
    ("UBND Quảng Ngãi", None),
    ("UBND xã Nhơn Sơn", None),
])
def test_the_level_of_an_authority_is_read_as_written(authority, level):
    assert issuer_level(authority, date(2024, 5, 10)) == level


def test_hue_is_a_province_level_city_only_from_2025():
    assert issuer_level("UBND thành phố Huế", date(2024, 12, 31)) == DISTRICT
    assert issuer_level("UBND thành phố Huế", date(2025, 1, 1)) == PROVINCE


@pytest.mark.parametrize("regime, levels", [
    ("1048", (PROVINCE, PROVINCE, CENTRAL)), ("148", (DISTRICT, PROVINCE, CENTRAL)),
    ("148+1489", (PROVINCE, PROVINCE, CENTRAL)), ("26", (PROVINCE, PROVINCE, CENTRAL)),
])
def test_who_recognises_each_star_level_follows_domain_1_3(regime, levels):
    assert tuple(expected_issuer(REGIMES[regime], stars) for stars in (3, 4, 5)) == levels
