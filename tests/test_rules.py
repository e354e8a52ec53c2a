from datetime import date

from conftest import product_with

from site_builder.config import RuleSettings
from site_builder.model import Certification, Revocation, Withdrawal
from site_builder.rules import (
    Status,
    add_months,
    certification_status,
    default_valid_until,
    status_on,
)
from site_builder.taxonomy import REGIMES

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


def test_withdrawn_product_shows_no_stars():
    product = product_with(cert(date(2024, 10, 10)), withdrawn=Withdrawal(date(2026, 3, 1), "ngừng sản xuất"))
    status = status_on(product, date(2026, 11, 22), RULES)
    assert status.status is Status.WITHDRAWN and status.stars is None
    assert status_on(product, date(2026, 2, 28), RULES).stars == 4


def test_expired_product_shows_no_stars():
    status = status_on(product_with(cert(date(2022, 1, 5))), date(2026, 11, 22), RULES)
    assert status.status is Status.EXPIRED and status.stars is None
