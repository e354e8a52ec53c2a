"""The linksets, records and description file of the sample build, against the JSON schemas a
GS1 resolver's answers are checked with, and what each link must be.

Schemas: ``schemas/gs1-linkset-schema.json`` (the one GS1's resolver test suite validates
linksets with) and ``schemas/linkset-schema.json`` (RFC 9264's format, without GS1's
additions), both from github.com/gs1/linkset at commit 571bb7d (Apache License 2.0,
``schemas/LICENSE-gs1-linkset``); RFC 9264 itself has no JSON schema. The description file's
schema is GS1's ``description-file-schema`` 1.2.0, which is not published on GitHub:
``schemas/description-file-schema.json`` restates its constraints (README of ``schemas/``).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from jsonschema import Draft7Validator, FormatChecker
from support.sites import AS_OF, REPO, SITE_URL

from site_builder.config import SiteConfig
from site_builder.domain.gtin import gtin14
from site_builder.render.linksets import GS1_VOCABULARY, LINK_TYPES, description_json
from site_builder.render.views import Urls

SCHEMAS = Path(__file__).with_name("schemas")
GS1_IDS = {"gs1:", "https://gs1.org/voc/", "https://ref.gs1.org/voc/"}


def validator(name: str) -> Draft7Validator:
    schema = json.loads((SCHEMAS / name).read_text(encoding="utf-8"))
    return Draft7Validator(schema, format_checker=FormatChecker())


def gtin_products(site: Path) -> list[dict]:
    data = json.loads((site / "du-lieu/products.json").read_text(encoding="utf-8"))
    return [p for p in data["products"] if p["gtin"]]


@pytest.fixture(scope="module")
def linksets(sample_site) -> dict[str, dict]:
    """GTIN-14 -> the product's linkset, as built."""
    found = {}
    for product in gtin_products(sample_site):
        gtin = gtin14(product["gtin"])
        found[gtin] = json.loads((sample_site / f"01/{gtin}.linkset.json").read_bytes())
    assert len(found) >= 10
    return found


def rfc_9264(data: dict) -> dict:
    """The linkset without GS1's one addition, ``itemDescription`` (which GS1's schema
    requires and RFC 9264's format would read as a relation type)."""
    return {"linkset": [{k: v for k, v in level.items() if k != "itemDescription"}
                        for level in data["linkset"]]}


@pytest.mark.parametrize("schema, view", [("gs1-linkset-schema.json", lambda d: d),
                                          ("linkset-schema.json", rfc_9264)])
def test_every_linkset_validates_against_the_schemas(linksets, schema, view):
    check = validator(schema)
    problems = {gtin: [e.message for e in check.iter_errors(view(data))]
                for gtin, data in linksets.items()}
    assert {gtin: found for gtin, found in problems.items() if found} == {}


def test_the_schemas_refuse_what_is_not_a_gs1_linkset(linksets):
    """They are not empty checks: a CURIE for a key, a link without a title, a language tag
    in a list of one are refused."""
    check = validator("gs1-linkset-schema.json")
    data = next(iter(linksets.values()))
    level = data["linkset"][0]
    for broken in ({**level, "gs1:pip": level[GS1_VOCABULARY + "pip"]},
                   {**level, GS1_VOCABULARY + "pip": [{"href": "https://x.vn/"}]},
                   {**level, GS1_VOCABULARY + "pip": [{**level[GS1_VOCABULARY + "pip"][0],
                                                       "hreflang": "vi"}]}):
        assert not check.is_valid({"linkset": [broken]})


