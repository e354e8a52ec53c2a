"""``/.well-known/gs1resolver``: the file by which a client learns that an address belongs to a
GS1-Conformant resolver, and what it resolves (GS1-Conformant Resolver standard, section 3;
its JSON schema is GS1's ``description-file-schema``).

Written only for the hosts that answer as a resolver (``Host.resolver``): its presence is the
claim. It belongs at the root of the host, so a site published under a sub-path
(``https://example.gov.vn/ocop/``) writes it in its own folder and the operator copies it to
the root of the domain (README, "GS1 resolver").
"""

from __future__ import annotations

import json

from site_builder.config import SiteConfig
from site_builder.resolver.linksets import GS1_VOCABULARY, LINKSET_CONTEXT

PATH = ".well-known/gs1resolver"


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
