"""The catalog as a GS1 resolver's data: what a scanner or an app that meets a product's GS1
Digital Link (``/01/<GTIN>``, ``/01/<GTIN>/10/<lot>``) can ask for besides the page, built with
the site (manual/operators.md, "GS1 resolver"):

- ``01/<GTIN>.linkset.json``, each GTIN product's links as a linkset (RFC 9264,
  ``application/linkset+json``), the shape a GS1-Conformant resolver returns;
- ``01/<GTIN>.json``, the product's record (the target of ``gs1:masterData``);
- ``.well-known/gs1resolver``, the description file, for the hosts that answer as a resolver.

The answering (a linkset for ``?linkType=linkset`` or ``Accept: application/linkset+json``, a
redirect for ``?linkType=gs1:pip``, CORS, the ``Link`` header, 400 for what is not a GS1 Digital
Link) is the host's: the rules ``publishing/rules.py`` writes for Apache and nginx, and
``deploy/cloudflare-worker.js`` and ``deploy/cloudfront-function.js``.

One linkset file per product holds every level a GS1 Digital Link of it can name: the GTIN, and
each of its lots (a link context object each, with its own ``anchor``). A request for a lot is
answered from its product's file, so a lot costs no file of its own, and a lot the file does
not name (one printed before its page was published) still finds its product's links: the
standard's "walking up the tree". Each level's links:

- the GTIN (``/01/<GTIN>``): ``gs1:defaultLink``, the traceability page the address itself
  answers with; ``gs1:pip``, the product's page in the catalog; ``gs1:traceability`` and
  ``gs1:certificationInfo``, the traceability page, whose first panel is the certificate (stars,
  decision, authority, validity, checked on the reader's day); ``gs1:masterData``, the
  product's record as JSON (``01/<GTIN>.json``);
- a lot (``/01/<GTIN>/10/<lot>``): ``gs1:defaultLink`` and ``gs1:traceability``, the lot's page.

Every link but the default names the language of its target (``hreflang``) and comes once per
language of the site; every link has a title in its target's language. The default link has a
title only, as the standard asks. Link types are written as URIs of the GS1 Web Vocabulary
(``https://ref.gs1.org/voc/pip``), which GS1's schema for linksets requires.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from site_builder.config import SiteConfig
from site_builder.domain.model import Batch
from site_builder.render.open_data import product_record
from site_builder.render.views import ProductView, Urls

GS1_VOCABULARY = "https://ref.gs1.org/voc/"
LINKSET_TYPE = "application/linkset+json"
# GS1's JSON-LD context for linksets (a normative artefact of the GS1-Conformant Resolver
# standard): a resolver names it in a Link header when it returns a linkset.
LINKSET_CONTEXT = "https://ref.gs1.org/standards/resolver/linkset-context"
PAGE = "text/html"
JSON = "application/json"

DEFAULT_LINK = "defaultLink"
PIP = "pip"
TRACEABILITY = "traceability"
CERTIFICATION = "certificationInfo"
MASTER_DATA = "masterData"
# The link types of the site's linksets, in the order they are written.
LINK_TYPES = (DEFAULT_LINK, PIP, TRACEABILITY, CERTIFICATION, MASTER_DATA)


@dataclass(frozen=True)
class Link:
    href: str
    title: str
    media_type: str | None = None
    lang: str | None = None

    def as_json(self) -> dict[str, object]:
        found: dict[str, object] = {"href": self.href, "title": self.title}
        if self.media_type:
            found["type"] = self.media_type
        if self.lang:
            found["hreflang"] = [self.lang]
        return found


@dataclass(frozen=True)
class Level:
    """One link context: the GS1 Digital Link it describes and its links by type."""

    anchor: str
    description: str
    links: dict[str, list[Link]]

    def as_json(self) -> dict[str, object]:
        found: dict[str, object] = {"anchor": self.anchor, "itemDescription": self.description}
        for name, links in self.links.items():
            found[GS1_VOCABULARY + name] = [link.as_json() for link in links]
        return found


def product_levels(views: Sequence[ProductView], config: SiteConfig) -> list[Level]:
    """The GTIN's level, then each lot's, of a product with a GTIN. ``views``: the product in
    each language of the site, the first language's first (as ``render/templates.py``
    ``Languages`` orders them)."""
    first = views[0]
    product = first.product
    assert product.gtin, product.id
    url = config.absolute_url
    trace = url(first.urls.trace(product))
    gtin = Level(trace, first.name, {
        DEFAULT_LINK: [Link(trace, first.t("link_trace", name=first.name))],
        PIP: [Link(url(v.urls.product(product)), v.t("link_pip", name=v.name), PAGE, v.lang)
              for v in views],
        TRACEABILITY: [Link(url(v.urls.trace(product)), v.t("link_trace", name=v.name), PAGE,
                            v.lang) for v in views],
        CERTIFICATION: [Link(url(v.urls.trace(product)), v.t("link_certification", name=v.name),
                             PAGE, v.lang) for v in views],
        MASTER_DATA: [Link(url(Urls.master_data(product)),
                           first.t("link_master_data", name=first.name), JSON)],
    })
    return [gtin, *(_lot_level(views, batch, config) for batch in product.batches)]


def _lot_level(views: Sequence[ProductView], batch: Batch, config: SiteConfig) -> Level:
    first = views[0]
    page = config.absolute_url(first.urls.lot(first.product, batch))
    return Level(page, first.t("linkset_lot", name=first.name, lot=batch.lot), {
        DEFAULT_LINK: [Link(page, first.t("link_lot", name=first.name, lot=batch.lot))],
        TRACEABILITY: [Link(config.absolute_url(v.urls.lot(v.product, batch)),
                            v.t("link_lot", name=v.name, lot=batch.lot), PAGE, v.lang)
                       for v in views],
    })


def linkset_json(views: Sequence[ProductView], config: SiteConfig) -> bytes:
    """``01/<GTIN>.linkset.json``: the product's levels as one linkset."""
    data = {"linkset": [level.as_json() for level in product_levels(views, config)]}
    # One line: a product with a lot a week for three years has some 150 levels.
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def master_data_json(view: ProductView) -> bytes:
    """``01/<GTIN>.json``: the product's record as in ``du-lieu/products.json``, with the
    licence, and the day its status is stated as of (the day that status began: the file
    changes when the product does, not every day)."""
    config = view.config
    data = {"licence": config.data_licence, "source": config.site_url,
            "status_as_of": view.day.isoformat(), "product": product_record(view)}
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")


# The description file: how a client learns that an address belongs to a GS1-Conformant
# resolver, and what it resolves (GS1-Conformant Resolver standard, section 3; its schema is
# GS1's description-file-schema). Written only for the hosts that answer as a resolver
# (Host.resolver): its presence is the claim. It belongs at the root of the domain: a site
# under a sub-path writes it in its own folder, and the operator copies it to the root.
DESCRIPTION_PATH = ".well-known/gs1resolver"


def description_json(config: SiteConfig) -> bytes:
    office = config.ocop_office
    data: dict[str, object] = {
        "name": config.site_name,
        "resolverRoot": config.site_url.rstrip("/"),
        # GTINs only: the catalog names its products by GTIN and nothing else.
        "supportedPrimaryKeys": ["01"],
        "supportedLinkType": [{"namespace": GS1_VOCABULARY, "prefix": "gs1:"}],
        "linkTypeDefaultCanBeLinkset": False,
        "jsonLdContextLocation": LINKSET_CONTEXT,
    }
    if office.name:
        data["contact"] = {"fn": office.name}
    return json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8")