def test_each_level_names_a_page_of_the_build_and_its_links(sample_site, linksets):
    for gtin, data in linksets.items():
        gtin_level, *lots = data["linkset"]
        assert gtin_level["anchor"] == f"{SITE_URL}01/{gtin}"
        assert set(gtin_level) == {"anchor", "itemDescription",
                                   *(GS1_VOCABULARY + t for t in LINK_TYPES)}
        for level in data["linkset"]:
            path = level["anchor"][len(SITE_URL):]
            assert (sample_site / f"{path}.html").is_file(), level["anchor"]
            [default] = level[GS1_VOCABULARY + "defaultLink"]
            assert default == {"href": level["anchor"], "title": default["title"]}  # title only
            for name, links in level.items():
                if not name.startswith(GS1_VOCABULARY) or name.endswith("defaultLink"):
                    continue
                assert all(link["title"] and link["type"] for link in links), name
                for link in links:  # every target is a file of the build
                    target = link["href"][len(SITE_URL):]
                    assert link["href"].startswith(SITE_URL)
                    assert any((sample_site / f).is_file() for f in
                               Urls.files_for(target) + [target]), link["href"]
        # Language versions: one link per language, each in its language.
        for name in ("pip", "traceability", "certificationInfo"):
            assert [link["hreflang"] for link in gtin_level[GS1_VOCABULARY + name]] == \
                [["vi"], ["en"]]
        for lot in lots:
            assert re.fullmatch(rf"{re.escape(SITE_URL)}01/{gtin}/10/[A-Za-z0-9._-]+",
                                lot["anchor"])
            assert set(lot) == {"anchor", "itemDescription", GS1_VOCABULARY + "defaultLink",
                                GS1_VOCABULARY + "traceability"}


def test_the_pomelo_s_links_are_its_pages(linksets):
    data = linksets["08936058120082"]
    level = data["linkset"][0]
    assert [link["href"] for link in level[GS1_VOCABULARY + "pip"]] == [
        SITE_URL + "san-pham/buoi-tan-trieu/", SITE_URL + "en/san-pham/buoi-tan-trieu/"]
    assert level[GS1_VOCABULARY + "masterData"] == [{
        "href": SITE_URL + "01/08936058120082.json", "type": "application/json",
        "title": "Bưởi Tân Triều: dữ liệu sản phẩm (JSON)"}]
    lot = next(lot for lot in data["linkset"] if lot["anchor"].endswith("/10/B2610"))
    assert [link["href"] for link in lot[GS1_VOCABULARY + "traceability"]] == [
        SITE_URL + "01/08936058120082/10/B2610", SITE_URL + "en/01/08936058120082/10/B2610/"]


def test_the_record_of_each_gtin_is_its_open_data_record(sample_site):
    for product in gtin_products(sample_site):
        record = json.loads((sample_site / f"01/{gtin14(product['gtin'])}.json").read_bytes())
        assert record["product"] == product
        assert record["licence"].startswith("CC BY 4.0") and record["source"] == SITE_URL
        assert record["status_as_of"] <= AS_OF.isoformat()


def test_products_without_a_gtin_get_no_linkset(sample_site):
    linksets = sorted(p.name for p in (sample_site / "01").glob("*.linkset.json"))
    assert len(linksets) == len(gtin_products(sample_site))
    assert not (sample_site / ".well-known").exists()  # the default host is no resolver


def test_the_description_file_validates_and_names_the_site():
    config = SiteConfig(products_dir=REPO / "products", site_url=SITE_URL + "ocop/")
    data = json.loads(description_json(config))
    assert list(validator("description-file-schema.json").iter_errors(data)) == []
    assert data["resolverRoot"] == SITE_URL + "ocop"
    assert data["supportedPrimaryKeys"] == ["01"]
    assert {link["namespace"] for link in data["supportedLinkType"]} <= GS1_IDS


def test_the_cloudfront_function_knows_the_link_types_of_the_linksets():
    code = (REPO / "deploy/cloudfront-function.js").read_text(encoding="utf-8")
    found = re.search(r"^var LINK_TYPES = \[(.*)\];$", code, re.M)
    assert found and [t.strip(" '") for t in found.group(1).split(",")] == list(LINK_TYPES)
