"""OCOP rules: star bands, the validity of a certificate, and its status on a given day.

Every status a page shows is computed here, once; templates only present it.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from enum import Enum
from functools import lru_cache

from site_builder.config import RuleSettings
from site_builder.domain import places
from site_builder.domain.model import Batch, Certification, Product
from site_builder.domain.taxonomy import (
    CENTRAL,
    DISTRICT,
    ISSUER_LEVELS,
    MIN_OCOP_STARS,
    PROVINCE,
    REGIMES,
    IssuerLevel,
    Regime,
)


class Status(str, Enum):
    VALID = "valid"
    EXPIRING = "expiring"  # valid, but ends within RuleSettings.expiring_days
    GRACE = "grace"  # expired, renewal filed, still valid for at most grace_days
    EXPIRED = "expired"
    REVOKED = "revoked"
    SUPERSEDED = "superseded"  # a newer certification of the same product replaced it
    NOT_YET = "not_yet"  # decision dated after the day we look from
    WITHDRAWN = "withdrawn"  # the publisher retired the product

    @property
    def shows_mark(self) -> bool:
        """Whether the OCOP mark and stars may be shown as current."""
        return self in (Status.VALID, Status.EXPIRING, Status.GRACE)


def add_months(day: date, months: int) -> date:
    """Same day-of-month ``months`` later; the month's last day where that day does not exist."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def default_valid_until(decision_date: date, rules: RuleSettings) -> date:
    end = add_months(decision_date, rules.validity_months)
    return end - timedelta(days=1) if rules.validity_ends_day_before else end


def grace_until(cert: Certification, rules: RuleSettings) -> date | None:
    """Last day of the renewal grace period, for a certification whose renewal was filed."""
    if cert.renewal_filed is None:
        return None
    return cert.valid_until + timedelta(days=rules.grace_days)


def stars_match_score(regime: Regime, stars: int, score: float) -> bool:
    return regime.stars_for(score) == stars


def is_ocop_rating(stars: int) -> bool:
    return stars >= MIN_OCOP_STARS


# --- who recognised a certification ----------------------------------------------------------

# Authorities as decisions write them, matched once ascii-folded ("Ủy ban" -> "uy ban"):
# "UBND tỉnh Khánh Hòa", "Chủ tịch Ủy ban nhân dân huyện Ninh Sơn", "UBND TP. Hồ Chí Minh".
_COMMITTEE = re.compile(r"^(?:(?:pho )?chu tich )?(?:ubnd|uy ban nhan dan) "
                        r"(tinh|thanh pho|huyen|thi xa|quan|tp)(?:\b|(?<=tp)(?=hcm))\.?\s*(.*)$")
_MINISTRY = re.compile(r"^(?:bo truong )?bo (?:nong nghiep|nn ?(?:&|va|-)? ?(?:ptnt|mt)\b)")
_DISTRICT_UNITS = frozenset({"huyen", "thi xa", "quan"})
_CITY_ALIASES = {"hcm": "ho chi minh"}
# Huế was a city of Thừa Thiên Huế, of district level, until it became a centrally run city on
# 1 January 2025 (Resolution 1314/NQ-UBTVQH15).
_CITY_LEVEL_SINCE = {"hue": date(2025, 1, 1)}


@lru_cache(maxsize=1)
def _central_cities() -> frozenset[str]:
    """Centrally run cities (province level), now and before the 2025 reform, ascii-folded:
    "thành phố Cần Thơ" is a province, "thành phố Tây Ninh" or "thành phố Nam Định" a district."""
    units: list[places.Province | places.OldProvince] = [*places.provinces().values(),
                                                        *places.old_provinces().values()]
    return frozenset(places.ascii_fold(u.short_name) for u in units
                     if places.ascii_fold(u.name).startswith("thanh pho "))


def _is_central_city(name: str, decided: date) -> bool:
    name = re.split(r"[,;(]", name)[0].strip()
    name = _CITY_ALIASES.get(name, name)
    since = _CITY_LEVEL_SINCE.get(name)
    return name in _central_cities() and (since is None or decided >= since)


def issuer_level(authority: str, decided: date) -> IssuerLevel | None:
    """The level of the body named as a decision's ``authority`` on the day it ``decided``, or
    None when the text is not one of the forms recognised (then nothing is said about it)."""
    key = places.ascii_fold(authority)
    if _MINISTRY.match(key):
        return CENTRAL
    found = _COMMITTEE.match(key)
    if found is None:
        return None
    unit, name = found.groups()
    if unit == "tinh":
        return PROVINCE
    if unit in _DISTRICT_UNITS:
        return DISTRICT
    if not name:
        return None
    return PROVINCE if _is_central_city(name, decided) else DISTRICT


def expected_issuer(regime: Regime, stars: int) -> IssuerLevel | None:
    """The level that recognises ``stars`` under ``regime`` (``taxonomy.ISSUER_LEVELS``)."""
    return ISSUER_LEVELS.get(regime.key, {}).get(stars)


