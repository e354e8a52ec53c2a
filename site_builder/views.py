"""What a page shows of a product: the status in words, links and summaries, computed once.

Templates receive these ready-made values and do nothing but place them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .config import SiteConfig
from .i18n import Translator
from .model import Certification, Product
from .places import Province
from .rules import CertificationStatus, ProductStatus, Status, grace_until, status_on
from .taxonomy import Sector
from .text import first_sentence, render_story


class urls:
    """Site paths, relative to the site root, always ending in '/' for pages."""

    @staticmethod
    def product(product: Product) -> str:
        return f"san-pham/{product.id}/"

    @staticmethod
    def trace(product: Product) -> str:
        return f"p/{product.id}/"

    @staticmethod
    def qr(product: Product, ext: str) -> str:
        return f"qr/{product.id}.{ext}"

    @staticmethod
    def media(product: Product) -> str:
        return f"media/{product.id}/"

    @staticmethod
    def province(province: Province) -> str:
        return f"tinh/{province.slug}/"

    @staticmethod
    def sector(sector: Sector) -> str:
        return f"nganh/{sector.slug}/"


@dataclass(frozen=True)
class CertificationView:
    cert: Certification
    status: Status
    short: str
    text: str


@dataclass(frozen=True)
class ProductView:
    product: Product
    status: ProductStatus
    status_short: str
    status_text: str
    lapsed: bool  # the OCOP mark may not be used now
    checked_on: str
    story_html: str
    description: str
    trace_absolute_url: str
    history: tuple[CertificationView, ...]
    script_data: dict  # what the in-page script needs to recompute the status on the reader's day


def _messages(cs: CertificationStatus | None, product: Product, t: Translator,
              config: SiteConfig) -> dict[str, str]:
    """The long status text for every status the current certification can reach."""
    messages: dict[str, str] = {}
    if product.withdrawn:
        messages["withdrawn"] = t("status_withdrawn", date=t.date(product.withdrawn.on),
                                  reason=product.withdrawn.reason)
    if cs is None:
        return messages
    c = cs.certification
    until = t.date(c.valid_until)
    messages["valid"] = t("status_valid", date=until)
    messages["expiring"] = t("status_expiring", days="{days}", date=until)
    messages["expired"] = t("status_expired", date=until)
    messages["not_yet"] = t("status_not_yet", date=t.date(c.decision_date))
    grace = grace_until(c, config.rules)
    if grace is not None:
        messages["grace"] = t("status_grace", date=until, grace=t.date(grace))
    if c.revocation:
        messages["revoked"] = t("status_revoked", date=t.date(c.revocation.on),
                                decision=c.revocation.decision, reason=c.revocation.reason)
    if cs.superseded_by:
        later = cs.superseded_by
        messages["superseded"] = t("status_superseded", decision=later.decision,
                                   date=t.date(later.decision_date))
    return messages


def _certification_view(cs: CertificationStatus, product: Product, t: Translator,
                        config: SiteConfig) -> CertificationView:
    text = _messages(cs, product, t, config)[cs.status.value]
    if cs.status is Status.EXPIRING:
        text = text.replace("{days}", str(cs.days_left))
    return CertificationView(cs.certification, cs.status, t(f"status_short_{cs.status.value}"), text)


def product_view(product: Product, day: date, config: SiteConfig, t: Translator) -> ProductView:
    status = status_on(product, day, config.rules)
    current = status.current
    messages = _messages(current, product, t, config)
    text = messages.get(status.status.value, t(f"status_short_{status.status.value}"))
    if status.status is Status.EXPIRING and current is not None:
        text = text.replace("{days}", str(current.days_left))
    script_data = _script_data(product, current, messages, t, config)
    summary = first_sentence(product.story.vi)
    return ProductView(
        product=product,
        status=status,
        status_short=t(f"status_short_{status.status.value}"),
        status_text=text,
        lapsed=not status.status.shows_mark,
        checked_on=t("checked_on_build", date=t.date(day)),
        story_html=render_story(product.story.vi),
        description=summary,
        trace_absolute_url=config.absolute_url(urls.trace(product)),
        history=tuple(_certification_view(h, product, t, config) for h in reversed(status.history)),
        script_data=script_data,
    )


def _script_data(product: Product, current: CertificationStatus | None,
                 messages: dict[str, str], t: Translator, config: SiteConfig) -> dict:
    """Dates as ISO text, so the browser can recompute the status with the rules of rules.py."""
    data: dict = {"m": messages,
                  "s": {s.value: t(f"status_short_{s.value}") for s in Status},
                  "checked": t("checked_on", date="{date}")}
    if product.withdrawn:
        data["withdrawn"] = product.withdrawn.on.isoformat()
    if current is None:
        return data
    c = current.certification
    data.update({"decision": c.decision_date.isoformat(), "until": c.valid_until.isoformat(),
                 "exp": config.rules.expiring_days})
    grace = grace_until(c, config.rules)
    if grace is not None:
        data["grace"] = grace.isoformat()
    if c.revocation:
        data["revoked"] = c.revocation.on.isoformat()
    if current.superseded_by:
        data["superseded"] = current.superseded_by.decision_date.isoformat()
    return data
