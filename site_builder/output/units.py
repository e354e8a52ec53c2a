"""What a site plan is made of: ``Unit``s, the output of one product (its pages, photos, codes)
or of one listing page, with a key that digests everything it is made from, rendered only when
that key changed since the last build (``output/writer.py``); and the ``SitePlan`` that holds
them with the few pages MkDocs renders and the small files written every build."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from site_builder.hosts import Redirect
from site_builder.render.html import SitePage


@dataclass(frozen=True)
class SiteFile:
    path: str  # "p/nho-thach-ba/index.html"
    data: bytes


@dataclass
class UnitOutput:
    pages: list[SitePage] = field(default_factory=list)  # filled into the site shell
    files: list[SiteFile] = field(default_factory=list)
    standalone: list[str] = field(default_factory=list)  # addresses of pages among the files

    def add_page(self, page: SitePage) -> None:
        self.pages.append(page)

    def add_file(self, path: str, data: bytes) -> None:
        self.files.append(SiteFile(path, data))


@dataclass(frozen=True, slots=True)
class Unit:
    """Output made only from known inputs, digested in ``key``; rendered when the key changes.
    (Slotted: a national catalog plans one per lot, hundreds of thousands.)"""

    name: str  # "product:buoi-tan-trieu", "listing:tinh/khanh-hoa/2/"
    key: str
    render: Callable[[], UnitOutput]


@dataclass
class SitePlan:
    pages: list[SitePage] = field(default_factory=list)  # rendered by the site generator, in nav
    units: list[Unit] = field(default_factory=list)
    files: list[SiteFile] = field(default_factory=list)  # small files written every build
    # The titles of the navigation's pages in every language, by address: the navigation of
    # another language's pages is labelled with them.
    nav_titles: dict[str, str] = field(default_factory=dict)
    # Short addresses of products that gained a GTIN, and whether the host's rules answer
    # them (else each has a forwarding page).
    moved: list[Redirect] = field(default_factory=list)
    moved_by_rule: bool = False
    # What a build that changes a few products needs to key their units as this plan did
    # (output/partial.py): the key every unit is built on, and each product's status day.
    base_key: str = ""
    since: dict[str, date] = field(default_factory=dict)
    listed: dict[str, str] = field(default_factory=dict)  # each product's ``keys.listed_key``

    def add_page(self, page: SitePage) -> None:
        self.pages.append(page)

    def add_file(self, path: str, data: bytes) -> None:
        self.files.append(SiteFile(path, data))

    @property
    def product_count(self) -> int:
        return sum(1 for unit in self.units if unit.name.startswith("product:"))