def regimes_issued_by(level: IssuerLevel, stars: int, decided: date) -> list[Regime]:
    """The regimes in force on ``decided`` under which ``level`` recognises ``stars``."""
    return [r for r in REGIMES.values()
            if r.in_force_from <= decided and (r.in_force_until is None or decided <= r.in_force_until)
            and expected_issuer(r, stars) == level]


@dataclass(frozen=True)
class CertificationStatus:
    """The status of one certification on one day, with the dates that explain it."""

    certification: Certification
    status: Status
    day: date
    grace_until: date | None = None
    superseded_by: Certification | None = None

    @property
    def days_left(self) -> int:
        return (self.certification.valid_until - self.day).days


def certification_status(
    cert: Certification, later: Certification | None, day: date, rules: RuleSettings
) -> CertificationStatus:
    """Status of ``cert`` on ``day``, given the next certification of the same product, if any."""
    if cert.decision_date > day:
        return CertificationStatus(cert, Status.NOT_YET, day)
    if cert.revocation and cert.revocation.on <= day:
        return CertificationStatus(cert, Status.REVOKED, day)
    if later is not None and later.decision_date <= day:
        return CertificationStatus(cert, Status.SUPERSEDED, day, superseded_by=later)
    if day <= cert.valid_until:
        if (cert.valid_until - day).days <= rules.expiring_days:
            return CertificationStatus(cert, Status.EXPIRING, day)
        return CertificationStatus(cert, Status.VALID, day)
    grace = grace_until(cert, rules)
    if grace is not None and day <= grace:
        return CertificationStatus(cert, Status.GRACE, day, grace_until=grace)
    return CertificationStatus(cert, Status.EXPIRED, day)


def history_on(product: Product, day: date, rules: RuleSettings) -> list[CertificationStatus]:
    """The status of each certification of ``product`` on ``day``, oldest first."""
    certs = product.certifications
    return [
        certification_status(c, certs[i + 1] if i + 1 < len(certs) else None, day, rules)
        for i, c in enumerate(certs)
    ]


@dataclass(frozen=True)
class ProductStatus:
    """What a consumer must see first: is this product OCOP-certified today, and until when."""

    status: Status
    current: CertificationStatus | None  # the certification that decides the status
    history: tuple[CertificationStatus, ...]

    @property
    def stars(self) -> int | None:
        """Stars that may be displayed as current, or None when the mark may not be used."""
        if self.current and self.status.shows_mark:
            return self.current.certification.stars
        return None


def status_on(product: Product, day: date, rules: RuleSettings) -> ProductStatus:
    history = history_on(product, day, rules)
    in_force = [h for h in history if h.status is not Status.NOT_YET]
    current = in_force[-1] if in_force else None
    if product.withdrawn and product.withdrawn.on <= day:
        return ProductStatus(Status.WITHDRAWN, current, tuple(history))
    if current is None:
        return ProductStatus(Status.NOT_YET, history[0] if history else None, tuple(history))
    return ProductStatus(current.status, current, tuple(history))


def unchanged_since(product: Product, day: date, rules: RuleSettings,
                    batch: Batch | None = None) -> date:
    """The first day from which everything a page says about ``product``'s status has been
    as it is on ``day``: the status of each certification and, for the page of ``batch``,
    whether that batch is past its use-by date.

    Pages state their status 'as of' this day rather than the build day, so a daily rebuild
    changes only the pages of products whose status changed, and only the page of a batch
    that went past its use-by date (an upload then sends those alone); the page's script
    still recomputes everything on the reader's day. Only days on which a rule can change
    something are tried, and each is checked, so the day returned always has exactly the
    facts of ``day``."""
    facts = _status_facts(product, day, rules)
    since = day
    for candidate in sorted((d for d in _turning_days(product, rules) if d < day), reverse=True):
        if _status_facts(product, candidate, rules) != facts:
            break
        since = candidate
    return since if batch is None else lot_unchanged_since(since, day, batch)


def lot_unchanged_since(since: date, day: date, batch: Batch) -> date:
    """``unchanged_since`` for the page of ``batch`` from its product's (``since``): a product
    with hundreds of lots works its status out once, not once a lot."""
    if batch.use_by and batch.use_by < day:
        return max(since, batch.use_by + timedelta(days=1))  # past its use-by date since then
    return since


def _status_facts(product: Product, day: date, rules: RuleSettings) -> tuple:
    status = status_on(product, day, rules)
    return (status.status,
            tuple((h.certification, h.status, h.grace_until, h.superseded_by)
                  for h in status.history))


def _turning_days(product: Product, rules: RuleSettings) -> set[date]:
    """Days on which a status may turn, with the day either side."""
    days: list[date] = []
    for cert in product.certifications:
        days += [cert.decision_date, cert.valid_until,
                 cert.valid_until - timedelta(days=rules.expiring_days)]
        if cert.revocation:
            days.append(cert.revocation.on)
        grace = grace_until(cert, rules)
        if grace:
            days.append(grace)
    if product.withdrawn:
        days.append(product.withdrawn.on)
    return {d + timedelta(days=shift) for d in days for shift in (-1, 0, 1)}
