"""What a web server's rules need to answer as a GS1 resolver without reading the linksets:
the site's address, its languages, and the product of each GTIN.

Every link of a linkset (``render/linksets.py``) is an address the server can make from the request's
path (the GS1 page of the GTIN or the lot, in the reader's language; ``01/<GTIN>.json``) except
``gs1:pip``, the product's page in the catalog, whose address holds the product's id. nginx
reads the table as maps (``rules.py`` writes ``nginx-gs1.conf``), Apache as rules
of its ``.htaccess``. The Cloudflare Worker reads the linkset itself.
"""

from __future__ import annotations

from dataclasses import dataclass

from site_builder.config import SiteConfig
from site_builder.domain.gtin import gtin14
from site_builder.domain.model import Catalog


@dataclass(frozen=True)
class ResolverTable:
    site_url: str  # ends in '/'
    languages: tuple[str, ...]  # the first one's pages at the root, the others under '<code>/'
    products: tuple[tuple[str, str], ...]  # (GTIN-14, product id), by GTIN


def resolver_table(catalog: Catalog, config: SiteConfig) -> ResolverTable:
    site = config.site_url if config.site_url.endswith("/") else config.site_url + "/"
    products = sorted((gtin14(p.gtin), p.id) for p in catalog.products if p.gtin)
    return ResolverTable(site, config.languages, tuple(products))
