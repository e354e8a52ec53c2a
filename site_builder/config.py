"""Settings of one catalog, declared once and independent of the site generator.

The MkDocs adapter fills this from the ``ocop`` plugin block of ``mkdocs.yml``; tests build it
directly. Rules that ``shared/domain.md`` marks as uncertain are settings here, with the
defaults explained in the README.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

# Domains that are never a publisher's own: QR codes pointing at them would be useless or,
# worse, point consumers at somebody else's site. A host is a placeholder when it is one of
# these or a subdomain of one (ocop.example.org), never because the name merely contains one
# (myexample.com is somebody's real domain).
PLACEHOLDER_DOMAINS = ("example.com", "example.org", "example.net", "example.vn", "domain.tld",
                       "your-domain.com", "yourdomain.com", "your-domain.vn", "yourdomain.vn")
# Top-level names reserved for examples and local use (RFC 2606, RFC 6761): x.example, x.test...
PLACEHOLDER_TLDS = ("example", "test", "invalid", "localhost", "local")
# Template words left in place of the domain: https://your-domain/, https://ten-mien.vn/
PLACEHOLDER_LABELS = ("your-domain", "yourdomain", "ten-mien", "tenmien")


def is_placeholder_host(host: str) -> bool:
    """Whether ``host`` (as ``urlsplit`` gives it: lower case, no port) is not a real
    publisher's: a placeholder domain or its subdomain, a reserved top-level name, a template
    word, or a loopback or unspecified address (localhost, 127.0.0.1, 0.0.0.0, [::1])."""
    host = host.rstrip(".")
    labels = host.split(".")
    if any(host == d or host.endswith("." + d) for d in PLACEHOLDER_DOMAINS):
        return True
    if labels[-1] in PLACEHOLDER_TLDS or any(label in PLACEHOLDER_LABELS for label in labels):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified


@dataclass(frozen=True)
class RuleSettings:
    """Validity rules. Defaults follow Decisions 148 and 26 (see README, "Rules")."""

    validity_months: int = 36
    # Civil Code 2015 Art. 147-148: a period counted in months from a day ends at the end of
    # the same-numbered day of the last month. Set to True to end it the day before instead.
    validity_ends_day_before: bool = False
    expiring_days: int = 90
    # Decision 26 Art. 12.3: a certificate whose renewal was filed stays valid until the
    # authority rules, for at most 180 days after expiry.
    grace_days: int = 180


@dataclass(frozen=True)
class Contact:
    name: str = ""
    email: str = ""
    phone: str = ""
    zalo: str = ""


@dataclass(frozen=True)
class SiteConfig:
    products_dir: Path
    site_url: str = ""
    site_name: str = "Sản phẩm OCOP"
    draft: bool = False
    sample_data: bool = False
    as_of: date | None = None
    rules: RuleSettings = field(default_factory=RuleSettings)
    ocop_office: Contact = field(default_factory=Contact)
    cache_dir: Path | None = None
    # The site's languages, the first at the root of the site and the others under their code
    # ('en/'); each needs site_builder/render/locales/<code>.yml (README, "Languages").
    languages: tuple[str, ...] = ("vi", "en")
    site_names: tuple[tuple[str, str], ...] = ()  # (language, site name) beyond the first
    # The licence stated in the open data files and on the data page.
    data_licence: str = "CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/)"
    # A 1200×630 share picture per product (share_image.py). About 10 ms and 45 KB a product,
    # plus as much again in the cache; off, links show the product's first photo instead.
    share_images: bool = True

    @property
    def default_language(self) -> str:
        return self.languages[0]

    def site_name_in(self, lang: str) -> str:
        return dict(self.site_names).get(lang) or self.site_name

    def language_prefix(self, lang: str) -> str:
        """Where a language's pages live: '' for the first language, 'en/' for English."""
        return "" if lang == self.default_language else f"{lang}/"

    def today(self) -> date:
        return self.as_of or date.today()

    def site_url_problem(self) -> tuple[str, str] | None:
        """Why QR codes must not be made for ``site_url`` (vi, en), or None."""
        if not self.site_url:
            return ("chưa khai báo site_url trong mkdocs.yml",
                    "site_url is not set in mkdocs.yml")
        parts = urlsplit(self.site_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            return (f"site_url '{self.site_url}' không phải địa chỉ web đầy đủ",
                    f"site_url '{self.site_url}' is not a full web address")
        if is_placeholder_host(parts.hostname or ""):
            return (f"site_url '{self.site_url}' là tên miền mẫu, không phải tên miền của đơn vị",
                    f"site_url '{self.site_url}' is a placeholder domain, not the publisher's")
        return None

    def absolute_url(self, path: str) -> str:
        """The absolute address of a site path such as 'p/nho-thach-ba/'."""
        base = self.site_url if self.site_url.endswith("/") else self.site_url + "/"
        return base + path.lstrip("/")
